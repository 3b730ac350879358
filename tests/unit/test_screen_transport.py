"""The conveyance (``transport`` of customs-entry.v1): parsed and validated (the IMO check digit), and
screened: the vessel by IMO number exactly and by name against listed vessels only, the carrier against
listed organisations. Real SDN vessels and organisations from the bundled lists (data/lists)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from entrywatch.cli.screen import context_from_paths
from screening.entry import EntryError, imo_valid, parse_entry
from screening.screen import ScreeningContext, screen_entry
from streams.codecs import Rejected, decode_entry
from tests.conftest import validator

ARVIN = "ofac_sdn:25347"  # SDN vessel ARVIN, IMO 9193202
GOLDEN_BRIDGE = "ofac_sdn:40888"  # SDN vessel GOLDEN BRIDGE, IMO 9218301
ARTAVIL = "ofac_sdn:15036"  # SDN vessel ARTAVIL, IMO 9187629
IRISL = "ofac_sdn:25396"  # SDN organisation ISLAMIC REPUBLIC OF IRAN SHIPPING LINES


@pytest.mark.parametrize(
    ("number", "valid"),
    [("9193202", True), ("9218301", True), ("9187629", True), ("9193203", False), ("919320", False),
     ("91932020", False), ("IMO 9193202", False), ("919320a", False), ("", False),
     ("9193202\n", False)],
)  # fmt: skip
def test_imo_check_digit(number: str, valid: bool) -> None:
    assert imo_valid(number) is valid


def test_transport_parses() -> None:
    raw = {
        "entry_number": "X",
        "transport": {
            "mode": "vessel",
            "carrier_name": "Example Line",
            "carrier_scac": "EXLN",
            "vessel_name": "ARVIN",
            "vessel_imo": "9193202",
            "voyage": "024W",
            "bill_of_lading": "EXLN1234567",
            "port_of_lading": "Bandar Abbas",
        },
    }
    entry = parse_entry(raw)
    assert entry.transport is not None
    assert (entry.transport.mode, entry.transport.vessel_imo, entry.transport.port_of_lading) == (
        "vessel",
        "9193202",
        "Bandar Abbas",
    )
    assert "transport" not in entry.extra
    assert validator("customs-entry.v1.json").is_valid(raw)
    assert parse_entry({"entry_number": "X"}).transport is None
    assert parse_entry({"entry_number": "X", "transport": None}).transport is None


INVALID: list[tuple[Any, str]] = [
    ({"vessel_imo": "9193203"}, "$.transport.vessel_imo"),  # wrong check digit: the schema cannot tell
    ({"vessel_imo": "919320"}, "$.transport.vessel_imo"),
    ({"vessel_imo": "IMO 9193202"}, "$.transport.vessel_imo"),
    ({"vessel_imo": 9193202}, "$.transport.vessel_imo"),
    ({"mode": "ship"}, "$.transport.mode"),
    ({"flag_state": "PA"}, "$.transport.flag_state"),
    ({"carrier_name": 7}, "$.transport.carrier_name"),
    ("vessel", "$.transport"),
    ([], "$.transport"),
]


@pytest.mark.parametrize(("transport", "path"), INVALID)
def test_a_bad_transport_is_a_validation_error_on_its_field(transport: Any, path: str) -> None:
    raw = {"entry_number": "X", "transport": transport}
    with pytest.raises(EntryError) as info:
        parse_entry(raw)
    assert info.value.path == path
    if transport != {"vessel_imo": "9193203"}:
        assert not validator("customs-entry.v1.json").is_valid(raw), "schema and parser disagree"
    # the worker and `entrywatch screen` dead-letter it with that path
    rejected = decode_entry(json.dumps(raw).encode(), 1_000_000)
    assert isinstance(rejected, Rejected)
    assert (rejected.kind, rejected.path) == ("schema", path)


@pytest.fixture(scope="module")
def ctx(lists_dir: Path) -> ScreeningContext:
    return context_from_paths([str(lists_dir)], quiet=True)


LINE = {"line_number": 1, "hts_code": "8481.80.9050", "supply_chain": [{"tier": 1, "name": "Ningbo Valve Works"}]}

# (case, direction, transport, decision, expected (code, entity id) pairs, entity ids that must not appear)
CASES: list[tuple[str, str, dict[str, Any], str, set[tuple[str, str]], set[str]]] = [
    ("IMO of ARVIN", "import", {"vessel_imo": "9193202"}, "HOLD", {("VESSEL_IMO_LISTED", ARVIN)}, set()),
    ("IMO of ARVIN on an export", "export", {"vessel_imo": "9193202"}, "HOLD", {("VESSEL_IMO_LISTED", ARVIN)}, set()),
    (
        "IMO and name of GOLDEN BRIDGE: one reason, by IMO",
        "import",
        {"mode": "vessel", "vessel_name": "Golden Bridge", "vessel_imo": "9218301"},
        "HOLD",
        {("VESSEL_IMO_LISTED", GOLDEN_BRIDGE)},
        set(),
    ),
    (
        "name GOLDEN BRIDGE",
        "import",
        {"vessel_name": "GOLDEN BRIDGE"},
        "HOLD",
        {("VESSEL_NAME_MATCH", GOLDEN_BRIDGE)},
        set(),
    ),
    ("name misspelt", "import", {"vessel_name": "Golden Brige"}, "HOLD", {("VESSEL_NAME_MATCH", GOLDEN_BRIDGE)}, set()),
    (
        "name ARVIN with ARTAVIL's IMO: the IMO holds, the name is only a review",
        "import",
        {"vessel_name": "ARVIN", "vessel_imo": "9187629"},
        "HOLD",
        {("VESSEL_IMO_LISTED", ARTAVIL), ("VESSEL_NAME_REVIEW", ARVIN)},
        set(),
    ),
    (
        "name ARVIN with an unlisted IMO: a review",
        "import",
        {"vessel_name": "ARVIN", "vessel_imo": "9074729"},
        "REVIEW",
        {("VESSEL_NAME_REVIEW", ARVIN)},
        set(),
    ),
    (
        "a vessel name is never an organisation",
        "import",
        {"vessel_name": "Islamic Republic of Iran Shipping Lines"},
        "CLEAR",
        set(),
        {IRISL},
    ),
    (
        "the carrier IRISL",
        "import",
        {"mode": "vessel", "carrier_name": "Islamic Republic of Iran Shipping Lines", "carrier_scac": "IRSL"},
        "HOLD",
        {  # and the two listed IRISL companies whose names contain it whole
            ("CARRIER_LISTED", IRISL),
            ("CARRIER_LISTED", "ofac_sdn:25432"),  # ... SHIPPING LINES INVESTMENT
            ("CARRIER_LISTED", "ofac_sdn:25783"),  # ISLAMIC REPUBLIC OF IRAN - CHINA SHIPPING LINES
        },
        set(),
    ),
    ("a carrier is never a vessel", "import", {"carrier_name": "Golden Bridge"}, "CLEAR", set(), {GOLDEN_BRIDGE}),
    (
        "an unlisted conveyance",
        "import",
        {"mode": "vessel", "carrier_name": "Hapag-Lloyd AG", "vessel_name": "Berlin Express", "vessel_imo": "9074729"},
        "CLEAR",
        set(),
        set(),
    ),
]


@pytest.mark.parametrize(
    ("case", "direction", "transport", "decision", "expected", "absent"), CASES, ids=[c[0] for c in CASES]
)
def test_the_conveyance_is_screened(
    ctx: ScreeningContext,
    case: str,
    direction: str,
    transport: dict[str, Any],
    decision: str,
    expected: set[tuple[str, str]],
    absent: set[str],
) -> None:
    raw = {"entry_number": "T", "direction": direction, "transport": transport, "lines": [LINE]}
    result = screen_entry(parse_entry(raw), ctx)
    conveyance = {(r.code, r.entity_id or "") for r in result.reasons if r.party_role in ("vessel", "carrier")}
    assert conveyance == expected, (case, [r.to_json() for r in result.reasons])
    assert not absent & {r.entity_id for r in result.reasons}
    assert result.decision == decision, [r.to_json() for r in result.reasons]
    for r in result.reasons:
        if r.party_role == "vessel":
            assert r.party_name == transport.get("vessel_name") or r.party_name == f"IMO {transport['vessel_imo']}"


def test_an_imo_conflict_is_shown(ctx: ScreeningContext) -> None:
    raw = {"entry_number": "T", "transport": {"vessel_name": "ARVIN", "vessel_imo": "9074729"}}
    (reason,) = screen_entry(parse_entry(raw), ctx).reasons
    assert reason.evidence["imo_conflict"] is True
    assert (reason.evidence["vessel_imo"], reason.evidence["listed_imo"]) == ("9074729", ["9193202"])


@pytest.mark.parametrize(
    ("transport", "nothing"),
    [
        ({"mode": "vessel", "voyage": "1"}, True),
        ({"vessel_imo": "9074729"}, False),
        ({"carrier_name": "X Line"}, False),
    ],
)
def test_a_conveyance_alone_is_something_to_screen(
    ctx: ScreeningContext, transport: dict[str, Any], nothing: bool
) -> None:
    result = screen_entry(parse_entry({"entry_number": "T", "transport": transport}), ctx)
    assert ("NOTHING_TO_SCREEN" in {r.code for r in result.reasons}) is nothing
    assert result.decision == ("REVIEW" if nothing else "CLEAR")
