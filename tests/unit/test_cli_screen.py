"""`entrywatch screen`: one answer per input line, in order, decoded and encoded as the worker does; bad
lines (poison records included) become error lines and the run goes on; output is UTF-8 whatever the locale."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from entrywatch.cli import screen as screen_cli
from entrywatch.cli.screen import screen_stream
from screening.screen import ScreeningContext, screen_entry
from streams.codecs import decision_record, decode_entry, encode_record
from tests.conftest import LISTS, ROOT, assert_valid

MAX = 1_000_000


def run(ctx: ScreeningContext, lines: list[bytes]) -> tuple[int, int, list[bytes]]:
    out = io.BytesIO()
    ok, bad = screen_stream(ctx, io.BytesIO(b"\n".join(lines) + b"\n"), out, MAX)
    return ok, bad, out.getvalue().splitlines()


def entry_line(number: str, name: str = "Acme Tools Ltd") -> bytes:
    return json.dumps({"entry_number": number, "parties": {"manufacturer": {"name": name}}}).encode()


def test_screen_stream_keeps_order_and_reports_bad_lines(
    skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    lines = [
        json.dumps(demo_entries[0]).encode(),
        b"{broken",
        json.dumps({"entry_number": 5}).encode(),
        json.dumps(demo_entries[1]).encode(),
    ]
    ok, bad, out = run(skeleton_context, lines)
    records = [json.loads(line) for line in out]
    assert (ok, bad, len(records)) == (2, 2, 4)
    assert records[0]["entry_number"] == demo_entries[0]["entry_number"] and records[0]["decision"] == "HOLD"
    assert records[1]["line"] == 2 and records[1]["error_kind"] == "decode" and records[1]["error"]
    assert records[2] == {
        "error": "expected a string, got number",
        "error_kind": "schema",
        "error_path": "$.entry_number",
        "line": 3,
    }
    assert records[3]["entry_number"] == demo_entries[1]["entry_number"] and records[3]["decision"] == "CLEAR"
    for r in (records[0], records[3]):
        assert_valid("hold-alert.v1.json", r)


def test_every_poison_line_gets_exactly_one_answer_in_order(skeleton_context: ScreeningContext) -> None:
    lines = [
        entry_line("FIRST"),
        b'{"entry_number": "DEEP", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}",  # nesting of 1,000 levels
        b"[" * 1000 + b"]" * 1000,
        b'{"entry_number": "INT", "entry_revision": ' + b"7" * 4400 + b"}",  # over Python's 4,300 digits
        entry_line("SURROGATE").replace(b'Ltd"', b'Ltd\\ud800"'),  # a lone surrogate escape in a party name
        b'{"entry_number": "\xff\xfe\xc3\x28"}',  # not UTF-8
        b'{"entry_number": "NAN", "lines": [{"line_number": 1, "value_usd": NaN}]}',
        entry_line("LAST"),
    ]
    ok, bad, out = run(skeleton_context, lines)
    assert len(out) == len(lines) and ok + bad == len(lines)
    records = [json.loads(line.decode("utf-8")) for line in out]  # every answer is UTF-8 JSON
    assert records[0]["entry_number"] == "FIRST" and records[-1]["entry_number"] == "LAST"
    for n, record in enumerate(records, start=1):
        if "error" in record:
            assert record["line"] == n and record["error_kind"] and record["error_path"], record
        else:
            assert_valid("hold-alert.v1.json", record)
    for n in (2, 3, 4, 6):  # too deep (or not an entry), too long a number, not UTF-8: the worker refuses them
        assert "error" in records[n - 1] and records[n - 1]["line"] == n, records[n - 1]


def test_nan_and_lone_surrogate_lines_give_error_lines(skeleton_context: ScreeningContext) -> None:
    """As the worker's decoder refuses them (streams.codecs: strict JSON)."""
    lines = [
        b'{"entry_number": "NAN", "lines": [{"line_number": 1, "value_usd": NaN}]}',
        entry_line("SURROGATE").replace(b'Ltd"', b'Ltd\\ud800"'),
    ]
    _ok, bad, out = run(skeleton_context, lines)
    records = [json.loads(line) for line in out]
    assert bad == 2 and [r["line"] for r in records] == [1, 2]
    assert all(r["error_kind"] == "decode" for r in records), records
    assert "surrogate" in records[1]["error"]


def test_answers_are_what_the_worker_decodes_and_sends(skeleton_context: ScreeningContext) -> None:
    raw = [entry_line("SAME-1", "Hoshine Silicon Industry (Shanshan) Co., Ltd"), b'{"entry_number": 1}', b"{"]
    _ok, _bad, out = run(skeleton_context, raw)
    decision = json.loads(out[0])
    assert decision["screened_at"].endswith("Z")
    entry = decode_entry(raw[0], MAX)
    expected = encode_record(decision_record(screen_entry(entry, skeleton_context), decision["screened_at"]))  # type: ignore[arg-type]
    assert out[0].decode() == expected  # byte for byte, compact
    for line, raw_line in zip(out[1:], raw[1:], strict=True):
        rejected = decode_entry(raw_line, MAX)
        record = json.loads(line)
        assert (record["error"], record["error_kind"], record["error_path"]) == (
            rejected.message,  # type: ignore[union-attr]
            rejected.kind,  # type: ignore[union-attr]
            rejected.path,  # type: ignore[union-attr]
        )


def test_a_line_over_the_size_limit_is_refused_as_the_worker_refuses_it(skeleton_context: ScreeningContext) -> None:
    out = io.BytesIO()
    screen_stream(skeleton_context, [entry_line("BIG", "x" * 3000)], out, 2048)
    record = json.loads(out.getvalue())
    assert record["error_kind"] == "size" and record["line"] == 1


def test_an_exception_while_screening_a_line_becomes_its_error_line(
    skeleton_context: ScreeningContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = screen_cli.screen_entry

    def failing(entry: Any, ctx: ScreeningContext) -> Any:
        if entry.entry_number == "BOOM":
            raise KeyError("a bug")
        return real(entry, ctx)

    monkeypatch.setattr(screen_cli, "screen_entry", failing)
    ok, bad, out = run(skeleton_context, [entry_line("A"), entry_line("BOOM"), entry_line("B")])
    records = [json.loads(line) for line in out]
    assert (ok, bad) == (2, 1)
    assert records[1] == {
        "error": "screening failed: KeyError: 'a bug'",
        "error_kind": "screening",
        "error_path": "$",
        "line": 2,
    }
    assert [records[0]["entry_number"], records[2]["entry_number"]] == ["A", "B"]


def test_blank_lines_get_no_answer_but_keep_the_line_numbers(skeleton_context: ScreeningContext) -> None:
    _ok, _bad, out = run(skeleton_context, [b"", entry_line("A"), b"  \r", b"{"])
    records = [json.loads(line) for line in out]
    assert records[0]["entry_number"] == "A" and records[1]["line"] == 4


def _screen_process(stdin: bytes, **env: str) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING", "PYTHONUTF8"))}
    return subprocess.run(
        [sys.executable, "-m", "entrywatch.cli", "screen", "--lists", str(LISTS / "uflpa")],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=True,
        cwd=ROOT,
        env={**base, **env},
    )


@pytest.mark.parametrize(
    "env",
    [
        {"LC_ALL": "C", "PYTHONUTF8": "0"},  # an ASCII locale, Python's UTF-8 mode off, PYTHONIOENCODING unset
        {"LC_ALL": "C.UTF-8"},
    ],
    ids=["C", "C.UTF-8"],
)
def test_screen_command_writes_utf8_whatever_the_locale(env: dict[str, str]) -> None:
    lines = [
        entry_line("ÉNTRÉE-1", "Xinjiang 新疆 Textile Co"),
        b'{"entry_number": "\xff"}',
        entry_line("SURR").replace(b'Ltd"', b'Ltd\\udfff"'),
        b"not json",
        entry_line("ÉNTRÉE-2"),
    ]
    proc = _screen_process(b"\n".join(lines) + b"\n", **env)
    text = proc.stdout.decode("utf-8")  # strict: every byte written is UTF-8
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == len(lines)
    assert records[0]["entry_number"] == "ÉNTRÉE-1" and records[-1]["entry_number"] == "ÉNTRÉE-2"
    assert "ÉNTRÉE-1".encode() in proc.stdout  # written as UTF-8, not escaped
    assert [r.get("line") for r in records[1:4]] == [2, 3, 4]
    assert b"Traceback" not in proc.stderr


def test_screen_command_runs_as_a_process(demo_entries: list[dict[str, Any]]) -> None:
    stdin = ("\n".join(json.dumps(e) for e in demo_entries) + "\nnot json\n").encode()
    proc = _screen_process(stdin)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r.get("entry_number") for r in records[:-1]] == [e["entry_number"] for e in demo_entries]
    assert records[-1]["line"] == len(demo_entries) + 1 and records[-1]["error_kind"] == "decode"
