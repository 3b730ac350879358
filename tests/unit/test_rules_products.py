"""HTS codes to UFLPA high-priority sectors, the region-wide WRO scope and WRO product scopes."""

from __future__ import annotations

import pytest

from screening.rules.products import hts_digits, split_scope
from screening.rules.ruleset import default_rules

PRODUCTS = default_rules().products

# hts code, sectors expected (on the latest list)
SECTORS = [
    ("6109.10.0012", {"apparel"}),  # cotton T-shirts
    ("6205.20.2016", {"apparel"}),
    ("5201.00.1800", {"cotton"}),  # raw cotton
    ("5208.12.4020", {"cotton"}),
    ("6302.31.9020", {"cotton"}),  # cotton bed linen
    ("2002.90.8010", {"tomatoes"}),  # tomato paste
    ("2103.20.4000", {"tomatoes"}),  # ketchup
    ("2804.61.0000", {"silica"}),  # polysilicon
    ("8541.43.0010", {"silica"}),  # PV modules
    ("3904.10.0000", {"pvc"}),
    ("7601.10.6000", {"aluminum"}),
    ("0304.87.0000", {"seafood"}),
    ("1604.14.1091", {"seafood"}),
    ("7208.51.0030", {"steel"}),
    ("7202.21.5000", {"silica", "steel"}),  # ferrosilicon is in both
    ("7403.11.0000", {"copper"}),
    ("2836.91.0000", {"lithium"}),
    ("8507.60.0020", {"lithium"}),
    ("2815.12.0000", {"caustic_soda"}),
    ("0813.40.3000", {"red_dates"}),
    ("8471.30.0100", set()),  # laptops
    ("9403.60.8081", set()),  # wooden furniture
    ("", set()),
]


@pytest.mark.parametrize(("hts", "expected"), SECTORS)
def test_sector_table(hts: str, expected: set[str]) -> None:
    assert {h.sector.id for h in PRODUCTS.sectors_for(hts)} == expected


def test_dotted_and_bare_codes_are_the_same() -> None:
    assert hts_digits("6109.10.0012") == "6109100012"
    assert [h.prefix for h in PRODUCTS.sectors_for("6109100012")] == ["61"]


@pytest.mark.parametrize(
    ("hts", "filed", "expected"),
    [
        ("7601.10.6000", "2024-07-08", set()),  # aluminium became high-priority on 2024-07-09
        ("7601.10.6000", "2024-07-09", {"aluminum"}),
        ("7208.51.0030", "2025-06-30T10:00:00Z", set()),  # steel from 2025-08-19
        ("7208.51.0030", "2025-09-01T10:00:00Z", {"steel"}),
        ("6109.10.0012", "2022-06-16", set()),  # before the UFLPA strategy
        ("6109.10.0012", "2022-06-17", {"apparel"}),
    ],
)
def test_sector_applies_from_the_date_it_was_added(hts: str, filed: str, expected: set[str]) -> None:
    assert {h.sector.id for h in PRODUCTS.sectors_for(hts, filed)} == expected


def test_every_sector_has_a_source_and_date() -> None:
    ids = {s.id for s in PRODUCTS.sectors}
    assert ids == {
        "apparel", "cotton", "tomatoes", "silica", "pvc", "aluminum", "seafood",
        "steel", "copper", "lithium", "caustic_soda", "red_dates",
    }  # fmt: skip
    added = {s.id: s.added for s in PRODUCTS.sectors}
    assert added["pvc"] == added["aluminum"] == added["seafood"] and added["pvc"].startswith("2024-07")
    assert all(added[s].startswith("2025-08") for s in ("steel", "copper", "lithium", "caustic_soda", "red_dates"))
    assert all(PRODUCTS.sources[s.source]["title"] for s in PRODUCTS.sectors)


@pytest.mark.parametrize(
    ("hts", "filed", "in_scope"),
    [
        ("5201.00.1800", None, True),
        ("6109.10.0012", None, True),  # cotton apparel
        ("2002.90.8010", None, True),
        ("8541.43.0010", None, False),  # polysilicon is not in the region-wide order
        ("2002.90.8010", "2020-12-31", False),  # before 2021-01-13
    ],
)
def test_region_wide_wro(hts: str, filed: str | None, in_scope: bool) -> None:
    scopes = PRODUCTS.region_scopes_for(hts, filed)
    assert bool(scopes) is in_scope
    if scopes:
        assert scopes[0][0].effective == "2021-01-13"


@pytest.mark.parametrize(
    ("scope", "hts", "status"),
    [
        (("Hair products",), "6704.19.0000", "in_scope"),
        (("Hair products",), "8471.30.0100", "out_of_scope"),  # a hair WRO is not a hold on laptops
        (("All products",), "8471.30.0100", "in_scope"),
        (("All products",), None, "in_scope"),
        (("Hair products",), None, "unknown"),  # no HTS code on the line
        ((), "6704.19.0000", "unknown"),  # the list gives no scope
        (("Fishing vessels",), "0304.87.0000", "unknown"),  # a scope the rules do not map
        (("Cotton and cotton products; tomatoes and tomato products",), "2002.90.8010", "in_scope"),
        (("Silica-based products (polysilicon)",), "2804.61.0000", "in_scope"),
        (("Computer parts",), "8473.30.1180", "in_scope"),
        (("Garments",), "5201.00.1800", "out_of_scope"),
    ],
)
def test_wro_product_scope(scope: tuple[str, ...], hts: str | None, status: str) -> None:
    assert PRODUCTS.wro_scope(scope, hts).status == status


def test_split_scope() -> None:
    assert split_scope(["Cotton and cotton products; tomatoes and tomato products"]) == (
        "Cotton and cotton products",
        "tomatoes and tomato products",
    )
