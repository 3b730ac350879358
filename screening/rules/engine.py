"""The rule engine: list matches and detected signals -> reasons, each with its code, decision, rule id
and version, party role and tier, evidence and list version (pure).

What a signal *means* (its reason code, decision and rule id) is read from the decision rules file; this
module only gathers the signals. The engine never searches by itself: the caller passes a search
function over the prepared name index, so the hot path stays in the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from screening.carry import CarryOver
from screening.decision import SEVERITY, Reason
from screening.entities import CARRIER_TYPES, PARTY_TYPES, VESSEL_TYPES, Entity, EntityAddress, listed_as
from screening.entry import PARTY_SCHEMES, Address, Entry, Identifier, Line, Party, Transport
from screening.identifiers import normalize
from screening.matching import Match, PartyEvidence
from screening.rules import region
from screening.rules.mid import MidParts, MidRules, compare_mid, derive_mid, normalize_mid
from screening.rules.products import RegionScope, ScopeCheck, SectorHit
from screening.rules.ruleset import RuleSet

# search(name, country, city, types, evidence): city is the city and province of the party's address, or
# None; types the listed entity types the field can hold (``screening.entities.PARTY_TYPES``...); evidence
# the party's identifiers and date of birth (None for the conveyance), which adjust the name matches
SearchFn = Callable[[str, str | None, str | None, frozenset[str], PartyEvidence | None], Sequence[Match]]

WRO_SOURCE = "cbp_wro"  # CBP's published WRO/Findings CSV (entity and product scope)
WRO_NAMES_SOURCE = "cbp_wro_names"  # the cleaned entity-name table of the same orders (no scope)
WRO_HOLD = "WRO_ENTITY"
WRO_OTHER_GOODS = "WRO_ENTITY_OTHER_GOODS"
WRO_UNKNOWN = "WRO_SCOPE_UNKNOWN"
WRO_REGION = "WRO_REGION"
WRO_INACTIVE = "WRO_ENTITY_INACTIVE"  # an order CBP revoked or modified: for information only
NAME_REVIEW = "NAME_MATCH_REVIEW"
SECTOR_UNTRACED = "HIGH_PRIORITY_SECTOR_UNTRACED"
MID_MISMATCH = "MID_MISMATCH"
MID_LISTED = "MID_LISTED"
NOTHING_TO_SCREEN = "NOTHING_TO_SCREEN"
VESSEL_IMO_LISTED = "VESSEL_IMO_LISTED"
VESSEL_NAME_MATCH = "VESSEL_NAME_MATCH"
VESSEL_NAME_REVIEW = "VESSEL_NAME_REVIEW"
CARRIER_LISTED = "CARRIER_LISTED"
CARRIER_NAME_REVIEW = "CARRIER_NAME_REVIEW"
PRODUCER_ROLES = ("manufacturer",)  # declared parties whose location is where the goods were made


@dataclass(frozen=True, slots=True)
class Subject:
    """One name to screen: a declared party (all lines) or a supply-chain tier (one line)."""

    role: str
    name: str
    line_number: int | None = None
    tier: int | None = None
    address: Address | None = None
    country: str | None = None
    registration_id: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    date_of_birth: str | None = None

    @property
    def declared(self) -> bool:
        return self.tier is None

    def evidence(self) -> PartyEvidence | None:
        """The identifiers (normalised per scheme) and date of birth the party declares, if any."""
        if not self.identifiers and not self.date_of_birth:
            return None
        ids = tuple(dict.fromkeys((i.scheme, normalize(i.scheme, i.value)) for i in self.identifiers))
        return PartyEvidence(ids, self.date_of_birth)

    @property
    def chinese_registration(self) -> str | None:
        """What region detection reads: the registration id, else a declared USCC."""
        return self.registration_id or next((i.value for i in self.identifiers if i.scheme == "uscc"), None)


def subjects(entry: Entry) -> list[Subject]:
    """Declared parties first, then the importer, then every tier of every line."""
    out: list[Subject] = []
    for role, party in entry.parties.items():
        country = party.address.country if party.address else None
        out.append(
            Subject(
                role,
                party.name,
                None,
                None,
                party.address,
                country,
                party.registration_id,
                party.identifiers,
                party.date_of_birth,
            )
        )
    if entry.importer is not None:
        out.append(Subject("importer", entry.importer.name))
    for line in entry.lines:
        for t in line.supply_chain:
            country = t.country or (t.address.country if t.address else None)
            out.append(
                Subject(
                    t.role or "supplier",
                    t.name,
                    line.line_number,
                    t.tier,
                    t.address,
                    country,
                    t.registration_id,
                    t.identifiers,
                    t.date_of_birth,
                )
            )
    return out


# --- facts prepared once per list version ----------------------------------------------------------

_ID_CLEAN = re.compile(r"[\s\-./]")


def normalize_identifier(value: str) -> str:
    return _ID_CLEAN.sub("", value).upper()


def _address_parts(addr: EntityAddress) -> tuple[str | None, str | None, str | None, str | None]:
    """(street, city, province, country) of a listed address; published one-line text is split on
    commas: trailing ISO code, postal numbers and "China" dropped, the last part left is the city, the
    first part with a digit the street."""
    if addr.city and addr.country:
        return addr.street, addr.city, addr.province, addr.country
    if not addr.text:
        return None, None, None, None
    parts = [p.strip() for p in addr.text.split(",") if p.strip()]
    country = addr.country
    if parts and re.fullmatch(r"[A-Z]{2}", parts[-1]):
        country = country or parts[-1]
        parts = parts[:-1]
    parts = [p for p in parts if not p.isdigit() and p.casefold() not in {"china", "prc", "p.r. china"}]
    if len(parts) < 2:
        return None, None, None, country
    street = next((p for p in parts[:-1] if any(c.isdigit() for c in p)), parts[0])
    return street, parts[-1], None, country


@dataclass(frozen=True, slots=True)
class ListFacts:
    """Lookups prepared from the listed entities besides names: registration identifiers and MIDs."""

    by_identifier: Mapping[str, tuple[Entity, ...]] = field(default_factory=dict)
    by_mid: Mapping[str, tuple[tuple[Entity, str], ...]] = field(default_factory=dict)
    by_imo: Mapping[str, tuple[Entity, ...]] = field(default_factory=dict)  # listed vessels by IMO number
    # (scheme, normalised value) -> entities, for the schemes a party can declare (``PARTY_SCHEMES``)
    by_scheme: Mapping[tuple[str, str], tuple[Entity, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, entities: Iterable[Entity], rules: RuleSet) -> ListFacts:
        ids: dict[str, list[Entity]] = {}
        mids: dict[str, list[tuple[Entity, str]]] = {}
        imos: dict[str, list[Entity]] = {}
        schemed: dict[tuple[str, str], list[Entity]] = {}
        known = _ENTITY_FACTS.known()
        found: dict[Entity, _EntityFacts] = {}
        for entity in entities:
            facts = known.get(entity)
            if facts is None or facts[0] is not rules.mid:
                facts = _entity_facts(entity, rules.mid)
            found[entity] = facts
            for value in facts[1]:
                ids.setdefault(value, []).append(entity)
            for pair in facts[3]:
                schemed.setdefault(pair, []).append(entity)
            for value, how in facts[2]:
                mids.setdefault(value, []).append((entity, how))
            if entity.entity_type == "vessel":
                for imo in _listed_imos(entity):
                    imos.setdefault(imo, []).append(entity)
        _ENTITY_FACTS.keep(found)
        return cls(
            {k: tuple(v) for k, v in ids.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in mids.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in imos.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in schemed.items()},
        )


# One entity's part of the facts, under the MID rules it was derived with: its registration identifiers,
# its MIDs (listed or derived from a listed address) with how each was found, and its identifiers of the
# schemes a party can declare (scheme, normalised value).
_EntityFacts = tuple[MidRules, tuple[str, ...], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]
# Carried from one build to the next (``screening.carry``): a list swap derives the MIDs of new entities only.
_ENTITY_FACTS: CarryOver[Entity, _EntityFacts] = CarryOver()


def _entity_facts(entity: Entity, mid_rules: MidRules) -> _EntityFacts:
    ids: list[str] = []
    mids: list[tuple[str, str]] = []
    schemed: list[tuple[str, str]] = []
    for scheme, value in entity.identifiers:
        if scheme.casefold() == "mid":
            mids.append((normalize_mid(value), "listed"))
        elif value.strip():
            ids.append(normalize_identifier(value))
            if scheme in PARTY_SCHEMES and normalize(scheme, value):
                schemed.append((scheme, normalize(scheme, value)))
    if entity.entity_type in ("organization", "unknown"):
        for addr in entity.addresses:
            street, city, province, country = _address_parts(addr)
            parts = derive_mid(
                entity.primary_name,
                mid_rules,
                street=street,
                city=city,
                country=country,
                province=province,
            )
            if parts.complete and parts.number:
                mids.append((parts.value, "derived from listed address"))
    return mid_rules, tuple(ids), tuple(mids), tuple(dict.fromkeys(schemed))


# --- per-context memo of the rule lookups that repeat across entries ------------------------------

MEMO_SIZE = 50_000  # entries kept per lookup table; a full table is cleared (parties repeat, so it refills)


class RuleMemo:
    """Results of the pure rule lookups that recur entry after entry (the same manufacturers, addresses and
    HTS codes), for one :class:`RuleSet`. A memo only answers for the rule set it was first used with; it
    is kept by the screening context, so a list or rule swap starts a new one. Safe to share between
    threads (each step is one dict read or write; a lost write only costs a recomputation)."""

    __slots__ = ("_rules", "mids", "region_scopes", "regions", "sectors")

    def __init__(self) -> None:
        self._rules: RuleSet | None = None
        self.mids: dict[tuple[str, str | None, str | None, str | None, str | None], MidParts] = {}
        self.regions: dict[tuple[Address | None, str | None, str | None], tuple[region.RegionEvidence, ...]] = {}
        self.region_scopes: dict[tuple[str | None, str | None], tuple[tuple[RegionScope, str], ...]] = {}
        self.sectors: dict[tuple[str | None, str | None], tuple[SectorHit, ...]] = {}

    def serves(self, rules: RuleSet) -> bool:
        if self._rules is None:
            self._rules = rules
        return self._rules is rules


_T = TypeVar("_T")


def _put(table: dict[Any, Any], key: Any, value: Any) -> None:
    if len(table) >= MEMO_SIZE:
        table.clear()
    table[key] = value


def _day(iso: str | None) -> str | None:
    """What the dated product rules compare of a filing time (``sectors_for``, ``region_scopes_for``)."""
    return None if iso is None else iso[:10]


def _by_day(
    table: dict[Any, Any],
    lookup: Callable[[str | None, str | None], Sequence[_T]],
    hts_code: str | None,
    filed_at: str | None,
) -> Sequence[_T]:
    """``lookup(hts_code, filing day)``, kept in ``table`` (a memo of the screening context)."""
    key = (hts_code, _day(filed_at))
    found: tuple[_T, ...] | None = table.get(key)
    if found is None:
        found = tuple(lookup(hts_code, key[1]))
        _put(table, key, found)
    return found


def _region_scopes(
    rules: RuleSet, memo: RuleMemo | None, hts_code: str | None, filed_at: str | None
) -> Sequence[tuple[RegionScope, str]]:
    if memo is None:
        return rules.products.region_scopes_for(hts_code, filed_at)
    return _by_day(memo.region_scopes, rules.products.region_scopes_for, hts_code, filed_at)


def _sectors(rules: RuleSet, memo: RuleMemo | None, hts_code: str | None, filed_at: str | None) -> Sequence[SectorHit]:
    if memo is None:
        return rules.products.sectors_for(hts_code, filed_at)
    return _by_day(memo.sectors, rules.products.sectors_for, hts_code, filed_at)


def _detect_region(subject: Subject, rules: RuleSet, memo: RuleMemo | None) -> list[region.RegionEvidence]:
    if memo is None:
        return region.detect(
            rules.places, address=subject.address, registration_id=subject.chinese_registration, country=subject.country
        )
    key = (subject.address, subject.chinese_registration, subject.country)
    found = memo.regions.get(key)
    if found is None:
        found = tuple(
            region.detect(
                rules.places,
                address=subject.address,
                registration_id=subject.chinese_registration,
                country=subject.country,
            )
        )
        _put(memo.regions, key, found)
    return list(found)


# --- reasons ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Builder:
    entry: Entry
    rules: RuleSet
    reasons: list[Reason] = field(default_factory=list)
    seen: set[tuple[Any, ...]] = field(default_factory=set)

    def add(self, code: str, subject: Subject | None, *, line_number: int | None = None, **kw: Any) -> None:
        rule = self.rules.decisions.rule(code)
        if self.entry.direction not in rule.directions:
            return
        line = line_number if line_number is not None else (subject.line_number if subject else None)
        key = (
            code,
            subject.role if subject else None,
            line,
            subject.tier if subject else None,
            kw.get("entity_id"),
        )
        if key in self.seen:
            return
        self.seen.add(key)
        self.reasons.append(
            Reason(
                code=code,
                decision=rule.decision,
                party_role=subject.role if subject else None,
                party_name=subject.name if subject else None,
                line_number=line,
                tier=subject.tier if subject else None,
                rule_id=rule.rule_id,
                rule_version=rule.version,
                **kw,
            )
        )


def _lines_of(entry: Entry, subject: Subject) -> list[Line]:
    if subject.line_number is None:
        return list(entry.lines)
    return [ln for ln in entry.lines if ln.line_number == subject.line_number]


def _wro_reason(entry: Entry, subject: Subject, entity: Entity, rules: RuleSet) -> tuple[str, dict[str, Any]]:
    checks: list[tuple[Line, ScopeCheck]] = [
        (ln, rules.products.wro_scope(entity.product_scope, ln.hts_code)) for ln in _lines_of(entry, subject)
    ]
    evidence: dict[str, Any] = {
        "product_scope": list(entity.product_scope),
        "lines": [{"line_number": ln.line_number, "hts_code": ln.hts_code, **c.to_json()} for ln, c in checks],
        "scope_rules": f"{rules.products.id}.v{rules.products.version}",
    }
    if entity.status:
        evidence["order_status"] = entity.status
    if any(c.status == "in_scope" for _, c in checks):
        return WRO_HOLD, evidence
    if not checks or any(c.status == "unknown" for _, c in checks):
        return WRO_UNKNOWN, evidence
    return WRO_OTHER_GOODS, evidence


def _list_match(
    b: _Builder,
    subject: Subject,
    entity: Entity,
    listed_name: str,
    score: float,
    hold: float,
    extra: dict[str, Any],
) -> None:
    rules = b.rules
    code = rules.decisions.list_code(entity.source, entity.list_name, b.entry.direction)
    if code is None:
        return
    evidence: dict[str, Any] = dict(extra)
    if code == WRO_HOLD and not entity.in_force:
        # a revoked or modified order holds nothing, whatever the score: reported, never a REVIEW or HOLD
        code = WRO_INACTIVE
        evidence["order_status"] = entity.status
        evidence["product_scope"] = list(entity.product_scope)
    elif score < hold:
        code = NAME_REVIEW
    elif code == WRO_HOLD:
        code, scope = _wro_reason(b.entry, subject, entity, rules)
        evidence.update(scope)
    evidence.update(_listing(entity))
    if entity.flags:
        evidence["flags"] = list(entity.flags)
    if entity.section:
        evidence["section"] = entity.section
    if entity.parent_id:
        evidence["parent"] = {"entity_id": entity.parent_id, "name": entity.parent_name}
    how = listed_as(entity)
    if how:
        evidence["listed_as"] = how
    b.add(
        code,
        subject,
        list=entity.list_name,
        list_version=entity.list_version,
        entity_id=entity.id,
        matched_name=listed_name,
        score=score,
        evidence=evidence,
    )


def _region(b: _Builder, subject: Subject, found: list[region.RegionEvidence]) -> None:
    if not found:  # most parties: no evidence, no strength
        return
    strength = region.strength(found)
    if strength is None:
        return
    places = b.rules.places
    d = b.rules.decisions
    b.add(
        d.region_strong if strength == "strong" else d.region_weak,
        subject,
        list=places.id,
        list_version=places.version,
        evidence={"strength": strength, "signals": [e.to_json() for e in found]},
    )


def _wro_region(
    b: _Builder,
    line: Line,
    producers: list[tuple[Subject, list[region.RegionEvidence]]],
    memo: RuleMemo | None = None,
) -> None:
    products = b.rules.products
    scopes = _region_scopes(b.rules, memo, line.hts_code, b.entry.filed_at)
    if not scopes:
        return
    for subject, found in producers:
        strong = [e for e in found if e.strength == "strong"]
        if not strong:
            continue
        scope, prefix = scopes[0]
        b.add(
            WRO_REGION,
            subject,
            line_number=line.line_number,
            list=products.id,
            list_version=products.version,
            entity_id=f"wro-region:{scope.id}",
            evidence={
                "scope": scope.id,
                "label": scope.label,
                "effective": scope.effective,
                "source": products.sources[scope.source].get("title", scope.source),
                "hts_code": line.hts_code,
                "hts_prefix": prefix,
                "signals": [e.to_json() for e in strong],
            },
        )


def _sector_untraced(b: _Builder, line: Line, memo: RuleMemo | None = None) -> None:
    origin = line.country_of_origin or b.entry.country_of_origin
    if origin != "CN" or line.supply_chain:
        return
    hits = _sectors(b.rules, memo, line.hts_code, b.entry.filed_at)
    if not hits:
        return
    products = b.rules.products
    b.add(
        SECTOR_UNTRACED,
        None,
        line_number=line.line_number,
        list=products.id,
        list_version=products.version,
        evidence={
            "hts_code": line.hts_code,
            "country_of_origin": origin,
            "sectors": [h.to_json() for h in hits],
            "supply_chain_tiers": 0,
        },
    )


def manufacturer_mid(entry: Entry, party: Party, rules: RuleSet, memo: RuleMemo | None = None) -> MidParts:
    addr = party.address or Address()
    country = addr.country or entry.country_of_origin
    if memo is None:
        return derive_mid(
            party.name, rules.mid, street=addr.street, city=addr.city, country=country, province=addr.province
        )
    key = (party.name, addr.street, addr.city, country, addr.province)
    found = memo.mids.get(key)
    if found is None:
        found = derive_mid(
            party.name, rules.mid, street=addr.street, city=addr.city, country=country, province=addr.province
        )
        _put(memo.mids, key, found)
    return found


def _mid(b: _Builder, facts: ListFacts, memo: RuleMemo | None = None) -> None:
    party = b.entry.parties.get("manufacturer")
    if party is None:
        return
    subject = Subject("manufacturer", party.name, address=party.address, registration_id=party.registration_id)
    derived = manufacturer_mid(b.entry, party, b.rules, memo)
    mid_rules = f"{b.rules.mid.id}.v{b.rules.mid.version}"
    candidates: dict[str, str] = {}
    if party.mid:
        candidates[normalize_mid(party.mid)] = "declared"
        if derived.complete:
            cmp = compare_mid(party.mid, derived)
            if not cmp.agrees:
                b.add(
                    MID_MISMATCH,
                    subject,
                    list=b.rules.mid.id,
                    list_version=b.rules.mid.version,
                    evidence={**cmp.to_json(), "mid_rules": mid_rules},
                )
    if derived.complete:
        candidates.setdefault(derived.value, "derived")
    for mid, how in candidates.items():
        for entity, entity_how in facts.by_mid.get(mid, ()):
            b.add(
                MID_LISTED,
                subject,
                list=entity.list_name,
                list_version=entity.list_version,
                entity_id=entity.id,
                matched_name=entity.primary_name,
                evidence={
                    "mid": mid,
                    "manufacturer_mid": how,
                    "listed_mid": entity_how,
                    "mid_rules": mid_rules,
                },
            )


def _city(address: Address | None) -> str | None:
    if address is None:
        return None
    city, province = address.city, address.province
    if city and province:
        return f"{city} {province}"
    return city or province or None


def _screenable(transport: Transport | None) -> bool:
    """Whether the conveyance names something to screen (a carrier, a vessel or its IMO number)."""
    return transport is not None and bool(transport.carrier_name or transport.vessel_name or transport.vessel_imo)


def _listed_imos(entity: Entity) -> set[str]:
    return {normalize_identifier(v).removeprefix("IMO") for s, v in entity.identifiers if s.casefold() == "imo"}


def _vessel(b: _Builder, transport: Transport, search: SearchFn, hold: float, facts: ListFacts) -> None:
    """The vessel of the conveyance: by IMO number exactly (``VESSEL_IMO_LISTED``), by name against listed
    vessels only (``VESSEL_NAME_MATCH`` at or above ``hold`` unless the IMO numbers differ, else
    ``VESSEL_NAME_REVIEW``)."""
    imo = transport.vessel_imo
    label = transport.vessel_name or (f"IMO {imo}" if imo else "")
    subject = Subject("vessel", label)
    found: set[str] = set()
    if imo:
        for entity in facts.by_imo.get(imo, ()):
            if b.rules.decisions.list_code(entity.source, entity.list_name, b.entry.direction) is None:
                continue
            found.add(entity.id)
            b.add(
                VESSEL_IMO_LISTED,
                subject,
                list=entity.list_name,
                list_version=entity.list_version,
                entity_id=entity.id,
                matched_name=entity.primary_name,
                score=1.0,
                evidence={"vessel_imo": imo, "listed_imo": imo, **_listing(entity)},
            )
    if not transport.vessel_name:
        return
    for match in search(transport.vessel_name, None, None, VESSEL_TYPES, None):
        entity = match.entity
        if entity.id in found or entity.entity_type != "vessel":
            continue
        if b.rules.decisions.list_code(entity.source, entity.list_name, b.entry.direction) is None:
            continue
        evidence: dict[str, Any] = _name_evidence(match)
        listed = _listed_imos(entity)
        conflict = bool(imo and listed and imo not in listed)
        if imo and listed:
            evidence["vessel_imo"] = imo
            evidence["listed_imo"] = sorted(listed)
        if conflict:
            evidence["imo_conflict"] = True  # the same name, another ship: a name match alone is a review
        code = VESSEL_NAME_MATCH if match.score >= hold and not conflict else VESSEL_NAME_REVIEW
        b.add(
            code,
            subject,
            list=entity.list_name,
            list_version=entity.list_version,
            entity_id=entity.id,
            matched_name=match.name.value,
            score=match.score,
            evidence={**evidence, **_listing(entity)},
        )


def _carrier(b: _Builder, transport: Transport, search: SearchFn, hold: float) -> None:
    """The carrier of the conveyance against listed organisations: ``CARRIER_LISTED`` when the match is at
    or above ``hold`` on a list whose strong match holds an entry in this direction (e.g. the SDN list),
    else ``CARRIER_NAME_REVIEW``."""
    if not transport.carrier_name:
        return
    subject = Subject("carrier", transport.carrier_name)
    decisions = b.rules.decisions
    for match in search(transport.carrier_name, None, None, CARRIER_TYPES, None):
        entity = match.entity
        list_code = decisions.list_code(entity.source, entity.list_name, b.entry.direction)
        if list_code is None:
            continue
        holds = decisions.rule(list_code).decision == "HOLD"
        b.add(
            CARRIER_LISTED if match.score >= hold and holds else CARRIER_NAME_REVIEW,
            subject,
            list=entity.list_name,
            list_version=entity.list_version,
            entity_id=entity.id,
            matched_name=match.name.value,
            score=match.score,
            evidence={
                **_name_evidence(match),
                "list_code": list_code,
                **({"carrier_scac": transport.carrier_scac} if transport.carrier_scac else {}),
                **_listing(entity),
            },
        )


def identifier_hits(
    registration_id: str | None, identifiers: Sequence[Identifier], facts: ListFacts
) -> list[tuple[Entity, dict[str, Any]]]:
    """The listed parties whose published identifiers equal one a party declares: ``registration_id`` (a
    value of no stated scheme) against every scheme's values, each of ``identifiers`` against the values
    of its own scheme (both normalised). Strong evidence on its own, whatever the name."""
    hits: list[tuple[Entity, dict[str, Any]]] = []
    if registration_id:
        for entity in facts.by_identifier.get(normalize_identifier(registration_id), ()):
            if entity.entity_type in PARTY_TYPES:  # not e.g. a vessel's IMO number
                hits.append((entity, {"identifier": registration_id}))
    for ident in identifiers:
        for entity in facts.by_scheme.get((ident.scheme, normalize(ident.scheme, ident.value)), ()):
            if entity.entity_type in PARTY_TYPES:
                hits.append((entity, {"identifier": ident.value, "identifier_scheme": ident.scheme}))
    return hits


def _name_evidence(match: Match) -> dict[str, Any]:
    """A name match's evidence: the matcher's explanation, the listed name's strength, and the name score
    and each adjustment apart (the reason's ``score`` is their clipped sum)."""
    explain = match.explain
    out: dict[str, Any] = {"explain": explain, "name_strength": match.name.strength}
    if "name_score" in explain:
        out.update(name_score=explain["name_score"], adjustments=dict(explain.get("adjustments", {})))
    if "evidence" in explain:  # the party's identifiers and date of birth against the entity's
        out["compared"] = explain["evidence"]
    return out


def _listing(entity: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entity.programs:
        out["programs"] = list(entity.programs)
    return out


def nothing_to_screen(entry: Entry, rules: RuleSet) -> Reason | None:
    """``NOTHING_TO_SCREEN`` when the entry holds nothing to screen (no declared party, no importer, no
    line, no carrier or vessel in its conveyance), else None: an entry on which nothing was screened is never CLEAR."""
    if entry.parties or entry.importer is not None or entry.lines or _screenable(entry.transport):
        return None
    b = _Builder(entry, rules)
    decisions = rules.decisions
    b.add(
        NOTHING_TO_SCREEN,
        None,
        list=decisions.id,
        list_version=decisions.version,
        evidence={"parties": 0, "importer": False, "lines": 0, "conveyance": False},
    )
    return b.reasons[0] if b.reasons else None


def evaluate(
    entry: Entry,
    *,
    search: SearchFn,
    hold: float,
    rules: RuleSet,
    facts: ListFacts | None = None,
    memo: RuleMemo | None = None,
) -> list[Reason]:
    """Every reason for one entry, most severe first. ``search(name, country, city)`` returns name
    matches (``city``: the city and province of the party's address, which corroborate a match).
    ``memo`` keeps rule lookups that repeat across entries (the reasons are the same with or without).
    Parties are searched among the listed types they can be (``PARTY_TYPES``): never a vessel or aircraft."""
    facts = facts or ListFacts()
    if memo is not None and not memo.serves(rules):
        memo = None
    b = _Builder(entry, rules)
    evidence_of: dict[Subject, list[region.RegionEvidence]] = {}
    for subject in subjects(entry):
        # a party is never matched against a listed vessel, aircraft or region (``PARTY_TYPES``)
        matches = search(subject.name, subject.country, _city(subject.address), PARTY_TYPES, subject.evidence())
        # The cleaned WRO name table restates CBP's published orders without their product scope: when the
        # published order itself matched this party, it alone speaks (with its scope), not its copy.
        published_wro = any(m.entity.source == WRO_SOURCE for m in matches)
        for match in matches:
            if match.entity.entity_type == "region":
                continue  # a region-wide order is applied by WRO_REGION, not by name
            if published_wro and match.entity.source == WRO_NAMES_SOURCE:
                continue
            _list_match(
                b,
                subject,
                match.entity,
                match.name.value,
                match.score,
                hold,
                _name_evidence(match),
            )
        for entity, evidence in identifier_hits(subject.registration_id, subject.identifiers, facts):
            _list_match(b, subject, entity, entity.primary_name, 1.0, hold, evidence)
        found = _detect_region(subject, rules, memo)
        evidence_of[subject] = found
        _region(b, subject, found)
    for line in entry.lines:
        producers = [
            (s, ev) for s, ev in evidence_of.items()
            if (s.declared and s.role in PRODUCER_ROLES) or s.line_number == line.line_number
        ]  # fmt: skip
        _wro_region(b, line, producers, memo)
        _sector_untraced(b, line, memo)
    _mid(b, facts, memo)
    if entry.transport is not None:
        _vessel(b, entry.transport, search, hold, facts)
        _carrier(b, entry.transport, search, hold)
    b.reasons.sort(
        key=lambda r: (
            -SEVERITY[r.decision],
            -float(r.evidence.get("name_score", r.score or 0.0)),  # a misspelt name after an exact one
            -(r.score or 0.0),
            r.code,
            r.party_role or "",
            r.line_number or 0,
            r.tier or 0,
        )
    )
    return b.reasons
