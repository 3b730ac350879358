"""Topic names and explicit creation at start (Tansu refuses subscriptions to unknown topics)."""

from __future__ import annotations

import logging
from typing import Any

from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic, ResourceType

from streams.kafka import common_config
from streams.settings import Settings

ENTRIES = "entries.v1"
HOLDS = "holds.v1"
CLEARED = "cleared.v1"
DLQ = "entries.dlq.v1"
LISTS = "lists.v1"
DISPOSITIONS = "dispositions.v1"
ALL = (ENTRIES, HOLDS, CLEARED, DLQ, LISTS, DISPOSITIONS)

log = logging.getLogger(__name__)


def admin_config(settings: Settings) -> dict[str, object]:
    return common_config(settings)


def ensure_topics(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create every topic that does not exist yet; return the names created."""
    admin = AdminClient(admin_config(settings))
    existing = set(admin.list_topics(timeout=timeout).topics)
    wanted = [settings.topic(t) for t in ALL]
    new = [
        NewTopic(name, num_partitions=settings.partitions, replication_factor=settings.replication_factor)
        for name in wanted
        if name not in existing
    ]
    if not new:
        return []
    futures = admin.create_topics(new, operation_timeout=timeout)
    created = []
    for name, fut in futures.items():
        try:
            fut.result(timeout)
            created.append(name)
        except Exception as exc:  # a concurrent creator won the race: fine if it now exists
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                raise
    log.info("created topics %s", created)
    return created


class RecordLimitError(RuntimeError):
    """A topic the worker writes to refuses records as large as the worker may send."""


def check_record_limits(settings: Settings, admin: Any | None = None, timeout: float = 10.0) -> dict[str, int]:
    """At start: every output topic must accept records of ``producer_max_request_bytes`` (a dead letter or
    decision the broker refuses would have no answer). Reads each topic's ``max.message.bytes``; a broker
    that does not report it (Tansu) is not checked. Returns the limits read; raises ``RecordLimitError``."""
    admin = admin or AdminClient(admin_config(settings))
    names = [settings.topic(t) for t in (HOLDS, CLEARED, DLQ)]
    futures = admin.describe_configs([ConfigResource(ResourceType.TOPIC, n) for n in names])
    limits: dict[str, int] = {}
    for resource, fut in futures.items():
        try:
            entry = fut.result(timeout).get("max.message.bytes")
        except Exception as exc:  # not supported by this broker, or not allowed: say so, do not block
            log.info("could not read max.message.bytes of %s: %s", resource.name, exc)
            continue
        if entry is not None and entry.value is not None and str(entry.value).isdigit():
            limits[resource.name] = int(entry.value)
    small = {n: v for n, v in limits.items() if v < settings.producer_max_request_bytes}
    if small:
        raise RecordLimitError(
            f"topics {small} accept records smaller than producer_max_request_bytes="
            f"{settings.producer_max_request_bytes}: raise their max.message.bytes, or lower "
            "ENTRYWATCH_PRODUCER_MAX_REQUEST_BYTES (and ENTRYWATCH_DLQ_KEEP_BYTES with it)"
        )
    return limits
