"""Experiment: how far a learned weighting of the matcher's features gets on the evaluation set.

Fits a logistic regression per kind on the ``dev`` pairs over features of the matcher's own pair score
(name score, Dice, containment, glued-form similarity, weighted coverage of each side, unmatched
distinctive weight, the rarest shared word, first distinctive words aligned, share of distinctive words
aligned), picks the F1-best threshold on dev and reports precision/recall/F1 on ``heldout``; a gradient
boosted tree model gives a looser bound. Not used by the product (it needs numpy and scikit-learn:
``pip install numpy scikit-learn`` into a scratch venv that can also import this repository, then
``python benchmarks/eval_learned_weights.py``). Figures are recorded in docs/matching.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from benchmarks.matching_eval.evalset import Pair, read_pairs
from screening.matching.prepare import DISTINCTIVE, NUMBER, PreparedName, prepare
from screening.matching.score import score_pair


def unmatched(n: PreparedName, used: set[str]) -> float:
    """Weight of the distinctive and number words of ``n`` left out of the alignment."""
    zipped = zip(n.tokens, n.weights, n.classes, strict=True)
    return sum(w for t, w, c in zipped if c in (DISTINCTIVE, NUMBER) and t not in used)


def features(p: Pair) -> list[float]:
    ps = score_pair(prepare(p.a), prepare(p.b), p.kind)
    a, b = ps.a, ps.b
    wa, wb = dict(zip(a.tokens, a.weights, strict=True)), dict(zip(b.tokens, b.weights, strict=True))
    ca, cb = dict(zip(a.tokens, a.classes, strict=True)), dict(zip(b.tokens, b.classes, strict=True))
    cov_a = sum(s * wa.get(x, 0.0) for x, _, s in ps.pairs) / a.total if a.total else 0.0
    cov_b = sum(s * wb.get(y, 0.0) for _, y, s in ps.pairs) / b.total if b.total else 0.0
    used_a, used_b = {x for x, _, _ in ps.pairs}, {y for _, y, _ in ps.pairs}

    ua, ub = unmatched(a, used_a), unmatched(b, used_b)
    na = sum(1 for c in a.classes if c in (DISTINCTIVE, NUMBER))
    nb = sum(1 for c in b.classes if c in (DISTINCTIVE, NUMBER))
    dist = [(x, y, s) for x, y, s in ps.pairs if ca.get(x) == DISTINCTIVE and cb.get(y) == DISTINCTIVE]
    rarest = max((s * min(wa[x], wb[y]) for x, y, s in dist), default=0.0)
    fa = next((t for t, c in zip(a.tokens, a.classes, strict=True) if c == DISTINCTIVE), None)
    fb = next((t for t, c in zip(b.tokens, b.classes, strict=True) if c == DISTINCTIVE), None)
    first = float(any(x == fa and y == fb for x, y, _ in dist))
    short, long_ = sorted((max(na, 1), max(nb, 1)))
    return [ps.score, ps.dice, ps.containment, ps.compact, min(cov_a, cov_b), max(cov_a, cov_b), min(ua, ub),
            max(ua, ub), rarest, first, len(dist) / short, len(dist) / long_]  # fmt: skip


def prf(y: np.ndarray, hit: np.ndarray) -> tuple[float, float, float]:
    tp = int(((hit == 1) & (y == 1)).sum())
    fp = int(((hit == 1) & (y == 0)).sum())
    fn = int(((hit == 0) & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return round(p, 3), round(r, 3), round(2 * p * r / (p + r) if p + r else 0.0, 3)


def main() -> None:
    pairs = [p for p in read_pairs(Path("tests/data/match_eval.jsonl")) if not p.origin.endswith("_unrelated")]
    for kind in ("company", "person"):
        sets = {}
        for split in ("dev", "heldout"):
            chosen = [p for p in pairs if p.kind == kind and p.split == split]
            sets[split] = (np.array([features(p) for p in chosen]), np.array([int(p.label) for p in chosen]))
        (xd, yd), (xh, yh) = sets["dev"], sets["heldout"]
        print(kind, "current matcher at 0.75, heldout P/R/F1", prf(yh, (xh[:, 0] >= 0.75).astype(int)))
        models = (
            ("logistic", LogisticRegression(max_iter=5000)),
            ("boosted trees", HistGradientBoostingClassifier(max_depth=3, max_iter=200)),
        )
        for name, model in models:
            model.fit(xd, yd)
            pd_, ph = model.predict_proba(xd)[:, 1], model.predict_proba(xh)[:, 1]
            best = max(np.arange(0.2, 0.8, 0.01), key=lambda t: prf(yd, (pd_ >= t).astype(int))[2])
            print(f"  {name}: dev-best threshold {best:.2f}, heldout P/R/F1", prf(yh, (ph >= best).astype(int)))


if __name__ == "__main__":
    main()
