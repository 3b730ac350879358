"""A batch of raw messages in -> exactly one schema-valid record out per message, bad input to the DLQ."""

from __future__ import annotations

import base64
import json
from typing import Any

from screening.screen import ScreeningContext
from streams.codecs import Rejected, decode_dead_letter, decode_entry
from streams.pipeline import Inbound
from streams.settings import Settings
from tests.conftest import assert_valid
from tests.worker_route import WorkerRoute, answer

SETTINGS = Settings(kafka_bootstrap="127.0.0.1:1", max_message_bytes=4096)


def inbound(value: bytes | None, offset: int, key: bytes | None = b"k") -> Inbound:
    return Inbound(key, value, "entries.v1", 0, offset)


BAD_INPUTS: list[tuple[bytes | None, str, str]] = [
    (None, "decode", "null value"),
    (b"\xff\xfe\x00garbage", "decode", "not UTF-8"),
    (b"{not json", "decode", "not JSON"),
    (b"[1, 2, 3]", "schema", "expected an object"),
    (b'{"entry_number": "X", "lines": [{"line_number": -1}]}', "schema", "at least 1"),
    (b'{"entry_number": "X", "value": NaN}', "decode", "NaN is not valid JSON"),
    (b'{"entry_number": "X", "lines": [{"line_number": 1, "value_usd": 1' + b"0" * 400 + b"}]}", "schema", "finite"),
    (b"[" * 100_000 + b"]" * 100_000, "size", "over the limit"),
    (b'{"entry_number": ' + b"[" * 1900 + b"]" * 1900 + b"}", "decode", "nested too deeply"),
]


def test_bad_inputs_are_rejected_with_a_reason() -> None:
    for raw, kind, fragment in BAD_INPUTS:
        result = decode_entry(raw, max_bytes=SETTINGS.max_message_bytes)
        assert isinstance(result, Rejected), raw
        assert result.kind == kind, (raw[:40] if raw else raw, result)
        assert fragment in result.message


def test_batch_yields_one_valid_record_per_input(
    skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    batch = [inbound(json.dumps(e).encode(), i) for i, e in enumerate(demo_entries)]
    batch += [inbound(raw, 100 + i) for i, (raw, _k, _f) in enumerate(BAD_INPUTS)]
    out = answer(batch, skeleton_context, SETTINGS)
    assert len(out) == len(batch)
    by_topic: dict[str, list[Any]] = {}
    for record in out:
        by_topic.setdefault(record.topic, []).append(json.loads(record.value))
    for decision in by_topic["holds.v1"] + by_topic["cleared.v1"]:
        assert_valid("hold-alert.v1.json", decision)
    for letter in by_topic["entries.dlq.v1"]:
        assert_valid("dead-letter.v1.json", letter)
    assert len(by_topic["entries.dlq.v1"]) == len(BAD_INPUTS)
    assert len(by_topic["holds.v1"]) + len(by_topic["cleared.v1"]) == len(demo_entries)
    assert all(d["decision"] == "CLEAR" for d in by_topic["cleared.v1"])
    assert all(d["decision"] in ("HOLD", "REVIEW") for d in by_topic["holds.v1"])


def test_dead_letter_keeps_original_bytes_and_source_position(skeleton_context: ScreeningContext) -> None:
    raw = b"\x00\x01 not an entry \xff"
    [record] = answer([Inbound(b"key-1", raw, "entries.v1", 3, 42)], skeleton_context, SETTINGS)
    assert record.topic == "entries.dlq.v1"
    letter = decode_dead_letter(record.value)
    assert letter["original"] == raw
    assert base64.b64decode(letter["original_key_b64"]) == b"key-1"
    assert letter["source"] == {"topic": "entries.v1", "partition": 3, "offset": 42}
    assert letter["error"].startswith("not UTF-8")


async def test_redelivered_entry_gets_the_same_alert_id(
    skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    route = WorkerRoute(skeleton_context, SETTINGS)
    raw = json.dumps(demo_entries[0]).encode()
    first = await route.answer([inbound(raw, 1)])
    again = await route.answer([inbound(raw, 7)])  # the same entry delivered again (a rebalance, a replay)
    assert json.loads(first[0].value)["alert_id"] == json.loads(again[0].value)["alert_id"]
    revised = dict(demo_entries[0], entry_revision=1)
    third = await route.answer([inbound(json.dumps(revised).encode(), 8)])
    assert json.loads(third[0].value)["alert_id"] != json.loads(first[0].value)["alert_id"]
    assert route.sent == first + again + third
    await route.rt.close()
