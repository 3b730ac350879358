"""``entrywatch holds tail``: read decisions from holds.v1 (and cleared.v1 with --cleared), one readable
line or one JSON record per decision. A plain confluent-kafka consumer with manual assignment: no
consumer group joins, no commits, so it never disturbs the broker systems' own consumers.

``entrywatch holds export``: the HOLD/REVIEW decisions of a period from the audit trail in Redis, one row
per reason, as CSV or JSON lines (``streams.export``)."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import time
import uuid
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, TopicPartition

from entrywatch.cli.connect import CliError, add_connection_arguments, connect
from entrywatch.render import decision_line
from stores.audit import AuditStore, epoch
from streams import topics
from streams.export import COLUMNS, export_rows, write_csv, write_jsonl
from streams.kafka import consumer_config
from streams.security import async_redis
from streams.settings import Settings
from streams.since import FORMS, since_ms


def since_argument(text: str) -> int:
    """``--since``: epoch milliseconds, or argparse's one-line error naming the forms expected."""
    try:
        return since_ms(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _assignment(consumer: Consumer, names: list[str], since: int | None) -> list[TopicPartition]:
    meta = consumer.list_topics(timeout=10)
    parts = [
        TopicPartition(n, p, OFFSET_BEGINNING) for n in names if n in meta.topics for p in meta.topics[n].partitions
    ]
    if since is None or not parts:
        return parts
    try:
        found = consumer.offsets_for_times([TopicPartition(tp.topic, tp.partition, since) for tp in parts], timeout=10)
        return [
            TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING) for tp in found
        ]
    except KafkaException:
        return parts  # the broker cannot look up by time: read from the start, filter by screened_at


def tail(settings: Settings, *, follow: bool, as_json: bool, since: int | None, cleared: bool, idle_s: float) -> int:
    names = [settings.topic(topics.HOLDS)] + ([settings.topic(topics.CLEARED)] if cleared else [])
    cfg = consumer_config(settings, f"entrywatch-tail-{uuid.uuid4().hex[:8]}", **{"enable.partition.eof": True})
    consumer = Consumer(cfg)
    printed = 0
    try:
        parts = _assignment(consumer, names, since)
        consumer.assign(parts)
        at_end: set[tuple[str, int]] = set()
        last_data = time.monotonic()
        colour = sys.stdout.isatty() and not as_json
        while True:
            msg = consumer.poll(0.5)
            if msg is None:
                if not follow and time.monotonic() - last_data > idle_s:
                    break
                continue
            if msg.error():
                if msg.error().code() == -191:  # _PARTITION_EOF
                    at_end.add((msg.topic(), msg.partition()))
                    if not follow and len(at_end) >= len(parts):
                        break
                continue
            last_data = time.monotonic()
            at_end.discard((msg.topic(), msg.partition()))
            try:
                record = json.loads(msg.value())
            except ValueError:
                continue
            if since is not None and epoch(str(record.get("screened_at", "")), 0.0) * 1000 < since:
                continue
            if as_json:
                print(json.dumps(record, ensure_ascii=False), flush=follow)
            else:
                sup = f" (supersedes {record['supersedes']})" if record.get("supersedes") else ""
                print(decision_line(record, colour) + f" [{record.get('alert_id')}]{sup}", flush=follow)
            printed += 1
    finally:
        consumer.close()
    return printed


def cmd_tail(args: argparse.Namespace) -> int:
    settings = connect(args, topics=[topics.HOLDS] + ([topics.CLEARED] if args.cleared else []))
    tail(settings, follow=args.follow, as_json=args.json, since=args.since, cleared=args.cleared, idle_s=args.idle)
    return 0


async def export_rows_between(settings: Settings, since: int, until: int) -> list[dict[str, Any]]:
    """The rows of ``holds export``: every HOLD/REVIEW first screened in [since, until) ms, one row per reason."""
    client = async_redis(settings, socket_timeout=30)
    try:
        audit = AuditStore(client, settings.redis_key_prefix, settings.audit_retention_days)
        records = await audit.holds_between(since, until)
        disps = await audit.dispositions_of(sorted({str(r["entry_number"]) for r in records}))
    finally:
        await client.aclose()
    return [row for r in records for row in export_rows(r, disps.get(str(r["entry_number"]), []))]


def cmd_export(args: argparse.Namespace) -> int:
    until = args.until if args.until is not None else int(time.time() * 1000)
    if until <= args.since:
        raise CliError("holds export: --until must be after --since")
    settings = connect(args, redis=True)
    rows = asyncio.run(export_rows_between(settings, args.since, until))
    write = write_csv if args.format == "csv" else write_jsonl
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            n = write(rows, out)
    else:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        n = write(rows, out)
        out.detach()
    print(f"entrywatch: {n} rows (one per reason)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    holds = sub.add_parser("holds", help="decisions as broker systems receive them")
    hsub = holds.add_subparsers(dest="holds_command", metavar="ACTION", required=True)
    t = hsub.add_parser("tail", help="print one line (or JSON record) per decision on holds.v1")
    t.add_argument("--follow", "-f", action="store_true", help="keep waiting for new decisions")
    t.add_argument("--json", action="store_true", help="print each decision record as one JSON line")
    t.add_argument("--since", metavar="TIME", type=since_argument, help=f"only decisions screened since TIME: {FORMS}")
    t.add_argument("--cleared", action="store_true", help="also print CLEAR decisions from cleared.v1")
    t.add_argument("--idle", type=float, default=3.0, help="without --follow, stop after this many idle seconds")
    add_connection_arguments(t)
    t.set_defaults(func=cmd_tail)
    e = hsub.add_parser(
        "export",
        help="HOLD/REVIEW decisions of a period from the audit trail, one row per reason (CSV or JSON lines)",
        description="Columns: " + ", ".join(COLUMNS) + ". Decisions are selected by when they were first "
        "screened; the disposition columns carry the latest disposition covering the reason.",
    )
    e.add_argument("--since", metavar="TIME", type=since_argument, required=True, help=f"from TIME: {FORMS}")
    e.add_argument("--until", metavar="TIME", type=since_argument, help="before TIME (default: now)")
    e.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="CSV (default) or JSON lines")
    e.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    add_connection_arguments(e, kafka=False)
    e.set_defaults(func=cmd_export)
