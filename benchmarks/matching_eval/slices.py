"""Slices of the matcher's quality beside the labelled pairs (``python -m benchmarks.matching_eval slices``).

- ``cross_script``: the labelled pairs with a non-Latin script on one side (every split), per kind.
- ``vessel_words``: party names made of a listed vessel's name and ordinary trade words, searched as a
  company party is screened (the entity types a party field can hold, ``PARTY_TYPES``). None of them is
  a listed party: any match at REVIEW or above is a false positive.
- ``common_words``: a listed organisation whose distinctive words are one or two common words (listed
  by more than 20 entities, ``token_df.tsv``), inside a longer party name from a country the entity is
  not listed in. Not the listed entity: a match to it is weak evidence, counted here.

Deterministic: the names and countries are drawn from the lists in a fixed order with fixed word lists.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.matching_eval.evalset import Pair, evaluate, score_pairs
from screening.entities import PARTY_TYPES, VESSEL_TYPES, Entity
from screening.matching import NameIndex, Thresholds
from screening.matching.prepare import DISTINCTIVE, NUMBER, prepare

# Ordinary words of manufacturers' and traders' names (no place, no listed legal form beyond the last).
BEFORE = ("Sunrise", "Apex", "Evergreen", "Harmony", "Lotus", "Summit", "Crystal", "Meridian")
AFTER = ("Apparel", "Garments", "Ceramics", "Furniture", "Footwear", "Plastics", "Textiles", "Packaging")
COUNTRIES = ("IN", "VN", "BD", "TR", "MX", "BR", "ID", "TH")
COMMON_DF = 20  # as ``screening.matching.prepare``: a word listed by more entities is common


def non_latin(text: str) -> bool:
    """A letter of a script other than Latin in ``text``."""
    return any(ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def cross_script(pairs: Sequence[Pair], threshold: float) -> dict[str, Any]:
    chosen = [p for p in pairs if not p.origin.endswith("_unrelated") and (non_latin(p.a) or non_latin(p.b))]
    report = evaluate(chosen, score_pairs(chosen), threshold)
    return {"slice": "cross_script", "pairs": len(chosen), **{k: v.as_dict() for k, v in report.items()}}


@dataclass(frozen=True, slots=True)
class Probe:
    name: str
    country: str
    seeded: str | None  # the entity the name was made from, if any


def vessel_probes(entities: Sequence[Entity]) -> list[Probe]:
    vessels = sorted((e for e in entities if e.entity_type in VESSEL_TYPES), key=lambda e: e.id)
    out: list[Probe] = []
    for i, v in enumerate(vessels):
        name = v.primary_name.title()
        out.append(Probe(f"{name} {AFTER[i % len(AFTER)]} Co., Ltd", COUNTRIES[i % len(COUNTRIES)], v.id))
    return out


def _common_words(name: str, df: dict[str, int]) -> bool:
    p = prepare(name)
    words = [t for t, c in zip(p.tokens, p.classes, strict=True) if c in (DISTINCTIVE, NUMBER)]
    return 1 <= len(words) <= 2 and all(df.get(t, 0) > COMMON_DF for t in words)


def common_word_probes(entities: Sequence[Entity], df: dict[str, int]) -> list[Probe]:
    orgs = sorted((e for e in entities if e.entity_type == "organization"), key=lambda e: e.id)
    out: list[Probe] = []
    for e in orgs:
        name = e.primary_name
        if not _common_words(name, df):
            continue
        i = len(out)
        country = next(c for k in range(len(COUNTRIES)) if (c := COUNTRIES[(i + k) % len(COUNTRIES)])
                       not in set(e.countries))  # fmt: skip
        out.append(Probe(f"{BEFORE[i % len(BEFORE)]} {name.title()} {AFTER[(i // 3) % len(AFTER)]} Co., Ltd",
                         country, e.id))  # fmt: skip
    return out


def probe(index: NameIndex, slice_name: str, probes: Sequence[Probe], thresholds: Thresholds) -> dict[str, Any]:
    """How many probes match a party-screenable entity at REVIEW or above, at HOLD, and the seeded one."""
    review = hold = seeded = 0
    examples: list[dict[str, Any]] = []
    for p in probes:
        matches = index.search(p.name, kind="company", country=p.country, limit=3, types=PARTY_TYPES)
        if not matches:
            continue
        top = matches[0]
        review += 1
        hold += top.score >= thresholds.hold
        seeded += any(m.entity.id == p.seeded for m in matches)
        if len(examples) < 5:
            examples.append({"party": p.name, "country": p.country, "matched": top.name.value,
                             "entity_id": top.entity.id, "score": round(top.score, 3)})  # fmt: skip
    return {"slice": slice_name, "queries": len(probes), "review_or_hold": review, "hold": hold,
            "matched_seeded_entity": seeded, "examples": examples}  # fmt: skip
