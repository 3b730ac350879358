"""Structured logs: one JSON object per line with entry_number/alert_id fields; text on a terminal."""

from __future__ import annotations

import io
import json
import logging

import pytest

from streams import logging as ew_logging


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def emit(handler: logging.Handler, *args: object, exc: bool = False, **extra: object) -> None:
    logger = logging.getLogger("entrywatch.test")
    logger.propagate = False
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    if exc:
        try:
            raise ValueError("bad\nthing")
        except ValueError:
            logger.exception(*args, extra=extra)  # type: ignore[arg-type]
    else:
        logger.warning(*args, extra=extra)  # type: ignore[arg-type]


def test_json_lines_carry_entry_number_and_alert_id_as_fields() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(ew_logging.JsonFormatter())
    emit(handler, "HOLD %s", "E-1", entry_number="E-1", alert_id="ew-" + "0" * 32, decision="HOLD")
    emit(handler, "screening failed\nfor %s", "E-2", exc=True, entry_number="E-2")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # one event per line, even with newlines in the message and the traceback
    first, second = map(json.loads, lines)
    assert first["msg"] == "HOLD E-1" and first["level"] == "warning" and first["logger"] == "entrywatch.test"
    assert first["entry_number"] == "E-1" and first["alert_id"] == "ew-" + "0" * 32 and first["decision"] == "HOLD"
    assert first["ts"].endswith("Z")
    assert second["entry_number"] == "E-2" and "ValueError: bad" in second["exc"]
    assert "alert_id" not in second


def test_unserialisable_fields_are_repr_and_bounded() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(ew_logging.JsonFormatter())
    emit(handler, "x", blob=object(), long="y" * 10_000)
    event = json.loads(out.getvalue())
    assert event["blob"].startswith("<object")
    assert len(event["long"]) == ew_logging.MAX_FIELD_CHARS


def test_text_lines_for_people_show_the_ids() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(ew_logging.TextFormatter())
    emit(handler, "HOLD %s", "E-1", alert_id="ew-1", entry_number="E-1")
    line = out.getvalue().strip()
    assert "WARNING entrywatch.test: HOLD E-1  entry_number=E-1 alert_id=ew-1" in line
    assert not line.startswith("{")


@pytest.mark.parametrize(
    ("fmt", "stream", "expected"),
    [
        ("auto", Tty(), "text"),
        ("auto", io.StringIO(), "json"),
        ("json", Tty(), "json"),
        ("text", io.StringIO(), "text"),
    ],
)
def test_format_choice(fmt: ew_logging.Format, stream: io.StringIO, expected: str) -> None:
    assert ew_logging.choose_format(fmt, stream) == expected


def test_configure_replaces_root_handlers() -> None:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    out = io.StringIO()
    try:
        handler = ew_logging.configure("info", "auto", out)
        assert root.handlers == [handler] and root.level == logging.INFO
        logging.getLogger("entrywatch.cfg").info("ready", extra={"entry_number": "E-9"})
        assert json.loads(out.getvalue())["entry_number"] == "E-9"
    finally:
        root.handlers, root.level = saved, level
