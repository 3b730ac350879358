"""One entity model for every list source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

NameStrength = Literal["primary", "strong", "weak"]
EntityType = Literal["organization", "person", "vessel", "aircraft", "region", "unknown"]


@dataclass(frozen=True, slots=True)
class EntityName:
    """A name an entity is listed under. ``primary`` is the listed name, ``strong`` an a.k.a.,
    ``weak`` a weak alias (OFAC "weak AKA", f.k.a./n.k.a.)."""

    value: str
    strength: NameStrength = "primary"
    kind: str | None = None  # source's own alias kind, e.g. "aka", "fka", "nka"


@dataclass(frozen=True, slots=True)
class EntityAddress:
    street: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 where known
    text: str | None = None  # the address as published, when the source does not split it


@dataclass(frozen=True, slots=True)
class Entity:
    """A listed party. ``id`` is stable across versions and prefixed by its source."""

    id: str
    source: str  # e.g. "uflpa", "cbp_wro", "ofac_sdn", "ofac_cons", "csl", "bis_dpl", "un_sc"
    list_name: str  # the originating list, e.g. "UFLPA Entity List", "Entity List (EL) - BIS"
    list_version: str
    entity_type: EntityType
    names: tuple[EntityName, ...]
    addresses: tuple[EntityAddress, ...] = ()
    countries: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    effective_date: str | None = None  # ISO date
    product_scope: tuple[str, ...] = ()  # WRO/Finding industries; empty means not product-scoped
    status: str | None = None
    flags: tuple[str, ...] = ()  # e.g. "includes_subsidiaries", "subordinate_and_affiliated"
    # (scheme, value): scheme canonical, value normalised (``screening.identifiers``), e.g. ("uscc", "9165...")
    identifiers: tuple[tuple[str, str], ...] = ()
    remarks: str | None = None
    end_date: str | None = None  # ISO date a listing lapses, when the source gives one (DPL, CSL)
    section: str | None = None  # the part of the list it is listed under, e.g. UFLPA "2(d)(2)(B)(ii)"
    parent_id: str | None = None  # listed as part of another listed entity (e.g. its named subsidiary)
    parent_name: str | None = None  # that entity's primary name, so a reason can say whose part it is
    # a listed person's dates of birth: "YYYY-MM-DD", "YYYY-MM", "YYYY" or a range of years "YYYY/YYYY"
    # (``screening.identifiers.birth_years``)
    dates_of_birth: tuple[str, ...] = ()

    @property
    def primary_name(self) -> str:
        return self.names[0].value if self.names else ""

    @property
    def in_force(self) -> bool:
        """False for a listing its publisher has revoked, modified away or otherwise ended (e.g. a WRO)."""
        return self.status not in INACTIVE_STATUSES


# Which listed entity types a field of an entry can hold (docs/rules.md, "Entity types"). Entry parties
# (declared parties, the importer, supply-chain tiers) have no declared kind: a person or an organisation
# (or a listed entity of unknown type), never a vessel, an aircraft or a region.
PARTY_TYPES: frozenset[str] = frozenset({"organization", "person", "unknown"})
# The conveyance (``transport``): its vessel name only against listed vessels, its carrier against
# organisations (and entities of unknown type).
VESSEL_TYPES: frozenset[str] = frozenset({"vessel"})
CARRIER_TYPES: frozenset[str] = frozenset({"organization", "unknown"})


# Listing statuses that mean "no longer in force" (lower case, as the parsers normalise them).
INACTIVE_STATUSES = frozenset({"revoked", "modified", "inactive"})
# Flag of an entity listed because its parent's listing names it (with ``parent_id``).
NAMED_SUBSIDIARY = "named_subsidiary"


def listed_as(entity: Entity) -> str | None:
    """How the entity is listed, in words, for a reason: "subsidiary of Ninestar Corporation listed under
    UFLPA section 2(d)(2)(B)(ii)", "listed under UFLPA section 2(d)(2)(B)(i)"; None when nothing is known
    beyond the list itself."""
    program = entity.programs[0] if entity.programs else entity.list_name
    where = f"listed under {program} section {entity.section}" if entity.section else ""
    if entity.parent_id:
        relation = "subsidiary" if NAMED_SUBSIDIARY in entity.flags else "part"
        parent = entity.parent_name or entity.parent_id
        return f"{relation} of {parent} {where}".strip() if where else f"{relation} of {parent}, listed with it"
    return where or None


@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """Every entity of one source at one version, as parsed from the published files."""

    source: str
    version: str
    entities: tuple[Entity, ...]
    published: str | None = None  # ISO date the publisher gave it, if known
    checksum: str = ""
    warnings: tuple[str, ...] = field(default=())
