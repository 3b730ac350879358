"""Screen one customs entry: every declared party and every supply-chain tier against the lists.

This is the single function the Faust agent, the offline ``entrywatch screen`` command and the tests
call. It is pure: the caller passes the prepared index of the list versions in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screening import ENGINE_VERSION
from screening.decision import Decision, Reason, combine
from screening.entities import Entity
from screening.entry import Entry
from screening.matching import Match, NameIndex

# Reason codes for a strong match, per source. A match below the HOLD threshold is NAME_MATCH_REVIEW.
HOLD_CODES = {
    "uflpa": "UFLPA_ENTITY",
    "cbp_wro": "WRO_ENTITY",
    "cbp_wro_names": "WRO_ENTITY",
}
REVIEW_CODE = "NAME_MATCH_REVIEW"


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """Everything screening needs, fixed for one set of list versions."""

    index: NameIndex
    list_versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_entities(cls, entities: list[Entity], list_versions: dict[str, str], **kw: object) -> ScreeningContext:
        return cls(NameIndex(entities, **kw), dict(list_versions))  # type: ignore[arg-type]


def _reason(match: Match, role: str, name: str, line: int | None, tier: int | None, hold: float) -> Reason:
    strong = match.score >= hold
    code = HOLD_CODES.get(match.entity.source, "LIST_MATCH") if strong else REVIEW_CODE
    return Reason(
        code=code,
        decision="HOLD" if strong else "REVIEW",
        party_role=role,
        party_name=name,
        line_number=line,
        tier=tier,
        list=match.entity.list_name,
        list_version=match.entity.list_version,
        entity_id=match.entity.id,
        matched_name=match.name.value,
        score=match.score,
        evidence={"explain": match.explain, "name_strength": match.name.strength},
    )


def screen_entry(entry: Entry, ctx: ScreeningContext) -> Decision:
    hold = ctx.index.thresholds.hold
    reasons: list[Reason] = []
    seen: set[tuple[str, int | None, int | None, str]] = set()
    for role, line, tier, name, _address, country in entry.named_parties():
        for match in ctx.index.search(name, country=country, limit=3):
            key = (role, line, tier, match.entity.id)
            if key in seen:
                continue
            seen.add(key)
            reasons.append(_reason(match, role, name, line, tier, hold))
    reasons.sort(key=lambda r: (-(r.score or 0.0), r.party_role or "", r.line_number or 0, r.tier or 0))
    return Decision(
        entry_number=entry.entry_number,
        entry_revision=entry.entry_revision,
        decision=combine(reasons),
        reasons=tuple(reasons),
        list_versions=dict(ctx.list_versions),
        algorithm=ctx.index.algorithm,
        engine_version=ENGINE_VERSION,
        direction=entry.direction,
    )
