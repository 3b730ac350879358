"""Table-driven scenarios: one row per situation of the rules issue, with real names from the shared
lists (UFLPA excerpt, WRO excerpt, OFAC SDN and non-SDN, CSL Entity List / MEU / DPL / UVL rows),
addresses in English, pinyin and Chinese characters, and entries that must stay CLEAR.

A row gives the entry's decision, codes that must be among its reasons, and codes that must not be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from screening.entry import parse_entry
from screening.matching import NameIndex
from screening.screen import ScreeningContext, screen_entry
from tests.rule_examples import LIST_VERSIONS, entities

CTX = ScreeningContext.from_entities(entities(), LIST_VERSIONS)

SHANGHAI_TIER = {
    "tier": 2, "name": "Shanghai Huangpu Weaving Co.", "role": "weaver",
    "address": {"street": "200 Xinjiang Road", "city": "Shanghai", "country": "CN"},
}  # fmt: skip
CONSIGNEE = {"name": "Harbor Street Imports LLC", "address": {"city": "Newark", "country": "US"}}


def entry(
    *lines: dict[str, Any], parties: dict[str, Any] | None = None, direction: str = "import", **kw: Any
) -> dict[str, Any]:
    return {
        "entry_number": "EW-T-1",
        "filed_at": kw.pop("filed_at", "2025-10-01T09:00:00Z"),
        "direction": direction,
        "country_of_origin": kw.pop("origin", "CN" if direction == "import" else "US"),
        "parties": {"consignee": CONSIGNEE, **(parties or {})},
        "lines": list(lines),
        **kw,
    }


def line(hts: str, *tiers: dict[str, Any], n: int = 1, origin: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"line_number": n, "hts_code": hts, "supply_chain": list(tiers)}
    if origin:
        out["country_of_origin"] = origin
    return out


def tier(n: int, name: str, role: str = "supplier", **address: str) -> dict[str, Any]:
    out: dict[str, Any] = {"tier": n, "name": name, "role": role}
    reg = address.pop("registration_id", None)
    if reg:
        out["registration_id"] = reg
    if address:
        out["address"] = address
    return out


@dataclass
class Row:
    id: str
    entry: dict[str, Any]
    decision: str
    must: set[str] = field(default_factory=set)
    must_not: set[str] = field(default_factory=set)


ROWS = [
    # --- HOLD ------------------------------------------------------------------------------------
    Row(
        "uflpa entity as manufacturer",
        entry(
            line("6204.62.4011", SHANGHAI_TIER),
            parties={"manufacturer": {"name": "Hetian Taida Apparel Co., Ltd"}},
        ),
        "HOLD",
        {"UFLPA_ENTITY"},
    ),
    Row(
        "uflpa alias at tier 3",
        entry(line("6704.19.0000", SHANGHAI_TIER, tier(3, "Hotan Haolin Hair Accessories", "hair supplier"))),
        "HOLD",
        {"UFLPA_ENTITY"},
    ),
    Row(
        "uflpa entity deep in the chain (tier 4)",
        entry(
            line(
                "5208.12.4020",
                SHANGHAI_TIER,
                tier(4, "Xinjiang Junggar Cotton and Linen Co., Ltd.", "ginner"),
            )
        ),
        "HOLD",
        {"UFLPA_ENTITY"},
    ),
    Row(
        "WRO entity, goods in scope (hair products)",
        entry(
            line("6704.19.0000", SHANGHAI_TIER),
            parties={"manufacturer": {"name": "Lop County Hair Product Industrial Park"}},
        ),
        "HOLD",
        {"WRO_ENTITY"},
    ),
    Row(
        "WRO on all products covers laptops",
        entry(
            line("8471.30.0100", SHANGHAI_TIER),
            parties={"seller": {"name": "Lop County No. 4 Vocational Skills Education and Training Center"}},
        ),
        "HOLD",
        {"WRO_ENTITY"},
        {"WRO_ENTITY_OTHER_GOODS"},
    ),
    Row(
        "region-wide WRO: tomato paste made in Changji (Chinese characters)",
        entry(
            line("2002.90.8010"),
            parties={
                "manufacturer": {
                    "name": "Tianshan Red Fruit Foods Co., Ltd.",
                    "address": {"street": "新疆维吾尔自治区昌吉市北京南路88号", "country": "CN"},
                }
            },
        ),
        "HOLD",
        {"WRO_REGION", "XINJIANG_SUPPLY_CHAIN"},
    ),
    Row(
        "region-wide WRO: cotton yarn from a spinner in Akesu (pinyin)",
        entry(
            line(
                "5205.12.1000",
                SHANGHAI_TIER,
                tier(3, "Golden Sands Yarn Co.", "spinner", city="Akesu", country="CN"),
            )
        ),
        "HOLD",
        {"WRO_REGION", "XINJIANG_SUPPLY_CHAIN"},
    ),
    Row(
        "UFLPA presumption: polysilicon tier in Shihezi (XPCC city), not a region-wide WRO good",
        entry(
            line(
                "8541.43.0010",
                tier(1, "Jiangsu Bright Cells Co.", "cell maker", city="Wuxi", country="CN"),
                tier(3, "Tianfu Silicon Materials Co.", "polysilicon", city="Shihezi", country="CN"),
            )
        ),
        "HOLD",
        {"XINJIANG_SUPPLY_CHAIN"},
        {"WRO_REGION"},
    ),
    Row(
        "UFLPA presumption: tier address in Chinese characters (Moyu county, Hotan)",
        entry(
            line(
                "6704.19.0000",
                SHANGHAI_TIER,
                tier(
                    3,
                    "Moyu Hair Goods Cooperative",
                    "hair supplier",
                    street="新疆和田地区墨玉县团结路5号",
                    country="CN",
                ),
            )
        ),
        "HOLD",
        {"XINJIANG_SUPPLY_CHAIN"},
    ),
    Row(
        "UFLPA presumption: only the postal code (Turpan 838000)",
        entry(
            line(
                "7601.10.6000",
                tier(
                    1,
                    "Flatrock Metals Co.",
                    "smelter",
                    street="18 Industrial Road",
                    postal_code="838000",
                    country="CN",
                ),
            )
        ),
        "HOLD",
        {"XINJIANG_SUPPLY_CHAIN"},
    ),
    Row(
        "UFLPA presumption: USCC with division 65 on a tier that gives a Shanghai address",
        entry(
            line(
                "2804.61.0000",
                tier(
                    2,
                    "Sunrise Quartz Co.",
                    "quartzite",
                    city="Shanghai",
                    country="CN",
                    registration_id="91650100MA7761234N",
                ),
            )
        ),
        "HOLD",
        {"XINJIANG_SUPPLY_CHAIN"},
    ),
    Row(
        "SDN by name (Xinjiang Public Security Bureau as seller)",
        entry(
            line("8525.89.3000", SHANGHAI_TIER),
            parties={"seller": {"name": "Xinjiang Public Security Bureau"}},
        ),
        "HOLD",
        {"SDN_MATCH"},
    ),
    Row(
        "SDN by USCC under another name",
        entry(
            line("8481.80.9050", SHANGHAI_TIER),
            parties={"seller": {"name": "Sanjiang Hardware Trading", "registration_id": "91420112711981060J"}},
        ),
        "HOLD",
        {"SDN_MATCH"},
    ),
    Row(
        "export to the BIS Entity List",
        entry(
            line("8542.31.0000", origin="US"),
            direction="export",
            parties={"consignee": {"name": "China Aerospace Science and Technology Corporation"}},
        ),
        "HOLD",
        {"EXPORT_ENTITY_LIST"},
    ),
    Row(
        "export to a Military End-User",
        entry(
            line("8411.91.9090", origin="US"),
            direction="export",
            parties={"consignee": {"name": "AECC Aviation Power Co. Ltd."}},
        ),
        "HOLD",
        {"EXPORT_MEU"},
    ),
    Row(
        "export to a denied person",
        entry(
            line("8543.70.9860", origin="US"),
            direction="export",
            parties={"consignee": {"name": "Fang Liwu"}},
        ),
        "HOLD",
        {"EXPORT_DENIED_PERSON"},
    ),
    Row(
        "export to an SDN",
        entry(line("8481.80.9050", origin="US"), direction="export", parties={"consignee": {"name": "WSIEC"}}),
        "HOLD",
        {"SDN_MATCH"},
    ),
    # --- REVIEW ----------------------------------------------------------------------------------
    Row(
        "name match below the hold threshold",
        entry(line("5208.12.4020", SHANGHAI_TIER), parties={"seller": {"name": "Junggar Cotton and Linen"}}),
        "REVIEW",
        {"NAME_MATCH_REVIEW"},
        {"UFLPA_ENTITY"},
    ),
    Row(
        "high-priority sector from China, no tiers",
        entry(
            line("6205.20.2016"),
            parties={
                "manufacturer": {
                    "name": "Pearl River Garments Co., Ltd.",
                    "address": {"street": "18 Huangpu Avenue", "city": "Guangzhou", "country": "CN"},
                }
            },
        ),
        "REVIEW",
        {"HIGH_PRIORITY_SECTOR_UNTRACED"},
    ),
    Row(
        "steel from China, no tiers, filed after steel was added (2025-08-19)",
        entry(line("7208.51.0030"), filed_at="2025-09-02T08:00:00Z"),
        "REVIEW",
        {"HIGH_PRIORITY_SECTOR_UNTRACED"},
    ),
    Row(
        "MID that disagrees with its manufacturer",
        entry(
            line("6205.20.2016", SHANGHAI_TIER),
            parties={
                "manufacturer": {
                    "name": "Pearl River Garments Co., Ltd.",
                    "address": {"street": "18 Huangpu Avenue", "city": "Guangzhou", "country": "CN"},
                    "mid": "CNPEAGAR18SHA",
                }
            },
        ),
        "REVIEW",
        {"MID_MISMATCH"},
    ),
    Row(
        "MID of a listed entity (derived from the CSL address of A.C. International)",
        entry(
            line("9403.60.8081", SHANGHAI_TIER),
            parties={
                "manufacturer": {
                    "name": "AC Interiors Ltd",
                    "address": {
                        "street": "Room 1104, No. 445 Dongfeng Middle Road",
                        "city": "Guangzhou",
                        "country": "CN",
                    },
                }
            },
        ),
        "REVIEW",
        {"MID_LISTED"},
        {"MID_MISMATCH"},
    ),
    Row(
        "weak region evidence: Aksu with no country",
        entry(line("5205.12.1000", tier(2, "Golden Sands Yarn Co.", "spinner", city="Aksu"))),
        "REVIEW",
        {"REGION_WEAK"},
        {"XINJIANG_SUPPLY_CHAIN", "WRO_REGION"},
    ),
    Row(
        "WRO entity on hair products, goods are laptops: not a hold",
        entry(
            line("8471.30.0100", SHANGHAI_TIER),
            parties={"manufacturer": {"name": "Lop County Meixin Hair Product Co. Ltd."}},
        ),
        "REVIEW",
        {"WRO_ENTITY_OTHER_GOODS"},
        {"WRO_ENTITY"},
    ),
    Row(
        "WRO entity, no HTS code on the line",
        entry(
            {"line_number": 1, "supply_chain": [SHANGHAI_TIER]},
            parties={"seller": {"name": "Lop County Meixin Hair Product Co., Ltd."}},
        ),
        "REVIEW",
        {"WRO_SCOPE_UNKNOWN"},
        {"WRO_ENTITY"},
    ),
    Row(
        "non-SDN sanctions list (CMIC)",
        entry(
            line("8525.89.3000", SHANGHAI_TIER),
            parties={"manufacturer": {"name": "Hangzhou Hikvision Digital Technology Co., Ltd."}},
        ),
        "REVIEW",
        {"SANCTIONS_MATCH"},
        {"SDN_MATCH"},
    ),
    Row(
        "BIS Entity List party on an import is reviewed, not held",
        entry(
            line("8542.31.0000", SHANGHAI_TIER),
            parties={"seller": {"name": "China Aerospace Science and Technology Corporation"}},
        ),
        "REVIEW",
        {"SANCTIONS_MATCH"},
        {"EXPORT_ENTITY_LIST"},
    ),
    Row(
        "export to the Unverified List",
        entry(
            line("8504.40.9580", origin="US"),
            direction="export",
            parties={"consignee": {"name": "Xinjiang East Hope New Energy Company Ltd."}},
        ),
        "REVIEW",
        {"EXPORT_UNVERIFIED_LIST"},
    ),
    # --- CLEAR -----------------------------------------------------------------------------------
    Row(
        "company on Xinjiang Road in Shanghai",
        entry(
            line("6204.62.4011", SHANGHAI_TIER),
            parties={
                "manufacturer": {
                    "name": "Huangpu Fashion Co., Ltd.",
                    "address": {
                        "street": "No. 100 Xinjiang Road",
                        "city": "Shanghai",
                        "postal_code": "200070",
                        "country": "CN",
                    },
                }
            },
        ),
        "CLEAR",
    ),
    Row(
        "company on 新疆路 and 乌鲁木齐中路 in Shanghai (Chinese characters)",
        entry(
            line(
                "6204.62.4011",
                tier(2, "上海织造有限公司", "weaver", street="上海市乌鲁木齐中路200号", country="CN"),
            ),
            parties={
                "manufacturer": {
                    "name": "上海服饰有限公司",
                    "address": {"street": "上海市新疆路100号", "country": "CN"},
                }
            },
        ),
        "CLEAR",
    ),
    Row(
        "cotton from India (Ranchi postal code 834001 looks like Xinjiang's 83xxxx)",
        entry(
            line("5201.00.1800", origin="IN"),
            origin="IN",
            parties={
                "manufacturer": {
                    "name": "Jharkhand Cotton Mills Pvt. Ltd.",
                    "address": {
                        "street": "Plot 7, Tupudana Industrial Area",
                        "city": "Ranchi",
                        "province": "Jharkhand",
                        "postal_code": "834001",
                        "country": "IN",
                    },
                }
            },
        ),
        "CLEAR",
    ),
    Row(
        "a name that only shares the word Xinjiang",
        entry(
            line("6204.62.4011", SHANGHAI_TIER),
            parties={
                "seller": {
                    "name": "Xinjiang Kitchen LLC",
                    "address": {
                        "street": "88 Main Street",
                        "city": "Flushing",
                        "province": "NY",
                        "country": "US",
                    },
                }
            },
        ),
        "CLEAR",
    ),
    Row(
        "cotton shirts from China traced to mills outside Xinjiang, MID correct",
        entry(
            line(
                "6205.20.2016",
                SHANGHAI_TIER,
                tier(3, "Jiangsu Cotton Spinning Co.", "spinner", city="Nantong", country="CN"),
            ),
            parties={
                "manufacturer": {
                    "name": "Pearl River Garments Co., Ltd.",
                    "mid": "CNPEARIV18GUA",
                    "address": {"street": "18 Huangpu Avenue", "city": "Guangzhou", "country": "CN"},
                }
            },
        ),
        "CLEAR",
    ),
    Row(
        "steel from China, no tiers, filed before steel was a high-priority sector",
        entry(line("7208.51.0030"), filed_at="2025-06-30T08:00:00Z"),
        "CLEAR",
    ),
    Row(
        "Aksu in Kazakhstan",
        entry(
            line("5205.12.1000", tier(2, "Aksu Ferroalloy Plant", "supplier", city="Aksu", country="KZ")),
            origin="KZ",
        ),
        "CLEAR",
    ),
    Row(
        "export to an unlisted party",
        entry(
            line("8481.80.9050", origin="US"),
            direction="export",
            parties={
                "consignee": {
                    "name": "Nanjing Valve Distribution Co.",
                    "address": {"city": "Nanjing", "country": "CN"},
                }
            },
        ),
        "CLEAR",
    ),
    Row(
        "forced-labour lists and region rules are import rules: an export to Urumqi is not held for them",
        entry(
            line("8481.80.9050", origin="US"),
            direction="export",
            parties={
                "consignee": {
                    "name": "Hetian Taida Apparel Co., Ltd",
                    "address": {"city": "Urumqi", "country": "CN"},
                }
            },
        ),
        "CLEAR",
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_scenario(row: Row) -> None:
    decision = screen_entry(parse_entry(row.entry), CTX)
    codes = {r.code for r in decision.reasons}
    detail = [r.to_json() for r in decision.reasons]
    assert decision.decision == row.decision, detail
    assert row.must <= codes, detail
    assert not (row.must_not & codes), detail
    if row.decision == "CLEAR":
        assert not decision.reasons, detail


def test_every_reason_carries_code_rule_role_tier_evidence_and_list_version() -> None:
    e = entry(
        line(
            "5208.12.4020",
            SHANGHAI_TIER,
            tier(4, "Xinjiang Junggar Cotton and Linen Co., Ltd.", "ginner", city="Changji", country="CN"),
        )
    )
    decision = screen_entry(parse_entry(e), CTX)
    by_code = {r.code: r for r in decision.reasons}
    listed = by_code["UFLPA_ENTITY"]
    assert (listed.party_role, listed.line_number, listed.tier) == ("ginner", 1, 4)
    assert (listed.rule_id, listed.rule_version) == ("R-UFLPA-ENTITY", "1")
    assert (listed.list, listed.list_version, listed.entity_id) == (
        "UFLPA Entity List",
        "2025-01-15",
        "uflpa:xinjiang-junggar",
    )
    region = by_code["XINJIANG_SUPPLY_CHAIN"]
    assert (region.party_role, region.tier, region.list, region.list_version) == (
        "ginner",
        4,
        "xinjiang-places",
        "1",
    )
    assert region.evidence["signals"][0]["value"] == "changji"
    assert by_code["WRO_REGION"].evidence["effective"] == "2021-01-13"
    for r in decision.reasons:
        assert r.rule_id and r.rule_version and r.list_version and isinstance(r.evidence, dict)
    assert decision.list_versions["rules:decision-rules"] == "1"
    assert decision.list_versions["uflpa"] == "2025-01-15"


def test_same_entry_same_alert_id() -> None:
    e = parse_entry(entry(line("6704.19.0000", SHANGHAI_TIER, tier(3, "Hotan Haolin Hair Accessories"))))
    assert screen_entry(e, CTX).alert_id == screen_entry(e, CTX).alert_id


def test_existing_callers_keep_working() -> None:
    """ScreeningContext(index) and from_entities(entities, versions) still build a context with the rules."""
    bare = ScreeningContext(NameIndex([]))
    e = parse_entry(
        entry(line("5205.12.1000", tier(2, "Golden Sands Yarn Co.", "spinner", city="Kashgar", country="CN")))
    )
    assert screen_entry(e, bare).decision == "HOLD"
    ctx = ScreeningContext.from_entities(entities(), LIST_VERSIONS)
    assert ctx.facts.by_mid and ctx.facts.by_identifier
