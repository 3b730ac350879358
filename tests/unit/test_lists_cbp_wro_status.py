"""CBP WRO/Findings: every row is read, whatever its status, and an order no longer in force (revoked,
modified, inactive) is at most informational: never a HOLD or a REVIEW.

Rows in CBP's published column layout. Top Glove's Finding (modified by CBP in September 2021) is real;
the other parties are made-up names for the statuses.
"""

from __future__ import annotations

from typing import Any

import pytest

from screening.entities import Entity, EntityName
from screening.entry import parse_entry
from screening.lists import cbp_names, cbp_wro
from screening.rules.engine import WRO_INACTIVE
from screening.screen import ScreeningContext, screen_entry

HEADER = "Calendar Year,Country,Country Code,Entity,Industry,Status,WRO/Finding,Remarks,Press Release,Effective Date"
ROWS = [
    '2021,Malaysia,MY,Top Glove Corporation Bhd.,Disposable gloves,Modified,Finding,"Finding modified 09/09/2021",,'
    "03/29/2021",
    "2020,China,CN,Sample Revoked Garment Co. Ltd.,Garments,Revoked,WRO,,,05/01/2020",
    "2019,China,CN,Sample Inactive Hair Co. Ltd.,Hair products,Inactive,WRO,,,09/30/2019",
    "2022,China,CN,Sample Active Cotton Co. Ltd.,Cotton,Active,WRO,,,06/01/2022",
    '2023,China,CN,"Sample Pending Silica Co. Ltd. and Subsidiaries",Silica-based products,Pending review,WRO,,,'
    "01/10/2023",
    "2023,China,CN,Sample Blank Status Co. Ltd.,Garments,,WRO,,,02/10/2023",
]
DATA = ("\n".join([HEADER, *ROWS]) + "\n").encode()


def test_every_row_is_read_and_its_status_normalised() -> None:
    snap = cbp_wro.parse(DATA)
    got = {e.primary_name: (e.status, e.in_force) for e in snap.entities}
    assert got == {
        "Top Glove Corporation Bhd.": ("modified", False),
        "Sample Revoked Garment Co. Ltd.": ("revoked", False),
        "Sample Inactive Hair Co. Ltd.": ("inactive", False),
        "Sample Active Cotton Co. Ltd.": ("active", True),
        "Sample Pending Silica Co. Ltd.": ("pending review", True),
        "Sample Blank Status Co. Ltd.": (None, True),
    }
    assert len(snap.warnings) == 1 and "'Pending review'" in snap.warnings[0] and "in force" in snap.warnings[0]
    glove = next(e for e in snap.entities if e.primary_name.startswith("Top Glove"))
    assert glove.programs == ("Finding",) and glove.countries == ("MY",)
    assert glove.product_scope == ("Disposable gloves",)
    assert snap.published == "2023-02-10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Active", ("active", True)),
        ("ACTIVE", ("active", True)),
        ("Inactive", ("inactive", True)),
        ("Not active", ("inactive", True)),
        ("Revoked", ("revoked", True)),
        ("Revoked (03/29/2021)", ("revoked", True)),
        ("Modified", ("modified", True)),
        ("Partially modified", ("modified", True)),
        ("", (None, True)),
        ("Under review", ("under review", False)),
    ],
)
def test_order_status(text: str, expected: tuple[str | None, bool]) -> None:
    assert cbp_wro.order_status(text) == expected


# a traced supply chain, so the high-priority-sector rule stays out of these decisions
MILL = {"tier": 2, "name": "Guangzhou Baiyun Dyeing Mill", "address": {"city": "Guangzhou", "country": "CN"}}


def _entry(name: str, hts: str, origin: str = "CN") -> dict[str, Any]:
    return {
        "entry_number": "EW-T-WRO",
        "filed_at": "2025-10-01T09:00:00Z",
        "direction": "import",
        "country_of_origin": origin,
        "parties": {"manufacturer": {"name": name, "address": {"country": origin}}},
        "lines": [{"line_number": 1, "hts_code": hts, "supply_chain": [MILL]}],
    }


CTX = ScreeningContext.from_entities(cbp_wro.parse(DATA).entities, {"cbp_wro": "test"})


@pytest.mark.parametrize(
    ("name", "hts", "origin"),
    [
        ("Top Glove Corporation Bhd", "4015.19.0510", "MY"),
        ("Sample Revoked Garment Co. Ltd.", "6205.20.2016", "CN"),
        ("Sample Inactive Hair Co. Ltd.", "6704.19.0000", "CN"),
    ],
)
def test_an_order_not_in_force_is_informational_only(name: str, hts: str, origin: str) -> None:
    decision = screen_entry(parse_entry(_entry(name, hts, origin)), CTX)
    assert decision.decision == "CLEAR"
    assert [r.code for r in decision.reasons] == [WRO_INACTIVE]
    reason = decision.reasons[0]
    assert reason.decision == "CLEAR" and reason.evidence["order_status"] in ("modified", "revoked", "inactive")


def test_an_active_order_still_holds_goods_in_scope() -> None:
    decision = screen_entry(parse_entry(_entry("Sample Active Cotton Co. Ltd.", "5201.00.1800")), CTX)
    assert decision.decision == "HOLD" and [r.code for r in decision.reasons] == ["WRO_ENTITY"]
    assert decision.reasons[0].evidence["order_status"] == "active"


def test_an_unknown_or_blank_status_is_treated_as_in_force() -> None:
    decision = screen_entry(parse_entry(_entry("Sample Blank Status Co. Ltd.", "6205.20.2016")), CTX)
    assert decision.decision == "HOLD"


def test_a_near_match_on_a_revoked_order_is_not_a_review() -> None:
    decision = screen_entry(parse_entry(_entry("Sampel Revokd Garment Trading", "6205.20.2016")), CTX)
    assert decision.decision == "CLEAR"
    assert [r.code for r in decision.reasons] == [WRO_INACTIVE]
    score = decision.reasons[0].score
    assert score is not None and CTX.index.thresholds.review <= score < CTX.index.thresholds.hold  # else a REVIEW


def test_the_name_table_copy_of_a_revoked_order_does_not_hold() -> None:
    """The cleaned WRO name table has no status; when the published (revoked) order matched, it stays silent."""
    copy = Entity(
        f"{cbp_names.SOURCE}:sample-revoked-garment-co-ltd",
        cbp_names.SOURCE,
        cbp_names.LIST_NAME,
        "names-test",
        "organization",
        (EntityName("Sample Revoked Garment Co. Ltd."),),
    )
    ctx = ScreeningContext.from_entities(
        [*cbp_wro.parse(DATA).entities, copy], {"cbp_wro": "test", cbp_names.SOURCE: "names-test"}
    )
    decision = screen_entry(parse_entry(_entry("Sample Revoked Garment Co. Ltd.", "6205.20.2016")), ctx)
    assert decision.decision == "CLEAR" and [r.code for r in decision.reasons] == [WRO_INACTIVE]
