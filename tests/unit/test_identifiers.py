"""Identifiers and dates of birth parsed from the real list files (unchanged, under data/lists and the shared
data folder), normalised per scheme: tables of published values and what each becomes, and a property test
of the normalisation."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.entities import Entity
from screening.identifiers import LABELS, SCHEMES, birth_years, dob_of, normalize, remark_dobs, remark_identifiers
from screening.lists import csl
from screening.lists.loader import load

ROOT = Path(__file__).resolve().parents[2]
SHARED_CSL = Path("/work/shared/data/lists/csl/consolidated-2023-11-30-partial.csv")


@pytest.fixture(scope="module")
def listed() -> dict[str, Entity]:
    paths = [
        ROOT / "data/lists/ofac/sdn-2024-05-03",
        ROOT / "data/lists/ofac/non-sdn-2025-12-19",
        ROOT / "data/lists/un",
    ]
    return {e.id: e for snap in load(paths).snapshots for e in snap.entities}


@pytest.fixture(scope="module")
def csl_partial() -> dict[str, Entity]:
    if not SHARED_CSL.exists():
        pytest.skip(f"{SHARED_CSL} is not on this machine")
    return {e.id: e for e in csl.parse(SHARED_CSL.read_bytes(), allow_truncated=True).entities}


# (entity id, identifier it must carry) -- the published text in the comment
LISTED_IDENTIFIERS = [
    ("ofac_sdn:906", ("swift_bic", "HAVIGB2L")),  # SWIFT/BIC HAVIGB2L
    ("ofac_sdn:906", ("registration", "01074897")),  # Company Number 01074897 (United Kingdom).
    ("ofac_sdn:2676", ("passport", "1084010")),  # Passport 1084010 (Egypt)
    ("ofac_sdn:3754", ("national_id", "523338386")),  # SSN 523-33-8386 (United States)
    ("ofac_sdn:4243", ("imo", "7406784")),  # Vessel Registration Identification IMO 7406784
    ("ofac_sdn:6531", ("tax_id", "8000189280")),  # NIT # 800018928-0 (Colombia).
    ("ofac_sdn:7270", ("vat", "454419759")),  # V.A.T. Number BE 454,419,759
    ("ofac_sdn:15036", ("mmsi", "572469210")),  # MMSI 572469210
    ("ofac_sdn:17013", ("lei", "253400V1H6ART1UQ0N98")),  # Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)
    ("ofac_sdn:17067", ("imo_company", "5342883")),  # Identification Number IMO 5342883. (an organisation)
    ("ofac_sdn:22685", ("uscc", "9113100033607322XK")),  # Unified Social Credit Code (USCC) ... (China)
    ("ofac_sdn:23171", ("duns", "542957624")),  # D-U-N-S Number 542957624
    ("ofac_cons:30882", ("uscc", "9111000071093019X7")),  # the non-SDN (CMIC) list
    ("un_sc:LYi.019", ("passport", "03825239")),  # UN INDIVIDUAL_DOCUMENT, Passport
    ("un_sc:LYi.019", ("national_id", "98606491")),  # UN INDIVIDUAL_DOCUMENT, National Identification Number
    ("un_sc:CDi.021", ("passport", "OB0243318")),
]


@pytest.mark.parametrize(("entity_id", "expected"), LISTED_IDENTIFIERS)
def test_identifiers_of_the_listed_files(listed: dict[str, Entity], entity_id: str, expected: tuple[str, str]) -> None:
    assert expected in listed[entity_id].identifiers


# (entity id, dates of birth) -- the published text in the comment
LISTED_DOBS = [
    ("ofac_sdn:2676", ("1951-06-19",)),  # DOB 19 Jun 1951
    ("ofac_sdn:7782", ("1950/1952",)),  # DOB circa 1951
    ("ofac_sdn:12057", ("1951/1953", "1960/1962", "1961-04", "1953")),  # DOB 1951 to 1953; alt. DOB 1960 to 1962...
    ("ofac_sdn:6862", ("1938-09",)),  # DOB Sep 1938.
    ("ofac_sdn:15962", ("1961/1962",)),  # DOB 01 Jan 1961 to 31 Dec 1962
    ("un_sc:LYi.019", ("1951/1953",)),  # YEAR 1952, APPROXIMATELY
    ("un_sc:CDi.021", ("1971-05-23",)),  # DATE 1971-05-23
]


@pytest.mark.parametrize(("entity_id", "expected"), LISTED_DOBS)
def test_dates_of_birth_of_the_listed_files(
    listed: dict[str, Entity], entity_id: str, expected: tuple[str, ...]
) -> None:
    assert listed[entity_id].dates_of_birth == expected


def test_the_csl_id_column_and_dates_of_birth(csl_partial: dict[str, Entity]) -> None:
    vtb = csl_partial["csl:ssi:17013"].identifiers
    assert ("registration", "1027739609391") in vtb and ("tax_id", "7702070139") in vtb
    assert ("lei", "253400V1H6ART1UQ0N98") in vtb and ("swift_bic", "VTBRRUMM") in vtb
    assert ("uscc", "9111000071093019X7") in csl_partial["csl:cmic:30882"].identifiers
    person = csl_partial["csl:fse:26182"]
    assert person.identifiers == (("passport", "U00242309"),) and person.dates_of_birth == ("1980-02-08",)
    # the labels that are not identifiers (Website, Gender, Email Address...) are left out
    schemes = {s for e in csl_partial.values() for s, _ in e.identifiers}
    assert schemes <= set(SCHEMES)


def test_every_scheme_found_on_the_lists_is_canonical(listed: dict[str, Entity]) -> None:
    found = {s for e in listed.values() for s, _ in e.identifiers}
    assert found <= set(SCHEMES)
    assert {"uscc", "tax_id", "registration", "passport", "national_id", "imo", "mmsi", "lei"} <= found
    assert all(v == normalize(s, v) and v for e in listed.values() for s, v in e.identifiers)
    assert set(LABELS.values()) <= set(SCHEMES)


REMARKS = [
    ("Tax ID No. 7707083893 (Russia); Registration Number 1027700132195 (Russia).",
     (("tax_id", "7707083893"), ("registration", "1027700132195"))),
    ("alt. Passport X95321252 (Iran); Passport M00021291 (South Africa) issued 04 May 2010 expires 03 May 2020",
     (("passport", "X95321252"), ("passport", "M00021291"))),
    ("Registration Number FN 161285 i (Austria)", (("registration", "FN161285I"),)),
    ("Folio Mercantil No. 82219 (Jalisco) (Mexico).", (("registration", "82219"),)),
    ("alt. C.U.R.P. # HEXU430525HBCRXR07 (Mexico)", (("national_id", "HEXU430525HBCRXR07"),)),
    ("National ID No. 12/BAHANA(N)010023 (Burma).", (("national_id", "12BAHANAN010023"),)),
    ("V.A.T. Number BG 175433597 (Bulgaria)", (("vat", "175433597"),)),
    ("Company Number IMO 1234567; Vessel Registration Identification IMO 9187629",
     (("imo_company", "1234567"), ("imo", "9187629"))),
    ("DOB 01 Jan 1960; nationality Iran; Gender Male; Website www.example.com", ()),
]  # fmt: skip


@pytest.mark.parametrize(("remarks", "expected"), REMARKS)
def test_remark_identifiers(remarks: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert remark_identifiers(remarks) == expected


def test_an_imo_company_number_on_a_vessel_is_its_imo_number() -> None:
    assert remark_identifiers("Identification Number IMO 6256316", vessel=True) == (("imo", "6256316"),)


DOBS = [
    ("01 Jan 1960", "1960-01-01"),
    ("Mar 1960", "1960-03"),
    ("1960", "1960"),
    ("1960.", "1960"),
    ("circa 1960", "1959/1961"),
    ("1960 to 1962", "1960/1962"),
    ("circa 1960-1962", "1960/1962"),
    ("01 Jan 1961 to 31 Dec 1962", "1961/1962"),
    ("1983-10-11", "1983-10-11"),
    ("31 Feb 1960", None),
    ("unknown", None),
]


@pytest.mark.parametrize(("text", "expected"), DOBS)
def test_dob_of(text: str, expected: str | None) -> None:
    assert dob_of(text) == expected


def test_remark_dobs_and_birth_years() -> None:
    assert remark_dobs("DOB 01 Jan 1960; alt. DOB circa 1965; POB Tehran, Iran") == ("1960-01-01", "1964/1966")
    assert [birth_years(v) for v in ("1960-01-01", "1960-03", "1960", "1959/1961", "x")] == [
        (1960, 1960),
        (1960, 1960),
        (1960, 1960),
        (1959, 1961),
        None,
    ]


NOISE = st.text(alphabet=" -./,#()", max_size=3)


@given(
    scheme=st.sampled_from(sorted(SCHEMES)),
    chars=st.lists(st.sampled_from(string.ascii_letters + string.digits), min_size=1, max_size=20),
    noise=st.lists(NOISE, min_size=21, max_size=21),
)
def test_normalisation_ignores_case_spacing_and_punctuation(scheme: str, chars: list[str], noise: list[str]) -> None:
    plain = "".join(chars)
    dressed = "".join(n + c.lower() for n, c in zip(noise, chars, strict=False)) + noise[-1]
    once = normalize(scheme, plain)
    assert normalize(scheme, dressed) == once  # the same value however it is written
    assert normalize(scheme, once) == once  # idempotent
    assert all(c in string.ascii_uppercase + string.digits for c in once)


@given(st.text(max_size=40), st.sampled_from(sorted(SCHEMES)))
def test_normalisation_is_idempotent_on_any_text(text: str, scheme: str) -> None:
    once = normalize(scheme, text)
    assert normalize(scheme, once) == once
