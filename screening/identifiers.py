"""Identifiers and dates of birth as the lists publish them: one table of published labels, canonical
scheme names, normalisation per scheme, and the parsing every list parser shares (pure).

A listed entity keeps ``(scheme, value)`` pairs with the scheme canonical (``SCHEMES``) and the value
normalised (:func:`normalize`): ``("tax_id", "7707083893")``, ``("imo", "9187629")``. Dates of birth are
kept as ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a range of years ``YYYY/YYYY`` (an approximate year
``circa 1960`` is ``1959/1961``); :func:`birth_years` reads any of them back as a range of years.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Literal

SchemeKind = Literal["registry", "national", "document", "vessel", "aircraft", "other"]

# Canonical schemes and what kind of identifier each is. ``registry``: one value per registrant worldwide
# (a different value is another registrant); ``national``: a number of one country's register (a company
# or person may hold one in several countries); ``document``: a personal document (a person holds several
# over time); ``vessel``/``aircraft``: of a conveyance, never of a party; ``other``: not comparable.
SCHEMES: dict[str, SchemeKind] = {
    "uscc": "registry",  # China: unified social credit code (18 characters)
    "lei": "registry",  # legal entity identifier (20 characters)
    "duns": "registry",  # Dun & Bradstreet D-U-N-S number
    "imo_company": "registry",  # IMO unique company and registered owner identification number
    "swift_bic": "national",  # a bank's BIC (a bank may have several)
    "tax_id": "national",  # tax number (INN, RFC, NIT, RUC, CUIT, FEIN, fiscal code...)
    "vat": "national",  # VAT number, without its country prefix
    "registration": "national",  # company/business/commercial registration, company number, OGRN...
    "passport": "document",
    "national_id": "document",  # national identity number (cedula, CURP, DNI, SSN...)
    "imo": "vessel",  # IMO ship identification number
    "mmsi": "vessel",  # maritime mobile service identity
    "call_sign": "vessel",
    "aircraft_msn": "aircraft",  # manufacturer's serial number
    "aircraft_tail": "aircraft",
    "isin": "other",  # a security, not its issuer
    "un_ref": "other",  # the UN list's own reference number
    "mid": "other",  # CBP manufacturer identification code (matched by the MID rules)
    # further identifiers of the FollowTheMoney data (``screening.lists.ftm``), not compared
    **dict.fromkeys(("okpo", "kpp", "uei", "cage", "perm_id", "bik", "cik", "npi", "serial"), "other"),
}

# Published labels (OFAC remarks, the CSL ``ids`` column, UN documents), casefolded, -> scheme. A label is
# the text before the value; ``alt.`` in front of it is dropped. Longest labels are tried first.
LABELS: dict[str, str] = {
    "unified social credit code (uscc)": "uscc",
    "united social credit code certificate (usccc)": "uscc",
    "legal entity number": "lei",
    "d-u-n-s number": "duns",
    "company number imo": "imo_company",
    "identification number imo": "imo_company",
    "swift/bic": "swift_bic",
    "tax id no.": "tax_id",
    "r.f.c.": "tax_id",
    "rfc": "tax_id",
    "c.u.i.t.": "tax_id",
    "c.u.i.": "tax_id",
    "nit #": "tax_id",
    "ruc #": "tax_id",
    "us fein": "tax_id",
    "italian fiscal code": "tax_id",
    "v.a.t. number": "vat",
    "registration number": "registration",
    "registration id": "registration",
    "business registration number": "registration",
    "business registration document #": "registration",
    "company number": "registration",
    "uk company number": "registration",
    "commercial registry number": "registration",
    "certificate of incorporation number": "registration",
    "chamber of commerce number": "registration",
    "istanbul chamber of comm. no.": "registration",
    "dubai chamber of commerce membership no.": "registration",
    "public registration number": "registration",
    "central registration system number": "registration",
    "enterprise number": "registration",
    "business number": "registration",
    "economic register number (cbls)": "registration",
    "folio mercantil no.": "registration",
    "matricula mercantil no": "registration",
    "c.r. no.": "registration",
    "trade license no.": "registration",
    "registered charity no.": "registration",
    "le number": "registration",
    "passport": "passport",
    "diplomatic passport": "passport",
    "travel document number": "passport",
    "national id no.": "national_id",
    "national identification number": "national_id",
    "cedula no.": "national_id",
    "c.u.r.p.": "national_id",
    "d.n.i.": "national_id",
    "personal id card": "national_id",
    "identification number": "national_id",
    "turkish identification number": "national_id",
    "citizen's card number": "national_id",
    "national foreign id number": "national_id",
    "numero de identidad": "national_id",
    "ssn": "national_id",
    "vessel registration identification": "imo",
    "vessel registration identification imo": "imo",
    "mmsi": "mmsi",
    "aircraft manufacturer's serial number (msn)": "aircraft_msn",
    "aircraft tail number": "aircraft_tail",
    "isin": "isin",
}
_BY_LENGTH = sorted(LABELS, key=len, reverse=True)
_VALUE_END = re.compile(r"\s+(?:\(|issued\b|expires\b)|[.,]\s*$")
_ALNUM = re.compile(r"[^0-9A-Z]")


def scheme_of(label: str) -> str | None:
    """A published label -> its canonical scheme (``"Tax ID No."`` -> ``"tax_id"``); None if unknown."""
    return LABELS.get(" ".join(label.casefold().removeprefix("alt.").split()))


def normalize(scheme: str, value: str) -> str:
    """A value as it is compared within its scheme: NFKC, upper case, letters and digits only;
    ``imo``/``imo_company``/``mmsi`` digits only (``"IMO 9187629"`` -> ``"9187629"``); ``vat`` without
    a leading two-letter country prefix (``"BG 175433597"`` -> ``"175433597"``). Idempotent."""
    text = _ALNUM.sub("", unicodedata.normalize("NFKC", value).upper())
    if scheme in ("imo", "imo_company", "mmsi"):
        return re.sub(r"\D", "", text)
    if scheme == "vat" and re.match(r"[A-Z]{2}\d", text):
        return text[2:]
    return text


def _labelled(text: str) -> tuple[str, str] | None:
    """``"Tax ID No. 7707083893 (Russia)"`` -> ("tax_id", "7707083893 (Russia)") (the value unparsed)."""
    part = text.strip()
    if part.casefold().startswith("alt. "):
        part = part[5:].lstrip()
    folded = part.casefold()
    for label in _BY_LENGTH:
        if folded.startswith(label) and len(part) > len(label) and part[len(label)] in " ,#:":
            return LABELS[label], part[len(label) :].strip(" ,:")
    return None


def _value(raw: str) -> str:
    m = _VALUE_END.search(raw)
    return (raw[: m.start()] if m else raw).strip()


def identifier(scheme: str, raw: str, *, vessel: bool = False) -> tuple[str, str] | None:
    """One published value -> (scheme, normalised value), None when nothing is left. An IMO company number
    published on a vessel is the vessel's IMO number (``vessel``)."""
    if scheme == "imo_company" and vessel:
        scheme = "imo"
    value = normalize(scheme, raw)
    return (scheme, value) if value else None


def remark_identifiers(remarks: str, *, vessel: bool = False) -> tuple[tuple[str, str], ...]:
    """The identifiers in OFAC remarks (``"...; Tax ID No. 7707083893 (Russia); alt. Passport X123;..."``),
    each (scheme, normalised value), in order, without repeats."""
    found: list[tuple[str, str]] = []
    for part in remarks.split(";"):
        hit = _labelled(part)
        if hit is None:
            continue
        got = identifier(hit[0], _value(hit[1]), vessel=vessel)
        if got is not None:
            found.append(got)
    return tuple(dict.fromkeys(found))


def unique_ids(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(pairs))


# --- dates of birth ---------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
_DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{4})")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
MIN_YEAR, MAX_YEAR = 1850, 2100


def _one_date(text: str) -> str | None:
    """``"01 Jan 1960"`` -> ``"1960-01-01"``, ``"Mar 1960"`` -> ``"1960-03"``, ``"1960"`` -> ``"1960"``,
    ``"1960-01-27"`` kept; None if not a date."""
    text = text.strip(" .")
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if m:
        year, month, day = m.groups()
        return _iso(int(year), int(month) if month else None, int(day) if day else None)
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m and m.group(2).casefold() in _MONTHS:
        return _iso(int(m.group(3)), _MONTHS[m.group(2).casefold()], int(m.group(1)) if m.group(1) else None)
    return None


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _years(lo: int, hi: int) -> str | None:
    if not (MIN_YEAR <= lo <= hi <= MAX_YEAR):
        return None
    return f"{lo:04d}" if lo == hi else f"{lo:04d}/{hi:04d}"


def dob_of(text: str) -> str | None:
    """One published date of birth -> its stored form: ``"01 Jan 1960"`` -> ``"1960-01-01"``, ``"circa
    1960"`` -> ``"1959/1961"``, ``"1960 to 1962"`` / ``"circa 1960-1962"`` -> ``"1960/1962"``."""
    text = " ".join(text.split()).strip(" .")
    circa = text.casefold().startswith(("circa ", "approximately "))
    if circa:
        text = text.split(" ", 1)[1]
    if " to " in text or re.fullmatch(r"\d{4}\s*-\s*\d{4}", text):
        parts = re.split(r"\s+to\s+|\s*-\s*(?=\d{4}$)", text, maxsplit=1)
        years = [_YEAR.search(p) for p in parts]
        if len(years) == 2 and years[0] and years[1]:
            return _years(int(years[0].group(1)), int(years[1].group(1)))
        return None
    one = _one_date(text)
    if one is None:
        return None
    if circa:
        year = int(one[:4])
        return _years(year - 1, year + 1)
    return one


def remark_dobs(remarks: str) -> tuple[str, ...]:
    """The dates of birth in OFAC remarks (``"DOB 01 Jan 1960; alt. DOB circa 1962"``), in order."""
    found: list[str] = []
    for part in remarks.split(";"):
        part = part.strip()
        if part.casefold().startswith("alt. "):
            part = part[5:].lstrip()
        if part.startswith("DOB "):
            got = dob_of(part[4:])
            if got:
                found.append(got)
    return tuple(dict.fromkeys(found))


def birth_years(value: str) -> tuple[int, int] | None:
    """A stored date of birth (or a party's ``YYYY[-MM[-DD]]``) -> (first year, last year)."""
    m = re.fullmatch(r"(\d{4})(?:/(\d{4})|-\d{2}(?:-\d{2})?)?", value.strip())
    if not m:
        return None
    lo = int(m.group(1))
    return lo, int(m.group(2)) if m.group(2) else lo
