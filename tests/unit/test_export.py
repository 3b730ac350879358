"""``holds export`` rows without a stack: one row per reason with list name, version and the disposition
covering it; CSV cells a spreadsheet would run as formulas are quoted; the audit reads on fakeredis."""

from __future__ import annotations

import csv
import io
import json

import fakeredis

from stores.audit import AuditStore
from streams.export import COLUMNS, csv_cell, export_rows, write_csv, write_jsonl

A1 = "ew-" + "1" * 32
RECORD = {
    "alert_id": A1, "entry_number": "X-1", "entry_revision": 2, "decision": "HOLD",
    "screened_at": "2026-12-04T10:00:00.000Z", "list_versions": {"ofac_sdn": "v9"},
    "reasons": [
        {"code": "LIST_MATCH", "decision": "HOLD", "party_role": "seller", "party_name": "=HYPERLINK(1)",
         "matched_name": "Ivan", "entity_id": "ofac_sdn:1", "score": 0.97, "evidence": {}},
        {"code": "XINJIANG_ADDRESS", "decision": "REVIEW", "party_name": "Acme", "rule_id": "xj", "evidence": {}},
    ],
}  # fmt: skip
DISPS = [
    {"disposition_id": "d1", "alert_id": A1, "outcome": "escalated", "reviewer": "a",
     "decided_at": "2026-12-04T11:00Z"},
    {"disposition_id": "d2", "alert_id": A1, "outcome": "false_positive", "reviewer": "b",
     "decided_at": "2026-12-04T12:00Z", "party_name": "=HYPERLINK(1)", "entity_id": "ofac_sdn:1"},
    {"disposition_id": "d3", "alert_id": "ew-" + "2" * 32, "outcome": "released", "reviewer": "c", "decided_at": "x"},
]  # fmt: skip


def test_one_row_per_reason_with_the_covering_disposition() -> None:
    first, second = export_rows(RECORD, DISPS)
    assert first["list"] == "OFAC Specially Designated Nationals (SDN) List" and first["list_version"] == "v9"
    assert (first["disposition"], first["disposition_reviewer"]) == ("false_positive", "b")
    assert (second["disposition"], second["list"], second["rule_id"]) == ("escalated", None, "xj")
    assert second["entry_revision"] == 2 and second["reason_code"] == "XINJIANG_ADDRESS"
    assert export_rows({**RECORD, "reasons": []}, [])[0]["reason_code"] is None


def test_csv_and_jsonl() -> None:
    rows = export_rows(RECORD, DISPS)
    out = io.StringIO()
    assert write_csv(rows, out) == 2
    parsed = list(csv.reader(io.StringIO(out.getvalue())))
    assert parsed[0] == list(COLUMNS) and len(parsed) == 3
    assert parsed[1][COLUMNS.index("party_name")] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    assert parsed[2][COLUMNS.index("score")] == ""
    assert [csv_cell(v) for v in ("-1", "@x", "a=b", None, 0.5)] == ["'-1", "'@x", "a=b", "", "0.5"]
    lines = io.StringIO()
    assert write_jsonl(rows, lines) == 2
    back = [json.loads(x) for x in lines.getvalue().splitlines()]
    assert back[0]["party_name"] == "=HYPERLINK(1)" and list(back[0]) == list(COLUMNS)


async def test_holds_between_and_dispositions_of() -> None:
    audit = AuditStore(fakeredis.aioredis.FakeRedis(), "t", retention_days=1)
    for i, ms in enumerate((1000, 2000, 3000)):
        alert = f"ew-{i:032d}"
        await audit.r.zadd(audit.keys.holds, {alert: ms})
        await audit.r.set(audit.keys.alert(alert), json.dumps({"record": {**RECORD, "alert_id": alert}}))
    await audit.r.hset(audit.keys.disp("X-1"), "d2", json.dumps(DISPS[1]))
    await audit.r.hset(audit.keys.disp("X-1"), "d1", json.dumps(DISPS[0]))
    got = await audit.holds_between(1000, 3000, chunk=1)
    assert [r["alert_id"] for r in got] == [f"ew-{0:032d}", f"ew-{1:032d}"]  # until is exclusive
    disps = await audit.dispositions_of(["X-1", "X-2"])
    assert [d["disposition_id"] for d in disps["X-1"]] == ["d1", "d2"] and disps["X-2"] == []


def test_export_query() -> None:
    import pytest

    from agents.api import BadParameter
    from agents.desk import export_query

    assert export_query({}, now=100_000.0) == (100_000_000 - 86_400_000, 100_000_000, "csv")
    assert export_query({"since": "0", "until": "10", "format": "jsonl"}) == (0, 10_000, "jsonl")
    for query, message in (({"format": "xlsx"}, "format: expected csv or jsonl"),
                           ({"since": "10", "until": "5"}, "until: expected a time after since"),
                           ({"until": "soon"}, "until: expected an ISO-8601 time")):  # fmt: skip
        with pytest.raises(BadParameter, match=message):
            export_query(query)
