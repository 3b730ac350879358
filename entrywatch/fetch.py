"""Download lists from their publishers (or a mirror), keep the raw files, load changed ones as new versions.

    fetcher = Fetcher(settings, redis_client, cache_dir=..., mirror=None, force=False, dry_run=False)
    result = fetcher.fetch(sources["ofac_sdn"])     # never raises: a failure is a result

Per source (``screening.list_sources``): every file is downloaded, with the ETag and Last-Modified of the last
fetch sent as If-None-Match / If-Modified-Since, and checked: the body is capped at the source's
``max_bytes`` (a larger one is refused, not read), must reach the file's ``min_bytes``, must match the
Content-Length (a body cut short is refused), and must look like the format expected (an HTML error page
where CSV was expected is refused). Redirects are followed up to :data:`MAX_REDIRECTS`, never from https
to http. When nothing changed (HTTP 304, or the same SHA-256 as the files of the last load) and the source
has a live version, the result is ``unchanged`` and nothing is loaded. Otherwise the files are staged in a
folder named by their publication date (the files' own date when the format states one, else the HTTP
Last-Modified, else the day they were fetched), parsed by the list loader (``screening.lists.loader``:
formats recognised by name and content) and saved through the store's guarded path
(``stores.lists.save_snapshot``: no empty list, no shrink beyond ``list_max_shrink`` and no version
published before the live one unless forced, written completely before the live pointer switches).

The cache folder (setting ``lists_cache_dir``) keeps, per source::

    <cache>/<source>/<file name>          the files of the version last loaded (or found already live)
    <cache>/<source>/.fetch.json          per file: URL, final URL, fetch time, ETag, Last-Modified,
                                          Content-Type, SHA-256, size; the version and its publication date
    <cache>/<source>/refused/<date>/      the files of the last version refused, with their .fetch.json

so a cache folder is itself a mirror (``--mirror DIR`` reads ``<DIR>/<source>/<file name>`` and the
publisher's Last-Modified from the ``.fetch.json`` beside it), and a refused version can be inspected and
loaded by hand (``entrywatch lists load <cache>/<source>/refused/<date> --force``).
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import redis

from screening.entities import ListSnapshot
from screening.list_sources import Source, SourceFile
from screening.lists.loader import load
from stores.keys import Keys
from stores.lists import (
    ListRefused,
    LoadResult,
    check_snapshot,
    kept_by_checksum,
    live_version,
    save_snapshot,
)
from streams.settings import Settings

MAX_REDIRECTS = 5
CHUNK = 1 << 16
USER_AGENT = "EntryWatch lists fetch (+https://github.com/entrywatch)"
STATE_FILE = ".fetch.json"
REFUSED_DIR = "refused"

Status = Literal["loaded", "unchanged", "would_load", "downloaded", "refused", "failed"]
OK_STATUSES = frozenset({"loaded", "unchanged", "would_load", "downloaded"})


class FetchError(Exception):
    """A download that must not be used: the source fails, its live version stays in force."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_cache_dir(settings: Settings) -> Path:
    """``lists_cache_dir``; else ``<data_dir>/lists-cache``; else the user's cache folder."""
    if settings.lists_cache_dir:
        return Path(settings.lists_cache_dir)
    if settings.data_dir:
        return Path(settings.data_dir) / "lists-cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "entrywatch" / "lists"


# -- one file ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileFetch:
    """What was fetched for one file of a source (its bytes are kept apart)."""

    name: str
    url: str  # where it was asked for (publisher or mirror)
    final_url: str  # after redirects
    status: int  # HTTP status (200, or 304: the cached copy is used); 0 for a file read from a folder
    etag: str | None
    last_modified: str | None  # as the server sent it (an HTTP date)
    content_type: str | None
    sha256: str
    bytes: int
    fetched_at: str

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urllib.parse.urlsplit(req.full_url).scheme, urllib.parse.urlsplit(newurl).scheme
        if new not in ("http", "https"):
            raise FetchError(f"redirected to {newurl}: only http and https are followed")
        if old == "https" and new == "http":
            raise FetchError(f"redirected from https to plain http ({newurl}): refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def http_get(
    url: str,
    *,
    timeout_s: float,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> tuple[int, bytes | None, Mapping[str, str], str]:
    """GET ``url`` -> (status, body or None on 304, headers, final URL). Raises :class:`FetchError` for an
    HTTP error, a timeout (``timeout_s`` for the whole download), too many redirects, a body over
    ``max_bytes`` or one shorter than its Content-Length."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_Redirects)  # honours http(s)_proxy / no_proxy
    deadline = time.monotonic() + timeout_s
    try:
        resp = opener.open(urllib.request.Request(url, headers=headers), timeout=timeout_s)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304:
            return 304, None, dict(exc.headers.items()), exc.url or url
        if 300 <= exc.code < 400:
            raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects (or a redirect loop)") from None
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"{url}: no answer within {timeout_s:g} s") from None
        raise FetchError(f"{url}: {reason}") from None
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout_s:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
    with resp:
        final_url = resp.geturl()
        got = {k: v for k, v in resp.headers.items()}
        length_text = resp.headers.get("Content-Length")
        length = int(length_text) if length_text and length_text.strip().isdigit() else None
        if length is not None and length > max_bytes:
            raise FetchError(f"{url}: {length:,} bytes announced, over this source's limit of {max_bytes:,}")
        parts: list[bytes] = []
        total = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: download not finished within {timeout_s:g} s ({total:,} bytes read)")
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise FetchError(f"{url}: body over this source's limit of {max_bytes:,} bytes: refused")
                parts.append(chunk)
        except http.client.IncompleteRead as exc:
            raise FetchError(f"{url}: body cut short ({total + len(exc.partial):,} bytes read)") from None
        except TimeoutError:
            raise FetchError(f"{url}: download stalled for {timeout_s:g} s ({total:,} bytes read)") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{url}: {type(exc).__name__} after {total:,} bytes: {exc}") from None
    if length is not None and total != length:
        raise FetchError(f"{url}: body cut short: {total:,} of {length:,} bytes (Content-Length)")
    return resp.status, b"".join(parts), got, final_url


def _describe(head: bytes) -> str:
    text = head[:40].decode("utf-8", "replace").replace("\n", " ").replace("\r", " ").strip()
    return repr(text) if text else "nothing"


def check_body(source: Source, f: SourceFile, body: bytes, content_type: str | None = None) -> None:
    """Refuse a body that cannot be this file: too small, or not the format expected (an HTML page where
    CSV was expected is an error or login page, not the list)."""
    if len(body) < f.min_bytes:
        raise FetchError(
            f"{f.name}: {len(body):,} bytes, less than the {f.min_bytes:,} expected at least "
            "(an empty or partial publication?)"
        )
    head = body[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    lower = head[:1024].lower()
    html = b"<!doctype html" in lower or b"<html" in lower
    if source.format == "html":
        if not html:
            raise FetchError(f"{f.name}: expected an HTML page, got {_describe(head)}")
        return
    if html:
        ct = f" (Content-Type {content_type})" if content_type else ""
        raise FetchError(
            f"{f.name}: an HTML page{ct} where {source.format} was expected: an error or login page, not the list"
        )
    first = head[:1]
    if source.format in ("csv", "tsv") and first == b"<":
        raise FetchError(f"{f.name}: markup where {source.format} was expected (an error document?): {_describe(head)}")
    if source.format == "xml" and first != b"<":
        raise FetchError(f"{f.name}: expected XML, got {_describe(head)}")
    if source.format == "json" and first not in (b"{", b"["):
        raise FetchError(f"{f.name}: expected JSON, got {_describe(head)}")


def http_date_to_iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()


# -- results -------------------------------------------------------------------------------------------


@dataclass
class FetchResult:
    source: str
    list_source: str
    status: Status
    detail: str = ""  # why unchanged / refused / failed
    version: str | None = None
    previous_version: str | None = None
    entities: int | None = None
    published: str | None = None
    published_from: str | None = None  # file | effective_dates | last_modified | fetched_at
    files: list[FileFetch] = field(default_factory=list)
    kept_at: str | None = None  # where the raw files are
    seconds: float = 0.0
    load: LoadResult | None = None

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "list_source": self.list_source,
            "status": self.status,
            "detail": self.detail,
            "version": self.version,
            "previous_version": self.previous_version,
            "entities": self.entities,
            "published": self.published,
            "published_from": self.published_from,
            "files": [f.to_json() for f in self.files],
            "kept_at": self.kept_at,
            "seconds": round(self.seconds, 3),
        }


# -- a source ------------------------------------------------------------------------------------------


@dataclass
class _Got:
    fetch: FileFetch
    body: bytes


class Fetcher:
    """Fetches sources one at a time into one Redis (``r``) and one cache folder. With ``download_only``
    (no Redis needed) the checked and parsed files are only written to the cache folder, which is then a
    mirror folder for an air-gapped site."""

    def __init__(
        self,
        settings: Settings,
        r: redis.Redis | None,
        *,
        cache_dir: Path,
        mirror: str | None = None,
        force: bool = False,
        dry_run: bool = False,
        download_only: bool = False,
        progress: Callable[[str, str], None] | None = None,
    ) -> None:
        if r is None and not download_only:
            raise ValueError("a Redis client is needed unless download_only")
        self.settings = settings
        self.r = r
        self.download_only = download_only
        self.keys = Keys(settings.redis_key_prefix)
        self.cache_dir = cache_dir
        self.mirror = mirror or None
        self.force = force
        self.dry_run = dry_run
        self.progress = progress or (lambda _source, _message: None)

    def fetch(self, source: Source) -> FetchResult:
        """Fetch, check and load one source; any failure is the result, never an exception."""
        started = time.monotonic()
        result = FetchResult(source.name, source.list_source, "failed")
        try:
            self._fetch(source, result)
        except FetchError as exc:
            result.status, result.detail = "failed", str(exc)
        except ListRefused as exc:
            result.status, result.detail = "refused", str(exc)
        except redis.RedisError as exc:
            result.status, result.detail = "failed", f"Redis: {type(exc).__name__}: {exc}"
        except Exception as exc:  # one source's surprise must not stop the others
            result.status, result.detail = "failed", f"{type(exc).__name__}: {exc}"
        result.seconds = time.monotonic() - started
        return result

    # where each file comes from

    def _location(self, source: Source, f: SourceFile) -> str:
        if self.mirror is None:
            return f.url
        if self.mirror.startswith(("http://", "https://")):
            return f"{self.mirror.rstrip('/')}/{urllib.parse.quote(source.name)}/{urllib.parse.quote(f.name)}"
        base = self.mirror.removeprefix("file://")
        return str(Path(base) / source.name / f.name)

    def _read_local(self, source: Source, f: SourceFile, path_text: str) -> _Got:
        path = Path(path_text)
        try:
            size = path.stat().st_size
            if size > source.max_bytes:
                raise FetchError(f"{path}: {size:,} bytes, over this source's limit of {source.max_bytes:,}")
            body = path.read_bytes()
        except OSError as exc:
            raise FetchError(f"{path}: {exc.strerror or exc}") from None
        sidecar = _read_state(path.parent).get("files", {}).get(f.name, {})
        if sidecar.get("sha256") != sha256(body):
            sidecar = {}  # the file was replaced since: its own modification time is all there is
        last_modified = sidecar.get("last_modified") or email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        got = FileFetch(
            f.name, str(path), str(path), 0, sidecar.get("etag"), last_modified, sidecar.get("content_type"),
            sha256(body), len(body), utc_now(),
        )  # fmt: skip
        return _Got(got, body)

    def _download(self, source: Source, f: SourceFile, url: str, prior: Mapping[str, Any] | None) -> _Got:
        status, body, headers, final_url = http_get(
            url,
            timeout_s=source.timeout_s,
            max_bytes=source.max_bytes,
            etag=(prior or {}).get("etag"),
            last_modified=(prior or {}).get("last_modified"),
        )
        h = {k.lower(): v for k, v in headers.items()}
        if status == 304:
            if prior is None:
                raise FetchError(f"{url}: HTTP 304 Not Modified to an unconditional request")
            cached = (self.cache_dir / source.name / f.name).read_bytes()
            got = FileFetch(
                f.name, url, final_url, 304, h.get("etag") or prior.get("etag"),
                h.get("last-modified") or prior.get("last_modified"), prior.get("content_type"),
                sha256(cached), len(cached), utc_now(),
            )  # fmt: skip
            return _Got(got, cached)
        assert body is not None
        got = FileFetch(
            f.name, url, final_url, status, h.get("etag"), h.get("last-modified"), h.get("content-type"),
            sha256(body), len(body), utc_now(),
        )  # fmt: skip
        return _Got(got, body)

    def _conditional(self, source: Source, f: SourceFile, url: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        """The last fetch of this file, when a conditional request may rely on the cached copy."""
        if self.force:
            return None
        prior = state.get("files", {}).get(f.name)
        cached = self.cache_dir / source.name / f.name
        if not prior or prior.get("url") != url or not cached.is_file():
            return None
        if sha256(cached.read_bytes()) != prior.get("sha256"):
            return None  # the cached copy was changed or damaged: fetch it whole
        return dict(prior)

    # the steps

    def _fetch(self, source: Source, result: FetchResult) -> None:
        state = _read_state(self.cache_dir / source.name)
        got: list[_Got] = []
        for f in source.files:
            url = self._location(source, f)
            self.progress(source.name, f"fetching {f.name} from {url}")
            if self.mirror is not None and not self.mirror.startswith(("http://", "https://")):
                item = self._read_local(source, f, url)
            else:
                item = self._download(source, f, url, self._conditional(source, f, url, state))
            if item.fetch.status != 304:
                check_body(source, f, item.body, item.fetch.content_type)
            self.progress(source.name, f"{f.name}: {item.fetch.bytes:,} bytes (HTTP {item.fetch.status or 'file'})")
            got.append(item)
        result.files = [g.fetch for g in got]

        known = state.get("files", {})
        same = set(known) == {g.fetch.name for g in got} and all(
            known[g.fetch.name].get("sha256") == g.fetch.sha256 for g in got
        )
        if self.download_only:
            self._download_only(source, got, state, same, result)
            return
        assert self.r is not None
        live = live_version(self.r, self.keys, source.list_source)
        if same and live is not None and not self.force:
            result.status, result.version = "unchanged", live
            not_modified = all(g.fetch.status == 304 for g in got)
            result.detail = "not modified (HTTP 304)" if not_modified else "same content as the last fetch (SHA-256)"
            result.published, result.published_from = state.get("published"), state.get("published_from")
            result.kept_at = str(self.cache_dir / source.name)
            if not self.dry_run:
                self._write_state(self.cache_dir / source.name, source, got, state, checked_only=True)
            return

        try:
            snap, published_from = self._parse(source, got)
        except ListRefused:
            if not self.dry_run:
                result.kept_at = str(self._keep_refused(source, got, None))
            raise
        result.version, result.entities = snap.version, len(snap.entities)
        result.published, result.published_from = snap.published, published_from
        self.progress(source.name, f"parsed {len(snap.entities):,} entities, version {snap.version}")
        folder = self.cache_dir / source.name
        kept = None if self.force or live is None else kept_by_checksum(self.r, self.keys, source.list_source)
        match = kept.get(snap.checksum) if kept else None
        if match is not None and (match != live or match != snap.version):
            # Content already loaded once: the live version under another id (its date came from the day of
            # the fetch, or from a new Last-Modified), or a version an operator rolled back from. Not loaded
            # again, with or without a cache.
            result.status, result.version = "unchanged", match
            result.detail = (
                "same content as the live version"
                if match == live
                else f"same content as kept version {match}, which is not live (rolled back from?): "
                "--force loads it again"
            )
            if not self.dry_run:
                self._keep(folder, got)
                self._write_state(folder, source, got, state, snap=snap, published_from=published_from)
                result.kept_at = str(folder)
            return
        try:
            if self.dry_run:
                previous = check_snapshot(
                    self.r, snap, self.keys, max_shrink=self.settings.list_max_shrink, force=self.force
                )
                result.previous_version = previous
                result.status = "unchanged" if previous == snap.version else "would_load"
                result.detail = "already live" if previous == snap.version else "would be loaded (dry run)"
                return
            loaded = save_snapshot(
                self.r,
                snap,
                self.keys,
                max_shrink=self.settings.list_max_shrink,
                force=self.force,
                keep=self.settings.list_keep_versions,
            )
        except ListRefused:
            if not self.dry_run:
                result.kept_at = str(self._keep_refused(source, got, snap, published_from))
            raise
        result.load, result.previous_version = loaded, loaded.previous
        result.status = "loaded" if loaded.changed else "unchanged"
        result.detail = "now live" if loaded.changed else "already live"
        self._keep(folder, got)
        self._write_state(folder, source, got, state, snap=snap, published_from=published_from)
        result.kept_at = str(folder)

    def _download_only(
        self, source: Source, got: list[_Got], state: Mapping[str, Any], same: bool, result: FetchResult
    ) -> None:
        folder = self.cache_dir / source.name
        result.kept_at = str(folder)
        if same and not self.force:
            result.status, result.version = "unchanged", state.get("version")
            result.detail = "same content as the last download"
            result.published, result.published_from = state.get("published"), state.get("published_from")
            self._write_state(folder, source, got, state, checked_only=True)
            return
        snap, published_from = self._parse(source, got)  # only files that parse as the list are kept
        result.version, result.entities = snap.version, len(snap.entities)
        result.published, result.published_from = snap.published, published_from
        self._keep(folder, got)
        self._write_state(folder, source, got, state, snap=snap, published_from=published_from)
        result.status, result.detail = "downloaded", "saved (nothing loaded)"

    def _parse(self, source: Source, got: list[_Got]) -> tuple[ListSnapshot, str]:
        """Stage the files and parse them with the list loader -> (snapshot, where its date came from)."""
        header_dates = [d for d in (http_date_to_iso_date(g.fetch.last_modified) for g in got) if d]
        if header_dates:
            fallback, fallback_from = max(header_dates), "last_modified"
        else:
            fallback, fallback_from = datetime.now(UTC).date().isoformat(), "fetched_at"
        with tempfile.TemporaryDirectory(prefix="entrywatch-fetch-") as tmp:
            if source.published == "last_modified":
                # formats that state no date take it from their folder's name
                return self._parse_in(source, got, Path(tmp) / fallback), fallback_from
            snap = self._parse_in(source, got, Path(tmp) / "staged")
            if snap.published is not None:
                return snap, source.published
            snap = self._parse_in(source, got, Path(tmp) / fallback)  # the file states none after all
            if snap.published is None:
                snap = dataclasses.replace(snap, published=fallback)
            return snap, fallback_from

    def _parse_in(self, source: Source, got: list[_Got], folder: Path) -> ListSnapshot:
        folder.mkdir(parents=True)
        for g in got:
            (folder / g.fetch.name).write_bytes(g.body)
        result = load([folder])
        if result.errors:
            detail = "; ".join(f"{Path(e.path).name}: {e.message}" for e in result.errors)
            raise ListRefused(f"{source.list_source}: refused by the parser: {detail}")
        found = [s for s in result.live if s.source == source.list_source]
        if not found:
            seen = ", ".join(sorted({s.source for s in result.live})) or "none"
            raise FetchError(
                f"no {source.list_source} list recognised in {', '.join(g.fetch.name for g in got)} (lists "
                f"recognised: {seen}): this version has no parser for the file as published"
            )
        shutil.rmtree(folder)
        return found[0]

    # the cache

    def _keep(self, folder: Path, got: list[_Got]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for g in got:
            target = folder / g.fetch.name
            if g.fetch.status == 304 and target.is_file():
                continue
            tmp = folder / f".{g.fetch.name}.part"
            tmp.write_bytes(g.body)
            os.replace(tmp, target)

    def _keep_refused(
        self, source: Source, got: list[_Got], snap: ListSnapshot | None, published_from: str | None = None
    ) -> Path:
        """Keep a refused version's files aside, in a folder named by its date (``lists load`` reads it)."""
        base = self.cache_dir / source.name / REFUSED_DIR
        shutil.rmtree(base, ignore_errors=True)
        dates = [d for d in (http_date_to_iso_date(g.fetch.last_modified) for g in got) if d]
        day = snap.published if snap is not None and snap.published else max(dates, default=utc_now()[:10])
        folder = base / day
        self._keep(folder, [_Got(dataclasses.replace(g.fetch, status=200), g.body) for g in got])
        self._write_state(folder, source, got, {}, snap=snap, published_from=published_from, refused=True)
        return folder

    def _write_state(
        self,
        folder: Path,
        source: Source,
        got: list[_Got],
        previous: Mapping[str, Any],
        *,
        snap: ListSnapshot | None = None,
        published_from: str | None = None,
        checked_only: bool = False,
        refused: bool = False,
    ) -> None:
        state = dict(previous) if checked_only else {}
        state.update(
            {
                "schema_version": 1,
                "source": source.name,
                "list_source": source.list_source,
                "checked_at": utc_now(),
                "files": {g.fetch.name: g.fetch.to_json() for g in got},
            }
        )
        if snap is not None:
            state.update(
                {"version": snap.version, "published": snap.published, "published_from": published_from,
                 "entities": len(snap.entities), "saved_at": utc_now()}
            )  # fmt: skip
        if refused:
            state["refused_at"] = utc_now()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{STATE_FILE}.part"
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, folder / STATE_FILE)


def _read_state(folder: Path) -> dict[str, Any]:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
