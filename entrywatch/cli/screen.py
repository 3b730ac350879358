"""``entrywatch screen``: the offline path, JSON lines in, one answer per line out, in input order.

Input is read as bytes and decoded exactly as the worker decodes a message (``streams.codecs.decode_entry``),
so a line the worker would dead-letter gets an error line here, with the same kind, path and message.
Decisions are written exactly as the worker sends them (``decision_record`` then ``encode_record``), compact.
Output is UTF-8 bytes whatever the locale."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import IO

from entrywatch.paths import DEFAULT_LISTS
from screening.lists.loader import load
from screening.matching import Thresholds
from screening.screen import ScreeningContext, screen_entry
from streams.codecs import Rejected, decision_record, decode_entry, encode_record, now_iso
from streams.settings import Settings


def add_lists_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lists",
        nargs="+",
        default=[str(DEFAULT_LISTS)],
        metavar="PATH",
        help="list files or directories (searched recursively); default: the bundled lists",
    )


def add_url_argument(parser: argparse.ArgumentParser, path: str) -> None:
    parser.add_argument(
        "--url",
        metavar="URL",
        help=f"send to a running worker (e.g. http://127.0.0.1:6066, POST {path}) and use the lists in force "
        "there instead of --lists; the bearer token is ENTRYWATCH_WEB_TOKEN",
    )


def context_from_paths(
    paths: list[str], *, quiet: bool = False, thresholds: Thresholds | None = None
) -> ScreeningContext:
    """Parse the lists in-process (newest version of each source). Refused files are reported on stderr."""
    result = load(paths)
    if not quiet:
        for err in result.errors:
            print(f"entrywatch: list refused: {err.source or 'file'} {err.path}: {err.message}", file=sys.stderr)
    snapshots = result.live
    entities = [e for s in snapshots for e in s.entities]
    versions = {s.source: s.version for s in snapshots}
    if thresholds is None:
        return ScreeningContext.from_entities(entities, versions)
    return ScreeningContext.from_entities(entities, versions, thresholds=thresholds)


def error_line(rejected: Rejected, line: int) -> bytes:
    """``{"error", "error_kind", "error_path", "line"}`` as one UTF-8 JSON line (escaped to ASCII when a
    message holds what UTF-8 cannot carry, such as a lone surrogate)."""
    record = {"error": rejected.message, "error_kind": rejected.kind, "error_path": rejected.path, "line": line}
    try:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")


def answer(ctx: ScreeningContext, raw: bytes, line: int, max_bytes: int) -> tuple[bytes, bool]:
    """The output line for one input line, and whether it is a decision. Never raises for a bad line:
    whatever goes wrong becomes that line's error line."""
    try:
        entry = decode_entry(raw, max_bytes)
        if isinstance(entry, Rejected):
            return error_line(entry, line), False
        record = decision_record(screen_entry(entry, ctx), now_iso())
        return (encode_record(record) + "\n").encode("utf-8"), True
    except Exception as exc:  # a bug in screening or encoding: this line's answer, not the end of the run
        failed = Rejected("screening", "$", f"screening failed: {type(exc).__name__}: {exc}")
        return error_line(failed, line), False


def screen_stream(ctx: ScreeningContext, lines: Iterable[bytes], out: IO[bytes], max_bytes: int) -> tuple[int, int]:
    """Screen JSON lines (bytes); one answer per non-blank line, in order; a line longer than ``max_bytes``
    is refused as the worker refuses such a message. Returns (decisions, errors)."""
    ok = bad = 0
    for n, raw in enumerate(lines, start=1):
        body = raw.rstrip(b"\r\n")
        if not body.strip():
            continue
        text, decided = answer(ctx, body, n, max_bytes)
        out.write(text)
        ok += decided
        bad += not decided
    out.flush()
    return ok, bad


def web_token(settings: Settings) -> str | None:
    return settings.web_token.get_secret_value() if settings.web_token is not None else None


def cmd_screen(args: argparse.Namespace) -> int:
    settings = Settings.load()
    if args.url:
        from entrywatch.cli.remote import WorkerUnreachable, screen_remote

        try:
            screen_remote(args.url, web_token(settings), sys.stdin.buffer, sys.stdout.buffer)
        except WorkerUnreachable as exc:
            print(f"entrywatch: {exc}", file=sys.stderr)
            return 2
        return 0
    thresholds = settings.thresholds()
    ctx = context_from_paths(args.lists, thresholds=thresholds)
    screen_stream(ctx, sys.stdin.buffer, sys.stdout.buffer, settings.max_message_bytes)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "screen",
        help="screen JSON-line entries from stdin offline (no broker, no Redis)",
        description="One answer per non-blank input line, in order: the decision as the worker sends it, or "
        '{"error", "error_kind", "error_path", "line"} for a line the worker would dead-letter.',
    )
    add_lists_argument(p)
    add_url_argument(p, "/screen")
    p.set_defaults(func=cmd_screen)
