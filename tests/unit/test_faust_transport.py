"""The worker's Faust transport: the aiokafka driver with the consumer fetch wait from the settings."""

from __future__ import annotations

import asyncio

import faust
from faust.transport import by_url

from streams import faust_transport
from streams.app import faust_config
from streams.settings import Settings


def test_the_app_uses_the_ewkafka_transport() -> None:
    config = faust_config(Settings(kafka_bootstrap="a:9092,b:9093"))
    assert config["broker"] == "ewkafka://a:9092;ewkafka://b:9093"
    assert by_url("ewkafka://a:9092") is faust_transport.Transport
    assert faust_transport.Transport.Consumer is faust_transport.Consumer


def test_the_worker_consumer_gets_the_configured_fetch_wait() -> None:
    async def build() -> int:
        settings = Settings(fetch_max_wait_ms=35)
        app = faust.App("ew-transport-test", **faust_config(settings))  # type: ignore[arg-type]
        setattr(app, faust_transport.APP_ATTRIBUTE, settings.fetch_max_wait_ms)
        thread = app.consumer._thread
        assert isinstance(thread, faust_transport.ConsumerThread)
        consumer = thread._create_worker_consumer(app.transport)
        return int(consumer._fetch_max_wait_ms)

    assert asyncio.run(build()) == 35


def test_the_default_fetch_wait_is_short() -> None:
    assert Settings().fetch_max_wait_ms == faust_transport.DEFAULT_FETCH_MAX_WAIT_MS == 20
