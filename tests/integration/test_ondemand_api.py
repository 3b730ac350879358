"""On-demand screening over HTTP on the real stack: POST /screen answers with the record the stream sends
for the same entry (same alert_id), POST /match with matches for one name or a batch, and the limits."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, assert_valid
from tests.integration.conftest import Stack, Worker
from tests.integration.test_contract import BAODING, HOSHINE, Reader, entry, produce, run_id, wait_decisions
from tests.integration.test_desk_api import post

pytestmark = pytest.mark.integration
JSON = {"Content-Type": "application/json"}


def test_screen_answers_what_the_stream_decides(stack: Stack, worker: Worker) -> None:
    number = f"OD-{run_id()}"
    e = entry(number, 0, manufacturer=HOSHINE, seller=BAODING)
    status, record = post(worker, "/screen", json.dumps(e).encode(), JSON)
    assert status == 200, record
    assert_valid("hold-alert.v1.json", record)
    reader = Reader(stack, "holds.v1")
    produce(stack, e)
    [streamed] = wait_decisions(reader, number, 1)
    reader.close()
    assert record["alert_id"] == streamed["alert_id"] and record["decision"] == streamed["decision"] == "HOLD"
    assert record["reasons"] == streamed["reasons"] and "supersedes" not in record

    status, bad = post(worker, "/screen", b'{"entry_number": "X", "parties": 3}', JSON)
    assert status == 400 and bad["error_kind"] == "schema"
    status, bad = post(worker, "/screen", b'{"entry_number": "X", "entry_number": "Y"}', JSON)
    assert status == 400 and bad["error_kind"] == "duplicate_key"


def test_match_one_name_or_a_batch_with_limits(worker: Worker) -> None:
    status, one = post(worker, "/match", json.dumps({"name": HOSHINE, "kind": "company", "top": 1}).encode(), JSON)
    assert status == 200, one
    assert_valid("api-match-response.v1.json", one)
    [result] = one["results"]
    assert result["matches"][0]["entity_id"] == "uflpa:hoshine-silicon-industry-shanshan-co-ltd"
    batch = {"queries": [{"name": HOSHINE}, {"name": "香港華信船務有限公司", "kind": "company"}, {"name": "Zzyzx Qq"}]}
    status, many = post(worker, "/match", json.dumps(batch).encode(), JSON)
    assert status == 200 and [len(r["matches"]) > 0 for r in many["results"]] == [True, True, False]
    assert many["results"][1]["matches"][0]["source"] == "un_sc"
    assert many["list_versions"]["uflpa"]

    status, bad = post(worker, "/match", json.dumps({"queries": [{"name": "x"}] * 101}).encode(), JSON)
    assert status == 400 and bad["path"] == "$.queries" and "at most 100" in bad["error"]
    status, bad = post(worker, "/match", json.dumps({"name": "x" * 300_000}).encode(), JSON)
    assert status == 413


def test_holds_export_one_row_per_reason(stack: Stack, worker: Worker, tmp_path: Path) -> None:
    number = f"EXP-{run_id()}"
    reader = Reader(stack, "holds.v1")
    produce(stack, entry(number, 0, manufacturer=HOSHINE, seller=BAODING))
    [hold] = wait_decisions(reader, number, 1)
    reader.close()
    out = tmp_path / "holds.csv"
    done = stack.cli("holds", "export", "--since", "1h", "--format", "csv", "--output", str(out))
    assert done.returncode == 0, done.stderr
    rows = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["entry_number"] == number]
    assert len(rows) == len(hold["reasons"]) >= 2
    assert {r["alert_id"] for r in rows} == {hold["alert_id"]} and {r["decision"] for r in rows} == {"HOLD"}
    assert "UFLPA Entity List" in {r["list"] for r in rows} and all(r["list_version"] for r in rows)
    jl = stack.cli("holds", "export", "--since", "1h", "--until", "0s", "--format", "jsonl")
    assert jl.returncode == 0, jl.stderr
    mine = [json.loads(x) for x in jl.stdout.splitlines() if number in x]
    assert [r["reason_code"] for r in mine] == [r["code"] for r in hold["reasons"]]
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/api/export?since=1h", timeout=30) as resp:
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in resp.headers["Content-Disposition"]
        web_rows = [r for r in csv.DictReader(io.StringIO(resp.read().decode())) if r["entry_number"] == number]
    assert web_rows == rows  # the page's download is the command's file
    bad = stack.cli("holds", "export", "--since", "whenever")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_screen_and_match_commands_send_to_a_running_worker(stack: Stack, worker: Worker) -> None:
    url = f"http://127.0.0.1:{worker.web_port}"
    number = f"URL-{run_id()}"
    lines = json.dumps(entry(number, 0, manufacturer=HOSHINE)) + "\n\n" + '{"entry_number": 1}\n'
    done = subprocess.run([sys.executable, "-m", "entrywatch.cli", "screen", "--url", url], input=lines,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    decision, error = (json.loads(x) for x in done.stdout.splitlines())
    assert decision["entry_number"] == number and decision["decision"] == "HOLD"
    assert error["line"] == 3 and error["error_kind"] == "schema"
    names = json.dumps({"name": HOSHINE}) + "\n" + '{"name": 5}\n' + json.dumps({"name": BAODING, "kind": "company"})
    done = subprocess.run([sys.executable, "-m", "entrywatch.cli", "match", "--url", url, "--top", "1"], input=names,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    first, bad, third = (json.loads(x) for x in done.stdout.splitlines())
    assert first["matches"][0]["entity_id"] == "uflpa:hoshine-silicon-industry-shanshan-co-ltd"
    assert bad == {"error": "$.name: expected a non-empty string of at most 2000 characters", "line": 2}
    assert len(third["matches"]) == 1
    down = subprocess.run([sys.executable, "-m", "entrywatch.cli", "match", "--url", "http://127.0.0.1:9"],
                          input=names, capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert down.returncode == 2 and "127.0.0.1:9" in down.stderr
