"""Xinjiang region evidence from an address, a free-text address or a registration number (pure).

The place names, postal prefixes and division code come from ``xinjiang-places.v<N>.json``; this module
only reads them. Evidence is *strong* when it places a party in Xinjiang by itself, *weak* when it only
suggests it. Care is taken not to fire on:

* a street named after a Xinjiang place in another city ("Xinjiang Road, Shanghai", "乌鲁木齐中路"):
  a place name followed by a street word is a street, not a locality;
* a place name that also exists outside China (Aksu in Kazakhstan) when the country is another one;
* a place name that also exists elsewhere in China (Yiwu): weak at most;
* party names: names are never read here, only address fields and registration numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from screening.entry import Address
from screening.normalize import fold

Strength = Literal["strong", "weak"]
Ambiguity = Literal["none", "abroad", "china"]
_AMBIGUITIES = ("none", "abroad", "china")

REGION_ID = "xinjiang"

# GB 32100-2015: 18 characters from this alphabet, weights 3^i mod 31, check = 31 - sum mod 31.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# GB 11643-1999 citizen identity number: 6-digit division code, birth date, sequence, mod 11-2 check.
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK = "10X98765432"

_SEGMENT = re.compile(r"[,;，、；\n]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = re.compile(r"\d+")


class RuleDataError(ValueError):
    """A rule data file that does not follow its schema."""


@dataclass(frozen=True, slots=True)
class RegionEvidence:
    """One piece of evidence that a party is in Xinjiang."""

    kind: Literal["region_name", "place_name", "postal_code", "uscc", "resident_id"]
    field: str  # address field or "registration_id" / "text"
    value: str  # the text that fired
    strength: Strength
    place: str | None = None  # place id from the data file
    why: str = ""
    context: str | None = None  # the field or segment as written, when ``value`` is a folded form

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "field": self.field,
            "value": self.value,
            "strength": self.strength,
        }
        if self.place:
            out["place"] = self.place
        if self.why:
            out["why"] = self.why
        if self.context and self.context != self.value:
            out["context"] = self.context
        return out


@dataclass(frozen=True, slots=True)
class _Place:
    id: str
    ambiguity: Ambiguity
    kind: str


@dataclass(frozen=True, slots=True)
class PlaceRules:
    """The prepared contents of one version of the Xinjiang places file."""

    id: str
    version: str
    latin: Mapping[tuple[str, ...], _Place]
    latin_max: int
    zh: tuple[tuple[str, _Place], ...]  # longest name first
    admin_latin: frozenset[str]
    admin_zh: tuple[str, ...]
    street_latin: frozenset[str]
    street_zh: tuple[str, ...]
    direction_latin: frozenset[str]
    direction_zh: str
    postal_length: int
    postal_prefixes: tuple[str, ...]
    division_code: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlaceRules:
        try:
            latin: dict[tuple[str, ...], _Place] = {}
            zh: dict[str, _Place] = {}
            region = _Place(REGION_ID, "none", "province-level autonomous region")
            for name in data["region"]["names"]:
                latin[tuple(fold(name).split())] = region
            for name in data["region"]["zh"]:
                zh[name] = region
            for p in data["places"]:
                amb = p.get("ambiguity", "none")
                zh_amb = p.get("zh_ambiguity", "none")
                if amb not in _AMBIGUITIES or zh_amb not in _AMBIGUITIES:
                    raise RuleDataError(f"place {p['id']}: unknown ambiguity {amb!r}/{zh_amb!r}")
                place = _Place(p["id"], amb, p["kind"])
                for name in p["names"]:
                    key = tuple(fold(name).split())
                    if key in latin and latin[key].id != place.id:
                        raise RuleDataError(f"place name {name!r} listed for {latin[key].id} and {place.id}")
                    latin[key] = place
                for name in p["zh"]:
                    zh[name] = _Place(p["id"], zh_amb, p["kind"])
            postal = data["postal_code"]
            for city, code in postal.get("examples", {}).items():
                if len(code) != postal["length"] or not code.startswith(tuple(postal["prefixes"])):
                    raise RuleDataError(f"postal code example {city}={code} is not a region code")
            return cls(
                id=data["id"],
                version=str(data["version"]),
                latin=latin,
                latin_max=max(len(k) for k in latin),
                zh=tuple(sorted(zh.items(), key=lambda kv: -len(kv[0]))),
                admin_latin=frozenset(data["admin_words"]["latin"]),
                admin_zh=tuple(sorted(data["admin_words"]["zh"], key=len, reverse=True)),
                street_latin=frozenset(data["street_words"]["latin"]),
                street_zh=tuple(sorted(data["street_words"]["zh"], key=len, reverse=True)),
                direction_latin=frozenset(data["direction_words"]["latin"]),
                direction_zh="".join(data["direction_words"]["zh"]),
                postal_length=int(postal["length"]),
                postal_prefixes=tuple(postal["prefixes"]),
                division_code=str(data["division_code"]["province"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, RuleDataError):
                raise
            raise RuleDataError(f"xinjiang places file: {exc!r}") from exc


# --- place names in text -------------------------------------------------------------------------

Usage = Literal["street", "locality", "mixed"]


@dataclass(frozen=True, slots=True)
class _Hit:
    place: _Place
    text: str
    usage: Usage
    script: Literal["latin", "zh"]
    segment: str = ""


def _latin_hits(segment: str, rules: PlaceRules) -> list[_Hit]:
    tokens = fold(segment).split()
    hits: list[_Hit] = []
    covered: list[bool] = [False] * len(tokens)
    i = 0
    while i < len(tokens):
        found = None
        for n in range(min(rules.latin_max, len(tokens) - i), 0, -1):
            place = rules.latin.get(tuple(tokens[i : i + n]))
            if place is not None:
                found = (n, place)
                break
        if found is None:
            i += 1
            continue
        n, place = found
        for k in range(i, i + n):
            covered[k] = True
        j = i + n
        while j < len(tokens) and tokens[j] in rules.direction_latin:
            j += 1
        usage: Usage = "street" if j < len(tokens) and tokens[j] in rules.street_latin else "mixed"
        hits.append(_Hit(place, " ".join(tokens[i : i + n]), usage, "latin", segment.strip()))
        i += n
    if hits:
        # A segment made only of place names, administrative words and numbers is a locality.
        rest = [
            t for t, c in zip(tokens, covered, strict=True)
            if not c and t not in rules.admin_latin and not t.isdigit()
        ]  # fmt: skip
        if not rest:
            hits = [h if h.usage == "street" else _Hit(h.place, h.text, "locality", h.script, h.segment) for h in hits]
    return hits


def _latin_street_follows(after: str, rules: PlaceRules) -> bool:
    """A Chinese place name followed by a Latin street word ("新疆 Road")."""
    tokens = fold(after[:40]).split()
    i = 0
    while i < len(tokens) and tokens[i] in rules.direction_latin:
        i += 1
    return i < len(tokens) and tokens[i] in rules.street_latin


def _zh_hits(text: str, rules: PlaceRules) -> list[_Hit]:
    hits: list[_Hit] = []
    i = 0
    while i < len(text):
        match = next(((name, place) for name, place in rules.zh if text.startswith(name, i)), None)
        if match is None:
            i += 1
            continue
        name, place = match
        after = text[i + len(name) :].lstrip(" ")
        stripped = after.lstrip(rules.direction_zh)
        usage: Usage
        if (stripped.startswith(rules.street_zh) and not after.startswith(rules.admin_zh)) or _latin_street_follows(
            after, rules
        ):
            usage = "street"
        elif (
            not after
            or after.startswith(rules.admin_zh)
            or not _CJK.match(after[0])
            or any(after.startswith(n) for n, _ in rules.zh)
        ):
            usage = "locality"
        else:
            usage = "mixed"
        hits.append(_Hit(place, name, usage, "zh", text.strip()))
        i += len(name)
    return hits


def _hits(text: str, rules: PlaceRules) -> list[_Hit]:
    out: list[_Hit] = []
    for segment in _SEGMENT.split(text):
        if not segment.strip():
            continue
        out.extend(_latin_hits(segment, rules))
        if _CJK.search(segment):
            out.extend(_zh_hits(segment, rules))
    return out


def _place_strength(place: _Place, country: str | None) -> Strength:
    if place.ambiguity == "china":
        return "weak"
    if place.ambiguity == "abroad" and country != "CN":
        return "weak"
    return "strong"


def _evidence(hit: _Hit, field: str, strength: Strength, why: str) -> RegionEvidence:
    kind: Literal["region_name", "place_name"] = "region_name" if hit.place.id == REGION_ID else "place_name"
    return RegionEvidence(kind, field, hit.text, strength, hit.place.id, why, hit.segment or None)


def _postal(code: str, field: str, country: str | None, rules: PlaceRules, *, in_street: bool) -> list[RegionEvidence]:
    digits = re.sub(r"\s+", "", code)
    if len(digits) != rules.postal_length or not digits.isdigit() or not digits.startswith(rules.postal_prefixes):
        return []
    if in_street:
        return [
            RegionEvidence(
                "postal_code",
                field,
                digits,
                "weak",
                REGION_ID,
                "six-digit region postal code inside the street line",
            )
        ]
    if country == "CN":
        return [
            RegionEvidence("postal_code", field, digits, "strong", REGION_ID, "postal code of the region, country CN")
        ]
    return [RegionEvidence("postal_code", field, digits, "weak", REGION_ID, "region postal code but no country")]


def detect_address(address: Address | None, rules: PlaceRules, country: str | None = None) -> list[RegionEvidence]:
    """Evidence from a structured address. ``country`` overrides the address's own (a tier's country)."""
    if address is None:
        return []
    country = (country or address.country or "").upper() or None
    if country is not None and country != "CN":
        return []
    out: list[RegionEvidence] = []
    structured_elsewhere = False
    for field in ("province", "city"):
        value = getattr(address, field)
        if not value:
            continue
        hits = [h for h in _hits(value, rules) if h.usage != "street"]
        if not hits:
            structured_elsewhere = True
        for hit in hits:
            strength = _place_strength(hit.place, country)
            out.append(_evidence(hit, field, strength, f"{hit.place.kind} in the {field} field"))
    if address.street:
        out.extend(_street(address.street, "street", country, rules, structured_elsewhere=structured_elsewhere))
        if not address.postal_code and country == "CN":
            for number in _DIGITS.findall(address.street):
                out.extend(_postal(number, "street", country, rules, in_street=True))
    if address.postal_code:
        out.extend(_postal(address.postal_code, "postal_code", country, rules, in_street=False))
    return out


def _street(
    text: str, field: str, country: str | None, rules: PlaceRules, *, structured_elsewhere: bool
) -> list[RegionEvidence]:
    out: list[RegionEvidence] = []
    for hit in _hits(text, rules):
        if hit.usage == "street":
            continue  # "Xinjiang Road", "乌鲁木齐中路": a street name, wherever it is
        if hit.usage == "locality" and not structured_elsewhere:
            strength = _place_strength(hit.place, country)
            out.append(_evidence(hit, field, strength, f"{hit.place.kind} as a locality of the {field} line"))
        elif hit.usage == "locality":
            out.append(
                _evidence(
                    hit,
                    field,
                    "weak",
                    "locality in the street line, but the city/province field names another place",
                )
            )
        elif not structured_elsewhere:
            out.append(_evidence(hit, field, "weak", f"{hit.place.kind} named inside a longer {field} segment"))
    return out


def detect_text(text: str | None, rules: PlaceRules, country: str | None = None) -> list[RegionEvidence]:
    """Evidence from an address written as one line (e.g. a list's published address)."""
    if not text:
        return []
    country = (country or "").upper() or None
    if country is not None and country != "CN":
        return []
    out = _street(text, "text", country, rules, structured_elsewhere=False)
    for number in _DIGITS.findall(text):
        out.extend(_postal(number, "text", country, rules, in_street=country != "CN"))
    return out


def uscc_valid(code: str) -> bool:
    """True if ``code`` is an 18-character unified social credit code with a correct check character."""
    if not _USCC.match(code):
        return False
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def resident_id_valid(code: str) -> bool:
    if not _RESIDENT_ID.match(code):
        return False
    total = sum(int(c) * w for c, w in zip(code[:17], _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK[total % 11] == code[17]


def detect_registration(registration_id: str | None, rules: PlaceRules) -> list[RegionEvidence]:
    """Evidence from a Chinese registration number: a USCC whose division digits (3-4) are the region's,
    or a citizen identity number whose first two digits are."""
    if not registration_id:
        return []
    code = re.sub(r"[\s\-]", "", registration_id).upper()
    region = rules.division_code
    if uscc_valid(code):
        if code[2:4] == region:
            return [
                RegionEvidence("uscc", "registration_id", code, "strong", REGION_ID, f"USCC division code {code[2:8]}")
            ]
        return []
    if resident_id_valid(code):
        if code[:2] == region:
            return [
                RegionEvidence(
                    "resident_id",
                    "registration_id",
                    code,
                    "strong",
                    REGION_ID,
                    f"identity number division code {code[:6]}",
                )
            ]
        return []
    if _USCC.match(code) and code[2:4] == region:
        return [
            RegionEvidence(
                "uscc",
                "registration_id",
                code,
                "weak",
                REGION_ID,
                "USCC layout with division 65 but a wrong check character",
            )
        ]
    return []


def detect(
    rules: PlaceRules,
    *,
    address: Address | None = None,
    text: str | None = None,
    registration_id: str | None = None,
    country: str | None = None,
) -> list[RegionEvidence]:
    """All region evidence for one party or tier."""
    return [
        *detect_address(address, rules, country),
        *detect_text(text, rules, country),
        *detect_registration(registration_id, rules),
    ]


def strength(evidence: list[RegionEvidence]) -> Strength | None:
    """The strongest evidence in the list, or None when nothing fired."""
    if any(e.strength == "strong" for e in evidence):
        return "strong"
    return "weak" if evidence else None
