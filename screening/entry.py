"""Customs entries: the typed model and the parser that validates ``customs-entry.v1`` records.

The parser mirrors ``schemas/customs-entry.v1.json`` (a test keeps the two in step) and is written by
hand so the hot path gets typed objects and a precise error path without a schema engine per event.
Unknown fields are kept in ``extra`` so nothing a filer sent is lost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from screening.errors import FieldError
from screening.identifiers import SCHEMES, normalize

SCHEMA_VERSION = 1
PARTY_ROLES = ("manufacturer", "seller", "shipper", "consignee")
MAX_LINES = 10_000
MAX_TIERS = 1_000
MAX_TEXT = 2_000
MAX_IDENTIFIERS = 20  # per party
# The schemes a party may declare: those of ``screening.identifiers.SCHEMES`` that can belong to a party
# (not a vessel's or aircraft's, not a list's own reference or a MID, which has its own field).
PARTY_SCHEMES = tuple(s for s, kind in SCHEMES.items() if kind in ("registry", "national", "document"))
_DOB = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_IMO = re.compile(r"[0-9]{7}")
TRANSPORT_MODES = ("vessel", "air", "truck", "rail", "mail", "other")
TRANSPORT_KEYS = (
    "mode", "carrier_name", "carrier_scac", "vessel_name", "vessel_imo", "voyage", "bill_of_lading",
    "port_of_lading",
)  # fmt: skip


class EntryError(FieldError):
    """An entry that does not follow customs-entry.v1. ``path`` names the offending field."""


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = None

    def text(self) -> str:
        return ", ".join(p for p in (self.street, self.city, self.province, self.postal_code, self.country) if p)


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier a party declares: a canonical scheme (``screening.identifiers.SCHEMES``) and the
    value as written (compared normalised)."""

    scheme: str
    value: str


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: Address | None = None
    registration_id: str | None = None
    mid: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    date_of_birth: str | None = None  # a person's: YYYY, YYYY-MM or YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Tier:
    tier: int
    name: str
    role: str | None = None
    address: Address | None = None
    country: str | None = None
    registration_id: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    date_of_birth: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    line_number: int
    hts_code: str | None = None
    description: str | None = None
    value_usd: float | None = None
    quantity: float | None = None
    unit: str | None = None
    country_of_origin: str | None = None
    supply_chain: tuple[Tier, ...] = ()


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Transport:
    """The conveyance: how the goods travel, and who carries them."""

    mode: str | None = None  # one of TRANSPORT_MODES
    carrier_name: str | None = None
    carrier_scac: str | None = None  # the carrier's Standard Carrier Alpha Code
    vessel_name: str | None = None
    vessel_imo: str | None = None  # 7 digits, check digit verified (``imo_valid``)
    voyage: str | None = None
    bill_of_lading: str | None = None
    port_of_lading: str | None = None


def imo_valid(number: str) -> bool:
    """An IMO ship identification number: 7 digits, the last the check digit (the first six times 7, 6,
    5, 4, 3, 2, summed, modulo 10): ``9187629`` is valid, ``9187628`` is not."""
    if not _IMO.fullmatch(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:6], (7, 6, 5, 4, 3, 2), strict=True))
    return total % 10 == int(number[6])


@dataclass(frozen=True, slots=True)
class Entry:
    entry_number: str
    entry_revision: int
    filed_at: str | None
    direction: Literal["import", "export"]
    port_of_entry: str | None
    importer: Importer | None
    parties: Mapping[str, Party]
    country_of_origin: str | None
    country_of_export: str | None
    lines: tuple[Line, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    transport: Transport | None = None

    def named_parties(self) -> list[tuple[str, int | None, int | None, str, Address | None, str | None]]:
        """Every name to screen: (role, line_number, tier, name, address, country).

        Declared parties first (line and tier None), then each supply-chain tier of each line.
        """
        out: list[tuple[str, int | None, int | None, str, Address | None, str | None]] = []
        for role, party in self.parties.items():
            country = party.address.country if party.address else None
            out.append((role, None, None, party.name, party.address, country))
        if self.importer is not None:
            out.append(("importer", None, None, self.importer.name, None, None))
        for line in self.lines:
            for tier in line.supply_chain:
                country = tier.country or (tier.address.country if tier.address else None)
                out.append((tier.role or "supplier", line.line_number, tier.tier, tier.name, tier.address, country))
        return out


_ENTRY_KEYS = {
    "schema_version", "entry_number", "entry_revision", "filed_at", "direction", "port_of_entry",
    "importer", "parties", "country_of_origin", "country_of_export", "lines", "transport",
}  # fmt: skip


def _obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise EntryError(path, f"expected an object, got {_type(value)}")
    return value


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number" if isinstance(value, int | float) else type(value).__name__
    )


def _text(obj: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise EntryError(f"{path}.{key}", "is required")
        return None
    if not isinstance(value, str):
        raise EntryError(f"{path}.{key}", f"expected a string, got {_type(value)}")
    if required and not value.strip():
        raise EntryError(f"{path}.{key}", "must not be empty")
    if len(value) > MAX_TEXT:
        raise EntryError(f"{path}.{key}", f"longer than {MAX_TEXT} characters")
    return value


def _country(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = _text(obj, key, path)
    if value is not None and not _COUNTRY.match(value):
        raise EntryError(f"{path}.{key}", f"expected an ISO 3166 alpha-2 code, got {value!r}")
    return value


def _int(obj: Mapping[str, Any], key: str, path: str, *, minimum: int, default: int | None = None) -> int:
    value = obj.get(key, default)
    if value is None:
        raise EntryError(f"{path}.{key}", "is required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise EntryError(f"{path}.{key}", f"expected an integer, got {_type(value)}")
    if value < minimum:
        raise EntryError(f"{path}.{key}", f"must be at least {minimum}")
    return value


def _number(obj: Mapping[str, Any], key: str, path: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EntryError(f"{path}.{key}", f"expected a number, got {_type(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float: not a finite number (a poison message, not a crash)
        number = math.inf
    if number < 0 or not math.isfinite(number):
        raise EntryError(f"{path}.{key}", "must be a finite number of at least 0")
    return number


def _address(value: Any, path: str) -> Address | None:
    if value is None:
        return None
    obj = _obj(value, path)
    return Address(
        street=_text(obj, "street", path),
        city=_text(obj, "city", path),
        province=_text(obj, "province", path),
        postal_code=_text(obj, "postal_code", path),
        country=_country(obj, "country", path),
    )


def parse_identifiers(obj: Mapping[str, Any], path: str) -> tuple[Identifier, ...]:
    """``obj["identifiers"]``: at most MAX_IDENTIFIERS ``{scheme, value}`` objects of a party scheme."""
    value = obj.get("identifiers")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise EntryError(f"{path}.identifiers", f"expected an array, got {_type(value)}")
    if len(value) > MAX_IDENTIFIERS:
        raise EntryError(f"{path}.identifiers", f"more than {MAX_IDENTIFIERS} identifiers")
    out: list[Identifier] = []
    for i, item in enumerate(value):
        where = f"{path}.identifiers[{i}]"
        ident = _obj(item, where)
        for key in ident:
            if key not in ("scheme", "value"):
                raise EntryError(f"{where}.{key}", "unknown identifier field; expected scheme and value")
        scheme = _text(ident, "scheme", where, required=True) or ""
        if scheme not in PARTY_SCHEMES:
            raise EntryError(f"{where}.scheme", f"expected one of {', '.join(PARTY_SCHEMES)}, got {scheme!r}")
        number = _text(ident, "value", where, required=True) or ""
        if not normalize(scheme, number):
            raise EntryError(f"{where}.value", f"no letter or digit in {number!r}")
        out.append(Identifier(scheme, number))
    return tuple(out)


def parse_date_of_birth(obj: Mapping[str, Any], path: str) -> str | None:
    """``obj["date_of_birth"]``: YYYY, YYYY-MM or YYYY-MM-DD, a real date from 1850 to 2100."""
    value = _text(obj, "date_of_birth", path)
    if value is None:
        return None
    m = _DOB.fullmatch(value)
    ok = m is not None
    if m is not None:
        try:
            date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            ok = False
    if not ok or not 1850 <= int(value[:4]) <= 2100:
        raise EntryError(f"{path}.date_of_birth", f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


def _party(value: Any, path: str, role: str) -> Party:
    obj = _obj(value, path)
    mid = _text(obj, "mid", path)
    if mid is not None and role != "manufacturer":
        raise EntryError(f"{path}.mid", "only a manufacturer has a MID")
    return Party(
        name=_text(obj, "name", path, required=True) or "",
        address=_address(obj.get("address"), f"{path}.address"),
        registration_id=_text(obj, "registration_id", path),
        mid=mid,
        identifiers=parse_identifiers(obj, path),
        date_of_birth=parse_date_of_birth(obj, path),
    )


def _tier(value: Any, path: str) -> Tier:
    obj = _obj(value, path)
    return Tier(
        tier=_int(obj, "tier", path, minimum=1),
        name=_text(obj, "name", path, required=True) or "",
        role=_text(obj, "role", path),
        address=_address(obj.get("address"), f"{path}.address"),
        country=_country(obj, "country", path),
        registration_id=_text(obj, "registration_id", path),
        identifiers=parse_identifiers(obj, path),
        date_of_birth=parse_date_of_birth(obj, path),
    )


def _line(value: Any, path: str) -> Line:
    obj = _obj(value, path)
    chain = obj.get("supply_chain", [])
    if not isinstance(chain, list):
        raise EntryError(f"{path}.supply_chain", f"expected an array, got {_type(chain)}")
    if len(chain) > MAX_TIERS:
        raise EntryError(f"{path}.supply_chain", f"more than {MAX_TIERS} tiers")
    return Line(
        line_number=_int(obj, "line_number", path, minimum=1),
        hts_code=_text(obj, "hts_code", path),
        description=_text(obj, "description", path),
        value_usd=_number(obj, "value_usd", path),
        quantity=_number(obj, "quantity", path),
        unit=_text(obj, "unit", path),
        country_of_origin=_country(obj, "country_of_origin", path),
        supply_chain=tuple(_tier(t, f"{path}.supply_chain[{i}]") for i, t in enumerate(chain)),
    )


def _transport(value: Any, path: str) -> Transport | None:
    if value is None:
        return None
    obj = _obj(value, path)
    for key in obj:
        if key not in TRANSPORT_KEYS:
            raise EntryError(f"{path}.{key}", f"unknown transport field; expected one of {', '.join(TRANSPORT_KEYS)}")
    mode = _text(obj, "mode", path)
    if mode is not None and mode not in TRANSPORT_MODES:
        raise EntryError(f"{path}.mode", f"expected one of {', '.join(TRANSPORT_MODES)}, got {mode!r}")
    imo = _text(obj, "vessel_imo", path)
    if imo is not None and not imo_valid(imo):
        raise EntryError(f"{path}.vessel_imo", f"not an IMO number (7 digits with a valid check digit): {imo!r}")
    return Transport(
        mode=mode,
        carrier_name=_text(obj, "carrier_name", path),
        carrier_scac=_text(obj, "carrier_scac", path),
        vessel_name=_text(obj, "vessel_name", path),
        vessel_imo=imo,
        voyage=_text(obj, "voyage", path),
        bill_of_lading=_text(obj, "bill_of_lading", path),
        port_of_lading=_text(obj, "port_of_lading", path),
    )


def _timestamp(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = _text(obj, key, path)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EntryError(f"{path}.{key}", f"expected an ISO 8601 date-time, got {value!r}") from None
    if parsed.year < 1990 or parsed.year > 2100:
        raise EntryError(f"{path}.{key}", f"year {parsed.year} is outside 1990-2100")
    return value


def parse_entry(value: Any) -> Entry:
    """Validate a decoded customs-entry.v1 JSON value and build the typed entry.

    Raises :class:`EntryError` naming the first offending field.
    """
    obj = _obj(value, "$")
    version = obj.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise EntryError("$.schema_version", f"unsupported schema version {version!r}")
    entry_number = _text(obj, "entry_number", "$", required=True) or ""
    if len(entry_number) > 64:
        raise EntryError("$.entry_number", "longer than 64 characters")
    direction = obj.get("direction", "import")
    if direction not in ("import", "export"):
        raise EntryError("$.direction", f"expected 'import' or 'export', got {direction!r}")
    importer = None
    if obj.get("importer") is not None:
        imp = _obj(obj["importer"], "$.importer")
        importer = Importer(
            name=_text(imp, "name", "$.importer", required=True) or "", id=_text(imp, "id", "$.importer")
        )
    parties_obj = _obj(obj.get("parties", {}), "$.parties")
    parties: dict[str, Party] = {}
    for role, party in parties_obj.items():
        if role not in PARTY_ROLES:
            raise EntryError(f"$.parties.{role}", f"unknown party role; expected one of {', '.join(PARTY_ROLES)}")
        if party is not None:
            parties[role] = _party(party, f"$.parties.{role}", role)
    lines_value = obj.get("lines", [])
    if not isinstance(lines_value, list):
        raise EntryError("$.lines", f"expected an array, got {_type(lines_value)}")
    if len(lines_value) > MAX_LINES:
        raise EntryError("$.lines", f"more than {MAX_LINES} lines")
    lines = tuple(_line(v, f"$.lines[{i}]") for i, v in enumerate(lines_value))
    return Entry(
        entry_number=entry_number,
        entry_revision=_int(obj, "entry_revision", "$", minimum=0, default=0),
        filed_at=_timestamp(obj, "filed_at", "$"),
        direction=direction,
        port_of_entry=_text(obj, "port_of_entry", "$"),
        importer=importer,
        parties=parties,
        country_of_origin=_country(obj, "country_of_origin", "$"),
        country_of_export=_country(obj, "country_of_export", "$"),
        lines=lines,
        extra={k: v for k, v in obj.items() if k not in _ENTRY_KEYS},
        transport=_transport(obj.get("transport"), "$.transport"),
    )
