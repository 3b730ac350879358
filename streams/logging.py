"""Log output for the worker and the CLI: one JSON object per line for machines, readable lines on a
terminal. Structured fields come from ``extra=``, e.g.
``log.info("held", extra={"entry_number": "...", "alert_id": "ew-..."})``.

Never pass whole entries or secrets as fields: only identifiers, codes and counts."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any, Literal

# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
FIELDS_FIRST = ("entry_number", "alert_id")  # shown first in text lines; top-level keys in JSON
MAX_FIELD_CHARS = 2000

Format = Literal["auto", "json", "text"]


def _field(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value[:MAX_FIELD_CHARS] if isinstance(value, str) else value
    if isinstance(value, list | tuple) and len(value) <= 50:
        return [_field(v) for v in value]
    if isinstance(value, dict) and len(value) <= 50:
        return {str(k): _field(v) for k, v in value.items()}
    return repr(value)[:MAX_FIELD_CHARS]


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: _field(v) for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One event per line: ts, level, logger, msg, then the ``extra`` fields, then exc when any."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            event.setdefault(key, value)
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, ensure_ascii=False, default=repr)


class TextFormatter(logging.Formatter):
    """``HH:MM:SS level logger: message  entry_number=… alert_id=…`` for people at a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = extra_fields(record)
        ordered = [k for k in FIELDS_FIRST if k in fields] + sorted(k for k in fields if k not in FIELDS_FIRST)
        if ordered:
            line += "  " + " ".join(f"{k}={fields[k]}" for k in ordered)
        return line


def choose_format(fmt: Format, stream: IO[str]) -> Literal["json", "text"]:
    if fmt != "auto":
        return fmt
    isatty = getattr(stream, "isatty", None)
    return "text" if isatty is not None and isatty() else "json"


def configure(level: str = "warning", fmt: Format = "auto", stream: IO[str] | None = None) -> logging.Handler:
    """Replace the root logger's handlers with one on ``stream`` (stderr) in the chosen format."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if choose_format(fmt, stream) == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)
    return handler
