"""``entrywatch lists load|status|rollback``: list versions in Redis."""

from __future__ import annotations

import argparse
import json
import sys

from entrywatch.cli.connect import add_connection_arguments, connect
from entrywatch.cli.fetch import register_fetch
from entrywatch.listops import parse_paths, redis_client, rollback_list, store_snapshots
from entrywatch.paths import DEFAULT_LISTS
from entrywatch.progress import Progress
from screening.freshness import format_age
from stores.keys import Keys
from stores.lists import ListRefused, status


def cmd_load(args: argparse.Namespace) -> int:
    settings = connect(args, redis=True, kafka=True)  # stored in Redis, announced on lists.v1
    try:
        snapshots, report = parse_paths(args.paths, args.source, allow_truncated=args.allow_truncated)
        total = sum(len(snap.entities) for snap in snapshots)
        with Progress(total, "storing lists", unit="entities") as bar:
            report = store_snapshots(
                settings, snapshots, report, force=args.force, keep_newer=args.keep_newer, progress=bar.advance
            )
    except ListRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for res in report.loaded:
            state = "now live" if res.changed else "already live"
            print(f"{res.source:<14} {res.version:<32} {res.entities:>7} entities  {state}")
        for what, why in report.refused:
            print(f"REFUSED {what}: {why} (the live version stays in force)", file=sys.stderr)
        for s in report.skipped:
            print(f"skipped {s.path}: {s.reason}", file=sys.stderr)
        for what, why in report.kept_newer:
            print(f"kept {what}: the live version is newer ({why})", file=sys.stderr)
    return 0 if report.ok else 2


def cmd_status(args: argparse.Namespace) -> int:
    settings = connect(args, redis=True)
    r = redis_client(settings)
    try:
        rows = status(r, Keys(settings.redis_key_prefix))
    finally:
        r.close()
    if args.json:
        print(json.dumps([row.to_json() for row in rows], indent=2))
        return 0
    if not rows:
        print("no lists loaded")
        return 0
    head = ("source", "version", "published", "age", "entities", "names", "loaded at", "checksum", "kept")
    table = [head] + [
        (
            x.source,
            x.version,
            x.published or "-",
            format_age(x.published_age_s),
            str(x.entities),
            str(x.names),
            x.loaded_at,
            x.checksum[:12],
            str(x.versions_kept),
        )
        for x in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    try:
        res = rollback_list(connect(args, redis=True, kafka=True), args.source, args.to)
    except ListRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(f"{res.source}: live version is now {res.version} (was {res.previous}), {res.entities} entities")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lists = sub.add_parser("lists", help="entity lists in Redis: load, fetch, status, rollback")
    lsub = lists.add_subparsers(dest="lists_command", metavar="ACTION", required=True)
    load = lsub.add_parser("load", help="load list files (or directories) into Redis and make them live")
    load.add_argument(
        "paths", nargs="*", default=[str(DEFAULT_LISTS)], metavar="PATH",
        help="list files or directories (searched recursively); default: the bundled lists",
    )  # fmt: skip
    load.add_argument("--source", help="load only this source (e.g. uflpa, ofac_sdn)")
    load.add_argument(
        "--force", action="store_true", help="load even if the entity count shrinks too much or the list is older"
    )
    load.add_argument(
        "--keep-newer",
        action="store_true",
        help="a source whose live version was published later stays as it is, not an error (loaders run at "
        "every start, e.g. of the bundled lists)",
    )
    load.add_argument(
        "--allow-truncated",
        action="store_true",
        help="load a CSL file cut off inside its last record (that record is flagged), instead of refusing it",
    )
    load.add_argument("--json", action="store_true", help="print a JSON summary")
    add_connection_arguments(load)
    load.set_defaults(func=cmd_load)
    st = lsub.add_parser("status", help="the live version of every source")
    st.add_argument("--json", action="store_true")
    add_connection_arguments(st)
    st.set_defaults(func=cmd_status)
    rb = lsub.add_parser(
        "rollback", help="make the version loaded before the live one live again (again: one further back)"
    )
    rb.add_argument("source")
    rb.add_argument("--to", help="a specific kept version")
    add_connection_arguments(rb)
    rb.set_defaults(func=cmd_rollback)
    register_fetch(lsub)
