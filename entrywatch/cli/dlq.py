"""``entrywatch dlq show|replay``: read dead letters with their reasons; re-submit chosen ones."""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

from confluent_kafka import Consumer, Producer

from streams import topics
from streams.codecs import decode_dead_letter
from streams.kafka import consumer_config, producer_config
from streams.settings import Settings

IDLE_S = 3.0  # the DLQ is read to its end: stop after this long without a message (Tansu's end offsets are unreliable)


def read_dead_letters(settings: Settings, follow: bool = False, idle_s: float = IDLE_S) -> Iterator[dict[str, Any]]:
    consumer = Consumer(consumer_config(settings, f"entrywatch-dlq-{uuid.uuid4().hex[:8]}"))
    last = time.monotonic() + 30  # joining the group can take seconds; the idle clock starts on assignment

    def on_assign(c: Any, partitions: Any) -> None:
        nonlocal last
        last = time.monotonic()

    consumer.subscribe([settings.topic(topics.DLQ)], on_assign=on_assign)
    try:
        while follow or time.monotonic() - last < idle_s:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            last = time.monotonic()
            record = decode_dead_letter(msg.value())
            record["dlq"] = {"partition": msg.partition(), "offset": msg.offset()}
            yield record
    finally:
        consumer.close()


def dlq_id(record: dict[str, Any]) -> str:
    return f"{record['dlq']['partition']}:{record['dlq']['offset']}"


def preview(raw: bytes, width: int = 60) -> str:
    text = raw[:width].decode("utf-8", errors="backslashreplace")
    return repr(text) + ("..." if len(raw) > width else "")


def chosen(record: dict[str, Any], args: argparse.Namespace) -> bool:
    if args.id and dlq_id(record) not in args.id:
        return False
    if args.kind and record.get("error_kind") != args.kind:
        return False
    return not (args.match and args.match.casefold() not in record["error"].casefold())


def cmd_show(args: argparse.Namespace) -> int:
    settings = Settings.load()
    shown = 0
    for record in read_dead_letters(settings, follow=args.follow):
        if not chosen(record, args):
            continue
        if args.json:
            out = {k: v for k, v in record.items() if k != "original"}
            print(json.dumps(out), flush=True)
        else:
            src = record["source"]
            print(
                f"{dlq_id(record):<10} {record.get('error_kind', '?'):<9} from {src['topic']}[{src['partition']}]@"
                f"{src['offset']}  {record['original_size']} bytes  {record['error']}  {preview(record['original'])}",
                flush=True,
            )
        shown += 1
        if args.limit and shown >= args.limit:
            break
    if not args.json:
        print(f"{shown} dead letter(s)", file=sys.stderr)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    if not (args.id or args.kind or args.match or args.all):
        print("choose what to replay: --id P:O ..., --kind, --match TEXT, or --all", file=sys.stderr)
        return 2
    settings = Settings.load()
    picked = [r for r in read_dead_letters(settings) if chosen(r, args)]
    if args.dry_run:
        for r in picked:
            print(f"would replay {dlq_id(r)}: {r['error']}")
        return 0
    producer = Producer(producer_config(settings))
    for r in picked:
        key = base64.b64decode(r["original_key_b64"]) if r.get("original_key_b64") else None
        producer.produce(
            settings.topic(topics.ENTRIES),
            key=key,
            value=r["original"],
            headers=[("entrywatch-replay-of", f"{settings.topic(topics.DLQ)}:{dlq_id(r)}".encode())],
        )
    if producer.flush(30) != 0:
        print("some replays were not delivered", file=sys.stderr)
        return 1
    print(f"replayed {len(picked)} dead letter(s) to {settings.topic(topics.ENTRIES)}")
    return 0


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--id", nargs="+", metavar="P:O", help="dead letters by DLQ partition:offset")
    p.add_argument("--kind", choices=("decode", "schema", "size", "screening"), help="only this kind of error")
    p.add_argument("--match", metavar="TEXT", help="only errors containing TEXT")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dlq = sub.add_parser("dlq", help="dead letters: inputs that could not be screened")
    dsub = dlq.add_subparsers(dest="dlq_command", metavar="ACTION", required=True)
    show = dsub.add_parser("show", help="list dead letters with their reasons")
    _filters(show)
    show.add_argument("--json", action="store_true", help="one JSON record per line")
    show.add_argument("--follow", action="store_true", help="keep waiting for new dead letters")
    show.add_argument("--limit", type=int, default=0)
    show.set_defaults(func=cmd_show)
    replay = dsub.add_parser("replay", help="re-submit chosen dead letters to entries.v1, byte for byte")
    _filters(replay)
    replay.add_argument("--all", action="store_true", help="every dead letter")
    replay.add_argument("--dry-run", action="store_true")
    replay.set_defaults(func=cmd_replay)
