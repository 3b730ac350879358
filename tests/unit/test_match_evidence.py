"""A party's identifiers and date of birth against a listed entity's (matcher v1.7): an equal identifier is a
reason on its own, a conflicting one of the same scheme lowers the name match, a date of birth raises or
lowers it by year; each adjustment is reported apart and what was compared is in the evidence."""

from __future__ import annotations

from typing import Any

import pytest

from screening.entities import Entity, EntityName
from screening.entry import EntryError, parse_entry
from screening.matching import NameIndex, PartyEvidence, Thresholds
from screening.screen import ScreeningContext, screen_entry

# Names, identifiers and dates of birth as the SDN list publishes them (ofac_sdn:2676, ofac_sdn:6531).
PERSON = Entity(
    id="ofac_sdn:2676",
    source="ofac_sdn",
    list_name="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    list_version="2024-05-03",
    entity_type="person",
    names=(EntityName("AL ZAWAHIRI, Dr. Ayman"),),
    countries=("EG",),
    identifiers=(("passport", "1084010"), ("passport", "19820215")),
    dates_of_birth=("1951-06-19",),
)
COMPANY = Entity(
    id="ofac_sdn:6531",
    source="ofac_sdn",
    list_name="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    list_version="2024-05-03",
    entity_type="organization",
    names=(EntityName("COLOMBIANA DE CERDOS LTDA."),),
    countries=("CO",),
    identifiers=(("tax_id", "8000189280"), ("uscc", "91110000710935732K")),
)


@pytest.fixture(scope="module")
def ctx() -> ScreeningContext:
    return ScreeningContext.from_entities([PERSON, COMPANY], {"ofac_sdn": "2024-05-03"})


def screen(ctx: ScreeningContext, party: dict[str, Any], role: str = "consignee") -> list[Any]:
    return list(screen_entry(parse_entry({"entry_number": "E1", "parties": {role: party}}), ctx).reasons)


# (party, expected code, adjustments beyond the name's, score)
NAME_CASES = [
    ({"name": "AL ZAWAHIRI, Dr. Ayman"}, "SDN_MATCH", {}, None),
    ({"name": "AL ZAWAHIRI, Dr. Ayman", "date_of_birth": "1951-06-19"}, "SDN_MATCH", {"date_of_birth": 0.02}, None),
    ({"name": "AL ZAWAHIRI, Dr. Ayman", "date_of_birth": "1952"}, "SDN_MATCH", {}, None),  # a year off: neither
    (
        {"name": "AL ZAWAHIRI, Dr. Ayman", "date_of_birth": "1975-01"},
        "NAME_MATCH_REVIEW",
        {"date_of_birth": -0.10},
        0.9,
    ),
    (
        {"name": "AL ZAWAHIRI, Dr. Ayman", "identifiers": [{"scheme": "passport", "value": "A 999 999"}]},
        "SDN_MATCH",
        {"identifier": -0.05},
        0.95,
    ),
    (
        {"name": "Colombiana de Cerdos Ltda", "identifiers": [{"scheme": "uscc", "value": "91310000MA1FL0AB2X"}]},
        "NAME_MATCH_REVIEW",
        {"identifier": -0.15},
        0.85,
    ),
    (  # both: the example of docs/reason-codes.md
        {
            "name": "AL ZAWAHIRI, Dr. Ayman",
            "date_of_birth": "1975",
            "identifiers": [{"scheme": "passport", "value": "A 999 999"}],
        },
        "NAME_MATCH_REVIEW",
        {"identifier": -0.05, "date_of_birth": -0.10},
        0.85,
    ),
    (  # another scheme than the listed ones: nothing compared
        {"name": "Colombiana de Cerdos Ltda", "identifiers": [{"scheme": "lei", "value": "5493001KJTIIGC8Y1R12"}]},
        "SDN_MATCH",
        {},
        None,
    ),
]


@pytest.mark.parametrize(("party", "code", "extra", "score"), NAME_CASES)
def test_identifier_and_dob_adjust_a_name_match(
    ctx: ScreeningContext, party: dict[str, Any], code: str, extra: dict[str, float], score: float | None
) -> None:
    reasons = screen(ctx, party)
    assert [r.code for r in reasons] == [code]
    reason = reasons[0]
    adjustments = reason.evidence["adjustments"]
    assert {k: v for k, v in adjustments.items() if k in ("identifier", "date_of_birth")} == extra
    assert reason.evidence["name_score"] == 1.0
    if score is not None:
        assert reason.score == pytest.approx(score)
    # the score is the clipped sum of the name score and every adjustment, each reported apart
    assert reason.score == pytest.approx(min(1.0, max(0.0, 1.0 + sum(adjustments.values()))), abs=1e-4)
    if extra:
        assert reason.evidence["compared"]


def test_what_was_compared_is_in_the_evidence(ctx: ScreeningContext) -> None:
    party = {
        "name": "AL ZAWAHIRI, Dr. Ayman",
        "date_of_birth": "1975",
        "identifiers": [{"scheme": "passport", "value": "1084010"}],
    }
    by_code = {r.code: r for r in screen(ctx, party)}
    compared = by_code["NAME_MATCH_REVIEW"].evidence["compared"]
    assert compared["date_of_birth"] == {"party": "1975", "listed": ["1951-06-19"], "year": "conflicts"}
    assert compared["identifiers"] == [
        {"scheme": "passport", "value": ["1084010"], "listed": ["1084010", "19820215"], "agrees": True}
    ]
    # the equal passport number is a reason of its own at 1.0, whatever the date of birth says
    assert by_code["SDN_MATCH"].score == 1.0 and by_code["SDN_MATCH"].evidence["identifier_scheme"] == "passport"


# (identifiers, registration_id, listed entity found by identifier alone)
IDENTIFIER_CASES = [
    ([{"scheme": "tax_id", "value": "800018928-0"}], None, "ofac_sdn:6531"),  # NIT # 800018928-0 as published
    ([{"scheme": "uscc", "value": "91110000710935732k"}], None, "ofac_sdn:6531"),  # lower case
    ([{"scheme": "passport", "value": "19820215"}], None, "ofac_sdn:2676"),
    ([{"scheme": "registration", "value": "8000189280"}], None, None),  # a tax number under another scheme
    ([], "8000189280", "ofac_sdn:6531"),  # registration_id has no scheme: any listed value of any scheme
]


@pytest.mark.parametrize(("identifiers", "registration_id", "found"), IDENTIFIER_CASES)
def test_an_equal_identifier_is_a_reason_without_a_name_match(
    ctx: ScreeningContext, identifiers: list[dict[str, str]], registration_id: str | None, found: str | None
) -> None:
    party: dict[str, Any] = {"name": "Quite Another Name Holdings", "identifiers": identifiers}
    if registration_id:
        party["registration_id"] = registration_id
    reasons = screen(ctx, party, "seller")
    assert [r.entity_id for r in reasons] == ([found] if found else [])
    if found:
        assert reasons[0].code == "SDN_MATCH" and reasons[0].score == 1.0
        assert "adjustments" not in reasons[0].evidence  # not a name match


def test_a_date_of_birth_can_raise_a_name_to_the_floor() -> None:
    index = NameIndex([PERSON], Thresholds())
    (plain,) = index.search("Ayman Zawahri", kind="person", cutoff=0.0)
    review = round(plain.score + 0.01, 4)  # just above the name's score: not found without the date of birth
    index = NameIndex([PERSON], Thresholds(hold=0.99, review=review))
    assert index.search("Ayman Zawahri", kind="person") == []
    (raised,) = index.search("Ayman Zawahri", kind="person", evidence=PartyEvidence(date_of_birth="1951"))
    assert raised.score == pytest.approx(plain.score + 0.02)
    assert raised.explain["adjustments"]["date_of_birth"] == 0.02
    assert raised.explain["name_score"] == plain.explain["name_score"]  # the name's own score is unchanged
    assert index.search("Ayman Zawahri", kind="person", evidence=PartyEvidence(date_of_birth="1990")) == []


# (party fields, error path)
INVALID = [
    ({"identifiers": [{"scheme": "imo", "value": "9187629"}]}, "$.parties.seller.identifiers[0].scheme"),
    ({"identifiers": [{"scheme": "tax_id", "value": "--"}]}, "$.parties.seller.identifiers[0].value"),
    ({"identifiers": [{"scheme": "tax_id", "value": "1", "country": "RU"}]}, "$.parties.seller.identifiers[0].country"),
    ({"identifiers": [{"scheme": "tax_id", "value": str(n)} for n in range(21)]}, "$.parties.seller.identifiers"),
    ({"identifiers": {"scheme": "tax_id"}}, "$.parties.seller.identifiers"),
    ({"date_of_birth": "1960-02-30"}, "$.parties.seller.date_of_birth"),
    ({"date_of_birth": "19 Jan 1960"}, "$.parties.seller.date_of_birth"),
    ({"date_of_birth": "1700"}, "$.parties.seller.date_of_birth"),
]


@pytest.mark.parametrize(("fields", "path"), INVALID)
def test_invalid_identifiers_and_dates_are_refused_by_field(fields: dict[str, Any], path: str) -> None:
    with pytest.raises(EntryError) as err:
        parse_entry({"entry_number": "E1", "parties": {"seller": {"name": "X", **fields}}})
    assert err.value.path == path


def test_tiers_carry_identifiers_and_a_date_of_birth() -> None:
    tier = {"tier": 1, "name": "X", "identifiers": [{"scheme": "uscc", "value": "91110000710935732K"}]}
    entry = parse_entry(
        {"entry_number": "E1", "lines": [{"line_number": 1, "supply_chain": [{**tier, "date_of_birth": "1960"}]}]}
    )
    (parsed,) = entry.lines[0].supply_chain
    assert parsed.identifiers[0].scheme == "uscc" and parsed.date_of_birth == "1960"
