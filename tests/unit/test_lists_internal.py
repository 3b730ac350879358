"""A company's own list (docs/list-formats.md): the example file, the header and comment lines, refusals
that name the line, recognition by the header, and a match on it in a decision."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.entry import parse_entry
from screening.lists import internal
from screening.lists.common import ListFormatError
from screening.lists.loader import load
from screening.screen import ScreeningContext, screen_entry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "examples" / "internal-list.csv"
HEADER = "name,aliases,type,country,identifiers,program,note\n"


def test_example_file() -> None:
    snap = internal.parse(EXAMPLE.read_bytes())
    assert (snap.source, snap.published, snap.warnings) == ("acme_denied", "2026-01-05", ())
    assert snap.version == f"2026-01-05-{snap.checksum[:8]}"
    assert len(snap.entities) == 5 and len({e.id for e in snap.entities}) == 5
    first = snap.entities[0]
    assert first.id == "acme_denied:shenzhen-brightway-components-co-ltd"
    assert first.list_name == "ACME internal denied parties" and first.entity_type == "organization"
    assert [(n.value, n.strength) for n in first.names] == [
        ("Shenzhen Brightway Components Co. Ltd.", "primary"),
        ("Brightway Components", "strong"),
        ("Shenzhen Brightway", "strong"),
    ]
    assert first.identifiers == (("uscc", "91440300MA5EXAMPL7"), ("mid", "CNSHEBRI88SHE"))
    assert first.countries == ("CN",) and first.programs == ("QUALITY",)
    assert first.remarks == "Counterfeit capacitors found in 2025 audit"
    types = {e.primary_name: e.entity_type for e in snap.entities}
    assert types["Marco Example Rossi"] == "person" and types["Ocean Example Star"] == "vessel"
    kashgar = snap.entities[1]
    assert kashgar.countries == ("CN",)  # written "China"
    assert [n.value for n in kashgar.names[1:]] == ["Golden Thread Textile", "Kashi Jinxian Fangzhi"]
    assert snap.entities[-1].countries == ("US", "MX")


def test_defaults_without_comments_and_with_only_some_columns() -> None:
    snap = internal.parse(b"name,country\nAcme Ltd,GB\nBolt GmbH,\n", published="2026-02-01")
    assert snap.source == "internal" and snap.published == "2026-02-01"
    assert [(e.id, e.list_name, e.entity_type, e.countries) for e in snap.entities] == [
        ("internal:acme-ltd", "Internal list", "unknown", ("GB",)),
        ("internal:bolt-gmbh", "Internal list", "unknown", ()),
    ]
    only_names = internal.parse(b"name\r\nAcme Ltd\r\n")
    assert [e.primary_name for e in only_names.entities] == ["Acme Ltd"]
    assert only_names.version.startswith("sha-")


def test_repeated_name_is_kept_and_warned() -> None:
    snap = internal.parse((HEADER + "Acme Ltd,,,,,,\nACME LTD,,,,,,\n").encode())
    assert [e.id for e in snap.entities] == ["internal:acme-ltd", "internal:acme-ltd-3"]
    assert "line 3 repeats" in snap.warnings[0]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("# source: x\n", "no header"),
        (HEADER, "no rows"),
        ("aliases,name\nA,B\n", "must start with 'name'"),
        ("name,alias\nA,B\n", r"unknown column\(s\) \['alias'\]"),
        ("name,note,note\nA,B,C\n", "more than once"),
        (HEADER + "Acme,,company,,,,\n", "line 2: type 'company' is not one of"),
        (HEADER + ",Acme,,,,,\n", "line 2 has no name"),
        (HEADER + "Acme,,,Narnia,,,\n", "line 2: country 'Narnia'"),
        (HEADER + "Acme,,,,91440300MA5EXAMPL7,,\n", "line 2: identifier '91440300MA5EXAMPL7' is not 'scheme:value'"),
        (HEADER + "Acme,,,\n", "line 2 has 4 columns, expected 7"),
        ("# source: uflpa\n" + HEADER + "Acme,,,,,,\n", "is the id of a published list"),
        ("# source: My List!\n" + HEADER + "Acme,,,,,,\n", "not a source id"),
        ("# published: soon\n" + HEADER + "Acme,,,,,,\n", "not a date"),
        (HEADER + '"Acme, (cut off\n', "truncated"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(text: str, match: str) -> None:
    with pytest.raises(ListFormatError, match=match):
        internal.parse(text.encode())


def test_comment_lines_are_counted_in_line_numbers() -> None:
    with pytest.raises(ListFormatError, match="line 4: type"):
        internal.parse(("# source: acme\n# list: ACME\n" + HEADER + "Acme,,shop,,,,\n").encode())


@pytest.mark.parametrize("name", ["internal-list.csv", "denied (3).csv", "parties.txt"])
def test_loader_recognises_the_header(tmp_path: Path, name: str) -> None:
    shutil.copy(EXAMPLE, tmp_path / name)
    result = load([tmp_path])
    assert result.errors == [] and result.skipped == []
    assert [(s.source, len(s.entities)) for s in result.snapshots] == [("acme_denied", 5)]


def test_loader_reports_a_refused_internal_list(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text(HEADER + "Acme,,shop,,,,\n")
    result = load([tmp_path])
    assert [(e.source, "type 'shop'" in e.message) for e in result.errors] == [("internal", True)]


def test_two_internal_lists_with_their_own_sources_are_both_live(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("# source: buyers_block\n" + HEADER + "Acme Ltd,,,,,,\n")
    (tmp_path / "b.csv").write_text("# source: finance_block\n" + HEADER + "Bolt GmbH,,,,,,\n")
    assert sorted(s.source for s in load([tmp_path]).live) == ["buyers_block", "finance_block"]


def test_a_match_on_an_internal_list_is_reviewed_and_its_mid_is_matched() -> None:
    snap = internal.parse(EXAMPLE.read_bytes())
    ctx = ScreeningContext.from_entities(snap.entities, {snap.source: snap.version})
    entry = {
        "entry_number": "EW-T-INTERNAL",
        "filed_at": "2026-02-01T09:00:00Z",
        "direction": "import",
        "country_of_origin": "CN",
        "parties": {
            "manufacturer": {
                "name": "Shenzhen Brightway Components Co., Ltd.",
                "address": {"street": "88 Keji Road", "city": "Shenzhen", "country": "CN"},
            }
        },
        "lines": [
            {
                "line_number": 1,
                "hts_code": "8532.24.0020",
                "supply_chain": [{"tier": 1, "name": "Dongguan Sample Plastics Co.", "address": {"country": "CN"}}],
            }
        ],
    }
    decision = screen_entry(parse_entry(entry), ctx)
    codes = {r.code: r for r in decision.reasons}
    assert decision.decision == "REVIEW"
    assert codes["LIST_MATCH"].entity_id == "acme_denied:shenzhen-brightway-components-co-ltd"
    assert codes["LIST_MATCH"].list == "ACME internal denied parties"
    assert codes["MID_LISTED"].evidence["mid"] == "CNSHEBRI88SHE"


def test_a_large_internal_list() -> None:
    n = 50_000
    rows = "".join(f"Firm {i} Trading Co. Ltd.,F{i};Firm {i},organization,CN,uscc:91{i:016d},DENY,\n" for i in range(n))
    snap = internal.parse((HEADER + rows).encode())
    assert len(snap.entities) == n
    last = snap.entities[-1]
    assert last.identifiers == (("uscc", f"91{n - 1:016d}"),) and len(last.names) == 3


def test_the_format_document_shows_lines_of_the_example_file() -> None:
    doc = (ROOT / "docs" / "list-formats.md").read_text(encoding="utf-8")
    block = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    example = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert block.splitlines() and all(line in example for line in block.splitlines())
    for column in internal.COLUMNS:
        assert f"| `{column}` |" in doc
