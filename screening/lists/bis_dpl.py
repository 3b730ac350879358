"""BIS Denied Persons List, tab-separated text (``dpl.txt``).

Columns: Name, Street_Address, City, State, Country, Postal_Code, Effective_Date, Expiration_Date,
Standard_Order, Last_Update, Action, FR_Citation. One entity per row (a person or firm denied under one
order at one address; the same name recurs for other addresses or orders). The list carries no ids:
``bis_dpl:<name slug>-<8 hex of the row's address and dates>``, stable while the row is unchanged.
"""

from __future__ import annotations

import hashlib
import re

from screening.entities import Entity, EntityAddress, EntityName, EntityType, ListSnapshot
from screening.lists.common import (
    ListFormatError,
    build_snapshot,
    checksum,
    clean,
    csv_rows,
    decode_text,
    header_rows,
    iso_date,
    slug,
)
from screening.lists.countries import country_code

SOURCE = "bis_dpl"
LIST_NAME = "Denied Persons List (DPL) - Bureau of Industry and Security"
HEADER = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
Row = dict[str, str]

_US_STATES = frozenset(
    re.findall(
        r"[A-Z]{2}",
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
        "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI",
    )
)
_AKA = re.compile(r"\s+(?:A/K/A|AKA|A\.K\.A\.?)\s+", re.IGNORECASE)
_ORG = re.compile(
    r"\b(?:LTD|LIMITED|INC|LLC|L\.L\.C|CO|CORP|CORPORATION|COMPANY|S\.A|S\.L|GMBH|AIRLINES?|GROUP|"
    r"TRADING|INTERNATIONAL|ENTERPRISES?|INDUSTRIES|SERVICES?|TECHNOLOGY|TECHNOLOGIES|FZE|FZCO|LLP|PTE|"
    r"BHD|SRL|AG|BV|OOO|AO|PJSC|JSC|EST|ESTABLISHMENT)\b\.?",
    re.IGNORECASE,
)


def read(data: bytes) -> list[Row]:
    text = decode_text(data, "BIS DPL")
    return header_rows(csv_rows(text, "BIS DPL", delimiter="\t"), HEADER, "BIS DPL")


def guess_type(name: str) -> EntityType:
    return "organization" if _ORG.search(name) else "unknown"


def _row_key(row: Row) -> str:
    fields = (
        row["Street_Address"],
        row["City"],
        row["Country"],
        row["Effective_Date"],
        row["Expiration_Date"],
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:8]


def map_rows(rows: list[Row], version: str) -> tuple[list[Entity], list[str]]:
    entities: list[Entity] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        names = [clean(n) for n in _AKA.split(row["Name"]) if clean(n)]
        if not names:
            warnings.append("BIS DPL: a row without a name was skipped")
            continue
        entity_id = f"{SOURCE}:{slug(names[0])}-{_row_key(row)}"
        seen[entity_id] = seen.get(entity_id, 0) + 1
        if seen[entity_id] > 1:
            entity_id = f"{entity_id}-dup{seen[entity_id]}"
            warnings.append(
                f"BIS DPL: row for {names[0]!r} has the same name, address and dates as an earlier row; "
                f"kept as {entity_id}"
            )
        country = country_code(row["Country"])
        if not country and row["State"].upper() in _US_STATES:
            country = "US"
        address = EntityAddress(
            street=row["Street_Address"] or None,
            city=row["City"] or None,
            province=row["State"] or None,
            postal_code=row["Postal_Code"] or None,
            country=country,
        )
        notes = [row["Action"], row["FR_Citation"]]
        entities.append(
            Entity(
                id=entity_id,
                source=SOURCE,
                list_name=LIST_NAME,
                list_version=version,
                entity_type=guess_type(names[0]),
                names=(EntityName(names[0], "primary"), *(EntityName(a, "strong", "aka") for a in names[1:])),
                addresses=(address,) if any((address.street, address.city, address.country)) else (),
                countries=(country,) if country else (),
                programs=("EAR",),
                effective_date=iso_date(row["Effective_Date"]),
                end_date=iso_date(row["Expiration_Date"]),
                status="active",
                flags=("standard_order",) if row["Standard_Order"].upper() == "Y" else (),
                remarks="; ".join(n for n in notes if n) or None,
            )
        )
    return entities, warnings


def to_entities(rows: list[Row], version: str) -> list[Entity]:
    return map_rows(rows, version)[0]


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    rows = read(data)
    if not rows:
        raise ListFormatError("BIS DPL: no rows in the file")
    digest = checksum(data)
    return build_snapshot(SOURCE, rows, digest, published, version, map_rows)
