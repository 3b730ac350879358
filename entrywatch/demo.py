"""The demo feed of ``entrywatch up --demo``: produce sample entries, print each decision as it arrives."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from confluent_kafka import Consumer, Producer

from entrywatch.render import decision_line
from streams import topics
from streams.kafka import consumer_config, producer_config
from streams.settings import Settings


def produce_file(settings: Settings, path: Path, suffix: str = "") -> int:
    """Produce every JSON line of ``path`` to entries.v1, keyed by entry number; returns the count."""
    producer = Producer(producer_config(settings))
    n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        record["entry_number"] = f"{record['entry_number']}{suffix}"
        producer.produce(
            settings.topic(topics.ENTRIES),
            key=record["entry_number"].encode(),
            value=json.dumps(record).encode(),
        )
        n += 1
    producer.produce(settings.topic(topics.ENTRIES), key=b"not-json", value=b"{this is not an entry")
    producer.flush(30)
    return n + 1


def follow_decisions(settings: Settings, stop: threading.Event, out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    """Print each decision (and dead letter) as a readable line until ``stop`` is set."""
    consumer = Consumer(consumer_config(settings, f"entrywatch-demo-{int(time.time())}"))
    consumer.subscribe([settings.topic(t) for t in (topics.HOLDS, topics.CLEARED, topics.DLQ)])
    colour = out.isatty()
    try:
        while not stop.is_set():
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            record = json.loads(msg.value())
            if msg.topic() == settings.topic(topics.DLQ):
                line = f"{'DLQ':<6} offset {record['source']['offset']}: {record['error']}"
            else:
                line = decision_line(record, colour=colour)
            print(line, file=out, flush=True)
    finally:
        consumer.close()
