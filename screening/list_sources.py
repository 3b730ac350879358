"""Where each list is published: the source table ``lists fetch`` downloads from and freshness is judged by.

The table is data (``screening/list_sources.json``, shipped with the package). A site overrides it with one
JSON file (setting ``lists_sources_file``) in the same form: each source named there is merged over the
built-in one field by field (``files`` replaced as a whole), and a new name adds a source::

    {"sources": {"cbp_wro": {"enabled": true,
                             "files": [{"name": "wro-findings.csv", "url": "https://.../wro.csv"}]},
                 "bis_dpl": {"stale_after_h": 336}}}

Fields of a source:
  title, publisher, note   what it is (shown by ``lists fetch --list``)
  list_source              the loader's source id its files parse to (default: the source's name)
  format                   the content expected: csv, tsv, xml, json or html (an HTML page where CSV was
                           expected is refused)
  files                    [{name, url, min_bytes}]: the file name the loader recognises (and the name
                           under a mirror), the publisher's URL, the smallest plausible size in bytes
  timeout_s, max_bytes     per file: the longest a download may take, the largest body accepted
  stale_after_h            /ready reports lists_stale when the live version was published longer ago
                           than this (hours; 0: never)
  published                how the publication date is read: ``file`` (a date the file states),
                           ``effective_dates`` (the latest effective date in the file) or ``last_modified``
                           (the HTTP Last-Modified; for formats that state no date)
  enabled                  fetched by a plain ``lists fetch`` (a disabled source is fetched when named)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

Format = Literal["csv", "tsv", "xml", "json", "html"]
PublishedFrom = Literal["file", "effective_dates", "last_modified"]
SOURCE_FIELDS = {
    "title", "publisher", "note", "list_source", "format", "files", "timeout_s", "max_bytes", "stale_after_h",
    "published", "enabled",
}  # fmt: skip
FILE_FIELDS = {"name", "url", "min_bytes"}
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # also a folder name in the cache and under a mirror


class SourcesError(ValueError):
    """The source table (or its override file) cannot be read."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str  # the name the loader recognises; also the file's name under a mirror (<mirror>/<source>/<name>)
    url: str
    min_bytes: int = 1


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    title: str
    list_source: str
    format: Format
    files: tuple[SourceFile, ...]
    timeout_s: float
    max_bytes: int
    stale_after_h: float
    published: PublishedFrom
    enabled: bool = True
    publisher: str = ""
    note: str = ""


def builtin_table() -> dict[str, Any]:
    text = resources.files("screening").joinpath("list_sources.json").read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def _merge(base: Mapping[str, Any], override: Mapping[str, Any], where: str) -> dict[str, Any]:
    sources = override.get("sources", {})
    if not isinstance(sources, dict):
        raise SourcesError(f"{where}: 'sources' must be an object of source name -> fields")
    merged = {name: dict(fields) for name, fields in base.get("sources", {}).items()}
    for name, fields in sources.items():
        if not isinstance(fields, dict):
            raise SourcesError(f"{where}: source {name!r} must be an object")
        merged[name] = {**merged.get(name, {}), **fields}
    defaults = {**base.get("defaults", {}), **override.get("defaults", {})}
    return {"defaults": defaults, "sources": merged}


def _source(name: str, fields: Mapping[str, Any], defaults: Mapping[str, Any], where: str) -> Source:
    if not _NAME.fullmatch(name):
        raise SourcesError(f"{where}: source name {name!r}: use lowercase letters, digits, _ and -")
    unknown = set(fields) - SOURCE_FIELDS
    if unknown:
        raise SourcesError(f"{where}: source {name!r}: unknown field(s) {', '.join(sorted(unknown))}")
    f = {**defaults, **fields}
    try:
        files = []
        for entry in f["files"]:
            extra = set(entry) - FILE_FIELDS
            if extra:
                raise SourcesError(f"{where}: source {name!r}: unknown file field(s) {', '.join(sorted(extra))}")
            file_name = str(entry["name"])
            if not file_name or "/" in file_name or "\\" in file_name or file_name.startswith("."):
                raise SourcesError(f"{where}: source {name!r}: bad file name {file_name!r}")
            files.append(SourceFile(file_name, str(entry["url"]), int(entry.get("min_bytes", 1))))
        fmt = str(f["format"])
        published = str(f.get("published", "last_modified"))
        if fmt not in get_args(Format):
            raise SourcesError(f"{where}: source {name!r}: format {fmt!r} is not one of {get_args(Format)}")
        if published not in get_args(PublishedFrom):
            raise SourcesError(
                f"{where}: source {name!r}: published {published!r} is not one of {get_args(PublishedFrom)}"
            )
        source = Source(
            name=name,
            title=str(f.get("title", name)),
            list_source=str(f.get("list_source", name)),
            format=cast(Format, fmt),
            files=tuple(files),
            timeout_s=float(f["timeout_s"]),
            max_bytes=int(f["max_bytes"]),
            stale_after_h=float(f.get("stale_after_h", 0)),
            published=cast(PublishedFrom, published),
            enabled=bool(f.get("enabled", True)),
            publisher=str(f.get("publisher", "")),
            note=str(f.get("note", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, SourcesError):
            raise
        raise SourcesError(f"{where}: source {name!r}: {type(exc).__name__}: {exc}") from None
    if not source.files:
        raise SourcesError(f"{where}: source {name!r} has no files")
    if len({x.name for x in source.files}) != len(source.files):
        raise SourcesError(f"{where}: source {name!r}: two files have the same name")
    if source.timeout_s <= 0 or source.max_bytes <= 0 or source.stale_after_h < 0:
        raise SourcesError(f"{where}: source {name!r}: timeout_s and max_bytes must be > 0, stale_after_h >= 0")
    return source


def load_sources(override_file: str | Path | None = None) -> dict[str, Source]:
    """The source table: the built-in one, with ``override_file`` (JSON) merged over it."""
    table = builtin_table()
    where = "screening/list_sources.json"
    if override_file:
        where = str(override_file)
        try:
            override = json.loads(Path(override_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SourcesError(f"cannot read the sources file {override_file}: {exc}") from None
        if not isinstance(override, dict):
            raise SourcesError(f"{override_file}: expected a JSON object with 'sources'")
        table = _merge(table, override, where)
    defaults = table.get("defaults", {})
    return {name: _source(name, fields, defaults, where) for name, fields in table["sources"].items()}


def stale_after_by_list(sources: Mapping[str, Source]) -> dict[str, float]:
    """List source id -> stale_after in hours (the smallest when several fetch sources feed one list;
    sources with 0 are left out)."""
    out: dict[str, float] = {}
    for s in sources.values():
        if s.stale_after_h > 0:
            out[s.list_source] = min(out.get(s.list_source, s.stale_after_h), s.stale_after_h)
    return out
