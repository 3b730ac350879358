"""The reviewer's desk without a broker: which decisions are open, the queue's filters and parameters,
list names, CJK highlighting, disposition requests and the CSRF rule; the queue read on fakeredis."""

from __future__ import annotations

import json
from typing import Any

import fakeredis
import pytest

from agents.api import BadParameter
from agents.desk import queue_query
from screening.disposition import parse_disposition
from screening.entry import parse_entry
from screening.list_names import LIST_NAMES, list_name, reason_source
from screening.queue import QueueFilter, facets, open_item
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.audit import AuditStore
from streams.activity import segments
from streams.contract import Pending, finalize
from streams.desk import RequestError, check_scope, disposition_from_request, item_view, screened_ms
from streams.dispositions import apply_disposition
from streams.webauth import csrf_problem
from tests.conftest import assert_valid

A1, A2, A3 = "ew-" + "1" * 32, "ew-" + "2" * 32, "ew-" + "3" * 32
HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"


def reason(
    party: str, entity: str | None, code: str = "UFLPA_ENTITY", decision: str = "HOLD", **more: Any
) -> dict[str, Any]:
    r: dict[str, Any] = {"code": code, "decision": decision, "party_name": party, "evidence": {}, **more}
    if entity:
        r.update(entity_id=entity, matched_name=party, list_version="v1")
    return r


def rec(
    alert: str, decision: str, revision: int = 0, *reasons: dict[str, Any], at: str = "2026-12-01T10:00:00Z"
) -> dict[str, Any]:
    return {"alert_id": alert, "entry_number": "E-1", "entry_revision": revision, "decision": decision,
            "reasons": list(reasons), "screened_at": at, "list_versions": {"uflpa": "v1"}}  # fmt: skip


def disp(alert: str, outcome: str, party: str | None = None, entity: str | None = None) -> dict[str, Any]:
    d = {"disposition_id": f"d-{outcome}-{party}", "alert_id": alert, "outcome": outcome}
    if party is not None:
        d.update(party_name=party, entity_id=entity)
    return d


R_A, R_B = reason("Acme", "uflpa:a"), reason("Beta", "uflpa:b")
RULE = reason("Gamma", None, code="XINJIANG_ADDRESS", decision="REVIEW", rule_id="xj-1")

# (case, history, dispositions, open reason indexes or None when the entry is not in the queue, escalated)
CASES: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[int] | None, bool]] = [
    ("a HOLD with no disposition", [rec(A1, "HOLD", 0, R_A)], [], [0], False),
    ("CLEAR in force", [rec(A1, "HOLD", 0, R_A), rec(A2, "CLEAR", 1)], [], None, False),
    ("re-submitted: the latest revision only",
     [rec(A1, "HOLD", 0, R_A), rec(A2, "HOLD", 1, R_A, R_B)], [], [0, 1], False),
    ("a late lower revision stays behind", [rec(A2, "HOLD", 1, R_B), rec(A1, "HOLD", 0, R_A)], [], [0], False),
    ("alert-wide disposition closes", [rec(A1, "HOLD", 0, R_A, RULE)], [disp(A1, "released")], None, False),
    ("one reason closed, one open",
     [rec(A1, "HOLD", 0, R_A, R_B)], [disp(A1, "false_positive", "Acme", "uflpa:a")], [1], False),
    ("both reasons closed one by one", [rec(A1, "HOLD", 0, R_A, R_B)],
     [disp(A1, "false_positive", "Acme", "uflpa:a"), disp(A1, "confirmed", "Beta", "uflpa:b")], None, False),
    ("escalated stays open, marked", [rec(A1, "REVIEW", 0, RULE)], [disp(A1, "escalated")], [0], True),
    ("a disposition of an older decision does not close the new one",
     [rec(A1, "HOLD", 0, R_A), rec(A2, "HOLD", 0, R_A, reason("Acme", "uflpa:a", code="LIST_UPDATE"))],
     [disp(A1, "released")], [0, 1], False),
    ("a SUPPRESSED (CLEAR) reason needs no disposition",
     [rec(A1, "HOLD", 0, R_A, reason("Beta", "uflpa:b", code="SUPPRESSED", decision="CLEAR"))],
     [disp(A1, "false_positive", "Acme", "uflpa:a")], None, False),
]  # fmt: skip


@pytest.mark.parametrize(("case", "history", "disps", "expected", "escalated"), CASES, ids=[c[0] for c in CASES])
def test_open_item(case: str, history: list[dict[str, Any]], disps: list[dict[str, Any]],
                   expected: list[int] | None, escalated: bool) -> None:  # fmt: skip
    item = open_item(history, disps)
    if expected is None:
        assert item is None
        return
    assert item is not None and item.open_reasons == expected and item.escalated == escalated
    top = max(h["entry_revision"] for h in history)
    assert item.record["alert_id"] == [r["alert_id"] for r in history if r["entry_revision"] == top][-1]


def test_filters_and_search() -> None:
    listed = reason("和田佳德发制品有限公司", "uflpa:k")
    item = open_item([rec(A1, "HOLD", 0, R_A, RULE, listed)], [])
    assert item is not None
    ms = screened_ms(item)
    assert ms == 1_796_119_200_000
    yes = [
        QueueFilter(), QueueFilter(decisions=frozenset({"HOLD"})), QueueFilter(code="XINJIANG_ADDRESS"),
        QueueFilter(source="uflpa"), QueueFilter(party="acme"), QueueFilter(q="E-1"), QueueFilter(q="佳德"),
        QueueFilter(q="ＡＣＭＥ"), QueueFilter(since_ms=ms, until_ms=ms + 1),
        QueueFilter(code="UFLPA_ENTITY", party="Acme"),
    ]  # fmt: skip
    no = [
        QueueFilter(decisions=frozenset({"REVIEW"})), QueueFilter(code="WRO_ENTITY"), QueueFilter(source="ofac_sdn"),
        QueueFilter(party="zeta"), QueueFilter(q="E-2"), QueueFilter(since_ms=ms + 1), QueueFilter(until_ms=ms),
        QueueFilter(code="XINJIANG_ADDRESS", party="Acme"),  # one reason must satisfy both
    ]  # fmt: skip
    assert [f for f in yes if not f.matches(item, ms)] == []
    assert [f for f in no if f.matches(item, ms)] == []
    assert facets([item]) == {
        "decision": {"HOLD": 1},
        "code": {"UFLPA_ENTITY": 1, "XINJIANG_ADDRESS": 1},
        "source": {"uflpa": 1},
    }


def test_item_view_names_lists_as_published_and_leaves_rule_reasons_unlisted() -> None:
    evidence = {"match_code": "UFLPA_ENTITY", "list_update": {"source": "uflpa", "version": "v1"}}
    update = reason("Acme", "uflpa:a", code="LIST_UPDATE", list="UFLPA Entity List", evidence=evidence)
    sdn = reason("Ivan", "ofac_sdn:123")
    item = open_item([rec(A1, "HOLD", 0, update, sdn, RULE)], [])
    assert item is not None
    view = item_view(item, lambda s, v: "2026-11-30" if (s, v) == ("uflpa", "v1") else None)
    lu, ofac, rule = view["reasons"]
    assert lu["source"] == "uflpa" and lu["list"] == "UFLPA Entity List" and lu["list_published"] == "2026-11-30"
    assert lu["match_code"] == "UFLPA_ENTITY" and lu["open"]
    assert ofac["list"] == "OFAC Specially Designated Nationals (SDN) List" and ofac["list_published"] is None
    assert "matched_name" not in rule and "source" not in rule and "list" not in rule
    assert view["href"] == "/entries/E-1" and view["screened_at"] == "2026-12-01T10:00:00Z"
    body = {"schema_version": 1, "total": 1, "open": 1, "order": "newest", "offset": 0, "next_offset": None,
            "facets": facets([item]), "items": [view]}  # fmt: skip
    assert_valid("api-queue.v1.json", json.loads(json.dumps(body)))  # as answered: JSON arrays


def test_list_names() -> None:
    assert list_name("ofac_sdn") == "OFAC Specially Designated Nationals (SDN) List"
    assert list_name("acme_own") == "acme_own"
    assert {"uflpa", "cbp_wro", "ofac_sdn", "ofac_cons", "csl", "un_sc", "bis_dpl"} <= set(LIST_NAMES)
    assert reason_source({"entity_id": "csl:el:42"}) == "csl"
    assert reason_source({"code": "XINJIANG_ADDRESS"}) is None


def marked(segs: list[tuple[str, bool]]) -> list[str]:
    return [t for t, m in segs if m]


def test_cjk_names_are_highlighted() -> None:
    assert marked(segments("新疆和田佳德发制品有限公司", "和田佳德发制品有限公司")) == ["和田佳德发制品有限公司"]
    assert marked(segments("合盛硅业股份有限公司 Hoshine", "合盛硅业（鄯善）有限公司")) == ["合盛硅业", "有限公司"]
    assert marked(segments("北京", "南京")) == []  # one shared character is not a match
    assert marked(segments("Acme 贸易", "ACME Trading")) == ["Acme"]
    for text, other in (("新疆 ABC有限公司", "ABC 有限"), ("ＡＢＣ公司", "abc公司")):
        assert "".join(t for t, _ in segments(text, other)) == text


BAD = [
    ("decision=CLEAR", "decision: expected HOLD, REVIEW or HOLD,REVIEW, got 'CLEAR'"),
    ("code=uflpa", "code: expected a reason code"),
    ("list=OFAC SDN", "list: expected a list source id"),
    ("since=yesterday", "since: expected an ISO-8601 time"),
    ("until=2026-13-01", "until: expected an ISO-8601 time"),
    ("order=up", "order: expected newest or oldest"),
    ("limit=0", "limit: expected an integer from 1 to 500"),
    ("offset=-1", "offset: expected an integer of 0 or more"),
    ("q=" + "x" * 201, "q: expected text of at most 200 characters"),
]


@pytest.mark.parametrize(("qs", "message"), BAD)
def test_bad_queue_parameters_name_the_parameter(qs: str, message: str) -> None:
    name, _, value = qs.partition("=")
    with pytest.raises(BadParameter) as info:
        queue_query({name: value})
    assert str(info.value).startswith(message)


def test_queue_query_reads_every_parameter() -> None:
    q = queue_query({"decision": "hold", "code": "UFLPA_ENTITY", "list": "uflpa", "party": "Acme", "q": "和田",
                     "since": "2026-12-01", "until": "2026-12-02T00:00:00Z", "order": "oldest", "limit": "5",
                     "offset": "10"})  # fmt: skip
    f = q.filter
    assert (f.decisions, f.code, f.source, f.party, f.q) == (
        frozenset({"HOLD"}),
        "UFLPA_ENTITY",
        "uflpa",
        "Acme",
        "和田",
    )
    assert (f.since_ms, f.until_ms, f.newest_first, q.limit, q.offset) == (
        1_796_083_200_000,
        1_796_169_600_000,
        False,
        5,
        10,
    )


REQUEST = {"alert_id": A1, "entry_number": "E-1", "outcome": "false_positive", "note": "Different company, other city",
           "reviewer": "j.doe", "party_name": "Acme", "entity_id": "uflpa:a"}  # fmt: skip


def test_disposition_request_becomes_a_dispositions_v1_record() -> None:
    assert_valid("api-disposition-request.v1.json", REQUEST)
    d = disposition_from_request(dict(REQUEST), "2026-12-04T10:00:00.000Z", lambda: "desk-1")
    record = d.to_json()
    assert_valid("disposition.v1.json", record)
    assert record["disposition_id"] == "desk-1" and record["source_system"] == "entrywatch-desk"
    assert parse_disposition(json.loads(json.dumps(record))) == d  # what the agent reads back
    check_scope(d, rec(A1, "HOLD", 0, R_A))
    with pytest.raises(RequestError, match=r"\$\.entity_id"):
        check_scope(d, rec(A1, "HOLD", 0, R_B))
    again = disposition_from_request(
        {**REQUEST, "disposition_id": "client-7", "outcome": "escalated"}, "2026-12-04T10:00:00Z"
    )
    assert again.disposition_id == "client-7" and again.outcome == "escalated"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"note": "  "}, "$.note"), ({"note": None}, "$.note"), ({"outcome": "maybe"}, "$.outcome"),
        ({"reviewer": ""}, "$.reviewer"), ({"alert_id": "x"}, "$.alert_id"), ({"cookie": 1}, "$.cookie"),
        ({"entity_id": None}, "$.entity_id"), ({"schema_version": 2}, "$.schema_version"),
    ],
)  # fmt: skip
def test_bad_disposition_requests(change: dict[str, Any], path: str) -> None:
    body = {k: v for k, v in {**REQUEST, **change}.items() if v is not None}
    with pytest.raises(RequestError) as info:
        disposition_from_request(body, "2026-12-04T10:00:00Z")
    assert info.value.path == path


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"Content-Type": "application/json", "X-EntryWatch-Request": "1", "Host": "w:6066"}, None),
        ({"Content-Type": "application/json; charset=utf-8", "X-EntryWatch-Request": "1",
          "Origin": "http://w:6066", "Host": "w:6066"}, None),
        ({"Content-Type": "text/plain", "X-EntryWatch-Request": "1"}, "Content-Type"),
        ({"Content-Type": "application/x-www-form-urlencoded", "X-EntryWatch-Request": "1"}, "Content-Type"),
        ({"Content-Type": "application/json"}, "X-EntryWatch-Request"),
        ({"Content-Type": "application/json", "X-EntryWatch-Request": "1", "Origin": "https://evil.example",
          "Host": "w:6066"}, "origin"),
        ({"Content-Type": "application/json", "X-EntryWatch-Request": "1", "Origin": "null"}, "opaque"),
    ],
)  # fmt: skip
def test_csrf_rule(headers: dict[str, str], problem: str | None) -> None:
    found = csrf_problem(headers)
    assert found is None if problem is None else (found is not None and problem in found)


async def test_open_items_from_the_audit_trail(skeleton_context: ScreeningContext) -> None:
    audit = AuditStore(fakeredis.aioredis.FakeRedis(), "t", retention_days=1)
    fps = fingerprints(skeleton_context.index._entities)

    def pending(number: str, revision: int, maker: str) -> Pending:
        raw = {"entry_number": number, "entry_revision": revision, "parties": {"manufacturer": {"name": maker}}}
        entry = parse_entry(raw)
        return Pending(entry, screen_entry(entry, skeleton_context), json.dumps(raw).encode())

    [(_p, first, _t)] = await finalize([pending("Q-1", 0, HOSHINE)], fps, audit)
    [(_p, second, _t)] = await finalize([pending("Q-1", 1, HOSHINE + " ")], fps, audit)  # re-submitted
    await finalize([pending("Q-2", 0, HOSHINE), pending("Q-3", 0, "Vardhman Textiles Limited")], fps, audit)
    items = {i.record["entry_number"]: i for i in await audit.open_items(chunk=1)}
    assert set(items) == {"Q-1", "Q-2"}  # Q-3 is CLEAR; Q-1 once
    assert items["Q-1"].record["alert_id"] == second["alert_id"] != first["alert_id"]
    d = {"schema_version": 1, "disposition_id": "d-1", "alert_id": items["Q-2"].record["alert_id"],
         "entry_number": "Q-2", "outcome": "released", "reviewer": "r", "decided_at": "2026-12-04T10:00:00Z",
         "note": "ok"}  # fmt: skip
    await apply_disposition(parse_disposition(d), audit, fps)
    assert await audit.has_disposition("Q-2", "d-1") and not await audit.has_disposition("Q-2", "d-2")
    assert [i.record["entry_number"] for i in await audit.open_items()] == ["Q-1"]


async def test_a_write_needs_the_token_before_anything_else() -> None:
    from pydantic import SecretStr

    from streams.settings import Settings
    from streams.webauth import write_protected

    class FakeView:
        def json(self, body: Any, status: int = 200) -> tuple[int, Any]:
            return status, body

    class FakeRequest:
        def __init__(self, headers: dict[str, str], query: dict[str, str] | None = None) -> None:
            self.headers, self.query = headers, query or {}

    async def handler(self: Any, request: Any) -> tuple[int, Any]:
        return 202, {}

    guarded = write_protected(Settings(web_token=SecretStr("s3cret")))(handler)
    good = {"Content-Type": "application/json", "X-EntryWatch-Request": "1"}
    assert (await guarded(FakeView(), FakeRequest(good)))[0] == 401
    assert (await guarded(FakeView(), FakeRequest({**good, "Authorization": "Bearer wrong"})))[0] == 401
    assert (await guarded(FakeView(), FakeRequest({"Authorization": "Bearer s3cret"})))[0] == 403
    assert (await guarded(FakeView(), FakeRequest({**good, "Authorization": "Bearer s3cret"})))[0] == 202
    assert (await guarded(FakeView(), FakeRequest(good, {"token": "s3cret"})))[0] == 202
