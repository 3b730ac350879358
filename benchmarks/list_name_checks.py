"""Checks of a normaliser or matcher change against every listed name, before and after (run each tree,
the old one with PYTHONPATH pointing at a `git archive` of it, then compare):

    .venv/bin/python benchmarks/list_name_checks.py tokens OUT.pkl
    .venv/bin/python benchmarks/list_name_checks.py tokens-diff BEFORE.pkl AFTER.pkl

``tokens``: the prepared tokens of every name of every listed entity (data/lists); ``tokens-diff``
prints the names whose tokens changed and how many.

    .venv/bin/python benchmarks/list_name_checks.py cross OUT.pkl [--pattern REGEX]
    .venv/bin/python benchmarks/list_name_checks.py cross-diff BEFORE.pkl AFTER.pkl

``cross``: every name of a listed person (matching REGEX, case-insensitive, if given) searched against
all lists (top 10, as a person); keeps the hits on other entities. ``cross-diff`` prints the names that
gained a hit on another entity, and how many of the searched names did: each is a listed person who now
matches someone else, a false hit unless the two records are one person on two lists.
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.matching_eval.readers import screened_entities
from screening.matching import NameIndex
from screening.matching.prepare import prepare

LISTS = str(Path(__file__).resolve().parent.parent / "data" / "lists")


def cmd_tokens(out: Path) -> None:
    tokens = {n.value: prepare(n.value).tokens for e in screened_entities([LISTS]) for n in e.names}
    out.write_bytes(pickle.dumps(tokens))
    print(f"{len(tokens)} names written to {out}")


def cmd_tokens_diff(before: Path, after: Path) -> int:
    a, b = pickle.loads(before.read_bytes()), pickle.loads(after.read_bytes())
    changed = [k for k in a if k in b and a[k] != b[k]]
    for k in changed:
        print(f"{k[:70]} | {' '.join(a[k])} -> {' '.join(b[k])}")
    print(f"{len(changed)} of {len(a)} names changed")
    return 1 if changed else 0


def cmd_cross(out: Path, pattern: str | None) -> None:
    entities = screened_entities([LISTS])
    index = NameIndex(entities, cache_size=0)
    wanted = re.compile(pattern, re.IGNORECASE) if pattern else None
    hits: dict[tuple[str, str], list[tuple[str, str, float]]] = {}
    for e in entities:
        if e.entity_type != "person":
            continue
        for n in e.names:
            if wanted is None or wanted.search(n.value):
                found = index.search(n.value, kind="person", limit=10)
                hits[(e.id, n.value)] = [
                    (m.entity.id, m.name.value, round(m.score, 3)) for m in found if m.entity.id != e.id
                ]
    out.write_bytes(pickle.dumps(hits))
    print(f"{len(hits)} names searched, written to {out}")


def cmd_cross_diff(before: Path, after: Path) -> int:
    a, b = pickle.loads(before.read_bytes()), pickle.loads(after.read_bytes())
    gained = 0
    for key, found in b.items():
        old = {h[0] for h in a.get(key, [])}
        new = [h for h in found if h[0] not in old]
        if new:
            gained += 1
            print(f"{key[1][:50]} -> {new[:3]}")
    print(f"names with a new hit on another entity: {gained} of {len(b)}")
    return 1 if gained else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("tokens").add_argument("out", type=Path)
    d = sub.add_parser("tokens-diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    c = sub.add_parser("cross")
    c.add_argument("out", type=Path)
    c.add_argument("--pattern", help="only names matching this regular expression")
    x = sub.add_parser("cross-diff")
    x.add_argument("before", type=Path)
    x.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "tokens":
        cmd_tokens(args.out)
    elif args.cmd == "tokens-diff":
        return cmd_tokens_diff(args.before, args.after)
    elif args.cmd == "cross":
        cmd_cross(args.out, args.pattern)
    else:
        return cmd_cross_diff(args.before, args.after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
