"""A company's own list (internal denied parties): a simple CSV documented in docs/list-formats.md (pure).

    # source: acme_denied                (optional comment lines before the header)
    # list: ACME internal denied parties
    # published: 2026-01-05
    name,aliases,type,country,identifiers,program,note
    Example Trading Co. Ltd.,Example Trading;ETC,organization,CN,uscc:91440300MA5EXAMPL;mid:CNEXATRA88SHE,DENY,...

Only ``name`` is required, and it must be the first column; the others are optional, in any order, and
no other column is accepted. ``aliases``: names separated by ``;``. ``type``: organization, person, vessel
or aircraft (blank: unknown). ``country``: ISO 3166 alpha-2 codes or country names, separated by ``;``.
``identifiers``: ``scheme:value`` pairs separated by ``;`` (a ``mid`` scheme is a manufacturer ID and is
matched against the manufacturer's MID). ``program``: programs separated by ``;``. ``note``: free text.

Source id: the ``# source:`` comment (lower-case letters, digits, ``_`` and ``-``; a built-in source id
such as ``uflpa`` is refused, so a private list can never stand in for a published one), else
``internal``. Each file with its own source is its own list; two files with the same source are two
versions of one list (the newer is live). ``# list:`` names the list (default "Internal list");
``# published:`` gives its date (ISO), else a date in the file name is used. Ids are
``<source>:<slug of the name>`` (``-<line>`` added when a name repeats). Any error names its line and the
file is refused whole: a half-read private list is never loaded.
"""

from __future__ import annotations

import re

from screening.entities import Entity, EntityName, EntityType, ListSnapshot
from screening.lists import bis_dpl, cbp_names, cbp_wro, csl, ftm, ofac_cons, ofac_sdn, uflpa, un_sc
from screening.lists.common import (
    ListFormatError,
    build_snapshot,
    checksum,
    clean,
    csv_rows,
    decode_text,
    iso_date,
    slug,
    split_list,
    unique,
)
from screening.lists.countries import country_code

SOURCE = "internal"
LIST_NAME = "Internal list"
WHAT = "Internal list"
COLUMNS = ("name", "aliases", "type", "country", "identifiers", "program", "note")
TYPES: dict[str, EntityType] = {
    "organization": "organization",
    "person": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "": "unknown",
}
# Source ids of the published lists (and of sources other parsers may give): never taken by a private list.
RESERVED = frozenset(
    {
        uflpa.SOURCE,
        cbp_wro.SOURCE,
        cbp_names.SOURCE,
        ofac_sdn.SOURCE,
        ofac_cons.SOURCE,
        csl.SOURCE,
        bis_dpl.SOURCE,
        un_sc.SOURCE,
        ftm.SOURCE,
    }
)
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_COMMENT = re.compile(r"^#\s*(?P<key>[A-Za-z_ ]+?)\s*:\s*(?P<value>.*?)\s*$")
_SCHEME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")


def split_comments(text: str) -> tuple[dict[str, str], str, int]:
    """Leading ``#`` comment lines (and blank lines) -> ({key: value}, the rest, lines skipped)."""
    lines = text.splitlines(keepends=True)
    meta: dict[str, str] = {}
    skipped = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        skipped += 1
        m = _COMMENT.match(stripped)
        if m:
            meta.setdefault(m.group("key").strip().casefold(), m.group("value"))
    return meta, "".join(lines[skipped:]), skipped


def is_header(cells: list[str]) -> bool:
    """Whether a header line is this format's: ``name`` first, and only ``name`` or some documented column."""
    keys = [c.strip().strip('"').strip().casefold() for c in cells]
    return bool(keys) and keys[0] == "name" and (len(keys) == 1 or any(k in COLUMNS[1:] for k in keys[1:]))


def source_id(meta: dict[str, str]) -> str:
    given = meta.get("source")
    if given is None:
        return SOURCE
    value = given.strip().casefold()
    if not _SOURCE_ID.match(value):
        raise ListFormatError(
            f"{WHAT}: '# source: {given}' is not a source id (lower-case letters, digits, '_' and '-', "
            "at most 40 characters)"
        )
    if value in RESERVED:
        raise ListFormatError(f"{WHAT}: '# source: {given}' is the id of a published list; choose another")
    return value


def read(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Bytes -> (comment settings, rows keyed by column, each with its ``_line``)."""
    meta, body, skipped = split_comments(decode_text(data, WHAT))
    rows = csv_rows(body, WHAT)
    if not rows:
        raise ListFormatError(f"{WHAT}: no header line")
    header = [c.strip().casefold() for c in rows[0]]
    if not header or header[0] != "name":
        raise ListFormatError(f"{WHAT}: the header must start with 'name', got {rows[0][:8]}")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise ListFormatError(f"{WHAT}: unknown column(s) {unknown}; the columns are {list(COLUMNS)}")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ListFormatError(f"{WHAT}: column(s) {repeated} appear more than once")
    out: list[dict[str, str]] = []
    for n, row in enumerate(rows[1:], start=skipped + 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ListFormatError(f"{WHAT}: line {n} has {len(row)} columns, expected {len(header)}")
        record = dict.fromkeys(COLUMNS, "")
        record.update({h: v.strip() for h, v in zip(header, row, strict=True)})
        record["_line"] = str(n)
        out.append(record)
    return meta, out


def identifiers_of(text: str, line: str) -> tuple[tuple[str, str], ...]:
    """ "uscc:9144...;mid:CNEXA..." -> (("uscc", "9144..."), ("mid", "CNEXA...")); a bare value is refused."""
    out: list[tuple[str, str]] = []
    for item in split_list(text):
        scheme, sep, value = item.partition(":")
        scheme, value = scheme.strip().casefold(), value.strip()
        if not sep or not value or not _SCHEME.match(scheme):
            raise ListFormatError(
                f"{WHAT}: line {line}: identifier {item!r} is not 'scheme:value' (e.g. 'uscc:91440300MA5EXAMPL')"
            )
        out.append((scheme, value))
    return tuple(dict.fromkeys(out))


def countries_of(text: str, line: str) -> tuple[str, ...]:
    out = []
    for item in split_list(text):
        code = country_code(item)
        if code is None:
            raise ListFormatError(f"{WHAT}: line {line}: country {item!r} is not an ISO 3166 code or a country name")
        out.append(code)
    return unique(out)


def map_rows(rows: list[dict[str, str]], version: str, source: str, list_name: str) -> tuple[list[Entity], list[str]]:
    entities: list[Entity] = []
    warnings: list[str] = []
    ids: set[str] = set()
    for row in rows:
        line = row["_line"]
        name = clean(row["name"])
        if not name:
            raise ListFormatError(f"{WHAT}: line {line} has no name")
        kind = row["type"].strip().casefold()
        if kind not in TYPES:
            raise ListFormatError(
                f"{WHAT}: line {line}: type {row['type']!r} is not one of organization, person, vessel, aircraft"
            )
        entity_id = f"{source}:{slug(name) or 'x'}"
        if entity_id in ids:
            warnings.append(f"{WHAT}: line {line} repeats {name!r}; kept as {entity_id}-{line}")
            entity_id = f"{entity_id}-{line}"
        ids.add(entity_id)
        aliases = [a for a in split_list(row["aliases"]) if a.casefold() != name.casefold()]
        entities.append(
            Entity(
                id=entity_id,
                source=source,
                list_name=list_name,
                list_version=version,
                entity_type=TYPES[kind],
                names=(EntityName(name, "primary"), *(EntityName(a, "strong", "aka") for a in unique(aliases))),
                countries=countries_of(row["country"], line),
                programs=tuple(split_list(row["program"])),
                status="active",
                identifiers=identifiers_of(row["identifiers"], line),
                remarks=clean(row["note"]) or None,
            )
        )
    return entities, warnings


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    meta, rows = read(data)
    if not rows:
        raise ListFormatError(f"{WHAT}: no rows in the file")
    source = source_id(meta)
    list_name = clean(meta.get("list", "")) or LIST_NAME
    if "published" in meta:
        published = iso_date(meta["published"])
        if published is None:
            raise ListFormatError(f"{WHAT}: '# published: {meta['published']}' is not a date (YYYY-MM-DD)")
    digest = checksum(data)
    return build_snapshot(source, rows, digest, published, version, lambda rs, v: map_rows(rs, v, source, list_name))
