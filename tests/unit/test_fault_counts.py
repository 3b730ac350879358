"""The fault harness's counting (benchmarks/fault_counts.py): inputs, outputs, committed offsets and fault
windows -> figures, with no broker or Redis."""

from __future__ import annotations

import base64
import json

from benchmarks.fault_counts import (
    DECISIONS,
    DLQ,
    MUST_BE_ZERO,
    FaultWindow,
    Input,
    Output,
    count,
    parse_output,
    parse_time,
)
from benchmarks.poison import canary, partition_for, poisons

T0 = 1_800_000_000.0  # some epoch second


def valid(n: int, partition: int, offset: int, at: float = T0) -> Input:
    return Input(seq=n, kind="valid", entry_number=f"E{n}", partition=partition, offset=offset, produced_at=at)


def decision(entry: str, kind: str = "CLEAR", alert: str = "ew-1", at: float = T0 + 1, **kw: object) -> Output:
    return Output(kind, at, at, entry_number=entry, entry_revision=0, alert_id=alert, **kw)  # type: ignore[arg-type]


def letter(partition: int, offset: int, at: float = T0 + 1) -> Output:
    return Output(DLQ, at, at, source_partition=partition, source_offset=offset)


def poison(n: int, label: str, partition: int, offset: int, entry: str | None = None, accept=frozenset({DLQ})) -> Input:
    return Input(n, "poison", entry, partition, offset, T0, label=label, accept=accept)


def test_all_answered_gives_zero_failures() -> None:
    inputs = [valid(i, i % 2, i // 2) for i in range(6)]
    outputs = [decision(f"E{i}", alert=f"ew-{i}") for i in range(6)]
    fig = count(inputs, outputs, {0: 3, 1: 3})
    assert fig.ok and fig.failures() == {}
    assert fig.valid_entries == fig.valid_decided == 6
    assert fig.committed_inputs == 6 and fig.uncommitted_inputs == 0
    assert fig.decisions == {"CLEAR": 6}
    assert set(fig.to_json()["must_be_zero"]) == set(MUST_BE_ZERO)


def test_missing_decision_is_detected() -> None:
    inputs = [valid(1, 0, 0), valid(2, 0, 1), valid(3, 1, 0)]
    fig = count(inputs, [decision("E1"), decision("E3")], {})
    assert fig.missing == 1 and fig.failures() == {"missing": 1}
    assert fig.examples["missing"] == ["E2 at 0:1"]
    assert not fig.ok
    # nothing committed: nothing can be an unanswered committed offset
    assert fig.committed_unanswered == 0 and fig.uncommitted_inputs == 3


def test_duplicate_with_a_different_alert_id_is_detected_and_a_plain_repeat_is_not() -> None:
    inputs = [valid(1, 0, 0), valid(2, 0, 1)]
    outputs = [
        decision("E1", alert="ew-a"),
        decision("E1", alert="ew-a", at=T0 + 5),  # a redelivery: allowed
        decision("E2", alert="ew-b"),
        decision("E2", kind="HOLD", alert="ew-c", at=T0 + 6),  # same revision, another id: not allowed
    ]
    fig = count(inputs, outputs, {0: 2})
    assert fig.redeliveries == 1
    assert fig.duplicate_alert_ids == 1
    assert fig.failures() == {"duplicate_alert_ids": 1}
    assert fig.examples["duplicate_alert_ids"] == ["E2 rev 0: ['ew-b', 'ew-c']"]


def test_a_new_revision_with_a_new_alert_id_is_no_duplicate() -> None:
    outputs = [
        Output("CLEAR", T0, T0, entry_number="E1", entry_revision=0, alert_id="ew-a"),
        Output("HOLD", T0, T0, entry_number="E1", entry_revision=1, alert_id="ew-b"),
    ]
    assert count([valid(1, 0, 0)], outputs, {0: 1}).duplicate_alert_ids == 0


def test_an_unanswered_committed_offset_is_detected() -> None:
    inputs = [valid(1, 0, 0), valid(2, 0, 1), valid(3, 0, 2), valid(4, 1, 0)]
    # E2 (0:1) was committed past but never answered; E4 is unanswered but not committed (still owed).
    fig = count(inputs, [decision("E1"), decision("E3")], {0: 3, 1: 0})
    assert fig.committed_unanswered == 1
    assert fig.examples["committed_unanswered"] == ["valid E2 at 0:1 < 3"]
    assert fig.committed_inputs == 3 and fig.uncommitted_inputs == 1
    assert fig.missing == 2  # E2 and E4
    assert fig.committed == {"0": 3, "1": 0}


def test_a_dead_letter_answers_a_committed_offset_by_partition_and_offset() -> None:
    inputs = [valid(1, 0, 0), poison(2, "null_value", 0, 1), valid(3, 0, 2)]
    fig = count(inputs, [decision("E1"), letter(0, 1), decision("E3")], {0: 3})
    assert fig.committed_unanswered == 0
    assert fig.dead_letters_expected == fig.dead_letters_received == 1 and fig.dead_letters_missing == 0
    # a dead letter for another offset does not answer it
    fig = count(inputs, [decision("E1"), letter(0, 7), decision("E3")], {0: 3})
    assert fig.committed_unanswered == 1 and fig.dead_letters_missing == 1 and fig.dead_letters_unmatched == 1


def test_offsets_below_the_committed_one_that_the_harness_never_produced_are_counted() -> None:
    fig = count([valid(1, 0, 0), valid(2, 0, 2)], [decision("E1"), decision("E2")], {0: 4})
    assert fig.committed_unknown_offsets == 2  # 1 and 3


def test_poison_outcomes_and_canaries() -> None:
    listed = frozenset({DLQ, "HOLD", "REVIEW"})
    inputs = [
        poison(1, "duplicate_keys", 0, 0, entry="P-dup"),
        Input(2, "canary", "C-dup", 0, 1, T0, label="duplicate_keys"),
        poison(3, "surrogate_listed_name", 1, 0, entry="P-sur", accept=listed),
        Input(4, "canary", "C-sur", 1, 1, T0, label="surrogate_listed_name"),
        poison(5, "oversize_1_5mb", 2, 0, entry="P-big"),
        Input(6, "canary", "C-big", 2, 1, T0, label="oversize_1_5mb"),
    ]
    outputs = [
        decision("P-dup", kind="CLEAR"),  # screened on its second manufacturer: wrong
        decision("C-dup"),
        decision("P-sur", kind="HOLD"),  # a HOLD is fine for the listed name
        decision("C-sur"),
        # the 1.5 MB one: nothing, its canary neither
    ]
    fig = count(inputs, outputs, {0: 2, 1: 2, 2: 0})
    by = {p.label: p for p in fig.poisons}
    assert not by["duplicate_keys"].ok and by["duplicate_keys"].outcomes == ["CLEAR"]
    assert by["surrogate_listed_name"].ok and by["surrogate_listed_name"].canary_decided
    assert (
        not by["oversize_1_5mb"].ok and by["oversize_1_5mb"].outcomes == [] and not by["oversize_1_5mb"].canary_decided
    )
    assert fig.poison_wrong_outcome == 2
    assert fig.dead_letters_expected == 2 and fig.dead_letters_received == 0 and fig.dead_letters_missing == 2
    assert fig.canaries == 3 and fig.canaries_undecided == 1
    # a CLEAR for the listed name with a surrogate is never right, even beside a dead letter
    fig = count(inputs[2:4], [decision("P-sur"), letter(1, 0), decision("C-sur")], {})
    assert fig.poison_wrong_outcome == 1 and fig.poisons[0].outcomes == ["CLEAR", "DLQ"]


def test_a_valid_entry_answered_only_by_a_dead_letter_is_counted() -> None:
    fig = count([valid(1, 0, 0)], [letter(0, 0)], {0: 1})
    assert fig.valid_dead_lettered == 1 and fig.missing == 0 and fig.committed_unanswered == 0
    assert fig.failures() == {"valid_dead_lettered": 1}


def test_clears_while_redis_was_stopped() -> None:
    window = FaultWindow("redis_pause", T0 + 100, T0 + 120)
    inputs = [valid(i, 0, i) for i in range(5)]
    outputs = [
        # screened early in the stop window: its Redis reads could not have been answered
        decision("E0", screened_at=T0 + 101, at=T0 + 121),
        # screened in the window's last seconds, sent after SIGCONT: may have been answered after it
        decision("E1", screened_at=T0 + 115, at=T0 + 121),
        # a HOLD early in the window is not counted (the question is CLEARs)
        decision("E2", kind="HOLD", screened_at=T0 + 101, at=T0 + 121),
        # screened before, stamped by the broker while Redis was stopped
        Output("CLEAR", T0 + 125, T0 + 110, entry_number="E3", entry_revision=0, alert_id="ew-3", screened_at=T0 + 99),
        # outside the window
        decision("E4", screened_at=T0 + 130, at=T0 + 131),
    ]
    fig = count(inputs, outputs, {0: 5}, [window])
    assert fig.clears_in_redis_outage == 2  # E0 and E3
    assert fig.clears_screened_in_redis_window == 2  # E0 and E1
    assert fig.failures() == {"clears_in_redis_outage": 2}
    # a broker stop window is no Redis outage
    fig = count(inputs, outputs, {0: 5}, [FaultWindow("broker_pause", T0 + 100, T0 + 120)])
    assert fig.clears_in_redis_outage == 0


def test_recovery_after_a_fault() -> None:
    window = FaultWindow("broker_pause", T0 + 10, T0 + 30)
    inputs = [valid(i, 0, i, at=T0 + 2 * i) for i in range(20)]  # produced at T0 .. T0+38
    outputs = [decision(f"E{i}", at=T0 + 2 * i + 0.5) for i in range(5)]  # before the stop
    outputs += [decision(f"E{i}", at=T0 + 31 + i * 0.1) for i in range(5, 16)]  # the backlog: T0+31.5 .. T0+32.5
    outputs += [decision(f"E{i}", at=T0 + 2 * i + 0.5) for i in range(16, 20)]
    [rec] = count(inputs, outputs, {0: 20}, [window]).recovery
    assert rec.fault == "broker_pause" and rec.duration_s == 20.0
    assert rec.first_output_s == 1.5
    assert rec.backlog == 11  # E5..E15, produced by T0+30 and decided after it
    assert rec.drained_s == 2.5 and rec.undrained == 0
    # one of the backlog never decided: never drained
    [rec] = count(inputs, [o for o in outputs if o.entry_number != "E7"], {0: 20}, [window]).recovery
    assert rec.drained_s is None and rec.undrained == 1


def test_undelivered_inputs_are_reported_not_counted_missing() -> None:
    undelivered = Input(9, "valid", "E9")
    fig = count([valid(1, 0, 0), undelivered], [decision("E1")], {0: 1})
    assert fig.not_delivered == 1 and fig.valid_entries == 1 and fig.missing == 0


def test_parse_output() -> None:
    hold = {
        "schema_version": 1,
        "alert_id": "ew-" + "a" * 32,
        "entry_number": "E1",
        "entry_revision": 2,
        "decision": "HOLD",
        "reasons": [],
        "list_versions": {},
        "algorithm": "x",
        "screened_at": "2026-12-04T10:00:00.250Z",
        "engine_version": "1",
    }
    out = parse_output("decision", json.dumps(hold).encode(), T0, T0 - 1)
    assert (out.kind, out.entry_number, out.entry_revision, out.alert_id) == ("HOLD", "E1", 2, hold["alert_id"])
    assert out.screened_at == parse_time("2026-12-04T10:00:00.250+00:00") and out.timestamp == T0 - 1
    dead = {
        "source": {"topic": "entries.v1", "partition": 3, "offset": 17},
        "original_key_b64": base64.b64encode(b"\xff\xfe").decode(),
    }
    out = parse_output("dlq", json.dumps(dead).encode(), T0)
    assert (out.kind, out.source_partition, out.source_offset, out.source_key) == (DLQ, 3, 17, b"\xff\xfe")
    for bad in (b"", b"\xff", b"[]", b'{"decision": "MAYBE", "entry_number": "E"}', None):
        assert parse_output("decision", bad, T0).kind == "UNREADABLE"
    assert parse_output("dlq", b"{}", T0).kind == "UNREADABLE"
    assert parse_time("not a time") is None and parse_time(None) is None


def test_poison_records_are_what_they_say() -> None:
    records = poisons("t1", 1_000_000)
    by = {r.label: r for r in records}
    assert by["null_value"].value is None and by["empty_value"].value == b""
    assert len(by["oversize"].value or b"") > 1_000_000 and len(by["oversize_1_5mb"].value or b"") > 1_400_000
    json.loads(by["oversize"].value or b"")  # valid JSON, only too big
    assert (by["duplicate_keys"].value or b"").count(b'"manufacturer"') == 2
    assert b"\\ud800" in (by["surrogate_listed_name"].value or b"")
    assert b"[" * 1_000 in (by["nesting_1500"].value or b"")
    assert b"7" * 5_000 in (by["integer_5000_digits"].value or b"")
    invalid = by["invalid_utf8"].value or b""
    try:
        invalid.decode("utf-8")
        raise AssertionError("the invalid UTF-8 poison decodes")
    except UnicodeDecodeError:
        pass
    try:
        (by["non_utf8_key"].key or b"").decode("utf-8")
        raise AssertionError("the non-UTF-8 key decodes")
    except UnicodeDecodeError:
        pass
    assert by["surrogate_listed_name"].accept == frozenset({DLQ, "HOLD", "REVIEW"})
    assert by["non_utf8_key"].accept == DECISIONS | {DLQ}
    for r in records:
        c = canary("t1", r, 4)
        assert c.kind == "canary" and c.label == r.label
        assert partition_for(c.key or b"", 4) == partition_for(r.key or b"", 4)
        assert json.loads(c.value or b"")["entry_number"] == c.entry_number
