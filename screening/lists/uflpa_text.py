"""Grammar of the entity cells of the DHS UFLPA Entity List, shared by the CSV excerpt (:mod:`uflpa`) and
the published HTML page (:mod:`uflpa_html`) (pure).

A cell names one listed entity in prose; every form below is read:

"NAME (including one alias: A)" / "(and three aliases: A; B; and C)" / "(including two aliases: A and B)"
                                      -> aliases A, B, C (strong, kind "aka")
"NAME (also known as A; and B, and formerly known as C; D; and E)"
                                      -> aliases A, B (strong) and former names C, D, E (weak, kind "fka")
"NAME (formerly known as C)"          -> former name C
"NAME (ABC)"                          -> aliases "ABC" (acronym) and "NAME"
"NAME (including subsidiaries)" / "NAME and Subsidiaries" / "NAME, and Subsidiaries" / "NAME and its
subsidiaries"                         -> flag ``includes_subsidiaries``
"NAME and its subordinate and affiliated entities" -> flag ``subordinate_and_affiliated``
"NAME and its subsidiary X"           -> NAME, and X as a named subsidiary
"NAME and its eight Zhuhai-based subsidiaries, which include A; B; ...; and H"
                                      -> NAME, and A ... H as named subsidiaries (the count is checked)

A named subsidiary is itself written in the same grammar (it may have aliases). When a list of names
has fewer items than its stated count ("two aliases: A and B"), it is also split at " and " after a
complete firm name, or at every " and " when that gives exactly the stated count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screening.entities import EntityName
from screening.lists.common import clean
from screening.lists.wro_text import split_parties

# Group bodies may hold one level of nested parentheses, e.g. "(and one alias: Foo (Group) Ltd.)".
_BODY = r"[^()]*(?:\([^()]*\)[^()]*)*"
_ALIAS_GROUP = re.compile(
    rf"\(\s*(?:and|including)\s+(?:(?P<count>\w+)\s+)?alias(?:es)?\s*:\s*(?P<aliases>{_BODY})\)",
    re.IGNORECASE,
)
_AKA_GROUP = re.compile(rf"\(\s*(?:also known as|a/k/a|a\.k\.a\.)\s+(?P<body>{_BODY})\)", re.IGNORECASE)
_FKA_GROUP = re.compile(rf"\(\s*formerly known as\s+(?P<body>{_BODY})\)", re.IGNORECASE)
_SUBSIDIARIES_GROUP = re.compile(r"\s*\((?:and|including)\s+(?:its\s+)?subsidiaries\)", re.IGNORECASE)
_SUBORDINATE = re.compile(r",?\s+and its subordinate and affiliated entities\.?\s*$", re.IGNORECASE)
# "and Subsidiaries", ", and its subsidiary", "and its eight Zhuhai-based subsidiaries" (up to 3 words between)
_SUBSIDIARY_CLAUSE = re.compile(
    r"(?:,\s*|\s+)and\s+(?:its\s+(?P<mid>(?:[\w-]+\s+){0,3}?))?subsidiar(?P<number>y|ies)\b",
    re.IGNORECASE,
)
_INTRO = re.compile(
    r"^[\s,:;-]*(?:(?:which|that)\s+(?:include|includes|are|is)\b|including\b|namely\b|i\.e\.,?)?[\s,:;-]*",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acr>[A-Z][A-Z0-9&-]{1,11})\)$")
_FORMERLY = re.compile(r",?\s*(?:and\s+)?formerly known as\s+", re.IGNORECASE)
_NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
_COUNTS = {w: n for n, w in enumerate(_NUMBERS)}

INCLUDES_SUBSIDIARIES = "includes_subsidiaries"
SUBORDINATE_AND_AFFILIATED = "subordinate_and_affiliated"


@dataclass(frozen=True, slots=True)
class Listing:
    """One entity cell read: the listed entity, and the subsidiaries the cell names (each a Listing)."""

    primary: str
    aliases: tuple[EntityName, ...] = ()
    flags: tuple[str, ...] = ()
    subsidiaries: tuple[Listing, ...] = ()
    problems: tuple[str, ...] = ()  # e.g. "three alias(es) stated, 2 found" (of the subsidiaries too)


def count_of(word: str | None) -> int | None:
    """ "three" / "3" -> 3; None for anything else."""
    if not word:
        return None
    w = word.casefold()
    return int(w) if w.isdigit() else _COUNTS.get(w)


def _depths(text: str) -> list[int]:
    """Parenthesis depth at each character of ``text``."""
    out = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(depth)
        if ch == ")":
            depth = max(0, depth - 1)
    return out


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``text`` at matches of ``pattern`` outside parentheses."""
    depth = _depths(text)
    parts: list[str] = []
    start = 0
    for m in pattern.finditer(text):
        if depth[m.start()] == 0 and m.start() >= start:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


_SEPARATORS = re.compile(r";\s*(?:and\s+)?|,\s+and\s+(?=[A-Z0-9])")
_AND = re.compile(r"\s+and\s+(?=[A-Z0-9])")


def _tidy(part: str) -> str:
    return re.sub(r"^(?:and|or)\s+", "", clean(part), flags=re.IGNORECASE).strip(" ;,")


def split_names(body: str, stated: int | None = None) -> list[str]:
    """ "A; B; and C" / "A, and B" -> [A, B, C]. Without a stated count, or when the separators give fewer
    names than stated, a part is also split at " and " after a complete firm name ("X Co. and Y"), and
    failing that at every " and " if that gives exactly the stated count."""
    parts = [p for p in (_tidy(x) for x in _split_top(body, _SEPARATORS)) if p]
    if stated is not None and len(parts) >= stated:
        return parts
    firm_split = [q for p in parts for q in (split_parties(p) if " and " in p else [p])]
    if stated is None or len(firm_split) == stated:
        return firm_split
    every = [q for p in parts for q in (_tidy(x) for x in _split_top(p, _AND)) if q]
    return every if len(every) == stated else parts


def _split_formerly(body: str) -> tuple[str, str]:
    parts = _FORMERLY.split(body, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (body, "")


def _find_top(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    depth = _depths(text)
    return next((m for m in pattern.finditer(text) if depth[m.start()] == 0), None)


def _names_of(text: str) -> tuple[str, list[EntityName], list[str]]:
    """The alias grammar of one name (no subsidiary clause): (primary, aliases, problems)."""
    aliases: list[EntityName] = []
    problems: list[str] = []
    rest = text
    for m in _ALIAS_GROUP.finditer(rest):
        stated = count_of(m.group("count"))
        found = split_names(m.group("aliases"), stated)
        if stated is not None and stated != len(found):
            problems.append(f"{m.group('count')} alias(es) stated, {len(found)} found")
        aliases.extend(EntityName(a, "strong", "aka") for a in found)
    rest = _ALIAS_GROUP.sub("", rest)
    for m in _AKA_GROUP.finditer(rest):
        aka, fka = _split_formerly(m.group("body"))
        aliases.extend(EntityName(a, "strong", "aka") for a in split_names(aka))
        if fka:
            aliases.extend(EntityName(a, "weak", "fka") for a in split_names(fka))
    rest = _AKA_GROUP.sub("", rest)
    for m in _FKA_GROUP.finditer(rest):
        aliases.extend(EntityName(a, "weak", "fka") for a in split_names(m.group("body")))
    rest = _FKA_GROUP.sub("", rest)
    primary = clean(rest).strip(" ,;")
    acronym = _ACRONYM.match(primary)
    if acronym:
        aliases[:0] = [
            EntityName(acronym.group("acr"), "strong", "acronym"),
            EntityName(acronym.group("name"), "strong", "aka"),
        ]
    seen = {primary.casefold()}
    unique: list[EntityName] = []
    for a in aliases:
        if a.value and a.value.casefold() not in seen:
            seen.add(a.value.casefold())
            unique.append(a)
    return primary, unique, problems


def parse_listing(text: str) -> Listing:
    """One published entity cell -> the listed entity and the subsidiaries it names."""
    rest = clean(text)
    flags: list[str] = []
    problems: list[str] = []
    if _SUBORDINATE.search(rest):
        flags.append(SUBORDINATE_AND_AFFILIATED)
        rest = _SUBORDINATE.sub("", rest)
    if _SUBSIDIARIES_GROUP.search(rest):
        flags.append(INCLUDES_SUBSIDIARIES)
        rest = _SUBSIDIARIES_GROUP.sub("", rest)
    subsidiaries: list[Listing] = []
    clause = _find_top(_SUBSIDIARY_CLAUSE, rest)
    if clause:
        head, tail = rest[: clause.start()], rest[clause.end() :]
        tail = _INTRO.sub("", tail, count=1).strip()
        if tail.startswith("(") and tail.endswith(")") and _depths(tail)[1:-1].count(0) == 0:
            tail = tail[1:-1].strip()
        mid = (clause.group("mid") or "").split()
        stated = count_of(mid[0]) if mid else None
        plural = clause.group("number").casefold() == "ies"
        if not tail:
            if INCLUDES_SUBSIDIARIES not in flags:
                flags.append(INCLUDES_SUBSIDIARIES)
        else:
            names = split_names(tail, stated) if plural else [tail]
            if stated is not None and stated != len(names):
                problems.append(f"{mid[0]} subsidiar{'ies' if plural else 'y'} stated, {len(names)} found")
            for name in names:
                primary, aliases, sub_problems = _names_of(name)
                if primary:
                    subsidiaries.append(Listing(primary, tuple(aliases)))
                    problems.extend(f"subsidiary {primary!r}: {p}" for p in sub_problems)
        rest = head
    primary, aliases, own_problems = _names_of(rest)
    return Listing(primary, tuple(aliases), tuple(flags), tuple(subsidiaries), tuple([*own_problems, *problems]))


def parse_name(text: str) -> tuple[str, list[EntityName], list[str]]:
    """A published entity cell -> (primary name, aliases, flags) of the listed entity itself."""
    listing = parse_listing(text)
    return listing.primary, list(listing.aliases), list(listing.flags)


def alias_count_mismatches(text: str) -> list[str]:
    """Stated counts ("three aliases", "eight ... subsidiaries") that differ from the names found."""
    return list(parse_listing(text).problems)
