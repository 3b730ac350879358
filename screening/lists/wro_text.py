"""Grammar of the entity text in CBP's WRO/Findings table (pure). :func:`split_parties` also splits the
name lists of the UFLPA grammar (:mod:`screening.lists.uflpa_text`).

"X and Y"                             -> two parties, when X ends like a complete firm name
"X a/k/a A and B"                     -> X with aliases A, B
"X and Subsidiaries"                  -> X, flag includes_subsidiaries
"X (including A; B; and C)"           -> X (flag includes_named_parties) and A, B, C (flag named_in_order)
"Xinjiang Uyghur Autonomous Region (region-wide)" -> a region, flag region_wide
"Name (ABC)"                          -> aliases "ABC" and "Name"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screening.entities import EntityName, EntityType
from screening.lists.common import clean

_REGION = re.compile(r"\s*\(region[- ]wide\)\s*", re.IGNORECASE)
_SUBSIDIARIES = re.compile(r",?\s+and\s+(?:its\s+)?subsidiaries\.?\s*$", re.IGNORECASE)
_INCLUDING = re.compile(r"\s*\(including\s+(?!\w+\s+alias)(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)", re.IGNORECASE)
_AKA = re.compile(r"\s+(?:a/k/a|aka|a\.k\.a\.?|also known as)\s+", re.IGNORECASE)
_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acr>[A-Z][A-Z0-9&-]{1,11})\)$")
# A name that ends like this is complete, so a following " and " starts another party.
_FIRM_END = re.compile(
    r"(?:\b(?:Ltd|Co|Inc|Corp|Bhd|Pvt|Pte|S\.A|L\.L\.C)\.?|\b(?:Limited|Company|Corporation|LLC|GmbH|Group|"
    r"Berhad|Center|Centre|Park|Factory|Farm|Plantation|Industries|Vessel)|\))\s*,?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Party:
    names: tuple[EntityName, ...]  # the primary name first
    entity_type: EntityType = "organization"
    flags: tuple[str, ...] = ()


def split_list(body: str) -> list[str]:
    """ "A; B; and C" / "A, B and C" / "A and B" -> ["A", "B", "C"] (for alias and inclusion lists)."""
    parts = re.split(r";\s*|,\s+and\s+|\s+and\s+", body)
    return [p for p in (clean(re.sub(r"^(?:and|or)\s+", "", x.strip(" ;,"))) for x in parts) if p]


def split_parties(text: str) -> list[str]:
    """Split "X Co., Ltd. and Y Co., Ltd." at an " and " that follows a complete firm name only."""
    parts: list[str] = []
    start = 0
    for m in re.finditer(r"\s+and\s+(?=[A-Z0-9])", text):
        # (the end of the name before " and " is all that is looked at: linear in the length of the text)
        if _FIRM_END.search(text, max(start, m.start() - 64), m.start()):
            parts.append(text[start : m.start()].strip(" ,"))
            start = m.end()
    parts.append(text[start:].strip(" ,"))
    return [p for p in parts if p]


def _names(primary: str, aliases: list[str]) -> tuple[EntityName, ...]:
    names = [EntityName(primary, "primary")]
    m = _ACRONYM.match(primary)
    if m:
        names += [
            EntityName(m.group("acr"), "strong", "acronym"),
            EntityName(m.group("name"), "strong", "aka"),
        ]
    names += [EntityName(a, "strong", "aka") for a in aliases]
    return tuple(dict.fromkeys(n for n in names if n.value))


def parse_entity_text(text: str) -> list[Party]:
    """One published Entity cell -> the parties it names (the first is the order's main party)."""
    rest = clean(text)
    flags: list[str] = []
    entity_type: EntityType = "organization"
    if _REGION.search(rest):
        rest = _REGION.sub(" ", rest).strip()
        flags.append("region_wide")
        entity_type = "region"
    if _SUBSIDIARIES.search(rest):
        rest = _SUBSIDIARIES.sub("", rest)
        flags.append("includes_subsidiaries")
    included: list[str] = []
    for m in _INCLUDING.finditer(rest):
        included.extend(split_list(m.group("body")))
    if included:
        rest = _INCLUDING.sub("", rest)
        flags.append("includes_named_parties")
    aliases: list[str] = []
    head, *aka = _AKA.split(rest, maxsplit=1)
    if aka:
        aliases = split_list(aka[0])
    heads = split_parties(clean(head))
    if not heads:
        return []
    parties = [Party(_names(heads[0], aliases), entity_type, tuple(flags))]
    parties += [
        Party(_names(h, []), entity_type, tuple(f for f in flags if f != "includes_named_parties")) for h in heads[1:]
    ]
    parties += [Party(_names(i, []), "organization", ("named_in_order",)) for i in included]
    return parties
