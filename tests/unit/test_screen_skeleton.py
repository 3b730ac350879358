"""Screening on the skeleton's lists: the UFLPA excerpt and the CBP WRO entity names."""

from __future__ import annotations

from typing import Any

import pytest

from screening.entry import parse_entry
from screening.screen import ScreeningContext, screen_entry


def entry(**parties: Any) -> Any:
    lines = parties.pop("lines", [])
    return parse_entry({"entry_number": "T-1", "parties": {k: {"name": v} for k, v in parties.items()}, "lines": lines})


CASES = [
    # (parties, expected decision, expected code of the first reason, expected list)
    (
        {"manufacturer": "Hoshine Silicon Industry (Shanshan) Co., Ltd"},
        "HOLD",
        "UFLPA_ENTITY",
        "UFLPA Entity List",
    ),
    ({"seller": "Changji Yida Textile"}, "HOLD", "UFLPA_ENTITY", "UFLPA Entity List"),  # an alias
    # a WRO entity with no goods declared: its order's product scope cannot be checked, so REVIEW
    (
        {"shipper": "Huizhou Mink Industrial Co. Ltd."},
        "REVIEW",
        "WRO_SCOPE_UNKNOWN",
        "CBP Withhold Release Orders and Findings",
    ),
    ({"consignee": "Vardhman Textiles Limited"}, "CLEAR", None, None),
    ({"manufacturer": "Shenzhen Bright Circuit Technology Co., Ltd."}, "CLEAR", None, None),
]


@pytest.mark.parametrize(("parties", "decision", "code", "listed"), CASES)
def test_party_decisions(
    skeleton_context: ScreeningContext,
    parties: dict[str, str],
    decision: str,
    code: str | None,
    listed: str | None,
) -> None:
    result = screen_entry(entry(**parties), skeleton_context)
    assert result.decision == decision
    if code is None:
        assert result.reasons == ()
    else:
        top = result.reasons[0]
        assert (top.code, top.list, top.party_role) == (code, listed, next(iter(parties)))
        assert top.list_version == skeleton_context.list_versions[top.entity_id.split(":")[0]]


def test_supply_chain_tier_two_is_screened(skeleton_context: ScreeningContext) -> None:
    e = entry(
        manufacturer="Clean Garment Factory",
        lines=[
            {
                "line_number": 3,
                "supply_chain": [{"tier": 2, "role": "spinner", "name": "Xinjiang Junggar Cotton and Linen Co., Ltd."}],
            }
        ],
    )
    result = screen_entry(e, skeleton_context)
    assert result.decision == "HOLD"
    tiers = {(r.party_role, r.line_number, r.tier) for r in result.reasons}
    assert ("spinner", 3, 2) in tiers


def test_decision_records_list_versions_and_algorithm(skeleton_context: ScreeningContext) -> None:
    result = screen_entry(entry(manufacturer="Nobody In Particular Ltd"), skeleton_context)
    assert skeleton_context.list_versions.items() <= result.list_versions.items()
    assert {"uflpa", "cbp_wro", "cbp_wro_names", "rules:decision-rules"} <= set(result.list_versions)
    assert result.algorithm == skeleton_context.index.algorithm


def test_published_wro_speaks_for_its_copy_in_the_name_table(skeleton_context: ScreeningContext) -> None:
    """Hoshine is on CBP's published WRO (silica-based products) and in the cleaned name table (no scope):
    polysilicon from it is one in-scope WRO_ENTITY hold, not also a WRO_SCOPE_UNKNOWN review."""
    e = parse_entry(
        {
            "entry_number": "T-WRO",
            "parties": {"manufacturer": {"name": "Hoshine Silicon Industry Co. Ltd.", "address": {"country": "CN"}}},
            "lines": [{"line_number": 1, "hts_code": "2804.61.0000", "description": "polysilicon"}],
        }
    )
    reasons = screen_entry(e, skeleton_context).reasons
    wro = [r for r in reasons if r.code.startswith("WRO_")]
    assert [(r.code, r.entity_id.split(":")[0] if r.entity_id else None) for r in wro] == [("WRO_ENTITY", "cbp_wro")]
