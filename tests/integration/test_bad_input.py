"""Hostile input on the real stack: each message gets a dead letter with its original bytes and a reason,
or a correct decision; the worker neither crashes nor stalls. `entrywatch dlq show|replay` work."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import uuid
from typing import Any

import pytest
from confluent_kafka import Producer

from streams.kafka import producer_config
from tests.conftest import assert_valid
from tests.integration.conftest import Stack, Worker, collect

pytestmark = pytest.mark.integration


LISTED = "Hoshine Silicon Industry (Shanshan) Co., Ltd"


def hostile(run: str) -> list[tuple[str, bytes | None, str]]:
    """(label, value, expected outcome: 'dlq' or the decision topic). Each poison record that used to stop
    the worker is followed by a canary entry that must still be decided."""
    rng = random.Random(run)
    good = {"entry_number": f"OK-{run}", "parties": {"manufacturer": {"name": "Acme Tools Ltd"}}}

    def canary(label: str) -> tuple[str, bytes, str]:
        number = f"CANARY-{label}-{run}"
        return (f"canary after {label}", json.dumps(dict(good, entry_number=number)).encode(), "cleared.v1")

    def listed(number: str, suffix: bytes) -> bytes:
        raw = json.dumps({"entry_number": f"{number}-{run}", "parties": {"manufacturer": {"name": LISTED}}})
        return raw.encode().replace(b'Ltd"', b"Ltd" + suffix + b'"')

    ten_thousand = dict(
        good,
        entry_number=f"LINES-{run}",
        lines=[{"line_number": i + 1, "hts_code": "8467.21.0010"} for i in range(10_000)],
    )
    return [
        ("random bytes", bytes(rng.getrandbits(8) for _ in range(300)) + run.encode(), "dlq"),
        ("invalid utf-8", b'{"entry_number": "\xc3\x28' + run.encode() + b'"}', "dlq"),
        ("json array", json.dumps([run]).encode(), "dlq"),
        (
            "wrong types",
            json.dumps({"entry_number": f"T-{run}", "lines": [{"line_number": "one"}]}).encode(),
            "dlq",
        ),
        ("missing entry number", json.dumps({"parties": {}, "run": run}).encode(), "dlq"),
        (
            "negative quantity",
            json.dumps({"entry_number": f"N-{run}", "lines": [{"line_number": 1, "quantity": -3}]}).encode(),
            "dlq",
        ),
        (
            "year 9999",
            json.dumps({"entry_number": f"Y-{run}", "filed_at": "9999-01-01T00:00:00Z"}).encode(),
            "dlq",
        ),
        (
            "deeply nested",
            b'{"run": "' + run.encode() + b'", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
            "dlq",
        ),
        (
            "over the size limit",
            json.dumps({"entry_number": f"BIG-{run}", "pad": "x" * 1_010_000}).encode(),
            "dlq",
        ),
        ("1.5 MB entry", json.dumps({"entry_number": f"HUGE-{run}", "pad": "x" * 1_500_000}).encode(), "dlq"),
        canary("huge"),
        ("lone surrogate in a listed name", listed("SUR", b"\\ud800"), "dlq"),
        canary("surrogate"),
        ("lone surrogate in a clean name", json.dumps(good).encode().replace(b'Ltd"', b'Ltd\\udfff"'), "dlq"),
        ("duplicate keys", listed("DUP", b'"}, "manufacturer": {"name": "Acme Tools Ltd'), "dlq"),
        canary("duplicate"),
        ("5,000-digit integer", b'{"entry_number": "INT-' + run.encode() + b'", "x": ' + b"7" * 5000 + b"}", "dlq"),
        ("null value", None, "dlq"),
        ("empty value", b"", "dlq"),
        canary("null and empty"),
        ("10,000 lines", json.dumps(ten_thousand).encode(), "cleared.v1"),
        ("a good entry after them", json.dumps(good).encode(), "cleared.v1"),
    ]


def test_hostile_messages_are_dead_lettered_or_screened(stack: Stack, worker: Worker) -> None:
    run = uuid.uuid4().hex[:8]
    cases = hostile(run)
    consumer = stack.consumer("entries.dlq.v1", "holds.v1", "cleared.v1")
    producer = Producer(producer_config(stack.settings, **{"message.max.bytes": 3_000_000}))
    for i, (_label, value, _e) in enumerate(cases):
        producer.produce("entries.v1", key=f"{run}-{i}".encode(), value=value)
    assert producer.flush(60) == 0

    def ours(m: Any) -> bool:
        return (m.key() is not None and m.key().decode().startswith(f"{run}-")) or run in json.loads(m.value()).get(
            "entry_number", ""
        )  # (a dead letter is keyed by the original key)

    def done(msgs: list[Any]) -> bool:
        return len([m for m in msgs if ours(m)]) >= len(cases)

    msgs = [m for m in collect(consumer, done, timeout=180) if ours(m)]
    consumer.close()
    by_key: dict[str, list[Any]] = {}
    for m in msgs:
        if m.topic() == "entries.dlq.v1":
            by_key.setdefault(m.key().decode(), []).append(m)
    for i, (label, value, expected) in enumerate(cases):
        key = f"{run}-{i}"
        if expected == "dlq":
            [letter_msg] = by_key.get(key, [None])
            assert letter_msg is not None, f"{label}: no dead letter"
            letter = json.loads(letter_msg.value())
            assert_valid("dead-letter.v1.json", letter)
            assert letter["original_null"] is (value is None), label
            if letter["original_omitted"]:  # over dlq_keep_bytes: its digest, size and offset instead
                assert value is not None and len(value) > stack.settings.dlq_keep_bytes, label
                assert letter["original_sha256"] == hashlib.sha256(value).hexdigest(), label
            else:
                assert base64.b64decode(letter["original_b64"]) == (value or b""), label
            assert letter["error"], label
        else:
            number = json.loads(value)["entry_number"]
            decided = [m for m in msgs if m.topic() == expected and json.loads(m.value())["entry_number"] == number]
            assert len(decided) == 1, f"{label}: {len(decided)} decisions"
            assert_valid("hold-alert.v1.json", json.loads(decided[0].value()))
    assert worker.proc.poll() is None
    ready = worker.ready()
    assert ready is not None and ready["status"] == "ready", ready
    assert ready["screen_agent"]["crashes"] == 0


def test_dlq_show_and_replay_after_the_cause_is_fixed(fresh_stack: Stack) -> None:
    """Two entries over a strict worker's size limit: one carried in its dead letter, one too large to carry
    (only its digest: replay fetches it from its source record). `dlq show --json` prints what
    schemas/dlq-show.v1.json says; both replayed once the cause is fixed are decided."""
    run = uuid.uuid4().hex[:8]
    strict = fresh_stack.start_worker(ENTRYWATCH_MAX_MESSAGE_BYTES="2048", ENTRYWATCH_DLQ_KEEP_BYTES="3500")
    strict.wait_ready()
    entries = [
        {
            "entry_number": f"REPLAY-{size}-{run}",
            "parties": {"manufacturer": {"name": "Hoshine Silicon Industry (Shanshan) Co., Ltd"}},
            "notes": "n" * size,
        }
        for size in (3000, 5000)
    ]
    raws = {e["entry_number"]: json.dumps(e).encode() for e in entries}
    consumer = fresh_stack.consumer("entries.dlq.v1", "holds.v1")
    fresh_stack.produce([(number.encode(), raw) for number, raw in raws.items()])
    first = collect(consumer, lambda ms: sum(m.topic() == "entries.dlq.v1" for m in ms) >= 2, timeout=90)
    assert [m.topic() for m in first] == ["entries.dlq.v1"] * 2

    shown = fresh_stack.cli("dlq", "show", "--json", "--kind", "size")
    assert shown.returncode == 0, shown.stderr
    lines = [json.loads(line) for line in shown.stdout.splitlines()]
    for line in lines:
        assert_valid("dlq-show.v1.json", line)  # and its dead_letter, by $ref, against dead-letter.v1.json
        assert line["id"] == f"{line['partition']}:{line['offset']}"
    by_number = {base64.b64decode(x["dead_letter"]["original_key_b64"]).decode(): x for x in lines}
    carried, digest_only = (by_number[e["entry_number"]]["dead_letter"] for e in entries)
    assert carried["error_kind"] == "size" and "over the limit of 2048" in carried["error"]
    assert base64.b64decode(carried["original_b64"]) == raws[entries[0]["entry_number"]]
    assert digest_only["original_omitted"] is True and digest_only["original_b64"] == ""
    assert digest_only["original_sha256"] == hashlib.sha256(raws[entries[1]["entry_number"]]).hexdigest()
    text = fresh_stack.cli("dlq", "show")
    assert text.returncode == 0 and "(not carried: sha256" in text.stdout, text.stdout + text.stderr

    strict.stop()  # the cause is fixed: a worker with the default size limit
    fixed = fresh_stack.start_worker()
    fixed.wait_ready()
    replayed = fresh_stack.cli("dlq", "replay", "--id", *(x["id"] for x in lines))
    assert replayed.returncode == 0 and "replayed 2" in replayed.stdout, replayed.stderr
    after = collect(consumer, lambda ms: sum(m.topic() == "holds.v1" for m in ms) >= 2, timeout=120)
    consumer.close()
    holds = [json.loads(m.value()) for m in after if m.topic() == "holds.v1"]
    assert sorted(h["entry_number"] for h in holds) == sorted(raws)
    assert all(h["decision"] == "HOLD" for h in holds)
