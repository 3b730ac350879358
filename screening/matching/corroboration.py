"""What besides the names moves a match's score: the listed name's strength, the party kind, the country and
city of the party's address, a place or branch qualifier on a listed name, and the party's identifiers and
date of birth (``evidence.py``). Each adjustment is reported apart (docs/matching.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from screening.entities import Entity, EntityName
from screening.matching.evidence import PartyEvidence
from screening.matching.evidence import adjustments as evidence_adjustments
from screening.matching.prepare import DISTINCTIVE, INITIAL, NUMBER, is_common
from screening.matching.score import PairScore
from screening.matching.types import Match, rank
from screening.normalize import name_tokens
from screening.normalize_data import PLACE_WORDS

# Corroboration and alias adjustments, added to the name score (documented in docs/matching.md).
WEAK_ALIAS_PENALTY = -0.05
KIND_CONFLICT_PENALTY = -0.15
COUNTRY_AGREE_BONUS = 0.03
COUNTRY_CONFLICT_PENALTY = -0.06
CITY_AGREE_BONUS = 0.02  # a word of the party's city/province among the entity's address words
CITY_CONFLICT_PENALTY = -0.03  # the entity has address cities/provinces and none of them agrees
MAX_BONUS = COUNTRY_AGREE_BONUS + CITY_AGREE_BONUS
# A listed name of one or two common words (``prepare.is_common``) found inside a longer party name from a
# country the entity is not listed in: weak evidence ("AL NASER AIRLINES" in "Sunrise Al Naser Airlines
# Apparel Co., Ltd" of India).
COMMON_WORDS_PENALTY = -0.10
COMMON_WORDS_MAX = 2
# Listed with its subsidiaries (``includes_subsidiaries``, ``subordinate_and_affiliated``): a name with
# every distinctive word of the listed name plus only a place or branch qualifier scores at HOLD level.
SUBSIDIARY_FLAGS = frozenset({"includes_subsidiaries", "subordinate_and_affiliated"})
QUALIFIER_MARGIN = 0.01  # without the flag, a place-qualified name stays this far under HOLD
SUBSIDIARY_MIN_SIM = 0.85  # each listed distinctive word found at least this close
BRANCH_WORDS = frozenset(
    {"branch", "subsidiary", "factory", "plant", "office", "division", "representative", "county", "city",
     "province", "district", "region", "autonomous", "prefecture", "zone", "park"}
)  # fmt: skip
ADDRESS_NOISE = frozenset(
    {"county", "city", "province", "district", "region", "autonomous", "prefecture", "town", "village",
     "road", "street", "st", "rd", "avenue", "building", "floor", "room", "no", "zone", "area", "new"}
)  # fmt: skip

PERSON_KINDS = frozenset({"person"})
COMPANY_KINDS = frozenset({"organization", "vessel", "aircraft"})

_PARENS = re.compile(r"[(（]([^)）]*)[)）]")


def parenthesised(name: str) -> frozenset[str]:
    """Words written in parentheses in a name ("Hoshine Silicon Industry (Shanshan) Co." -> shanshan)."""
    return frozenset(t for part in _PARENS.findall(name) for t in name_tokens(part))


def address_words(text: str | None) -> frozenset[str]:
    """The place words of a city/province text ("Shanshan County, Turpan" -> {"shanshan", "turpan"})."""
    if not text:
        return frozenset()
    return frozenset(t for t in name_tokens(text) if len(t) > 2 and t not in ADDRESS_NOISE)


def entity_places(entity: Entity) -> frozenset[str]:
    """The place words of an entity's addresses (cities and provinces)."""
    words: set[str] = set()
    for a in entity.addresses:
        for part in (a.city, a.province):
            words |= address_words(part)
    return frozenset(words)


def corroboration(
    entity: Entity,
    name: EntityName,
    kind: str | None,
    country: str | None,
    city: frozenset[str],
    places: frozenset[str],
) -> dict[str, float]:
    """Adjustments from the listed name's strength, the party kind, the country and the city (against
    ``places``, the entity's place words: ``entity_places``)."""
    out: dict[str, float] = {}
    if name.strength == "weak":
        out["alias_strength"] = WEAK_ALIAS_PENALTY
    if (kind == "person" and entity.entity_type in COMPANY_KINDS) or (
        kind == "company" and entity.entity_type in PERSON_KINDS
    ):
        out["kind"] = KIND_CONFLICT_PENALTY
    if country:
        listed = set(entity.countries) | {a.country for a in entity.addresses if a.country}
        if listed:
            out["country"] = COUNTRY_AGREE_BONUS if country.upper() in listed else COUNTRY_CONFLICT_PENALTY
    if city and places:
        out["city"] = CITY_AGREE_BONUS if city & places else CITY_CONFLICT_PENALTY
    return out


def common_words_inside(pair: PairScore) -> bool:
    """The listed name (``pair.b``) is one or two distinctive words, each common, and the query
    (``pair.a``) has distinctive words besides those aligned with them."""
    listed = [t for t, c in zip(pair.b.tokens, pair.b.classes, strict=True) if c in (DISTINCTIVE, NUMBER)]
    if not 1 <= len(listed) <= COMMON_WORDS_MAX or not all(is_common(t) for t in listed):
        return False
    used = {x for x, _, _ in pair.pairs}
    return any(t not in used and c in (DISTINCTIVE, NUMBER) for t, c in zip(pair.a.tokens, pair.a.classes, strict=True))


def place_qualified(places: frozenset[str], pair: PairScore, qualifiers: frozenset[str]) -> bool:
    """The query is the listed name plus a place or branch qualifier: every distinctive word of the
    listed name is found, and every other word of the query is a place (a known place word, a word
    written in parentheses in the query, a word of the entity's address: ``places``) or a branch word."""
    found = {y: sim for _, y, sim in pair.pairs}
    listed = [t for t, c in zip(pair.b.tokens, pair.b.classes, strict=True) if c in (DISTINCTIVE, NUMBER)]
    if not listed or any(found.get(t, 0.0) < SUBSIDIARY_MIN_SIM for t in listed):
        return False
    used = {x for x, _, _ in pair.pairs}
    extra = [
        t
        for t, c in zip(pair.a.tokens, pair.a.classes, strict=True)
        if t not in used and c in (DISTINCTIVE, NUMBER, INITIAL)
    ]
    return bool(extra) and all(t in PLACE_WORDS or t in qualifiers or t in places or t in BRANCH_WORDS for t in extra)


def corroborate(
    entity: Entity,
    name: EntityName,
    pair: PairScore,
    kind: str | None,
    country: str | None,
    city: frozenset[str],
    places: frozenset[str],
    qualifiers: frozenset[str],
    hold: float,
) -> tuple[dict[str, float], dict[str, float]]:
    """The adjustments of a match of ``pair`` (the query against ``name`` of ``entity``) and its features:
    the ``corroboration``, and for a place-qualified name (``place_qualified``) the step to ``hold`` of an
    entity listed with its subsidiaries or the step under it of another entity of the same group."""
    adjust = corroboration(entity, name, kind, country, city, places)
    name_score = pair.score
    features = pair.features()
    if adjust.get("country") == COUNTRY_CONFLICT_PENALTY and common_words_inside(pair):
        adjust["common_words"] = COMMON_WORDS_PENALTY
    if pair.score < 1.0 and place_qualified(places, pair, qualifiers):
        if SUBSIDIARY_FLAGS.intersection(entity.flags):
            # listed with its subsidiaries: "X (Place) Co" is covered by the listing of "X Co"
            features["subsidiary_of_listed"] = 1.0
            if name_score < hold:
                adjust = {"subsidiary_of_listed": round(hold - name_score, 4), **adjust}
        elif name_score >= hold:
            # another legal entity of the same group (a branch, a regional company): REVIEW
            features["location_qualifier"] = 1.0
            adjust = {"location_qualifier": round(hold - QUALIFIER_MARGIN - name_score, 4), **adjust}
    return adjust, features


def weigh(matches: Iterable[Match], evidence: PartyEvidence, floor: float) -> list[Match]:
    """``matches`` with the identifier and date-of-birth adjustments of ``evidence`` added (each apart in
    ``adjustments``, what was compared in ``explain["evidence"]``), those at or above ``floor``, best
    first."""
    out: list[Match] = []
    for match in matches:
        adjust, seen = evidence_adjustments(match.entity, evidence)
        if not adjust and not seen:
            if match.score >= floor:
                out.append(match)
            continue
        explain = dict(match.explain)
        before = dict(explain.get("adjustments", {}))
        name_score = float(explain.get("name_score", match.score))
        # the unclipped sum: the score itself unless it was clipped to 0 or 1
        raw = match.score if 0.0 < match.score < 1.0 else name_score + sum(before.values())
        score = min(1.0, max(0.0, raw + sum(adjust.values())))
        if score < floor:
            continue
        explain["contributions"] = {**explain.get("contributions", {}), **adjust}
        explain["adjustments"] = {**before, **adjust}
        explain["score"] = round(score, 4)
        explain["evidence"] = seen
        out.append(Match(match.entity, match.name, score, explain))
    return sorted(out, key=lambda m: (*rank(m), m.entity.id))
