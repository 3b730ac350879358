"""List versions on the real stack: `entrywatch lists load` a new version, the running worker swaps it
in without a restart, decisions name the new version; `lists rollback` switches back."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LISTS
from tests.integration.conftest import Stack, Worker, collect

pytestmark = pytest.mark.integration

NEW_ENTITY = "Kashgar Everbright Photovoltaic Materials Co., Ltd."


def wait_for_version(worker: Worker, source: str, version: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = worker.ready()
        if body and body["list_versions"].get(source) == version:
            return
        time.sleep(0.2)
    raise AssertionError(f"worker did not swap {source} to {version}: {worker.ready()}")


def screen_one(stack: Stack, name: str) -> dict[str, Any]:
    number = f"LIVE-{uuid.uuid4().hex[:8]}"
    entry = {"entry_number": number, "parties": {"manufacturer": {"name": name}}}
    consumer = stack.consumer("holds.v1", "cleared.v1")
    stack.produce([(number.encode(), json.dumps(entry).encode())])
    msgs = collect(consumer, lambda ms: any(json.loads(m.value())["entry_number"] == number for m in ms))
    consumer.close()
    [decision] = [json.loads(m.value()) for m in msgs if json.loads(m.value())["entry_number"] == number]
    return decision


def warnings_since(worker: Worker, offset: int) -> list[str]:
    """The worker's own WARNING (or worse) log lines written after ``offset`` (its log is JSON lines)."""
    with worker.log.open("rb") as f:
        f.seek(offset)
        lines = f.read().decode(errors="replace").splitlines()
    events = [json.loads(x) for x in lines if x.startswith("{")]
    return [
        f"{e['logger']}: {e['msg']}"
        for e in events
        if e.get("level") in ("warning", "error", "critical") and e["logger"].startswith(OWN_LOGGERS)
    ]


OWN_LOGGERS = ("streams.", "agents.", "entrywatch.", "screening.")


def test_new_list_version_is_swapped_in_and_rolled_back(stack: Stack, worker: Worker, tmp_path: Path) -> None:
    log_start = worker.log.stat().st_size
    before = json.loads(stack.cli("lists", "status", "--json").stdout)
    old_version = next(row["version"] for row in before if row["source"] == "uflpa")
    assert screen_one(stack, NEW_ENTITY)["decision"] == "CLEAR"

    updated = tmp_path / "uflpa-entity-list-updated.csv"
    original = (LISTS / "uflpa" / "uflpa-entity-list-excerpt.csv").read_text()
    updated.write_text(original.rstrip("\n") + f'\n"{NEW_ENTITY}","November 20, 2026"\n')
    loaded = stack.cli("lists", "load", str(updated), "--json")
    assert loaded.returncode == 0, loaded.stderr
    [result] = json.loads(loaded.stdout)["loaded"]
    assert result["source"] == "uflpa" and result["previous_version"] == old_version and result["changed"]
    new_version = result["version"]

    wait_for_version(worker, "uflpa", new_version)
    decision = screen_one(stack, NEW_ENTITY)
    assert decision["decision"] == "HOLD"
    assert decision["list_versions"]["uflpa"] == new_version
    assert decision["reasons"][0]["list_version"] == new_version

    rolled = stack.cli("lists", "rollback", "uflpa")
    assert rolled.returncode == 0, rolled.stderr
    assert f"now {old_version}" in rolled.stdout
    wait_for_version(worker, "uflpa", old_version)
    assert screen_one(stack, NEW_ENTITY)["decision"] == "CLEAR"
    # swaps, retro-screens and decisions are routine: nothing an operator must look at
    assert warnings_since(worker, log_start) == []


def test_bad_list_file_is_refused_and_live_version_stays(stack: Stack, tmp_path: Path) -> None:
    before = json.loads(stack.cli("lists", "status", "--json").stdout)
    truncated = tmp_path / "uflpa-truncated.csv"
    truncated.write_text("Name of Entity,Effective Date\n")  # header only: an empty list
    refused = stack.cli("lists", "load", str(truncated))
    assert refused.returncode != 0
    assert "refused" in refused.stderr.lower() or "REFUSED" in refused.stderr
    after = json.loads(stack.cli("lists", "status", "--json").stdout)
    assert [(r["source"], r["version"]) for r in after] == [(r["source"], r["version"]) for r in before]
