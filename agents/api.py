"""The broker-system HTTP API on the worker's web server (answers validate against schemas/api-*.v1.json):

GET /entries/{entry_number}   latest decision, decision history and dispositions of an entry
GET /holds?since=ISO&limit=N&cursor=C   HOLD/REVIEW decisions screened since a time, oldest first, paged
GET /lists                    live list versions in Redis and the versions this worker screens with
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import faust
from faust.web import Request, Response, View

from screening.history import HistoryItem, latest
from stores.audit import next_cursor, parse_cursor
from streams.runtime import Runtime
from streams.since import FORMS, parse_since
from streams.webauth import protected

MAX_PAGE = 1000
_CURSOR = re.compile(r"\d+:\d+", re.ASCII)
_T = TypeVar("_T")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit`` bytes (by Content-Length, or as read)."""
    length = getattr(request, "content_length", None)
    if length is not None and length > limit:
        return None
    raw: bytes = await request.read()
    return raw if len(raw) <= limit else None


class BadParameter(ValueError):
    """A query parameter that cannot be read: the message names it and the form it takes (answered as 400)."""


def _param(query: Mapping[str, str], name: str, form: str, read: Callable[[str], _T], default: _T) -> _T:
    text = query.get(name)
    if text is None or text == "":
        return default
    try:
        return read(text)
    except ValueError:
        raise BadParameter(f"{name}: expected {form}, got {text!r}") from None


def _limit(text: str) -> int:
    return max(1, min(MAX_PAGE, int(text)))


def _cursor(text: str) -> tuple[int, int]:
    if not _CURSOR.fullmatch(text):
        raise ValueError(text)
    return parse_cursor(text, 0)


def holds_query(query: Mapping[str, str]) -> tuple[int, int, tuple[int, int]]:
    """``/holds``'s since (epoch ms, 0 when absent), limit (clamped to 1..MAX_PAGE), and the page start:
    the cursor's, else since. Raises BadParameter."""
    since_ms = int(_param(query, "since", FORMS, parse_since, 0.0) * 1000)
    limit = _param(query, "limit", f"an integer (pages hold 1 to {MAX_PAGE})", _limit, 100)
    start = _param(query, "cursor", "the next_cursor of the previous page (MS:N)", _cursor, (since_ms, 0))
    return since_ms, limit, start


def attach(app: faust.App, rt: Runtime) -> None:
    @app.page("/entries/{entry_number}")
    class EntryView(View):
        @protected(rt.settings)
        async def get(self, request: Request, entry_number: str) -> Response:
            history, dispositions, stored = await rt.audit.entry(entry_number)
            if not history:
                return self.json({"error": "not_found", "entry_number": entry_number}, status=404)
            current = latest([HistoryItem.from_record(r) for r in history])
            record = next(r for r in reversed(history) if current and r["alert_id"] == current.alert_id)
            body: dict[str, Any] = {
                "schema_version": 1,
                "entry_number": entry_number,
                "latest": record,
                "history": history,
                "dispositions": dispositions,
                "entry_stored": stored is not None,
            }
            return self.json(body)

    @app.page("/holds")
    class HoldsView(View):
        @protected(rt.settings)
        async def get(self, request: Request) -> Response:
            try:
                since_ms, limit, (start_ms, skip) = holds_query(request.query)
            except BadParameter as exc:
                return self.json({"error": str(exc)}, status=400)
            page = await rt.audit.holds_page(start_ms, skip, limit)
            scores = [score for _r, score in page]
            body = {
                "schema_version": 1,
                "since": iso(since_ms / 1000),
                "items": [record for record, _s in page if record],
                "next_cursor": next_cursor(start_ms, skip, scores, limit),
            }
            return self.json(body)

    @app.page("/lists")
    class ListsView(View):
        @protected(rt.settings)
        async def get(self, request: Request) -> Response:
            live = await rt.store.live_versions()
            metas = await rt.store.version_meta(live)
            sources: dict[str, Any] = {}
            for source, version in live.items():
                m = metas[source]
                sources[source] = {
                    "version": version,
                    "entities": int(m.get("entities", 0)),
                    "names": int(m.get("names", 0)),
                    "published": m.get("published") or None,
                    "loaded_at": m.get("loaded_at") or None,
                    "in_force": rt.lists.versions.get(source) == version,
                }
            body = {
                "schema_version": 1,
                "sources": sources,
                "in_force": rt.lists.versions,
                "in_force_since": iso(rt.lists.loaded_at) if rt.lists.loaded_at else None,
            }
            return self.json(body)
