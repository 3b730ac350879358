"""A listed entity is matched only against the fields that can hold it: a vessel or an aircraft never
against a party (manufacturer, seller, shipper, consignee, importer, supply-chain tier); a person and an
organisation still are. Real names from the bundled lists (data/lists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from entrywatch.cli.screen import context_from_paths
from screening.entities import PARTY_TYPES
from screening.entry import parse_entry
from screening.matching.result_codec import decode_results, encode_results
from screening.screen import ScreeningContext, screen_entry

ARVIN = "ofac_sdn:25347"  # SDN vessel ARVIN (bulk carrier, IMO 9193202)
GOLDEN_BRIDGE = "ofac_sdn:40888"  # SDN vessel GOLDEN BRIDGE (IMO 9218301)


@pytest.fixture(scope="module")
def ctx(lists_dir: Path) -> ScreeningContext:
    return context_from_paths([str(lists_dir)], quiet=True)


def _party(name: str, country: str | None, **kw: Any) -> dict[str, Any]:
    return {"name": name, "address": {"country": country} if country else None, **kw}


def _tier(name: str, country: str | None) -> dict[str, Any]:
    return {"line_number": 1, "hts_code": "8481.80", "supply_chain": [{"tier": 1, "name": name, "country": country}]}


# (case, entry, entity id that must not be among the reasons)
NOT_VESSELS: list[tuple[str, dict[str, Any], str]] = [
    (
        "manufacturer Arvind Limited (IN) is not the vessel ARVIN",
        {"entry_number": "T1", "parties": {"manufacturer": _party("Arvind Limited", "IN")}},
        ARVIN,
    ),
    (
        "seller named Golden Bridge is not the vessel GOLDEN BRIDGE",
        {"entry_number": "T2", "parties": {"seller": _party("Golden Bridge Trading Co., Ltd.", "CN")}},
        GOLDEN_BRIDGE,
    ),
    (
        "a tier named Golden Bridge is not the vessel",
        {"entry_number": "T3", "lines": [_tier("Shenzhen Golden Bridge Electronics Co Ltd", "CN")]},
        GOLDEN_BRIDGE,
    ),
    (
        "a consignee named exactly like the vessel is not the vessel",
        {"entry_number": "T4", "parties": {"consignee": _party("ARVIN", None)}},
        ARVIN,
    ),
    (
        "an importer named exactly like the vessel is not the vessel",
        {"entry_number": "T5", "importer": {"name": "Golden Bridge"}},
        GOLDEN_BRIDGE,
    ),
    (
        "a registration id equal to a vessel's IMO number is not that vessel",
        {"entry_number": "T6", "parties": {"shipper": _party("Arvind Limited", "IN", registration_id="9193202")}},
        ARVIN,
    ),
]


@pytest.mark.parametrize(("case", "raw", "vessel"), NOT_VESSELS, ids=[c[0] for c in NOT_VESSELS])
def test_a_party_is_never_a_listed_vessel(ctx: ScreeningContext, case: str, raw: dict[str, Any], vessel: str) -> None:
    assert ctx.index.entity(vessel) is not None and ctx.index.entity(vessel).entity_type == "vessel"  # type: ignore[union-attr]
    decision = screen_entry(parse_entry(raw), ctx)
    assert vessel not in {r.entity_id for r in decision.reasons}, case
    if raw["entry_number"] in ("T1", "T2", "T3"):
        assert decision.decision == "CLEAR", [r.to_json() for r in decision.reasons]


# (case, entry, entity id, code) that must still be found
STILL_MATCHED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "a listed person as a seller",
        {"entry_number": "P1", "parties": {"seller": _party("MILEKHIN, Yuriy Mikhailovich", "RU")}},
        "ofac_sdn:41048",
        "SDN_MATCH",
    ),
    (
        "a listed person as a supply-chain tier, given name first",
        {"entry_number": "P2", "lines": [_tier("Jamil Sayyed", "LB")]},
        "ofac_sdn:33498",
        "SDN_MATCH",
    ),
    (
        "a listed organisation as a manufacturer",
        {
            "entry_number": "P3",
            "parties": {"manufacturer": _party("Hoshine Silicon Industry (Shanshan) Co., Ltd", "CN")},
        },
        "",
        "UFLPA_ENTITY",
    ),
]


@pytest.mark.parametrize(("case", "raw", "entity_id", "code"), STILL_MATCHED, ids=[c[0] for c in STILL_MATCHED])
def test_persons_and_organisations_still_match_parties(
    ctx: ScreeningContext, case: str, raw: dict[str, Any], entity_id: str, code: str
) -> None:
    decision = screen_entry(parse_entry(raw), ctx)
    found = [r for r in decision.reasons if r.code == code and (not entity_id or r.entity_id == entity_id)]
    assert found, (case, [r.to_json() for r in decision.reasons])
    assert decision.decision == "HOLD"


def test_the_matcher_filters_by_type_only_when_asked(ctx: ScreeningContext) -> None:
    index = ctx.index
    untyped = index.search("ARVIN", limit=3)
    assert untyped[0].entity.id == ARVIN  # the matcher itself still knows the vessel
    assert ARVIN not in {m.entity.id for m in index.search("ARVIN", limit=3, types=PARTY_TYPES)}
    vessels = index.search("Golden Bridge", limit=3, types={"vessel"})
    assert vessels and {m.entity.entity_type for m in vessels} == {"vessel"}
    assert vessels[0].entity.id == GOLDEN_BRIDGE
    # the type filter changes which entities are found, never a score
    for m in index.search("Jamil Sayyed", limit=3, types=PARTY_TYPES):
        same = [u for u in index.search("Jamil Sayyed", limit=10) if u.entity.id == m.entity.id]
        assert same and same[0].score == m.score


def test_typed_results_are_shared_under_their_own_key(ctx: ScreeningContext, lists_dir: Path) -> None:
    index = ctx.index
    index.search("Golden Bridge", limit=3, types={"vessel"})
    fresh = [r for r in index.fresh_results() if r[0][0] == "Golden Bridge" and r[0][6:] == (("vessel",),)]
    assert len(fresh) == 1 and len(fresh[0][0]) == 7
    other = context_from_paths([str(lists_dir)], quiet=True).index
    decoded = decode_results(encode_results(fresh), other)
    assert decoded[0][0] == fresh[0][0]
    assert other.adopt(*decoded[0])
    assert [m.entity.id for m in other.search("Golden Bridge", limit=3, types={"vessel"})] == [
        m.entity.id for m in fresh[0][1]
    ]
