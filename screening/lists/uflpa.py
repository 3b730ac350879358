"""DHS UFLPA Entity List: the CSV excerpt in the list's published text style, and the entity mapping shared
with the published HTML page (:mod:`screening.lists.uflpa_html`).

Each entity cell is prose (aliases, former names, subsidiaries written inline), read by the one grammar
in :mod:`screening.lists.uflpa_text`. A named subsidiary ("NAME and its subsidiary X", "NAME and its eight
Zhuhai-based subsidiaries, which include A; ...") becomes its own listed entity, flagged
``named_subsidiary`` and linked to its parent by ``parent_id`` / ``parent_name``; it shares the parent's
section and effective date. Ids are ``uflpa:<slug of the primary name>`` (``-<row>`` added when a name
repeats).
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.entities import NAMED_SUBSIDIARY, Entity, EntityName, ListSnapshot
from screening.lists.common import (
    ListFormatError,
    build_snapshot,
    checksum,
    csv_rows,
    decode_text,
    iso_date,
    latest_date,
    slug,
)
from screening.lists.uflpa_text import alias_count_mismatches, parse_listing, parse_name

__all__ = ["HEADER", "LIST_NAME", "SOURCE", "Row", "alias_count_mismatches", "map_rows", "parse", "parse_name"]

SOURCE = "uflpa"
LIST_NAME = "UFLPA Entity List"
PROGRAM = "UFLPA"
HEADER = ("Name of Entity", "Effective Date")


@dataclass(frozen=True, slots=True)
class Row:
    """One entity cell as published, with its effective date and (on the HTML page) its section."""

    text: str
    effective: str
    section: str | None = None  # e.g. "2(d)(2)(B)(i)"
    where: str = ""  # where it was read, for warnings: "line 5", "section 2(d)(2)(B)(i) row 3"


def read(data: bytes) -> list[Row]:
    """Bytes of the published CSV -> rows."""
    rows = csv_rows(decode_text(data, "UFLPA Entity List"), "UFLPA Entity List")
    if not rows or tuple(c.strip() for c in rows[0][:2]) != HEADER:
        raise ListFormatError(f"UFLPA Entity List: expected header {HEADER}, got {rows[0] if rows else []}")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise ListFormatError(f"UFLPA Entity List: line {n} has {len(row)} columns, expected 2")
        out.append(Row(row[0], row[1], None, f"line {n}"))
    return out


def map_rows(rows: list[Row], version: str) -> tuple[list[Entity], list[str]]:
    """Rows -> (entities, warnings) (pure): each listed entity, then the subsidiaries its cell names."""
    entities: list[Entity] = []
    warnings: list[str] = []
    ids: set[str] = set()

    def new_id(name: str, row: Row) -> str:
        base = f"{SOURCE}:{slug(name)}"
        entity_id = base
        if entity_id in ids:
            # a name listed again: under another section it keeps that section in its id (stable); else the
            # CSV line number (or the row's place on the page)
            suffix = slug(row.section) if row.section else slug(row.where.removeprefix("line "))
            entity_id = f"{base}-{suffix}"
            k = 2
            while entity_id in ids:
                entity_id = f"{base}-{suffix}-{k}"
                k += 1
            warnings.append(f"{LIST_NAME}: {row.where} repeats {name!r}; kept as {entity_id}")
        ids.add(entity_id)
        return entity_id

    for n, row in enumerate(rows, start=1):
        listing = parse_listing(row.text)
        if not listing.primary:
            warnings.append(f"{LIST_NAME}: {row.where or f'row {n}'} has no entity name; skipped")
            continue
        for problem in listing.problems:
            warnings.append(f"{LIST_NAME}: {row.where} ({listing.primary!r}): {problem}")
        effective = iso_date(row.effective)
        if row.effective.strip() and effective is None:
            warnings.append(f"{LIST_NAME}: {row.where} ({listing.primary!r}): unreadable date {row.effective!r}")
        text = " ".join(row.text.split())
        parent_id = new_id(listing.primary, row)
        entities.append(
            Entity(
                id=parent_id,
                source=SOURCE,
                list_name=LIST_NAME,
                list_version=version,
                entity_type="organization",
                names=(EntityName(listing.primary, "primary"), *listing.aliases),
                countries=("CN",),
                programs=(PROGRAM,),
                effective_date=effective,
                flags=listing.flags,
                status="active",
                remarks=text if text != listing.primary else None,
                section=row.section,
            )
        )
        for sub in listing.subsidiaries:
            entities.append(
                Entity(
                    id=new_id(sub.primary, row),
                    source=SOURCE,
                    list_name=LIST_NAME,
                    list_version=version,
                    entity_type="organization",
                    names=(EntityName(sub.primary, "primary"), *sub.aliases),
                    countries=("CN",),
                    programs=(PROGRAM,),
                    effective_date=effective,
                    flags=(NAMED_SUBSIDIARY,),
                    status="active",
                    remarks=text,
                    section=row.section,
                    parent_id=parent_id,
                    parent_name=listing.primary,
                )
            )
    return entities, warnings


def to_entities(rows: list[Row], version: str) -> list[Entity]:
    """Rows -> entities (pure)."""
    return map_rows(rows, version)[0]


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    rows = read(data)
    if not rows:
        raise ListFormatError("UFLPA Entity List: no entities in the file")
    digest = checksum(data)
    if published is None:
        published = latest_date(r.effective for r in rows)
    version = version or f"{published or 'undated'}-{digest[:8]}"
    return build_snapshot(SOURCE, rows, digest, published, version, map_rows)
