"""Xinjiang region detection: addresses in English, pinyin and Chinese characters, postal codes and
registration numbers, and the places that must not fire."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.entry import Address
from screening.rules.region import (
    detect,
    detect_registration,
    detect_text,
    resident_id_valid,
    strength,
    uscc_valid,
)
from screening.rules.ruleset import default_rules

PLACES = default_rules().places

A = Address
# (case, address, expected strength or None, place ids expected among the evidence)
ADDRESSES = [
    (
        "English city and province",
        A("Jiefang North Road 1", "Urumqi", "Xinjiang", "830000", "CN"),
        "strong",
        {"urumqi", "xinjiang"},
    ),
    ("accented Ürümqi", A(None, "Ürümqi", None, None, "CN"), "strong", {"urumqi"}),
    ("pinyin Wulumuqi", A(None, "Wulumuqi Shi", None, None, "CN"), "strong", {"urumqi"}),
    ("Khotan old spelling", A("12 Tanai Road", "Khotan", None, None, "CN"), "strong", {"hotan"}),
    ("Hetian pinyin", A(None, "Hetian City", None, None, "CN"), "strong", {"hotan"}),
    ("Kashgar prefecture", A(None, "Kashgar Prefecture", None, None, None), "strong", {"kashgar"}),
    (
        "Korla in Bayingolin",
        A(None, "Korla", "Bayingolin Mongol Autonomous Prefecture", None, "CN"),
        "strong",
        {"korla", "bayingolin"},
    ),
    (
        "Yining in Ili",
        A(None, "Yining", "Ili Kazakh Autonomous Prefecture", None, "CN"),
        "strong",
        {"yining", "ili"},
    ),
    ("XPCC city Shihezi", A("No. 12 Beiquan Road", "Shihezi", None, None, "CN"), "strong", {"shihezi"}),
    ("XPCC city Tumxuk", A(None, "Tumushuke", None, None, "CN"), "strong", {"tumxuk"}),
    ("XPCC city Aral with CN", A(None, "Alaer", None, None, "CN"), "strong", {"aral"}),
    ("county Lop", A(None, "Lop County", "Hotan Prefecture", None, "CN"), "strong", {"lop", "hotan"}),
    ("Turpan Shanshan county", A(None, "Shanshan", "Turpan", None, "CN"), "strong", {"pichan", "turpan"}),
    (
        "one-line CSL style",
        A("No. 7 Century Ave, Xinjiang, Karamay", None, None, None, "CN"),
        "strong",
        {"xinjiang", "karamay"},
    ),
    (
        "Chinese characters, full",
        A("新疆维吾尔自治区乌鲁木齐市天山区解放北路88号", None, None, None, "CN"),
        "strong",
        {"xinjiang", "urumqi"},
    ),
    ("Chinese characters, city field", A("解放路1号", "喀什市", None, None, None), "strong", {"kashgar"}),
    (
        "Chinese characters, prefecture",
        A("和田地区洛浦县", None, None, None, "CN"),
        "strong",
        {"hotan", "lop"},
    ),
    (
        "Chinese XPCC",
        A("新疆生产建设兵团第八师石河子市", None, None, None, "CN"),
        "strong",
        {"xpcc", "shihezi"},
    ),
    (
        "postal code with CN",
        A("88 Renmin Road", "Kuqa", None, "842000", "CN"),
        "strong",
        {"kuqa", "xinjiang"},
    ),
    ("postal code alone, CN", A("88 Renmin Road", None, None, "844000", "CN"), "strong", {"xinjiang"}),
    ("postal code, no country", A(None, None, None, "848000", None), "weak", {"xinjiang"}),
    ("Aksu without a country", A(None, "Aksu", None, None, None), "weak", {"aksu"}),
    ("Yiwu is mostly Zhejiang", A(None, "Yiwu", None, None, "CN"), "weak", {"aratürük"}),
    (
        "mixed into a street segment",
        A("Urumqi Economic Development Zone Building 3", None, None, None, "CN"),
        "weak",
        {"urumqi"},
    ),
    # Must NOT fire:
    ("Xinjiang Road in Shanghai", A("No. 100 Xinjiang Road", "Shanghai", None, "200000", "CN"), None, set()),
    (
        "Xinjiang Street in Shanghai",
        A("Room 5, 18 Xinjiang Street", "Shanghai", "Shanghai", None, "CN"),
        None,
        set(),
    ),
    ("Xinjiang Lu in pinyin", A("Xinjiang Lu 200 Hao", "Shanghai", None, None, "CN"), None, set()),
    (
        "Wulumuqi Middle Road, Shanghai",
        A("88 Wulumuqi Middle Road", "Shanghai", None, None, "CN"),
        None,
        set(),
    ),
    ("新疆路 in Chinese", A("上海市新疆路100号", None, None, None, "CN"), None, set()),
    ("乌鲁木齐中路 in Shanghai", A("乌鲁木齐中路200号", "上海", None, None, "CN"), None, set()),
    ("Hetian Road, Shanghai", A("和田路18号", "上海市", None, None, "CN"), None, set()),
    ("Kashi Road, Shanghai", A("100 Kashi Road", "Shanghai", None, None, "CN"), None, set()),
    (
        "India postal code 834001 (Ranchi)",
        A("Main Road 5", "Ranchi", "Jharkhand", "834001", "IN"),
        None,
        set(),
    ),
    ("Aksu in Kazakhstan", A("Lenin St 4", "Aksu", "Pavlodar Region", "140100", "KZ"), None, set()),
    ("Altai in Russia", A(None, "Gorno-Altaysk", "Altai Republic", "649000", "RU"), None, set()),
    ("Guangzhou", A("88 Tianhe Road", "Guangzhou", "Guangdong", "510000", "CN"), None, set()),
    (
        "Xinjiang mansion in Beijing",
        A("Xinjiang Mansion, 7 Sanlihe Road", "Beijing", None, "100044", "CN"),
        None,
        set(),
    ),
]


@pytest.mark.parametrize(("case", "address", "expected", "places"), ADDRESSES, ids=[r[0] for r in ADDRESSES])
def test_address_table(case: str, address: Address, expected: str | None, places: set[str]) -> None:
    evidence = detect(PLACES, address=address)
    assert strength(evidence) == expected, [e.to_json() for e in evidence]
    assert places <= {e.place for e in evidence}


def test_tier_country_overrides_the_address() -> None:
    address = Address(city="Aksu")
    assert strength(detect(PLACES, address=address, country="CN")) == "strong"
    assert detect(PLACES, address=address, country="KZ") == []


def test_evidence_names_the_field_and_what_fired() -> None:
    [ev] = detect(PLACES, address=Address(city="Shihezi", country="CN"))
    assert (ev.kind, ev.field, ev.value, ev.place, ev.strength) == (
        "place_name",
        "city",
        "shihezi",
        "shihezi",
        "strong",
    )
    assert ev.to_json()["why"]


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("South Beijing Road, Century Pacific International Centre, 416, Urumqi, 830000, CN", "CN", "strong"),
        ("Xinjiang East Eco. Development Zone, XinJiang, China", "CN", "strong"),
        ("No. 3998 South Lianhua Road, Minhang District, Shanghai, 200241", "CN", None),
        ("Urumqi Road 5, Shanghai", None, None),
        ("box 830000", None, "weak"),
    ],
)
def test_one_line_text(text: str, country: str | None, expected: str | None) -> None:
    assert strength(detect_text(text, PLACES, country)) == expected


# Real USCCs from the OFAC lists (Huawei, Hikvision, Wuhan Sanjiang) and codes with division 65.
@pytest.mark.parametrize(
    ("code", "valid", "expected"),
    [
        ("914403001922038216", True, None),  # Shenzhen (44)
        ("91330000733796106P", True, None),  # Zhejiang (33)
        ("91420112711981060J", True, None),  # Wuhan, Hubei (42)
        ("91650100MA7761234N", True, "strong"),  # Urumqi 650100, check character computed by GB 32100
        ("9165 0100 MA77 6123 4N", True, "strong"),  # spaces are ignored
        ("91650100MA7761234X", False, "weak"),  # division 65 but the check character is wrong
        ("91310000MA1FL0123P", True, None),  # Shanghai
        ("653225197110100533", False, "strong"),  # SDN individual's national ID (Chele County, Hotan)
        ("ABC", False, None),
    ],
)
def test_registration_numbers(code: str, valid: bool, expected: str | None) -> None:
    assert uscc_valid(code.replace(" ", "")) is valid
    assert strength(detect_registration(code, PLACES)) == expected


def test_resident_id_check_digit() -> None:
    assert resident_id_valid("653225197110100533")
    assert not resident_id_valid("653225197110100534")


@given(st.text(max_size=80), st.text(max_size=30), st.sampled_from(["US", "IN", "KZ", "DE", "JP"]))
def test_never_fires_for_another_country(street: str, city: str, country: str) -> None:
    assert detect(PLACES, address=Address(street, city, city, street[:6], country)) == []


@given(st.text(max_size=80), st.text(max_size=40), st.one_of(st.none(), st.text(max_size=20)))
def test_detect_is_total_and_strengths_are_known(street: str, city: str, reg: str | None) -> None:
    evidence = detect(PLACES, address=Address(street, city, None, None, "CN"), registration_id=reg, text=street)
    assert all(e.strength in ("strong", "weak") for e in evidence)


@given(
    st.sampled_from(["Xinjiang", "Urumqi", "Kashgar", "Hotan", "Aksu", "Turpan", "新疆", "乌鲁木齐", "喀什"]),
    st.sampled_from(["Road", "Rd.", "Street", "Middle Road", "North Road", "Lu", "路", "中路", "北路", "街"]),
    st.integers(min_value=1, max_value=9999),
)
def test_a_street_named_after_a_place_never_fires(place: str, suffix: str, number: int) -> None:
    sep = "" if suffix[0] > "\u3000" else " "
    street = f"{number} {place}{sep}{suffix}"
    assert detect(PLACES, address=Address(street, "Shanghai", None, "200000", "CN")) == []
