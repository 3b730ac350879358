"""Loader: recognition of every format, OFAC grouping, newest-is-live, per-file errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from screening.lists.loader import date_in_path, load, load_paths
from tests.conftest import FIXTURE_LISTS

REPO_LISTS = Path(__file__).resolve().parents[2] / "data" / "lists"
DATA = REPO_LISTS if REPO_LISTS.is_dir() else Path("/work/shared/data/lists")


def test_bundled_data_loads_with_no_refusal() -> None:
    result = load([DATA])
    assert result.errors == []
    assert result.skipped == []  # the folder's README is passed over, not reported


def test_a_named_file_that_is_no_list_is_reported() -> None:
    result = load([DATA / "README.md"])
    assert [Path(s.path).name for s in result.skipped] == ["README.md"]


def test_whole_data_folder_and_fixtures() -> None:
    result = load([DATA, FIXTURE_LISTS], allow_truncated=True)
    assert result.errors == []
    counts = sorted((s.source, s.published or "", len(s.entities)) for s in result.snapshots)
    assert counts == [
        ("bis_dpl", "2023-11-30", 665),
        ("cbp_wro", "2021-06-24", 16),
        ("cbp_wro_names", "", 80),
        ("csl", "2023-11-30", 4227),
        ("csl", "2025-06-25", 13),
        ("ofac_cons", "2025-12-19", 442),
        ("ofac_sdn", "2022-01-31", 9044),
        ("ofac_sdn", "2024-05-03", 14965),
        ("uflpa", "2025-01-15", 28),
        ("un_sc", "2026-02-27", 1003),
    ]
    live = {s.source: s.published for s in result.live}
    assert live["ofac_sdn"] == "2024-05-03" and live["csl"] == "2025-06-25"
    assert len(live) == 8
    assert result.skipped == []


def test_truncated_csl_is_an_error_by_default_and_others_still_load() -> None:
    result = load([DATA, FIXTURE_LISTS])
    assert [(Path(e.path).name, e.source) for e in result.errors] == [("consolidated-2023-11-30-partial.csv", "csl")]
    assert "truncated" in result.errors[0].message
    assert {s.source for s in result.live} == {
        "bis_dpl",
        "cbp_wro",
        "cbp_wro_names",
        "csl",
        "ofac_cons",
        "ofac_sdn",
        "uflpa",
        "un_sc",
    }


def test_load_paths_keeps_its_signature_and_reports_refusals(tmp_path: Path) -> None:
    shutil.copy(DATA / "uflpa" / "uflpa-entity-list-excerpt.csv", tmp_path / "uflpa.csv")
    (tmp_path / "broken.csv").write_bytes(b'Name of Entity,Effective Date\n"Acme (and one alias: Ac')
    (tmp_path / "notes.txt").write_text("hello")
    snapshots, skipped = load_paths([tmp_path])
    assert [(s.source, len(s.entities)) for s in snapshots] == [("uflpa", 28)]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["notes.txt"] == "format not recognised"
    assert reasons["broken.csv"].startswith("refused (uflpa): ") and "truncated" in reasons["broken.csv"]


def test_ofac_directory_is_one_snapshot_and_newest_wins(tmp_path: Path) -> None:
    for name in ("sdn-2022-01-31", "sdn-2024-05-03"):
        shutil.copytree(DATA / "ofac" / name, tmp_path / "ofac" / name)
    result = load([tmp_path])
    assert sorted(len(s.entities) for s in result.snapshots) == [9044, 14965]
    assert [(s.source, s.published) for s in result.live] == [("ofac_sdn", "2024-05-03")]


def test_ofac_alias_table_without_primary_is_an_error(tmp_path: Path) -> None:
    shutil.copy(DATA / "ofac" / "sdn-2022-01-31" / "alt.csv", tmp_path / "alt.csv")
    result = load([tmp_path])
    assert result.snapshots == []
    assert [e.source for e in result.errors] == ["ofac_sdn"] and "without sdn.csv" in result.errors[0].message


def test_single_files_and_binary_garbage(tmp_path: Path) -> None:
    (tmp_path / "garbage.bin").write_bytes(bytes(range(256)))
    result = load([DATA / "un" / "un_sc_consolidated_2026-02-27.xml", tmp_path / "garbage.bin"])
    assert [s.source for s in result.snapshots] == ["un_sc"]
    assert [Path(s.path).name for s in result.skipped] == ["garbage.bin"]


def test_date_in_path() -> None:
    assert date_in_path(Path("ofac/sdn-2024-05-03/sdn.csv")) == "2024-05-03"
    assert date_in_path(Path("bis/dpl-2023-11-30.txt")) == "2023-11-30"
    assert date_in_path(Path("cbp/wro-findings-entity-names.csv")) is None
