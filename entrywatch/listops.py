"""Load list files into Redis and announce the new versions on lists.v1 (used by the CLI and `up`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from confluent_kafka import Producer

from screening.entities import ListSnapshot
from screening.lists.loader import Skipped, load
from stores.keys import Keys
from stores.lists import ListOlderThanLive, ListRefused, LoadResult, rollback, save_snapshot
from streams import topics
from streams.kafka import producer_config
from streams.security import sync_redis
from streams.settings import Settings


@dataclass
class LoadReport:
    loaded: list[LoadResult] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (source or path, reason)
    skipped: list[Skipped] = field(default_factory=list)
    kept_newer: list[tuple[str, str]] = field(default_factory=list)  # (source, reason): live one published later

    @property
    def ok(self) -> bool:
        return not self.refused

    def to_json(self) -> dict[str, object]:
        return {
            "loaded": [
                {
                    "source": r.source,
                    "version": r.version,
                    "previous_version": r.previous,
                    "entities": r.entities,
                    "changed": r.changed,
                    "pruned": list(r.pruned),
                }
                for r in self.loaded
            ],
            "refused": [{"what": w, "reason": why} for w, why in self.refused],
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "kept_newer": [{"source": w, "reason": why} for w, why in self.kept_newer],
        }


def redis_client(settings: Settings) -> redis.Redis:
    return sync_redis(settings, socket_timeout=30)


def list_event(result: LoadResult, event: str = "loaded") -> dict[str, object]:
    return {
        "schema_version": 1,
        "event": event,
        "source": result.source,
        "version": result.version,
        "previous_version": result.previous,
        "entities": result.entities,
        "at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def announce(settings: Settings, events: Sequence[dict[str, object]]) -> None:
    """Tell the workers on ``lists.v1``. Not idempotent: an event only makes a worker reload the live
    versions from Redis, so a repeat is harmless, and the idempotent producer's setup held each
    announcement back 0.5-1 s (benchmarks/bench_list_swap.py)."""
    if not events:
        return
    producer = Producer(producer_config(settings, **{"enable.idempotence": False}))
    for ev in events:
        producer.produce(settings.topic(topics.LISTS), key=str(ev["source"]).encode(), value=json.dumps(ev).encode())
    if producer.flush(30) != 0:
        raise RuntimeError("could not deliver list events to the broker")


def parse_paths(
    paths: Sequence[str], source: str | None = None, *, allow_truncated: bool = False
) -> tuple[list[ListSnapshot], LoadReport]:
    """Parse the newest version of each source under ``paths``; refused files are reported, not fatal."""
    report = LoadReport()
    result = load(paths, allow_truncated=allow_truncated)
    report.skipped = list(result.skipped)
    report.refused = [(f"{e.source or 'file'} {e.path}", e.message) for e in result.errors]
    snapshots = result.live
    if source is not None:
        snapshots = [s for s in snapshots if s.source == source]
    if not snapshots:
        what = f"source {source}" if source else "list files"
        detail = "; ".join(f"{w}: {why}" for w, why in report.refused)
        raise ListRefused(f"no {what} recognised under {', '.join(paths)}" + (f" ({detail})" if detail else ""))
    return snapshots, report


def load_lists(
    settings: Settings,
    paths: Sequence[str],
    *,
    source: str | None = None,
    force: bool = False,
    keep_newer: bool = False,
    allow_truncated: bool = False,
    announce_changes: bool = True,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Parse, store and announce. A refused source is reported and leaves its live version in force;
    the other sources still load."""
    snapshots, report = parse_paths(paths, source, allow_truncated=allow_truncated)
    return store_snapshots(
        settings,
        snapshots,
        report,
        force=force,
        keep_newer=keep_newer,
        announce_changes=announce_changes,
        progress=progress,
    )


def store_snapshots(
    settings: Settings,
    snapshots: Sequence[ListSnapshot],
    report: LoadReport | None = None,
    *,
    force: bool = False,
    keep_newer: bool = False,
    announce_changes: bool = True,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Store parsed snapshots as live versions (each refused one keeps its live version) and announce.
    With ``keep_newer``, a snapshot published before its live version is reported in ``kept_newer``
    instead of ``refused`` (the loaders that run at every start: the live list may be a newer fetch)."""
    report = report or LoadReport()
    r = redis_client(settings)
    try:
        for snap in snapshots:
            try:
                report.loaded.append(
                    save_snapshot(
                        r,
                        snap,
                        Keys(settings.redis_key_prefix),
                        max_shrink=settings.list_max_shrink,
                        force=force,
                        keep=settings.list_keep_versions,
                        progress=progress,
                    )
                )
            except ListOlderThanLive as exc:
                (report.kept_newer if keep_newer else report.refused).append((snap.source, str(exc)))
            except ListRefused as exc:
                report.refused.append((snap.source, str(exc)))
    finally:
        r.close()
    if announce_changes:
        announce(settings, [list_event(res) for res in report.loaded if res.changed])
    return report


def rollback_list(settings: Settings, source: str, to: str | None = None) -> LoadResult:
    r = redis_client(settings)
    try:
        result = rollback(r, Keys(settings.redis_key_prefix), source, to)
    finally:
        r.close()
    announce(settings, [list_event(result, "rolled_back")])
    return result
