"""End to end on the real broker and Redis: entries in, one decision each out, bad input to the DLQ."""

from __future__ import annotations

import base64
import json
import uuid
from collections import Counter
from typing import Any

import pytest

from tests.conftest import assert_valid
from tests.integration.conftest import Stack, Worker, collect

pytestmark = pytest.mark.integration


def test_entries_in_decisions_out(stack: Stack, worker: Worker, demo_entries: list[dict[str, Any]]) -> None:
    run = uuid.uuid4().hex[:6]
    hoshine = {
        "entry_number": f"HOSHINE-{run}",
        "parties": {
            "manufacturer": {
                "name": "Hoshine Silicon Industry (Shanshan) Co., Ltd",
                "address": {"country": "CN"},
            },
            "consignee": {"name": "Sunrise Solar Imports LLC", "address": {"country": "US"}},
        },
        "lines": [{"line_number": 1, "hts_code": "2804.61.0000", "description": "polysilicon"}],
    }
    clean = {
        "entry_number": f"CLEAN-{run}",
        "parties": {"manufacturer": {"name": "Vardhman Textiles Limited", "address": {"country": "IN"}}},
        "lines": [{"line_number": 1, "hts_code": "6302.31.9020"}],
    }
    others = [dict(e, entry_number=f"{e['entry_number']}-{run}") for e in demo_entries]
    valid = [hoshine, clean, *others]
    malformed = b'{"entry_number": "BROKEN-' + run.encode() + b'", "lines": "not-a-list"'
    records: list[tuple[bytes | None, bytes | None]] = [
        (e["entry_number"].encode(), json.dumps(e).encode()) for e in valid
    ]
    records.append((b"broken-" + run.encode(), malformed))

    consumer = stack.consumer("holds.v1", "cleared.v1", "entries.dlq.v1")
    stack.produce(records)
    wanted = {e["entry_number"] for e in valid}

    def done(msgs: list[Any]) -> bool:
        seen = {json.loads(m.value()).get("entry_number") for m in msgs}
        dlq = [
            m
            for m in msgs
            if m.topic() == "entries.dlq.v1" and run.encode() in base64.b64decode(json.loads(m.value())["original_b64"])
        ]
        return wanted <= seen and bool(dlq)

    msgs = collect(consumer, done, timeout=90)
    consumer.close()
    ours = [m for m in msgs if m.topic() != "entries.dlq.v1" and json.loads(m.value())["entry_number"] in wanted]
    decisions = {json.loads(m.value())["entry_number"]: (m.topic(), json.loads(m.value())) for m in ours}
    assert set(decisions) == wanted, f"missing decisions for {wanted - set(decisions)}"

    # every valid entry yields exactly one decision
    counts = Counter(json.loads(m.value())["entry_number"] for m in ours)
    assert all(n == 1 for n in counts.values()), counts

    topic, hold = decisions[f"HOSHINE-{run}"]
    assert topic == "holds.v1" and hold["decision"] == "HOLD"
    top = hold["reasons"][0]
    assert top["party_role"] == "manufacturer"
    assert top["party_name"] == "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    assert top["list"] == "UFLPA Entity List" and top["code"] == "UFLPA_ENTITY"
    assert top["list_version"] == hold["list_versions"]["uflpa"]
    assert ours[0].key() is not None

    topic, cleared = decisions[f"CLEAN-{run}"]
    assert topic == "cleared.v1" and cleared["decision"] == "CLEAR" and cleared["reasons"] == []

    for _t, record in decisions.values():
        assert_valid("hold-alert.v1.json", record)

    [letter] = [
        json.loads(m.value())
        for m in msgs
        if m.topic() == "entries.dlq.v1" and run.encode() in base64.b64decode(json.loads(m.value())["original_b64"])
    ]
    assert_valid("dead-letter.v1.json", letter)
    assert base64.b64decode(letter["original_b64"]) == malformed
    assert letter["source"]["topic"] == "entries.v1" and letter["source"]["offset"] >= 0
    assert letter["error_kind"] == "decode"


def test_worker_reports_ready_with_list_versions(worker: Worker) -> None:
    body = worker.ready()
    assert body is not None and body["status"] == "ready"
    assert {"uflpa", "cbp_wro"} <= set(body["list_versions"])
    assert body["assigned_partitions"] > 0
