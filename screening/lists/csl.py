"""trade.gov Consolidated Screening List (CSL), CSV.

One row per listing on one of the consolidated lists; the ``source`` column names the originating list
(e.g. "Entity List (EL) - Bureau of Industry and Security") and becomes ``list_name``. The header is
read by name, so both layouts in the data folder (the 2023 file, whose header line is repeated, and the
2025 sample with hash ``_id`` values and no ``entity_number`` for non-Treasury lists) are one format.

Ids are ``csl:<list code>:<_id or entity_number>``: the same OFAC ``_id`` appears on several CSL lists
(e.g. SSI and NS-MBS), so the list code (the abbreviation in the ``source`` column) keeps the id unique
and stable across versions.
"""

from __future__ import annotations

import re

from screening.entities import Entity, EntityAddress, EntityName, EntityType, ListSnapshot
from screening.identifiers import dob_of, identifier, scheme_of
from screening.lists.common import (
    ListFormatError,
    build_snapshot,
    checksum,
    clean,
    csv_records,
    decode_text,
    iso_date,
    require_header,
    slug,
    split_list,
    unique,
)
from screening.lists.countries import country_code

SOURCE = "csl"
REQUIRED = ("_id", "source", "name", "type", "programs", "addresses", "alt_names", "ids")
TRUNCATED_FLAG = "truncated_record"

Row = dict[str, str]

_TYPES: dict[str, EntityType] = {
    "individual": "person",
    "entity": "organization",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_SUCCESSOR = re.compile(r";?\s*and any successor, sub-unit, or subsidiary thereof\.?\s*$", re.IGNORECASE)
_LIST_CODE = re.compile(r"\(([^()]+)\)")


def read(data: bytes, *, allow_truncated: bool = False) -> tuple[list[Row], bool]:
    """Bytes -> (rows keyed by header name, truncated). Repeated header lines are dropped. A file cut off
    inside its last record is refused unless ``allow_truncated``; then that record keeps its complete
    fields (the cut field and those after it are blank) and ``truncated`` is True."""
    text = decode_text(data, "CSL")
    records, truncated = csv_records(text, "CSL", allow_truncated=allow_truncated)
    if not records:
        raise ListFormatError("CSL: no header line")
    header = [c.strip() for c in records[0]]
    require_header(header, REQUIRED, "CSL")
    rows: list[Row] = []
    body = records[1:]
    for n, rec in enumerate(body, start=2):
        if not any(c.strip() for c in rec) or [c.strip() for c in rec] == header:
            continue
        last = truncated and n == len(body) + 1
        if last:
            rec = rec[:-1]  # the field the file was cut in is incomplete
        elif len(rec) != len(header):
            raise ListFormatError(f"CSL: record {n} has {len(rec)} columns, expected {len(header)}")
        row = dict.fromkeys(header, "")
        row.update(zip(header, rec, strict=False))
        if last:
            row[TRUNCATED_FLAG] = "1"
        rows.append(row)
    return rows, truncated


def list_code(source_list: str) -> str:
    """ "Entity List (EL) - Bureau of Industry and Security" -> "el"."""
    m = _LIST_CODE.search(source_list)
    return slug(m.group(1) if m else source_list) or "unknown"


def _addresses(text: str) -> tuple[EntityAddress, ...]:
    out = []
    for part in split_list(text):
        part = re.sub(r"^and\s+", "", part).strip(" ,")
        if not part:
            continue
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        code = country_code(pieces[-1]) if pieces else None
        out.append(EntityAddress(country=code, text=part))
    return tuple(out)


def identifiers_of(text: str, *, vessel: bool = False) -> tuple[tuple[str, str], ...]:
    """Id column -> (canonical scheme, normalised value) pairs (``screening.identifiers``), e.g. "Unified
    Social Credit Code (USCC), 9111...X7, CN; Passport, 836238033, KP" -> (("uscc", "9111...X7"),
    ("passport", "836238033")). Items whose label is not an identifier (Website, Gender...) are left out."""
    found: list[tuple[str, str]] = []
    for item in split_list(text):
        kind, _, rest = item.partition(",")
        scheme = scheme_of(kind)
        if scheme is None:
            continue
        got = identifier(scheme, rest.split(",")[0], vessel=vessel)
        if got is not None:
            found.append(got)
    return tuple(dict.fromkeys(found))


def dates_of_birth(text: str) -> tuple[str, ...]:
    """``dates_of_birth`` column ("1983-10-11; 1983") -> stored dates of birth."""
    return tuple(dict.fromkeys(d for d in (dob_of(p) for p in split_list(text)) if d))


def map_rows(rows: list[Row], version: str) -> tuple[list[Entity], list[str]]:
    """Rows -> (entities, warnings) (pure). One entity per row."""
    entities: list[Entity] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        source_list = clean(row["source"])
        key = clean(row["_id"]) or clean(row.get("entity_number", "")) or slug(row["name"])
        entity_id = f"{SOURCE}:{list_code(source_list)}:{key}"
        seen[entity_id] = seen.get(entity_id, 0) + 1
        if seen[entity_id] > 1:
            entity_id = f"{entity_id}-dup{seen[entity_id]}"
            warnings.append(f"CSL: id {key} repeated on {source_list!r}; kept as {entity_id}")
        flags: list[str] = []
        name = clean(row["name"])
        if _SUCCESSOR.search(name):
            name = _SUCCESSOR.sub("", name).strip(" ;,")
            flags.append("includes_subsidiaries")
        if row.get(TRUNCATED_FLAG):
            flags.append(TRUNCATED_FLAG)
            warnings.append(f"CSL: the file is truncated; the last record ({entity_id}) is incomplete")
        if not name:
            warnings.append(f"CSL: record {entity_id} has no name; skipped")
            continue
        entity_type = _TYPES.get(row["type"].strip().casefold(), "unknown")
        aliases = [re.sub(r"^and\s+", "", a) for a in split_list(row["alt_names"])]
        addrs = _addresses(row["addresses"])
        nats = [country_code(c) for c in split_list(row.get("citizenships", "") + ";" + row.get("nationalities", ""))]
        entities.append(
            Entity(
                id=entity_id,
                source=SOURCE,
                list_name=source_list,
                list_version=version,
                entity_type=entity_type,
                names=tuple(
                    dict.fromkeys(
                        [EntityName(name, "primary"), *(EntityName(a, "strong", "aka") for a in aliases if a)]
                    )
                ),
                addresses=addrs,
                countries=unique([a.country or "" for a in addrs] + [c or "" for c in nats]),
                programs=tuple(split_list(row["programs"])),
                effective_date=iso_date(row.get("start_date")),
                end_date=iso_date(row.get("end_date")),
                status="active",
                flags=tuple(flags),
                identifiers=identifiers_of(row["ids"], vessel=entity_type == "vessel"),
                dates_of_birth=dates_of_birth(row.get("dates_of_birth", "")) if entity_type == "person" else (),
                remarks=clean(row.get("remarks", "")) or None,
            )
        )
    return entities, warnings


def to_entities(rows: list[Row], version: str) -> list[Entity]:
    return map_rows(rows, version)[0]


def parse(
    data: bytes, version: str | None = None, *, published: str | None = None, allow_truncated: bool = False
) -> ListSnapshot:
    rows, _ = read(data, allow_truncated=allow_truncated)
    if not rows:
        raise ListFormatError("CSL: no records in the file")
    digest = checksum(data)
    return build_snapshot(SOURCE, rows, digest, published, version, map_rows)
