"""Every list file in the data folder parses, with entity counts equal to the files' own row counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screening.lists import bis_dpl, cbp_names, cbp_wro, csl, ofac_cons, ofac_sdn, uflpa, un_sc
from screening.lists.common import ListFormatError
from tests.conftest import FIXTURE_LISTS

REPO_LISTS = Path(__file__).resolve().parents[2] / "data" / "lists"
DATA = REPO_LISTS if REPO_LISTS.is_dir() else Path("/work/shared/data/lists")


def _ofac(folder: str, files: tuple[str, ...]) -> list[bytes | None]:
    return [(DATA / "ofac" / folder / f).read_bytes() if (DATA / "ofac" / folder / f).exists() else None for f in files]


def _ids_unique(snap: object) -> None:
    ids = [e.id for e in snap.entities]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("folder", "primaries", "persons", "aliases_kept", "orphan_alias_nums"),
    [("sdn-2022-01-31", 9044, 4643, 12409, 0), ("sdn-2024-05-03", 14965, 6854, 19486 - 1468, 945)],
)
def test_ofac_sdn_counts(folder: str, primaries: int, persons: int, aliases_kept: int, orphan_alias_nums: int) -> None:
    sdn, alt, add, comments = _ofac(folder, ofac_sdn.FILES)
    assert sdn is not None
    snap = ofac_sdn.parse(sdn, alt, add, comments, published=folder[4:])
    assert len(snap.entities) == primaries
    assert snap.published == folder[4:]
    _ids_unique(snap)
    types = Counter(e.entity_type for e in snap.entities)
    assert types["person"] == persons
    alias_names = [n for e in snap.entities for n in e.names if n.kind in ("aka", "fka", "nka")]
    assert len(alias_names) == aliases_kept
    orphan = [w for w in snap.warnings if "alias ent_num" in w]
    if orphan_alias_nums:
        assert orphan and orphan[0].split(": ", 1)[1].startswith(f"{orphan_alias_nums} alias ent_num(s)")
    else:
        assert not orphan


def test_ofac_sdn_mapping_details() -> None:
    sdn, alt, add, _ = _ofac("sdn-2022-01-31", ofac_sdn.FILES)
    assert sdn is not None
    snap = ofac_sdn.parse(sdn, alt, add)
    by_id = {e.id: e for e in snap.entities}
    bnc = by_id["ofac_sdn:306"]
    assert bnc.primary_name == "BANCO NACIONAL DE CUBA"
    assert ("NATIONAL BANK OF CUBA", "strong", "aka") in [(n.value, n.strength, n.kind) for n in bnc.names]
    assert ("BNC", "weak", "weak_aka") in [(n.value, n.strength, n.kind) for n in bnc.names]  # from remarks
    assert bnc.programs == ("CUBA",) and bnc.countries == ("CH", "ES", "JP", "PA")
    assert bnc.entity_type == "organization"
    assert all(n.strength == "weak" for e in snap.entities for n in e.names if n.kind in ("fka", "nka"))
    # ent_num 2677 appears twice in this download: both rows kept, the second under a suffixed id
    assert by_id["ofac_sdn:2677-dup2"].primary_name == "HAMER AND NAIL CONSTRUCTION LIMITED"
    assert any("2677" in w for w in snap.warnings)
    # persons keep OFAC's "LAST, First" order
    assert by_id["ofac_sdn:2677"].primary_name == "AL-ZOMOR, Abboud Abdul Latif Hassan"


def test_ofac_cons_counts_and_comments() -> None:
    prim, alt, add, comments = _ofac("non-sdn-2025-12-19", ofac_cons.FILES)
    assert prim is not None
    snap = ofac_cons.parse(prim, alt, add, comments)
    assert len(snap.entities) == 442
    assert snap.warnings == ()
    assert sum(1 for e in snap.entities for n in e.names if n.kind in ("aka", "fka")) == 1073
    bank = {e.id: e for e in snap.entities}["ofac_cons:17014"]
    assert bank.remarks is not None and "Registration Number 1027700342890" in bank.remarks  # comment appended
    assert ("registration", "1027700342890") in bank.identifiers
    cmic = [e for e in snap.entities if "CMIC-EO13959" in e.programs]
    assert len(cmic) == 68 and any(k == "uscc" for e in cmic for k, _ in e.identifiers)


def test_csl_2023_refused_as_truncated_unless_allowed() -> None:
    data = (FIXTURE_LISTS / "csl" / "consolidated-2023-11-30-partial.csv").read_bytes()
    with pytest.raises(ListFormatError, match="truncated"):
        csl.parse(data)
    snap = csl.parse(data, allow_truncated=True)
    assert len(snap.entities) == 4227  # 4,226 complete rows + the cut-off last one; header line twice
    _ids_unique(snap)
    lists = Counter(e.list_name for e in snap.entities)
    assert lists["Entity List (EL) - Bureau of Industry and Security"] == 919
    assert lists["Specially Designated Nationals (SDN) - Treasury Department"] == 1738
    last = snap.entities[-1]
    assert last.flags == ("truncated_record",) and last.primary_name == "BERMUDEZ SUAZA, Pedro Antonio"
    telecom = next(e for e in snap.entities if e.primary_name == "China Telecom Corporation Limited")
    assert ("uscc", "9111000071093019X7") in telecom.identifiers
    assert telecom.id == "csl:cmic:30882" and telecom.countries == ("CN",)
    assert EntityNameValues(telecom) >= {"CHINA TELECOM", "CHINA TELECOM CO., LTD"}


def EntityNameValues(entity: object) -> set[str]:
    return {n.value for n in entity.names}  # type: ignore[attr-defined]


def test_csl_2025_sample() -> None:
    snap = csl.parse((DATA / "csl" / "consolidated-2025-06-25-sample.csv").read_bytes())
    assert len(snap.entities) == 13
    _ids_unique(snap)
    isn = snap.entities[0]
    assert isn.primary_name == "Sinobright Import and Export Company"
    assert "includes_subsidiaries" in isn.flags and isn.effective_date == "2023-07-19"
    el = next(e for e in snap.entities if e.list_name.startswith("Entity List (EL)"))
    assert "CETC Research Institute 13" in EntityNameValues(el)  # written "; and CETC Research Institute 13"
    dpl = next(e for e in snap.entities if e.primary_name == "I. ASH")
    assert dpl.end_date == "2056-06-29"


def test_bis_dpl() -> None:
    snap = bis_dpl.parse((DATA / "bis" / "dpl-2023-11-30.txt").read_bytes())
    assert len(snap.entities) == 665
    _ids_unique(snap)
    ash = snap.entities[0]
    assert ash.primary_name == "I. ASH" and ash.countries == ("US",)  # country blank, state TX
    assert ash.effective_date == "2003-06-19" and ash.end_date == "2056-06-29"
    sun = next(e for e in snap.entities if e.primary_name == "FUYI SUN")
    assert [n.value for n in sun.names] == ["FUYI SUN", "FRANK SUN"]


def test_un_sc() -> None:
    snap = un_sc.parse((DATA / "un" / "un_sc_consolidated_2026-02-27.xml").read_bytes())
    types = Counter(e.entity_type for e in snap.entities)
    assert types == {"person": 730, "organization": 273}
    assert snap.published == "2026-02-27"
    _ids_unique(snap)
    kinds = Counter(n.kind for e in snap.entities for n in e.names)
    assert kinds["low_quality_aka"] == 615  # QUALITY Low -> weak
    assert all(n.strength == "weak" for e in snap.entities for n in e.names if n.kind in ("low_quality_aka", "fka"))
    adf = {e.id: e for e in snap.entities}["un_sc:CDe.001"]
    assert ("Allied Democratic Forces", "strong") in [(n.value, n.strength) for n in adf.names]
    assert ("NALU", "weak") in [(n.value, n.strength) for n in adf.names]


def test_cbp_wro_excerpt() -> None:
    snap = cbp_wro.parse((DATA / "cbp" / "wro-findings-excerpt.csv").read_bytes())
    by_id = {e.id: e for e in snap.entities}
    assert len(snap.entities) == 16  # 10 rows; one names 5 included firms, one names 2 firms
    region = by_id["cbp_wro:xinjiang-uyghur-autonomous-region"]
    assert region.entity_type == "region" and region.flags == ("region_wide",)
    assert region.product_scope == ("Cotton and cotton products", "tomatoes and tomato products")
    assert region.effective_date == "2021-01-13" and region.status == "active" and region.in_force
    assert by_id["cbp_wro:lop-county-no-4-vocational-skills-education-and-training-center"].product_scope == ()
    assert snap.published == "2021-06-24"


def test_cbp_wro_names_table_is_its_own_source() -> None:
    snap = cbp_names.parse((DATA / "cbp" / "wro-findings-entity-names.csv").read_bytes())
    assert snap.source == "cbp_wro_names"
    assert len(snap.entities) == 80  # 83 rows, 3 repeat a name already listed
    assert all(e.id.startswith("cbp_wro_names:") for e in snap.entities)


def test_uflpa_excerpt() -> None:
    snap = uflpa.parse((DATA / "uflpa" / "uflpa-entity-list-excerpt.csv").read_bytes())
    assert len(snap.entities) == 28
    assert snap.published == "2025-01-15" and snap.warnings == ()
    _ids_unique(snap)
