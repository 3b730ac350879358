"""The screening agent under Faust's test_context: no broker, outputs captured from topic.send."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from unittest import mock

import fakeredis
import pytest

from screening.screen import ScreeningContext
from streams.app import create_app
from streams.settings import Settings


@pytest.fixture()
def app_and_runtime(tmp_path: Any, skeleton_context: ScreeningContext):  # type: ignore[no-untyped-def]
    settings = Settings(
        kafka_bootstrap="127.0.0.1:1", web_port=0, data_dir=str(tmp_path / "faust"), batch_within_s=0.01
    )
    app, rt = create_app(settings)
    app.finalize()
    app.conf.store = "memory://"
    rt.lists.swap(skeleton_context)
    rt._redis = fakeredis.aioredis.FakeRedis()  # the audit trail needs Redis; no server in agent tests
    return app, rt


async def test_agent_routes_decisions_and_dead_letters(
    app_and_runtime: Any, demo_entries: list[dict[str, Any]]
) -> None:
    app, rt = app_and_runtime
    agent = app.agents["screen"]
    sent: list[tuple[str, bytes, bytes]] = []

    async def delivered() -> None:
        return None

    async def fake_send(self: Any, key: Any = None, value: Any = None, **kw: Any) -> Any:
        # Topic.send returns a future of the delivery, which the agent awaits before acking.
        sent.append((self.get_topic_name(), key, value))
        return delivered()

    with mock.patch("faust.topics.Topic.send", fake_send):
        async with agent.test_context() as agent_ctx:
            for entry in demo_entries:
                await agent_ctx.put(json.dumps(entry).encode(), key=entry["entry_number"].encode())
            await agent_ctx.put(b"\xffnot json", key=b"bad")
            for _ in range(200):
                if len(sent) >= len(demo_entries) + 1:
                    break
                await asyncio.sleep(0.02)
    topics = [t for t, _k, _v in sent]
    assert len(sent) == len(demo_entries) + 1
    assert topics.count("entries.dlq.v1") == 1
    decisions = {
        json.loads(v)["entry_number"]: (t, json.loads(v)["decision"]) for t, _k, v in sent if t != "entries.dlq.v1"
    }
    assert decisions["EW1-0000001-1"] == ("holds.v1", "HOLD")
    assert decisions["EW1-0000002-9"] == ("cleared.v1", "CLEAR")
    assert rt.counts["in"] == len(demo_entries) + 1 and rt.counts["DLQ"] == 1


async def test_agent_that_cannot_answer_a_record_stops_the_worker_and_fails_readiness(app_and_runtime: Any) -> None:
    from aiokafka.errors import MessageSizeTooLargeError

    from agents.web import readiness
    from streams.health import SCREEN_AGENT_DOWN

    app, rt = app_and_runtime
    agent = app.agents["screen"]
    stopped: list[BaseException] = []
    rt.on_fatal = stopped.append

    async def refusing_send(self: Any, key: Any = None, value: Any = None, **kw: Any) -> Any:
        raise MessageSizeTooLargeError()  # even the dead letter cannot be sent

    with mock.patch("faust.topics.Topic.send", refusing_send):
        async with agent.test_context() as agent_ctx:
            await agent_ctx.put(b"not json", key=b"bad")
            for _ in range(200):
                if stopped:
                    break
                await asyncio.sleep(0.02)
            assert rt.screen_health.state == "crashed"
            ready = await readiness(app, rt)
    assert len(stopped) == 1 and "could not be sent" in str(stopped[0])
    assert SCREEN_AGENT_DOWN in ready["problems"] and ready["status"] == "not_ready"
    assert ready["screen_agent"]["crashes"] == 1
    assert rt.counts["in"] == 0  # nothing counted (nor acked) as answered
