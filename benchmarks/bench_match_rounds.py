"""Search speed of one tree, steadier than a single `entrywatch bench match` run on a shared machine: one
index (cache off), the bench's 500 queries (seed 7) searched 7 times, CPU time of the fastest and the
median round; with ``types`` (organization, person, unknown) too when the tree's search takes it.

Run from a tree (or a ``git archive`` of one, with ``PYTHONPATH`` set to it) to compare trees:
``python benchmarks/bench_match_rounds.py [LIST PATHS...]`` (default: data/lists). Prints one JSON line.
"""

from __future__ import annotations

import gc
import json
import sys
import time

from benchmarks.match import query_set
from benchmarks.matching_eval.readers import screened_entities
from screening.matching import NameIndex, Thresholds

ROUNDS = 7
PARTY = frozenset({"organization", "person", "unknown"})


def main() -> None:
    entities = screened_entities(sys.argv[1:] or ["data/lists"])
    index = NameIndex(entities, Thresholds(), cache_size=0)
    queries = query_set(entities, 500, 7)
    typed = "types" in NameIndex.search.__code__.co_varnames
    times: dict[str, list[float]] = {"untyped": [], "typed": []}
    gc.collect()
    gc.freeze()
    for _ in range(ROUNDS):
        t = time.thread_time()
        for name, kind, _expected in queries:
            index.search(name, kind=kind, limit=3)
        times["untyped"].append(time.thread_time() - t)
        if typed:
            t = time.thread_time()
            for name, kind, _expected in queries:
                index.search(name, kind=kind, limit=3, types=PARTY)  # type: ignore[call-arg, unused-ignore]
            times["typed"].append(time.thread_time() - t)
    report = {
        k: {"min_s": round(min(v), 3), "median_s": round(sorted(v)[len(v) // 2], 3)} for k, v in times.items() if v
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
