"""The two reference pipelines the stream benchmark compares the worker with, on the same broker:

- ``faust``: a minimal Faust app (its own app id and topics) whose one agent takes batches the way the
  screening agent does, decodes each entry (JSON) and forwards the original bytes, awaiting every
  delivery before the batch is acked. It is the ceiling the Faust runtime sets on these machines.
- ``plain``: a confluent-kafka consume-decode-produce loop in a consumer group, flushing deliveries and
  committing after every batch (the same at-least-once shape).

Each runs as its own process (``python -m benchmarks.references KIND ...``) until SIGTERM. Each
process writes the number of partitions it is assigned to ``--status-file`` so the harness knows when
the group has settled.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from streams.settings import Settings


def _write_status(path: str | None, assigned: int) -> None:
    if path:
        tmp = Path(f"{path}.tmp")
        tmp.write_text(str(assigned))
        tmp.replace(path)


def run_faust(settings: Settings, source: str, sink: str, status_file: str | None) -> int:
    import asyncio

    import faust

    from streams import faust_transport
    from streams.app import faust_config

    config = faust_config(settings)
    config["web_enabled"] = False
    app = faust.App(settings.app_id, **config)  # type: ignore[arg-type]
    setattr(app, faust_transport.APP_ATTRIBUTE, settings.fetch_max_wait_ms)  # as the worker's

    def raw(name: str) -> Any:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

    entries, out = raw(source), raw(sink)

    @app.agent(entries, name="forward")
    async def forward(stream: Any) -> None:
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within_s):
            pending = []
            for e in events:
                json.loads(e.message.value)  # decode, as the screening agent does first
                pending.append(await out.send(key=e.message.key, value=e.message.value))
            await asyncio.gather(*pending)

    @app.task
    async def _quiet() -> None:
        logging.getLogger().setLevel(logging.WARNING)  # as streams.app does for the worker

    @app.timer(0.5)
    async def _status() -> None:
        _write_status(status_file, len(app.consumer.assignment()) if app.consumer else 0)

    worker = faust.Worker(app, loglevel="warning", quiet=True, override_logging=True)
    worker.execute_from_commandline()
    return 0


def run_plain(settings: Settings, source: str, sink: str, status_file: str | None) -> int:
    from confluent_kafka import Consumer, Producer

    from streams.kafka import consumer_config, producer_config

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    consumer = Consumer(consumer_config(settings, settings.app_id))
    producer = Producer(producer_config(settings))
    assigned: set[tuple[str, int]] = set()

    def on_assign(c: Any, partitions: list[Any]) -> None:
        assigned.update((p.topic, p.partition) for p in partitions)
        _write_status(status_file, len(assigned))

    def on_revoke(c: Any, partitions: list[Any]) -> None:
        assigned.difference_update((p.topic, p.partition) for p in partitions)
        _write_status(status_file, len(assigned))

    consumer.subscribe([source], on_assign=on_assign, on_revoke=on_revoke)
    try:
        while not stopping:
            messages = consumer.consume(settings.batch_size, timeout=settings.batch_within_s)
            if not messages:
                continue
            for msg in messages:
                if msg.error():
                    continue
                json.loads(msg.value())
                producer.produce(sink, key=msg.key(), value=msg.value())
                producer.poll(0)
            if producer.flush(30) != 0:
                raise RuntimeError("deliveries not confirmed within 30 s")
            consumer.commit(asynchronous=True)
    finally:
        consumer.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.references")
    parser.add_argument("kind", choices=("faust", "plain"))
    parser.add_argument("--source", required=True, help="topic to read")
    parser.add_argument("--sink", required=True, help="topic to forward to")
    parser.add_argument("--status-file", help="file the process keeps its assigned partition count in")
    args = parser.parse_args(argv)
    # Broker, app id (consumer group), partitions and batch shape come from the environment, as for the
    # worker: KAFKA_BOOTSTRAP, ENTRYWATCH_APP_ID, ENTRYWATCH_BATCH_SIZE...
    settings = Settings.load()
    if args.kind == "faust":
        sys.argv = [sys.argv[0]]  # Faust's worker reads sys.argv
        return run_faust(settings, args.source, args.sink, args.status_file)
    return run_plain(settings, args.source, args.sink, args.status_file)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
