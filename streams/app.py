"""The Faust app factory: one app per settings object, agents attached explicitly."""

from __future__ import annotations

import logging
import os
import tempfile

import faust

from agents import api, desk, dispositions, lists, ondemand, retro, screen, web
from streams import faust_transport, topics
from streams.gc_control import freeze_survivors
from streams.runtime import Runtime
from streams.security import faust_credentials
from streams.settings import Settings

# What every app runs, in this order: each module of agents/ registers its agents, tasks and pages.
ATTACH = (screen.attach, lists.attach, web.attach, dispositions.attach, retro.attach, api.attach, desk.attach,
          ondemand.attach)  # fmt: skip


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


def create_app(settings: Settings) -> tuple[faust.App, Runtime]:
    """Build the Faust app and the worker's runtime state, with every agent and view attached."""
    app = faust.App(settings.app_id, **faust_config(settings))  # type: ignore[arg-type]
    setattr(app, faust_transport.APP_ATTRIBUTE, settings.fetch_max_wait_ms)
    runtime = Runtime(settings)
    for attach in ATTACH:
        attach(app, runtime)

    @app.task
    async def _set_log_level() -> None:
        # Faust leaves the root logger at DEBUG whatever -l says; building those records costs ~12% CPU.
        logging.getLogger().setLevel(settings.log_level.upper())
        runtime.gc_watch.install()

    if settings.gc_freeze_interval_s > 0:

        @app.timer(settings.gc_freeze_interval_s)
        async def _freeze_survivors() -> None:
            # What survived since the last freeze (cache entries, mostly) leaves the collector's reach, so
            # its full collections do not grow with the caches (streams/gc_control.py).
            freeze_survivors()

    return app, runtime


def topic_names(settings: Settings) -> dict[str, str]:
    return {t: settings.topic(t) for t in topics.ALL}
