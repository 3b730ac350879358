"""Scores a reviewer can read: every match reports its name score and each adjustment (alias strength,
kind, country, city) apart, the score the thresholds apply to is their clipped sum, and a misspelt name
never outranks an exact one (matcher v1.6)."""

from __future__ import annotations

import pytest

from screening.entities import Entity, EntityName
from screening.entry import parse_entry
from screening.matching import ALGORITHM_VERSION, NameIndex
from screening.screen import ScreeningContext, screen_entry


def _org(ident: str, name: str, country: str, source: str = "ofac_sdn") -> Entity:
    return Entity(
        f"{source}:{ident}", source, "SDN List", "t", "organization", (EntityName(name),), countries=(country,)
    )


EXACT = _org("exact", "Kunlun Valve Trading Company", "US")  # the party's name exactly, listed in another country
MISSPELT = _org("misspelt", "Kunlun Valve Tradng Company", "CN")  # a letter short, listed in the party's country
ENTITIES = [EXACT, MISSPELT]

# (case, query, country, the entity that must rank first)
CASES = [
    ("exact name elsewhere over a misspelt one here", "Kunlun Valve Trading Company", "CN", EXACT.id),
    ("the misspelt query: the listed misspelling is its exact name", "Kunlun Valve Tradng Company", "US", MISSPELT.id),
    ("no country: the exact name first", "Kunlun Valve Trading Company", None, EXACT.id),
]  # fmt: skip


def test_the_version_is_bumped() -> None:
    assert ALGORITHM_VERSION == "1.9"


@pytest.mark.parametrize(("case", "query", "country", "first"), CASES, ids=[c[0] for c in CASES])
def test_a_misspelt_name_never_outranks_an_exact_one(case: str, query: str, country: str | None, first: str) -> None:
    found = NameIndex(ENTITIES).search(query, country=country, limit=5)
    assert found[0].entity.id == first, [(m.entity.id, m.explain["name_score"], m.score) for m in found]
    names = [m.explain["name_score"] for m in found]
    assert names == sorted(names, reverse=True), case


def test_name_score_and_adjustments_are_reported_apart() -> None:
    (exact, misspelt) = NameIndex(ENTITIES).search("Kunlun Valve Trading Company", country="CN", limit=5)
    assert exact.explain["name_score"] == 1.0 and exact.explain["adjustments"] == {"country": -0.06}
    assert misspelt.explain["name_score"] < 1.0 and misspelt.explain["adjustments"] == {"country": 0.03}
    # the score the thresholds apply to: name score plus the adjustments, clipped to [0, 1]
    for m in (exact, misspelt):
        total = m.explain["name_score"] + sum(m.explain["adjustments"].values())
        assert m.score == pytest.approx(min(1.0, max(0.0, total)), abs=1e-4)
    assert misspelt.score > exact.score  # the corroborated score may be higher; the rank is not


def test_reasons_carry_name_score_and_adjustments_and_are_ordered_by_name() -> None:
    ctx = ScreeningContext.from_entities(ENTITIES, {"ofac_sdn": "t"})
    raw = {
        "entry_number": "A",
        "parties": {"seller": {"name": "Kunlun Valve Trading Company", "address": {"country": "CN"}}},
    }
    reasons = screen_entry(parse_entry(raw), ctx).reasons
    assert [r.entity_id for r in reasons] == [EXACT.id, MISSPELT.id]
    assert reasons[0].evidence["name_score"] == 1.0
    assert reasons[0].evidence["adjustments"] == {"country": -0.06}
    assert reasons[1].evidence["adjustments"] == {"country": 0.03}


# A listed name of one or two common words inside a longer party name (matcher v1.8): weak evidence when
# the party is from a country the entity is not listed in. AL NASER AIRLINES (BIS, Iraq): "naser" and
# "airlines" are each listed by more than 20 entities.
COMMON = _org("naser", "AL NASER AIRLINES", "IQ", source="bis_dpl")
RARE = _org("hoshine", "HOSHINE SILICON", "CN")
# (case, query, country, entity, adjustments expected besides the name score)
COMMON_CASES = [
    ("inside a longer name, another country", "Sunrise Al Naser Airlines Apparel Co., Ltd", "IN", COMMON,
     {"country": -0.06, "common_words": -0.10}),
    ("inside a longer name, its own country", "Sunrise Al Naser Airlines Apparel Co., Ltd", "IQ", COMMON,
     {"country": 0.03}),
    ("the name alone, another country: not inside anything", "Al Naser Airlines", "IN", COMMON, {"country": -0.06}),
    ("rare words inside a longer name, another country", "Sunrise Hoshine Silicon Apparel Co., Ltd", "IN", RARE,
     {"country": -0.06}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "query", "country", "entity", "adjusted"), COMMON_CASES, ids=[c[0] for c in COMMON_CASES]
)
def test_common_words_inside_a_longer_name_from_elsewhere_are_weak(
    case: str, query: str, country: str, entity: Entity, adjusted: dict[str, float]
) -> None:
    [match] = NameIndex([entity]).search(query, country=country, limit=1, cutoff=0.0)
    assert match.explain["adjustments"] == adjusted, case
