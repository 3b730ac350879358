"""The Faust app's configuration from the settings (the app itself, with its agents, is built by
``agents.app.create_app``)."""

from __future__ import annotations

import os
import tempfile

from streams import faust_transport, topics
from streams.security import faust_credentials
from streams.settings import Settings


def faust_config(settings: Settings) -> dict[str, object]:
    datadir = settings.data_dir or os.path.join(tempfile.gettempdir(), "entrywatch", settings.app_id)
    os.makedirs(os.path.dirname(datadir.rstrip("/")) or ".", exist_ok=True)
    return {
        # the aiokafka driver with the consumer's fetch wait from the settings (streams.faust_transport)
        "broker": settings.faust_broker.replace("kafka://", f"{faust_transport.SCHEME}://"),
        "broker_credentials": faust_credentials(settings),
        "store": "memory://",
        "datadir": datadir,
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "topic_allow_declare": False,  # topics are created explicitly at start (streams.topics)
        "broker_session_timeout": settings.session_timeout_s,
        "broker_heartbeat_interval": min(2.0, settings.session_timeout_s / 3),
        "consumer_auto_offset_reset": "earliest",
        "stream_wait_empty": False,
        "web_enabled": settings.web_port > 0,
        "web_bind": settings.web_host,
        "web_host": settings.web_host,
        "web_port": settings.web_port or 6066,
        "web_transport": "tcp://",
        "producer_max_request_size": settings.producer_max_request_bytes,
        "producer_linger": settings.producer_linger_ms / 1000.0,
        "consumer_max_fetch_size": max(4_194_304, settings.max_message_bytes * 2),
    }


def topic_names(settings: Settings) -> dict[str, str]:
    return {t: settings.topic(t) for t in topics.ALL}
