"""`entrywatch screen`: one output line per input line, in order; bad lines become error lines."""

from __future__ import annotations

import io
import json
from typing import Any

from entrywatch.cli.screen import screen_stream
from screening.screen import ScreeningContext
from tests.conftest import assert_valid


def test_screen_stream_keeps_order_and_reports_bad_lines(
    skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    lines = [
        json.dumps(demo_entries[0]),
        "{broken",
        json.dumps({"entry_number": 5}),
        json.dumps(demo_entries[1]),
    ]
    out = io.StringIO()
    ok, bad = screen_stream(skeleton_context, io.StringIO("\n".join(lines) + "\n"), out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (ok, bad, len(records)) == (2, 2, 4)
    assert records[0]["entry_number"] == demo_entries[0]["entry_number"] and records[0]["decision"] == "HOLD"
    assert records[1]["line"] == 2 and "error" in records[1]
    assert records[2] == {"error": "$.entry_number: expected a string, got number", "line": 3}
    assert records[3]["entry_number"] == demo_entries[1]["entry_number"] and records[3]["decision"] == "CLEAR"
    for r in (records[0], records[3]):
        assert_valid("hold-alert.v1.json", r)


def test_screen_command_runs_as_a_process(tmp_path: Any, demo_entries: list[dict[str, Any]]) -> None:
    import subprocess
    import sys

    from tests.conftest import LISTS

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "entrywatch.cli",
            "screen",
            "--lists",
            str(LISTS / "uflpa"),
            str(LISTS / "cbp"),
        ],
        input="\n".join(json.dumps(e) for e in demo_entries) + "\nnot json\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r.get("entry_number") for r in records[:-1]] == [e["entry_number"] for e in demo_entries]
    assert records[-1]["line"] == len(demo_entries) + 1
