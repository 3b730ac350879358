"""Offline screening throughput (no Kafka, no Redis): build a ScreeningContext from list files, warm the
name cache with generated entries, then time ``process_batch`` (decode, screen, encode) over other
generated entries. Prints entries/s and a hash of the encoded decisions (screened_at fixed), so a
change can be checked to leave every decision, reason and alert id identical.

    .venv/bin/python benchmarks/profile_screen.py --lists data/lists --entries 10000 --warmup 20000
    .venv/bin/py-spy record -o prof.json --format speedscope -- .venv/bin/python benchmarks/profile_screen.py

Timings are not assertions: run before and after a change under the same conditions, and repeat.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import cpu_route
from benchmarks.args import entries_parser
from benchmarks.cpu_route import process_batch
from benchmarks.generate import EntryGenerator
from entrywatch.cli.screen import context_from_paths
from streams.pipeline import Inbound
from streams.settings import Settings

SCREENED_AT = "2026-11-23T12:00:00.000Z"
BATCH = 500


def main(argv: list[str] | None = None) -> int:
    ap = entries_parser(__doc__, entries=10_000, warmup=20_000)
    ap.add_argument("--warm-seed", type=int, default=None, help="warm-up seed (default --seed + 1)")
    ap.add_argument("--fresh", type=float, default=None, help="the generator's share of first-seen companies")
    ap.add_argument("--repeat", type=int, default=1, help="time the measured entries this many times")
    ap.add_argument("--gc-every", type=int, default=0, help="gc.collect() + gc.freeze() every N batches")
    ap.add_argument(
        "--freeze-every-s",
        type=float,
        default=0.0,
        help="gc.freeze() after a batch once this many seconds passed (as the worker's timer)",
    )
    ap.add_argument("--gc-threshold", type=int, nargs=3, default=None, help="gc.set_threshold(...)")
    ap.add_argument("--dump", metavar="FILE", help="write the measured run's records (JSON lines) to FILE")
    ap.add_argument("--profile", metavar="FILE", help="py-spy the measured runs (not the build or warm-up) into FILE")
    ap.add_argument("--profile-format", default="raw", help="py-spy output format (raw, speedscope, flamegraph)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    ctx = context_from_paths(args.lists, quiet=True)
    gc.collect()
    gc.freeze()  # as the worker does after a list swap
    if args.gc_threshold:
        gc.set_threshold(*args.gc_threshold)
    print(f"context built in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    kw: dict[str, object] = {} if args.fresh is None else {"fresh": args.fresh}
    gen = EntryGenerator.from_paths(args.lists, seed=args.seed, prefix="EWP", **kw)
    warm_seed = args.seed + 1 if args.warm_seed is None else args.warm_seed  # --warm-seed SEED: every search hits
    warm = EntryGenerator(gen.names, seed=warm_seed, prefix="EWW", **kw)  # type: ignore[arg-type]
    settings = Settings.load()
    cpu_route.now_iso = lambda: SCREENED_AT  # type: ignore[attr-defined]  # fixed, for the hash

    def inbound(items: list[bytes]) -> list[Inbound]:
        return [Inbound(b"k", raw, "entries", 0, i) for i, raw in enumerate(items)]

    dump: list[bytes] = []

    # the collector's work per generation in each run: [collections, pause seconds, objects freed]
    collector = {g: [0, 0.0, 0] for g in range(3)}
    started = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            c = collector[info["generation"]]
            c[0], c[1], c[2] = c[0] + 1, c[1] + time.perf_counter() - started[0], c[2] + info["collected"]

    gc.callbacks.append(timed)
    last_freeze = [time.monotonic()]

    def run(raws: list[bytes]) -> tuple[float, float, str]:
        h = hashlib.sha256()
        dump.clear()
        for c in collector.values():
            c[:] = [0, 0.0, 0]
        start, cpu = time.perf_counter(), time.process_time()
        for n, i in enumerate(range(0, len(raws), BATCH), start=1):
            if args.gc_every and n % args.gc_every == 0:
                gc.collect()
                gc.freeze()
            if args.freeze_every_s and time.monotonic() - last_freeze[0] >= args.freeze_every_s:
                gc.freeze()
                last_freeze[0] = time.monotonic()
            for out in process_batch(inbound(raws[i : i + BATCH]), ctx, settings):
                h.update(out.topic.encode() + b"\x1f" + out.key + b"\x1f" + out.value + b"\x1e")
                if args.dump:
                    dump.append(out.value)
        return time.perf_counter() - start, time.process_time() - cpu, h.hexdigest()

    warm_raws = [g.encode() for g in warm.generate(args.warmup)]
    raws = [g.encode() for g in gen.generate(args.entries)]
    if warm_raws:
        secs, _, _ = run(warm_raws)
        print(f"warm-up: {len(warm_raws)} entries in {secs:.1f}s ({len(warm_raws) / secs:,.0f}/s)", file=sys.stderr)
    spy: subprocess.Popen[bytes] | None = None
    if args.profile:
        pyspy = Path(sys.executable).parent / "py-spy"
        cmd = [str(pyspy), "record", "--pid", str(os.getpid()), "-o", args.profile, "--format", args.profile_format]
        spy = subprocess.Popen([*cmd, "--rate", "200"], stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # let py-spy attach
    misses0 = ctx.index.cache_misses
    for r in range(args.repeat):
        secs, cpu, digest = run(raws)
        print(
            json.dumps(
                {
                    "run": r,
                    "entries": len(raws),
                    "seconds": round(secs, 3),
                    "entries_per_s": round(len(raws) / secs, 1),
                    "entries_per_cpu_s": round(len(raws) / cpu, 1),
                    "cache_misses": ctx.index.cache_misses - misses0,
                    "decisions_sha256": digest,
                    "gc": {
                        f"gen{g}": {"collections": c[0], "pause_s": round(c[1], 3), "freed": c[2]}
                        for g, c in collector.items()
                    },
                }
            )
        )
        misses0 = ctx.index.cache_misses
    if args.dump:
        Path(args.dump).write_bytes(b"\n".join(dump) + b"\n")
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
