"""``entrywatch lists fetch``: download lists from their publishers (or a mirror) and load the changed ones.

Exit code 0 when every source was loaded or unchanged, 2 when any failed or was refused (its live version
stays in force; the others still load). ``--every 6h`` runs it again and again (the compose service).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from redis.exceptions import RedisError

from entrywatch.cli.connect import add_connection_arguments, connect, settings_from
from entrywatch.fetch import Fetcher, FetchResult, default_cache_dir, utc_now
from entrywatch.listops import announce, list_event, redis_client
from screening.list_sources import Source, SourcesError, load_sources
from streams.settings import Settings

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``6h``, ``1d`` -> seconds (at least 60)."""
    m = _INTERVAL.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number with s, m, h or d (e.g. 6h)")
    seconds = float(m.group(1)) * _UNIT_S[m.group(2)]
    if seconds < 60:
        raise argparse.ArgumentTypeError(f"{text!r}: at least one minute between runs")
    return seconds


def choose(sources: dict[str, Source], names: Sequence[str]) -> list[Source]:
    """The sources named (enabled or not), or every enabled one; raises KeyError naming an unknown one."""
    if not names:
        return [s for s in sources.values() if s.enabled]
    unknown = [n for n in names if n not in sources]
    if unknown:
        raise KeyError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sources)}")
    return [sources[n] for n in dict.fromkeys(names)]


def result_line(res: FetchResult) -> str:
    name = f"{res.source:<10}"
    if res.status == "downloaded":
        return f"{name} downloaded {res.version}  {res.entities:,} entities, published {res.published} -> {res.kept_at}"
    if res.status in ("loaded", "would_load"):
        was = f", was {res.previous_version}" if res.previous_version else ", first version"
        return (
            f"{name} {res.status:<10} {res.version}  {res.entities:,} entities, published {res.published} "
            f"({res.published_from}){was}"
        )
    if res.status == "unchanged":
        return f"{name} unchanged  {res.version or '-'}  {res.detail}"
    kept = f" (raw files: {res.kept_at})" if res.kept_at else ""
    return f"{name} {res.status.upper():<10} {res.detail}{kept}; the live version stays in force"


def run_once(
    settings: Settings, chosen: Sequence[Source], args: argparse.Namespace, mirror: str | None
) -> tuple[int, list[FetchResult]]:
    terminal = sys.stderr.isatty() and not args.json

    def progress(source: str, message: str) -> None:
        if terminal:
            print(f"{source:<10} {message}", file=sys.stderr, flush=True)

    r = None if args.download_only else redis_client(settings)
    results: list[FetchResult] = []
    try:
        try:
            if r is not None:
                r.ping()
        except RedisError as exc:
            print(f"entrywatch: cannot use Redis: {type(exc).__name__}: {exc}; nothing fetched", file=sys.stderr)
            return 2, results
        fetcher = Fetcher(
            settings,
            r,
            cache_dir=Path(args.download_only) if args.download_only else default_cache_dir(settings),
            mirror=mirror,
            force=args.force,
            dry_run=args.dry_run,
            download_only=bool(args.download_only),
            progress=progress,
        )
        for source in chosen:
            res = fetcher.fetch(source)
            results.append(res)
            if args.json:
                print(json.dumps(res.to_json()), flush=True)
            else:
                print(result_line(res), file=sys.stdout if res.ok else sys.stderr, flush=True)
    finally:
        if r is not None:
            r.close()
    code = 0 if all(res.ok for res in results) else 2
    events = [list_event(res.load) for res in results if res.load is not None and res.load.changed]
    if events:
        try:
            announce(settings, events)
        except Exception as exc:
            print(
                f"the new versions are live in Redis but could not be announced on lists.v1 ({exc}); workers "
                "swap them in at their next periodic check (within 30 s)",
                file=sys.stderr,
            )
            code = 2
    return code, results


def print_sources(sources: dict[str, Source]) -> None:
    for s in sources.values():
        state = "enabled" if s.enabled else "disabled (fetched when named)"
        print(f"{s.name}: {s.title} -> list {s.list_source}; {state}")
        print(f"    format {s.format}, published from {s.published}, stale after {s.stale_after_h:g} h, "
              f"timeout {s.timeout_s:g} s, at most {s.max_bytes:,} bytes a file")  # fmt: skip
        for f in s.files:
            print(f"    {f.name:<24} {f.url}  (at least {f.min_bytes:,} bytes)")
        if s.note:
            print(f"    note: {s.note}")


def cmd_fetch(args: argparse.Namespace) -> int:
    # Redis (versions) and the broker (lists.v1) must answer unless nothing is loaded
    offline = args.list or args.download_only
    settings = settings_from(args) if offline else connect(args, redis=True, kafka=True)
    try:
        sources = load_sources(settings.lists_sources_file or None)
    except SourcesError as exc:
        print(f"entrywatch: {exc}", file=sys.stderr)
        return 2
    if args.list:
        print_sources(sources)
        return 0
    try:
        chosen = choose(sources, args.sources)
    except KeyError as exc:
        print(f"entrywatch: {exc.args[0]}", file=sys.stderr)
        return 2
    mirror = args.mirror or settings.lists_mirror or None
    while True:
        if args.every and not args.json:
            print(f"lists fetch at {utc_now()}: {', '.join(s.name for s in chosen)}", file=sys.stderr, flush=True)
        code, _results = run_once(settings, chosen, args, mirror)
        if not args.every:
            return code
        time.sleep(args.every)


def register_fetch(lsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = lsub.add_parser(
        "fetch",
        help="download lists from their publishers (or a mirror) and load the ones that changed",
        description="Download each source, keep the raw files in the cache folder, parse them and load a new "
        "version through the guarded path (shrink guard, no older version, atomic swap, lists.v1 announcement). "
        "Exit code 0: every source loaded or unchanged; 2: any failed or was refused (its live version stays).",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="sources to fetch (default: every enabled one; --list)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run",
        action="store_true",
        help="download, parse and check against the live versions; load nothing, keep nothing",
    )
    mode.add_argument(
        "--download-only",
        metavar="DIR",
        help="download, check and parse into DIR/<source>/ (a mirror folder for an air-gapped site); no Redis, "
        "nothing loaded",
    )
    p.add_argument("--json", action="store_true", help="one JSON line per source on stdout")
    p.add_argument(
        "--mirror",
        metavar="URL|DIR",
        help="read <URL|DIR>/<source>/<file name> instead of the publishers (default: setting lists_mirror)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="download without If-None-Match/If-Modified-Since and load even if the list shrinks too much "
        "or was published before the live version",
    )
    p.add_argument(
        "--every",
        type=parse_interval,
        metavar="INTERVAL",
        help="run again every INTERVAL (e.g. 6h, 30m, 1d) until stopped",
    )
    p.add_argument("--list", action="store_true", help="print the source table and exit")
    add_connection_arguments(p)
    p.set_defaults(func=cmd_fetch)
