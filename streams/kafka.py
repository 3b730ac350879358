"""confluent-kafka client configuration for the CLI, the demo feed, benchmarks and tests."""

from __future__ import annotations

from streams.security import librdkafka_security
from streams.settings import Settings


def common_config(settings: Settings) -> dict[str, object]:
    return {"bootstrap.servers": settings.kafka_bootstrap, **librdkafka_security(settings)}


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
