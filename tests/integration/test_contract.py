"""The broker-system contract on the real broker and Redis: amendments, duplicate delivery, dispositions
and suppressions, LIST_UPDATE after a list load, the HTTP API and the CLI."""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from entrywatch.listops import announce, list_event, redis_client
from screening.entities import Entity, EntityName, ListSnapshot
from screening.lists.loader import load_paths
from stores.keys import Keys
from stores.lists import save_snapshot
from tests.conftest import LISTS, assert_valid
from tests.integration.conftest import Stack, Worker, collect

pytestmark = pytest.mark.integration

HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"
HOSHINE_ID = "uflpa:hoshine-silicon-industry-shanshan-co-ltd"
BAODING = "Baoding LYSZD Trade and Business Co., Ltd."
# The false-positive test suppresses this party/entity for the rest of the session: no other test uses it.
KHOTAN = "Khotan Jiade Hair Product Co. Ltd."
KHOTAN_ID = "uflpa:khotan-jiade-hair-product-co-ltd"


def run_id() -> str:
    return uuid.uuid4().hex[:8]


def entry(number: str, revision: int = 0, **parties: str) -> dict[str, Any]:
    return {
        "entry_number": number,
        "entry_revision": revision,
        "parties": {role: {"name": name, "address": {"country": "CN"}} for role, name in parties.items()},
        "lines": [{"line_number": 1, "hts_code": "2804.61.0000", "description": "polysilicon"}],
    }


def produce(stack: Stack, *entries: dict[str, Any]) -> None:
    stack.produce([(e["entry_number"].encode(), json.dumps(e).encode()) for e in entries])


def produce_disposition(stack: Stack, record: dict[str, Any]) -> None:
    assert_valid("disposition.v1.json", record)
    p = stack.producer()
    p.produce(
        stack.settings.topic("dispositions.v1"),
        key=record["entry_number"].encode(),
        value=json.dumps(record).encode(),
    )
    assert p.flush(30) == 0


def decisions_for(msgs: list[Any], number: str) -> list[dict[str, Any]]:
    out = [json.loads(m.value()) for m in msgs]
    return [d for d in out if d.get("entry_number") == number]


class Reader:
    """A consumer that keeps every message it read, so later waits see earlier messages too."""

    def __init__(self, stack: Stack, *topic_names: str) -> None:
        self.consumer = stack.consumer(*topic_names)
        self.msgs: list[Any] = []

    def close(self) -> None:
        self.consumer.close()


def wait_decisions(reader: Reader, number: str, n: int, timeout: float = 90) -> list[dict[str, Any]]:
    seen = reader.msgs
    more = collect(reader.consumer, lambda ms: len(decisions_for(seen + ms, number)) >= n, timeout=timeout)
    seen.extend(more)
    found = decisions_for(seen, number)
    assert len(found) >= n, f"expected {n} decisions for {number}, got {found}"
    for d in found:
        assert_valid("hold-alert.v1.json", d)
    return found


def http(worker: Worker, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}{path}", timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def wait_http(worker: Worker, path: str, until: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        status, body = http(worker, path)
        if status == 200 and until(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"{path} never satisfied the condition; last answer {body}")


def test_amendment_supersedes_the_earlier_decision_in_order(stack: Stack, worker: Worker) -> None:
    number = f"AMEND-{run_id()}"
    consumer = Reader(stack, "holds.v1")
    produce(stack, entry(number, 0, manufacturer=HOSHINE))
    produce(stack, entry(number, 1, manufacturer=HOSHINE, seller=BAODING))
    first, second = wait_decisions(consumer, number, 2)[:2]
    consumer.close()
    assert (first["entry_revision"], second["entry_revision"]) == (0, 1)  # keyed by entry: in order
    assert "supersedes" not in first
    assert second["supersedes"] == first["alert_id"]
    assert {r["entity_id"] for r in second["reasons"]} > {r["entity_id"] for r in first["reasons"]}

    status, body = http(worker, f"/entries/{number}")
    assert status == 200
    assert_valid("api-entry.v1.json", body)
    assert body["latest"]["alert_id"] == second["alert_id"]
    assert [h["alert_id"] for h in body["history"]] == [first["alert_id"], second["alert_id"]]
    for record in body["history"]:
        assert_valid("hold-alert.v1.json", record)


def test_duplicate_delivery_gives_the_same_alert_id(stack: Stack, worker: Worker) -> None:
    number = f"DUP-{run_id()}"
    consumer = Reader(stack, "holds.v1")
    e = entry(number, 0, manufacturer=HOSHINE)
    produce(stack, e)
    produce(stack, e)  # the broker system's producer retried: the same entry delivered twice
    a, b = wait_decisions(consumer, number, 2)[:2]
    consumer.close()
    assert a["alert_id"] == b["alert_id"]
    assert a.get("supersedes") == b.get("supersedes") is None  # a repeat names what the first named
    status, body = http(worker, f"/entries/{number}")
    assert status == 200 and [h["alert_id"] for h in body["history"]] == [a["alert_id"]]


def test_false_positive_suppresses_the_same_hit_only(stack: Stack, worker: Worker) -> None:
    run = run_id()
    number = f"FP-{run}"
    consumer = Reader(stack, "holds.v1", "cleared.v1")
    produce(stack, entry(number, 0, manufacturer=KHOTAN))
    [hold] = wait_decisions(consumer, number, 1)
    assert hold["decision"] == "HOLD"
    assert [r["entity_id"] for r in hold["reasons"]] == [KHOTAN_ID]

    disposition = {
        "schema_version": 1,
        "disposition_id": f"disp-{run}",
        "alert_id": hold["alert_id"],
        "entry_number": number,
        "outcome": "false_positive",
        "reviewer": "analyst@broker.example",
        "decided_at": "2026-11-24T10:00:00Z",
        "note": "different company, same name; verified registration",
        "party_name": KHOTAN,
        "entity_id": KHOTAN_ID,
    }
    produce_disposition(stack, disposition)
    wait_http(worker, f"/entries/{number}", lambda b: len(b["dispositions"]) == 1)

    # The same party hitting the same entity again: CLEAR, reason SUPPRESSED, the disposition cited.
    produce(stack, entry(number, 1, manufacturer=KHOTAN))
    [_h, again] = wait_decisions(consumer, number, 2)
    assert again["decision"] == "CLEAR" and again["supersedes"] == hold["alert_id"]
    [reason] = again["reasons"]
    assert reason["code"] == "SUPPRESSED" and reason["decision"] == "CLEAR" and reason["entity_id"] == KHOTAN_ID
    assert reason["evidence"]["disposition_id"] == f"disp-{run}"
    assert reason["evidence"]["suppressed_code"] == "UFLPA_ENTITY"

    # A different entity on the same entry is not hidden, nor is a different party naming the same entity.
    other = f"FP2-{run}"
    produce(stack, entry(other, 0, manufacturer=KHOTAN, seller=BAODING))
    [mixed] = wait_decisions(consumer, other, 1)
    assert mixed["decision"] == "HOLD"
    codes = {(r["party_name"], r["entity_id"]): r["code"] for r in mixed["reasons"]}
    assert codes[(KHOTAN, KHOTAN_ID)] == "SUPPRESSED"
    baoding = {c for (p, _e), c in codes.items() if p == BAODING}
    assert "UFLPA_ENTITY" in baoding and "SUPPRESSED" not in baoding, baoding

    third = f"FP3-{run}"
    produce(stack, entry(third, 0, manufacturer="Khotan Jiade Hair Product Company Limited"))
    [different_party] = wait_decisions(consumer, third, 1)
    consumer.close()
    assert different_party["decision"] == "HOLD"
    assert [r["code"] for r in different_party["reasons"]] == ["UFLPA_ENTITY"]


def retro_lock(stack: Stack, version: str) -> str:
    return Keys(stack.settings.redis_key_prefix).retro_lock("uflpa", version)


def list_new_uflpa_entity(stack: Stack, run: str, name: str, held_by: str | None = None) -> tuple[Entity, str]:
    """Save and announce a new UFLPA version that adds an entity named ``name``; with ``held_by``, the
    version's retro-screen lease is first taken by a worker of that name that never renews it (a worker
    that stopped mid-scan). Returns the entity and the new version."""
    [uflpa] = [s for s in load_paths([str(LISTS / "uflpa")])[0] if s.source == "uflpa"]
    version = f"{uflpa.version}+{run}"
    new_entity = Entity(
        id=f"uflpa:new-{run}",
        source="uflpa",
        list_name="UFLPA Entity List",
        list_version=version,
        entity_type="organization",
        names=(EntityName(name),),
        countries=("CN",),
    )
    entities = (*(dataclasses.replace(e, list_version=version) for e in uflpa.entities), new_entity)
    snap = ListSnapshot("uflpa", version, entities, uflpa.published, f"test-{run}")
    r = redis_client(stack.settings)
    try:
        if held_by is not None:
            r.set(retro_lock(stack, version), held_by)
        result = save_snapshot(r, snap, Keys(stack.settings.redis_key_prefix))
    finally:
        r.close()
    announce(stack.settings, [list_event(result)])
    return new_entity, version


@pytest.mark.parametrize(
    ("lease", "company"),
    [("free", "Zanthor Polysilicon Works"), ("held by a stopped worker", "Quellmarsh Crystal Materials")],
)
def test_list_update_holds_a_stored_entry_naming_a_new_entity(
    stack: Stack, worker: Worker, lease: str, company: str
) -> None:
    run = run_id()
    number = f"RETRO-{run}"
    newly_listed = f"{company} {run.upper()} Co., Ltd."
    consumer = Reader(stack, "holds.v1", "cleared.v1")
    produce(stack, entry(number, 0, manufacturer=newly_listed))
    [cleared] = wait_decisions(consumer, number, 1)
    assert cleared["decision"] == "CLEAR"

    # A new UFLPA version lists the company while the entry is in transit. In the second case another
    # worker claimed the retro-screen and stopped: its lease lapses and this worker takes the scan over.
    held_by = None if lease == "free" else f"stopped-worker-{run}"
    status, before = http(worker, "/lists")
    assert status == 200
    previous = before["in_force"]["uflpa"]
    new_entity, version = list_new_uflpa_entity(stack, run, newly_listed, held_by)
    if held_by is not None:
        # The worker has the new version in force and found the lease taken: nothing is sent while the
        # stopped worker's lease stands. Then the lease lapses (deleted here, as an expiry would).
        wait_http(worker, "/lists", lambda b: b["in_force"].get("uflpa") == version)
        consumer.msgs.extend(collect(consumer.consumer, lambda _m: False, timeout=5))
        assert len(decisions_for(consumer.msgs, number)) == 1
        r = redis_client(stack.settings)
        try:
            assert r.get(retro_lock(stack, version)) == held_by.encode()
            r.delete(retro_lock(stack, version))
        finally:
            r.close()

    [_c, update] = wait_decisions(consumer, number, 2, timeout=120)
    consumer.close()
    assert update["decision"] == "HOLD"
    assert update["supersedes"] == cleared["alert_id"]
    assert update["list_versions"]["uflpa"] == version
    [reason] = update["reasons"]
    assert reason["code"] == "LIST_UPDATE" and reason["entity_id"] == new_entity.id
    assert reason["evidence"]["match_code"] == "UFLPA_ENTITY"
    assert reason["evidence"]["list_update"]["previous_version"] == previous
    assert reason["evidence"]["list_update"]["version"] == version
    if held_by is not None:  # the worker found the lease taken, waited for it to lapse, then took over
        assert f"took over the retro-screen of uflpa {version}" in worker.log.read_text()

    body = wait_http(worker, "/lists", lambda b: b["in_force"].get("uflpa") == version)
    assert_valid("api-lists.v1.json", body)
    assert body["sources"]["uflpa"]["version"] == version and body["sources"]["uflpa"]["in_force"] is True
    assert body["sources"]["uflpa"]["entities"] > 0


def test_holds_api_pages_and_answers_schema_valid_json(stack: Stack, worker: Worker) -> None:
    run = run_id()
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1)) + "Z"
    numbers = [f"PAGE-{run}-{i}" for i in range(3)]
    consumer = Reader(stack, "holds.v1")
    produce(stack, *(entry(n, 0, manufacturer=HOSHINE) for n in numbers))
    for n in numbers:
        wait_decisions(consumer, n, 1)
    consumer.close()

    seen: list[str] = []
    cursor = ""
    for _ in range(1000):
        status, body = http(worker, f"/holds?since={since}&limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200
        assert_valid("api-holds.v1.json", body)
        for record in body["items"]:
            assert_valid("hold-alert.v1.json", record)
        assert len(body["items"]) <= 2
        seen += [r["entry_number"] for r in body["items"]]
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
    assert all(seen.count(n) == 1 for n in numbers), seen  # every hold once across the pages

    status, missing = http(worker, f"/entries/NOPE-{run}")
    assert status == 404 and missing["error"] == "not_found"
    status, bad = http(worker, "/holds?since=yesterday-ish")
    assert status == 400 and bad == {
        "error": "since: expected an ISO-8601 time, epoch seconds, or a time ago like 15m, 2h, 3d, got 'yesterday-ish'"
    }
    status, bad = http(worker, "/holds?limit=ten")
    assert status == 400 and bad["error"].startswith("limit: expected an integer")


def test_explain_and_holds_tail(stack: Stack, worker: Worker, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from entrywatch.cli import main

    number = f"EXPLAIN-{run_id()}"
    consumer = Reader(stack, "holds.v1")
    produce(stack, entry(number, 0, manufacturer=HOSHINE))
    [hold] = wait_decisions(consumer, number, 1)
    consumer.close()
    monkeypatch.setenv("KAFKA_BOOTSTRAP", stack.settings.kafka_bootstrap)
    monkeypatch.setenv("REDIS_URL", stack.redis.address)

    assert main(["explain", number]) == 0
    text = capsys.readouterr().out
    assert f"Entry {number} revision 0: HOLD" in text
    assert hold["alert_id"] in text and "UFLPA_ENTITY" in text and hold["algorithm"] in text
    assert "Re-screen: not run" in text

    assert main(["explain", number, "--rescreen"]) == 0
    text = capsys.readouterr().out
    assert "Re-screen against today's lists" in text and "unchanged: HOLD" in text

    assert main(["explain", number, "--json", "--rescreen"]) == 0
    ex = json.loads(capsys.readouterr().out)
    assert ex["latest"]["alert_id"] == hold["alert_id"] and ex["rescreen"]["unchanged"] is True

    assert main(["holds", "tail", "--json", "--idle", "2"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert any(r["alert_id"] == hold["alert_id"] for r in lines)
    for r in lines:
        assert_valid("hold-alert.v1.json", r)

    assert main(["holds", "tail", "--idle", "2"]) == 0
    text = capsys.readouterr().out
    [line] = [x for x in text.splitlines() if number in x]
    assert line.startswith("HOLD") and HOSHINE in line and "UFLPA Entity List" in line and "score 1.00" in line
