"""`entrywatch match`, `compare` and the `bench` group, through main()."""

from __future__ import annotations

import io
import json
import sys

import pytest

from entrywatch.cli import build_parser, main
from screening.matching import Thresholds


def run(argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(argv) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_match_contract(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = "\n".join(
        json.dumps(q)
        for q in [
            {"name": "Hefei Meiling Company Limited", "kind": "company", "country": "CN"},
            {"name": "A-B-C Company", "kind": "company", "country": None},
            {"name": "XINJIANG PRODUCTION AND CONSTRUCTION CORPS", "kind": None, "country": None},
        ]
    )
    out = run(["match", "--top", "2"], lines, monkeypatch, capsys)
    assert len(out) == 3
    first = out[0]
    assert first["query"]["name"] == "Hefei Meiling Company Limited"
    assert first["matches"][0]["entity_id"] == "uflpa:hefei-meiling-co-ltd"
    assert set(first["matches"][0]) == {"entity_id", "source", "matched_name", "score", "explain"}
    assert first["matches"][0]["explain"]["version"] == "1.9"
    # "A-B-C Company" may only meet names that share its distinctive part, never a mere "Company"
    assert all("abc" in m["matched_name"].lower().replace("-", "") for m in out[1]["matches"]), out[1]
    assert out[2]["matches"] and all(m["score"] >= Thresholds().review for m in out[2]["matches"])
    scores = [m["score"] for m in out[2]["matches"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 2


def test_match_review_threshold_flag(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    q = json.dumps({"name": "Meiling Appliance", "kind": None, "country": None})
    strict = run(["match", "--review-threshold", "0.99", "--hold-threshold", "0.995"], q, monkeypatch, capsys)
    loose = run(["match", "--review-threshold", "0.3"], q, monkeypatch, capsys)
    assert strict[0]["matches"] == []
    assert loose[0]["matches"]


def test_compare_contract(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = "\n".join(
        [
            json.dumps({"a": "GUANGZHOU HAIGE COMM GRP", "b": "广州海格通信集团", "kind": "company"}),
            json.dumps({"a": "George Bush", "b": "George Habbash", "kind": "person"}),
            "not json",
        ]
    )
    out = run(["compare"], lines, monkeypatch, capsys)
    assert out[0]["match"] is True and out[0]["score"] == 1.0
    assert out[1]["match"] is False and 0.0 <= out[1]["score"] < Thresholds().review
    assert out[1]["explain"]["algorithm"] == "ew-weighted-tokens"
    assert out[2]["line"] == 3 and "error" in out[2]


def test_bench_is_a_group_with_match() -> None:
    args = build_parser().parse_args(["bench", "match", "--queries", "10"])
    assert args.bench_command == "match" and args.queries == 10
