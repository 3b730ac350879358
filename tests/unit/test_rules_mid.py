"""MID derivation by the CBP rules (19 CFR part 102 appendix), with examples worked by hand.

Each row shows the working: country | name words | largest street number | city.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.rules.mid import compare_mid, derive_mid, name_words, normalize_mid, number_part
from screening.rules.ruleset import default_rules

RULES = default_rules().mid

# name, street, city, country, province, expected MID, working
HAND_WORKED = [
    (
        "Rose-Lynn Fashions Inc.",
        "123 Main Street",
        "Maybury",
        "CA",
        "Ontario",
        "XOROSLYN123MAY",
        "Canada -> Ontario XO | hyphenated Rose-Lynn = ROS + LYN | 123 | MAY",
    ),
    (
        "A.B.C. Company",
        "1234 Main St",
        "Bangkok",
        "TH",
        None,
        "THABCCOM1234BAN",
        "TH | initials A.B.C. are one word ABC + COM | 1234 | BAN",
    ),
    (
        "The Embassy Group",
        "Room 1104, 445 Dong Feng Zhong Rd.",
        "Guangzhou",
        "CN",
        None,
        "CNEMBGRO1104GUA",
        "CN | 'The' ignored: EMB + GRO | 1104 is larger than 445 | GUA",
    ),
    (
        "Hill and Dale Manufacturing",
        "11455 West Blvd",
        "Kowloon",
        "HK",
        None,
        "HKHILDAL1145KOW",
        "HK | 'and' ignored: HIL + DAL | first four digits of 11455 | KOW",
    ),
    (
        "Fuji Xerox Co., Ltd.",
        "1-2-3 Nishi-Shinjuku",
        "Tokyo",
        "JP",
        None,
        "JPFUJXER3TOK",
        "JP | FUJ + XER | numbers 1, 2, 3: largest 3 | TOK",
    ),
    (
        "Al's Fashions of Dhaka",
        "Plot 12, House 4/A",
        "Dhaka",
        "BD",
        None,
        "BDALSFAS12DHA",
        "BD | apostrophe dropped: ALS + FAS ('of' ignored, only two words used) | 12 | DHA",
    ),
    (
        "Esquel",
        "25 Harbour Road",
        "Wanchai",
        "HK",
        None,
        "HKESQ25WAN",
        "HK | a one-word name gives ESQ only | 25 | WAN",
    ),
    (
        "Société Générale de Textiles",
        "10 Rue de Paris",
        "Lille",
        "FR",
        None,
        "FRSOCGEN10LIL",
        "FR | accents folded: SOC + GEN | 10 | LIL",
    ),
    (
        "Changji Esquel Textile Co. Ltd.",
        "No. 1 Esquel Road",
        "Changji",
        "CN",
        None,
        "CNCHAESQ1CHA",
        "CN | CHA + ESQ | 1 | CHA",
    ),
    (
        "Nanjing Synergy Textiles Co. Ltd.",
        "Xianlin Avenue",
        "Nanjing",
        "CN",
        None,
        "CNNANSYNNAN",
        "CN | NAN + SYN | no number on the street line: nothing | NAN",
    ),
    (
        "A Fashion House",
        "77 Nathan Road",
        "Kowloon",
        "HK",
        None,
        "HKFASHOU77KOW",
        "HK | the article 'A' is ignored: FAS + HOU | 77 | KOW",
    ),
    (
        "J. C. Penney Sourcing",
        "88 Queen's Road",
        "Hong Kong",
        "HK",
        None,
        "HKJCPEN88HON",
        "HK | spaced initials J. C. are one word JC + PEN | 88 | HON (spaces in the city ignored)",
    ),
    (
        "Kowloon Knitters",
        "Flat 2, 123456 Industrial Way",
        "Montreal",
        "CA",
        "QC",
        "XQKOWKNI1234MON",
        "Canada -> QC is XQ | KOW + KNI | first four digits of 123456 | MON",
    ),
    (
        "20th Century Garments",
        "5 Ring Road",
        "Dhaka",
        "BD",
        None,
        "BD20TCEN5DHA",
        "BD | digits in a name count as letters: 20T + CEN | 5 | DHA",
    ),
]


@pytest.mark.parametrize(("name", "street", "city", "country", "province", "expected", "working"), HAND_WORKED)
def test_hand_worked_mids(
    name: str, street: str, city: str, country: str, province: str | None, expected: str, working: str
) -> None:
    parts = derive_mid(name, RULES, street=street, city=city, country=country, province=province)
    assert parts.value == expected, working
    assert parts.complete


def test_street_numbers_in_any_script_are_ascii_digits() -> None:
    assert number_part("No. \u0661\u0662\u0663 Road 45", RULES) == "123"  # Arabic-Indic digits: 123 > 45
    assert number_part("0007 and 12", RULES) == "12"
    assert number_part("9" * 5000, RULES) == "9999"[: RULES.number_digits]


def test_initials_count_as_one_word_and_articles_are_dropped() -> None:
    assert name_words("A.B.C. Company", RULES) == ["ABC", "COMPANY"]
    assert name_words("The House of an Ant", RULES) == ["HOUSE", "ANT"]
    assert name_words("Rose-Lynn Fashions", RULES) == ["ROSE", "LYNN", "FASHIONS"]


def test_incomplete_when_country_or_city_is_missing() -> None:
    assert not derive_mid("Esquel", RULES, street="25 Harbour Road", city=None, country="HK").complete
    assert not derive_mid("Esquel", RULES, street="25 Harbour Road", city="Wanchai", country=None).complete
    # Canada without a province cannot give the province code.
    assert derive_mid("Esquel", RULES, city="Toronto", country="CA").missing() == ["country"]
    # A name only in Chinese characters has no letters to take.
    assert derive_mid("新疆棉业有限公司", RULES, city="Urumqi", country="CN").missing() == ["name"]


def test_compare_reports_the_differing_parts() -> None:
    derived = derive_mid(
        "Pearl River Garments Co., Ltd.", RULES, street="18 Huangpu Avenue", city="Guangzhou", country="CN"
    )
    assert derived.value == "CNPEARIV18GUA"
    assert compare_mid("cnpeariv-18-gua", derived).agrees  # case and punctuation do not matter
    wrong_city = compare_mid("CNPEARIV18SHA", derived)
    assert not wrong_city.agrees and wrong_city.differing == ("city",)
    wrong_name = compare_mid("CNPEAGAR18GUA", derived)
    assert wrong_name.differing == ("name",)
    assert compare_mid("VNPEARIV18GUA", derived).differing == ("country",)


@given(
    st.text(min_size=0, max_size=60),
    st.text(max_size=60),
    st.text(max_size=30),
    st.sampled_from(["CN", "CA", "HK", "VN", "", "cn", "XX1"]),
    st.sampled_from(["Ontario", "BC", "", "Nowhere"]),
)
def test_derived_mid_is_short_uppercase_alnum(name: str, street: str, city: str, country: str, province: str) -> None:
    parts = derive_mid(name, RULES, street=street, city=city, country=country, province=province)
    assert len(parts.value) <= 15
    assert re.fullmatch(r"[A-Z0-9]*", parts.value)
    assert normalize_mid(parts.value) == parts.value
    assert len(parts.number) <= 4 and len(parts.city) <= 3 and len(parts.name) <= 6
