"""The audit trail and the batch finalize step on an in-process Redis (fakeredis): suppressions read,
supersedes placed, history written once per alert, stored entries kept at the latest revision."""

from __future__ import annotations

import json
from typing import Any

import fakeredis
import pytest

from screening.disposition import parse_disposition
from screening.entry import parse_entry
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.audit import AuditStore, next_cursor, parse_cursor
from streams.contract import Pending, finalize
from streams.dispositions import apply_disposition
from tests.conftest import assert_valid

HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"


@pytest.fixture()
def audit() -> AuditStore:
    return AuditStore(fakeredis.aioredis.FakeRedis(), "t", retention_days=1)


def pending(ctx: ScreeningContext, number: str, revision: int, maker: str) -> Pending:
    raw = {"entry_number": number, "entry_revision": revision, "parties": {"manufacturer": {"name": maker}}}
    entry = parse_entry(raw)
    return Pending(entry, screen_entry(entry, ctx), json.dumps(raw).encode())


async def test_finalize_places_decisions_and_dedups(audit: AuditStore, skeleton_context: ScreeningContext) -> None:
    fps = fingerprints(skeleton_context.index._entities)
    first = pending(skeleton_context, "E-1", 0, HOSHINE)
    amended = pending(skeleton_context, "E-1", 1, HOSHINE)
    [(_p, r0, _t0)] = await finalize([first], fps, audit)
    # an amendment and a redelivery of revision 0 in one batch
    [(_a, r1, _t1), (_b, again, _t2)] = await finalize([amended, first], fps, audit)
    assert "supersedes" not in r0 and r1["supersedes"] == r0["alert_id"]
    assert again["alert_id"] == r0["alert_id"] and "supersedes" not in again
    for r in (r0, r1, again):
        assert_valid("hold-alert.v1.json", r)
    history, dispositions, stored = await audit.entry("E-1")
    assert [h["alert_id"] for h in history] == [r0["alert_id"], r1["alert_id"]]
    assert dispositions == []
    assert stored is not None and json.loads(stored)["entry_revision"] == 1  # the late rev 0 did not overwrite
    page = await audit.holds_page(0, 0, 10)
    assert [rec["alert_id"] for rec, _s in page] == [r0["alert_id"], r1["alert_id"]]


async def test_false_positive_disposition_suppresses_the_next_identical_hit(
    audit: AuditStore, skeleton_context: ScreeningContext
) -> None:
    fps = fingerprints(skeleton_context.index._entities)
    [(_p, hold, _t)] = await finalize([pending(skeleton_context, "E-2", 0, HOSHINE)], fps, audit)
    d: dict[str, Any] = {
        "schema_version": 1, "disposition_id": "d-9", "alert_id": hold["alert_id"], "entry_number": "E-2",
        "outcome": "false_positive", "reviewer": "r", "decided_at": "2026-11-24T10:00:00Z",
    }  # fmt: skip
    applied = await apply_disposition(parse_disposition(d), audit, fps)
    # a disposition naming no party or entity covers every listed-entity hit of the alert
    hits = {(r["party_name"], r["entity_id"]) for r in hold["reasons"] if r.get("entity_id")}
    assert applied.alert_found and len(applied.suppressed) == len(hits) >= 1
    [(_p, cleared, _t)] = await finalize([pending(skeleton_context, "E-2", 1, HOSHINE)], fps, audit)
    assert cleared["decision"] == "CLEAR" and cleared["supersedes"] == hold["alert_id"]
    assert [r["code"] for r in cleared["reasons"]] == ["SUPPRESSED"] * len(hits)
    # confirmed lifts it again
    await apply_disposition(parse_disposition({**d, "disposition_id": "d-10", "outcome": "confirmed"}), audit, fps)
    [(_p, held, _t)] = await finalize([pending(skeleton_context, "E-2", 2, HOSHINE)], fps, audit)
    assert held["decision"] == "HOLD"
    _h, dispositions, _s = await audit.entry("E-2")
    assert [x["disposition_id"] for x in dispositions] == ["d-9", "d-10"]


# (scores of a page read from (start_ms, skip), limit, expected next cursor)
CURSORS = [
    ((100, 0), [100, 200, 300], 3, "300:1"),
    ((100, 0), [100, 100, 100], 3, "100:3"),
    ((100, 3), [100, 100], 2, "100:5"),
    ((100, 0), [100, 200], 3, None),
    ((100, 0), [], 3, None),
]


@pytest.mark.parametrize(("start", "scores", "limit", "expected"), CURSORS)
def test_next_cursor(start: tuple[int, int], scores: list[int], limit: int, expected: str | None) -> None:
    assert next_cursor(start[0], start[1], scores, limit) == expected
    if expected:
        assert parse_cursor(expected, 0) == tuple(int(x) for x in expected.split(":"))


class FlakyAudit(AuditStore):
    """Redis refuses the first reads, as if it were down."""

    def __init__(self, failures: int) -> None:
        super().__init__(fakeredis.aioredis.FakeRedis(), "flaky", retention_days=1)
        self.failures = failures
        self.reads = 0

    async def read_batch(self, entry_numbers: Any, supp_keys: Any) -> Any:
        self.reads += 1
        if self.reads <= self.failures:
            raise ConnectionError("redis down")
        return await super().read_batch(entry_numbers, supp_keys)


async def test_a_redis_failure_is_retried_and_nothing_is_returned_unaudited(
    skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    from streams.contract import audited_outputs
    from streams.pipeline import Inbound, screen_batch
    from streams.settings import Settings

    settings = Settings(kafka_bootstrap="127.0.0.1:1", redis_retry_max_s=0.01)
    batch = [Inbound(b"k", json.dumps(e).encode(), "entries.v1", 0, i) for i, e in enumerate(demo_entries)]
    batch.append(Inbound(b"k", b"not json", "entries.v1", 0, 99))
    screened = screen_batch(batch, skeleton_context, settings)
    audit = FlakyAudit(failures=3)
    out = await audited_outputs(screened, {}, audit, settings)
    assert audit.reads == 4  # three refusals, then the batch went through
    assert [o.topic for o in out][-1] == "entries.dlq.v1" and len(out) == len(batch)
    history, _d, stored = await audit.entry(demo_entries[0]["entry_number"])
    assert len(history) == 1 and stored is not None  # audited before being returned
