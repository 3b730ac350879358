#!/usr/bin/env python
"""The fault harness (issue 21): valid entries at a steady rate through real workers on the embedded stack
while the harness breaks things, then a count of what the contract promised and what came out.

    .venv/bin/python benchmarks/faults.py [--entries N] [--json]

It starts its own Tansu broker and Redis on free loopback ports, creates the topics, loads the bundled
lists with the code ``entrywatch up`` uses, starts ``entrywatch worker`` processes (as the stream bench
does) and produces N generated entries (unique entry numbers) at a steady rate. During the stream it
SIGKILLs the worker and starts a new one, SIGSTOPs Redis for 20 s, SIGSTOPs the broker for 20 s, and adds
a second worker; between them it sends poison records, each followed by a valid canary entry on the same
partition (benchmarks/poison.py). A supervisor restarts a worker that exits by itself (as a deployment
would), at most ``--max-restarts`` times; a crash loop ends the run early, with a report.

It reads holds.v1, cleared.v1 and entries.dlq.v1 all along and, at the end, the consumer group's committed
offsets on entries.v1, and prints the figures of benchmarks/fault_counts.py. Exit code 0 when every
must-be-zero figure is zero, 1 when one is not, 2 when the harness itself failed, 130 when interrupted.
Every process it started is stopped on the way out, Ctrl-C and SIGTERM included; a paused broker or Redis
is resumed by a helper even if the harness is killed outright.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: benchmarks/ is not an installed package
    sys.path.insert(0, str(REPO))

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition  # noqa: E402

from benchmarks.fault_counts import (  # noqa: E402
    MUST_BE_ZERO,
    REDIS_READ_TIMEOUT_S,
    FaultWindow,
    Figures,
    Input,
    Output,
    count,
    parse_output,
)
from benchmarks.poison import Record, canary, partition_for, poisons  # noqa: E402
from entrywatch import embedded  # noqa: E402
from entrywatch.paths import DEFAULT_LISTS  # noqa: E402
from streams import topics  # noqa: E402
from streams.kafka import consumer_config, producer_config  # noqa: E402
from streams.settings import Settings  # noqa: E402

FAULTS = ("kill", "redis", "broker", "add")
FAULT_NAMES = {"kill": "worker_kill", "redis": "redis_pause", "broker": "broker_pause", "add": "worker_add"}


@dataclass
class Config:
    entries: int = 3_000
    duration_s: float = 180.0  # production spread over this long (rate = entries / duration)
    rate: float | None = None  # entries/s; overrides duration_s
    partitions: int = 4
    faults: tuple[str, ...] = FAULTS
    pause_s: float = 20.0
    poison: bool = True
    poison_labels: tuple[str, ...] | None = None  # a subset of benchmarks/poison.py's labels (None: all)
    timeout_s: float = 900.0  # the whole run, stack start to report; a hard stop follows 240 s later
    drain_timeout_s: float = 120.0  # longest wait for the backlog after a fault
    final_idle_s: float = 45.0  # at the end: stop waiting after this long without a new output
    settle_s: float = 5.0  # pause between a fault's recovery and the next fault
    ready_timeout_s: float = 240.0  # the first worker
    max_restarts: int = 4  # restarts of workers that exited by themselves
    seed: int = 21
    lists: tuple[str, ...] = (str(DEFAULT_LISTS),)
    log_dir: str | None = None

    @property
    def production_rate(self) -> float:
        return self.rate or max(self.entries / self.duration_s, 0.1)


class Abort(Exception):
    """Stop applying faults and producing; go to the report."""


# -- records -----------------------------------------------------------------------------------------------


@dataclass
class Planned:
    seq: int
    kind: str  # valid | canary | poison
    key: bytes | None
    value: bytes | None
    entry_number: str | None
    at_s: float  # when to produce it, from the start of production
    label: str = ""
    accept: frozenset[str] = frozenset({"HOLD", "REVIEW", "CLEAR"})
    category: str = ""
    # filled from the delivery report
    partition: int | None = None
    offset: int | None = None
    produced_at: float | None = None
    error: str | None = None

    def as_input(self) -> Input:
        return Input(
            seq=self.seq,
            kind=self.kind,
            entry_number=self.entry_number,
            partition=self.partition,
            offset=self.offset,
            produced_at=self.produced_at,
            label=self.label,
            accept=self.accept,
        )


def plan(valid: Sequence[tuple[str, bytes, str]], specials: Sequence[Record], rate: float) -> list[Planned]:
    """Valid entries (entry number, value, category) one every 1/rate s; each poison, then its canary,
    right after valid entry ``(j + 1) * N / (P + 1)`` so they are spread over the stream."""
    out: list[Planned] = []
    pairs = [(p, c) for p, c in zip(specials[0::2], specials[1::2], strict=True)]
    at_index = {int((j + 1) * len(valid) / (len(pairs) + 1)): pair for j, pair in enumerate(pairs)}
    for i, (number, value, category) in enumerate(valid):
        t = i / rate
        out.append(Planned(len(out), "valid", number.encode(), value, number, t, category=category))
        pair = at_index.get(i)
        if pair:
            for rec in pair:
                out.append(Planned(len(out), rec.kind, rec.key, rec.value, rec.entry_number, t, rec.label, rec.accept))
    return out


# -- processes ---------------------------------------------------------------------------------------------


def worker_ready(port: int, timeout: float = 1.0) -> dict[str, Any] | None:
    """A worker's /ready body (200 or 503 alike); None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=timeout) as resp:
            body: dict[str, Any] = json.load(resp)
            return body
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(ValueError):
            failed: dict[str, Any] = json.loads(exc.read())
            return failed
        return None
    except (OSError, ValueError):
        return None


@dataclass
class WorkerProc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    web_port: int
    started: float
    ready_at: float | None = None
    ended: float | None = None
    exit_code: int | None = None
    expected_exit: bool = False  # we killed or stopped it

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, chars: int = 1_500) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 30.0) -> None:
        self.expected_exit = True
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)


class Paused:
    """A service SIGSTOPped for a while; a detached helper resumes it even if the harness dies."""

    def __init__(self, service: embedded.Service, seconds: float) -> None:
        self.service = service
        pid = service.proc.pid
        self.helper = subprocess.Popen(
            ["sh", "-c", f"sleep {seconds + 10:.0f}; kill -CONT {pid} 2>/dev/null"],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        service.pause()
        self.started = time.time()

    def resume(self) -> float:
        with contextlib.suppress(ProcessLookupError):
            self.service.resume()
        ended = time.time()
        if self.helper.poll() is None:
            self.helper.kill()
        self.helper.wait(5)
        return ended


# -- the run -----------------------------------------------------------------------------------------------


class FaultRun:
    def __init__(self, cfg: Config, err: TextIO | None = None) -> None:
        self.cfg = cfg
        self.err = err or sys.stderr
        self.run_id = uuid.uuid4().hex[:6]
        self.log_dir = Path(cfg.log_dir or tempfile.mkdtemp(prefix="entrywatch-faults-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.app_id = f"ewfaults-{self.run_id}"
        self.services: dict[str, embedded.Service] = {}
        self.workers: list[WorkerProc] = []
        self.paused: list[Paused] = []
        self.records: list[Planned] = []
        self.outputs: list[Output] = []
        self.faults: list[FaultWindow] = []
        self.events: list[dict[str, Any]] = []
        self.restarts = 0
        self.aborted: str | None = None
        self.harness_error: str | None = None
        self.committed: dict[int, int] | None = None
        self.started = time.time()
        self.deadline = time.monotonic() + cfg.timeout_s
        self.stop_producing = threading.Event()
        self.stop_reading = threading.Event()
        self.producer_done = threading.Event()
        self.lock = threading.Lock()
        self.decided: set[str] = set()
        self.lettered: set[tuple[int, int]] = set()
        self.last_output = time.monotonic()
        self.lists: dict[str, int] = {}
        self.production_started: float | None = None
        self.production_ended: float | None = None
        self._threads: list[threading.Thread] = []
        self._last_progress = 0.0
        self.settings: Settings | None = None

    # small things ---------------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(f"[faults {time.time() - self.started:6.1f}s] {text}", file=self.err, flush=True)

    def event(self, what: str, **details: Any) -> None:
        self.events.append({"t": round(time.time() - self.started, 2), "event": what, **details})
        self.say(what + ("" if not details else " " + " ".join(f"{k}={v}" for k, v in details.items())))

    def env(self, web_port: int, name: str) -> dict[str, str]:
        s = self.settings
        assert s is not None
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP": s.kafka_bootstrap,
            "REDIS_URL": s.redis_url.get_secret_value(),
            "ENTRYWATCH_APP_ID": self.app_id,
            "ENTRYWATCH_PARTITIONS": str(self.cfg.partitions),
            "ENTRYWATCH_REDIS_KEY_PREFIX": s.redis_key_prefix,
            "ENTRYWATCH_DATA_DIR": str(self.log_dir / f"faust-{name}"),
            "ENTRYWATCH_LOG_LEVEL": "warning",
            "ENTRYWATCH_LOG_FORMAT": "json",
            "ENTRYWATCH_WEB_PORT": str(web_port),
        }

    # stack ----------------------------------------------------------------------------------------------

    def start_stack(self) -> list[tuple[str, bytes, str]]:
        from benchmarks.generate import EntryGenerator, listed_names
        from entrywatch.listops import parse_paths, store_snapshots
        from streams.topics import ensure_topics

        self.services["broker"] = embedded.start_broker(log_dir=self.log_dir)
        self.services["redis"] = embedded.start_redis(log_dir=self.log_dir)
        self.settings = Settings(  # type: ignore[call-arg]
            kafka_bootstrap=self.services["broker"].address,
            redis_url=self.services["redis"].address,  # type: ignore[arg-type]
            partitions=self.cfg.partitions,
            app_id=self.app_id,
            redis_key_prefix=f"ewf{self.run_id}",
            web_port=0,
        )
        self.event("stack", broker=self.settings.kafka_bootstrap, redis=self.services["redis"].address)
        ensure_topics(self.settings)
        # what `entrywatch up` does (entrywatch.listops.load_lists), with the parsed lists kept for the entries
        snapshots, report = parse_paths(list(self.cfg.lists))
        report = store_snapshots(self.settings, snapshots, report)
        self.lists = {r.source: r.entities for r in report.loaded}
        self.event("lists", **{k: v for k, v in self.lists.items()})
        gen = EntryGenerator(listed_names(snapshots), seed=self.cfg.seed, prefix=f"V{self.run_id.upper()}")
        return [(g.entry_number, g.encode(), g.category) for g in gen.generate(self.cfg.entries)]

    def start_worker(self, why: str) -> WorkerProc:
        name = f"worker-{len(self.workers)}"
        port = embedded.free_port()
        log = self.log_dir / f"{name}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "entrywatch.cli", "worker"],
                env=self.env(port, name),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                preexec_fn=embedded.die_with_parent(),  # SIGTERM if the harness is killed
            )
        w = WorkerProc(name, popen, log, port, time.time())
        self.workers.append(w)
        self.event("worker started", name=name, pid=popen.pid, why=why)
        return w

    def live_workers(self) -> list[WorkerProc]:
        return [w for w in self.workers if w.alive()]

    # supervision ----------------------------------------------------------------------------------------

    def tick(self) -> None:
        """Restart workers that exited by themselves (up to the budget), note readiness, print progress;
        raise Abort at the overall deadline or when the restart budget is spent and no worker is left."""
        for w in self.workers:
            if w.ended is None and not w.alive():
                w.ended, w.exit_code = time.time(), w.popen.returncode
                if w.expected_exit:
                    continue
                tail = w.log_tail(600).strip().splitlines()
                self.event(
                    "worker exited by itself", name=w.name, code=w.exit_code, last_log=(tail[-1][:300] if tail else "")
                )
                if self.restarts < self.cfg.max_restarts:
                    self.restarts += 1
                    self.start_worker(f"restart {self.restarts}/{self.cfg.max_restarts} after {w.name} exited")
            elif w.ready_at is None and w.alive():
                body = worker_ready(w.web_port, timeout=0.5)
                if body and body.get("status") == "ready" and body.get("assigned_entry_partitions"):
                    w.ready_at = time.time()
                    self.event(
                        "worker ready",
                        name=w.name,
                        after_s=round(w.ready_at - w.started, 1),
                        partitions=body.get("assigned_entry_partitions"),
                    )
        if not self.live_workers() and self.restarts >= self.cfg.max_restarts:
            raise Abort(f"crash loop: {self.restarts} restarts spent and no worker left")
        if time.monotonic() > self.deadline:
            raise Abort(f"overall timeout of {self.cfg.timeout_s:.0f}s")
        now = time.monotonic()
        if now - self._last_progress > 10:
            self._last_progress = now
            produced = sum(1 for r in self.records if r.offset is not None)
            flowing = [r for r in self.records if r.kind != "poison" and r.offset is not None]
            with self.lock:
                done = sum(1 for r in flowing if r.entry_number in self.decided)
                outs = len(self.outputs)
            self.say(
                f"produced {produced}/{len(self.records)}, decided {done}/{len(flowing)}, outputs {outs}, "
                f"workers alive {len(self.live_workers())}"
            )

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.tick()
            time.sleep(min(0.25, max(0.0, end - time.monotonic())))

    def wait_for(self, done: Callable[[], bool], timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if done():
                return True
            self.tick()
            time.sleep(0.25)
        return done()

    def backlog(self, produced_before: float | None = None, poison_too: bool = False) -> int:
        """Delivered entries (valid and canaries; poisons too if asked) with no answer yet."""
        with self.lock:
            n = 0
            for r in self.records:
                if r.offset is None or (r.kind == "poison" and not poison_too):
                    continue
                if produced_before is not None and (r.produced_at or 0) > produced_before:
                    continue
                if r.entry_number in self.decided or (r.partition, r.offset) in self.lettered:
                    continue
                n += 1
            return n

    # producing and reading ------------------------------------------------------------------------------

    def produce(self) -> None:
        s = self.settings
        assert s is not None
        producer = Producer(producer_config(s, **{"message.max.bytes": 4_000_000}))
        topic = s.topic(topics.ENTRIES)

        def delivered(rec: Planned) -> Callable[[Any, Any], None]:
            def report(err: Any, msg: Any) -> None:
                if err is not None:
                    rec.error = str(err)
                    return
                _kind, ts = msg.timestamp()
                rec.partition, rec.offset = msg.partition(), msg.offset()
                rec.produced_at = ts / 1000.0 if ts > 0 else time.time()

            return report

        try:
            start = time.monotonic()
            self.production_started = time.time()
            for rec in self.records:
                while not self.stop_producing.is_set():
                    delay = start + rec.at_s - time.monotonic()
                    if delay <= 0:
                        break
                    producer.poll(min(delay, 0.2))
                if self.stop_producing.is_set():
                    break
                while True:
                    try:
                        producer.produce(topic, key=rec.key, value=rec.value, on_delivery=delivered(rec))
                        break
                    except BufferError:
                        producer.poll(0.1)
                producer.poll(0)
            self.production_ended = time.time()
            deadline = time.monotonic() + 120
            while producer.flush(1.0) and time.monotonic() < deadline and not self.stop_producing.is_set():
                pass
        except Exception as exc:  # reported, not raised in a thread
            self.harness_error = f"producer: {type(exc).__name__}: {exc}"
        finally:
            self.producer_done.set()

    def read(self) -> None:
        s = self.settings
        assert s is not None
        kinds = {s.topic(topics.HOLDS): "decision", s.topic(topics.CLEARED): "decision", s.topic(topics.DLQ): "dlq"}
        consumer = Consumer(
            consumer_config(s, f"faults-reader-{self.run_id}", **{"fetch.wait.max.ms": 50, "log_level": 3})
        )
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t in kinds for p in range(self.cfg.partitions)])
        try:
            while not self.stop_reading.is_set():
                batch = consumer.consume(500, timeout=0.2)
                now = time.time()
                for msg in batch:
                    if msg.error():
                        continue
                    _kind, ts = msg.timestamp()
                    out = parse_output(kinds[msg.topic() or ""], msg.value(), now, ts / 1000.0 if ts > 0 else None)
                    with self.lock:
                        self.outputs.append(out)
                        if out.entry_number is not None:
                            self.decided.add(out.entry_number)
                        if out.source_partition is not None and out.source_offset is not None:
                            self.lettered.add((out.source_partition, out.source_offset))
                        self.last_output = time.monotonic()
        except Exception as exc:
            self.harness_error = f"reader: {type(exc).__name__}: {exc}"
        finally:
            consumer.close()

    def read_committed(self) -> dict[int, int]:
        s = self.settings
        assert s is not None
        consumer = Consumer(consumer_config(s, self.app_id, **{"log_level": 3}))
        try:
            tps = [TopicPartition(s.topic(topics.ENTRIES), p) for p in range(self.cfg.partitions)]
            return {tp.partition: tp.offset for tp in consumer.committed(tps, timeout=15) if tp.offset >= 0}
        finally:
            consumer.close()

    # faults ---------------------------------------------------------------------------------------------

    def pause(self, which: str) -> FaultWindow:
        service = self.services[which]
        paused = Paused(service, self.cfg.pause_s)
        self.paused.append(paused)
        self.event(f"SIGSTOP {which}", pid=service.proc.pid, for_s=self.cfg.pause_s)
        try:
            self.sleep(self.cfg.pause_s)
        finally:
            ended = paused.resume()
            self.paused.remove(paused)
            self.event(f"SIGCONT {which}")
        return FaultWindow(FAULT_NAMES["redis" if which == "redis" else "broker"], paused.started, ended)

    def apply(self, fault: str) -> FaultWindow:
        if fault == "kill":
            live = self.live_workers()
            if not live:
                raise Abort("no live worker to kill")
            victim = live[0]
            victim.expected_exit = True
            started = time.time()
            victim.popen.send_signal(signal.SIGKILL)
            victim.popen.wait(10)
            self.event("SIGKILL worker", name=victim.name, pid=victim.popen.pid)
            self.start_worker(f"replaces {victim.name} (SIGKILLed)")
            return FaultWindow(FAULT_NAMES[fault], started, time.time())
        if fault in ("redis", "broker"):
            return self.pause(fault)
        if fault == "add":
            # The group rebalances when the new worker joins: the "fault" lasts until it holds partitions.
            started = time.time()
            added = self.start_worker("added mid-stream")
            self.wait_for(lambda: added.ready_at is not None or not added.alive(), self.cfg.ready_timeout_s)
            return FaultWindow(FAULT_NAMES[fault], started, added.ready_at or time.time())
        raise ValueError(f"unknown fault {fault!r}")

    def stalled(self) -> bool:
        """Nothing came out for ``final_idle_s`` although every live worker is ready (e.g. an agent that
        crashed inside a live process): waiting longer for a backlog is pointless."""
        live = self.live_workers()
        quiet = time.monotonic() - self.last_output > self.cfg.final_idle_s
        return quiet and bool(live) and all(w.ready_at is not None for w in live)

    def _drained_or_stalled(self, ended: float) -> Callable[[], bool]:
        return lambda: self.backlog(produced_before=ended) == 0 or self.stalled()

    def run_faults(self) -> None:
        n = len(self.cfg.faults)
        production = (self.records[-1].at_s if self.records else 0.0) or 1.0
        for k, fault in enumerate(self.cfg.faults):
            due = (self.production_started or time.time()) + (k + 1) * production / (n + 1)
            self.sleep(max(0.0, due - time.time()))
            if self.producer_done.is_set():
                self.event("note: production already ended", fault=fault)
            window = self.apply(fault)
            self.faults.append(window)
            self.wait_for(self._drained_or_stalled(window.ended), self.cfg.drain_timeout_s)
            left = self.backlog(produced_before=window.ended)
            if left and self.stalled():
                self.event("stalled: no output for a while with every live worker ready", fault=fault)
            self.event(f"after {fault}", backlog_drained=left == 0, backlog=left)
            self.sleep(self.cfg.settle_s)

    # the whole ------------------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        try:
            valid = self.start_stack()
            specials: list[Record] = []
            if cfg.poison:
                for p in poisons(self.run_id, self.settings.max_message_bytes if self.settings else 1_000_000):
                    if cfg.poison_labels is None or p.label in cfg.poison_labels:
                        specials += [p, canary(self.run_id, p, cfg.partitions)]
            self.records = plan(valid, specials, cfg.production_rate)
            first = self.start_worker("first")
            self.wait_for(lambda: first.ready_at is not None, cfg.ready_timeout_s)
            if first.ready_at is None:
                raise Abort(f"the first worker was not ready after {cfg.ready_timeout_s:.0f}s")
            for target in (self.read, self.produce):
                t = threading.Thread(target=target, name=target.__name__, daemon=True)
                t.start()
                self._threads.append(t)
            self.event(
                "producing",
                records=len(self.records),
                rate=round(cfg.production_rate, 2),
                poison=sum(1 for r in self.records if r.kind == "poison"),
            )
            self.run_faults()
            self.wait_for(self.producer_done.is_set, max(0.0, self.deadline - time.monotonic()))
            self.event("production ended; waiting for the last answers")
            end = time.monotonic() + cfg.drain_timeout_s

            def finished() -> bool:
                idle = time.monotonic() - self.last_output > cfg.final_idle_s
                return self.backlog(poison_too=True) == 0 or idle or time.monotonic() > end

            self.wait_for(finished, cfg.drain_timeout_s + 5)
        except Abort as exc:
            self.aborted = str(exc)
            self.event("aborted", why=self.aborted)
        except Exception as exc:
            self.harness_error = f"{type(exc).__name__}: {exc}"
            self.event("harness error", error=self.harness_error)
            traceback.print_exc(file=self.err)
        # (KeyboardInterrupt and SIGTERM skip this: the caller stops everything at once)
        self.finish()
        return self.report()

    def finish(self) -> None:
        """Resume what is paused, stop the workers (their last commits), read the committed offsets and the
        last outputs, stop the threads."""
        for p in list(self.paused):
            p.resume()
        self.paused.clear()
        self.stop_producing.set()
        for t in self._threads:
            if t.name == "produce":
                t.join(10)
        if self.workers:
            time.sleep(3.5)  # a commit interval (Faust's 2.8 s) for the offsets of what was answered
        for w in self.workers:
            w.stop()
        if self.settings is not None and "broker" in self.services:
            try:
                self.committed = self.read_committed()
            except Exception as exc:
                self.harness_error = self.harness_error or f"committed offsets: {type(exc).__name__}: {exc}"
        end = time.monotonic() + 15
        while time.monotonic() < end and time.monotonic() - self.last_output < 3:
            time.sleep(0.2)
        self.stop_reading.set()
        for t in self._threads:
            t.join(10)

    def cleanup(self) -> None:
        """Stop every process this run started (safe to call more than once)."""
        for p in list(self.paused):
            with contextlib.suppress(Exception):
                p.resume()
        self.paused.clear()
        self.stop_producing.set()
        self.stop_reading.set()
        for service in self.services.values():  # a stopped process takes SIGTERM only once continued
            with contextlib.suppress(Exception):
                service.resume()
        for w in self.workers:
            with contextlib.suppress(Exception):
                w.stop(timeout=15)
        for name in ("redis", "broker"):
            if name in self.services:
                service = self.services.pop(name)
                with contextlib.suppress(Exception):
                    service.stop()

    def agent_crashes(self) -> dict[str, Any]:
        """Agents that raised, from the workers' logs: Faust's "Crashed reason=..." (it restarts the agent
        inside the live process, skipping the batch it was in), and the screening agent's own stop ("the
        screening agent stopped on ...": it stops the worker without acking)."""
        reasons: dict[str, int] = {}
        total = 0
        for w in self.workers:
            with contextlib.suppress(OSError):
                for line in w.log.read_text(errors="replace").splitlines():
                    marker = next((m for m in ("Crashed reason=", "screening agent stopped on ") if m in line), None)
                    if marker is None:
                        continue
                    total += 1
                    reason = line.split(marker, 1)[1].split("(", 1)[0].split(":", 1)[0].strip()[:80]
                    reasons[reason] = reasons.get(reason, 0) + 1
        return {"total": total, "by_reason": reasons}

    def pids(self) -> list[int]:
        return [w.popen.pid for w in self.workers if w.alive()] + [
            s.proc.pid for s in self.services.values() if s.alive()
        ]

    # report ---------------------------------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        with self.lock:
            outputs = list(self.outputs)
        figures: Figures = count([r.as_input() for r in self.records], outputs, self.committed, self.faults)
        produced = [r for r in self.records if r.offset is not None]
        mismatch = sum(
            1 for r in produced if r.key is not None and r.partition != partition_for(r.key, self.cfg.partitions)
        )
        delivery_errors = sorted({r.error for r in self.records if r.error})
        return {
            "schema": "entrywatch.faults/1",
            "run_id": self.run_id,
            "ok": figures.ok and not self.aborted and not self.harness_error,
            "aborted": self.aborted,
            "harness_error": self.harness_error,
            "config": asdict(self.cfg) | {"production_rate": round(self.cfg.production_rate, 2)},
            "wall_s": round(time.time() - self.started, 1),
            "production_s": (
                round(self.production_ended - self.production_started, 1)
                if self.production_started and self.production_ended
                else None
            ),
            "lists": self.lists,
            "workers": [
                {
                    "name": w.name,
                    "pid": w.popen.pid,
                    "ready_after_s": None if w.ready_at is None else round(w.ready_at - w.started, 1),
                    "exit_code": w.exit_code,
                    "exited_by_itself": w.ended is not None and not w.expected_exit,
                }
                for w in self.workers
            ],
            "worker_restarts": self.restarts,
            "worker_crashes": sum(1 for w in self.workers if w.ended is not None and not w.expected_exit),
            "agent_crashes": self.agent_crashes(),
            "partition_mismatches": mismatch,
            "delivery_errors": delivery_errors[:5],
            "faults": [
                asdict(f) | {"start_t": round(f.started - self.started, 1), "end_t": round(f.ended - self.started, 1)}
                for f in self.faults
            ],
            "events": self.events,
            "figures": figures.to_json(),
            "log_dir": str(self.log_dir),
        }


# -- output ------------------------------------------------------------------------------------------------


def _fmt(v: Any) -> str:
    if v is None:
        return "never"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def render(report: dict[str, Any]) -> str:
    f = report["figures"]
    cfg = report["config"]
    lines = [
        f"EntryWatch fault run {report['run_id']}: {cfg['entries']} entries at {cfg['production_rate']}/s, "
        f"{cfg['partitions']} partitions, faults {', '.join(cfg['faults']) or 'none'}, "
        f"{f['poison_records']} poison records; wall {report['wall_s']} s",
    ]
    if report["aborted"]:
        lines.append(f"ABORTED: {report['aborted']}")
    if report["harness_error"]:
        lines.append(f"HARNESS ERROR: {report['harness_error']}")
    lines += ["", "must be zero                          value"]
    for name in MUST_BE_ZERO:
        v = f["must_be_zero"][name]
        lines.append(f"  {name:<34}  {v:>5}  {'ok' if v == 0 else 'FAIL'}")
    lines += [
        "",
        f"valid entries {f['valid_entries']}, decided {f['valid_decided']} "
        f"({', '.join(f'{k} {v}' for k, v in f['decisions'].items()) or '-'}), not delivered {f['not_delivered']}",
        f"outputs read {f['outputs']}, redeliveries with the same alert_id {f['redeliveries']}, "
        f"unreadable {f['unreadable_outputs']}",
        f"CLEARs with screened_at in a Redis stop window (incl. its last {REDIS_READ_TIMEOUT_S:.0f} s, which may be "
        "legitimate): "
        f"{f['clears_screened_in_redis_window']}",
        f"committed offsets {f['committed'] or 'none'}: {f['committed_inputs']} inputs below them, "
        f"{f['uncommitted_inputs']} at or above, {f['committed_unknown_offsets']} offsets not produced by the harness",
        f"dead letters: {f['dead_letters_received']} of {f['dead_letters_expected']} expected received; "
        f"{f['dead_letters_total']} in all, {f['dead_letters_unmatched']} naming no input of this run",
        f"canaries {f['canaries']}, undecided {f['canaries_undecided']}; "
        f"worker process exits {report['worker_crashes']}, restarts {report['worker_restarts']}; agent crashes "
        f"in the workers' logs {report['agent_crashes']['total']}"
        + "".join(f", {k} x{v}" for k, v in report["agent_crashes"]["by_reason"].items()),
    ]
    if f["poisons"]:
        lines += ["", "poison record                 outcome            accepted                  canary"]
        for p in f["poisons"]:
            lines.append(
                f"  {p['label']:<27} {','.join(p['outcomes']) or 'nothing':<18} {','.join(p['accept']):<25} "
                f"{'decided' if p['canary_decided'] else 'UNDECIDED'}{'' if p['ok'] else '   <- wrong'}"
            )
    if f["recovery"]:
        lines += ["", "fault          at s   lasted s  first output s  backlog drained s  backlog  never decided"]
        for r, w in zip(f["recovery"], report["faults"], strict=True):
            lines.append(
                f"  {r['fault']:<12} {w['start_t']:>5.1f}  {r['duration_s']:>8.1f}  {_fmt(r['first_output_s']):>14}"
                f"  {_fmt(r['drained_s']):>17}  {r['backlog']:>7}  {r['undrained']:>13}"
            )
    workers = ", ".join(
        f"{w['name']} ready {_fmt(w['ready_after_s'])} s"
        + (f" exited {w['exit_code']}" if w["exited_by_itself"] else "")
        for w in report["workers"]
    )
    lines += ["", f"workers: {workers}"]
    for name, items in f["examples"].items():
        lines.append(f"e.g. {name}: " + "; ".join(items[:3]))
    lines.append(f"logs: {report['log_dir']}")
    lines.append(
        "RESULT: "
        + (
            "ok"
            if report["ok"]
            else "FAIL ("
            + ", ".join(
                [f"{k}={v}" for k, v in f["must_be_zero"].items() if v]
                + (["aborted"] if report["aborted"] else [])
                + (["harness error"] if report["harness_error"] else [])
            )
            + ")"
        )
    )
    return "\n".join(lines)


def exit_code(report: dict[str, Any]) -> int:
    fig = report["figures"]
    if report["harness_error"] and fig["inputs"] == fig["not_delivered"]:  # it failed before producing
        return 2
    return 0 if report["ok"] else 1


def parse_args(argv: Sequence[str] | None = None) -> tuple[Config, bool]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--entries", type=int, default=Config.entries, help="valid entries to produce (default 3000)")
    ap.add_argument("--duration", type=float, default=Config.duration_s, help="seconds to spread them over (180)")
    ap.add_argument("--rate", type=float, help="entries/s instead of --duration")
    ap.add_argument("--partitions", type=int, default=Config.partitions)
    ap.add_argument("--faults", default=",".join(FAULTS), help=f"comma list of {','.join(FAULTS)} or 'none'")
    ap.add_argument("--pause", type=float, default=Config.pause_s, help="seconds Redis and the broker stay stopped")
    ap.add_argument("--no-poison", action="store_true", help="valid entries only")
    ap.add_argument("--poisons", help="comma list of poison labels to send (default: all; see benchmarks/poison.py)")
    ap.add_argument("--timeout", type=float, default=Config.timeout_s, help="overall limit in seconds (900)")
    ap.add_argument("--max-restarts", type=int, default=Config.max_restarts)
    ap.add_argument("--seed", type=int, default=Config.seed)
    ap.add_argument("--log-dir", help="where the broker, Redis and workers log (default: a new temp folder)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = ap.parse_args(argv)
    faults = () if args.faults in ("", "none") else tuple(x.strip() for x in args.faults.split(",") if x.strip())
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        ap.error(f"unknown faults {unknown}; choose from {FAULTS}")
    labels = None if not args.poisons else tuple(x.strip() for x in args.poisons.split(",") if x.strip())
    known = {r.label for r in poisons("x", 1024)}
    if labels and not set(labels) <= known:
        ap.error(f"unknown poison labels {sorted(set(labels) - known)}; choose from {sorted(known)}")
    if args.entries < 1 or args.entries > 50_000:
        ap.error("--entries between 1 and 50000 (Tansu's memory storage keeps every record in RAM)")
    cfg = Config(
        entries=args.entries,
        duration_s=args.duration,
        rate=args.rate,
        partitions=args.partitions,
        faults=faults,
        pause_s=args.pause,
        poison=not args.no_poison,
        poison_labels=labels,
        timeout_s=args.timeout,
        max_restarts=args.max_restarts,
        seed=args.seed,
        log_dir=args.log_dir,
    )
    return cfg, args.json


def _watchdog(run: FaultRun, hard_s: float) -> None:
    """If the harness is still here ``hard_s`` after it started, stop every process it started and exit."""
    time.sleep(hard_s)
    print(f"faults: hard stop after {hard_s:.0f}s; stopping every process started", file=sys.stderr, flush=True)
    for pid in run.pids():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
    os._exit(3)


def main(argv: Sequence[str] | None = None) -> int:
    cfg, as_json = parse_args(argv)
    run = FaultRun(cfg)

    def on_term(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    # SIGINT too: a shell's background job starts with it ignored, and Ctrl-C must still stop everything
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    threading.Thread(target=_watchdog, args=(run, cfg.timeout_s + 240), daemon=True).start()
    try:
        report = run.run()
    except KeyboardInterrupt:
        print("faults: interrupted; stopping every process started", file=sys.stderr, flush=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        run.cleanup()
        return 130
    finally:
        run.cleanup()
    print(json.dumps(report) if as_json else render(report), flush=True)
    return exit_code(report)


if __name__ == "__main__":
    sys.exit(main())
