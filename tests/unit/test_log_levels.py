"""A healthy worker's routine work logs nothing at WARNING: a warning means an operator should look."""

from __future__ import annotations

import json
import logging

import fakeredis
import fakeredis.aioredis
import pytest

from screening.disposition import parse_disposition
from screening.entry import parse_entry
from screening.lists.loader import load_paths
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.audit import AuditStore
from stores.keys import Keys
from stores.lists import save_snapshot
from streams.contract import Pending, finalize
from streams.dispositions import apply_disposition
from streams.runtime import Runtime
from streams.settings import Settings
from tests.conftest import LISTS


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]


async def test_list_loads_and_swaps_log_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    [snap], _ = load_paths([LISTS / "uflpa"])
    save_snapshot(sync, snap, Keys())
    rt = Runtime(Settings(kafka_bootstrap="127.0.0.1:1"), fakeredis.aioredis.FakeRedis(server=server))
    caplog.set_level(logging.DEBUG)
    assert await rt.reload_lists()  # the first load
    save_snapshot(sync, type(snap)(snap.source, "next", snap.entities, snap.published, "next"), Keys())
    assert await rt.reload_lists()  # a swap
    assert not await rt.reload_lists()  # the periodic check: nothing new
    assert any("lists in force" in r.getMessage() for r in caplog.records)  # still said, at INFO
    assert warnings_of(caplog) == []
    await rt.close()


async def dispose(ctx: ScreeningContext, raw: dict[str, object], outcome: str) -> None:
    audit = AuditStore(fakeredis.aioredis.FakeRedis(), "t", retention_days=1)
    entry = parse_entry(raw)
    fps = fingerprints(ctx.index._entities)
    pending = Pending(entry, screen_entry(entry, ctx), json.dumps(raw).encode())
    [(_p, record, _t)] = await finalize([pending], fps, audit)
    assert record["decision"] != "CLEAR" and all(not r.get("entity_id") for r in record["reasons"])
    d = {
        "schema_version": 1, "disposition_id": f"d-{outcome}", "alert_id": record["alert_id"],
        "entry_number": raw["entry_number"], "outcome": outcome, "reviewer": "r", "decided_at": "2026-12-01T10:00:00Z",
    }  # fmt: skip
    await apply_disposition(parse_disposition(d), audit, fps)


# a hold on a rule alone (a Xinjiang manufacturer address), no listed entity among its reasons
RULE_ONLY = {
    "entry_number": "LOG-1",
    "parties": {
        "manufacturer": {
            "name": "Unlisted Cotton Spinning Co., Ltd.",
            "address": {"city": "Aksu", "province": "Xinjiang", "country": "CN"},
        }
    },
}


async def test_confirming_a_rule_hold_logs_no_warning(
    skeleton_context: ScreeningContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await dispose(skeleton_context, RULE_ONLY, "confirmed")
    assert warnings_of(caplog) == []
    assert any("no listed-entity reason" in r.getMessage() for r in caplog.records)


async def test_a_false_positive_that_suppresses_nothing_is_a_warning(
    skeleton_context: ScreeningContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await dispose(skeleton_context, RULE_ONLY, "false_positive")
    [warning] = warnings_of(caplog)
    assert "no listed-entity reason" in warning
