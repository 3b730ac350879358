"""Experiment: what rigour's name knowledge and ICU transliteration would add to the matcher, on the
evaluation set (the same pairs and threshold as ``python -m benchmarks.matching_eval report``).

Variants (one per run, ``python benchmarks/eval_name_knowledge.py VARIANT``):

- ``base``: the matcher as it is (``screening.matching.compare``).
- ``icu``: ICU ``Any-Latin; Latin-ASCII`` in place of anyascii for scripts the normaliser does not handle
  itself (Chinese, Korean and Arabic script keep their own rules).
- ``symbols``: rigour's person name symbols (Wikidata given/family-name ids and nicknames shared by two
  words in any script): a pair under the threshold whose words share a symbol is scored again with those
  words written alike; the better score counts.
- ``orgtypes``: rigour's organisation types (``replace_org_types_compare``) applied to both company names
  before scoring; the better score counts.

Not used by the product: it needs ``pip install rigour pyicu`` (PyPI) into a venv that can import this
repository. Figures are recorded in docs/matching.md, "Cross-script name knowledge (rigour, ICU)".
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.matching_eval.evalset import Pair, read_pairs
from screening.matching import Thresholds, compare

SET = Path("tests/data/match_eval.jsonl")


def use_icu() -> None:
    import icu  # type: ignore[import-not-found]

    import screening.normalize as normalize

    translit = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
    fallback = normalize.anyascii

    def via_icu(text: str) -> str:
        out = str(translit.transliterate(text))
        return out if out.isascii() else fallback(out)

    normalize.anyascii = via_icu  # type: ignore[assignment]


def symbols_scorer(threshold: float) -> Callable[[Pair], float]:
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names  # type: ignore[import-not-found]

    wanted = (SymbolCategory.NAME, SymbolCategory.NICK)

    def analysed(name: str, kind: str) -> tuple[Any, dict[str, set[Any]]]:
        tag = NameTypeTag.PER if kind == "person" else NameTypeTag.ORG
        found = list(analyze_names(tag, [name]))
        words: dict[str, set[Any]] = {}
        for n in found:
            for span in n.spans:
                if len(span.parts) == 1 and span.symbol.category in wanted:
                    words.setdefault(span.parts[0].form, set()).add(span.symbol)
        return (found[0] if found else None), words

    def score(p: Pair) -> float:
        base = compare(p.a, p.b, p.kind)[0]
        if base >= threshold:
            return base
        name_a, syms_a = analysed(p.a, p.kind)
        _, syms_b = analysed(p.b, p.kind)
        if name_a is None or not syms_a or not syms_b:
            return base
        rewritten = []
        for part in name_a.parts:
            mine = syms_a.get(part.form, set())
            rewritten.append(next((w for w, theirs in syms_b.items() if mine & theirs), part.form))
        return max(base, compare(" ".join(rewritten), p.b, p.kind)[0])

    return score


def orgtypes_scorer() -> Callable[[Pair], float]:
    from rigour.names import replace_org_types_compare

    def score(p: Pair) -> float:
        base = compare(p.a, p.b, p.kind)[0]
        if p.kind != "company":
            return base
        a, b = (replace_org_types_compare(x.casefold()) for x in (p.a, p.b))
        return max(base, compare(a, b, p.kind)[0])

    return score


def non_latin(text: str) -> bool:
    return any(c.isalpha() and ord(c) > 0x24F for c in text)


def tally(scored: Sequence[tuple[Pair, float]], threshold: float) -> str:
    c: Counter[str] = Counter()
    for p, s in scored:
        c[("TP" if s >= threshold else "FN") if p.label else ("FP" if s >= threshold else "TN")] += 1
    tp, fp, fn = c["TP"], c["FP"], c["FN"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"TP {tp} FP {fp} FN {fn} P/R/F1 {precision:.3f}/{recall:.3f}/{f1:.3f}"


def main(variant: str) -> None:
    threshold = Thresholds().review
    pairs = [p for p in read_pairs(SET) if not p.origin.endswith("_unrelated")]
    score: Callable[[Pair], float] = lambda p: compare(p.a, p.b, p.kind)[0]  # noqa: E731
    if variant == "icu":
        use_icu()
    elif variant == "symbols":
        score = symbols_scorer(threshold)
    elif variant == "orgtypes":
        score = orgtypes_scorer()
    elif variant != "base":
        raise SystemExit(f"unknown variant {variant!r}: base, icu, symbols, orgtypes")
    scored = [(p, score(p)) for p in pairs]
    for split in ("dev", "heldout"):
        for kind in ("company", "person"):
            chosen = [(p, s) for p, s in scored if p.split == split and p.kind == kind]
            print(variant, split, kind, tally(chosen, threshold))
    print(variant, "cross-script", tally([(p, s) for p, s in scored if non_latin(p.a) or non_latin(p.b)], threshold))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "base")
