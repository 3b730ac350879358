"""Case tables for the alias grammar of the UFLPA Entity List and the entity text of CBP's WRO table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.lists import uflpa
from screening.lists.wro_text import parse_entity_text, split_parties

UFLPA_CASES = [
    # (published cell, primary, [(alias, strength, kind)], flags)
    ("Khotan Jiade Hair Product Co. Ltd.", "Khotan Jiade Hair Product Co. Ltd.", [], []),
    (
        "Changji Esquel Textile Co. Ltd. (and three aliases: Changji Yida Textile; Changji Esquel; and Changji Yida)",
        "Changji Esquel Textile Co. Ltd.",
        [
            ("Changji Yida Textile", "strong", "aka"),
            ("Changji Esquel", "strong", "aka"),
            ("Changji Yida", "strong", "aka"),
        ],
        [],
    ),
    (
        "Xinjiang Daqo New Energy, Co. Ltd (including one alias: Xinjiang Great New Energy Co., Ltd.)",
        "Xinjiang Daqo New Energy, Co. Ltd",
        [("Xinjiang Great New Energy Co., Ltd.", "strong", "aka")],
        [],
    ),
    (
        "Hongyuan Green Energy Co., Ltd. (also known as HY Solar; and Hoyuan Green Energy Co. Ltd., "
        "and formerly known as Wuxi Shangji CNC Co., Ltd.; Wuxi Shangji Automation Co., Ltd.; "
        "and Wuxi Shangji Grinding Machine Co., Ltd.)",
        "Hongyuan Green Energy Co., Ltd.",
        [
            ("HY Solar", "strong", "aka"),
            ("Hoyuan Green Energy Co. Ltd.", "strong", "aka"),
            ("Wuxi Shangji CNC Co., Ltd.", "weak", "fka"),
            ("Wuxi Shangji Automation Co., Ltd.", "weak", "fka"),
            ("Wuxi Shangji Grinding Machine Co., Ltd.", "weak", "fka"),
        ],
        [],
    ),
    (
        "Esquel Group (also known as Esquel China Holdings Limited)",
        "Esquel Group",
        [("Esquel China Holdings Limited", "strong", "aka")],
        [],
    ),
    (
        "Hoshine Silicon Industry (Shanshan) Co., Ltd (including subsidiaries)",
        "Hoshine Silicon Industry (Shanshan) Co., Ltd",
        [],
        ["includes_subsidiaries"],
    ),
    (
        "Xinjiang Production and Construction Corps (including three aliases: XPCC; Xinjiang Corps; "
        "and Bingtuan) and its subordinate and affiliated entities",
        "Xinjiang Production and Construction Corps",
        [("XPCC", "strong", "aka"), ("Xinjiang Corps", "strong", "aka"), ("Bingtuan", "strong", "aka")],
        ["subordinate_and_affiliated"],
    ),
    ("Foo Ltd. (formerly known as Bar Ltd.)", "Foo Ltd.", [("Bar Ltd.", "weak", "fka")], []),
    ("Foo Ltd. (and one alias: Foo (Group) Ltd.)", "Foo Ltd.", [("Foo (Group) Ltd.", "strong", "aka")], []),
    (
        "No. 4 Vocational Skills Education Training Center (VSETC)",
        "No. 4 Vocational Skills Education Training Center (VSETC)",
        [
            ("VSETC", "strong", "acronym"),
            ("No. 4 Vocational Skills Education Training Center", "strong", "aka"),
        ],
        [],
    ),
]


@pytest.mark.parametrize(("text", "primary", "aliases", "flags"), UFLPA_CASES)
def test_uflpa_alias_grammar(text: str, primary: str, aliases: list[tuple[str, str, str]], flags: list[str]) -> None:
    got_primary, got_aliases, got_flags = uflpa.parse_name(text)
    assert got_primary == primary
    assert [(a.value, a.strength, a.kind) for a in got_aliases] == aliases
    assert got_flags == flags


def test_uflpa_alias_count_mismatch_is_warned() -> None:
    data = b'Name of Entity,Effective Date\n"Bar Ltd. (and three aliases: A; and B)","June 21, 2022"\n'
    snap = uflpa.parse(data)
    assert [n.value for n in snap.entities[0].names] == ["Bar Ltd.", "A", "B"]
    assert any("three alias(es) stated, 2 found" in w for w in snap.warnings)


WRO_CASES = [
    # (entity cell, [(primary, [other names], entity_type, flags)])
    (
        "Lop County Meixin Hair Product Co. Ltd.",
        [("Lop County Meixin Hair Product Co. Ltd.", [], "organization", ())],
    ),
    (
        "Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding LYSZD Trade and Business Co., Ltd.",
        [
            ("Yili Zhuowan Garment Manufacturing Co., Ltd.", [], "organization", ()),
            ("Baoding LYSZD Trade and Business Co., Ltd.", [], "organization", ()),
        ],
    ),
    (
        "Xinjiang Junggar Cotton and Linen Co., Ltd.",
        [("Xinjiang Junggar Cotton and Linen Co., Ltd.", [], "organization", ())],
    ),
    (
        "Xinjiang Production and Construction Corps (XPCC) a/k/a Xinjiang Corps and Bingtuan",
        [
            (
                "Xinjiang Production and Construction Corps (XPCC)",
                ["XPCC", "Xinjiang Production and Construction Corps", "Xinjiang Corps", "Bingtuan"],
                "organization",
                (),
            )
        ],
    ),
    (
        "Xinjiang Uyghur Autonomous Region (region-wide)",
        [("Xinjiang Uyghur Autonomous Region", [], "region", ("region_wide",))],
    ),
    (
        "Hoshine Silicon Industry Co. Ltd. and Subsidiaries",
        [("Hoshine Silicon Industry Co. Ltd.", [], "organization", ("includes_subsidiaries",))],
    ),
    (
        "Hero Vast Group (including Shanghai Hero Vast International Trading Co., Ltd.; "
        "Henan Hero Vast Garment Co., Ltd.; and Hero Vast Canada Inc.)",
        [
            ("Hero Vast Group", [], "organization", ("includes_named_parties",)),
            ("Shanghai Hero Vast International Trading Co., Ltd.", [], "organization", ("named_in_order",)),
            ("Henan Hero Vast Garment Co., Ltd.", [], "organization", ("named_in_order",)),
            ("Hero Vast Canada Inc.", [], "organization", ("named_in_order",)),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), WRO_CASES)
def test_wro_entity_text(text: str, expected: list[tuple[str, list[str], str, tuple[str, ...]]]) -> None:
    parties = parse_entity_text(text)
    got = [(p.names[0].value, [n.value for n in p.names[1:]], p.entity_type, p.flags) for p in parties]
    assert got == expected
    assert all(p.names[0].strength == "primary" for p in parties)


# Words of a firm's name; a legal-form word ("CO and A Co., Ltd.") genuinely reads as two firms, so none here.
_LEGAL_WORDS = {"co", "corp", "inc", "ltd", "llc", "limited", "company", "plc", "gmbh", "ag", "sa", "jsc"}
_word = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=8).filter(
    lambda w: w.casefold() not in _LEGAL_WORDS
)


@given(st.lists(_word, min_size=1, max_size=4), st.sampled_from(["Co., Ltd.", "Limited", "Inc."]))
def test_wro_single_firm_is_never_split(words: list[str], suffix: str) -> None:
    name = " and ".join(words) + " " + suffix
    assert split_parties(name) == [name]


@given(st.lists(_word, min_size=1, max_size=4), st.lists(_word, min_size=1, max_size=4))
def test_wro_two_firms_split_after_firm_suffix(left: list[str], right: list[str]) -> None:
    a, b = " ".join(left) + " Co., Ltd.", "Z" + " ".join(right) + " Co., Ltd."
    assert split_parties(f"{a} and {b}") == [a, b]


@given(st.text(max_size=300))
def test_uflpa_parse_name_total(text: str) -> None:
    primary, aliases, flags = uflpa.parse_name(text)
    assert isinstance(primary, str)
    assert all(a.strength in ("strong", "weak") and a.value for a in aliases)
    assert set(flags) <= {"includes_subsidiaries", "subordinate_and_affiliated"}
