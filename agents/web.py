"""The worker's web server: liveness, readiness with named degraded states, Prometheus metrics, a
JSON summary and the operator's page that polls it.

  /             the page (static HTML + JS from agents/static/, no inline script: CSP 'self')
  /api/summary  counts, decisions/s, live lists (with their published names) and their age, the latest holds
                with highlighted names (the page's review queue reads /api/queue, agents/desk.py)
  /metrics      Prometheus text exposition (streams.metrics)
  /health       live: the event loop answers
  /ready        200 when lists are loaded, Redis answers, the broker answers, partitions are assigned and
                the screening agent is consuming (not crashed, no batch stuck past
                screen_stall_after_s); 503 otherwise, naming each problem. Degraded states (still 200):
                lists_stale (``lists_stale`` names the sources published longer ago than their
                stale_after), lists_reload_failing
"""

from __future__ import annotations

import asyncio
import logging
import time
from importlib import resources
from typing import Any

import faust
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST

from screening.freshness import is_stale, published_age_s, stale_after_s
from screening.list_names import list_name
from streams import topics
from streams.metrics import PartitionPosition
from streams.runtime import Runtime
from streams.webauth import protected

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0
HOLDS_SHOWN = 25
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}

# Named states. Problems make /ready answer 503; degradations are reported with a 200.
LISTS_NOT_LOADED = "lists_not_loaded"
REDIS_UNREACHABLE = "redis_unreachable"
BROKER_UNREACHABLE = "broker_unreachable"
NO_PARTITIONS = "no_partitions_assigned"
LISTS_STALE = "lists_stale"
LISTS_RELOAD_FAILING = "lists_reload_failing"


def raw(view: View, body: bytes, content_type: str, *, status: int = 200, secure: bool = True) -> Response:
    # aiohttp refuses a charset inside content_type=, so the header is set directly
    headers = {**(SECURITY_HEADERS if secure else {}), "Content-Type": content_type}
    return view.bytes(body, status=status, headers=headers)


def assigned_count(app: faust.App) -> int:
    if app._consumer is None:
        return 0
    try:
        return len(app.consumer.assignment())
    except Exception:  # not started yet / rebalancing
        return 0


def assigned_entry_partitions(app: faust.App, entries_topic: str) -> int:
    """Partitions of entries.v1 this worker screens (the assignment also holds other topics')."""
    if app._consumer is None:
        return 0
    try:
        return sum(1 for tp in app.consumer.assignment() if tp.topic == entries_topic)
    except Exception:  # not started yet / rebalancing
        return 0


def static_file(name: str) -> bytes:
    return resources.files("agents").joinpath("static", name).read_bytes()


def consumer_positions(app: faust.App, entries_topic: str) -> list[PartitionPosition]:
    """Positions of the entries.v1 partitions assigned to this worker, from Faust's consumer state
    (committed and last read offsets) and aiokafka's high watermark of the latest fetch response."""
    if app._consumer is None:
        return []
    consumer: Any = app.consumer
    try:
        assigned = sorted(tp for tp in consumer.assignment() if tp.topic == entries_topic)
    except Exception:  # not started / being rebalanced
        return []
    out = []
    for tp in assigned:
        try:
            highwater: int | None = consumer.highwater(tp)
        except Exception:
            highwater = None
        out.append(
            PartitionPosition(
                tp.topic,
                tp.partition,
                consumer._committed_offset.get(tp),
                consumer._read_offset.get(tp),
                highwater,
            )
        )
    return out


async def broker_reachable(app: faust.App, bootstrap: str) -> bool:
    """A metadata round trip through the worker's producer client; a TCP connect before it exists."""
    producer = getattr(app.producer, "_producer", None) if app._producer is not None else None
    client = getattr(producer, "client", None)
    try:
        if client is not None:
            await asyncio.wait_for(client.fetch_all_metadata(), CHECK_TIMEOUT_S)
            return True
        host, _, port = bootstrap.split(",")[0].strip().rpartition(":")
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), CHECK_TIMEOUT_S)
        writer.close()
        return True
    except Exception as exc:
        log.debug("broker check failed: %s", exc)
        return False


async def redis_reachable(rt: Runtime) -> bool:
    try:
        return bool(await asyncio.wait_for(rt.redis.ping(), CHECK_TIMEOUT_S))
    except Exception as exc:
        log.debug("redis check failed: %s", exc)
        return False


def list_views(rt: Runtime) -> list[dict[str, Any]]:
    """The live lists: ``age_s`` since the version went live, ``published_age_s`` since its publisher's
    date, and ``stale`` past the source's ``stale_after_s`` (by publication age; by live age when the
    version has no publication date)."""
    now = time.time()
    s = rt.settings
    views = []
    for li in rt.list_infos():
        limit = stale_after_s(li.source, s.lists_sources_file, s.lists_stale_after_h)
        published_age = published_age_s(li.published, now)
        views.append(
            {
                "source": li.source,
                "name": list_name(li.source),
                "version": li.version,
                "entities": li.entities,
                "published": li.published,
                "published_age_s": None if published_age is None else round(published_age, 1),
                "age_s": None if li.loaded_at is None else round(max(0.0, now - li.loaded_at), 1),
                "stale_after_s": limit,
                "stale": is_stale(li.published, li.loaded_at, limit, now),
            }
        )
    return views


async def readiness(app: faust.App, rt: Runtime) -> dict[str, Any]:
    s = rt.settings
    redis_ok, broker_ok = await asyncio.gather(redis_reachable(rt), broker_reachable(app, s.kafka_bootstrap))
    assigned = assigned_count(app)
    lists_ok = rt.lists.ready and bool(rt.lists.versions)
    problems = [
        name
        for name, ok in (
            (LISTS_NOT_LOADED, lists_ok),
            (REDIS_UNREACHABLE, redis_ok),
            (BROKER_UNREACHABLE, broker_ok),
            (NO_PARTITIONS, assigned > 0),
        )
        if not ok
    ]
    health = rt.screen_health
    agent_problems = health.problems(s.screen_stall_after_s)
    problems += agent_problems
    lists = list_views(rt)
    degraded = []
    stale = [li["source"] for li in lists if li["stale"]]
    if stale:
        degraded.append(LISTS_STALE)
    if rt.lists.last_error:
        degraded.append(LISTS_RELOAD_FAILING)
    return {
        "status": "ready" if not problems else "not_ready",
        "health": "ok" if not problems and not degraded else ("degraded" if not problems else "failing"),
        "problems": problems,
        "degraded": degraded,
        "checks": {
            "lists": lists_ok,
            "redis": redis_ok,
            "broker": broker_ok,
            "partitions": assigned > 0,
            "screen_agent": not agent_problems,
        },
        "screen_agent": {
            "state": health.state,
            "batch_in_progress_s": round(health.busy_for(), 1),
            "batches": health.batches,
            "crashes": health.crashes,
            "fallbacks": health.fallbacks,
            "retries": health.retries,
            "last_error": health.last_error,
        },
        "lists_loaded": lists_ok,
        "list_versions": rt.lists.versions,
        "lists": lists,
        "lists_stale": stale,
        "lists_error": rt.lists.last_error,
        "assigned_partitions": assigned,
        "assigned_entry_partitions": assigned_entry_partitions(app, s.topic(topics.ENTRIES)),
        "counts": rt.counts,
    }


def attach(app: faust.App, rt: Runtime) -> None:
    entries_topic = rt.settings.topic(topics.ENTRIES)
    rt.metrics.positions_source = lambda: consumer_positions(app, entries_topic)
    assets = {name: static_file(name) for name in STATIC}

    @app.page("/")
    class Index(View):
        @protected(rt.settings)
        async def get(self, request: Request) -> Response:
            return raw(self, assets["index.html"], STATIC["index.html"])

    @app.page("/static/{name}")
    class Static(View):
        @protected(rt.settings)
        async def get(self, request: Request, name: str) -> Response:
            if name not in assets:
                return self.text("not found", status=404)
            return raw(self, assets[name], STATIC[name])

    @app.page("/api/summary")
    class Summary(View):
        @protected(rt.settings)
        async def get(self, request: Request) -> Response:
            ready = await readiness(app, rt)
            body = {
                "app_id": rt.settings.app_id,
                "uptime_s": round(time.time() - rt.started_at, 1),
                "status": ready["status"],
                "health": ready["health"],
                "problems": ready["problems"],
                "degraded": ready["degraded"],
                "counts": rt.counts,
                "decisions_per_second": round(rt.activity.decisions.rate(), 2),
                "lists": ready["lists"],
                "lists_stale": ready["lists_stale"],
                "assigned_partitions": ready["assigned_partitions"],
                "lag": sum(p.lag or 0 for p in consumer_positions(app, entries_topic)),
                "holds": rt.activity.latest(HOLDS_SHOWN),
            }
            return self.json(body, headers=dict(SECURITY_HEADERS))

    @app.page("/metrics")
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            return raw(self, rt.metrics.exposition(), CONTENT_TYPE_LATEST, secure=False)

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "uptime_s": round(time.time() - rt.started_at, 1)})

    @app.page("/ready")
    class Ready(View):
        async def get(self, request: Request) -> Response:
            body = await readiness(app, rt)
            return self.json(body, status=200 if body["status"] == "ready" else 503)
