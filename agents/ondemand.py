"""On-demand screening on the worker's web server, against the lists in force (bearer token like /holds;
answers validate against schemas/api-*.v1.json):

POST /match   one name or a batch (name, kind, country, city, identifiers): the matches with explanations, as
              ``entrywatch match`` prints them, and the listed entities whose identifiers equal the query's
POST /screen  one customs entry (customs-entry.v1): the decision record the stream would send, read by the
              same strict decoder; nothing is recorded or sent
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust
from faust.web import Request, Response, View

from agents.api import read_body
from screening.screen import screen_entry
from screening.suppression import decision_keys
from streams.codecs import JSONRefused, Rejected, decode_entry, loads, now_iso
from streams.ondemand import MatchRequestError, match_answer, parse_match_request, screen_record
from streams.runtime import Runtime
from streams.webauth import protected

MAX_MATCH_BODY = 256 * 1024


def attach(app: faust.App, rt: Runtime) -> None:
    s = rt.settings

    @app.page("/match")
    class MatchView(View):
        @protected(s)
        async def post(self, request: Request) -> Response:
            raw = await read_body(request, MAX_MATCH_BODY)
            if raw is None:
                return self.json({"error": f"body: larger than {MAX_MATCH_BODY} bytes"}, status=413)
            try:
                queries, top = parse_match_request(loads(raw))
            except JSONRefused as exc:
                return self.json({"error": f"$: {exc.message}", "path": "$"}, status=400)
            except MatchRequestError as exc:
                return self.json({"error": str(exc), "path": exc.path}, status=400)
            ctx = await rt.lists.current()
            results: list[dict[str, Any]] = []
            for q in queries:
                results.append(match_answer(ctx.index, q, top, ctx.facts))
                await asyncio.sleep(0)  # let the stream and other requests run between names
            body = {"schema_version": 1, "list_versions": ctx.list_versions, "results": results}
            return self.json(body)

    @app.page("/screen")
    class ScreenView(View):
        @protected(s)
        async def post(self, request: Request) -> Response:
            raw = await read_body(request, s.max_message_bytes)
            if raw is None:
                return self.json({"error": f"body: larger than {s.max_message_bytes} bytes"}, status=413)
            entry = decode_entry(raw, s.max_message_bytes)
            if isinstance(entry, Rejected):
                return self.json(
                    {"error": entry.message, "error_kind": entry.kind, "error_path": entry.path}, status=400
                )
            ctx, fps = await rt.lists.current_view()
            decision = screen_entry(entry, ctx)
            state = await rt.audit.read_batch([], decision_keys(decision, fps))
            return self.json(screen_record(decision, fps, state.suppressions, now_iso()))
