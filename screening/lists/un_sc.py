"""UN Security Council Consolidated List, XML (``consolidated.xml``).

INDIVIDUAL and ENTITY records. Individual aliases carry QUALITY "Good" (strong) or "Low" (weak); entity
aliases "a.k.a." (strong) or "f.k.a." (weak). Ids are ``un_sc:<REFERENCE_NUMBER>`` (e.g. ``CDi.001``),
stable across versions. Files with a DOCTYPE or entity declarations are refused before parsing
(no entity expansion, no external fetches).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import NoReturn

from screening.entities import Entity, EntityAddress, EntityName, ListSnapshot
from screening.identifiers import dob_of, identifier, normalize
from screening.lists.common import (
    MAX_FIELD_CHARS,
    ListFormatError,
    build_snapshot,
    check_size,
    checksum,
    clean,
    iso_date,
    unique,
)
from screening.lists.countries import country_code

SOURCE = "un_sc"
LIST_NAME = "UN Security Council Consolidated List"
ROOT = "CONSOLIDATED_LIST"

# TYPE_OF_DOCUMENT (and TYPE_OF_DOCUMENT2, which refines it) -> scheme; a document of another type
# (a ration card, a birth certificate) is not kept.
_DOCUMENT_WORDS = (
    ("passport", "passport"),
    ("passeport", "passport"),
    ("pasaporte", "passport"),
    ("fiscal code", "tax_id"),
    ("ration card", ""),
    ("birth certificate", ""),
    ("national identification", "national_id"),
    ("identity", "national_id"),
    ("identification", "national_id"),
    ("social security", "national_id"),
)


def document_scheme(doc_type: str, doc_type2: str = "") -> str | None:
    """The scheme of a UN document from its two type fields (the second, when it names one, wins)."""
    for text in (doc_type2, doc_type):
        folded = " ".join(text.casefold().split())
        for word, scheme in _DOCUMENT_WORDS:
            if word in folded:
                return scheme or None
    return None


def date_of_birth(parts: dict[str, str]) -> str | None:
    """One INDIVIDUAL_DATE_OF_BIRTH (its child elements) -> a stored date of birth: DATE, YEAR (a range of
    three years when APPROXIMATELY), FROM_YEAR/TO_YEAR (BETWEEN)."""
    kind = parts.get("TYPE_OF_DATE", "").upper()
    if parts.get("FROM_YEAR") and parts.get("TO_YEAR"):
        return dob_of(f"{parts['FROM_YEAR']} to {parts['TO_YEAR']}")
    if parts.get("DATE"):
        return dob_of(parts["DATE"][:10])
    if parts.get("YEAR"):
        return dob_of(("circa " if kind == "APPROXIMATELY" else "") + parts["YEAR"])
    return None


@dataclass(slots=True)
class UnRecord:
    """One INDIVIDUAL or ENTITY element, flattened."""

    kind: str  # "INDIVIDUAL" or "ENTITY"
    fields: dict[str, str]
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (quality, name)
    addresses: list[dict[str, str]] = field(default_factory=list)
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # (type, type 2, number)
    dates_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    designations: list[str] = field(default_factory=list)


@dataclass(slots=True)
class UnRows:
    generated: str | None
    records: list[UnRecord]


def _refuse_declarations(data: bytes) -> None:
    """Refuse any DOCTYPE or ENTITY declaration (the defusedxml rules) with a streaming expat pass."""

    def refuse(*_args: object) -> NoReturn:
        raise ListFormatError("UN SC list: XML with a DOCTYPE or entity declaration is refused")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ListFormatError(f"UN SC list: not well-formed XML: {exc}") from None


def _text(el: ET.Element | None) -> str:
    if el is None or el.text is None:
        return ""
    if len(el.text) > MAX_FIELD_CHARS:
        raise ListFormatError(f"UN SC list: <{el.tag}> is over {MAX_FIELD_CHARS:,} characters")
    return clean(el.text)


def _record(el: ET.Element) -> UnRecord:
    kind = el.tag
    fields = {child.tag: _text(child) for child in el if len(child) == 0}
    rec = UnRecord(kind, fields)
    for alias in el.iter(f"{kind}_ALIAS"):
        name = _text(alias.find("ALIAS_NAME"))
        if name:
            rec.aliases.append((_text(alias.find("QUALITY")), name))
    for addr in el.iter(f"{kind}_ADDRESS"):
        parts = {c.tag: _text(c) for c in addr}
        if any(parts.values()):
            rec.addresses.append(parts)
    for doc in el.iter(f"{kind}_DOCUMENT"):
        number = _text(doc.find("NUMBER"))
        if number:
            rec.documents.append((_text(doc.find("TYPE_OF_DOCUMENT")), _text(doc.find("TYPE_OF_DOCUMENT2")), number))
    for dob in el.iter(f"{kind}_DATE_OF_BIRTH"):
        found = date_of_birth({c.tag: _text(c) for c in dob})
        if found:
            rec.dates_of_birth.append(found)
    for tag, target in (("NATIONALITY", rec.nationalities), ("DESIGNATION", rec.designations)):
        for group in el.iter(tag):
            target.extend(v for v in (_text(x) for x in group.iter("VALUE")) if v)
    return rec


def _document_number(text: str) -> str:
    """The number of a UN document: the last word with a digit in it when the field has words around the
    number ("Russian foreign travel passport number 514448632", "British number 094629366")."""
    words = text.split()
    if len(words) > 1 and any(w.isalpha() and len(w) > 3 for w in words):
        numbered = [w for w in words if any(c.isdigit() for c in w)]
        if numbered:
            return numbered[-1]
    return text


def read(data: bytes) -> UnRows:
    check_size(data, "UN SC list")
    if not data.strip(b" \t\r\n\x1a"):
        raise ListFormatError("UN SC list: the file is empty")
    _refuse_declarations(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:  # pragma: no cover - expat above already refused it
        raise ListFormatError(f"UN SC list: not well-formed XML: {exc}") from None
    if root.tag != ROOT:
        raise ListFormatError(f"UN SC list: root element is <{root.tag}>, expected <{ROOT}>")
    records = [_record(el) for el in root.iter() if el.tag in ("INDIVIDUAL", "ENTITY")]
    generated = root.get("dateGenerated")
    return UnRows(iso_date(generated) if generated else None, records)


def _strength(quality: str, kind: str) -> tuple[str, str]:
    q = quality.casefold().strip(". ")
    if q in ("good", "a.k.a", ""):
        return "strong", "aka"
    if q == "f.k.a":
        return "weak", "fka"
    return "weak", "low_quality_aka" if q == "low" else q


def _address(parts: dict[str, str]) -> EntityAddress:
    text = ", ".join(parts[k] for k in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY") if parts.get(k))
    return EntityAddress(
        street=parts.get("STREET") or None,
        city=parts.get("CITY") or None,
        province=parts.get("STATE_PROVINCE") or None,
        postal_code=parts.get("ZIP_CODE") or None,
        country=country_code(parts.get("COUNTRY")),
        text=text or parts.get("NOTE") or None,
    )


def map_rows(rows: UnRows, version: str) -> tuple[list[Entity], list[str]]:
    entities: list[Entity] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for rec in rows.records:
        f = rec.fields
        parts = [f.get(k, "") for k in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        listed = [clean(n) for n in " ".join(p for p in parts if p).split(";") if clean(n)]
        key = f.get("REFERENCE_NUMBER") or f.get("DATAID") or ""
        if not listed or not key:
            warnings.append(f"UN SC list: a {rec.kind} record without a name or reference ({key!r}) was skipped")
            continue
        entity_id = f"{SOURCE}:{key}"
        if entity_id in seen:
            entity_id = f"{entity_id}-{f.get('DATAID', '')}"
            warnings.append(f"UN SC list: reference {key} repeated; kept as {entity_id}")
        seen.add(entity_id)
        names = [
            EntityName(listed[0], "primary"),
            *(EntityName(n, "strong", "listed_as") for n in listed[1:]),
        ]
        if f.get("NAME_ORIGINAL_SCRIPT"):
            names.append(EntityName(f["NAME_ORIGINAL_SCRIPT"], "strong", "original_script"))
        for quality, alias in rec.aliases:
            strength, kind = _strength(quality, rec.kind)
            names.append(EntityName(alias, "strong" if strength == "strong" else "weak", kind))
        addrs = tuple(_address(a) for a in rec.addresses)
        countries = [country_code(n) or "" for n in rec.nationalities] + [a.country or "" for a in addrs]
        ids = []
        for doc_type, doc_type2, number in rec.documents:
            scheme = document_scheme(doc_type, doc_type2)
            got = identifier(scheme, _document_number(number)) if scheme else None
            if got is not None:
                ids.append(got)
        ids.append(("un_ref", normalize("un_ref", key)))  # "CDi.001" -> "CDI001", as every scheme
        notes = [
            f"Designation: {'; '.join(rec.designations)}" if rec.designations else "",
            f.get("COMMENTS1", ""),
        ]
        entities.append(
            Entity(
                id=entity_id,
                source=SOURCE,
                list_name=LIST_NAME,
                list_version=version,
                entity_type="person" if rec.kind == "INDIVIDUAL" else "organization",
                names=tuple(dict.fromkeys(names)),
                addresses=addrs,
                countries=unique(countries),
                programs=(f["UN_LIST_TYPE"],) if f.get("UN_LIST_TYPE") else (),
                effective_date=iso_date(f.get("LISTED_ON")),
                status="active",
                identifiers=tuple(dict.fromkeys(ids)),
                dates_of_birth=tuple(dict.fromkeys(rec.dates_of_birth)) if rec.kind == "INDIVIDUAL" else (),
                remarks="; ".join(n for n in notes if n) or None,
            )
        )
    return entities, warnings


def to_entities(rows: UnRows, version: str) -> list[Entity]:
    return map_rows(rows, version)[0]


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    rows = read(data)
    if not rows.records:
        raise ListFormatError("UN SC list: no INDIVIDUAL or ENTITY records")
    digest = checksum(data)
    published = rows.generated or published
    return build_snapshot(SOURCE, rows, digest, published, version, map_rows)
