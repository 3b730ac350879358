"""The reviewer's desk API on the real broker and Redis: the queue (one item per entry, its latest
revision, list names and publication dates, filters, 400s) and a disposition posted over HTTP, produced
to dispositions.v1, applied by the dispositions agent, idempotent, and the item leaving the queue."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from tests.conftest import assert_valid
from tests.integration.conftest import Stack, Worker, collect
from tests.integration.test_contract import BAODING, HOSHINE, Reader, entry, produce, run_id, wait_decisions, wait_http

pytestmark = pytest.mark.integration

WRITE_HEADERS = {"Content-Type": "application/json", "X-EntryWatch-Request": "test"}


def post(worker: Worker, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    req = urllib.request.Request(f"http://127.0.0.1:{worker.web_port}{path}", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def get(worker: Worker, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}{path}", timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_queue_and_a_disposition_round_trip(stack: Stack, worker: Worker) -> None:
    run = run_id()
    number, other = f"DESK-{run}", f"DESK-B-{run}"
    reader = Reader(stack, "holds.v1")
    produce(stack, entry(number, 0, manufacturer=HOSHINE))
    produce(stack, entry(number, 1, manufacturer=HOSHINE, seller=BAODING))  # re-submitted
    produce(stack, entry(other, 0, seller=BAODING))
    wait_decisions(reader, number, 2)
    wait_decisions(reader, other, 1)
    reader.close()

    body = wait_http(worker, f"/api/queue?q={run}&order=oldest", lambda b: b["total"] == 2)
    assert_valid("api-queue.v1.json", body)
    by_entry = {i["entry_number"]: i for i in body["items"]}
    assert list(by_entry) == [number, other]  # oldest first, the re-submitted entry once
    item = by_entry[number]
    assert item["entry_revision"] == 1 and item["decision"] == "HOLD" and item["href"] == f"/entries/{number}"
    hoshine = next(r for r in item["reasons"] if r.get("party_name") == HOSHINE)
    assert hoshine["source"] == "uflpa" and hoshine["list"] == "UFLPA Entity List" and hoshine["list_version"]
    assert hoshine["list_published"] and hoshine["open"] is True
    assert any(matched for _t, matched in hoshine["party_segments"])

    newest = get(worker, f"/api/queue?q={run}")[1]
    assert [i["entry_number"] for i in newest["items"]] == [other, number]
    assert get(worker, f"/api/queue?q={run}&party=hoshine")[1]["total"] == 1
    assert get(worker, f"/api/queue?q={run}&list=uflpa&code={hoshine['code']}&decision=HOLD")[1]["total"] >= 1
    assert get(worker, f"/api/queue?q={run}&list=ofac_sdn")[1]["total"] == 0
    assert get(worker, f"/api/queue?q={run}&until=2000-01-01")[1]["total"] == 0
    status, bad = get(worker, "/api/queue?since=yesterday-ish")
    assert status == 400 and bad["error"].startswith("since: expected an ISO-8601 time")
    status, bad = get(worker, "/api/queue?order=sideways")
    assert status == 400 and bad["error"] == "order: expected newest or oldest, got 'sideways'"

    request = {"alert_id": item["alert_id"], "entry_number": number, "outcome": "released", "reviewer": "desk-test",
               "note": "goods released by CBP after review", "disposition_id": f"desk-{run}"}  # fmt: skip
    assert_valid("api-disposition-request.v1.json", request)
    raw = json.dumps(request).encode()
    # not a write the worker's page (or a script) would send: refused before anything is produced
    assert post(worker, "/api/dispositions", raw, {"Content-Type": "application/json"})[0] == 403
    assert post(worker, "/api/dispositions", raw, {"Content-Type": "text/plain", "X-EntryWatch-Request": "1"})[0] == 403
    cross = {**WRITE_HEADERS, "Origin": "https://evil.example"}
    assert post(worker, "/api/dispositions", raw, cross)[0] == 403
    status, bad = post(worker, "/api/dispositions", json.dumps({**request, "note": " "}).encode(), WRITE_HEADERS)
    assert status == 400 and bad["path"] == "$.note"
    status, bad = post(worker, "/api/dispositions", b'{"note": "a", "note": "b"}', WRITE_HEADERS)
    assert status == 400 and "duplicate" in bad["error"]
    status, bad = post(
        worker, "/api/dispositions", json.dumps({**request, "entry_number": other}).encode(), WRITE_HEADERS
    )
    assert status == 404 and bad["path"] == "$.alert_id"

    dispositions = stack.consumer("dispositions.v1")
    status, answer = post(worker, "/api/dispositions", raw, WRITE_HEADERS)
    assert status == 202, answer
    assert_valid("api-disposition-response.v1.json", answer)
    assert answer["applied"] is True and answer["disposition"]["source_system"] == "entrywatch-desk"
    status, again = post(worker, "/api/dispositions", raw, WRITE_HEADERS)  # a retried submission
    assert status == 202 and again["disposition_id"] == answer["disposition_id"]

    def mine(msgs: list[Any]) -> list[dict[str, Any]]:
        return [json.loads(m.value()) for m in msgs if m.key() == number.encode()]

    records = mine(collect(dispositions, lambda ms: len(mine(ms)) >= 2, timeout=30))
    dispositions.close()
    assert records[0]["disposition_id"] == f"desk-{run}" and records[0]["outcome"] == "released"
    for r in records:
        assert_valid("disposition.v1.json", r)

    after = get(worker, f"/api/queue?q={urllib.parse.quote(run)}")[1]
    assert [i["entry_number"] for i in after["items"]] == [other]
    status, explained = get(worker, f"/entries/{number}")
    assert status == 200 and [d["disposition_id"] for d in explained["dispositions"]] == [f"desk-{run}"]
