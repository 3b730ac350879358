"""Run the Faust worker for a settings object (blocks until stopped by a signal)."""

from __future__ import annotations

import faust

from streams.app import create_app
from streams.settings import Settings
from streams.topics import ensure_topics


def run_worker(settings: Settings) -> int:
    ensure_topics(settings)
    app, _runtime = create_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=True)
    worker.execute_from_commandline()
    return 0
