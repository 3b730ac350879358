"""Suppression keys and their scope: same party + same entity + same listed record only."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from screening.decision import Decision, Reason
from screening.entities import Entity, EntityName
from screening.suppression import (
    Suppression,
    apply_suppressions,
    decision_keys,
    entity_fingerprint,
    keys_for_disposition,
    suppression_key,
)

ACME = Entity("uflpa:acme", "uflpa", "UFLPA Entity List", "v1", "organization", (EntityName("Acme Silicon Co"),))
BOLT = Entity("uflpa:bolt", "uflpa", "UFLPA Entity List", "v1", "organization", (EntityName("Bolt Cotton Ltd"),))
FPS = {e.id: entity_fingerprint(e) for e in (ACME, BOLT)}
BY = Suppression("d-1", "ew-" + "0" * 32, "analyst", "2026-11-24T10:00:00Z", "verified")


def hit(party: str, entity: Entity, decision: str = "HOLD", code: str = "UFLPA_ENTITY") -> Reason:
    kind: Any = decision
    return Reason(
        code=code,
        decision=kind,
        party_role="manufacturer",
        party_name=party,
        list=entity.list_name,
        list_version=entity.list_version,
        entity_id=entity.id,
        score=1.0,
    )


def decision(*reasons: Reason) -> Decision:
    worst = "HOLD" if any(r.decision == "HOLD" for r in reasons) else ("REVIEW" if reasons else "CLEAR")
    return Decision("E-1", 0, worst, tuple(reasons), {"uflpa": "v1"}, "alg", "0")  # type: ignore[arg-type]


def test_fingerprint_ignores_the_list_version_but_not_the_record() -> None:
    assert entity_fingerprint(dataclasses.replace(ACME, list_version="v2")) == FPS[ACME.id]
    assert entity_fingerprint(dataclasses.replace(ACME, countries=("CN",))) != FPS[ACME.id]
    assert entity_fingerprint(dataclasses.replace(ACME, names=(EntityName("Acme Silicon Company"),))) != FPS[ACME.id]


def test_an_entity_without_dates_of_birth_keeps_the_fingerprint_it_had_before_the_field() -> None:
    colombiana = Entity(
        id="ofac_sdn:6531",
        source="ofac_sdn",
        list_name="SDN",
        list_version="x",
        entity_type="organization",
        names=(EntityName("COLOMBIANA DE CERDOS LTDA."),),
        countries=("CO",),
        identifiers=(("tax_id", "8000189280"),),
    )
    # as computed by the tree before ``Entity.dates_of_birth`` existed: stored suppressions stay valid
    assert entity_fingerprint(colombiana) == "2138c8b19015b08c6a90dbdd"
    assert entity_fingerprint(dataclasses.replace(colombiana, dates_of_birth=("1960",))) != "2138c8b19015b08c6a90dbdd"


P = "Acme Silicon Co., Ltd"
SUPPRESSED_ACME = {suppression_key(P, ACME.id, FPS[ACME.id]): BY}
HELD = ("HOLD", ["UFLPA_ENTITY"])

# (reasons of the new decision, fingerprints now, expected (decision, codes))
CASES = [
    ("same party, same entity", [hit(P, ACME)], FPS, ("CLEAR", ["SUPPRESSED"])),
    ("same party, folded spelling", [hit("ACME SILICON CO LTD", ACME)], FPS, ("CLEAR", ["SUPPRESSED"])),
    ("different party, same entity", [hit("Acme Silicon Company Limited", ACME)], FPS, HELD),
    ("same party, different entity", [hit(P, BOLT)], FPS, HELD),
    ("entity record changed", [hit(P, ACME)], {**FPS, ACME.id: "new"}, HELD),
    ("fingerprint unknown", [hit(P, ACME)], {}, HELD),
    ("one of two reasons", [hit(P, ACME), hit("Bolt Cotton", BOLT, "REVIEW", "NAME_MATCH_REVIEW")],
     FPS, ("REVIEW", ["SUPPRESSED", "NAME_MATCH_REVIEW"])),
]  # fmt: skip


@pytest.mark.parametrize(("label", "reasons", "fps", "expected"), CASES, ids=[c[0] for c in CASES])
def test_apply_suppressions(
    label: str, reasons: list[Reason], fps: dict[str, str], expected: tuple[str, list[str]]
) -> None:
    before = decision(*reasons)
    after = apply_suppressions(before, fps, SUPPRESSED_ACME)
    assert (after.decision, [r.code for r in after.reasons]) == expected
    for r in after.reasons:
        if r.code == "SUPPRESSED":
            assert r.decision == "CLEAR" and r.evidence["disposition_id"] == "d-1"
            assert r.evidence["suppressed_code"] == "UFLPA_ENTITY"
    if expected[1] != [r.code for r in before.reasons]:
        assert after.alert_id != before.alert_id  # a suppressed decision is a new decision


def test_decision_keys_skip_reasons_without_entity_or_fingerprint() -> None:
    no_entity = Reason(code="REGION_RULE", decision="HOLD", party_name="X")
    d = decision(hit("Acme Silicon Co", ACME), no_entity, hit("Bolt", BOLT))
    assert decision_keys(d, {ACME.id: FPS[ACME.id]}) == [suppression_key("Acme Silicon Co", ACME.id, FPS[ACME.id])]


def test_disposition_keys_follow_its_scope() -> None:
    reasons = [r.to_json() for r in (hit("Acme Silicon Co", ACME), hit("Bolt Cotton", BOLT))]
    every = keys_for_disposition(reasons, FPS)
    assert len(every) == 2
    [one] = keys_for_disposition(reasons, FPS, party_name="ACME SILICON CO", entity_id=ACME.id)
    assert one == suppression_key("Acme Silicon Co", ACME.id, FPS[ACME.id])
    assert keys_for_disposition(reasons, FPS, party_name="Someone Else", entity_id=ACME.id) == []
    assert keys_for_disposition(reasons, {}, None, None) == []
