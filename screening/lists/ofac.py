"""OFAC legacy CSV files (shared by the SDN list and the non-SDN consolidated list).

Both lists are published as headerless CSV tables joined on ``ent_num``: a primary table (sdn.csv or
cons_prim.csv), aliases (alt.csv / cons_alt.csv), addresses (add.csv / cons_add.csv) and, for the
consolidated list, the overflow of long remarks (cons_comments.csv / sdn_comments.csv). ``-0-`` is
null, a DOS end-of-file byte may follow the last line, and the alias and address tables may come from
a newer download than the primary table (rows whose parent is missing are counted in warnings).

Person names are kept as published ("LAST, First"); the matcher handles the order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from screening.entities import Entity, EntityAddress, EntityName, EntityType, ListSnapshot
from screening.identifiers import normalize, remark_dobs, remark_identifiers
from screening.lists.common import (
    MAX_FILE_BYTES,
    ListFormatError,
    checksum,
    clean,
    csv_rows,
    decode_text,
    formula_warnings,
    unique,
)
from screening.lists.countries import country_code

PRIMARY_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
COMMENT_COLUMNS = ("ent_num", "remarks_extended")

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class OfacRows:
    """The tables of one OFAC legacy-CSV download, nulls already blanked."""

    primaries: list[Row]
    aliases: list[Row] = field(default_factory=list)
    addresses: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)


def _null(value: str) -> str:
    v = value.strip()
    return "" if v == "-0-" else v


def read_table(data: bytes, columns: Sequence[str], what: str) -> list[Row]:
    """Bytes of one headerless OFAC table -> rows keyed by ``columns``. Refuses a header line, a wrong
    number of columns, a non-numeric ``ent_num`` or a truncated record."""
    rows = csv_rows(decode_text(data, what), what)
    out: list[Row] = []
    for n, row in enumerate(rows, start=1):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(columns):
            raise ListFormatError(f"{what}: line {n} has {len(row)} columns, expected {len(columns)}")
        if not row[0].strip().isdigit():
            kind = "a header line" if n == 1 else "a non-numeric ent_num"
            raise ListFormatError(f"{what}: line {n} has {kind} ({row[0][:40]!r}); expected OFAC's headerless layout")
        out.append({c: _null(v) for c, v in zip(columns, row, strict=True)})
    return out


def read(
    primary: bytes,
    alt: bytes | None = None,
    add: bytes | None = None,
    comments: bytes | None = None,
    *,
    what: str = "OFAC",
) -> OfacRows:
    """Bytes of the primary/alias/address/comment tables -> rows (each optional except the primary)."""
    total = sum(len(p) for p in (primary, alt, add, comments) if p)
    if total > MAX_FILE_BYTES:
        raise ListFormatError(f"{what}: files total {total:,} bytes, over the limit of {MAX_FILE_BYTES:,}")
    return OfacRows(
        primaries=read_table(primary, PRIMARY_COLUMNS, f"{what} primary table"),
        aliases=read_table(alt, ALT_COLUMNS, f"{what} alias table") if alt else [],
        addresses=read_table(add, ADD_COLUMNS, f"{what} address table") if add else [],
        comments=read_table(comments, COMMENT_COLUMNS, f"{what} comments table") if comments else [],
    )


_TYPES: dict[str, EntityType] = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "": "organization",
    "entity": "organization",
}
# Weak AKAs are published only inside the remarks: "a.k.a. 'SWEET MICKY'."
_WEAK_AKA = re.compile(r"\ba\.k\.a\.\s+'(.+?)'(?=\s*(?:[;.,)]|$))")
_NATIONALITY = re.compile(r"\b(?:nationality|citizen)\s+([A-Z][A-Za-z ,'’-]+?)\s*(?:[;.]|$)")


def programs_of(text: str) -> tuple[str, ...]:
    """``"SDGT] [IFSR"`` (the legacy CSV's way of writing "[SDGT] [IFSR]") -> ("SDGT", "IFSR")."""
    return unique(p.strip(" []") for p in text.split("] ["))


def identifiers_of(remarks: str, *, vessel: bool = False) -> tuple[tuple[str, str], ...]:
    """The remarks' identifiers, each (canonical scheme, normalised value): ``screening.identifiers``."""
    return remark_identifiers(remarks, vessel=vessel)


def weak_akas(remarks: str) -> list[str]:
    return [clean(m.group(1)) for m in _WEAK_AKA.finditer(remarks) if clean(m.group(1))]


def _address(row: Row) -> EntityAddress:
    parts = [row["address"], row["city_state_postal"], row["country"]]
    return EntityAddress(
        street=row["address"] or None,
        country=country_code(row["country"]),
        text=", ".join(p for p in parts if p) or None,
    )


def map_rows(rows: OfacRows, version: str, source: str, list_name: str) -> tuple[list[Entity], list[str]]:
    """Rows -> (entities, warnings) (pure). One entity per primary row, in file order."""
    warnings: list[str] = []
    aliases: dict[str, list[Row]] = defaultdict(list)
    for r in rows.aliases:
        aliases[r["ent_num"]].append(r)
    addresses: dict[str, list[Row]] = defaultdict(list)
    for r in rows.addresses:
        addresses[r["ent_num"]].append(r)
    extra: dict[str, str] = defaultdict(str)
    for r in rows.comments:
        extra[r["ent_num"]] += r["remarks_extended"]

    entities: list[Entity] = []
    seen: dict[str, int] = {}
    for row in rows.primaries:
        num = row["ent_num"]
        seen[num] = seen.get(num, 0) + 1
        first = seen[num] == 1
        entity_id = f"{source}:{num}" if first else f"{source}:{num}-dup{seen[num]}"
        if not first:
            warnings.append(
                f"{source}: ent_num {num} appears again ({row['SDN_Name'][:60]!r}); kept as {entity_id}, "
                "aliases and addresses stay with the first row"
            )
        entities.append(_entity(row, entity_id, version, source, list_name, first, aliases, addresses, extra))

    primaries = set(seen)
    for what, table in (("alias", rows.aliases), ("address", rows.addresses), ("comment", rows.comments)):
        orphans = [r for r in table if r["ent_num"] not in primaries]
        if orphans:
            nums = sorted({r["ent_num"] for r in orphans}, key=int)
            warnings.append(
                f"{source}: {len(nums)} {what} ent_num(s) ({len(orphans)} rows) have no primary row and were "
                f"ignored (the {what} table may be from another download), e.g. {', '.join(nums[:5])}"
            )
    if not rows.primaries:
        warnings.append(f"{source}: no primary rows")
    return entities, warnings


def _entity(
    row: Row,
    entity_id: str,
    version: str,
    source: str,
    list_name: str,
    first: bool,
    aliases: dict[str, list[Row]],
    addresses: dict[str, list[Row]],
    extra: dict[str, str],
) -> Entity:
    num = row["ent_num"]
    remarks = row["Remarks"] + (extra.get(num, "") if first else "")
    entity_type = _TYPES.get(row["SDN_Type"].casefold(), "unknown")
    names = [EntityName(clean(row["SDN_Name"]), "primary")]
    for a in aliases.get(num, []) if first else []:
        value = clean(a["alt_name"])
        if not value:
            continue
        kind = a["alt_type"].casefold().strip(". ") or "aka"
        names.append(EntityName(value, "strong" if kind == "aka" else "weak", kind))
    names.extend(EntityName(w, "weak", "weak_aka") for w in weak_akas(remarks))
    addrs = tuple(_address(a) for a in (addresses.get(num, []) if first else []))
    countries = [a.country for a in addrs if a.country]
    if entity_type == "vessel" and row["Vess_flag"]:
        countries.append(country_code(row["Vess_flag"]) or "")
    if entity_type == "person":
        countries.extend(country_code(m.group(1)) or "" for m in _NATIONALITY.finditer(remarks))
    ids = list(identifiers_of(remarks, vessel=entity_type == "vessel"))
    if row["Call_Sign"] and normalize("call_sign", row["Call_Sign"]):
        ids.append(("call_sign", normalize("call_sign", row["Call_Sign"])))
    notes = [f"Title: {row['Title']}" if row["Title"] else "", remarks]
    if row["Vess_owner"]:
        notes.append(f"Vessel owner: {row['Vess_owner']}")
    return Entity(
        id=entity_id,
        source=source,
        list_name=list_name,
        list_version=version,
        entity_type=entity_type,
        names=tuple(dict.fromkeys(names)),
        addresses=addrs,
        countries=unique(countries),
        programs=programs_of(row["Program"]),
        status="active",
        identifiers=tuple(dict.fromkeys(ids)),
        dates_of_birth=remark_dobs(remarks) if entity_type == "person" else (),
        remarks="; ".join(n for n in notes if n) or None,
    )


def snapshot(
    rows: OfacRows,
    parts: Sequence[bytes],
    source: str,
    list_name: str,
    version: str | None,
    published: str | None,
) -> ListSnapshot:
    if not rows.primaries:
        raise ListFormatError(f"{source}: the primary table has no rows")
    digest = checksum(*parts)
    version = version or (f"{published}-{digest[:8]}" if published else f"sha-{digest[:12]}")
    entities, warnings = map_rows(rows, version, source, list_name)
    warnings.extend(formula_warnings(entities, source))
    return ListSnapshot(source, version, tuple(entities), published, digest, tuple(warnings))
