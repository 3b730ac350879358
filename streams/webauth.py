"""Optional bearer-token protection of the worker's web API and page (``settings.web_token``).

Liveness, readiness and metrics stay open so probes and Prometheus need no secret; everything else
(the page, /api/summary, /api/queue, /entries, /holds, /lists, /match, /screen,
/api/dispositions) requires ``Authorization: Bearer <token>`` or
``?token=<token>`` when a token is configured.

Writes (``POST /api/dispositions``) also require a request a browser only sends from a page of the worker
itself (``write_protected``): ``Content-Type: application/json`` and an ``X-EntryWatch-Request`` header,
which a cross-site form cannot send and a cross-site script cannot add without a CORS preflight the worker
never grants; and an ``Origin``, when the browser sends one, naming the worker's own host. No cookie is
ever read, so a browser's ambient credentials authorise nothing."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from streams.settings import Settings

Handler = Callable[..., Awaitable[Any]]


def authorized(headers: Any, query: Any, settings: Settings) -> bool:
    if settings.web_token is None:
        return True
    expected = settings.web_token.get_secret_value()
    given = ""
    auth = headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        given = auth[len("Bearer ") :]
    elif "token" in query:
        given = query["token"]
    return hmac.compare_digest(given.encode(), expected.encode())


def protected(settings: Settings) -> Callable[[Handler], Handler]:
    """Decorate a Faust ``View`` method: 401 unless the request carries the token (when one is set)."""

    def wrap(fn: Handler) -> Handler:
        async def inner(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if not authorized(request.headers, request.query, settings):
                return self.json({"error": "unauthorized: a bearer token is required"}, status=401)
            return await fn(self, request, *args, **kwargs)

        inner.__name__ = fn.__name__
        return inner

    return wrap


CSRF_HEADER = "X-EntryWatch-Request"


def csrf_problem(headers: Any) -> str | None:
    """Why a write request is not one the worker's own page (or a script with the token) sends; None if it is."""
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return "a write needs Content-Type: application/json"
    if not headers.get(CSRF_HEADER, "").strip():
        return f"a write needs the {CSRF_HEADER} header"
    origin = headers.get("Origin")
    if origin is not None and origin != "null":
        host = headers.get("Host", "")
        if origin.split("://", 1)[-1].rstrip("/") != host:
            return f"origin {origin} is not this worker ({host})"
    elif origin == "null":
        return "a write from an opaque origin is refused"
    return None


def write_protected(settings: Settings) -> Callable[[Handler], Handler]:
    """``protected`` for writes: 401 without the token (when one is set), 403 unless ``csrf_problem`` is None."""

    def wrap(fn: Handler) -> Handler:
        async def inner(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if not authorized(request.headers, request.query, settings):
                return self.json({"error": "unauthorized: a bearer token is required"}, status=401)
            problem = csrf_problem(request.headers)
            if problem is not None:
                return self.json({"error": f"forbidden: {problem}"}, status=403)
            return await fn(self, request, *args, **kwargs)

        inner.__name__ = fn.__name__
        return inner

    return wrap
