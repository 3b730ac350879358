"""Worked examples of every reason code, run through :func:`screening.screen.screen_entry`: test data of
tests/unit/test_rules_data.py and test_rules_scenarios.py, and the examples of docs/reason-codes.md.

The listed entities carry real names (and, where published, addresses and identifiers) copied from the
shared list files: the DHS UFLPA Entity List excerpt, the CBP WRO/Findings excerpt, the OFAC SDN and
non-SDN lists, and the trade.gov Consolidated Screening List (BIS Entity List, MEU, DPL, UVL rows).

``scripts/gen_reason_codes.py`` rewrites the generated part of the reason code document from these
examples, so the examples there are what the code produces.
"""

from __future__ import annotations

from typing import Any

from screening.entities import Entity, EntityAddress, EntityName
from screening.entry import parse_entry

UFLPA = ("uflpa", "UFLPA Entity List", "2025-01-15")
WRO = ("cbp_wro", "CBP Withhold Release Orders and Findings", "2026-01")
SDN = ("ofac_sdn", "SDN List", "2024-05-03")
CONS = ("ofac_cons", "Consolidated Sanctions List (non-SDN)", "2025-12-19")
CSL_VERSION = "2023-11-30"
EL = ("csl", "Entity List (EL) - Bureau of Industry and Security", CSL_VERSION)
MEU = ("csl", "Military End User (MEU) List - Bureau of Industry and Security", CSL_VERSION)
DPL = ("csl", "Denied Persons List (DPL) - Bureau of Industry and Security", CSL_VERSION)
UVL = ("csl", "Unverified List (UVL) - Bureau of Industry and Security", CSL_VERSION)

CSL_AC_INTERNATIONAL_ADDRESS = "Room 1104, North Tower Yueziu City Plaza, No. 445 Dong Feng Zhong Rd., Guangzhou, CN"
LIST_VERSIONS = {
    "uflpa": UFLPA[2],
    "cbp_wro": WRO[2],
    "ofac_sdn": SDN[2],
    "ofac_cons": CONS[2],
    "csl": CSL_VERSION,
}


def _entity(src: tuple[str, str, str], ident: str, name: str, *aliases: str, **kw: Any) -> Entity:
    source, list_name, version = src
    return Entity(
        id=f"{source}:{ident}",
        source=source,
        list_name=list_name,
        list_version=version,
        entity_type=kw.pop("entity_type", "organization"),
        names=(EntityName(name), *(EntityName(a, "strong", "aka") for a in aliases)),
        **kw,
    )


def entities() -> list[Entity]:
    """Listed entities with real names from the shared list files."""
    return [
        _entity(UFLPA, "hetian-taida-apparel", "Hetian Taida Apparel Co., Ltd", "Hetian TEDA Garment"),
        _entity(UFLPA, "xinjiang-junggar", "Xinjiang Junggar Cotton and Linen Co., Ltd."),
        _entity(
            UFLPA,
            "hetian-haolin",
            "Hetian Haolin Hair Accessories Co. Ltd.",
            "Hotan Haolin Hair Accessories",
            "Hollin Hair Accessories",
        ),
        _entity(UFLPA, "hoshine", "Hoshine Silicon Industry (Shanshan) Co., Ltd", flags=("includes_subsidiaries",)),
        _entity(
            UFLPA,
            "changji-esquel",
            "Changji Esquel Textile Co. Ltd.",
            "Changji Yida Textile",
            "Changji Esquel",
        ),
        _entity(
            WRO,
            "lop-county-hair-park",
            "Lop County Hair Product Industrial Park",
            product_scope=("Hair products",),
        ),
        _entity(
            WRO,
            "lop-county-meixin",
            "Lop County Meixin Hair Product Co. Ltd.",
            product_scope=("Hair products",),
        ),
        _entity(
            WRO,
            "lop-county-no-4",
            "Lop County No. 4 Vocational Skills Education and Training Center",
            product_scope=("All products",),
        ),
        _entity(
            WRO,
            "hefei-bitland",
            "Hefei Bitland Information Technology Co., Ltd.",
            product_scope=("Computer parts",),
        ),
        _entity(WRO, "hero-vast", "Hero Vast Group", product_scope=()),
        _entity(
            WRO,
            "top-glove-corporation-bhd",
            "Top Glove Corporation Bhd.",
            product_scope=("Disposable gloves",),
            programs=("Finding",),
            countries=("MY",),
            status="modified",
        ),
        _entity(
            WRO,
            "xinjiang-region",
            "Xinjiang Uyghur Autonomous Region (region-wide)",
            entity_type="region",
            product_scope=("Cotton and cotton products; tomatoes and tomato products",),
            flags=("region_wide",),
        ),
        _entity(SDN, "29159", "XINJIANG PUBLIC SECURITY BUREAU", programs=("GLOMAG",)),
        _entity(
            SDN,
            "25347",
            "ARVIN",
            entity_type="vessel",
            programs=("IRAN", "NPWMD", "IFSR"),
            countries=("IR",),
            identifiers=(("imo", "9193202"),),
        ),
        _entity(
            SDN,
            "40888",
            "GOLDEN BRIDGE",
            entity_type="vessel",
            programs=("IRAN-EO13846",),
            countries=("PA",),
            identifiers=(("imo", "9218301"),),
        ),
        _entity(
            SDN,
            "25396",
            "ISLAMIC REPUBLIC OF IRAN SHIPPING LINES",
            "IRISL",
            programs=("IRAN", "NPWMD", "IFSR", "IFCA"),
            countries=("IR",),
        ),
        _entity(
            SDN,
            "23063",
            "WUHAN SANJIANG IMPORT AND EXPORT CO. LTD",
            "WSIEC",
            programs=("NPWMD", "IFSR"),
            identifiers=(("uscc", "91420112711981060J"),),
            addresses=(EntityAddress(street="No. 5647, Dongxihu Ave, Dongxihu District", city="Wuhan", country="CN"),),
        ),
        _entity(
            CONS,
            "30946",
            "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
            programs=("CMIC-EO13959",),
            identifiers=(("uscc", "91330000733796106P"),),
        ),
        _entity(
            EL,
            "casc",
            "China Aerospace Science and Technology Corporation (CASC)",
            addresses=(EntityAddress(text="No.1 Fengying East Road, Haidian District, Beijing, 100094, CN"),),
        ),
        _entity(
            EL,
            "a-c-international",
            "A.C. International",
            addresses=(EntityAddress(text=CSL_AC_INTERNATIONAL_ADDRESS),),
        ),
        _entity(
            MEU,
            "aecc-aviation-power",
            "AECC Aviation Power Co. Ltd.",
            addresses=(EntityAddress(text="Xiujia Bay, Weiyong Dt, Xian, 710021, China, CN"),),
        ),
        _entity(
            DPL,
            "ge-song-tao",
            "GE SONG TAO (GE)",
            entity_type="person",
            addresses=(EntityAddress(text="BLOCK 3, ZIJINYUAN, NO. 5 MUXUYUAN STREET, NANJING, 210007, CN"),),
        ),
        _entity(
            DPL,
            "fang-liwu",
            "FANG LIWU",
            entity_type="person",
            addresses=(EntityAddress(text="NAN HU XI YUAN 50505, CHAI YANG DISTRICT, WANG GING, BEIJING, CN"),),
        ),
        _entity(UVL, "xinjiang-east-hope-new-energy", "Xinjiang East Hope New Energy Company Ltd."),
    ]


def _entry(number: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema_version": 1,
        "entry_number": number,
        "entry_revision": 0,
        "filed_at": "2025-10-01T09:00:00Z",
        "direction": "import",
        "country_of_origin": "CN",
        "parties": {"consignee": {"name": "Harbor Street Imports LLC", "address": {"city": "Newark", "country": "US"}}},
        "lines": [],
    }
    base.update(kw)
    return base


def _line(n: int, hts: str, description: str, *tiers: dict[str, Any], origin: str = "CN") -> dict[str, Any]:
    return {
        "line_number": n,
        "hts_code": hts,
        "description": description,
        "country_of_origin": origin,
        "supply_chain": list(tiers),
    }


GUANGZHOU_MILL = {
    "tier": 2,
    "name": "Guangzhou Baiyun Dyeing Mill",
    "role": "fabric mill",
    "address": {"street": "88 Tianhe Road", "city": "Guangzhou", "province": "Guangdong", "country": "CN"},
}

# One example entry per reason code: (what it shows, the entry).
EXAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    "UFLPA_ENTITY": (
        "a tier-2 supplier is on the UFLPA Entity List",
        _entry(
            "EW-EX-0001",
            lines=[
                _line(
                    1,
                    "5208.12.4020",
                    "cotton poplin",
                    {"tier": 2, "name": "Xinjiang Junggar Cotton and Linen Co., Ltd.", "role": "spinner"},
                )
            ],
        ),
    ),
    "WRO_ENTITY": (
        "the manufacturer is under a WRO on hair products and the line is a wig",
        _entry(
            "EW-EX-0002",
            parties={"manufacturer": {"name": "Lop County Hair Product Industrial Park"}},
            lines=[_line(1, "6704.19.0000", "synthetic hair wig", GUANGZHOU_MILL)],
        ),
    ),
    "WRO_ENTITY_OTHER_GOODS": (
        "the same WRO entity, but the line is a laptop: not a hold on unrelated goods",
        _entry(
            "EW-EX-0003",
            parties={"manufacturer": {"name": "Lop County Meixin Hair Product Co. Ltd."}},
            lines=[_line(1, "8471.30.0100", "laptop computer", GUANGZHOU_MILL)],
        ),
    ),
    "WRO_SCOPE_UNKNOWN": (
        "a WRO entity whose order scope the list does not give",
        _entry(
            "EW-EX-0004",
            parties={"seller": {"name": "Hero Vast Group"}},
            lines=[_line(1, "6110.20.2079", "cotton sweater", GUANGZHOU_MILL)],
        ),
    ),
    "WRO_ENTITY_INACTIVE": (
        "the manufacturer was named in a Finding on disposable gloves that CBP has since modified: reported, not held",
        _entry(
            "EW-EX-0019",
            country_of_origin="MY",
            parties={
                "manufacturer": {"name": "Top Glove Corporation Bhd", "address": {"city": "Klang", "country": "MY"}}
            },
            lines=[_line(1, "4015.19.0510", "nitrile examination gloves, disposable", origin="MY")],
        ),
    ),
    "WRO_REGION": (
        "tomato paste made by a manufacturer in Changji (address in Chinese characters)",
        _entry(
            "EW-EX-0005",
            parties={
                "manufacturer": {
                    "name": "Tianshan Red Fruit Foods Co., Ltd.",
                    "address": {"street": "新疆维吾尔自治区昌吉市北京南路88号", "country": "CN"},
                }
            },
            lines=[_line(1, "2002.90.8010", "tomato paste, drums")],
        ),
    ),
    "XINJIANG_SUPPLY_CHAIN": (
        "a polysilicon tier in Shihezi (pinyin) and postal code 832000",
        _entry(
            "EW-EX-0006",
            lines=[
                _line(
                    1,
                    "8541.43.0010",
                    "solar modules",
                    {
                        "tier": 1,
                        "name": "Jiangsu Bright Cells Co.",
                        "role": "cell maker",
                        "address": {"city": "Wuxi", "province": "Jiangsu", "country": "CN"},
                    },
                    {
                        "tier": 3,
                        "name": "Tianfu Silicon Materials Co.",
                        "role": "polysilicon",
                        "address": {
                            "street": "No. 12 Beiquan Road",
                            "city": "Shihezi",
                            "postal_code": "832000",
                            "country": "CN",
                        },
                    },
                )
            ],
        ),
    ),
    "REGION_WEAK": (
        "a yarn tier gives only 'Aksu' with no country (Aksu is also a town in Kazakhstan)",
        _entry(
            "EW-EX-0007",
            lines=[
                _line(
                    1,
                    "5205.12.1000",
                    "cotton yarn",
                    {
                        "tier": 2,
                        "name": "Golden Sands Yarn Co.",
                        "role": "spinner",
                        "address": {"city": "Aksu"},
                    },
                )
            ],
        ),
    ),
    "SDN_MATCH": (
        "the seller's registration number is the USCC of an SDN (the name alone would not match)",
        _entry(
            "EW-EX-0008",
            parties={"seller": {"name": "Sanjiang Hardware Trading", "registration_id": "91420112711981060J"}},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "SANCTIONS_MATCH": (
        "the manufacturer is on OFAC's non-SDN Chinese Military-Industrial Complex list",
        _entry(
            "EW-EX-0009",
            parties={"manufacturer": {"name": "Hangzhou Hikvision Digital Technology Co., Ltd."}},
            lines=[_line(1, "8525.89.3000", "network cameras", GUANGZHOU_MILL)],
        ),
    ),
    "EXPORT_ENTITY_LIST": (
        "an export consigned to a BIS Entity List party",
        _entry(
            "EW-EX-0010",
            direction="export",
            country_of_origin="US",
            parties={
                "consignee": {
                    "name": "China Aerospace Science and Technology Corporation",
                    "address": {"city": "Beijing", "country": "CN"},
                }
            },
            lines=[_line(1, "8542.31.0000", "processors", origin="US")],
        ),
    ),
    "EXPORT_MEU": (
        "an export consigned to a BIS Military End-User",
        _entry(
            "EW-EX-0011",
            direction="export",
            country_of_origin="US",
            parties={
                "consignee": {
                    "name": "AECC Aviation Power Co., Ltd.",
                    "address": {"city": "Xian", "country": "CN"},
                }
            },
            lines=[_line(1, "8411.91.9090", "turbine parts", origin="US")],
        ),
    ),
    "EXPORT_DENIED_PERSON": (
        "an export whose consignee is on the Denied Persons List",
        _entry(
            "EW-EX-0012",
            direction="export",
            country_of_origin="US",
            parties={"consignee": {"name": "Fang Liwu", "address": {"city": "Beijing", "country": "CN"}}},
            lines=[_line(1, "8543.70.9860", "signal generators", origin="US")],
        ),
    ),
    "EXPORT_UNVERIFIED_LIST": (
        "an export to a party on the BIS Unverified List",
        _entry(
            "EW-EX-0013",
            direction="export",
            country_of_origin="US",
            parties={"consignee": {"name": "Xinjiang East Hope New Energy Co., Ltd."}},
            lines=[_line(1, "8504.40.9580", "inverters", origin="US")],
        ),
    ),
    "NAME_MATCH_REVIEW": (
        "a seller name close to, but below the hold threshold of, a UFLPA entity",
        _entry(
            "EW-EX-0014",
            parties={"seller": {"name": "Junggar Cotton and Linen"}},
            lines=[_line(1, "6203.42.4011", "cotton trousers", GUANGZHOU_MILL)],
        ),
    ),
    "HIGH_PRIORITY_SECTOR_UNTRACED": (
        "cotton shirts from China with no supply-chain tiers",
        _entry(
            "EW-EX-0015",
            parties={
                "manufacturer": {
                    "name": "Pearl River Garments Co., Ltd.",
                    "address": {"street": "18 Huangpu Avenue", "city": "Guangzhou", "country": "CN"},
                    "mid": "CNPEARIV18GUA",
                }
            },
            lines=[_line(1, "6205.20.2016", "men's cotton shirts")],
        ),
    ),
    "MID_MISMATCH": (
        "the declared MID does not follow from the manufacturer's name and address",
        _entry(
            "EW-EX-0016",
            parties={
                "manufacturer": {
                    "name": "Pearl River Garments Co., Ltd.",
                    "address": {"street": "18 Huangpu Avenue", "city": "Guangzhou", "country": "CN"},
                    "mid": "CNPEAGAR18SHA",
                }
            },
            lines=[_line(1, "6205.20.2016", "men's cotton shirts", GUANGZHOU_MILL)],
        ),
    ),
    "MID_LISTED": (
        "the manufacturer's MID equals the MID derived from a BIS Entity List party's published address",
        _entry(
            "EW-EX-0017",
            parties={
                "manufacturer": {
                    "name": "AC Interiors Ltd",
                    "address": {
                        "street": "Room 1104, No. 445 Dongfeng Middle Road",
                        "city": "Guangzhou",
                        "country": "CN",
                    },
                    "mid": "CNACINT1104GUA",
                }
            },
            lines=[_line(1, "9403.60.8081", "wooden furniture", GUANGZHOU_MILL)],
        ),
    ),
    "LIST_MATCH": (
        "a strong match on a list source the decision rules do not know (a hypothetical 'eu_fsf' source)",
        _entry(
            "EW-EX-0018",
            parties={"seller": {"name": "Hypothetical Listed Trading Co."}},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "VESSEL_IMO_LISTED": (
        "the vessel's IMO number is that of the SDN vessel ARVIN",
        _entry(
            "EW-EX-0021",
            transport={"mode": "vessel", "vessel_name": "Arvin", "vessel_imo": "9193202", "voyage": "024W"},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "VESSEL_NAME_MATCH": (
        "the vessel's name, misspelt, is that of the SDN vessel GOLDEN BRIDGE; no IMO number filed",
        _entry(
            "EW-EX-0022",
            transport={"mode": "vessel", "vessel_name": "Golden Brige", "bill_of_lading": "MEDU1234567"},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "VESSEL_NAME_REVIEW": (
        "the vessel is named ARVIN, like an SDN vessel, but its IMO number (valid, not listed) is another ship's",
        _entry(
            "EW-EX-0023",
            transport={"mode": "vessel", "vessel_name": "ARVIN", "vessel_imo": "9074729"},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "CARRIER_LISTED": (
        "the carrier is the SDN-listed Islamic Republic of Iran Shipping Lines",
        _entry(
            "EW-EX-0024",
            transport={"mode": "vessel", "carrier_name": "Islamic Republic of Iran Shipping Lines"},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "CARRIER_NAME_REVIEW": (
        "the carrier's name is close to, but below the hold threshold of, a listed shipping line",
        _entry(
            "EW-EX-0025",
            transport={"mode": "vessel", "carrier_name": "Iran Shipping Lines Co"},
            lines=[_line(1, "8481.80.9050", "valves", GUANGZHOU_MILL)],
        ),
    ),
    "NOTHING_TO_SCREEN": (
        "an entry with no party, no importer, no line and no conveyance",
        {"schema_version": 1, "entry_number": "EW-EX-0020", "direction": "import", "lines": []},
    ),
}

# An entity of a source the decision rules do not know, for the LIST_MATCH example only.
UNKNOWN_SOURCE = Entity(
    "eu_fsf:example",
    "eu_fsf",
    "EU Financial Sanctions Files (hypothetical source)",
    "2026-01-01",
    "organization",
    (EntityName("Hypothetical Listed Trading Co."),),
)


def run_example(code: str) -> dict[str, Any]:
    """Screen the example of ``code``; returns the decision JSON and the first reason with that code."""
    from screening.screen import ScreeningContext, screen_entry

    ctx = ScreeningContext.from_entities([*entities(), UNKNOWN_SOURCE], LIST_VERSIONS)
    decision = screen_entry(parse_entry(EXAMPLES[code][1]), ctx)
    reason = next((r for r in decision.reasons if r.code == code), None)
    return {
        "decision": decision.decision,
        "codes": sorted({r.code for r in decision.reasons}),
        "reason": reason.to_json() if reason else None,
    }
