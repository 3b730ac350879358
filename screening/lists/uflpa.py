"""DHS UFLPA Entity List, in its published text style.

Aliases are written inside the name: "(and three aliases: A; B; and C)", "(including one alias: A)",
"(also known as A; and B, and formerly known as C)"; qualifiers such as "(including subsidiaries)" and
"and its subordinate and affiliated entities" become flags.
"""

from __future__ import annotations

import re

from screening.entities import Entity, EntityName, ListSnapshot
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

SOURCE = "uflpa"
LIST_NAME = "UFLPA Entity List"
HEADER = ("Name of Entity", "Effective Date")

# Group bodies may hold one level of nested parentheses, e.g. "(and one alias: Foo (Group) Ltd.)".
_BODY = r"[^()]*(?:\([^()]*\)[^()]*)*"
_ALIAS_GROUP = re.compile(
    rf"\(\s*(?:and|including)\s+(?:(?P<count>\w+)\s+)?alias(?:es)?\s*:\s*(?P<aliases>{_BODY})\)",
    re.IGNORECASE,
)
_AKA_GROUP = re.compile(rf"\(\s*(?:also known as|a/k/a|a\.k\.a\.)\s+(?P<body>{_BODY})\)", re.IGNORECASE)
_FKA_GROUP = re.compile(rf"\(\s*formerly known as\s+(?P<body>{_BODY})\)", re.IGNORECASE)
_SUBSIDIARIES = re.compile(r"\s*\((?:and|including)\s+(?:its\s+)?subsidiaries\)", re.IGNORECASE)
_SUBORDINATE = re.compile(r",?\s+and its subordinate and affiliated entities\.?\s*$", re.IGNORECASE)
_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acr>[A-Z][A-Z0-9&-]{1,11})\)$")
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_COUNTS = {w: n for n, w in enumerate(_NUMBERS)}


def _split_aliases(body: str) -> list[str]:
    parts = re.split(r";\s*(?:and\s+)?|,\s+and\s+(?=[A-Z])", body)
    out = []
    for part in parts:
        part = re.sub(r"^(?:and|or)\s+", "", part.strip(), flags=re.IGNORECASE).strip(" ;,")
        if part:
            out.append(part)
    return out


_FORMERLY = re.compile(r",?\s*(?:and\s+)?formerly known as\s+", re.IGNORECASE)


def _split_formerly(body: str) -> tuple[str, str]:
    parts = _FORMERLY.split(body, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (body, "")


def alias_count_mismatches(text: str) -> list[str]:
    """Alias groups whose stated count ("three aliases") differs from the aliases found in them."""
    out = []
    for m in _ALIAS_GROUP.finditer(text):
        stated = _COUNTS.get((m.group("count") or "").casefold())
        found = len(_split_aliases(m.group("aliases")))
        if stated is not None and stated != found:
            out.append(f"{m.group('count')} alias(es) stated, {found} found")
    return out


def parse_name(text: str) -> tuple[str, list[EntityName], list[str]]:
    """Split a published entity cell into (primary name, aliases, flags)."""
    flags: list[str] = []
    aliases: list[EntityName] = []
    rest = " ".join(text.split())
    if _SUBORDINATE.search(rest):
        flags.append("subordinate_and_affiliated")
        rest = _SUBORDINATE.sub("", rest)
    if _SUBSIDIARIES.search(rest):
        flags.append("includes_subsidiaries")
        rest = _SUBSIDIARIES.sub("", rest)
    for m in _ALIAS_GROUP.finditer(rest):
        aliases.extend(EntityName(a, "strong", "aka") for a in _split_aliases(m.group("aliases")))
    rest = _ALIAS_GROUP.sub("", rest)
    for m in _AKA_GROUP.finditer(rest):
        aka, fka = _split_formerly(m.group("body"))
        aliases.extend(EntityName(a, "strong", "aka") for a in _split_aliases(aka))
        if fka:
            aliases.extend(EntityName(a, "weak", "fka") for a in _split_aliases(fka))
    rest = _AKA_GROUP.sub("", rest)
    for m in _FKA_GROUP.finditer(rest):
        aliases.extend(EntityName(a, "weak", "fka") for a in _split_aliases(m.group("body")))
    rest = _FKA_GROUP.sub("", rest)
    primary = re.sub(r"\s+", " ", rest).strip(" ,")
    acronym = _ACRONYM.match(primary)
    if acronym:
        aliases[:0] = [
            EntityName(acronym.group("acr"), "strong", "acronym"),
            EntityName(acronym.group("name"), "strong", "aka"),
        ]
    return primary, list(dict.fromkeys(a for a in aliases if a.value != primary)), flags


def read(data: bytes) -> list[tuple[str, str]]:
    """Bytes of the published CSV -> (entity text, effective date text) rows."""
    rows = csv_rows(decode_text(data, "UFLPA Entity List"), "UFLPA Entity List")
    if not rows or tuple(c.strip() for c in rows[0][:2]) != HEADER:
        raise ListFormatError(f"UFLPA Entity List: expected header {HEADER}, got {rows[0] if rows else []}")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise ListFormatError(f"UFLPA Entity List: line {n} has {len(row)} columns, expected 2")
        out.append((row[0], row[1]))
    return out


def map_rows(rows: list[tuple[str, str]], version: str) -> tuple[list[Entity], list[str]]:
    """Rows -> (entities, warnings) (pure)."""
    entities = []
    warnings: list[str] = []
    ids: set[str] = set()
    for n, (text, effective) in enumerate(rows, start=2):
        primary, aliases, flags = parse_name(text)
        if not primary:
            warnings.append(f"UFLPA Entity List: line {n} has no entity name; skipped")
            continue
        for problem in alias_count_mismatches(text):
            warnings.append(f"UFLPA Entity List: line {n} ({primary!r}): {problem}")
        entity_id = f"{SOURCE}:{slug(primary)}"
        if entity_id in ids:
            warnings.append(f"UFLPA Entity List: line {n} repeats {primary!r}; kept as {entity_id}-{n}")
            entity_id = f"{entity_id}-{n}"
        ids.add(entity_id)
        entities.append(
            Entity(
                id=entity_id,
                source=SOURCE,
                list_name=LIST_NAME,
                list_version=version,
                entity_type="organization",
                names=(EntityName(primary, "primary"), *aliases),
                countries=("CN",),
                programs=("UFLPA",),
                effective_date=iso_date(effective),
                flags=tuple(flags),
                status="active",
                remarks=text if text != primary else None,
            )
        )
    return entities, warnings


def to_entities(rows: list[tuple[str, str]], version: str) -> list[Entity]:
    """Rows -> entities (pure)."""
    return map_rows(rows, version)[0]


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    rows = read(data)
    if not rows:
        raise ListFormatError("UFLPA Entity List: no entities in the file")
    digest = checksum(data)
    if published is None:
        published = latest_date(e for _, e in rows)
    version = version or f"{published or 'undated'}-{digest[:8]}"
    return build_snapshot(SOURCE, rows, digest, published, version, map_rows)
