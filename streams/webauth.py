"""Optional bearer-token protection of the worker's web API and page (``settings.web_token``).

Liveness, readiness and metrics stay open so probes and Prometheus need no secret; everything else
(the page, /api/summary, /entries, /holds, /lists) requires ``Authorization: Bearer <token>`` or
``?token=<token>`` when a token is configured."""

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
