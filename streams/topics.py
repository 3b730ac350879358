"""Topic names and explicit creation at start (Tansu refuses subscriptions to unknown topics)."""

from __future__ import annotations

import logging

from confluent_kafka.admin import AdminClient, NewTopic

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
