"""``entrywatch match`` and ``entrywatch compare``: the name matcher on JSON lines, lists in-process (or, with
``--url``, a running worker's ``POST /match``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any

from entrywatch.cli.screen import add_lists_argument, add_url_argument, context_from_paths
from screening.matching import Thresholds, compare
from screening.screen import ScreeningContext
from streams.ondemand import MatchRequestError, match_answer, parse_query


def add_threshold_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Thresholds()
    parser.add_argument("--hold-threshold", type=float, default=defaults.hold, help="score for HOLD")
    parser.add_argument("--review-threshold", type=float, default=defaults.review, help="score for REVIEW")


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    return Thresholds(hold=args.hold_threshold, review=args.review_threshold)


def _read(lines: IO[str], out: IO[str]) -> list[tuple[int, dict[str, Any] | None]]:
    rows: list[tuple[int, dict[str, Any] | None]] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("expected a JSON object")
            rows.append((n, obj))
        except ValueError as exc:
            rows.append((n, {"__error__": str(exc)}))
    return rows


def _kind(obj: dict[str, Any]) -> str | None:
    kind = obj.get("kind")
    if kind not in (None, "company", "person"):
        raise ValueError(f"kind must be 'company', 'person' or null, got {kind!r}")
    return kind


def match_stream(ctx: ScreeningContext, lines: IO[str], out: IO[str], top: int) -> int:
    """One answer line per non-blank input line, in order, as ``POST /match`` answers each query (the
    same reader, ``streams.ondemand.parse_query``, and answer, ``match_answer``); a bad line gets
    ``{"error", "line"}``. Returns the number of bad lines."""
    bad = 0
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            query = parse_query(json.loads(raw), "$")
        except (ValueError, MatchRequestError) as exc:
            bad += 1
            out.write(json.dumps({"error": str(exc), "line": n}) + "\n")
            continue
        out.write(json.dumps(match_answer(ctx.index, query, top, ctx.facts), ensure_ascii=False) + "\n")
    out.flush()
    return bad


def compare_stream(thresholds: Thresholds, lines: IO[str], out: IO[str]) -> int:
    bad = 0
    for n, obj in _read(lines, out):
        try:
            if obj is None or "__error__" in obj:
                raise ValueError(obj["__error__"] if obj else "empty")
            a, b = obj.get("a"), obj.get("b")
            if not isinstance(a, str) or not isinstance(b, str):
                raise ValueError("'a' and 'b' must be strings")
            score, explain = compare(a, b, _kind(obj))
        except ValueError as exc:
            bad += 1
            out.write(json.dumps({"error": str(exc), "line": n}) + "\n")
            continue
        row = {"score": round(score, 4), "match": score >= thresholds.review, "explain": explain}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    return bad


def cmd_match(args: argparse.Namespace) -> int:
    if args.url:
        from entrywatch.cli.remote import WorkerUnreachable, match_remote
        from entrywatch.cli.screen import web_token
        from streams.settings import Settings

        try:
            match_remote(args.url, web_token(Settings.load()), sys.stdin, sys.stdout, args.top)
        except WorkerUnreachable as exc:
            print(f"entrywatch: {exc}", file=sys.stderr)
            return 2
        return 0
    ctx = context_from_paths(args.lists, thresholds=thresholds_from(args))
    match_stream(ctx, sys.stdin, sys.stdout, args.top)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    compare_stream(thresholds_from(args), sys.stdin, sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("match", help="match JSON-line names from stdin against the lists (in-process)")
    add_lists_argument(p)
    p.add_argument("--top", type=int, default=5, help="at most this many matches per name")
    add_threshold_arguments(p)
    add_url_argument(p, "/match")
    p.set_defaults(func=cmd_match)
    c = sub.add_parser("compare", help="score JSON-line name pairs {a, b, kind} from stdin")
    add_threshold_arguments(c)
    c.set_defaults(func=cmd_compare)
