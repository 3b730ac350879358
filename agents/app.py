"""The worker's Faust app: one app per settings object, with every agent, task and page of ``agents/``
attached explicitly, in order."""

from __future__ import annotations

import logging

import faust

from agents import api, desk, dispositions, lists, ondemand, retro, screen, web
from streams import faust_transport
from streams.app import faust_config
from streams.gc_control import freeze_survivors
from streams.runtime import Runtime
from streams.settings import Settings

# What every app runs, in this order: each module of agents/ registers its agents, tasks and pages.
ATTACH = (screen.attach, lists.attach, web.attach, dispositions.attach, retro.attach, api.attach, desk.attach,
          ondemand.attach)  # fmt: skip


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
