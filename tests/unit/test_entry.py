"""customs-entry.v1: the parser and the JSON Schema agree, and bad input gets a precise error."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.entry import EntryError, parse_entry
from tests.conftest import validator

BASE: dict[str, Any] = {
    "entry_number": "ABC-1234567-8",
    "entry_revision": 1,
    "filed_at": "2026-11-23T08:00:00Z",
    "port_of_entry": "2704",
    "importer": {"name": "Acme Imports LLC", "id": "12-3456789"},
    "parties": {
        "manufacturer": {
            "name": "Hoshine Silicon Industry (Shanshan) Co., Ltd",
            "address": {"street": "1 Road", "city": "Turpan", "country": "CN"},
            "mid": "CNHOSSIL1TUR",
        },
        "consignee": {"name": "Acme Imports LLC", "address": {"country": "US"}},
    },
    "country_of_origin": "CN",
    "lines": [
        {
            "line_number": 1,
            "hts_code": "2804.61.0000",
            "value_usd": 1000.5,
            "quantity": 10,
            "supply_chain": [{"tier": 2, "name": "Some Quartz Mine", "country": "CN"}],
        }
    ],
    "transport": {"mode": "vessel", "carrier_name": "Example Line", "vessel_name": "ARVIN", "vessel_imo": "9193202"},
    "broker_reference": "kept-as-extra",
}


def with_change(path: list[str | int], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


DELETE = object()

INVALID = [
    (["entry_number"], DELETE, "$.entry_number"),
    (["entry_number"], "   ", "$.entry_number"),
    (["entry_number"], 12, "$.entry_number"),
    (["entry_revision"], -1, "$.entry_revision"),
    (["entry_revision"], True, "$.entry_revision"),
    (["direction"], "sideways", "$.direction"),
    (["filed_at"], "yesterday", "$.filed_at"),
    (["country_of_origin"], "China", "$.country_of_origin"),
    (["parties", "manufacturer", "name"], DELETE, "$.parties.manufacturer.name"),
    (["parties", "manufacturer", "address", "country"], "cn", "$.parties.manufacturer.address.country"),
    (["parties", "broker"], {"name": "x"}, "$.parties.broker"),
    (["parties", "consignee", "mid"], "X", "$.parties.consignee.mid"),
    (["lines"], {"line_number": 1}, "$.lines"),
    (["lines", 0, "line_number"], 0, "$.lines[0].line_number"),
    (["lines", 0, "quantity"], -5, "$.lines[0].quantity"),
    (["lines", 0, "value_usd"], "12", "$.lines[0].value_usd"),
    (["lines", 0, "supply_chain", 0, "tier"], "two", "$.lines[0].supply_chain[0].tier"),
    (["lines", 0, "supply_chain", 0, "name"], "", "$.lines[0].supply_chain[0].name"),
    (["importer"], "Acme", "$.importer"),
    (["transport"], "vessel", "$.transport"),
    (["transport", "mode"], "ship", "$.transport.mode"),
    (["transport", "vessel_imo"], "919320", "$.transport.vessel_imo"),
    (["transport", "flag_state"], "PA", "$.transport.flag_state"),
    (["transport", "carrier_name"], 7, "$.transport.carrier_name"),
]


def test_valid_entry_parses_and_keeps_extra_fields() -> None:
    entry = parse_entry(BASE)
    assert entry.entry_number == "ABC-1234567-8"
    assert entry.direction == "import"
    assert entry.parties["manufacturer"].mid == "CNHOSSIL1TUR"
    assert entry.lines[0].supply_chain[0].tier == 2
    assert entry.extra == {"broker_reference": "kept-as-extra"}
    assert validator("customs-entry.v1.json").is_valid(BASE)


def test_named_parties_cover_parties_importer_and_every_tier() -> None:
    names = [(role, line, tier, name) for role, line, tier, name, _a, _c in parse_entry(BASE).named_parties()]
    assert ("manufacturer", None, None, "Hoshine Silicon Industry (Shanshan) Co., Ltd") in names
    assert ("importer", None, None, "Acme Imports LLC") in names
    assert ("supplier", 1, 2, "Some Quartz Mine") in names


@pytest.mark.parametrize(("path", "value", "error_path"), INVALID)
def test_invalid_entries_are_refused_by_parser_and_schema(path: list[str | int], value: Any, error_path: str) -> None:
    doc = with_change(path, value)
    with pytest.raises(EntryError) as info:
        parse_entry(doc)
    assert info.value.path == error_path
    assert not validator("customs-entry.v1.json").is_valid(doc), "schema and parser disagree"


def test_minimal_entry_defaults() -> None:
    entry = parse_entry({"entry_number": "X"})
    assert (entry.entry_revision, entry.direction, entry.lines, dict(entry.parties)) == (0, "import", (), {})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path_index=st.integers(min_value=0, max_value=len(INVALID) - 1), value=json_values)
def test_mutated_entries_either_parse_or_raise_entry_error(path_index: int, value: Any) -> None:
    """Any value anywhere: the parser never fails with anything but EntryError, and when it accepts,
    the schema accepts too."""
    doc = with_change(INVALID[path_index][0], value)
    try:
        parse_entry(doc)
    except EntryError:
        return
    assert validator("customs-entry.v1.json").is_valid(doc), f"parser accepted what the schema refuses: {doc}"


@given(value=json_values)
def test_any_json_value_is_refused_cleanly_or_parsed(value: Any) -> None:
    try:
        parse_entry(value)
    except EntryError as exc:
        assert exc.path.startswith("$")
