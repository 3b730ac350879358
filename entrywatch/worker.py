"""Run the Faust worker for a settings object (blocks until stopped by a signal)."""

from __future__ import annotations

import os
import signal

import faust

from agents.app import create_app
from streams import logging as ew_logging
from streams.settings import Settings
from streams.topics import check_record_limits, ensure_topics

EXIT_FATAL = 3  # the screening agent stopped on a fault: restart the worker (it resumes from committed offsets)


def run_worker(settings: Settings) -> int:
    # Our handler (JSON lines, or text on a terminal) replaces Faust/mode's logging setup.
    ew_logging.configure(settings.log_level, settings.log_format)
    ensure_topics(settings)
    check_record_limits(settings)
    app, runtime = create_app(settings)
    fatal: list[BaseException] = []

    def stop(exc: BaseException) -> None:
        # A graceful stop commits only what was acked; Faust restarting the agent instead would let later
        # acks commit past the failed batch's records.
        fatal.append(exc)
        os.kill(os.getpid(), signal.SIGTERM)

    runtime.on_fatal = stop
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=False)
    worker.spinner = None  # its terminal escapes would land in the JSON log stream
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        if not fatal:
            raise
        del exc
    return EXIT_FATAL if fatal else 0
