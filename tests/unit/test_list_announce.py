"""List-change announcements reach the workers without the idempotent producer's setup delay."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from entrywatch import listops
from stores.lists import LoadResult
from streams import topics
from streams.settings import Settings


class FakeProducer:
    made: ClassVar[list[FakeProducer]] = []

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.sent: list[tuple[str, bytes, bytes]] = []
        FakeProducer.made.append(self)

    def produce(self, topic: str, key: bytes, value: bytes) -> None:
        self.sent.append((topic, key, value))

    def flush(self, timeout: float) -> int:
        return 0


def test_announce_does_not_use_the_idempotent_producer(monkeypatch: pytest.MonkeyPatch) -> None:
    # With idempotence librdkafka first acquires a producer id: every announcement waited 0.5-1 s on Tansu
    # (benchmarks/bench_list_swap.py). A repeated list event only makes a worker reload, so none is needed.
    monkeypatch.setattr(listops, "Producer", FakeProducer)
    FakeProducer.made.clear()
    settings = Settings(kafka_bootstrap="127.0.0.1:1")
    listops.announce(settings, [listops.list_event(LoadResult("uflpa", "v2", "v1", 10, True))])
    [producer] = FakeProducer.made
    assert producer.config["enable.idempotence"] is False
    assert producer.config["bootstrap.servers"] == "127.0.0.1:1"
    [(topic, key, value)] = producer.sent
    assert topic == settings.topic(topics.LISTS) and key == b"uflpa"
    assert json.loads(value)["version"] == "v2"
