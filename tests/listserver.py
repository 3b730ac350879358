"""A publisher on loopback for the fetch tests: recorded list files served over HTTP by ``http.server``
on 127.0.0.1 and a free port, in a thread. No internet is used anywhere in the tests.

    with ListServer() as srv:
        srv.route("/dpl.txt", body, etag='"v1"', last_modified="Tue, 03 Mar 2026 10:00:00 GMT")
        srv.url("/dpl.txt")
        srv.requests   # [(path, {header: value})], every request received

A route can answer 304 to a matching If-None-Match, fail with a status, redirect, wait before answering
(a timeout), announce a Content-Length longer than the body it sends (a truncated body), or send no
Content-Length at all (the body ends when the connection closes).
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/plain"
    etag: str | None = None
    last_modified: str | None = None
    redirect_to: str | None = None
    delay_s: float = 0.0
    send_bytes: int | None = None  # send only this many bytes of the body (Content-Length says all)
    no_length: bool = False
    honour_conditional: bool = True
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        srv = self.server
        srv.requests.append((self.path, {k: v for k, v in self.headers.items()}))
        route = srv.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        if route.delay_s:
            time.sleep(route.delay_s)
        if route.redirect_to is not None:
            self.send_response(route.status if 300 <= route.status < 400 else 302)
            self.send_header("Location", route.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if route.honour_conditional and route.etag and self.headers.get("If-None-Match") == route.etag:
            self.send_response(304)
            self.send_header("ETag", route.etag)
            self.end_headers()
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        for k, v in route.headers.items():
            self.send_header(k, v)
        if not route.no_length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        body = route.body if route.send_bytes is None else route.body[: route.send_bytes]
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a cap, a timeout)
            self.wfile.write(body)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]


class ListServer:
    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        return self.httpd.requests

    def route(self, path: str, body: bytes = b"", **kw: object) -> Route:
        route = Route(body, **kw)  # type: ignore[arg-type]
        self.httpd.routes[path] = route
        return route

    def __enter__(self) -> ListServer:
        self.thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
