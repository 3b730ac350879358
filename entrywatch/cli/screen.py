"""``entrywatch screen``: the offline path, JSON lines in, one decision per line out, in input order."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import IO

from entrywatch.paths import DEFAULT_LISTS
from screening.entry import EntryError, parse_entry
from screening.lists.loader import load
from screening.screen import ScreeningContext, screen_entry


def add_lists_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lists",
        nargs="+",
        default=[str(DEFAULT_LISTS)],
        metavar="PATH",
        help="list files or directories (searched recursively); default: the bundled lists",
    )


def context_from_paths(paths: list[str], *, quiet: bool = False) -> ScreeningContext:
    """Parse the lists in-process (newest version of each source). Refused files are reported on stderr."""
    result = load(paths)
    if not quiet:
        for err in result.errors:
            print(f"entrywatch: list refused: {err.source or 'file'} {err.path}: {err.message}", file=sys.stderr)
    snapshots = result.live
    entities = [e for s in snapshots for e in s.entities]
    return ScreeningContext.from_entities(entities, {s.source: s.version for s in snapshots})


def screen_stream(ctx: ScreeningContext, lines: IO[str], out: IO[str]) -> tuple[int, int]:
    ok = bad = 0
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            entry = parse_entry(json.loads(raw))
        except (json.JSONDecodeError, EntryError) as exc:
            bad += 1
            out.write(json.dumps({"error": str(exc), "line": n}) + "\n")
            continue
        decision = screen_entry(entry, ctx)
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        out.write(json.dumps(decision.to_json(now), ensure_ascii=False) + "\n")
        ok += 1
    out.flush()
    return ok, bad


def cmd_screen(args: argparse.Namespace) -> int:
    ctx = context_from_paths(args.lists)
    screen_stream(ctx, sys.stdin, sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("screen", help="screen JSON-line entries from stdin offline (no broker, no Redis)")
    add_lists_argument(p)
    p.set_defaults(func=cmd_screen)
