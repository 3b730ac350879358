"""Experiment: what a party's declared date of birth and identifiers do to the evaluation set's pairs.

For every pair of the evaluation set (``tests/data/match_eval.jsonl``) whose two names belong to entities of
the shared lists, the party (name ``a``) is given the date of birth and the identifiers its own entity
publishes, and the pair's name score gets the adjustments ``screening.matching.evidence`` would add against
the entity of name ``b``. Positives (aliases of one entity) can only agree; negatives (names of two entities)
agree or conflict by what the two entities publish. Reports TP/FP/FN/TN at the REVIEW threshold per split
and kind: name score alone / with the adjustments / with the adjustments and an equal identifier counted as a
match (as screening reports it, a reason on its own).
``python benchmarks/eval_party_evidence.py [LIST PATHS...]``; figures in docs/matching.md, "Identifiers and
dates of birth".
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from benchmarks.matching_eval.evalset import Pair, read_pairs
from screening.entities import Entity
from screening.entry import PARTY_SCHEMES
from screening.lists.loader import load
from screening.matching import PartyEvidence, Thresholds, compare
from screening.matching.evidence import adjustments


def owner(name: str, ids: list[str], entities: dict[str, Entity]) -> Entity | None:
    for i in ids:
        e = entities.get(i)
        if e is not None and any(n.value == name for n in e.names):
            return e
    return None


def evidence_of(entity: Entity) -> PartyEvidence:
    dob = next((d[:4] for d in entity.dates_of_birth if "/" not in d), None)
    ids = tuple((s, v) for s, v in entity.identifiers if s in PARTY_SCHEMES)
    return PartyEvidence(ids, dob)


def main(paths: list[str]) -> None:
    threshold = Thresholds().review
    entities = {e.id: e for snap in load(paths).snapshots for e in snap.entities}
    pairs = [p for p in read_pairs(Path("tests/data/match_eval.jsonl")) if not p.origin.endswith("_unrelated")]
    before: Counter[tuple[str, str, str]] = Counter()
    adjusted: Counter[tuple[str, str, str]] = Counter()  # the adjustments alone
    after: Counter[tuple[str, str, str]] = Counter()  # and an equal identifier counted as a match
    moved: Counter[str] = Counter()
    for p in pairs:
        ids = p.ids.split("|")
        a, b = owner(p.a, ids, entities), owner(p.b, list(reversed(ids)), entities)
        if a is None or b is None:
            continue
        score = compare(p.a, p.b, p.kind)[0]
        adjust, seen = adjustments(b, evidence_of(a))
        equal = any(c["agrees"] for c in seen.get("identifiers", ()))
        only = min(1.0, max(0.0, score + sum(adjust.values())))
        new = 1.0 if equal else only
        for counter, s in ((before, score), (adjusted, only), (after, new)):
            counter[(p.split, p.kind, outcome(p, s >= threshold))] += 1
        if (score >= threshold) != (new >= threshold):
            why = "equal identifier" if equal else "+".join(sorted(adjust))
            moved[f"{p.split} {p.kind} {outcome(p, new >= threshold)} by {why}"] += 1
    for split in ("dev", "heldout"):
        for kind in ("company", "person"):
            row = [
                f"{k} {before[(split, kind, k)]} / {adjusted[(split, kind, k)]} / {after[(split, kind, k)]}"
                for k in ("TP", "FP", "FN", "TN")
            ]
            print(split, kind, ", ".join(row))
    for what, n in sorted(moved.items()):
        print("moved:", what, n)


def outcome(p: Pair, hit: bool) -> str:
    return ("TP" if hit else "FN") if p.label else ("FP" if hit else "TN")


if __name__ == "__main__":
    main(sys.argv[1:] or ["data/lists/ofac/sdn-2024-05-03", "data/lists/ofac/non-sdn-2025-12-19", "data/lists/un"])
