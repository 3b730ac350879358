"""A party's identifiers and date of birth against a listed entity's: adjustments of a name match (pure).

An identifier of a scheme the entity also carries either agrees (one of the party's values equals one of
the entity's, normalised) or conflicts (none does). An agreeing identifier is a reason on its own (the
rule engine looks it up exactly); here only a conflict lowers the name match, by the scheme's kind
(``screening.identifiers.SCHEMES``). A party's year of birth inside a listed range of years agrees (a
small raise), more than a year away from every listed one conflicts (lowers the match). Each is reported
apart in the match's ``adjustments`` and described under ``explain["evidence"]`` (docs/matching.md,
"Identifiers and dates of birth").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screening.entities import Entity
from screening.identifiers import SCHEMES, birth_years, normalize

# Adjustments (added to the name score with the others: docs/matching.md).
IDENTIFIER_CONFLICT = {"registry": -0.15, "national": -0.05, "document": -0.05}
DOB_AGREE_BONUS = 0.02
DOB_CONFLICT_PENALTY = -0.10
DOB_TOLERANCE = 1  # a year this far from a listed one neither agrees nor conflicts


@dataclass(frozen=True, slots=True)
class PartyEvidence:
    """What a party declares besides its name: identifiers (canonical scheme, normalised value) and a
    date of birth (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""

    identifiers: tuple[tuple[str, str], ...] = ()
    date_of_birth: str | None = None

    def __bool__(self) -> bool:
        return bool(self.identifiers or self.date_of_birth)

    @property
    def birth_year(self) -> int | None:
        years = birth_years(self.date_of_birth) if self.date_of_birth else None
        return years[0] if years else None


def identifier_check(entity: Entity, evidence: PartyEvidence) -> tuple[float, list[dict[str, Any]]]:
    """(adjustment, comparisons): one comparison per scheme the party and the entity both carry."""
    listed: dict[str, set[str]] = {}
    for scheme, value in entity.identifiers:
        listed.setdefault(scheme, set()).add(normalize(scheme, value))
    mine: dict[str, list[str]] = {}
    for scheme, value in evidence.identifiers:
        if scheme in listed:
            mine.setdefault(scheme, []).append(value)
    adjust = 0.0
    out: list[dict[str, Any]] = []
    for scheme, values in mine.items():
        agrees = any(v in listed[scheme] for v in values)
        out.append({"scheme": scheme, "value": values, "listed": sorted(listed[scheme]), "agrees": agrees})
        if not agrees:
            adjust = min(adjust, IDENTIFIER_CONFLICT.get(SCHEMES.get(scheme, "other"), 0.0))
    return adjust, out


def dob_check(entity: Entity, evidence: PartyEvidence) -> tuple[float, dict[str, Any] | None]:
    """(adjustment, comparison) of the party's year of birth against the entity's listed dates of birth."""
    year = evidence.birth_year
    if year is None or not entity.dates_of_birth:
        return 0.0, None
    ranges = [r for r in map(birth_years, entity.dates_of_birth) if r is not None]
    if not ranges:
        return 0.0, None
    gap = min(0 if lo <= year <= hi else min(abs(year - lo), abs(year - hi)) for lo, hi in ranges)
    status = "agrees" if gap == 0 else ("close" if gap <= DOB_TOLERANCE else "conflicts")
    adjust = {"agrees": DOB_AGREE_BONUS, "close": 0.0, "conflicts": DOB_CONFLICT_PENALTY}[status]
    return adjust, {"party": evidence.date_of_birth, "listed": list(entity.dates_of_birth), "year": status}


def adjustments(entity: Entity, evidence: PartyEvidence) -> tuple[dict[str, float], dict[str, Any]]:
    """The identifier and date-of-birth adjustments of a match on ``entity`` (only those that apply) and
    what was compared (``explain["evidence"]``)."""
    adjust: dict[str, float] = {}
    seen: dict[str, Any] = {}
    if evidence.identifiers and entity.identifiers:
        value, compared = identifier_check(entity, evidence)
        if compared:
            seen["identifiers"] = compared
        if value:
            adjust["identifier"] = value
    if evidence.date_of_birth:
        value, dob = dob_check(entity, evidence)
        if dob is not None:
            seen["date_of_birth"] = dob
        if value:
            adjust["date_of_birth"] = value
    return adjust, seen
