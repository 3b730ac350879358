"""Worker web views: liveness, readiness and counts."""

from __future__ import annotations

from typing import Any

import faust
from faust.web import Request, Response, View

from streams.runtime import Runtime


def attach(app: faust.App, rt: Runtime) -> None:
    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/ready")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            assigned = len(app.consumer.assignment()) if app.consumer else 0
            body: dict[str, Any] = {
                "lists_loaded": rt.lists.ready,
                "list_versions": rt.lists.versions,
                "assigned_partitions": assigned,
                "lists_error": rt.lists.last_error,
                "counts": rt.counts,
            }
            ready = rt.lists.ready and assigned > 0
            body["status"] = "ready" if ready else "not_ready"
            return self.json(body, status=200 if ready else 503)
