"""``entrywatch bench --soak MINUTES``: steady load for a while, reporting throughput, latency and worker
memory per time window, and whether memory stayed flat. Uses the stream benchmark's stack and workers."""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from confluent_kafka import Producer

from benchmarks.generate import EntryGenerator
from benchmarks.stream import BenchConfig, StreamBench, gc_delta, percentiles
from entrywatch.cli.connect import connect
from streams import topics
from streams.kafka import producer_config

FLAT_GROWTH = 0.10  # memory is "flat" if RSS grows by less than this share after the first window


def current_rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class Soak:
    def __init__(self, cfg: BenchConfig, minutes: float, rate: float, window_s: float = 30.0) -> None:
        self.cfg, self.minutes, self.rate, self.window_s = cfg, minutes, rate, window_s
        self.bench = StreamBench(cfg)
        self._gc_seen: dict[str, dict[str, float]] = {}  # worker -> its cumulative GC figures last window

    def run(self) -> dict[str, Any]:
        b = self.bench
        tag = f"soak-{b.run_id}"
        try:
            b.start_stack()
            b.load_lists()
            settings = b.settings(topic_prefix=f"{tag}-")
            topics.ensure_topics(settings)
            b.created_topics.extend(settings.topic(t) for t in topics.ALL)
            procs = b.start_workers(self.cfg.workers[0], f"{tag}-", tag)
            b.wait_settled(procs)
            b.say(f"soak: {len(procs)} worker(s) settled; {self.rate:g} entries/s for {self.minutes:g} min")
            return self._load(settings, procs)
        finally:
            for p in locals().get("procs", []):
                p.stop()
            b.cleanup()

    def _load(self, settings: Any, procs: list[Any]) -> dict[str, Any]:
        b = self.bench
        total = int(self.minutes * 60 * self.rate)
        gen = EntryGenerator.from_paths(list(self.cfg.lists), seed=self.cfg.seed, prefix=f"S{b.run_id[:6].upper()}")
        produced_at: dict[bytes, int] = {}
        lock = threading.Lock()
        done = threading.Event()

        def delivered(err: Any, msg: Any) -> None:
            if err is None:
                with lock:
                    produced_at[msg.key()] = msg.timestamp()[1]

        def produce() -> None:
            producer = Producer(producer_config(settings))
            start = time.perf_counter()
            for i, g in enumerate(gen.generate(total)):
                delay = start + i / self.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                while True:
                    try:
                        producer.produce(settings.topic(topics.ENTRIES), key=g.entry_number.encode(),
                                         value=g.encode(), on_delivery=delivered)  # fmt: skip
                        break
                    except BufferError:
                        producer.poll(0.05)
                producer.poll(0)
            producer.flush(60)
            done.set()

        consumer = b._output_consumer([settings.topic(t) for t in (topics.HOLDS, topics.CLEARED, topics.DLQ)])
        thread = threading.Thread(target=produce, name="soak-producer", daemon=True)
        started = time.monotonic()
        thread.start()
        decided: dict[bytes, int] = defaultdict(int)
        windows: list[dict[str, Any]] = []
        win_start, win_lat, win_count = started, [], 0
        last_output = time.monotonic()
        while True:
            now = time.monotonic()
            if done.is_set() and (len(decided) >= total or now - last_output > self.cfg.idle_timeout_s):
                break
            for msg in consumer.consume(1000, timeout=0.2):
                if msg.error() or msg.key() is None:
                    continue
                key = msg.key()
                decided[key] += 1
                last_output = time.monotonic()
                if decided[key] == 1:
                    win_count += 1
                    with lock:
                        sent = produced_at.get(key)
                    if sent:
                        win_lat.append(msg.timestamp()[1] - sent)
            if now - win_start >= self.window_s:
                windows.append(self._window(now - started, now - win_start, win_count, win_lat, procs))
                w = windows[-1]
                b.say(
                    f"  t={w['t_s']:>6.0f}s {w['entries_per_s']:>7.1f}/s "
                    f"p99 {w['latency_ms'].get('p99', 0):>7.0f} ms rss {w['rss_mb']} gc {_gc_brief(w['gc'])}"
                )
                win_start, win_lat, win_count = now, [], 0
        if win_count:
            now = time.monotonic()
            windows.append(self._window(now - started, now - win_start, win_count, win_lat, procs))
        consumer.close()
        thread.join(60)
        return self._report(total, decided, windows, procs)

    def _window(self, t: float, span: float, count: int, lat: list[int], procs: list[Any]) -> dict[str, Any]:
        return {
            "t_s": round(t, 1),
            "entries_per_s": round(count / span, 1) if span > 0 else 0.0,
            "decided": count,
            "latency_ms": percentiles(lat),
            "rss_mb": [round(current_rss_mb(p.popen.pid), 1) for p in procs],
            "gc": [self._gc_window(p) for p in procs],
        }

    def _gc_window(self, proc: Any) -> dict[str, float] | None:
        """The worker's garbage collector in this window: collections and pause seconds per generation
        (differences of its cumulative /metrics figures), and the frozen object count now."""
        now = proc.gc()
        before = self._gc_seen.get(proc.name, {})
        if now is not None:
            self._gc_seen[proc.name] = now
        return gc_delta(before, now)

    def _report(
        self, total: int, decided: dict[bytes, int], windows: list[dict[str, Any]], procs: list[Any]
    ) -> dict[str, Any]:
        rss = [sum(w["rss_mb"]) for w in windows if w["rss_mb"]]
        baseline = rss[1] if len(rss) > 2 else (rss[0] if rss else 0.0)  # after the first (warming) window
        growth = (max(rss[1:] or rss) - baseline) / baseline if baseline else 0.0
        return {
            "minutes": self.minutes,
            "rate": self.rate,
            "workers": len(procs),
            "produced": total,
            "decided": len(decided),
            "repeats": sum(n - 1 for n in decided.values()),
            "all_decided": len(decided) == total,
            "windows": windows,
            "rss_baseline_mb": round(baseline, 1),
            "rss_max_mb": round(max(rss), 1) if rss else 0.0,
            "rss_growth": round(growth, 3),
            "memory_flat": growth < FLAT_GROWTH,
        }


def _gc_brief(per_worker: list[dict[str, float] | None]) -> str:
    """'full collections/pause s, frozen objects' of each worker in a window, for the progress line."""
    parts = []
    for g in per_worker:
        if g is None:
            parts.append("?")
        else:
            full, pause = g.get("collections_gen2", 0), g.get("pause_s_gen2", 0)
            parts.append(f"{full:.0f} full/{pause:.2f}s, frozen {g['frozen_objects']:.0f}")
    return "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    """``entrywatch bench --soak MINUTES`` (the options of ``entrywatch.cli.bench``): a line per window; 0
    when every entry was decided and memory stayed flat."""
    connect(args, kafka=bool(args.bootstrap), redis=bool(args.redis_url))  # an external one must answer
    config = BenchConfig(
        workers=tuple(args.workers[:1]), partitions=args.partitions, bootstrap=args.bootstrap,
        redis_url=args.redis_url, lists=tuple(args.lists), seed=args.seed, idle_timeout_s=args.idle_timeout,
        log_dir=args.log_dir, progress=True,
    )  # fmt: skip
    report = Soak(config, args.soak, args.rate or 200.0).run()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{'t (s)':>8} {'entries/s':>10} {'p50 ms':>8} {'p99 ms':>8}  rss MB")
        for w in report["windows"]:
            lat = w["latency_ms"]
            print(f"{w['t_s']:>8.0f} {w['entries_per_s']:>10.1f} {lat.get('p50', 0):>8.0f} {lat.get('p99', 0):>8.0f}  "
                  f"{w['rss_mb']}")  # fmt: skip
        print(f"decided {report['decided']}/{report['produced']} (repeats {report['repeats']}); RSS "
              f"{report['rss_baseline_mb']} -> max {report['rss_max_mb']} MB ({report['rss_growth']:+.1%}): "
              f"{'flat' if report['memory_flat'] else 'GROWING'}")  # fmt: skip
    return 0 if report["all_decided"] and report["memory_flat"] else 1
