"""FollowTheMoney entities as JSON lines, the OpenSanctions export format (pure; no followthemoney package).

One JSON object per line: ``{"id": ..., "schema": "Person", "properties": {"name": [...], ...},
"datasets": [...], "first_seen": ..., "last_change": ..., "target": true}``. Every property value is a
list; values that are not strings (nested entities in the "nested" exports) are ignored.

Mapping (source ``opensanctions``, ids ``opensanctions:<id>``):

* schema -> type: Person -> person; Company, Organization, PublicBody -> organization; LegalEntity ->
  unknown; Vessel -> vessel; Airplane -> aircraft. Lines of other schemata (Address, Sanction, Ownership,
  Family, Identification, ...) are not parties to screen: skipped and counted in one warning. So is an
  entity marked ``"target": false`` (a related party, not itself listed).
* names: the ``caption`` (else the first ``name``) is the primary name; other ``name`` values and
  ``alias`` are strong (kinds "name", "aka"); ``previousName`` weak ("fka"); ``weakAlias`` weak
  ("weak_aka"); ``abbreviation`` weak ("abbreviation"). A value repeated in another property is kept once,
  with its strongest reading.
* countries: ``country``, ``nationality``, ``citizenship``, ``jurisdiction``, ``mainCountry``, ``flag``
  (ISO alpha-2 codes; other codes such as "suhh" are dropped).
* identifiers: see ``IDENTIFIERS`` (e.g. ``imoNumber`` -> "imo", ``registrationNumber`` ->
  "registration", ``taxNumber`` -> "tax_id", ``uscCode`` -> "uscc", ``leiCode`` -> "lei").
* ``address`` strings -> addresses (text); ``datasets`` (and ``program`` values) -> programs; ``topics``
  -> flags ``topic:<topic>``; ``notes`` / ``summary`` and, for persons, ``birthDate`` -> remarks;
  ``createdAt`` (else ``first_seen``) -> effective date.
* publication date: the latest ``last_change`` (else ``last_seen``) of the entities read.

Large exports are read line by line (:func:`parse_stream`, used by the loader for files on disk), so a file
of several GB is not held in memory; only the parties kept are.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from hashlib import sha256
from pathlib import Path
from typing import Any, BinaryIO

from screening.entities import Entity, EntityAddress, EntityName, EntityType, ListSnapshot, NameStrength
from screening.identifiers import dob_of, identifier
from screening.lists.common import ListFormatError, clean, formula_warnings, unique
from screening.lists.countries import country_code

SOURCE = "opensanctions"
LIST_NAME = "OpenSanctions"
WHAT = "FollowTheMoney entities"
# An export of the whole OpenSanctions database is a few GB; far beyond is refused rather than read.
MAX_STREAM_BYTES = 16 * 1024**3
MAX_LINE_BYTES = 64 * 1024 * 1024  # a single entity ("nested" exports embed related entities)

SCHEMATA: dict[str, EntityType] = {
    "Person": "person",
    "Company": "organization",
    "Organization": "organization",
    "PublicBody": "organization",
    "LegalEntity": "unknown",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
# (property, strength, kind) in order of precedence for a name given twice
NAME_PROPERTIES: tuple[tuple[str, NameStrength, str], ...] = (
    ("name", "strong", "name"),
    ("alias", "strong", "aka"),
    ("previousName", "weak", "fka"),
    ("weakAlias", "weak", "weak_aka"),
    ("abbreviation", "weak", "abbreviation"),
)
COUNTRY_PROPERTIES = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag")
IDENTIFIERS = {
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "registrationNumber": "registration",
    "taxNumber": "tax_id",
    "vatCode": "vat",
    "idNumber": "national_id",
    "passportNumber": "passport",
    "uscCode": "uscc",
    "leiCode": "lei",
    "swiftBic": "swift_bic",
    "innCode": "tax_id",
    "ogrnCode": "registration",
    "okpoCode": "okpo",
    "kppCode": "kpp",
    "dunsCode": "duns",
    "uniqueEntityId": "uei",
    "cageCode": "cage",
    "isinCode": "isin",
    "permId": "perm_id",
    "bikCode": "bik",
    "cikCode": "cik",
    "npiCode": "npi",
    "serialNumber": "serial",
}
_USED = frozenset(
    [p for p, _, _ in NAME_PROPERTIES]
    + list(COUNTRY_PROPERTIES)
    + list(IDENTIFIERS)
    + ["address", "program", "notes", "summary", "birthDate", "createdAt", "topics"]
)
# Control characters, and lone surrogates (JSON may escape them; no text can be encoded with them): dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _read_properties(props: dict[str, Any], where: str) -> dict[str, list[str]]:
    """The string values of the properties this mapping uses (stripped, control characters dropped)."""
    out: dict[str, list[str]] = {}
    for key, values in props.items():
        if key not in _USED:
            continue
        if not isinstance(values, list):
            raise ListFormatError(f"{WHAT}: {where}: property {key!r} is not a list")
        found = [v for v in (clean(_CONTROL.sub("", x)) for x in values if isinstance(x, str)) if v]
        if found:
            out[key] = found
    return out


def _date(value: object) -> str | None:
    return value[:10] if isinstance(value, str) and _DATE.match(value) else None


def decode_line(raw: bytes, n: int) -> dict[str, Any] | None:
    """One line -> its JSON object, None for a blank line; refuses anything that is not an entity."""
    text = raw.strip().strip(b"\x1a")  # (a DOS end-of-file byte)
    if not text:
        return None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ListFormatError(f"{WHAT}: line {n} is not JSON ({exc}); a truncated or corrupt file?") from None
    if not isinstance(obj, dict):
        raise ListFormatError(f"{WHAT}: line {n} is not a JSON object")
    if isinstance(obj.get("id"), str):
        obj["id"] = _CONTROL.sub("", obj["id"]).strip()
    if not isinstance(obj.get("id"), str) or not obj["id"] or len(obj["id"]) > 512:
        raise ListFormatError(f"{WHAT}: line {n} has no string 'id'")
    if not isinstance(obj.get("schema"), str) or not isinstance(obj.get("properties"), dict):
        raise ListFormatError(f"{WHAT}: line {n} lacks a 'schema' string or a 'properties' object")
    return obj


def _fields(obj: dict[str, Any], n: int) -> dict[str, Any] | None:
    """One FtM object -> the fields of its entity but the version; None when it names no party."""
    entity_type = SCHEMATA.get(obj["schema"])
    if entity_type is None:
        return None
    props = _read_properties(obj["properties"], f"line {n} ({obj['id']})")
    names: dict[str, EntityName] = {}
    for key, strength, kind in NAME_PROPERTIES:
        for value in props.get(key, ()):
            names.setdefault(value.casefold(), EntityName(value, strength, kind))
    caption = clean(_CONTROL.sub("", obj["caption"])) if isinstance(obj.get("caption"), str) else ""
    given = props.get("name") or [""]
    primary = caption or given[0] or next((name.value for name in names.values()), "")
    if not primary:
        return None
    names.pop(primary.casefold(), None)
    countries = unique(code for key in COUNTRY_PROPERTIES for c in props.get(key, ()) if (code := country_code(c)))
    identifiers = tuple(
        dict.fromkeys(
            got
            for key, values in props.items()
            if (scheme := IDENTIFIERS.get(key))
            for v in values
            if (got := identifier(scheme, v, vessel=entity_type == "vessel")) is not None
        )
    )
    datasets = obj.get("datasets")
    listed_in = [d for d in (datasets if isinstance(datasets, list) else []) if isinstance(d, str)]
    notes = [*props.get("notes", ()), *props.get("summary", ())]
    if entity_type == "person":
        notes = [*(f"born {d}" for d in props.get("birthDate", ())), *notes]
    created = next((d for d in map(_date, props.get("createdAt", ())) if d), None)
    return {
        "id": f"{SOURCE}:{obj['id']}",
        "source": SOURCE,
        "list_name": LIST_NAME,
        "entity_type": entity_type,
        "names": (EntityName(primary, "primary"), *names.values()),
        "addresses": tuple(EntityAddress(text=a) for a in unique(props.get("address", ()))),
        "countries": countries,
        "programs": unique([*listed_in, *props.get("program", ())]),
        "effective_date": created or _date(obj.get("first_seen")),
        "status": "active",
        "flags": tuple(f"topic:{t}" for t in unique(props.get("topics", ()))),
        "identifiers": identifiers,
        "dates_of_birth": unique(d for d in map(dob_of, props.get("birthDate", ())) if d)
        if entity_type == "person"
        else (),
        "remarks": "; ".join(unique(notes))[:4000] or None,
    }


def to_entity(obj: dict[str, Any], version: str, n: int = 0) -> Entity | None:
    """One FtM object (as :func:`decode_line` returns it) -> an entity, None when it names no party (pure)."""
    fields = _fields(obj, n)
    return None if fields is None else Entity(list_version=version, **fields)


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    total = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        total += len(line)
        if total > limit:
            raise ListFormatError(f"{WHAT}: the file is over the limit of {limit:,} bytes")
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise ListFormatError(f"{WHAT}: a line is over {MAX_LINE_BYTES:,} bytes")
        yield line


def parse_stream(lines: Iterable[bytes], version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    """JSON lines (bytes, any iterable: a file read line by line) -> the snapshot of the parties in them."""
    digest = sha256()
    kept: list[dict[str, Any]] = []  # the fields of each entity, read as the lines come (the version comes last)
    latest: str | None = None
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    warnings: list[str] = []
    count = 0
    for n, raw in enumerate(lines, start=1):
        digest.update(raw)
        if n == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        obj = decode_line(raw, n)
        if obj is None:
            continue
        count += 1
        schema = obj["schema"]
        if schema not in SCHEMATA:
            skipped[schema] += 1
            continue
        if obj.get("target") is False:
            skipped["not a target"] += 1
            continue
        if obj["id"] in seen:
            warnings.append(f"{WHAT}: line {n} repeats id {obj['id']!r}; the first is kept")
            continue
        seen.add(obj["id"])
        changed = _date(obj.get("last_change")) or _date(obj.get("last_seen"))
        if changed and (latest is None or changed > latest):
            latest = changed
        fields = _fields(obj, n)
        if fields is None:
            skipped["no name"] += 1
        else:
            kept.append(fields)
    if not count:
        raise ListFormatError(f"{WHAT}: the file is empty")
    hexdigest = digest.hexdigest()
    published = published or latest
    if version is None:
        version = f"{published}-{hexdigest[:8]}" if published else f"sha-{hexdigest[:12]}"
    entities = [Entity(list_version=version, **fields) for fields in kept]
    del kept
    if not entities:
        raise ListFormatError(f"{WHAT}: no person, company, organisation, vessel or airplane in the file")
    if skipped:
        shown = ", ".join(f"{k} {v:,}" for k, v in skipped.most_common())
        warnings.append(f"{WHAT}: {sum(skipped.values()):,} line(s) not screened: {shown}")
    if len(warnings) > 20:
        warnings = [*warnings[:20], f"{WHAT}: {len(warnings) - 20} more warning(s)"]
    warnings += formula_warnings(entities, SOURCE)
    return ListSnapshot(SOURCE, version, tuple(entities), published, hexdigest, tuple(warnings))


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    """The whole file in memory (the loader streams files from disk with :func:`parse_path`)."""
    if len(data) > MAX_STREAM_BYTES:
        raise ListFormatError(f"{WHAT}: the file is over the limit of {MAX_STREAM_BYTES:,} bytes")
    return parse_stream(data.splitlines(keepends=True), version, published=published)


def parse_path(path: Path, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    """A file on disk, read line by line."""
    with path.open("rb") as stream:
        return parse_stream(_lines(stream, MAX_STREAM_BYTES), version, published=published)


def looks_like(first_line: bytes) -> bool:
    """Whether a file's first line is a FollowTheMoney entity: a JSON object with "schema" and "properties"
    (read from the bytes: the line may be cut off in the head the loader looks at)."""
    line = first_line.lstrip(b"\xef\xbb\xbf").strip()
    return line.startswith(b"{") and b'"schema"' in line and b'"properties"' in line
