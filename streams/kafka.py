"""confluent-kafka client configuration for the CLI, the demo feed, benchmarks and tests."""

from __future__ import annotations

import logging

from streams.security import librdkafka_security
from streams.settings import Settings

# librdkafka's own log lines (a refused connection is logged again every few milliseconds) go to Python
# logging under this name instead of stderr: silent in a command that configures no logging, shown by a
# process that does. They are served by the client's poll()/consume()/flush().
LIBRDKAFKA_LOG = logging.getLogger("librdkafka")
LIBRDKAFKA_LOG.addHandler(logging.NullHandler())


def common_config(settings: Settings) -> dict[str, object]:
    return {"bootstrap.servers": settings.kafka_bootstrap, "logger": LIBRDKAFKA_LOG, **librdkafka_security(settings)}


def producer_config(settings: Settings, **extra: object) -> dict[str, object]:
    # murmur2_random: the same partitioner as Faust/aiokafka, so keys land where the worker expects.
    return {
        **common_config(settings),
        "partitioner": "murmur2_random",
        "enable.idempotence": True,
        "linger.ms": 5,
        **extra,
    }


def consumer_config(settings: Settings, group_id: str, **extra: object) -> dict[str, object]:
    return {
        **common_config(settings),
        "group.id": group_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": int(settings.session_timeout_s * 1000),
        **extra,
    }
