"""Run the Faust worker for a settings object (blocks until stopped by a signal)."""

from __future__ import annotations

import faust

from streams import logging as ew_logging
from streams.app import create_app
from streams.settings import Settings
from streams.topics import ensure_topics


def run_worker(settings: Settings) -> int:
    # Our handler (JSON lines, or text on a terminal) replaces Faust/mode's logging setup.
    ew_logging.configure(settings.log_level, settings.log_format)
    ensure_topics(settings)
    app, _runtime = create_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=False)
    worker.spinner = None  # its terminal escapes would land in the JSON log stream
    worker.execute_from_commandline()
    return 0
