"""CBP Withhold Release Order / Finding entity names: the cleaned entity-name table.

Columns: cbp_entity_string, entity_name, aliases, notes, schema, other_props. One row per clean name;
rows sharing a ``cbp_entity_string`` come from one published order.

Source id ``cbp_wro_names``: the same orders as ``cbp_wro`` (CBP's published table, parsed by
:mod:`screening.lists.cbp_wro`), but a separately kept artefact with its own version, so both can be live
at once without one replacing the other as "newer". Ids are ``cbp_wro_names:<slug of the name>``.
"""

from __future__ import annotations

from screening.entities import Entity, EntityName, ListSnapshot
from screening.lists.common import (
    ListFormatError,
    build_snapshot,
    checksum,
    csv_rows,
    decode_text,
    slug,
)

SOURCE = "cbp_wro_names"
LIST_NAME = "CBP Withhold Release Orders and Findings"
HEADER = ("cbp_entity_string", "entity_name", "aliases", "notes", "schema", "other_props")


def read(data: bytes) -> list[dict[str, str]]:
    rows = csv_rows(decode_text(data, "CBP WRO entity names"), "CBP WRO entity names")
    if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
        raise ListFormatError(f"CBP WRO entity names: expected header {HEADER}, got {rows[0] if rows else []}")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(HEADER):
            raise ListFormatError(f"CBP WRO entity names: line {n} has {len(row)} columns, expected {len(HEADER)}")
        out.append(dict(zip(HEADER, row, strict=True)))
    return out


def to_entities(rows: list[dict[str, str]], version: str) -> list[Entity]:
    entities: dict[str, Entity] = {}
    for row in rows:
        primary = row["entity_name"].strip()
        if not primary:
            continue
        aliases = [a.strip() for a in row["aliases"].split(";") if a.strip()]
        flags = ["includes_subsidiaries"] if "subsidiar" in row["notes"].casefold() else []
        entity_id = f"{SOURCE}:{slug(primary)}"
        if entity_id in entities:
            continue
        entities[entity_id] = Entity(
            id=entity_id,
            source=SOURCE,
            list_name=LIST_NAME,
            list_version=version,
            entity_type="organization",
            names=(EntityName(primary, "primary"), *(EntityName(a, "strong", "aka") for a in aliases)),
            flags=tuple(flags),
            remarks=row["cbp_entity_string"].strip() or None,
        )
    return list(entities.values())


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    rows = read(data)
    if not rows:
        raise ListFormatError("CBP WRO entity names: no rows in the file")
    digest = checksum(data)
    return build_snapshot(SOURCE, rows, digest, published, version, lambda rs, v: (to_entities(rs, v), []))
