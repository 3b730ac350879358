"""CBP Withhold Release Orders and Findings, in CBP's published CSV layout.

Columns: Calendar Year, Country, Country Code, Entity, Industry, Status, WRO/Finding, Remarks,
Press Release, Effective Date. The Entity cell is free text ("X and Y", "a/k/a", "and Subsidiaries",
"(including A; B; and C)", "(region-wide)"): see :mod:`screening.lists.wro_text`. The Industry becomes
``product_scope`` (split on ";"), a region-wide order an entity of type "region" with flag
"region_wide". Ids are ``cbp_wro:<slug of the primary name>`` (``-<effective date>`` added when the
same party is named by another order).

Every row is kept, whatever its Status: the status is normalised onto the entity (``status``) as
"active", "revoked", "modified" or "inactive" (see :func:`order_status`), so the rules can tell an order in
force from one CBP has revoked or modified (``Entity.in_force``); a status this parser does not know is
kept in lower case, counted as in force, and warned about.

The cleaned entity-name table (wro-findings-entity-names.csv) is a different artefact with its own
version, parsed by :mod:`screening.lists.cbp_names` as source ``cbp_wro_names``.
"""

from __future__ import annotations

from screening.entities import Entity, ListSnapshot
from screening.lists.common import (
    ListFormatError,
    build_snapshot,
    checksum,
    clean,
    csv_rows,
    decode_text,
    header_rows,
    iso_date,
    latest_date,
    slug,
    split_list,
)
from screening.lists.countries import country_code
from screening.lists.wro_text import parse_entity_text

SOURCE = "cbp_wro"
LIST_NAME = "CBP Withhold Release Orders and Findings"
HEADER = (
    "Calendar Year",
    "Country",
    "Country Code",
    "Entity",
    "Industry",
    "Status",
    "WRO/Finding",
    "Remarks",
    "Press Release",
    "Effective Date",
)
Row = dict[str, str]


def read(data: bytes) -> list[Row]:
    rows = csv_rows(decode_text(data, "CBP WRO/Findings"), "CBP WRO/Findings")
    return header_rows(rows, HEADER, "CBP WRO/Findings")


# Status wording -> normalised status, checked in order ("Inactive" contains "active"). A revoked or
# modified order is no longer in force for the party it named: CBP modifies or revokes an order once it is
# shown that the goods are no longer made with forced labour.
_STATUS_WORDS = (
    ("revok", "revoked"),
    ("rescind", "revoked"),
    ("withdrawn", "revoked"),
    ("modif", "modified"),
    ("not active", "inactive"),
    ("inactive", "inactive"),
    ("lifted", "inactive"),
    ("terminated", "inactive"),
    ("expired", "inactive"),
    ("active", "active"),
    ("in effect", "active"),
    ("in force", "active"),
)


def order_status(text: str) -> tuple[str | None, bool]:
    """Published Status -> (normalised status, known). "Active" -> ("active", True); "Revoked" / "Revoked
    (2021-03-29)" -> ("revoked", True); "Modified" -> ("modified", True); "Inactive" -> ("inactive", True);
    blank -> (None, True); anything else -> (its lower-case text, False)."""
    raw = clean(text).casefold()
    if not raw:
        return None, True
    for word, status in _STATUS_WORDS:
        if word in raw:
            return status, True
    return raw, False


def product_scope(industry: str) -> tuple[str, ...]:
    """ "Cotton; tomatoes" -> ("Cotton", "tomatoes"); "All products" -> () (not product-scoped)."""
    items = tuple(split_list(industry))
    return () if any(i.casefold() in ("all products", "all", "all goods") for i in items) else items


def map_rows(rows: list[Row], version: str) -> tuple[list[Entity], list[str]]:
    entities: list[Entity] = []
    warnings: list[str] = []
    ids: set[str] = set()
    for n, row in enumerate(rows, start=2):
        parties = parse_entity_text(row["Entity"])
        if not parties:
            warnings.append(f"CBP WRO/Findings: line {n} names no entity; skipped")
            continue
        effective = iso_date(row["Effective Date"])
        country = country_code(row["Country Code"]) or country_code(row["Country"])
        kind = clean(row["WRO/Finding"])
        status, known = order_status(row["Status"])
        if not known:
            warnings.append(
                f"CBP WRO/Findings: line {n} has status {row['Status']!r}, not one of Active, Revoked, Modified, "
                "Inactive; the order is treated as in force"
            )
        for party in parties:
            entity_id = f"{SOURCE}:{slug(party.names[0].value)}"
            if entity_id in ids:
                entity_id = f"{entity_id}-{effective or n}"
            if entity_id in ids:
                warnings.append(f"CBP WRO/Findings: line {n} repeats {party.names[0].value!r}; skipped")
                continue
            ids.add(entity_id)
            entities.append(
                Entity(
                    id=entity_id,
                    source=SOURCE,
                    list_name=LIST_NAME,
                    list_version=version,
                    entity_type=party.entity_type,
                    names=party.names,
                    countries=(country,) if country else (),
                    programs=(kind,) if kind else (),
                    effective_date=effective,
                    product_scope=product_scope(row["Industry"]),
                    status=status,
                    flags=party.flags,
                    remarks="; ".join(p for p in (row["Remarks"], row["Entity"]) if p) or None,
                )
            )
    return entities, warnings


def to_entities(rows: list[Row], version: str) -> list[Entity]:
    return map_rows(rows, version)[0]


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    rows = read(data)
    if not rows:
        raise ListFormatError("CBP WRO/Findings: no rows in the file")
    digest = checksum(data)
    if published is None:
        published = latest_date(r["Effective Date"] for r in rows)
    return build_snapshot(SOURCE, rows, digest, published, version, map_rows)
