"""The reviewer's desk on the worker's web server (answers validate against schemas/api-*.v1.json):

GET  /api/queue         open HOLD/REVIEW decisions, filtered, sorted and paged (``screening.queue``)
GET  /api/export        a period's HOLD/REVIEW decisions, one row per reason, CSV or JSON lines (as
                        ``entrywatch holds export``)
POST /api/dispositions  a reviewer's disposition, produced to dispositions.v1 like a broker system's record
                        and applied by the dispositions agent (idempotent by disposition_id, audited)

Reads take the bearer token like /holds; the write also needs a CSRF-safe request (streams.webauth).
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import faust
from faust.web import Request, Response, View

from agents.api import BadParameter, _param, read_body
from agents.screen import raw_topic
from screening.queue import OPEN_DECISIONS, QueueFilter, facets
from stores.audit import compact_json
from streams import topics
from streams.codecs import JSONRefused, loads, now_iso
from streams.desk import RequestError, check_scope, disposition_from_request, item_view, screened_ms
from streams.export import export_rows, write_csv, write_jsonl
from streams.runtime import Runtime
from streams.since import FORMS, parse_since
from streams.webauth import protected, write_protected

MAX_PAGE = 500
MAX_TEXT = 200
MAX_BODY_BYTES = 64 * 1024
APPLY_WAIT_S = 5.0  # how long a POST waits to see its disposition applied before answering applied=false
_CODE = re.compile(r"[A-Z][A-Z0-9_]*", re.ASCII)
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]*", re.ASCII)


@dataclass(frozen=True, slots=True)
class QueueQuery:
    filter: QueueFilter
    limit: int
    offset: int


def _decisions(text: str) -> frozenset[str]:
    parts = {p.strip().upper() for p in text.split(",") if p.strip()}
    if not parts or not parts <= set(OPEN_DECISIONS):
        raise ValueError(text)
    return frozenset(parts)


def _pattern(rx: re.Pattern[str]) -> Any:
    def read(text: str) -> str:
        if not rx.fullmatch(text):
            raise ValueError(text)
        return text

    return read


def _text(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise ValueError(text)
    return text


def _order(text: str) -> bool:
    if text not in ("newest", "oldest"):
        raise ValueError(text)
    return text == "newest"


def _int_between(lo: int, hi: int) -> Any:
    def read(text: str) -> int:
        value = int(text)
        if not lo <= value <= hi:
            raise ValueError(text)
        return value

    return read


def _ms(text: str) -> int:
    return int(parse_since(text) * 1000)


def queue_query(query: Mapping[str, str]) -> QueueQuery:
    """``/api/queue``'s parameters. Raises BadParameter naming the parameter and the form it takes."""
    text = f"text of at most {MAX_TEXT} characters"
    f = QueueFilter(
        decisions=_param(query, "decision", "HOLD, REVIEW or HOLD,REVIEW", _decisions, frozenset()),
        code=_param(query, "code", "a reason code such as UFLPA_ENTITY", _pattern(_CODE), None),
        source=_param(query, "list", "a list source id such as uflpa or ofac_sdn", _pattern(_SOURCE), None),
        party=_param(query, "party", text, _text, None),
        q=_param(query, "q", text, _text, None),
        since_ms=_param(query, "since", FORMS, _ms, None),
        until_ms=_param(query, "until", FORMS, _ms, None),
        newest_first=_param(query, "order", "newest or oldest", _order, True),
    )
    limit = _param(query, "limit", f"an integer from 1 to {MAX_PAGE}", _int_between(1, MAX_PAGE), 50)
    offset = _param(query, "offset", "an integer of 0 or more (the next_offset of the previous page)",
                    _int_between(0, 10**9), 0)  # fmt: skip
    return QueueQuery(f, limit, offset)


def _format(text: str) -> str:
    if text not in ("csv", "jsonl"):
        raise ValueError(text)
    return text


def export_query(query: Mapping[str, str], now: float | None = None) -> tuple[int, int, str]:
    """``/api/export``'s since and until (epoch ms; default: the last 24 hours) and format (csv, jsonl)."""
    until = _param(query, "until", FORMS, _ms, int((time.time() if now is None else now) * 1000))
    since = _param(query, "since", FORMS, _ms, until - 86_400_000)
    if until <= since:
        raise BadParameter("until: expected a time after since")
    return since, until, _param(query, "format", "csv or jsonl", _format, "csv")


def _published_of(metas: Mapping[tuple[str, str], Any]) -> Any:
    def published(source: str, version: str) -> str | None:
        value = metas.get((source, version))
        if isinstance(value, bytes):
            value = value.decode()
        return value or None

    return published


def attach(app: faust.App, rt: Runtime) -> None:
    s = rt.settings
    dispositions_topic = raw_topic(app, s.topic(topics.DISPOSITIONS))

    async def publications(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        if not pairs:
            return {}
        ordered = sorted(pairs)
        pipe = rt.redis.pipeline(transaction=False)
        for source, version in ordered:
            pipe.hget(rt.store.keys.meta(source, version), "published")
        return dict(zip(ordered, await pipe.execute(), strict=True))

    @app.page("/api/queue")
    class QueueView(View):
        @protected(s)
        async def get(self, request: Request) -> Response:
            try:
                q = queue_query(request.query)
            except BadParameter as exc:
                return self.json({"error": str(exc)}, status=400)
            items = await rt.audit.open_items()
            timed = [(screened_ms(i), i) for i in items]
            chosen = [(ms, i) for ms, i in timed if q.filter.matches(i, ms)]
            chosen.sort(key=lambda t: (t[0], str(t[1].record.get("entry_number"))), reverse=q.filter.newest_first)
            page = [i for _ms, i in chosen[q.offset : q.offset + q.limit]]
            pairs: set[tuple[str, str]] = set()
            for view_item in page:
                versions = view_item.record.get("list_versions") or {}
                pairs.update((str(k), str(v)) for k, v in versions.items())
                for r in view_item.record.get("reasons") or []:
                    ev = r.get("evidence") or {}
                    upd = ev.get("list_update") if isinstance(ev, dict) else None
                    if isinstance(upd, dict) and upd.get("source") and r.get("list_version"):
                        pairs.add((str(upd["source"]), str(r["list_version"])))
                    elif r.get("entity_id") and r.get("list_version") and ":" in str(r["entity_id"]):
                        pairs.add((str(r["entity_id"]).split(":", 1)[0], str(r["list_version"])))
            published = _published_of(await publications(pairs))
            end = q.offset + len(page)
            body = {
                "schema_version": 1,
                "total": len(chosen),
                "open": len(items),
                "order": "newest" if q.filter.newest_first else "oldest",
                "offset": q.offset,
                "next_offset": end if end < len(chosen) else None,
                "facets": facets(items),
                "items": [item_view(i, published) for i in page],
            }
            return self.json(body)

    @app.page("/api/export")
    class ExportView(View):
        @protected(s)
        async def get(self, request: Request) -> Response:
            try:
                since, until, fmt = export_query(request.query)
            except BadParameter as exc:
                return self.json({"error": str(exc)}, status=400)
            records = await rt.audit.holds_between(since, until)
            disps = await rt.audit.dispositions_of(sorted({str(r["entry_number"]) for r in records}))
            rows = [row for r in records for row in export_rows(r, disps.get(str(r["entry_number"]), []))]
            out = io.StringIO()
            (write_csv if fmt == "csv" else write_jsonl)(rows, out)
            day = time.strftime("%Y%m%d-%H%M%S", time.gmtime(since / 1000))
            headers = {
                "Content-Type": "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8",
                "Content-Disposition": f'attachment; filename="entrywatch-holds-{day}.{fmt}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            }
            return self.bytes(out.getvalue().encode("utf-8"), headers=headers)

    @app.page("/api/dispositions")
    class DispositionsView(View):
        @write_protected(s)
        async def post(self, request: Request) -> Response:
            raw = await read_body(request, MAX_BODY_BYTES)
            if raw is None:
                return self.json({"error": f"body: larger than {MAX_BODY_BYTES} bytes"}, status=413)
            try:
                d = disposition_from_request(loads(raw), now_iso())
            except JSONRefused as exc:
                return self.json({"error": f"$: {exc.message}", "path": "$"}, status=400)
            except RequestError as exc:
                return self.json({"error": str(exc), "path": exc.path}, status=400)
            alert = await rt.audit.alert(d.alert_id)
            if alert is None or alert["record"].get("entry_number") != d.entry_number:
                return self.json(
                    {"error": f"$.alert_id: no decision {d.alert_id} of entry {d.entry_number}", "path": "$.alert_id"},
                    status=404,
                )
            try:
                check_scope(d, alert["record"])
            except RequestError as exc:
                return self.json({"error": str(exc), "path": exc.path}, status=400)
            record = d.to_json()
            value = compact_json(record)
            await (await dispositions_topic.send(key=d.entry_number.encode(), value=value))
            applied = await wait_applied(rt, d.entry_number, d.disposition_id)
            body = {
                "schema_version": 1,
                "disposition_id": d.disposition_id,
                "topic": s.topic(topics.DISPOSITIONS),
                "applied": applied,
                "disposition": record,
            }
            return self.json(body, status=202)


async def wait_applied(rt: Runtime, entry_number: str, disposition_id: str, wait_s: float = APPLY_WAIT_S) -> bool:
    """True once the dispositions agent has recorded it (so the queue already reflects it)."""
    deadline = time.monotonic() + wait_s
    while True:
        if await rt.audit.has_disposition(entry_number, disposition_id):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.1)
