"""Lineage of decisions (supersedes), explain's comparison, and retro-screen selection."""

from __future__ import annotations

import dataclasses

import pytest

from screening.decision import Decision, Reason
from screening.entities import Entity, EntityName
from screening.history import HistoryItem, compare, latest, lineage
from screening.retro import (
    RetroPlan,
    changed_entities,
    list_update_decision,
    retro_plan,
    source_fingerprints,
    unreported,
)
from screening.suppression import fingerprints

A = HistoryItem("ew-a", 0, "HOLD")
B = HistoryItem("ew-b", 1, "HOLD", supersedes="ew-a")

# (history, new alert id, revision, expected (supersedes, repeat, stale))
LINEAGE = [
    ("first decision", [], "ew-a", 0, (None, False, False)),
    ("amendment", [A], "ew-b", 1, ("ew-a", False, False)),
    ("redelivery of the first", [A, B], "ew-a", 0, (None, True, False)),
    ("redelivery of the second", [A, B], "ew-b", 1, ("ew-a", True, False)),
    ("same revision, new lists", [A, B], "ew-c", 1, ("ew-b", False, False)),
    ("late lower revision", [A, B], "ew-old", 0, (None, False, True)),
]


@pytest.mark.parametrize(("label", "history", "alert", "rev", "expected"), LINEAGE, ids=[c[0] for c in LINEAGE])
def test_lineage(label: str, history: list[HistoryItem], alert: str, rev: int, expected: tuple[object, ...]) -> None:
    lin = lineage(history, alert, rev)
    assert (lin.supersedes, lin.repeat, lin.stale) == expected


def test_latest_is_the_last_of_the_highest_revision() -> None:
    late = HistoryItem("ew-late", 0, "CLEAR")
    assert latest([A, B, late]) == B
    assert latest([]) is None


def test_compare_reports_added_and_removed_reasons() -> None:
    r1 = {"code": "UFLPA_ENTITY", "decision": "HOLD", "party_name": "X", "entity_id": "u:1", "score": 0.95}
    r2 = {"code": "LIST_MATCH", "decision": "HOLD", "party_name": "Y", "entity_id": "c:2"}
    same = compare({"decision": "HOLD", "reasons": [r1]}, {"decision": "HOLD", "reasons": [{**r1, "score": 0.97}]})
    assert same.unchanged
    diff = compare({"decision": "HOLD", "reasons": [r1]}, {"decision": "HOLD", "reasons": [r2]})
    assert not diff.unchanged and diff.added == [r2] and diff.removed == [r1]


def ent(eid: str, name: str, source: str = "uflpa", version: str = "v1") -> Entity:
    return Entity(eid, source, "UFLPA Entity List", version, "organization", (EntityName(name),))


def test_changed_entities_are_the_added_and_the_changed() -> None:
    old = [ent("u:1", "Acme"), ent("u:2", "Bolt"), ent("u:3", "Gone")]
    new = [
        ent("u:1", "Acme", version="v2"),  # same record, new version: unchanged
        ent("u:2", "Bolt Cotton", version="v2"),  # renamed: changed
        ent("u:4", "Newco", version="v2"),  # added
    ]
    delta = changed_entities(fingerprints(old), new, fingerprints(new))
    assert [e.id for e in delta] == ["u:2", "u:4"]


# (baseline in Redis, versions in force, expected plan)
RETRO_PLANS = [
    ("first load: record the baseline", {}, {"uflpa": "1", "wro": "a"}, RetroPlan(True, {})),
    ("no lists yet", {}, {}, RetroPlan(False, {})),
    ("up to date", {"uflpa": "1", "wro": "a"}, {"uflpa": "1", "wro": "a"}, RetroPlan(False, {})),
    ("one source moved on", {"uflpa": "1", "wro": "a"}, {"uflpa": "2", "wro": "a"}, RetroPlan(False, {"uflpa": "1"})),
    # versions 2 and 3 loaded with no worker running: one job, from the baseline to the version in force
    ("superseded while offline", {"uflpa": "1"}, {"uflpa": "3"}, RetroPlan(False, {"uflpa": "1"})),
    ("a source new since the baseline", {"uflpa": "1"}, {"uflpa": "1", "csl": "x"}, RetroPlan(False, {"csl": None})),
    ("rolled back", {"uflpa": "2"}, {"uflpa": "1"}, RetroPlan(False, {"uflpa": "2"})),
    ("a baselined source no longer live", {"uflpa": "1", "old": "z"}, {"uflpa": "1"}, RetroPlan(False, {})),
]


@pytest.mark.parametrize(("label", "baseline", "in_force", "expected"), RETRO_PLANS, ids=[c[0] for c in RETRO_PLANS])
def test_retro_plan(label: str, baseline: dict[str, str], in_force: dict[str, str], expected: RetroPlan) -> None:
    assert retro_plan(baseline, in_force) == expected


def test_source_fingerprints_and_unreported_hits() -> None:
    ents = [ent("u:1", "Acme"), ent("c:1", "Acme", source="csl")]
    fps = fingerprints(ents)
    assert source_fingerprints(ents, fps, "uflpa") == {"u:1": fps["u:1"]}
    # the entry's latest decision named u:1 with today's content: not news; u:2 it never named: news
    assert unreported({"u:1", "u:2"}, {"u:1": "f1", "u:2": "f2"}, {"u:1": "f1"}) == {"u:2"}
    assert unreported({"u:1"}, {"u:1": "f1-changed"}, {"u:1": "f1"}) == {"u:1"}  # named, but changed since
    assert unreported({"u:1"}, {"u:1": "f1"}, {}) == {"u:1"}


def reason(entity_id: str, decision: str = "HOLD", code: str = "UFLPA_ENTITY") -> Reason:
    return Reason(code=code, decision=decision, party_name="P", entity_id=entity_id, list_version="v2")  # type: ignore[arg-type]


def test_list_update_decision_relabels_only_new_or_changed_hits() -> None:
    full = Decision("E", 3, "HOLD", (reason("u:old"), reason("u:new")), {"uflpa": "v2"}, "alg", "0")
    trigger = {"source": "uflpa", "version": "v2", "previous_version": "v1"}
    upd = list_update_decision(full, {"u:new"}, trigger)
    assert upd is not None and upd.decision == "HOLD" and upd.entry_revision == 3
    assert [r.code for r in upd.reasons] == ["UFLPA_ENTITY", "LIST_UPDATE"]
    assert upd.reasons[1].evidence == {"match_code": "UFLPA_ENTITY", "list_update": trigger}
    assert upd.alert_id != full.alert_id
    assert list_update_decision(full, {"u:other"}, trigger) is None
    suppressed = dataclasses.replace(full, reasons=(reason("u:new", "CLEAR", "SUPPRESSED"),), decision="CLEAR")
    assert list_update_decision(suppressed, {"u:new"}, trigger) is None
