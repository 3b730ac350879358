"""How old a list version is, by the publication date its publisher gave it, and when that is too old.

A version's ``published`` is an ISO date (``2026-03-01``: the start of that day, UTC) or an ISO date-time.
Its age is the time since then. A source is *stale* when that age passes its ``stale_after`` (the source
table's ``stale_after_h``, or the setting ``lists_stale_after_h`` for every source when it is set); a
version with no publication date is judged by the time since it went live instead.
"""

from __future__ import annotations

import functools
import logging
import time
from datetime import UTC, date, datetime

from screening.list_sources import SourcesError, load_sources, stale_after_by_list

log = logging.getLogger(__name__)


def published_datetime(published: str | None) -> datetime | None:
    """The moment a publication date stands for (a bare date: its start, UTC); None if absent or unreadable."""
    if not published:
        return None
    text = published.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def published_age_s(published: str | None, now: float | None = None) -> float | None:
    moment = published_datetime(published)
    if moment is None:
        return None
    return max(0.0, (time.time() if now is None else now) - moment.timestamp())


def published_before(new: str | None, live: str | None) -> bool:
    """True when ``new`` was published strictly before ``live``. Compared by day unless both carry a time
    (a date-only file and a date-time file of the same day are not ordered). Unknown dates are not."""
    a, b = published_datetime(new), published_datetime(live)
    if a is None or b is None:
        return False
    if new is not None and live is not None and len(new.strip()) > 10 and len(live.strip()) > 10:
        return a < b
    return a.date() < b.date()


def format_age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


@functools.lru_cache(maxsize=8)
def _table_stale_after(sources_file: str) -> dict[str, float]:
    try:
        return stale_after_by_list(load_sources(sources_file or None))
    except SourcesError as exc:
        # The worker must not stop over the fetch table: judge freshness by the built-in one.
        log.error("%s; freshness is judged with the built-in source table", exc)
        return stale_after_by_list(load_sources(None))


def stale_after_s(source: str, sources_file: str = "", override_h: float = 0.0) -> float | None:
    """Seconds after publication when ``source`` (a list source id) is stale; None: never. ``override_h``
    (the setting ``lists_stale_after_h``), when above 0, applies to every source."""
    if override_h > 0:
        return override_h * 3600
    hours = _table_stale_after(sources_file).get(source)
    return hours * 3600 if hours else None


def is_stale(published: str | None, loaded_at: float | None, limit_s: float | None, now: float | None = None) -> bool:
    """Stale by publication age; by the time since it went live when the version has no publication date."""
    if limit_s is None:
        return False
    now = time.time() if now is None else now
    age = published_age_s(published, now)
    if age is None and loaded_at is not None:
        age = max(0.0, now - loaded_at)
    return age is not None and age > limit_s
