"""Manufacturer Identification Code (MID): derive it from a name and address by CBP's rules (pure).

The construction (19 CFR part 102 appendix; CBP Form 7501 instructions, block 13):

1. the ISO country code of the country of origin, or for Canada the province code (Ontario ``XO``);
2. the first three letters of each of the first two words of the manufacturer's name, ignoring the
   English words "a", "an", "and", "of", "the"; initials together count as one word ("A.B.C." is
   ``ABC``); each part of a hyphenated word is a word ("Rose-Lynn" is two words); punctuation is
   ignored ("Al's" is ``ALS``);
3. the first four digits of the largest number on the street address line;
4. the first three letters of the city;
5. at most 15 characters, all upper-case letters and digits.

Parameters (ignored words, Canadian province codes, lengths) come from ``mid-rules.v<N>.json``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.rules.region import RuleDataError

_INITIALS = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?:\.\s*[A-Za-z](?![A-Za-z0-9]))+\.?")
_WORD = re.compile(r"[A-Za-z0-9]+\.?")
_NUMBER = re.compile(r"\d+")
_ALNUM = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True, slots=True)
class MidRules:
    id: str
    version: str
    max_length: int
    name_letters: int
    name_words: int
    number_digits: int
    city_letters: int
    ignored_words: frozenset[str]
    canada_country: str
    canada_provinces: Mapping[str, str]  # folded province name or abbreviation -> MID code

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MidRules:
        try:
            provinces: dict[str, str] = {}
            for code, names in data["canada_provinces"].items():
                if not re.fullmatch(r"X[A-Z]", code):
                    raise RuleDataError(f"Canadian province code {code!r} is not X + letter")
                provinces[code.casefold()] = code
                for name in names:
                    provinces[_ascii(name).casefold()] = code
            return cls(
                id=data["id"],
                version=str(data["version"]),
                max_length=int(data["max_length"]),
                name_letters=int(data["name_letters"]),
                name_words=int(data["name_words"]),
                number_digits=int(data["number_digits"]),
                city_letters=int(data["city_letters"]),
                ignored_words=frozenset(w.casefold() for w in data["ignored_words"]),
                canada_country=str(data["canada_country"]),
                canada_provinces=provinces,
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, RuleDataError):
                raise
            raise RuleDataError(f"mid rules file: {exc!r}") from exc


@dataclass(frozen=True, slots=True)
class MidParts:
    """A derived MID and its four parts; a part that could not be derived is ''."""

    country: str
    name: str
    number: str
    city: str
    max_length: int = 15

    @property
    def value(self) -> str:
        return (self.country + self.name + self.number + self.city)[: self.max_length]

    @property
    def complete(self) -> bool:
        """Country, name and city are known (a street line without a number legitimately adds nothing)."""
        return bool(self.country and self.name and self.city)

    def missing(self) -> list[str]:
        return [k for k in ("country", "name", "city") if not getattr(self, k)]

    def to_json(self) -> dict[str, Any]:
        return {
            "mid": self.value,
            "country": self.country,
            "name": self.name,
            "number": self.number,
            "city": self.city,
        }


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def name_words(name: str, rules: MidRules) -> list[str]:
    """The words of a manufacturer's name as the MID rules count them, upper-case."""
    text = _ascii(name).replace("'", "").replace("\u2019", "")
    text = _INITIALS.sub(lambda m: " " + re.sub(r"[^A-Za-z]", "", m.group(0)) + ". ", text)
    words: list[str] = []
    for m in _WORD.finditer(text.replace("-", " ")):
        token = m.group(0)
        bare = token.rstrip(".")
        initial = token.endswith(".") and bare.isalpha() and (len(bare) == 1 or bare.isupper())
        if not initial and bare.casefold() in rules.ignored_words:
            continue
        words.append(bare.upper())
    return words


def name_part(name: str, rules: MidRules) -> str:
    return "".join(w[: rules.name_letters] for w in name_words(name, rules)[: rules.name_words])


def number_part(street: str | None, rules: MidRules) -> str:
    # any script's decimal digits count, written as ASCII digits ("١٢٣" -> "123")
    ascii_numbers = ("".join(str(unicodedata.decimal(c)) for c in n) for n in _NUMBER.findall(street or ""))
    numbers = [n.lstrip("0") or "0" for n in ascii_numbers]
    if not numbers:
        return ""
    largest = max(numbers, key=lambda n: (len(n), n))  # by value, without int() of a very long number
    return largest[: rules.number_digits]


def city_part(city: str | None, rules: MidRules) -> str:
    letters = re.sub(r"[^A-Za-z]", "", _ascii(city or ""))
    return letters[: rules.city_letters].upper()


def country_part(country: str | None, province: str | None, rules: MidRules) -> str:
    code = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        return ""
    if code == rules.canada_country:
        return rules.canada_provinces.get(_ascii(province or "").strip().casefold(), "")
    return code


def derive_mid(
    name: str,
    rules: MidRules,
    *,
    street: str | None = None,
    city: str | None = None,
    country: str | None = None,
    province: str | None = None,
) -> MidParts:
    """The MID of a manufacturer. Check ``.complete`` before relying on it."""
    return MidParts(
        country=country_part(country, province, rules),
        name=name_part(name, rules),
        number=number_part(street, rules),
        city=city_part(city, rules),
        max_length=rules.max_length,
    )


def normalize_mid(mid: str) -> str:
    return _ALNUM.sub("", mid.upper())


@dataclass(frozen=True, slots=True)
class MidComparison:
    agrees: bool
    declared: str
    derived: MidParts
    differing: tuple[str, ...]  # parts of the derived MID not found where expected in the declared one

    def to_json(self) -> dict[str, Any]:
        return {
            "declared_mid": self.declared,
            "derived_mid": self.derived.value,
            "derived_parts": self.derived.to_json(),
            "differing_parts": list(self.differing),
        }


def compare_mid(declared: str, derived: MidParts) -> MidComparison:
    """Compare a declared MID with the derived one, part by part, left to right."""
    norm = normalize_mid(declared)
    expected = derived.value
    if norm == expected:
        return MidComparison(True, norm, derived, ())
    differing: list[str] = []
    pos = 0
    for part in ("country", "name", "number", "city"):
        value = getattr(derived, part)
        room = max(0, derived.max_length - pos)
        value = value[:room]
        if norm[pos : pos + len(value)] != value:
            differing.append(part)
        pos += len(value)
    if not differing and len(norm) != len(expected):
        differing.append("length")
    return MidComparison(False, norm, derived, tuple(differing))
