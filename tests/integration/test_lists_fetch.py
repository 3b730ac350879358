"""`entrywatch lists fetch` on the real stack: a publisher on loopback serves a newer BIS Denied Persons
List naming a new party; the fetch loads it as a new version and announces it, the running worker swaps it
in, and an export consigned to the newly listed party is held. A second fetch finds it unchanged."""

from __future__ import annotations

import email.utils
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LISTS
from tests.integration.conftest import Stack, Worker, collect
from tests.listserver import ListServer

pytestmark = pytest.mark.integration

NEW_PARTY = "Zanthor Polysilicon Trading Co., Ltd."
NEW_ROW = (
    b'"ZANTHOR POLYSILICON TRADING CO., LTD."\t"1 TEST ROAD"\t"URUMQI"\t""\t"CN"\t"830000"\t"03/01/2026"\t'
    b'"03/01/2036"\t"Y"\t"2026-03-01"\t"FR NOTICE ADDED"\t"91 F.R. 1 3/1/2026"\n'
)


def screen_export(stack: Stack, consignee: str) -> dict[str, Any]:
    number = f"FETCH-{uuid.uuid4().hex[:8]}"
    entry = {"entry_number": number, "direction": "export", "parties": {"consignee": {"name": consignee}}}
    consumer = stack.consumer("holds.v1", "cleared.v1")
    stack.produce([(number.encode(), json.dumps(entry).encode())])
    msgs = collect(consumer, lambda ms: any(json.loads(m.value())["entry_number"] == number for m in ms))
    consumer.close()
    [decision] = [json.loads(m.value()) for m in msgs if json.loads(m.value())["entry_number"] == number]
    return decision


def wait_for(worker: Worker, source: str, version: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = worker.ready()
        if body and body["list_versions"].get(source) == version:
            return body
        time.sleep(0.2)
    raise AssertionError(f"worker did not swap {source} to {version}: {worker.ready()}")


def test_fetched_list_is_swapped_in_and_holds_a_newly_listed_party(
    stack: Stack, worker: Worker, tmp_path: Path
) -> None:
    before = {row["source"]: row["version"] for row in json.loads(stack.cli("lists", "status", "--json").stdout)}
    assert screen_export(stack, NEW_PARTY)["decision"] == "CLEAR"

    published = datetime.now(UTC).replace(microsecond=0)
    dpl = (LISTS / "bis" / "dpl-2023-11-30.txt").read_bytes().rstrip(b"\n") + b"\n" + NEW_ROW
    table = tmp_path / "sources.json"
    env = {
        "ENTRYWATCH_LISTS_SOURCES_FILE": str(table),
        "ENTRYWATCH_LISTS_CACHE_DIR": str(tmp_path / "cache"),
        "ENTRYWATCH_REDIS_KEY_PREFIX": stack.settings.redis_key_prefix,
    }
    with ListServer() as publisher:
        publisher.route(
            "/dpl/dpl.txt", dpl, etag='"dpl-1"', last_modified=email.utils.format_datetime(published, usegmt=True)
        )
        table.write_text(
            json.dumps({"sources": {"bis_dpl": {"files": [{"name": "dpl.txt", "url": publisher.url("/dpl/dpl.txt")}]}}})
        )
        fetched = stack.cli("lists", "fetch", "bis_dpl", "--json", **env)
        assert fetched.returncode == 0, fetched.stderr
        [line] = [json.loads(x) for x in fetched.stdout.splitlines()]
        assert line["status"] == "loaded" and line["previous_version"] == before["bis_dpl"], line
        assert line["published"] == published.date().isoformat() and line["published_from"] == "last_modified"
        assert line["entities"] == 666 and line["files"][0]["etag"] == '"dpl-1"'
        assert (tmp_path / "cache" / "bis_dpl" / "dpl.txt").read_bytes() == dpl
        version = line["version"]

        ready = wait_for(worker, "bis_dpl", version)
        [view] = [li for li in ready["lists"] if li["source"] == "bis_dpl"]
        assert view["published"] == published.date().isoformat() and view["published_age_s"] < 2 * 86400
        assert not view["stale"] and "bis_dpl" not in ready["lists_stale"]

        decision = screen_export(stack, NEW_PARTY)
        assert decision["decision"] == "HOLD", decision
        [reason] = [r for r in decision["reasons"] if r["list_version"] == version]
        assert reason["code"] == "EXPORT_DENIED_PERSON" and decision["list_versions"]["bis_dpl"] == version

        again = stack.cli("lists", "fetch", "bis_dpl", "--json", **env)
        assert again.returncode == 0, again.stderr
        unchanged = json.loads(again.stdout)
        assert unchanged["status"] == "unchanged" and "304" in unchanged["detail"]
        assert publisher.requests[-1][1].get("If-None-Match") == '"dpl-1"'

    status = stack.cli("lists", "status")
    assert status.returncode == 0 and "age" in status.stdout.splitlines()[0]
    # leave the shared stack as the other tests expect it
    rolled = stack.cli("lists", "rollback", "bis_dpl", "--to", before["bis_dpl"])
    assert rolled.returncode == 0, rolled.stderr
    wait_for(worker, "bis_dpl", before["bis_dpl"])


SUBSIDIARY = "Aral Lantian Ginning Co., Ltd."  # named only on the page, as "... and its subsidiary ..."


def test_fetched_uflpa_page_holds_an_entry_naming_a_newly_listed_subsidiary(fresh_stack: Stack, tmp_path: Path) -> None:
    """On a stack of its own: the fetched page stays in the list's load order, so a later test's plain
    rollback on a shared stack would step back to it."""
    from tests.conftest import ROOT

    stack = fresh_stack
    worker = stack.start_worker()
    worker.wait_ready()
    page = (ROOT / "tests" / "data" / "uflpa-entity-list.html").read_bytes()
    table = tmp_path / "sources.json"
    env = {
        "ENTRYWATCH_LISTS_SOURCES_FILE": str(table),
        "ENTRYWATCH_LISTS_CACHE_DIR": str(tmp_path / "cache"),
        "ENTRYWATCH_REDIS_KEY_PREFIX": stack.settings.redis_key_prefix,
    }
    with ListServer() as publisher:
        publisher.route("/uflpa-entity-list", page, etag='"page-1"')
        files = [{"name": "uflpa-entity-list.html", "url": publisher.url("/uflpa-entity-list"), "min_bytes": 5000}]
        table.write_text(json.dumps({"sources": {"uflpa": {"format": "html", "files": files}}}))
        fetched = stack.cli("lists", "fetch", "uflpa", "--json", **env)
        assert fetched.returncode == 0, fetched.stderr
        [line] = [json.loads(x) for x in fetched.stdout.splitlines()]
        assert line["status"] == "loaded", line
        wait_for(worker, "uflpa", line["version"])

    number = f"SUB-{uuid.uuid4().hex[:8]}"
    entry = {"entry_number": number, "parties": {"manufacturer": {"name": SUBSIDIARY, "address": {"country": "CN"}}}}
    consumer = stack.consumer("holds.v1", "cleared.v1")
    stack.produce([(number.encode(), json.dumps(entry).encode())])
    msgs = collect(consumer, lambda ms: any(json.loads(m.value())["entry_number"] == number for m in ms))
    consumer.close()
    [decision] = [json.loads(m.value()) for m in msgs if json.loads(m.value())["entry_number"] == number]
    assert decision["decision"] == "HOLD", decision
    [reason] = [r for r in decision["reasons"] if r.get("list_version") == line["version"]]
    assert "subsidiary of Xinjiang Lantian Cotton" in json.dumps(reason["evidence"]), reason
