"""The evaluation set's F1 floor on the held-out split (figures in docs/matching.md)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.matching_eval.evalset import evaluate, read_pairs, score_pairs
from screening.matching import Thresholds

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "match_eval.jsonl"

# Measured with `python -m benchmarks.matching_eval report --split heldout` (docs/matching.md):
# company P 0.903 R 0.653 F1 0.758; person P 0.936 R 0.751 F1 0.833 (v1.5). Floors allow a 0.02 margin.
FLOORS = {"company": (0.88, 0.74), "person": (0.91, 0.81)}  # (precision, F1)


def test_heldout_f1_floor() -> None:
    pairs = [p for p in read_pairs(EVAL_SET) if p.split == "heldout" and not p.origin.endswith("_unrelated")]
    assert len(pairs) > 2000
    report = evaluate(pairs, score_pairs(pairs), Thresholds().review)
    for kind, (precision, f1) in FLOORS.items():
        assert report[kind].pairs > 1000
        assert report[kind].precision >= precision, report[kind].as_dict()
        assert report[kind].f1 >= f1, report[kind].as_dict()


def test_eval_set_is_labelled_both_ways_and_split() -> None:
    pairs = read_pairs(EVAL_SET)
    assert {p.label for p in pairs} == {True, False}
    assert {p.split for p in pairs} == {"dev", "heldout"}
    assert {p.kind for p in pairs} == {"company", "person"}
