"""FollowTheMoney entity JSON lines (the OpenSanctions export format): mapping of a small fixture in the
export's shape (tests/data/opensanctions-sample.ftm.json: real OFAC SDN/non-SDN parties, one made-up
related person), recognition by content, refusals that name the line, and a large file read as a stream."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from screening.lists import ftm
from screening.lists.common import ListFormatError
from screening.lists.loader import load

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "opensanctions-sample.ftm.json"


def _line(**kw: Any) -> bytes:
    obj = {"id": "x-1", "schema": "Person", "properties": {"name": ["Jane Example"]}, **kw}
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode()


def test_fixture_mapping() -> None:
    snap = ftm.parse(FIXTURE.read_bytes())
    assert snap.source == "opensanctions" and snap.published == "2025-06-02"
    assert snap.version == f"2025-06-02-{snap.checksum[:8]}"
    assert snap.warnings == (
        "FollowTheMoney entities: 4 line(s) not screened: Sanction 1, Address 1, not a target 1, Ownership 1",
    )
    by_id = {e.id: e for e in snap.entities}
    assert len(by_id) == 9
    assert {k: e.entity_type for k, e in by_id.items()} == {
        "opensanctions:ofac-29299": "organization",
        "opensanctions:ofac-29300": "person",
        "opensanctions:ofac-29319": "person",
        "opensanctions:ofac-31492": "person",
        "opensanctions:NK-hikvision": "organization",
        "opensanctions:ofac-15036": "vessel",
        "opensanctions:ofac-4243": "vessel",
        "opensanctions:ofac-15431": "aircraft",
        "opensanctions:ofac-yas-air": "unknown",
    }
    xpcc = by_id["opensanctions:ofac-29299"]
    assert [(n.value, n.strength, n.kind) for n in xpcc.names] == [
        ("XINJIANG PRODUCTION AND CONSTRUCTION CORPS", "primary", None),
        ("新疆生产建设兵团", "strong", "name"),
        ("XPCC", "strong", "aka"),
        ("Bingtuan", "strong", "aka"),
    ]
    assert xpcc.programs == ("us_ofac_sdn", "GLOMAG") and xpcc.flags == ("topic:sanction",)
    assert xpcc.effective_date == "2020-07-31" and xpcc.countries == ("CN",)
    assert [a.text for a in xpcc.addresses] == ["Urumqi, Xinjiang, China"]
    assert xpcc.list_version == snap.version and xpcc.status == "active"
    peng = by_id["opensanctions:ofac-29319"]
    assert [(n.value, n.strength) for n in peng.names] == [
        ("PENG, Jiarui", "primary"),
        ("彭家瑞", "strong"),
        ("Peng", "weak"),
    ]
    assert peng.remarks == "born 1961-04"
    assert peng.dates_of_birth == ("1961-04",)
    wang = by_id["opensanctions:ofac-31492"]
    assert wang.programs == ("us_ofac_sdn", "gb_hmt_sanctions", "eu_fsf", "ca_dfatd_sema_sanctions")
    assert wang.countries == ("CN",)  # nationality and citizenship, once
    hik = by_id["opensanctions:NK-hikvision"]
    assert [n.value for n in hik.names] == ["Hangzhou Hikvision Digital Technology Co., Ltd.", "Hikvision", "HIK"]
    assert hik.identifiers == (("uscc", "91330000733796106P"),)
    assert hik.flags == ("topic:sanction", "topic:export.control")
    artavil = by_id["opensanctions:ofac-15036"]
    assert artavil.identifiers == (("imo", "9187629"), ("mmsi", "572469210"))  # "IMO9187629" as the number
    assert [(n.value, n.strength, n.kind) for n in artavil.names] == [
        ("ARTAVIL", "primary", None),
        ("ALPHA", "weak", "fka"),
    ]
    assert artavil.countries == ("IR",)  # the flag; past flags are not countries of the vessel
    assert by_id["opensanctions:ofac-4243"].identifiers == (("imo", "7406784"),)
    plane = by_id["opensanctions:ofac-15431"]
    assert plane.identifiers == (("registration", "EPGOM"), ("serial", "1023409321"))  # normalised per scheme


def test_names_without_caption_and_odd_values() -> None:
    line = _line(
        properties={
            "alias": ["Johnny"],
            "name": ["John Example", 7, {"nested": True}, "  john   example ", "\x07"],
            "country": ["zz", "suhh", "DE"],
            "birthDate": ["1970"],
        }
    )
    entity = ftm.parse(line).entities[0]
    assert [(n.value, n.strength) for n in entity.names] == [("John Example", "primary"), ("Johnny", "strong")]
    assert entity.countries == ("DE",) and entity.remarks == "born 1970"
    only_alias = ftm.parse(_line(properties={"alias": ["Only Alias"]})).entities[0]
    assert only_alias.primary_name == "Only Alias"


def test_repeated_ids_and_nameless_parties() -> None:
    data = _line() + _line(properties={"name": ["Other"]}) + _line(id="x-2", properties={"country": ["de"]})
    snap = ftm.parse(data)
    assert [e.primary_name for e in snap.entities] == ["Jane Example"]
    assert any("line 2 repeats id 'x-1'" in w for w in snap.warnings)
    assert any("no name 1" in w for w in snap.warnings)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"not json\n", "line 1 is not JSON"),
        (_line() + b'{"id": "x-2", "schema": "Person", "prop', "line 2 is not JSON.*truncated"),
        (_line() + b"[1, 2]\n", "line 2 is not a JSON object"),
        (b'{"schema": "Person", "properties": {}}\n', "no string 'id'"),
        (b'{"id": "a", "schema": "Person", "properties": []}\n', "lacks a 'schema' string or a 'properties'"),
        (_line(properties={"name": "Jane"}), "property 'name' is not a list"),
        (_line(schema="Sanction"), "no person, company"),
        (_line(target=False), "no person, company"),
        (b"\xff\xfe\x00garbage\n", "not JSON"),
    ],
)
def test_bad_files_are_refused(data: bytes, match: str) -> None:
    with pytest.raises(ListFormatError, match=match):
        ftm.parse(data)


@pytest.mark.parametrize("name", ["entities.ftm.json", "export.json", "download"])
def test_loader_recognises_json_lines_by_content(tmp_path: Path, name: str) -> None:
    shutil.copy(FIXTURE, tmp_path / name)
    result = load([tmp_path])
    assert result.errors == [] and result.skipped == []
    assert [(s.source, len(s.entities), s.published) for s in result.snapshots] == [("opensanctions", 9, "2025-06-02")]


def test_loader_reports_a_broken_export(tmp_path: Path) -> None:
    (tmp_path / "entities.ftm.json").write_bytes(FIXTURE.read_bytes()[:-40])
    result = load([tmp_path])
    assert [(e.source, "not JSON" in e.message) for e in result.errors] == [("opensanctions", True)]


def test_a_large_export_is_read_line_by_line(tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "entities.ftm.json"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            schema = ("Person", "Company", "Vessel", "Address")[i % 4]
            props: dict[str, list[str]] = {"name": [f"Party {i}"], "alias": [f"P{i}"], "country": ["ru"]}
            if schema == "Vessel":
                props["imoNumber"] = [f"IMO{9000000 + i}"]
            f.write(json.dumps({"id": f"e-{i}", "schema": schema, "properties": props, "datasets": ["d"]}) + "\n")
    snap = ftm.parse_path(path)
    assert len(snap.entities) == n * 3 // 4
    assert snap.entities[-1].identifiers == (("imo", str(9000000 + n - 2)),)
    assert snap.published is None and snap.version.startswith("sha-")
    assert snap.warnings == (f"FollowTheMoney entities: {n // 4:,} line(s) not screened: Address {n // 4:,}",)


def test_stream_limits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(_line() * 10)
    monkeypatch.setattr(ftm, "MAX_STREAM_BYTES", 200)
    with pytest.raises(ListFormatError, match="over the limit"):
        ftm.parse_path(path)
    monkeypatch.setattr(ftm, "MAX_STREAM_BYTES", 10_000)
    monkeypatch.setattr(ftm, "MAX_LINE_BYTES", 20)
    with pytest.raises(ListFormatError, match="a line is over 20 bytes"):
        ftm.parse_path(path)


def test_lone_surrogates_and_control_characters_are_dropped() -> None:
    from screening import entity_codec

    data = b'{"id": "x-\\ud800 1", "caption": "Jane\\udc00 Example", "schema": "Person", ' + (
        b'"properties": {"name": ["Jane\\u0007 Example"], "alias": ["J\\ud83d"]}}\n'
    )
    entity = ftm.parse(data).entities[0]
    assert entity.id == "opensanctions:x- 1" and [n.value for n in entity.names] == ["Jane Example", "J"]
    assert entity_codec.loads(entity_codec.dumps(entity)) == entity
