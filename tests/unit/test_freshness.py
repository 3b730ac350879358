"""Freshness by publication date: ages, ordering, per-source stale_after with the setting as override,
and where it shows: /ready's lists (lists_stale naming the sources), the metric."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from agents.web import list_views
from screening.freshness import format_age, is_stale, published_age_s, published_before, stale_after_s
from streams.metrics import ListInfo, Metrics
from streams.settings import Settings

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).timestamp()
DAY = 86400.0


@pytest.mark.parametrize(
    ("new", "live", "before"),
    [
        ("2023-11-30", "2026-03-01", True),
        ("2026-03-01", "2026-03-01", False),
        ("2026-03-02", "2026-03-01", False),
        ("2026-03-01T08:00:00Z", "2026-03-01T09:00:00Z", True),  # both with a time: by the minute
        ("2026-03-01", "2026-03-01T09:00:00Z", False),  # a bare date and a time of the same day: by day
        ("2026-02-28", "2026-03-01T00:30:00+02:00", False),  # 2026-02-28T22:30Z: the same day in UTC
        (None, "2026-03-01", False),
        ("2026-03-01", None, False),
        ("garbage", "2026-03-01", False),
    ],
)
def test_published_before(new: str | None, live: str | None, before: bool) -> None:
    assert published_before(new, live) is before


def test_published_age() -> None:
    assert published_age_s("2026-03-10", NOW) == 12 * 3600
    assert published_age_s("2026-03-09T12:00:00Z", NOW) == DAY
    assert published_age_s("2027-01-01", NOW) == 0.0  # a date in the future is not a negative age
    assert published_age_s(None, NOW) is None and published_age_s("", NOW) is None
    assert format_age(None) == "-" and format_age(600) == "10 min" and format_age(7200) == "2.0 h"
    assert format_age(10 * DAY) == "10.0 d"


def test_stale_after_per_source_and_the_override(tmp_path: Path) -> None:
    assert stale_after_s("ofac_sdn") == 7 * DAY
    assert stale_after_s("uflpa") == 45 * DAY
    assert stale_after_s("cbp_wro_names") is None  # no publisher in the table: never stale
    assert stale_after_s("cbp_wro_names", override_h=24) == DAY  # the setting applies to every source
    assert stale_after_s("ofac_sdn", override_h=24) == DAY
    table = tmp_path / "sources.json"
    table.write_text(json.dumps({"sources": {"ofac_sdn": {"stale_after_h": 48}}}))
    assert stale_after_s("ofac_sdn", str(table)) == 2 * DAY
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert stale_after_s("ofac_sdn", str(broken)) == 7 * DAY  # the worker falls back to the built-in table


def test_is_stale_by_publication_else_by_load() -> None:
    assert is_stale("2026-03-01", NOW - 60, 7 * DAY, NOW)  # loaded a minute ago, published 9.5 days ago
    assert not is_stale("2026-03-05", NOW - 30 * DAY, 7 * DAY, NOW)
    assert is_stale(None, NOW - 8 * DAY, 7 * DAY, NOW)  # no date: live for 8 days
    assert not is_stale(None, None, 7 * DAY, NOW) and not is_stale("2020-01-01", None, None, NOW)


def runtime(infos: list[ListInfo], **settings: Any) -> Any:
    return SimpleNamespace(settings=Settings(**settings), list_infos=lambda: infos)


def test_ready_lists_name_the_stale_sources() -> None:
    now = time.time()
    recent = datetime.fromtimestamp(now - 2 * DAY, UTC).date().isoformat()
    infos = [
        ListInfo("ofac_sdn", "2024-05-03-e2ae7cb6", 14965, now - 60, "2024-05-03"),
        ListInfo("un_sc", f"{recent}-x", 1003, now - 60, recent),
        ListInfo("cbp_wro_names", "sha-4bd4588ffe33", 80, now - 400 * DAY, None),
    ]
    views = {v["source"]: v for v in list_views(runtime(infos))}
    sdn = views["ofac_sdn"]
    assert sdn["stale"] and sdn["stale_after_s"] == 7 * DAY and sdn["published_age_s"] > 600 * DAY
    assert sdn["age_s"] < 120
    assert not views["un_sc"]["stale"] and 2 * DAY - 60 < views["un_sc"]["published_age_s"] < 3 * DAY
    assert not views["cbp_wro_names"]["stale"] and views["cbp_wro_names"]["published_age_s"] is None
    overridden = {v["source"]: v["stale"] for v in list_views(runtime(infos, lists_stale_after_h=24))}
    assert overridden == {"ofac_sdn": True, "un_sc": True, "cbp_wro_names": True}


def test_published_age_metric() -> None:
    m = Metrics()
    m.lists_source = lambda: [
        ListInfo("un_sc", "2026-02-27-66b392a4", 1003, loaded_at=time.time(), published="2026-02-27"),
        ListInfo("cbp_wro_names", "sha-x", 80, loaded_at=time.time(), published=None),
    ]
    found = {
        s.labels["source"]: s.value
        for fam in text_string_to_metric_families(m.exposition().decode())
        for s in fam.samples
        if s.name == "entrywatch_list_published_age_seconds"
    }
    expected = time.time() - datetime(2026, 2, 27, tzinfo=UTC).timestamp()
    assert set(found) == {"un_sc"} and abs(found["un_sc"] - expected) < 5
