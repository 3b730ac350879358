"""The dispositions agent under Faust's test_context: a disposition goes to the audit trail and turns a
false positive into a suppression; what is not a disposition, or cannot be applied, is dead-lettered."""

from __future__ import annotations

import base64
import json
from typing import Any

from screening.entities import ListSnapshot
from tests.agents.conftest import Worker, eventually, load_lists

DLQ = "entries.dlq.v1"


async def hold(worker: Worker, entry: dict[str, Any]) -> dict[str, Any]:
    """Screen one entry through the screening agent; its decision record."""
    async with worker.app.agents["screen"].test_context() as agent:
        await agent.put(json.dumps(entry).encode(), key=entry["entry_number"].encode())
        await eventually(lambda: len(worker.producer.sent) >= 1)
    record: dict[str, Any] = json.loads(worker.producer.sent[-1].value or b"")
    assert record["decision"] == "HOLD"
    return record


def disposition(record: dict[str, Any], outcome: str = "false_positive") -> dict[str, Any]:
    return {
        "schema_version": 1,
        "disposition_id": "bk-1",
        "alert_id": record["alert_id"],
        "entry_number": record["entry_number"],
        "outcome": outcome,
        "reviewer": "analyst@broker.example",
        "decided_at": "2026-11-24T10:00:00Z",
    }


async def test_a_disposition_is_recorded_and_a_false_positive_suppresses_its_hits(
    worker: Worker, skeleton_snapshots: list[ListSnapshot], demo_entries: list[dict[str, Any]]
) -> None:
    await load_lists(worker, skeleton_snapshots)
    entry = next(e for e in demo_entries if e["entry_number"] == "EW1-0000001-1")
    record = await hold(worker, entry)
    audit = worker.rt.audit
    async with worker.app.agents["dispositions"].test_context() as agent:
        await agent.put(json.dumps(disposition(record)).encode(), key=entry["entry_number"].encode())
        await eventually(lambda: worker.redis.hlen("ew:audit:disp:EW1-0000001-1") == 1)
    assert await audit.has_disposition("EW1-0000001-1", "bk-1")
    _history, dispositions, _raw = await audit.entry("EW1-0000001-1")
    assert [d["outcome"] for d in dispositions] == ["false_positive"]
    keys = dispositions[0]["suppression_keys"]
    assert keys and worker.redis.hkeys("ew:supp") == [k.encode() for k in keys]
    assert worker.producer.to(DLQ) == []
    # screened again, the entry's list hits are suppressed (its rule hits are not: it is still held)
    worker.producer.sent.clear()
    async with worker.app.agents["screen"].test_context() as agent:
        await agent.put(json.dumps(entry).encode(), key=entry["entry_number"].encode())
        await eventually(lambda: len(worker.producer.sent) >= 1)
    again = json.loads(worker.producer.sent[-1].value or b"")
    assert again["supersedes"] == record["alert_id"]
    codes = {r["entity_id"]: r["code"] for r in again["reasons"] if r.get("entity_id")}
    assert set(codes) == {r["entity_id"] for r in record["reasons"] if r.get("entity_id")}
    assert set(codes.values()) == {"SUPPRESSED"}


async def test_what_is_not_a_disposition_or_cannot_be_applied_is_dead_lettered(
    worker: Worker, skeleton_snapshots: list[ListSnapshot], demo_entries: list[dict[str, Any]]
) -> None:
    await load_lists(worker, skeleton_snapshots)
    record = await hold(worker, next(e for e in demo_entries if e["entry_number"] == "EW1-0000001-1"))
    worker.producer.sent.clear()
    not_one = json.dumps({"schema_version": 1, "outcome": "false_positive"}).encode()
    # the alert's record in Redis is not JSON: applying the disposition fails (a fault, not Redis away)
    worker.redis.set(f"ew:audit:alert:{record['alert_id']}", b"\x00 not json")
    async with worker.app.agents["dispositions"].test_context() as agent:
        await agent.put(not_one, key=b"EW1-0000001-1")
        await agent.put(json.dumps(disposition(record)).encode(), key=b"EW1-0000001-1")
        await eventually(lambda: len(worker.producer.to(DLQ)) == 2)
    letters = [json.loads(s.value or b"") for s in worker.producer.to(DLQ)]
    assert letters[0]["error_kind"] == "schema"
    assert base64.b64decode(letters[0]["original_b64"]) == not_one
    assert letters[1]["error_kind"] == "screening" and "could not be applied: JSONDecodeError" in letters[1]["error"]
    assert letters[1]["source"]["topic"] == "dispositions.v1"
    assert not await worker.rt.audit.has_disposition("EW1-0000001-1", "bk-1")
    assert worker.redis.hlen("ew:supp") == 0
