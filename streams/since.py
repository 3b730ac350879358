"""The one reader of a "since" time, for ``entrywatch holds tail --since`` and the API's ``/holds?since=``."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime

FORMS = "an ISO-8601 time, epoch seconds, or a time ago like 15m, 2h, 3d"
_AGO = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_EPOCH = re.compile(r"\d+(?:\.\d+)?")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LAST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()  # a time every reader can print back


def parse_since(text: str, now: float | None = None) -> float:
    """Epoch seconds of ``text``: an ISO-8601 time (UTC when it names no offset), epoch seconds, or a
    time ago ('15m', '2h', '3d', '30s' before ``now``). Raises ValueError naming the forms expected."""
    value = text.strip()
    ago = _AGO.fullmatch(value)
    seconds: float | None = None
    if ago:
        seconds = (time.time() if now is None else now) - float(ago[1]) * _UNITS[ago[2]]
    elif _EPOCH.fullmatch(value):
        seconds = float(value)
    else:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            pass
        else:
            seconds = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds <= _LAST:
        raise ValueError(f"expected {FORMS}, got {text!r}")
    return seconds


def since_ms(text: str) -> int:
    """``parse_since`` in epoch milliseconds."""
    return int(parse_since(text) * 1000)
