"""The DHS UFLPA Entity List page (HTML): every prose pattern of the entity cells, a whole page in the
published layout (tests/data/uflpa-entity-list.html), its version and date, recognition by content, and
refusal of pages that are not the list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.entities import NAMED_SUBSIDIARY, ListSnapshot, listed_as
from screening.entry import parse_entry
from screening.lists import uflpa, uflpa_html
from screening.lists.common import MAX_FIELD_CHARS, ListFormatError
from screening.lists.loader import load, recognise
from screening.lists.uflpa_text import parse_listing
from screening.screen import ScreeningContext, screen_entry

PAGE = Path(__file__).resolve().parents[1] / "data" / "uflpa-entity-list.html"

NINESTAR = (
    "Ninestar Corporation and its eight Zhuhai-based subsidiaries, which include Zhuhai Ninestar Information "
    "Technology Co., Ltd.; Zhuhai Pantum Electronics Co., Ltd.; Zhuhai Apex Microelectronics Co., Ltd.; Geehy "
    "Semiconductor Co., Ltd.; Zhuhai Pu-Tech Industrial Co., Ltd.; Zhuhai Seine Printing Technology Co., Ltd.; "
    "Zhuhai Ninestar Management Co., Ltd.; and Zhuhai Ninestar Technology Co., Ltd."
)
NINESTAR_SUBSIDIARIES = [
    "Zhuhai Ninestar Information Technology Co., Ltd.",
    "Zhuhai Pantum Electronics Co., Ltd.",
    "Zhuhai Apex Microelectronics Co., Ltd.",
    "Geehy Semiconductor Co., Ltd.",
    "Zhuhai Pu-Tech Industrial Co., Ltd.",
    "Zhuhai Seine Printing Technology Co., Ltd.",
    "Zhuhai Ninestar Management Co., Ltd.",
    "Zhuhai Ninestar Technology Co., Ltd.",
]

Alias = tuple[str, str, str | None]
Subsidiary = tuple[str, list[Alias]]

# (cell as published, primary, [(alias, strength, kind)], flags, [(subsidiary, its aliases)], problems)
CASES: list[tuple[str, str, list[Alias], list[str], list[Subsidiary], list[str]]] = [
    ("Khotan Jiade Hair Product Co. Ltd.", "Khotan Jiade Hair Product Co. Ltd.", [], [], [], []),
    (
        "Xinjiang Daqo New Energy, Co. Ltd (including one alias: Xinjiang Great New Energy Co., Ltd.)",
        "Xinjiang Daqo New Energy, Co. Ltd",
        [("Xinjiang Great New Energy Co., Ltd.", "strong", "aka")],
        [],
        [],
        [],
    ),
    (
        "Changji Esquel Textile Co. Ltd. (and three aliases: Changji Yida Textile; Changji Esquel; and Changji Yida)",
        "Changji Esquel Textile Co. Ltd.",
        [
            ("Changji Yida Textile", "strong", "aka"),
            ("Changji Esquel", "strong", "aka"),
            ("Changji Yida", "strong", "aka"),
        ],
        [],
        [],
        [],
    ),
    (  # two aliases joined by "and" after a complete firm name
        "Korla Sample Textile Co., Ltd. (including two aliases: Korla Sample Spinning Co. and Bayingol Sample Mill)",
        "Korla Sample Textile Co., Ltd.",
        [("Korla Sample Spinning Co.", "strong", "aka"), ("Bayingol Sample Mill", "strong", "aka")],
        [],
        [],
        [],
    ),
    (  # ... and after a name that does not end like a firm: the stated count decides
        "Aksu Huafu Textiles Co. (including two aliases: Akesu Huafu Textiles and Aksu Huafu Dyed Melange Yarn)",
        "Aksu Huafu Textiles Co.",
        [("Akesu Huafu Textiles", "strong", "aka"), ("Aksu Huafu Dyed Melange Yarn", "strong", "aka")],
        [],
        [],
        [],
    ),
    (
        "Hongyuan Green Energy Co., Ltd. (also known as HY Solar; and Hoyuan Green Energy Co. Ltd., and formerly "
        "known as Wuxi Shangji CNC Co., Ltd.; Wuxi Shangji Automation Co., Ltd.; and Wuxi Shangji Grinding "
        "Machine Co., Ltd.)",
        "Hongyuan Green Energy Co., Ltd.",
        [
            ("HY Solar", "strong", "aka"),
            ("Hoyuan Green Energy Co. Ltd.", "strong", "aka"),
            ("Wuxi Shangji CNC Co., Ltd.", "weak", "fka"),
            ("Wuxi Shangji Automation Co., Ltd.", "weak", "fka"),
            ("Wuxi Shangji Grinding Machine Co., Ltd.", "weak", "fka"),
        ],
        [],
        [],
        [],
    ),
    ("Foo Ltd. (formerly known as Bar Ltd.)", "Foo Ltd.", [("Bar Ltd.", "weak", "fka")], [], [], []),
    (
        "Hoshine Silicon Industry Co., Ltd. and Subsidiaries",
        "Hoshine Silicon Industry Co., Ltd.",
        [],
        ["includes_subsidiaries"],
        [],
        [],
    ),
    (
        "Korla Sample Textile Co., Ltd., and Subsidiaries",
        "Korla Sample Textile Co., Ltd.",
        [],
        ["includes_subsidiaries"],
        [],
        [],
    ),
    (
        "Hoshine Silicon Industry (Shanshan) Co., Ltd (including subsidiaries)",
        "Hoshine Silicon Industry (Shanshan) Co., Ltd",
        [],
        ["includes_subsidiaries"],
        [],
        [],
    ),
    (
        "Xinjiang Production and Construction Corps (including three aliases: XPCC; Xinjiang Corps; and Bingtuan) "
        "and its subordinate and affiliated entities",
        "Xinjiang Production and Construction Corps",
        [("XPCC", "strong", "aka"), ("Xinjiang Corps", "strong", "aka"), ("Bingtuan", "strong", "aka")],
        ["subordinate_and_affiliated"],
        [],
        [],
    ),
    (
        "Xinjiang Lantian Cotton Industry Co., Ltd. and its subsidiary Aral Lantian Ginning Co., Ltd.",
        "Xinjiang Lantian Cotton Industry Co., Ltd.",
        [],
        [],
        [("Aral Lantian Ginning Co., Ltd.", [])],
        [],
    ),
    (  # aliases on both the parent and its subsidiary
        "Sample Holding Co., Ltd. (also known as Sample Group) and its subsidiary Sample Cotton Co., Ltd. "
        "(including one alias: Sample Ginning)",
        "Sample Holding Co., Ltd.",
        [("Sample Group", "strong", "aka")],
        [],
        [("Sample Cotton Co., Ltd.", [("Sample Ginning", "strong", "aka")])],
        [],
    ),
    (NINESTAR, "Ninestar Corporation", [], [], [(s, []) for s in NINESTAR_SUBSIDIARIES], []),
    (
        "Sample Corp. and its three subsidiaries: Alpha Co., Ltd.; and Beta Co., Ltd.",
        "Sample Corp.",
        [],
        [],
        [("Alpha Co., Ltd.", []), ("Beta Co., Ltd.", [])],
        ["three subsidiaries stated, 2 found"],
    ),
    (
        "Bar Ltd. (and three aliases: A; and B)",
        "Bar Ltd.",
        [("A", "strong", "aka"), ("B", "strong", "aka")],
        [],
        [],
        ["three alias(es) stated, 2 found"],
    ),
    (
        "No. 4 Vocational Skills Education Training Center (VSETC)",
        "No. 4 Vocational Skills Education Training Center (VSETC)",
        [
            ("VSETC", "strong", "acronym"),
            ("No. 4 Vocational Skills Education Training Center", "strong", "aka"),
        ],
        [],
        [],
        [],
    ),
    (  # a firm whose own name has "and" in it is never split
        "Xinjiang Junggar Cotton and Linen Co., Ltd.",
        "Xinjiang Junggar Cotton and Linen Co., Ltd.",
        [],
        [],
        [],
        [],
    ),
]


@pytest.mark.parametrize(("text", "primary", "aliases", "flags", "subsidiaries", "problems"), CASES)
def test_name_patterns(
    text: str,
    primary: str,
    aliases: list[Alias],
    flags: list[str],
    subsidiaries: list[Subsidiary],
    problems: list[str],
) -> None:
    listing = parse_listing(text)
    assert listing.primary == primary
    assert [(a.value, a.strength, a.kind) for a in listing.aliases] == aliases
    assert list(listing.flags) == flags
    assert [(s.primary, [(a.value, a.strength, a.kind) for a in s.aliases]) for s in listing.subsidiaries] == (
        subsidiaries
    )
    assert list(listing.problems) == problems


def test_the_csv_excerpt_and_the_page_share_the_grammar() -> None:
    """The same cell gives the same entities from the CSV excerpt as from the page (bar the page's section)."""
    csv = f'Name of Entity,Effective Date\n"{NINESTAR}","June 9, 2023"\n'.encode()
    from_csv = uflpa.parse(csv).entities
    from_page = [e for e in uflpa_html.parse(PAGE.read_bytes()).entities if "ninestar" in e.id or e.parent_id]
    from_page = [e for e in from_page if e.parent_id in (None, "uflpa:ninestar-corporation")]
    assert [(e.id, e.names, e.flags, e.parent_id) for e in from_csv] == [
        (e.id, e.names, e.flags, e.parent_id) for e in from_page
    ]
    assert all(e.section is None for e in from_csv)


# --- the whole page -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snap() -> ListSnapshot:
    return uflpa_html.parse(PAGE.read_bytes())


def test_page_entities_sections_and_dates(snap: ListSnapshot) -> None:
    assert snap.source == "uflpa" and snap.warnings == ()
    assert len(snap.entities) == 23  # 14 rows; Ninestar names 8 subsidiaries, Xinjiang Lantian 1
    assert len({e.id for e in snap.entities}) == 23
    by_section: dict[str | None, list[str]] = {}
    for e in snap.entities:
        by_section.setdefault(e.section, []).append(e.primary_name)
    assert {k: len(v) for k, v in by_section.items()} == {
        "2(d)(2)(B)(i)": 5,
        "2(d)(2)(B)(ii)": 11,
        "2(d)(2)(B)(iv)": 5,
        "2(d)(2)(B)(v)": 2,
    }
    assert by_section["2(d)(2)(B)(i)"] == [
        "Baoding LYSZD Trade and Business Co., Ltd.",  # written with &nbsp;
        "Changji Esquel Textile Co. Ltd.",
        "Xinjiang Daqo New Energy, Co. Ltd",
        "Hoshine Silicon Industry Co., Ltd.",
        "No. 4 Vocational Skills Education Training Center (VSETC)",
    ]
    by_id = {e.id: e for e in snap.entities}
    baoding = by_id["uflpa:baoding-lyszd-trade-and-business-co-ltd"]
    assert baoding.effective_date == "2022-06-21" and baoding.programs == ("UFLPA",) and baoding.countries == ("CN",)
    korla = by_id["uflpa:korla-h-y-textile-co-ltd"]
    assert korla.primary_name == "Korla H&Y Textile Co., Ltd." and korla.flags == ("includes_subsidiaries",)
    assert korla.effective_date == "2024-11-01" and korla.section == "2(d)(2)(B)(iv)"
    bitland = by_id["uflpa:hefei-bitland-information-technology-co-ltd"]  # a cell of two <p>
    assert [n.value for n in bitland.names[1:]] == [
        "Anhui Hefei Baolongda Information Technology",
        "Hefei Baolongda Information Technology Co. Ltd.",
        "Hefei Bitland Optoelectronic Technology Co. Ltd.",
    ]
    hongyuan = by_id["uflpa:hongyuan-green-energy-co-ltd"]
    assert next((n.value, n.strength) for n in hongyuan.names if n.kind == "fka") == (
        "Wuxi Shangji CNC Co., Ltd.",
        "weak",
    )
    assert hongyuan.effective_date == "2025-01-15"
    xpcc = by_id["uflpa:xinjiang-production-and-construction-corps"]
    assert xpcc.flags == ("subordinate_and_affiliated",) and xpcc.section == "2(d)(2)(B)(ii)"
    aksu = by_id["uflpa:aksu-huafu-textiles-co"]
    assert [n.value for n in aksu.names] == [
        "Aksu Huafu Textiles Co.",
        "Akesu Huafu Textiles",
        "Aksu Huafu Dyed Melange Yarn",
    ]
    assert aksu.section == "2(d)(2)(B)(v)" and aksu.effective_date == "2023-12-05"


def test_page_subsidiaries_are_linked_to_their_parent(snap: ListSnapshot) -> None:
    subs = [e for e in snap.entities if e.parent_id]
    assert [e.primary_name for e in subs] == [*NINESTAR_SUBSIDIARIES, "Aral Lantian Ginning Co., Ltd."]
    assert all(e.flags == (NAMED_SUBSIDIARY,) for e in subs)
    pantum = next(e for e in subs if e.primary_name == "Zhuhai Pantum Electronics Co., Ltd.")
    assert (pantum.parent_id, pantum.parent_name) == ("uflpa:ninestar-corporation", "Ninestar Corporation")
    assert (pantum.section, pantum.effective_date) == ("2(d)(2)(B)(ii)", "2023-06-09")
    assert pantum.remarks is not None and pantum.remarks.startswith("Ninestar Corporation and its eight")
    assert listed_as(pantum) == "subsidiary of Ninestar Corporation listed under UFLPA section 2(d)(2)(B)(ii)"
    aral = next(e for e in subs if e.primary_name.startswith("Aral"))
    assert aral.parent_id == "uflpa:xinjiang-lantian-cotton-industry-co-ltd" and aral.section == "2(d)(2)(B)(iv)"
    ninestar = next(e for e in snap.entities if e.id == "uflpa:ninestar-corporation")
    assert ninestar.parent_id is None and listed_as(ninestar) == "listed under UFLPA section 2(d)(2)(B)(ii)"


def test_page_version_date_and_sections(snap: ListSnapshot) -> None:
    # the page's "Last Updated" (2025-01-21) is later than the latest effective date (2025-01-15)
    assert snap.published == "2025-01-21"
    assert snap.version == f"2025-01-15-{snap.checksum[:8]}"
    page = uflpa_html.read(PAGE.read_bytes())
    assert page.page_date == "2025-01-21"  # not the 2030 date written inside a <script>
    assert list(page.sections) == ["2(d)(2)(B)(i)", "2(d)(2)(B)(ii)", "2(d)(2)(B)(iv)", "2(d)(2)(B)(v)"]
    assert page.sections["2(d)(2)(B)(ii)"].startswith("Entities working with the government of the Xinjiang")
    assert page.sections["2(d)(2)(B)(v)"].startswith("Facilities and entities, including the Xinjiang Production")


def test_version_follows_the_tables_not_the_page_chrome(snap: ListSnapshot) -> None:
    text = PAGE.read_text(encoding="utf-8")
    chrome = text.replace("01/21/2025", "02/03/2025").replace('<li><a href="/foia">FOIA</a></li>', "")
    again = uflpa_html.parse(chrome.encode())
    assert again.version == snap.version and again.checksum == snap.checksum and again.published == "2025-02-03"
    changed = uflpa_html.parse(text.replace("Esquel Group (also", "Esquel Holdings (also").encode())
    assert changed.version != snap.version


def test_published_without_a_page_date_is_the_latest_effective_date() -> None:
    text = PAGE.read_text(encoding="utf-8")
    undated = text.replace("Last Updated:", "Updated by the FLETF:")
    assert uflpa_html.parse(undated.encode()).published == "2025-01-15"
    stale = text.replace("01/21/2025", "01/02/2025")  # a page date before the newest listing: not used
    assert uflpa_html.parse(stale.encode()).published == "2025-01-15"
    meta = undated.replace("<head>", '<head><meta name="dcterms.modified" content="2025-01-20T10:00:00-05:00">')
    assert uflpa_html.parse(meta.encode()).published == "2025-01-20"
    reviewed = undated.replace("</main>", "<p>Page Last Reviewed: January 22, 2025</p></main>")
    assert uflpa_html.parse(reviewed.encode()).published == "2025-01-22"


def test_a_reason_names_the_parent_and_section(snap: ListSnapshot) -> None:
    ctx = ScreeningContext.from_entities(snap.entities, {"uflpa": snap.version})
    entry = {
        "entry_number": "EW-T-UFLPA-SUB",
        "filed_at": "2025-10-01T09:00:00Z",
        "direction": "import",
        "country_of_origin": "CN",
        "parties": {"manufacturer": {"name": "Zhuhai Pantum Electronics Co., Ltd.", "address": {"country": "CN"}}},
        "lines": [{"line_number": 1, "hts_code": "8443.32.1050", "supply_chain": []}],
    }
    decision = screen_entry(parse_entry(entry), ctx)
    assert decision.decision == "HOLD"
    reason = next(r for r in decision.reasons if r.code == "UFLPA_ENTITY")
    assert reason.entity_id == "uflpa:zhuhai-pantum-electronics-co-ltd"
    assert (
        reason.evidence["listed_as"] == "subsidiary of Ninestar Corporation listed under UFLPA section 2(d)(2)(B)(ii)"
    )
    assert reason.evidence["parent"] == {"entity_id": "uflpa:ninestar-corporation", "name": "Ninestar Corporation"}
    assert reason.evidence["section"] == "2(d)(2)(B)(ii)"


# --- recognition ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["uflpa-entity-list.html", "page.html", "download"])
def test_loader_recognises_the_page_by_content(tmp_path: Path, name: str) -> None:
    shutil.copy(PAGE, tmp_path / name)
    result = load([tmp_path])
    assert result.errors == [] and result.skipped == []
    assert [(s.source, len(s.entities), s.published) for s in result.snapshots] == [("uflpa", 23, "2025-01-21")]


def test_other_html_is_not_recognised(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<!DOCTYPE html><html><body><table class='usa-table'><tr><th>Name</th></tr></table></body></html>"
    )
    result = load([tmp_path])
    assert result.snapshots == [] and [s.reason for s in result.skipped] == ["format not recognised"]
    head = MINIMAL.encode()[:60]  # the start of a page: its tables come later
    assert recognise(Path("x.html"), head) is None
    assert recognise(Path("x.html"), head, MINIMAL.encode()) == ("uflpa", uflpa_html.parse)


# --- refusal --------------------------------------------------------------------------------------

MINIMAL = (
    "<!DOCTYPE html><html><body><p><strong>Entities</strong> <a href='#'>Section 2(d)(2)(B)(i)</a></p>"
    "<table class='usa-table'><tr><th>Name of Entity</th><th>Effective Date</th></tr>"
    "<tr><td>{name}</td><td>June 21, 2022</td></tr></table></body></html>"
)


def test_minimal_page_parses() -> None:
    snap = uflpa_html.parse(MINIMAL.format(name="Acme Co., Ltd.").encode())
    assert [(e.primary_name, e.section, e.effective_date) for e in snap.entities] == [
        ("Acme Co., Ltd.", "2(d)(2)(B)(i)", "2022-06-21")
    ]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"Name of Entity,Effective Date\nA,B\n", "not an HTML page"),
        (b"<!DOCTYPE html><html><body><p>Section 2(d)(2)(B)(i)</p></body></html>", "no entity table"),
        (MINIMAL.format(name="Acme").encode()[:-60], "truncated"),  # cut inside the table
        (MINIMAL.format(name="Acme").encode().replace(b"</body></html>", b""), "truncated"),  # cut after it
        (MINIMAL.format(name="").encode(), "no rows"),
        (MINIMAL.format(name="A" * (MAX_FIELD_CHARS + 1)).encode(), "over"),
        (bytes(range(256)) * 4, "binary|not text"),
    ],
    ids=["empty", "csv", "no-table", "cut-in-table", "cut-after-table", "no-rows", "huge-cell", "binary"],
)
def test_bad_pages_are_refused(data: bytes, match: str) -> None:
    with pytest.raises(ListFormatError, match=match):
        uflpa_html.parse(data)


def test_a_large_page(tmp_path: Path) -> None:
    """A page with tens of thousands of rows (the real one has a few hundred) parses in full."""
    n = 20_000
    rows = "".join(
        f"<tr><td>Sample {i} Co., Ltd. (including one alias: S{i} Trading)</td><td>June 21, 2022</td></tr>"
        for i in range(n)
    )
    page = MINIMAL.format(name="Acme Co., Ltd.").replace("</table>", rows + "</table>")
    snap = uflpa_html.parse(page.encode())
    assert len(snap.entities) == n + 1
    assert [n.value for n in snap.entities[-1].names] == [f"Sample {n - 1} Co., Ltd.", f"S{n - 1} Trading"]


def test_lists_inside_a_layout_table_and_a_table_inside_a_cell() -> None:
    inner = "<table><tr><td>Bolt</td><td>Co., Ltd.</td></tr></table>"
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html><body><table class="layout"><tr><td>'
        "<h2>Section 2(d)(2)(B)(iv)</h2>"  # the section named in plain text, not a link
        "<table class='usa-table'><tr><th>Entity Name</th><th>Effective Date</th></tr>"
        f"<tr><td>{inner}</td><td>May 17, 2024</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    snap = uflpa_html.parse(page.encode())
    assert [(e.primary_name, e.section, e.effective_date) for e in snap.entities] == [
        ("Bolt Co., Ltd.", "2(d)(2)(B)(iv)", "2024-05-17")
    ]


def test_entities_travel_through_the_store_codec(snap: ListSnapshot) -> None:
    from screening import entity_codec

    assert [entity_codec.loads(entity_codec.dumps(e)) for e in snap.entities] == list(snap.entities)


def test_a_long_alias_list_is_split_in_linear_time() -> None:
    n = 3_000  # (this took seconds when each split looked at the whole text before it)
    listing = parse_listing("Acme (also known as " + " and ".join(f"Firm {i} Co." for i in range(n)) + ")")
    assert len(listing.aliases) == n and listing.aliases[-1].value == f"Firm {n - 1} Co."
