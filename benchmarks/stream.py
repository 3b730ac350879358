"""The stream benchmark: N realistic entries through the real worker(s) on a real broker and Redis,
then through two reference pipelines on the same broker, with one report.

For each worker count W asked for, three phases run one after the other, each on fresh topics:

1. ``screen``: W ``entrywatch worker`` processes (the product, all lists loaded from Redis);
2. ``faust_forward``: W processes of a Faust agent that only decodes and forwards (references.py);
3. ``plain_loop``: W processes of a confluent-kafka consume-decode-produce loop (references.py).

Each phase waits until its consumer group has settled, sends a warm-up round and waits for it, then
produces the N entries (as fast as possible, or at ``rate`` entries/s) with confluent-kafka and reads
every output. Times are Kafka message timestamps: an entry's is set by the harness's producer, an
output's by the worker's producer, both on this host's clock (on an external cluster, keep the hosts'
clocks in sync). Throughput is entries decided / (last output's timestamp - first entry's timestamp).
Latency is output timestamp - entry timestamp, per entry. Peak RSS is each process's VmHWM.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from benchmarks.generate import EntryGenerator, Generated
from entrywatch import embedded
from entrywatch.cli.connect import connect
from entrywatch.paths import DEFAULT_LISTS
from stores.keys import Keys
from streams import topics
from streams.kafka import consumer_config, producer_config
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent  # the checkout: the processes run there (python -m benchmarks...)
PHASES = ("screen", "faust_forward", "plain_loop")
EMBEDDED_MAX_ENTRIES = 250_000  # Tansu keeps every record in RAM (NOTES.md)

# The targets (2-core machines, all shared lists loaded).
TARGET_ONE_WORKER_RATE = 2_000.0
TARGET_RATIO_VS_FAUST = 0.70
TARGET_P99_MS = 250.0
TARGET_P99_AT_RATE = 1_000.0
TARGET_RSS_MB = 600.0
TARGET_SCALING = 1.6

# The smallest runs whose figures can be held against a target (below them: "too small to judge").
# Throughput is entries over the span from the first entry in to the last output out. That span includes,
# at each end, about one batch (a worker takes up to ``batch_size`` entries at a time) that is not yet
# flowing: with at least this many batches per process the edges are a small part of the span.
MIN_BATCHES_PER_PROCESS = 10
# A p99 by nearest rank is the maximum below 100 latencies; with 1,000 it is the 10th-worst, not one outlier.
MIN_LATENCIES_FOR_P99 = 1_000


@dataclass
class BenchConfig:
    entries: int = 2_000
    workers: tuple[int, ...] = (1,)
    partitions: int = 4
    rate: float | None = None
    references: bool = True
    bootstrap: str | None = None  # None: the embedded stack
    redis_url: str | None = None
    lists: tuple[str, ...] = (str(DEFAULT_LISTS),)
    seed: int = 7
    warmup: int = 50
    idle_timeout_s: float = 120.0
    ready_timeout_s: float = 240.0
    log_dir: str | None = None
    keep_topics: bool = False
    progress: bool = False  # also a line a second while outputs arrive (the steps of each phase are always said)


@dataclass
class PhaseResult:
    phase: str
    processes: int
    partitions: int
    entries: int
    decided: int
    missing: int
    duplicates: int
    throughput_eps: float
    produce_rate_eps: float
    duration_s: float
    latency_ms: dict[str, float]
    peak_rss_mb: list[float]
    cpu_s: list[float]
    outputs_by_topic: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    decisions_by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    timestamp_type: str = ""
    # Where the machine's CPU went during the measured part: the embedded broker and Redis (None when
    # external), this harness process, and the whole machine's busy share (1.0 = every core busy).
    cpu_s_broker: float | None = None
    cpu_s_redis: float | None = None
    cpu_s_harness: float = 0.0
    machine_busy: float = 0.0
    # Entries decided per CPU-second of the phase's processes: steadier than entries/s on a shared machine.
    entries_per_cpu_s: float = 0.0
    pids: list[int] = field(default_factory=list)  # to attach a profiler: py-spy record --pid PID
    # Each screening worker's garbage collector during the measured part (from its /metrics): collections
    # and pause seconds per generation, frozen objects at the end. None for the references.
    gc: list[dict[str, float] | None] = field(default_factory=list)

    @property
    def exactly_once(self) -> bool:
        return self.missing == 0 and self.duplicates == 0


# -- processes ------------------------------------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[float, float]:
    """(peak RSS in MB from VmHWM, CPU seconds user+system) of a live process; zeros if it is gone."""
    rss = cpu = 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1]) / 1024.0
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, cpu


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    try:
        values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return float(sum(values) - idle), float(sum(values))


@dataclass
class Proc:
    """A process the harness started; ``assigned()`` is its assigned partition count (None: unknown yet)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    assigned: Callable[[], int | None]
    ready: Callable[[], bool]
    web_port: int | None = None  # a worker's web server (its /metrics)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stat(self) -> tuple[float, float]:
        return _proc_stat(self.popen.pid)

    def gc(self) -> dict[str, float] | None:
        """A worker's cumulative garbage-collector figures (``worker_gc``); None without a web server."""
        return worker_gc(self.web_port) if self.web_port else None

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            preexec_fn=embedded.die_with_parent(),  # SIGTERM if the harness is killed
        )  # fmt: skip


def worker_gc(port: int) -> dict[str, float] | None:
    """A worker's garbage-collector figures from its /metrics: cumulative pause seconds and collections
    per generation, and the frozen object count; None if it does not answer."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return None
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            gen = sample.labels.get("generation")
            if sample.name == "entrywatch_gc_pause_seconds_sum":
                out[f"pause_s_gen{gen}"] = sample.value
            elif sample.name == "entrywatch_gc_pause_seconds_count":
                out[f"collections_gen{gen}"] = sample.value
            elif sample.name == "entrywatch_gc_frozen_objects":
                out["frozen_objects"] = sample.value
    return out


def gc_delta(before: dict[str, float] | None, after: dict[str, float] | None) -> dict[str, float] | None:
    """The collector's work between two ``worker_gc`` readings (the frozen count as of ``after``)."""
    if before is None or after is None:
        return None
    out = {k: round(v - before.get(k, 0.0), 4) for k, v in after.items() if k != "frozen_objects"}
    out["frozen_objects"] = after.get("frozen_objects", 0.0)
    return out


def _worker_ready(port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as resp:
            body: dict[str, Any] = json.load(resp)
            return body
    except urllib.error.HTTPError as exc:  # 503 while not ready: the body still says why
        with contextlib.suppress(ValueError):
            body = json.loads(exc.read())
            return body
        return None
    except OSError:
        return None


def _status_file_count(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


# -- the run --------------------------------------------------------------------------------------------


class StreamBench:
    def __init__(self, config: BenchConfig, err: TextIO | None = None) -> None:
        self.cfg = config
        self.err = err or sys.stderr
        self.run_id = uuid.uuid4().hex[:8]
        self.log_dir = Path(config.log_dir or tempfile.mkdtemp(prefix="entrywatch-bench-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.services: list[embedded.Service] = []
        self.bootstrap = config.bootstrap or ""
        self.redis_url = config.redis_url or ""
        self.redis_key_prefix = f"ewbench-{self.run_id}"
        self.list_summary: dict[str, int] = {}
        self.created_topics: list[str] = []

    def say(self, text: str) -> None:
        """A progress line on stderr: the stack, the lists, each step of each phase."""
        print(text, file=self.err, flush=True)

    # stack ---------------------------------------------------------------------------------------------

    def start_stack(self) -> None:
        if not self.bootstrap:
            broker = embedded.start_broker(log_dir=self.log_dir)
            self.services.append(broker)
            self.bootstrap = broker.address
        if not self.redis_url:
            redis = embedded.start_redis(log_dir=self.log_dir)
            self.services.append(redis)
            self.redis_url = redis.address

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "kafka_bootstrap": self.bootstrap,
            "redis_url": self.redis_url,
            "partitions": self.cfg.partitions,
            "redis_key_prefix": self.redis_key_prefix,
            "web_port": 0,
        }
        values.update(overrides)
        return Settings(**values)

    def load_lists(self) -> None:
        from entrywatch.listops import load_lists

        # A run-private key prefix: an external Redis's live lists are left alone.
        report = load_lists(self.settings(), list(self.cfg.lists), announce_changes=False)
        self.list_summary = {r.source: r.entities for r in report.loaded}

    def cleanup(self) -> None:
        if not self.cfg.keep_topics and self.created_topics and self.bootstrap:
            with contextlib.suppress(Exception):
                self._delete_topics(self.created_topics)
        if self.cfg.redis_url and self.redis_url:  # external Redis: remove this run's keys
            with contextlib.suppress(Exception):
                self._delete_keys(f"{self.redis_key_prefix}:*")
        gc.collect()  # close the run's Kafka clients before their broker goes away
        for service in reversed(self.services):
            service.stop()

    def forget_shared_names(self) -> None:
        """Delete the name results an earlier phase's workers shared (``streams/name_share.py``)."""
        self._delete_keys(Keys(self.redis_key_prefix).names("*"))

    def _delete_keys(self, pattern: str) -> None:
        import redis

        r = redis.Redis.from_url(self.redis_url)
        try:
            keys = list(r.scan_iter(pattern, count=1000))
            for i in range(0, len(keys), 500):
                r.delete(*keys[i : i + 500])
        finally:
            r.close()

    def _delete_topics(self, names: Sequence[str]) -> None:
        admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 4})
        for fut in admin.delete_topics(list(names), operation_timeout=10).values():
            with contextlib.suppress(Exception):
                fut.result(10)

    def create_topics(self, names: Sequence[str]) -> None:
        admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 4})
        futures = admin.create_topics(
            [NewTopic(n, num_partitions=self.cfg.partitions, replication_factor=1) for n in names],
            operation_timeout=30,
        )
        for fut in futures.values():
            fut.result(30)
        self.created_topics.extend(names)

    # processes -------------------------------------------------------------------------------------------

    def _env(self, app_id: str, data_dir: Path, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP": self.bootstrap,
            "REDIS_URL": self.redis_url,
            "ENTRYWATCH_APP_ID": app_id,
            "ENTRYWATCH_PARTITIONS": str(self.cfg.partitions),
            "ENTRYWATCH_REDIS_KEY_PREFIX": self.redis_key_prefix,
            "ENTRYWATCH_DATA_DIR": str(data_dir),
            "ENTRYWATCH_LOG_LEVEL": "warning",
            **extra,
        }

    def start_workers(self, n: int, prefix: str, app_id: str) -> list[Proc]:
        procs = []
        for i in range(n):
            port = embedded.free_port()
            env = self._env(
                app_id,
                self.log_dir / f"{app_id}-{i}",
                ENTRYWATCH_WEB_PORT=str(port),
                ENTRYWATCH_TOPIC_PREFIX=prefix,
            )
            log = self.log_dir / f"{app_id}-{i}.log"
            popen = _spawn([sys.executable, "-m", "entrywatch.cli", "worker"], env, log)

            def assigned(port: int = port) -> int | None:
                body = _worker_ready(port)
                return None if body is None else int(body.get("assigned_partitions", 0))

            def ready(port: int = port) -> bool:
                body = _worker_ready(port)
                return bool(body and body.get("status") == "ready")

            procs.append(Proc(f"{app_id}-{i}", popen, log, assigned, ready, port))
        return procs

    def start_references(self, kind: str, n: int, source: str, sink: str, app_id: str) -> list[Proc]:
        procs = []
        for i in range(n):
            status = self.log_dir / f"{app_id}-{i}.assigned"
            status.unlink(missing_ok=True)
            log = self.log_dir / f"{app_id}-{i}.log"
            args = [sys.executable, "-m", "benchmarks.references", kind]
            args += ["--source", source, "--sink", sink, "--status-file", str(status)]
            popen = _spawn(args, self._env(app_id, self.log_dir / f"{app_id}-{i}"), log)

            def assigned(status: Path = status) -> int | None:
                return _status_file_count(status)

            def ready(status: Path = status) -> bool:
                return bool(_status_file_count(status))

            procs.append(Proc(f"{app_id}-{i}", popen, log, assigned, ready))
        return procs

    def wait_settled(self, procs: list[Proc]) -> None:
        """Every process ready and holding partitions, and together all of them."""
        deadline = time.monotonic() + self.cfg.ready_timeout_s
        while time.monotonic() < deadline:
            for p in procs:
                if not p.alive():
                    raise RuntimeError(f"{p.name} exited {p.popen.returncode}:\n{p.log.read_text()[-3000:]}")
            counts = [p.assigned() for p in procs]
            if (
                all(c for c in counts)
                and sum(c or 0 for c in counts) >= self.cfg.partitions
                and all(p.ready() for p in procs)
            ):
                return
            time.sleep(0.25)
        logs = "\n".join(f"--- {p.name}\n{p.log.read_text()[-2000:]}" for p in procs)
        raise TimeoutError(f"processes not settled after {self.cfg.ready_timeout_s:.0f}s\n{logs}")

    # produce and collect ---------------------------------------------------------------------------------

    def _output_consumer(self, output_topics: Sequence[str]) -> Consumer:
        settings = self.settings()
        consumer = Consumer(consumer_config(settings, f"bench-collect-{self.run_id}", **{"fetch.wait.max.ms": 20}))
        consumer.assign(
            [TopicPartition(t, p, OFFSET_BEGINNING) for t in output_topics for p in range(self.cfg.partitions)]
        )
        return consumer

    def _produce(
        self, producer: Producer, topic: str, payloads: Sequence[tuple[bytes, bytes]], rate: float | None,
        produced_at: dict[bytes, int], ts_types: Counter[int],
    ) -> None:  # fmt: skip
        def delivered(err: Any, msg: Any) -> None:
            if err is None:
                kind, ts = msg.timestamp()
                ts_types[kind] += 1
                produced_at[msg.key()] = ts if ts > 0 else int(time.time() * 1000)

        start = time.perf_counter()
        for i, (key, value) in enumerate(payloads):
            if rate:
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            while True:
                try:
                    producer.produce(topic, key=key, value=value, on_delivery=delivered)
                    break
                except BufferError:
                    producer.poll(0.05)
            producer.poll(0)
        if producer.flush(60) != 0:
            raise RuntimeError("the harness could not deliver every entry within 60 s")

    def _collect(
        self,
        consumer: Consumer,
        wanted: set[bytes],
        progress_label: str,
        on_complete: Callable[[], None] | None = None,
    ) -> tuple[dict[bytes, list[tuple[int, str, bytes]]], Counter[int]]:
        """Read outputs until every wanted key has one (then a short grace for repeats) or nothing new
        arrives for ``idle_timeout_s``. Returns key -> [(timestamp ms, topic, value)]."""
        seen: dict[bytes, list[tuple[int, str, bytes]]] = defaultdict(list)
        ts_types: Counter[int] = Counter()
        remaining = set(wanted)
        last_progress = time.monotonic()
        last_report = 0.0
        grace_until: float | None = None
        while True:
            now = time.monotonic()
            if grace_until is not None and now >= grace_until:
                break
            if now - last_progress > self.cfg.idle_timeout_s:
                break
            batch = consumer.consume(1000, timeout=0.2)
            for msg in batch:
                if msg.error():
                    continue
                key = msg.key() or b""
                if key not in wanted:
                    continue  # warm-up outputs
                kind, ts = msg.timestamp()
                ts_types[kind] += 1
                seen[key].append((ts if ts > 0 else int(time.time() * 1000), msg.topic(), msg.value()))
                remaining.discard(key)
                last_progress = time.monotonic()
            if not remaining and grace_until is None:
                grace_until = time.monotonic() + 1.0
                if on_complete is not None:
                    on_complete()
            if self.cfg.progress and now - last_report > 1.0:
                last_report = now
                self.say(f"  {progress_label}: {len(wanted) - len(remaining)}/{len(wanted)} decided")
        return seen, ts_types

    # phases ----------------------------------------------------------------------------------------------

    def run_phase(self, phase: str, n_procs: int, entries: list[Generated], warmup: list[Generated]) -> PhaseResult:
        tag = f"{self.run_id}-{phase.replace('_', '')}-w{n_procs}"
        if phase == "screen":
            prefix = f"bench-{tag}-"
            settings = self.settings(topic_prefix=prefix)
            topics.ensure_topics(settings)
            phase_topics = [settings.topic(t) for t in topics.ALL]
            self.created_topics.extend(phase_topics)
            source = settings.topic(topics.ENTRIES)
            outputs = [settings.topic(t) for t in (topics.HOLDS, topics.CLEARED, topics.DLQ)]
            self.forget_shared_names()  # each phase's workers start cold, as after a list update
            procs = self.start_workers(n_procs, prefix, f"bench-{tag}")
        else:
            source, sink = f"bench-{tag}-in", f"bench-{tag}-out"
            phase_topics = [source, sink]
            self.create_topics(phase_topics)
            outputs = [sink]
            kind = "faust" if phase == "faust_forward" else "plain"
            procs = self.start_references(kind, n_procs, source, sink, f"bench-{tag}")
        try:
            self.say(f"{phase} x{n_procs}: starting {n_procs} process(es)")
            self.wait_settled(procs)
            self.say(f"{phase} x{n_procs}: settled; pids " + " ".join(str(p.popen.pid) for p in procs))
            producer = Producer(producer_config(self.settings()))
            consumer = self._output_consumer(outputs)
            try:
                if warmup:
                    self.say(f"{phase} x{n_procs}: warm-up of {len(warmup)} entries")
                    wkeys = [(g.entry_number.encode(), g.encode()) for g in warmup]
                    self._produce(producer, source, wkeys, None, {}, Counter())
                    got, _ = self._collect(consumer, {k for k, _ in wkeys}, "warm-up")
                    if len(got) < len(wkeys):
                        raise RuntimeError(f"{phase}: only {len(got)}/{len(wkeys)} warm-up entries came back")
                payloads = [(g.entry_number.encode(), g.encode()) for g in entries]
                before = [p.stat()[1] for p in procs]
                gc_before = [p.gc() for p in procs]
                services_before = self._service_cpu()
                harness_before = time.process_time()
                machine_before = _machine_cpu()
                produced_at: dict[bytes, int] = {}
                produce_types: Counter[int] = Counter()
                self.say(f"{phase} x{n_procs}: producing {len(payloads)} entries" + (
                    f" at {self.cfg.rate:g}/s" if self.cfg.rate else " as fast as possible"))  # fmt: skip
                errors: list[BaseException] = []

                def produce() -> None:
                    try:
                        self._produce(producer, source, payloads, self.cfg.rate, produced_at, produce_types)
                    except BaseException as exc:  # reported after the join
                        errors.append(exc)

                thread = threading.Thread(target=produce, name="bench-producer", daemon=True)
                thread.start()
                ends: dict[str, Any] = {}

                def snapshot() -> None:  # when the last output arrives, before the grace period
                    ends.update(
                        stats=[p.stat() for p in procs],
                        machine=_machine_cpu(),
                        harness=time.process_time(),
                        services=self._service_cpu(),
                        gc=[p.gc() for p in procs],
                    )

                seen, out_types = self._collect(consumer, {k for k, _ in payloads}, f"{phase} x{n_procs}", snapshot)
                thread.join(120)
                if errors:
                    raise errors[0]
                if not ends:  # some outputs never came: measure now
                    snapshot()
                stats = ends["stats"]
                machine_after = ends["machine"]
                harness_cpu = ends["harness"] - harness_before
                services_cpu = {k: v - services_before.get(k, 0.0) for k, v in ends["services"].items()}
            finally:
                consumer.close()
        finally:
            for p in procs:
                p.stop()
            if not self.cfg.keep_topics:  # the embedded broker keeps records in RAM: drop them now
                with contextlib.suppress(Exception):
                    self._delete_topics(phase_topics)
                    self.created_topics = [t for t in self.created_topics if t not in phase_topics]
        cpu = [round(after - b, 2) for (_rss, after), b in zip(stats, before, strict=True)]
        result = self._result(phase, n_procs, entries, produced_at, seen, stats, cpu, produce_types + out_types)
        self.say(f"{phase} x{n_procs}: {result.decided}/{result.entries} decided, {result.throughput_eps:,.0f} "
                 f"entries/s, p99 {result.latency_ms['p99']:.0f} ms")  # fmt: skip
        result.cpu_s_broker = round(services_cpu["broker"], 2) if "broker" in services_cpu else None
        result.cpu_s_redis = round(services_cpu["redis"], 2) if "redis" in services_cpu else None
        result.cpu_s_harness = round(harness_cpu, 2)
        result.entries_per_cpu_s = round(result.decided / sum(cpu), 1) if sum(cpu) > 0 else 0.0
        result.pids = [p.popen.pid for p in procs]
        result.gc = [gc_delta(b, a) for b, a in zip(gc_before, ends.get("gc") or [None] * len(procs), strict=True)]
        total = machine_after[1] - machine_before[1]
        result.machine_busy = round((machine_after[0] - machine_before[0]) / total, 3) if total > 0 else 0.0
        return result

    def _service_cpu(self) -> dict[str, float]:
        return {s.name: _proc_stat(s.proc.pid)[1] for s in self.services}

    def _result(
        self,
        phase: str,
        n_procs: int,
        entries: list[Generated],
        produced_at: dict[bytes, int],
        seen: dict[bytes, list[tuple[int, str, bytes]]],
        stats: list[tuple[float, float]],
        cpu: list[float],
        ts_types: Counter[int],
    ) -> PhaseResult:
        latencies = sorted(outs[0][0] - produced_at[k] for k, outs in seen.items() if k in produced_at)
        first_in = min(produced_at.values()) if produced_at else 0
        last_out = max((o[0] for outs in seen.values() for o in outs), default=first_in)
        duration = max(last_out - first_in, 1) / 1000.0
        in_span = (max(produced_at.values()) - first_in) / 1000.0 if produced_at else 0.0
        by_topic: Counter[str] = Counter(o[1] for outs in seen.values() for o in outs)
        decisions: Counter[str] = Counter()
        by_category: dict[str, Counter[str]] = defaultdict(Counter)
        if phase == "screen":
            category = {g.entry_number.encode(): g.category for g in entries}
            for key, outs in seen.items():
                _ts, topic, value = outs[0]
                verdict = "DLQ" if topic.endswith(topics.DLQ) else str(json.loads(value).get("decision"))
                decisions[verdict] += 1
                by_category[category[key]][verdict] += 1
        kinds = {0: "not_available", 1: "create_time", 2: "log_append_time"}
        return PhaseResult(
            phase=phase,
            processes=n_procs,
            partitions=self.cfg.partitions,
            entries=len(entries),
            decided=len(seen),
            missing=len(entries) - len(seen),
            duplicates=sum(len(outs) - 1 for outs in seen.values()),
            throughput_eps=round(len(seen) / duration, 1),
            produce_rate_eps=round(len(produced_at) / in_span, 1) if in_span > 0 else 0.0,
            duration_s=round(duration, 3),
            latency_ms=percentiles(latencies),
            peak_rss_mb=[round(rss, 1) for rss, _cpu in stats],
            cpu_s=cpu,
            outputs_by_topic=dict(by_topic),
            decisions=dict(decisions),
            decisions_by_category={c: dict(v) for c, v in sorted(by_category.items())},
            timestamp_type=",".join(sorted(kinds.get(k, str(k)) for k in ts_types)),
        )

    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        if cfg.entries < 1:
            raise ValueError("--entries must be at least 1")
        if not cfg.bootstrap and cfg.entries > EMBEDDED_MAX_ENTRIES:
            raise ValueError(
                f"the embedded broker keeps every record in RAM: at most {EMBEDDED_MAX_ENTRIES} entries "
                "(use --bootstrap for an external cluster)"
            )
        started = time.time()
        load_before = os.getloadavg()
        phases = PHASES if cfg.references else PHASES[:1]
        self.say(f"bench: {cfg.entries} entries through {len(phases) * len(cfg.workers)} phase(s): "
                 + ", ".join(f"{p} x{n}" for n in cfg.workers for p in phases))  # fmt: skip
        gen = EntryGenerator.from_paths(list(cfg.lists), seed=cfg.seed, prefix=f"B{self.run_id[:6].upper()}")
        entries = list(gen.generate(cfg.entries))
        warm = EntryGenerator(gen.names, seed=cfg.seed + 1, prefix=f"W{self.run_id[:6].upper()}")
        warmup = list(warm.generate(cfg.warmup)) if cfg.warmup else []
        results: list[PhaseResult] = []
        try:
            self.start_stack()
            self.say(f"stack: broker {self.bootstrap}, redis {'external' if cfg.redis_url else 'embedded'}")
            self.say("lists: loading into Redis")
            self.load_lists()
            self.say("lists: " + ", ".join(f"{s} {n}" for s, n in self.list_summary.items()))
            for n in cfg.workers:
                for phase in phases:
                    results.append(self.run_phase(phase, n, entries, warmup))
        finally:
            self.cleanup()
        return build_report(cfg, results, self, started, load_before)


def percentiles(values: Sequence[int | float]) -> dict[str, float]:
    """p50/p95/p99/max/mean by nearest rank of sorted ``values``; empty input gives zeros."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    vs = sorted(values)

    def rank(q: float) -> float:
        return float(vs[min(len(vs) - 1, max(0, int(q * len(vs) + 0.999999) - 1))])

    return {
        "p50": rank(0.50),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": float(vs[-1]),
        "mean": round(sum(vs) / len(vs), 1),
    }


def _target(
    value: float | None, target: float, higher_is_better: bool, note: str = "", too_small: str = ""
) -> dict[str, Any]:
    """A target's verdict: ``met`` is None when it needs another kind of run (``note`` says which) or when
    the run is too small to judge it (``too_small`` says what size it needs)."""
    met = None if value is None or too_small else (value >= target if higher_is_better else value < target)
    return {
        "value": value,
        "target": (">= " if higher_is_better else "< ") + f"{target:g}",
        "met": met,
        "note": note,
        "too_small": too_small,
    }


def too_small_for_rate(entries: int, processes: int, batch_size: int) -> str:
    """Why a throughput over ``entries`` through ``processes`` cannot be judged; "" when it can."""
    need = MIN_BATCHES_PER_PROCESS * batch_size * processes
    if entries >= need:
        return ""
    return (
        f"throughput needs at least {MIN_BATCHES_PER_PROCESS} batches of {batch_size} per process "
        f"(--entries {need} for {processes} worker(s))"
    )


def too_small_for_p99(entries: int) -> str:
    if entries >= MIN_LATENCIES_FOR_P99:
        return ""
    return f"a p99 needs at least {MIN_LATENCIES_FOR_P99} latencies (--entries {MIN_LATENCIES_FOR_P99})"


def build_report(
    cfg: BenchConfig,
    results: list[PhaseResult],
    bench: StreamBench,
    started: float,
    load_before: tuple[float, ...],
) -> dict[str, Any]:
    by: dict[tuple[str, int], PhaseResult] = {(r.phase, r.processes): r for r in results}
    ratios: dict[str, dict[str, float | None]] = {}
    for n in cfg.workers:
        screen = by.get(("screen", n))
        row: dict[str, float | None] = {}
        for ref in ("faust_forward", "plain_loop"):
            other = by.get((ref, n))
            row[f"screen_vs_{ref}"] = (
                round(screen.throughput_eps / other.throughput_eps, 3)
                if screen and other and other.throughput_eps
                else None
            )
            # The same ratio per CPU-second of the processes: what it costs, whatever else ran.
            row[f"screen_vs_{ref}_per_cpu_s"] = (
                round(screen.entries_per_cpu_s / other.entries_per_cpu_s, 3)
                if screen and other and other.entries_per_cpu_s
                else None
            )
        ratios[f"workers_{n}"] = row
    base = min(cfg.workers)
    scaling = {
        f"screen_{n}_vs_{base}": round(by[("screen", n)].throughput_eps / by[("screen", base)].throughput_eps, 3)
        for n in cfg.workers
        if n != base and by[("screen", base)].throughput_eps
    }
    one = by.get(("screen", 1))
    steady = bool(cfg.rate)
    batch = bench.settings().batch_size  # the workers' (the environment's ENTRYWATCH_BATCH_SIZE)
    small_one = too_small_for_rate(cfg.entries, 1, batch)
    targets: dict[str, Any] = {}
    if one:
        targets["one_worker_eps"] = _target(
            None if steady else one.throughput_eps, TARGET_ONE_WORKER_RATE, True,
            "needs a run without --rate" if steady else "", small_one,
        )  # fmt: skip
        ratio = ratios["workers_1"].get("screen_vs_faust_forward")
        targets["screen_vs_faust_forward"] = _target(
            None if steady else ratio, TARGET_RATIO_VS_FAUST, True,
            "needs a run without --rate" if steady else "", small_one,
        )  # fmt: skip
        at_rate = bool(cfg.rate and cfg.rate >= TARGET_P99_AT_RATE)
        targets["p99_ms_at_1000_eps"] = _target(
            one.latency_ms["p99"] if at_rate else None, TARGET_P99_MS, False,
            "" if at_rate else "needs --rate 1000", too_small_for_p99(cfg.entries),
        )  # fmt: skip
    screens = [r for r in results if r.phase == "screen"]
    if screens:
        targets["peak_rss_mb_per_worker"] = _target(
            max(max(r.peak_rss_mb, default=0.0) for r in screens), TARGET_RSS_MB, False
        )
    two = by.get(("screen", 2))
    if one and two:
        ok = cfg.partitions >= 4 and not steady
        targets["two_workers_vs_one"] = _target(
            round(two.throughput_eps / one.throughput_eps, 3) if ok and one.throughput_eps else None,
            TARGET_SCALING, True, "" if ok else "needs >= 4 partitions and no --rate",
            too_small_for_rate(cfg.entries, 2, batch),
        )  # fmt: skip
    return {
        "schema": "entrywatch.bench.stream/1",
        "run_id": bench.run_id,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "config": {k: v for k, v in asdict(cfg).items() if k not in ("progress",)}
        | {"stack": "external" if cfg.bootstrap else "embedded (Tansu memory storage, redis-server)"},
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "lists": bench.list_summary,
        "phases": [asdict(r) | {"exactly_once": r.exactly_once} for r in results],
        "ratios": ratios,
        "scaling": scaling,
        "targets": targets,
        "all_decided_exactly_once": all(r.exactly_once for r in results),
        "log_dir": str(bench.log_dir),
    }


def render_table(report: dict[str, Any]) -> str:
    head = ("phase", "procs", "entries", "decided", "dup", "miss", "entries/s", "p50 ms", "p95 ms", "p99 ms",
            "peak RSS MB", "CPU s", "per CPU s", "broker CPU s", "busy")  # fmt: skip
    rows = [head]
    for p in report["phases"]:
        lat = p["latency_ms"]
        rows.append((
            p["phase"], str(p["processes"]), str(p["entries"]), str(p["decided"]), str(p["duplicates"]),
            str(p["missing"]), f"{p['throughput_eps']:,.0f}", f"{lat['p50']:.0f}", f"{lat['p95']:.0f}",
            f"{lat['p99']:.0f}", "/".join(f"{x:.0f}" for x in p["peak_rss_mb"]),
            "/".join(f"{x:.1f}" for x in p["cpu_s"]),
            f"{p['entries_per_cpu_s']:,.0f}",
            "-" if p["cpu_s_broker"] is None else f"{p['cpu_s_broker']:.1f}",
            f"{p['machine_busy']:.0%}",
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    cfg = report["config"]
    mode = f"steady {cfg['rate']:g} entries/s" if cfg["rate"] else "as fast as possible (backlog)"
    machine = report["machine"]
    out = [
        f"EntryWatch stream benchmark {report['run_id']}: {cfg['entries']} entries, "
        f"{cfg['partitions']} partitions, {mode}; {machine['cpus']} CPUs, "
        f"load {machine['loadavg_before'][0]:.2f} before, {machine['loadavg_after'][0]:.2f} after",
        "lists: " + ", ".join(f"{s} {n}" for s, n in report["lists"].items()),
        "",
        *lines,
        "",
    ]
    for group, row in report["ratios"].items():
        parts = [f"{k} {v:.2f}" for k, v in row.items() if v is not None]
        if parts:
            out.append(f"ratios ({group.replace('_', ' ')}): " + ", ".join(parts))
    for k, v in report["scaling"].items():
        out.append(f"scaling: {k} = {v:.2f}x")
    for p in report["phases"]:
        if p["phase"] == "screen" and p["decisions"]:
            cats = "; ".join(
                f"{c} " + " ".join(f"{d}={n}" for d, n in sorted(v.items()))
                for c, v in p["decisions_by_category"].items()
            )
            out.append(f"decisions x{p['processes']}: {cats}")
    out.append("")
    for name, t in report["targets"].items():
        out.append(target_line(name, t))
    out.append("every entry decided exactly once: " + ("yes" if report["all_decided_exactly_once"] else "NO"))
    out.append(f"logs: {report['log_dir']}")
    return "\n".join(out)


def target_line(name: str, t: dict[str, Any]) -> str:
    """'target NAME: VALUE (target >= X) met | NOT met | n/a - why | too small to judge - what it needs'."""
    value = "-" if t["value"] is None else f"{t['value']:g}"
    if t["met"] is not None:
        state = "met" if t["met"] else "NOT met"
    elif t["note"]:
        state = f"n/a - {t['note']}"
    elif t.get("too_small"):
        state = f"too small to judge - {t['too_small']}"
    else:
        state = "n/a"
    return f"target {name}: {value} (target {t['target']}) {state}"


def run(args: argparse.Namespace) -> int:
    """``entrywatch bench [stream]`` (the options of ``entrywatch.cli.bench``): the table on stdout, or the
    report as JSON on stdout and the table on stderr; 0 when every entry was decided exactly once."""
    connect(args, kafka=bool(args.bootstrap), redis=bool(args.redis_url))  # an external one must answer
    config = BenchConfig(
        entries=args.entries,
        workers=tuple(args.workers),
        partitions=args.partitions,
        rate=args.rate,
        references=not args.no_references,
        bootstrap=args.bootstrap,
        redis_url=args.redis_url,
        lists=tuple(args.lists),
        seed=args.seed,
        warmup=args.warmup,
        idle_timeout_s=args.idle_timeout,
        log_dir=args.log_dir,
        keep_topics=args.keep_topics,
        progress=sys.stderr.isatty(),
    )
    report = StreamBench(config).run()
    table = render_table(report)
    if args.json:
        print(table, file=sys.stderr)
        print(json.dumps(report, indent=2))
    else:
        print(table)
    return 0 if report["all_decided_exactly_once"] else 1
