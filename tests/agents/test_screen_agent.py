"""The screening agent under Faust's test_context: no broker, outputs recorded by the app's producer."""

from __future__ import annotations

import json
from typing import Any

from aiokafka.errors import MessageSizeTooLargeError

from agents.web import readiness
from screening.screen import ScreeningContext
from streams.health import SCREEN_AGENT_DOWN
from tests.agents.conftest import Worker, eventually


async def test_agent_routes_decisions_and_dead_letters(
    worker: Worker, skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    rt, sent = worker.rt, worker.producer.sent
    rt.lists.swap(skeleton_context)
    async with worker.app.agents["screen"].test_context() as agent:
        for entry in demo_entries:
            await agent.put(json.dumps(entry).encode(), key=entry["entry_number"].encode())
        await agent.put(b"\xffnot json", key=b"bad")
        await eventually(lambda: len(sent) >= len(demo_entries) + 1)
    topics = [s.topic for s in sent]
    assert len(sent) == len(demo_entries) + 1
    assert topics.count("entries.dlq.v1") == 1
    decisions = {
        json.loads(s.value or b"")["entry_number"]: (s.topic, json.loads(s.value or b"")["decision"])
        for s in sent
        if s.topic != "entries.dlq.v1"
    }
    assert decisions["EW1-0000001-1"] == ("holds.v1", "HOLD")
    assert decisions["EW1-0000002-9"] == ("cleared.v1", "CLEAR")
    assert rt.counts["in"] == len(demo_entries) + 1 and rt.counts["DLQ"] == 1
    # each decision is in the audit trail
    history, _dispositions, _raw = await rt.audit.entry("EW1-0000001-1")
    assert [h["decision"] for h in history] == ["HOLD"]


async def test_agent_that_cannot_answer_a_record_stops_the_worker_and_fails_readiness(
    worker: Worker, skeleton_context: ScreeningContext
) -> None:
    rt = worker.rt
    rt.lists.swap(skeleton_context)
    stopped: list[BaseException] = []
    rt.on_fatal = stopped.append
    worker.producer.refuse = MessageSizeTooLargeError()  # even the dead letter cannot be sent
    async with worker.app.agents["screen"].test_context() as agent:
        await agent.put(b"not json", key=b"bad")
        await eventually(lambda: bool(stopped))
        assert rt.screen_health.state == "crashed"
        ready = await readiness(worker.app, rt)
    assert len(stopped) == 1 and "could not be sent" in str(stopped[0])
    assert SCREEN_AGENT_DOWN in ready["problems"] and ready["status"] == "not_ready"
    assert ready["screen_agent"]["crashes"] == 1
    assert rt.counts["in"] == 0  # nothing counted (nor acked) as answered
