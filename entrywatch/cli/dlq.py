"""``entrywatch dlq show|replay``: read dead letters with their reasons; re-submit chosen ones.

``dlq show --json`` prints one object per dead letter as ``schemas/dlq-show.v1.json`` describes: its id
(``P:O``, the DLQ partition and offset ``dlq replay --id`` takes) and the dead letter exactly as on the
topic (``schemas/dead-letter.v1.json``)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any, get_args

from confluent_kafka import Consumer, Producer, TopicPartition

from entrywatch.cli.connect import CliError, add_connection_arguments, connect
from streams import topics
from streams.codecs import ErrorKind, decode_dead_letter
from streams.kafka import consumer_config, producer_config
from streams.settings import Settings

DLQ_ID = re.compile(r"(\d+):(\d+)", re.ASCII)
JOIN_S = 30.0  # the longest wait for the consumer group to assign the DLQ's partitions
IDLE_S = 3.0  # the DLQ is read to its end: stop after this long without a message (Tansu's end offsets are unreliable)


def read_dead_letters(settings: Settings, follow: bool = False, idle_s: float = IDLE_S) -> Iterator[dict[str, Any]]:
    consumer = Consumer(consumer_config(settings, f"entrywatch-dlq-{uuid.uuid4().hex[:8]}"))
    last = time.monotonic() + JOIN_S  # joining the group can take seconds; the idle clock starts on assignment
    assigned = False

    def on_assign(c: Any, partitions: Any) -> None:
        nonlocal last, assigned
        last, assigned = time.monotonic(), True

    consumer.subscribe([settings.topic(topics.DLQ)], on_assign=on_assign)
    try:
        while follow or time.monotonic() - last < idle_s:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            last = time.monotonic()
            value = msg.value()
            if value is None:  # not a dead letter (a tombstone)
                continue
            record = decode_dead_letter(value)
            record["dlq"] = {"partition": msg.partition(), "offset": msg.offset()}
            yield record
        if not assigned:  # nothing was read because nothing could be: not "no dead letters"
            raise CliError(
                f"the Kafka broker at {settings.kafka_bootstrap} assigned no partition of "
                f"{settings.topic(topics.DLQ)} within {JOIN_S + idle_s:g}s"
            )
    finally:
        consumer.close()


def dlq_id(record: dict[str, Any]) -> str:
    return f"{record['dlq']['partition']}:{record['dlq']['offset']}"


def preview(record: dict[str, Any], width: int = 60) -> str:
    """The start of the original value, or what stands for it (a null value, a value kept only as a digest)."""
    raw: bytes | None = record.get("original")
    if raw is None:
        if record.get("original_null"):
            return "(null value)"
        return f"(not carried: sha256 {str(record.get('original_sha256', '?'))[:16]}..., fetched from its source)"
    text = raw[:width].decode("utf-8", errors="backslashreplace")
    return repr(text) + ("..." if len(raw) > width else "")


def fetch_source(settings: Settings, source: dict[str, Any], timeout: float = 15.0) -> tuple[Any, Any] | None:
    """(key, value) of the record at the dead letter's source position; None when it is no longer there."""
    consumer = Consumer(consumer_config(settings, f"entrywatch-dlq-fetch-{uuid.uuid4().hex[:8]}"))
    try:
        consumer.assign([TopicPartition(source["topic"], source["partition"], source["offset"])])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            return (msg.key(), msg.value()) if msg.offset() == source["offset"] else None
        return None
    finally:
        consumer.close()


def original_of(settings: Settings, record: dict[str, Any]) -> tuple[bytes | None, bytes | None]:
    """(key, value) of a dead letter's input, to send again: from the letter, or from its source record when
    the letter carries only digests (a value over the worker's dlq_keep_bytes, a key over 4 KiB).
    Raises CliError when the source record is gone or is not the one the letter describes."""
    if not (record.get("original_omitted") or record.get("original_key_sha256")):
        key = base64.b64decode(record["original_key_b64"]) if record.get("original_key_b64") else None
        return key, record["original"]
    src = record["source"]
    where = f"{src['topic']}[{src['partition']}]@{src['offset']}"
    fetched = fetch_source(settings, src)
    if fetched is None:
        raise CliError(f"{dlq_id(record)}: the letter carries only a digest and {where} is no longer on the broker")
    key, value = fetched
    if hashlib.sha256(value or b"").hexdigest() != record.get("original_sha256"):
        raise CliError(f"{dlq_id(record)}: {where} does not match the letter's sha256")
    return key, value


def dlq_id_argument(text: str) -> str:
    """``--id``: a dead letter's ``P:O`` (DLQ partition:offset, as ``dlq show`` prints it), normalised."""
    found = DLQ_ID.fullmatch(text.strip())
    if not found:
        raise argparse.ArgumentTypeError(
            f"expected a dead letter id P:O (DLQ partition:offset, as `dlq show` prints), got {text!r}"
        )
    return f"{int(found[1])}:{int(found[2])}"


def show_json(record: dict[str, Any], dlq_topic: str) -> dict[str, Any]:
    """A dead letter as ``dlq show --json`` prints it (``schemas/dlq-show.v1.json``)."""
    where = record["dlq"]
    return {
        "schema_version": 1,
        "id": dlq_id(record),
        "topic": dlq_topic,
        "partition": where["partition"],
        "offset": where["offset"],
        "dead_letter": {k: v for k, v in record.items() if k not in ("original", "dlq")},
    }


def chosen(record: dict[str, Any], args: argparse.Namespace) -> bool:
    if args.id and dlq_id(record) not in args.id:
        return False
    if args.kind and record.get("error_kind") != args.kind:
        return False
    return not (args.match and args.match.casefold() not in record["error"].casefold())


def cmd_show(args: argparse.Namespace) -> int:
    settings = connect(args, topics=[topics.DLQ])
    shown = 0
    for record in read_dead_letters(settings, follow=args.follow):
        if not chosen(record, args):
            continue
        if args.json:
            print(json.dumps(show_json(record, settings.topic(topics.DLQ))), flush=True)
        else:
            src = record["source"]
            print(
                f"{dlq_id(record):<10} {record.get('error_kind', '?'):<9} from {src['topic']}[{src['partition']}]@"
                f"{src['offset']}  {record['original_size']} bytes  {record['error']}  {preview(record)}",
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
    settings = connect(args, topics=[topics.DLQ, topics.ENTRIES])
    picked = [r for r in read_dead_letters(settings) if chosen(r, args)]
    if args.dry_run:
        for r in picked:
            print(f"would replay {dlq_id(r)}: {r['error']}")
        return 0
    producer = Producer(producer_config(settings))
    sent = failed = 0
    for r in picked:
        try:
            key, value = original_of(settings, r)
        except CliError as exc:
            print(f"not replayed: {exc}", file=sys.stderr)
            failed += 1
            continue
        producer.produce(
            settings.topic(topics.ENTRIES),
            key=key,
            value=value,
            headers=[("entrywatch-replay-of", f"{settings.topic(topics.DLQ)}:{dlq_id(r)}".encode())],
        )
        sent += 1
    if producer.flush(30) != 0:
        print("some replays were not delivered", file=sys.stderr)
        return 1
    print(f"replayed {sent} dead letter(s) to {settings.topic(topics.ENTRIES)}")
    return 1 if failed else 0


def _filters(p: argparse.ArgumentParser) -> None:
    add_connection_arguments(p)
    p.add_argument("--id", nargs="+", metavar="P:O", type=dlq_id_argument, help="dead letters by DLQ partition:offset")
    p.add_argument("--kind", choices=get_args(ErrorKind), help="only this kind of error")
    p.add_argument("--match", metavar="TEXT", help="only errors containing TEXT")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dlq = sub.add_parser("dlq", help="dead letters: inputs that could not be screened")
    dsub = dlq.add_subparsers(dest="dlq_command", metavar="ACTION", required=True)
    show = dsub.add_parser("show", help="list dead letters with their reasons")
    _filters(show)
    show.add_argument("--json", action="store_true", help="one JSON record per line")
    show.add_argument("--follow", action="store_true", help="keep waiting for new dead letters")
    show.add_argument("--limit", type=int, default=0, help="stop after this many (default: all)")
    show.set_defaults(func=cmd_show)
    replay = dsub.add_parser("replay", help="re-submit chosen dead letters to entries.v1, byte for byte")
    _filters(replay)
    replay.add_argument("--all", action="store_true", help="every dead letter")
    replay.add_argument("--dry-run", action="store_true")
    replay.set_defaults(func=cmd_replay)
