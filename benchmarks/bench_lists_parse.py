"""Time parsing every bundled list and generated 100,000-entity SDN and CSL lists.

    .venv/bin/python benchmarks/bench_lists_parse.py [--lists DIR] [--n 100000] [--repeat 3]

The whole-folder figure reads ``--lists`` and tests/data/lists (the truncated 2023 CSL file kept there).

Prints one line per measurement: best wall time of ``--repeat`` runs, entities, entities per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from screening.entities import ListSnapshot  # noqa: E402
from screening.lists import csl  # noqa: E402
from screening.lists.loader import load  # noqa: E402


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def row(label: str, seconds: float, entities: int) -> None:
    rate = entities / seconds if seconds else 0.0
    print(f"{label:<48} {seconds * 1000:9.1f} ms {entities:>8,} entities {rate:>10,.0f}/s")


def main() -> int:
    default = ROOT / "data" / "lists"
    if not default.is_dir():
        default = Path("/work/shared/data/lists")
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lists", type=Path, default=default)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    print(f"python {sys.version.split()[0]}, lists {args.lists}, best of {args.repeat}")
    fixtures = ROOT / "tests" / "data" / "lists"
    seconds, result = best(lambda: load([args.lists, fixtures], allow_truncated=True), args.repeat)
    snaps: list[ListSnapshot] = result.snapshots  # type: ignore[attr-defined]
    row("load() data + fixtures (all files, all versions)", seconds, sum(len(s.entities) for s in snaps))
    from test_lists_generated import sdn_tables

    from screening.lists import bis_dpl, ofac_cons, ofac_sdn, un_sc

    d = args.lists
    singles: list[tuple[str, Callable[[], ListSnapshot]]] = [
        (
            "ofac_sdn 2024-05-03 (sdn+alt+add)",
            lambda: ofac_sdn.parse(
                *(d.joinpath("ofac/sdn-2024-05-03", f).read_bytes() for f in ("sdn.csv", "alt.csv", "add.csv"))
            ),
        ),
        (
            "ofac_sdn 2022-01-31 (sdn+alt+add)",
            lambda: ofac_sdn.parse(
                *(d.joinpath("ofac/sdn-2022-01-31", f).read_bytes() for f in ("sdn.csv", "alt.csv", "add.csv"))
            ),
        ),
        (
            "ofac_cons 2025-12-19",
            lambda: ofac_cons.parse(*(d.joinpath("ofac/non-sdn-2025-12-19", f).read_bytes() for f in ofac_cons.FILES)),
        ),
        (
            "csl 2023-11-30 partial (allow_truncated)",
            lambda: csl.parse(
                fixtures.joinpath("csl/consolidated-2023-11-30-partial.csv").read_bytes(), allow_truncated=True
            ),
        ),
        ("bis_dpl 2023-11-30", lambda: bis_dpl.parse(d.joinpath("bis/dpl-2023-11-30.txt").read_bytes())),
        (
            "un_sc 2026-02-27 (XML)",
            lambda: un_sc.parse(d.joinpath("un/un_sc_consolidated_2026-02-27.xml").read_bytes()),
        ),
    ]
    for label, fn in singles:
        seconds, snap = best(fn, args.repeat)
        row(label, seconds, len(snap.entities))  # type: ignore[attr-defined]

    tables = sdn_tables(args.n)
    seconds, snap = best(lambda: ofac_sdn.parse(*tables), args.repeat)
    row(f"generated SDN, {args.n:,} entities", seconds, len(snap.entities))  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
