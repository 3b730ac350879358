"""Uncached name searches: steady per-query CPU times, and a dump to check that results did not change.

    .venv/bin/python benchmarks/bench_match_cold.py time [--reps 2]
    PYTHONHASHSEED=0 .venv/bin/python benchmarks/bench_match_cold.py dump OUT.pkl
    .venv/bin/python benchmarks/bench_match_cold.py compare BEFORE.pkl AFTER.pkl

``time``: the 1,000 queries of ``entrywatch bench match`` (seed 7, every shared list), each searched
``--reps`` times with cold caches and memos (``prepare``, ``pair_sim``, the index's word memos) and
``gc.freeze`` of the index; prints each query's least CPU time summed and its p50/p90/p99. On a shared
machine run it a few times, alternating with the tree to compare against (PYTHONPATH=<other checkout>).

``dump``: the results (entity, name, ``repr`` of the score, the whole ``explain``) of the bench queries
(top 5; top 50 at cut-off 0; without kind, with country and city) and of every evaluation-set name (top 5;
top 50 at cut-off 0). Fix ``PYTHONHASHSEED``: ties at the 20-candidate cut can depend on it.
``compare``: exits 1 and shows the first differences if two dumps differ.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.match import query_set
from benchmarks.matching_eval.readers import screened_entities
from screening.matching import Match, NameIndex
from screening.matching import prepare as prepare_module
from screening.matching import score as score_module

ROOT = Path(__file__).resolve().parent.parent


def _index() -> tuple[NameIndex, list[tuple[str, str, str]]]:
    entities = screened_entities([str(ROOT / "data" / "lists")])
    return NameIndex(entities, cache_size=0), query_set(entities, 1000, 7)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cmd_time(reps: int) -> None:
    index, queries = _index()
    gc.collect()
    gc.freeze()
    best = [float("inf")] * len(queries)
    for _ in range(reps):
        index.candidate_index.clear_memos()
        score_module.pair_sim.cache_clear()
        prepare_module.prepare.cache_clear()
        prepare_module._split_small.cache_clear()
        for i, (name, kind, _) in enumerate(queries):
            t = time.thread_time()
            index.search(name, kind=kind)
            best[i] = min(best[i], time.thread_time() - t)
    print(
        f"{score_module.__file__}: least CPU of {reps} cold runs per query: total {sum(best):.3f} s, "
        f"p50 {statistics.median(best) * 1000:.3f} p90 {_pct(best, 0.9) * 1000:.3f} "
        f"p99 {_pct(best, 0.99) * 1000:.3f} max {max(best) * 1000:.2f} ms"
    )


def _rows(found: list[Match]) -> list[tuple[str, str, str, str]]:
    return [(m.entity.id, m.name.value, repr(m.score), json.dumps(m.explain, sort_keys=True)) for m in found]


def cmd_dump(out: Path) -> None:
    index, queries = _index()
    rows: list[tuple[str, str, str | None, Any]] = []
    for name, kind, _ in queries:
        rows.append(("bench", name, kind, _rows(index.search(name, kind=kind))))
        rows.append(("bench-0", name, kind, _rows(index.search(name, kind=kind, limit=50, cutoff=0.0))))
        rows.append(("bench-place", name, None, _rows(index.search(name, country="RU", city="Moscow"))))
    seen: set[tuple[str, str]] = set()
    for line in (ROOT / "tests" / "data" / "match_eval.jsonl").read_text("utf-8").splitlines():
        pair = json.loads(line)
        for name in (pair["a"], pair["b"]):
            if (name, pair["kind"]) in seen:
                continue
            seen.add((name, pair["kind"]))
            rows.append(("eval", name, pair["kind"], _rows(index.search(name, kind=pair["kind"]))))
            found = index.search(name, kind=pair["kind"], limit=50, cutoff=0.0)
            rows.append(("eval-0", name, pair["kind"], _rows(found)))
    out.write_bytes(pickle.dumps(rows))
    print(f"{len(rows)} searches written to {out}")


def cmd_compare(before: Path, after: Path) -> int:
    a, b = pickle.loads(before.read_bytes()), pickle.loads(after.read_bytes())
    if len(a) != len(b):
        print(f"different numbers of searches: {len(a)} / {len(b)}")
        return 1
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    for x, y in diffs[:5]:
        print(f"{x[0]} {x[1]!r} ({x[2]}):\n  before {x[3][:3]}\n  after  {y[3][:3]}")
    print(f"{len(diffs)} of {len(a)} searches differ")
    return 1 if diffs else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("time")
    t.add_argument("--reps", type=int, default=2)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "time":
        cmd_time(args.reps)
    elif args.cmd == "dump":
        cmd_dump(args.out)
    else:
        return cmd_compare(args.before, args.after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
