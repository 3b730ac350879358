"""``lists fetch`` against a publisher on loopback (tests/listserver.py) and a fakeredis store: 200, 304 with
an ETag, same content, a 500, a timeout, redirects, a truncated body, an HTML error page, an oversize body,
a source that shrinks by 90% or goes back in time (refused, live version kept), mirrors, the CLI."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest

from entrywatch.fetch import STATE_FILE, Fetcher, FetchError, FetchResult, check_body, http_date_to_iso_date
from screening.list_sources import Source, SourceFile, load_sources
from stores.keys import Keys
from stores.lists import live_versions, rollback, status
from streams.settings import Settings
from tests.conftest import LISTS
from tests.listserver import ListServer

DPL = (LISTS / "bis" / "dpl-2023-11-30.txt").read_bytes()
NEW_ROW = (
    b'"ZANTHOR POLYSILICON TRADING CO., LTD."\t"1 TEST ROAD"\t"URUMQI"\t""\t"CN"\t"830000"\t"03/01/2026"\t'
    b'"03/01/2036"\t"Y"\t"2026-03-01"\t"FR NOTICE ADDED"\t"91 F.R. 1 3/1/2026"\n'
)
DPL_NEW = DPL.rstrip(b"\n") + b"\n" + NEW_ROW
DPL_TENTH = b"\n".join(DPL.split(b"\n")[:67]) + b"\n"  # header + 66 of 665 rows: a 90% shrink
MARCH = "Tue, 03 Mar 2026 10:00:00 GMT"
APRIL = "Wed, 01 Apr 2026 08:00:00 GMT"
HTML_ERROR = (
    b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body>" + b"x" * 5000 + b"</body></html>"
)


@pytest.fixture()
def srv() -> Iterator[ListServer]:
    with ListServer() as s:
        yield s


@pytest.fixture()
def r() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis()


def dpl_source(url: str, **kw: Any) -> Source:
    fields: dict[str, Any] = {
        "name": "bis_dpl",
        "title": "BIS DPL (test)",
        "list_source": "bis_dpl",
        "format": "tsv",
        "files": (SourceFile("dpl.txt", url, min_bytes=1000),),
        "timeout_s": 5.0,
        "max_bytes": 1_000_000,
        "stale_after_h": 720.0,
        "published": "last_modified",
    }
    fields.update(kw)
    return Source(**fields)


def fetcher(r: fakeredis.FakeRedis, cache: Path, **kw: Any) -> Fetcher:
    return Fetcher(Settings(redis_key_prefix="ew"), r, cache_dir=cache, **kw)  # type: ignore[call-arg]


def live(r: fakeredis.FakeRedis) -> dict[str, str]:
    return live_versions(r, Keys("ew"))


# -- 200, 304, same content ----------------------------------------------------------------------------


def test_200_loads_a_new_version_and_keeps_the_raw_file(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH, content_type="text/plain")
    res = fetcher(r, tmp_path).fetch(dpl_source(srv.url("/dpl.txt")))
    assert res.status == "loaded", res.detail
    assert res.published == "2026-03-03" and res.published_from == "last_modified"
    assert res.version is not None and res.version.startswith("2026-03-03-") and res.entities == 665
    assert live(r) == {"bis_dpl": res.version} and res.load is not None and res.load.changed
    assert (tmp_path / "bis_dpl" / "dpl.txt").read_bytes() == DPL
    state = json.loads((tmp_path / "bis_dpl" / STATE_FILE).read_text())
    f = state["files"]["dpl.txt"]
    assert f["url"] == srv.url("/dpl.txt") and f["etag"] == '"v1"' and f["last_modified"] == MARCH
    assert f["bytes"] == len(DPL) and len(f["sha256"]) == 64 and f["fetched_at"].endswith("Z")
    assert state["version"] == res.version and state["published"] == "2026-03-03"
    [row] = status(r, Keys("ew"))
    assert row.published == "2026-03-03" and row.published_age_s is not None and row.published_age_s > 0


def test_304_with_the_etag_is_unchanged_and_loads_nothing(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    first = fetcher(r, tmp_path).fetch(source)
    again = fetcher(r, tmp_path).fetch(source)
    assert again.status == "unchanged" and "304" in again.detail
    assert again.version == first.version and again.load is None
    _path, headers = srv.requests[-1]
    assert headers.get("If-None-Match") == '"v1"' and headers.get("If-Modified-Since") == MARCH
    assert [f.status for f in again.files] == [304]
    assert r.lrange(Keys("ew").versions("bis_dpl"), 0, -1) == [first.version.encode()]  # type: ignore[union-attr]


def test_same_content_without_conditional_support_is_unchanged(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH, honour_conditional=False)
    source = dpl_source(srv.url("/dpl.txt"))
    assert fetcher(r, tmp_path).fetch(source).status == "loaded"
    again = fetcher(r, tmp_path).fetch(source)
    assert again.status == "unchanged" and "SHA-256" in again.detail and again.files[0].status == 200


def test_force_downloads_unconditionally(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    fetcher(r, tmp_path).fetch(source)
    forced = fetcher(r, tmp_path, force=True).fetch(source)
    assert "If-None-Match" not in srv.requests[-1][1]
    assert forced.status == "unchanged" and forced.detail == "already live"  # same version: nothing to swap


def test_a_changed_file_becomes_the_next_version(srv: ListServer, r: Any, tmp_path: Path) -> None:
    route = srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    first = fetcher(r, tmp_path).fetch(source)
    route.body, route.etag, route.last_modified = DPL_NEW, '"v2"', APRIL
    second = fetcher(r, tmp_path).fetch(source)
    assert second.status == "loaded" and second.previous_version == first.version and second.entities == 666
    assert second.published == "2026-04-01" and live(r) == {"bis_dpl": second.version}
    assert (tmp_path / "bis_dpl" / "dpl.txt").read_bytes() == DPL_NEW


def test_a_wiped_redis_is_loaded_again_from_a_304(srv: ListServer, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    fetcher(fakeredis.FakeRedis(), tmp_path).fetch(source)
    empty = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    res = fetcher(empty, tmp_path).fetch(source)
    assert res.files[0].status == 304 and res.status == "loaded" and res.published == "2026-03-03"


# -- failures: the live version stays -----------------------------------------------------------------


def loaded_first(srv: ListServer, r: Any, cache: Path) -> FetchResult:
    srv.route("/good/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    res = fetcher(r, cache).fetch(dpl_source(srv.url("/good/dpl.txt")))
    assert res.status == "loaded"
    return res


@pytest.mark.parametrize(
    ("route", "source_kw", "expected"),
    [
        ({"body": b"oops", "status": 500}, {}, "HTTP 500"),
        ({"body": DPL, "delay_s": 2.0}, {"timeout_s": 0.5}, "no answer within 0.5 s"),
        ({"body": DPL, "send_bytes": 5000}, {}, "cut short"),
        ({"body": HTML_ERROR, "content_type": "text/html; charset=utf-8"}, {}, "an HTML page"),
        ({"body": DPL}, {"max_bytes": 50_000}, "over this source's limit"),
        ({"body": DPL, "no_length": True}, {"max_bytes": 50_000}, "over this source's limit"),
        ({"body": b"Name\tStreet_Address\n"}, {}, "less than the 1,000 expected"),
        ({"body": b'<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>' + b" " * 2000}, {}, "markup"),
    ],
    ids=["http-500", "timeout", "truncated", "html-error-page", "oversize", "oversize-no-length", "tiny", "xml-error"],
)
def test_a_bad_download_fails_and_the_live_version_stays(
    srv: ListServer, r: Any, tmp_path: Path, route: dict[str, Any], source_kw: dict[str, Any], expected: str
) -> None:
    first = loaded_first(srv, r, tmp_path)
    srv.route("/bad/dpl.txt", **route)
    res = fetcher(r, tmp_path / "other").fetch(dpl_source(srv.url("/bad/dpl.txt"), **source_kw))
    assert res.status == "failed" and expected in res.detail, res.detail
    assert not res.ok and res.load is None
    assert live(r) == {"bis_dpl": first.version}
    assert not (tmp_path / "other" / "bis_dpl" / "dpl.txt").exists()  # nothing kept as if it were good


def test_redirects_are_followed_and_bounded(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, last_modified=MARCH)
    srv.route("/old/dpl.txt", redirect_to=srv.url("/moved/dpl.txt"), status=301)
    srv.route("/moved/dpl.txt", redirect_to="/dpl.txt", status=302)
    res = fetcher(r, tmp_path).fetch(dpl_source(srv.url("/old/dpl.txt")))
    assert res.status == "loaded", res.detail
    assert res.files[0].url == srv.url("/old/dpl.txt") and res.files[0].final_url == srv.url("/dpl.txt")
    for i in range(8):
        srv.route(f"/hop{i}", redirect_to=f"/hop{i + 1}")
    looped = fetcher(r, tmp_path / "b").fetch(dpl_source(srv.url("/hop0")))
    assert looped.status == "failed" and "redirects" in looped.detail


def test_a_90_percent_shrink_is_refused_kept_aside_and_forced(srv: ListServer, r: Any, tmp_path: Path) -> None:
    first = loaded_first(srv, r, tmp_path)
    source = dpl_source(srv.url("/good/dpl.txt"))
    srv.route("/good/dpl.txt", DPL_TENTH, etag='"v2"', last_modified=APRIL)
    res = fetcher(r, tmp_path).fetch(source)
    assert res.status == "refused" and "falls from 665 to 66 (90%)" in res.detail
    assert live(r) == {"bis_dpl": first.version}
    assert (tmp_path / "bis_dpl" / "dpl.txt").read_bytes() == DPL  # the cache still holds what is live
    refused = tmp_path / "bis_dpl" / "refused" / "2026-04-01"
    assert res.kept_at == str(refused) and (refused / "dpl.txt").read_bytes() == DPL_TENTH
    assert json.loads((refused / STATE_FILE).read_text())["refused_at"]
    from screening.lists.loader import load

    [kept] = load([refused]).live  # the folder loads by hand with the date the fetch gave it
    assert kept.published == "2026-04-01" and len(kept.entities) == 66
    again = fetcher(r, tmp_path).fetch(source)  # not taken for "unchanged": refused again
    assert again.status == "refused"
    forced = fetcher(r, tmp_path, force=True).fetch(source)
    assert forced.status == "loaded" and forced.entities == 66 and live(r) == {"bis_dpl": forced.version}


def test_a_file_the_parser_refuses_is_kept_aside(srv: ListServer, r: Any, tmp_path: Path) -> None:
    first = loaded_first(srv, r, tmp_path)
    binary = DPL[:3000] + b"\x00\x01\x02" * 400
    srv.route("/good/dpl.txt", binary, etag='"v2"', last_modified=APRIL)
    res = fetcher(r, tmp_path).fetch(dpl_source(srv.url("/good/dpl.txt")))
    assert res.status == "refused" and "binary data" in res.detail
    assert live(r) == {"bis_dpl": first.version}
    assert (tmp_path / "bis_dpl" / "refused" / "2026-04-01" / "dpl.txt").read_bytes() == binary


def test_content_already_loaded_is_not_loaded_again_without_a_cache(srv: ListServer, r: Any, tmp_path: Path) -> None:
    """Without the cache (a pod's /tmp) a rollback still holds, and a new Last-Modified on the same bytes is
    no new version."""
    route = srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    first = fetcher(r, tmp_path / "run1").fetch(source)
    route.last_modified = APRIL  # the same bytes, touched
    touched = fetcher(r, tmp_path / "run2").fetch(source)
    assert touched.status == "unchanged" and touched.detail == "same content as the live version"
    assert touched.version == first.version and live(r) == {"bis_dpl": first.version}

    route.body, route.etag = DPL_NEW, '"v2"'
    second = fetcher(r, tmp_path / "run3").fetch(source)
    assert second.status == "loaded"
    rollback(r, Keys("ew"), "bis_dpl")  # an operator goes back to the first version
    after = fetcher(r, tmp_path / "run4").fetch(source)
    assert after.status == "unchanged" and "not live (rolled back from?)" in after.detail
    assert live(r) == {"bis_dpl": first.version}
    forced = fetcher(r, tmp_path / "run5", force=True).fetch(source)
    assert forced.status == "loaded" and live(r) == {"bis_dpl": second.version}


def test_a_list_published_before_the_live_one_is_refused(srv: ListServer, r: Any, tmp_path: Path) -> None:
    first = loaded_first(srv, r, tmp_path)  # published 2026-03-03
    srv.route("/good/dpl.txt", DPL_NEW, etag='"old"', last_modified="Thu, 01 Jan 2026 00:00:00 GMT")
    res = fetcher(r, tmp_path).fetch(dpl_source(srv.url("/good/dpl.txt")))
    assert res.status == "refused" and "published 2026-01-01, before the live version" in res.detail
    assert live(r) == {"bis_dpl": first.version}


def test_a_file_no_parser_recognises_fails(srv: ListServer, r: Any, tmp_path: Path) -> None:
    first = loaded_first(srv, r, tmp_path)
    srv.route("/x.json", b'{"note": "not a list"}' + b" " * 2000, content_type="application/json")
    source = dpl_source(srv.url("/x.json"), format="json", files=(SourceFile("dpl.json", srv.url("/x.json")),))
    res = fetcher(r, tmp_path).fetch(source)
    assert res.status in ("failed", "refused") and not res.ok, res
    assert live(r) == {"bis_dpl": first.version}


# -- dates, dry run, mirrors ---------------------------------------------------------------------------


def test_a_file_that_states_its_date_wins_over_last_modified(srv: ListServer, r: Any, tmp_path: Path) -> None:
    xml = (LISTS / "un" / "un_sc_consolidated_2026-02-27.xml").read_bytes()
    srv.route("/consolidated.xml", xml, last_modified=APRIL, content_type="application/xml")
    source = Source(
        "un_sc", "UN (test)", "un_sc", "xml", (SourceFile("consolidated.xml", srv.url("/consolidated.xml"), 1000),),
        5.0, 10_000_000, 720.0, "file",
    )  # fmt: skip
    res = fetcher(r, tmp_path).fetch(source)
    assert res.status == "loaded" and res.published == "2026-02-27" and res.published_from == "file"


def test_no_date_anywhere_takes_the_day_of_the_fetch(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL)
    res = fetcher(r, tmp_path).fetch(dpl_source(srv.url("/dpl.txt")))
    assert res.status == "loaded" and res.published_from == "fetched_at"
    assert res.published == res.files[0].fetched_at[:10]


def test_dry_run_loads_and_keeps_nothing(srv: ListServer, r: Any, tmp_path: Path) -> None:
    first = loaded_first(srv, r, tmp_path / "cache")
    srv.route("/new/dpl.txt", DPL_NEW, last_modified=APRIL)
    res = fetcher(r, tmp_path / "dry", dry_run=True).fetch(dpl_source(srv.url("/new/dpl.txt")))
    assert res.status == "would_load" and res.previous_version == first.version and res.entities == 666
    assert live(r) == {"bis_dpl": first.version} and not (tmp_path / "dry").exists()
    srv.route("/tiny/dpl.txt", DPL_TENTH, last_modified=APRIL)
    refused = fetcher(r, tmp_path / "dry", dry_run=True).fetch(dpl_source(srv.url("/tiny/dpl.txt")))
    assert refused.status == "refused" and refused.kept_at is None and not (tmp_path / "dry").exists()


def test_mirror_url_and_folder_serve_the_same_file_names(srv: ListServer, r: Any, tmp_path: Path) -> None:
    publisher = dpl_source("https://publisher.invalid/dpl.txt")  # never asked
    srv.route("/mirror/bis_dpl/dpl.txt", DPL, last_modified=MARCH)
    by_url = fetcher(r, tmp_path / "a", mirror=srv.url("/mirror/")).fetch(publisher)
    assert by_url.status == "loaded" and by_url.files[0].url == srv.url("/mirror/bis_dpl/dpl.txt")

    folder = tmp_path / "mirror"
    (folder / "bis_dpl").mkdir(parents=True)
    (folder / "bis_dpl" / "dpl.txt").write_bytes(DPL_NEW)
    by_dir = fetcher(r, tmp_path / "b", mirror=str(folder)).fetch(publisher)
    assert by_dir.status == "loaded" and by_dir.entities == 666 and by_dir.files[0].status == 0
    assert by_dir.published == http_date_to_iso_date(by_dir.files[0].last_modified)  # the file's mtime


def test_a_cache_folder_is_a_mirror_with_the_publishers_dates(srv: ListServer, r: Any, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    fetcher(r, tmp_path / "online").fetch(source)
    airgapped = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    res = fetcher(airgapped, tmp_path / "offline", mirror=str(tmp_path / "online")).fetch(source)
    assert res.status == "loaded" and res.published == "2026-03-03" and res.files[0].etag == '"v1"'


def test_download_only_fills_a_mirror_folder_without_redis(srv: ListServer, tmp_path: Path) -> None:
    srv.route("/dpl.txt", DPL, etag='"v1"', last_modified=MARCH)
    source = dpl_source(srv.url("/dpl.txt"))
    mirror = tmp_path / "usb"
    connected = Fetcher(Settings(), None, cache_dir=mirror, download_only=True)  # type: ignore[call-arg]
    res = connected.fetch(source)
    assert res.status == "downloaded" and res.ok and res.entities == 665 and res.published == "2026-03-03"
    assert (mirror / "bis_dpl" / "dpl.txt").read_bytes() == DPL
    assert connected.fetch(source).status == "unchanged"  # an incremental refresh of the mirror: a 304
    srv.route("/dpl.txt", DPL_TENTH, etag='"v2"', last_modified=APRIL)
    bad = connected.fetch(source)  # parsed, but the shrink guard needs the live list: the site decides
    assert bad.status == "downloaded" and bad.entities == 66
    srv.route("/dpl.txt", HTML_ERROR, content_type="text/html")
    assert connected.fetch(source).status == "failed" and (mirror / "bis_dpl" / "dpl.txt").read_bytes() == DPL_TENTH

    airgapped = fakeredis.FakeRedis()
    res = fetcher(airgapped, tmp_path / "cache", mirror=str(mirror)).fetch(dpl_source("https://publisher.invalid/x"))
    assert res.status == "loaded" and res.published == "2026-04-01" and res.entities == 66


# -- checks and the table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "body", "ok"),
    [
        ("csv", b"\xef\xbb\xbfName,Address\n" + b"a,b\n" * 10, True),
        ("csv", b"<html><body>Access denied</body></html>", False),
        ("xml", b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST>', True),
        ("xml", b'<?xml version="1.0"?>\n<!DOCTYPE html><html>', False),
        ("xml", b"Name,Address", False),
        ("json", b'  [{"id": 1}]', True),
        ("json", b"<!doctype html>", False),
        ("html", b"<!DOCTYPE html><html lang=en>", True),
        ("html", b"Name of Entity,Effective Date", False),
    ],
)
def test_content_matches_the_expected_format(fmt: str, body: bytes, ok: bool) -> None:
    source = dpl_source("http://x", format=fmt)
    f = SourceFile("f", "http://x", min_bytes=1)
    if ok:
        check_body(source, f, body)
    else:
        with pytest.raises(FetchError, match=r"expected|HTML|markup"):
            check_body(source, f, body)


def test_builtin_sources_name_the_files_the_loader_expects() -> None:
    from screening.lists import ofac_cons, ofac_sdn

    sources = load_sources()
    assert {"ofac_sdn", "ofac_cons", "csl", "csl_json", "un_sc", "bis_dpl", "uflpa", "cbp_wro"} <= set(sources)
    assert tuple(f.name for f in sources["ofac_sdn"].files) == ofac_sdn.FILES
    assert tuple(f.name for f in sources["ofac_cons"].files) == ofac_cons.FILES
    assert sources["csl_json"].list_source == "csl"
    for s in sources.values():
        assert s.stale_after_h > 0 and s.timeout_s > 0 and all(f.url.startswith("https://") for f in s.files)


def test_a_sources_file_overrides_and_adds(tmp_path: Path) -> None:
    path = tmp_path / "sources.json"
    path.write_text(json.dumps({"sources": {
        "cbp_wro": {"enabled": True, "files": [{"name": "wro.csv", "url": "https://mirror.example/wro.csv"}]},
        "bis_dpl": {"stale_after_h": 24},
        "internal": {"title": "Our denied parties", "list_source": "internal", "format": "csv",
                     "files": [{"name": "denied.csv", "url": "https://intranet.example/denied.csv"}]},
    }}))  # fmt: skip
    sources = load_sources(path)
    assert sources["cbp_wro"].enabled and sources["cbp_wro"].files[0].url == "https://mirror.example/wro.csv"
    assert sources["bis_dpl"].stale_after_h == 24 and sources["bis_dpl"].files[0].name == "dpl.txt"
    assert sources["internal"].timeout_s == 120 and sources["internal"].stale_after_h == 0
    path.write_text(json.dumps({"sources": {"bis_dpl": {"timeout": 3}}}))
    with pytest.raises(ValueError, match="unknown field"):
        load_sources(path)
    path.write_text(json.dumps({"sources": {"../etc": {"format": "csv", "files": [{"name": "a", "url": "x"}]}}}))
    with pytest.raises(ValueError, match="source name"):
        load_sources(path)
    path.write_text(json.dumps({"sources": {"bis_dpl": {"files": [{"name": "../a", "url": "x"}]}}}))
    with pytest.raises(ValueError, match="bad file name"):
        load_sources(path)


# -- the command ---------------------------------------------------------------------------------------


def test_cli_one_failing_source_does_not_block_the_others(
    srv: ListServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from entrywatch.cli import fetch as cli_fetch
    from entrywatch.cli import main

    xml = (LISTS / "un" / "un_sc_consolidated_2026-02-27.xml").read_bytes()
    srv.route("/dpl.txt", DPL, last_modified=MARCH)
    srv.route("/un.xml", b"down", status=500)
    srv.route("/un-ok.xml", xml, etag='"u1"')
    table = tmp_path / "sources.json"
    table.write_text(json.dumps({"sources": {
        "bis_dpl": {"files": [{"name": "dpl.txt", "url": srv.url("/dpl.txt"), "min_bytes": 1000}]},
        "un_sc": {"files": [{"name": "consolidated.xml", "url": srv.url("/un.xml")}]},
    }}))  # fmt: skip
    store = fakeredis.FakeRedis()
    announced: list[dict[str, object]] = []
    monkeypatch.setattr(cli_fetch, "redis_client", lambda _settings: store)
    monkeypatch.setattr(cli_fetch, "announce", lambda _settings, events: announced.extend(events))
    # no broker or Redis server in a unit test: skip the reachability check (tested in test_cli_connect.py)
    monkeypatch.setattr(cli_fetch, "connect", lambda args, **_kw: cli_fetch.settings_from(args))
    monkeypatch.setenv("ENTRYWATCH_LISTS_SOURCES_FILE", str(table))
    monkeypatch.setenv("ENTRYWATCH_LISTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ENTRYWATCH_LISTS_MIRROR", raising=False)

    assert main(["lists", "fetch", "un_sc", "bis_dpl", "--json"]) == 2
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["source"], x["status"]) for x in lines] == [("un_sc", "failed"), ("bis_dpl", "loaded")]
    assert "HTTP 500" in lines[0]["detail"] and lines[1]["files"][0]["sha256"]
    assert [(e["source"], e["event"]) for e in announced] == [("bis_dpl", "loaded")]

    table.write_text(json.dumps({"sources": {
        "bis_dpl": {"files": [{"name": "dpl.txt", "url": srv.url("/dpl.txt"), "min_bytes": 1000}]},
        "un_sc": {"files": [{"name": "consolidated.xml", "url": srv.url("/un-ok.xml")}]},
    }}))  # fmt: skip
    assert main(["lists", "fetch", "un_sc", "bis_dpl"]) == 0
    out = capsys.readouterr().out
    assert "un_sc      loaded" in out and "bis_dpl    unchanged" in out
    assert len(announced) == 2  # only the changed source is announced again

    assert main(["lists", "fetch", "nonesuch"]) == 2
    assert "unknown source" in capsys.readouterr().err


def test_every_parses_intervals() -> None:
    import argparse

    from entrywatch.cli.fetch import parse_interval

    assert parse_interval("6h") == 21600 and parse_interval("30m") == 1800 and parse_interval("1d") == 86400
    assert parse_interval("120") == 120
    for bad in ("5s", "soon", "-1h"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_interval(bad)


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from entrywatch.fetch import default_cache_dir

    assert default_cache_dir(Settings(lists_cache_dir="/srv/c")) == Path("/srv/c")  # type: ignore[call-arg]
    assert default_cache_dir(Settings(data_dir="/var/ew")) == Path("/var/ew/lists-cache")  # type: ignore[call-arg]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir(Settings()) == tmp_path / "entrywatch" / "lists"
    assert os.environ["XDG_CACHE_HOME"] == str(tmp_path)
