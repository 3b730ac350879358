"""The rule data files: they load, they are versioned, a broken file is refused at load, and every
reason code is documented with an example that the code really produces."""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path

import pytest

from screening.rules.ruleset import RULE_FILES, RuleDataError, default_rules, load_rules
from tests import rule_examples as examples

DATA = Path(__file__).resolve().parents[2] / "screening" / "rules" / "data"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_packaged_files_load_with_their_versions() -> None:
    rules = default_rules()
    assert rules.versions() == {f"rules:{f}": "1" for f in sorted(RULE_FILES)}


def test_every_file_cites_sources() -> None:
    for path in DATA.glob("*.v*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["sources"], path.name
        assert data["updated"], path.name


def _copy(tmp_path: Path) -> Path:
    for p in DATA.glob("*.json"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


def test_newest_version_wins_and_pins_are_honoured(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    v2 = json.loads((d / "decision-rules.v1.json").read_text(encoding="utf-8"))
    v2["version"] = "2"
    v2["reasons"]["REGION_WEAK"]["decision"] = "HOLD"
    (d / "decision-rules.v2.json").write_text(json.dumps(v2), encoding="utf-8")
    assert load_rules(d).decisions.rule("REGION_WEAK").decision == "HOLD"
    pinned = load_rules(d, pins={"decision-rules": "1"})
    assert pinned.decisions.rule("REGION_WEAK").decision == "REVIEW"
    assert pinned.files["decision-rules"] == "1"


@pytest.mark.parametrize(
    ("file", "breakage", "message"),
    [
        ("decision-rules", lambda d: d["reasons"].pop("SDN_MATCH"), "undefined reason codes"),
        ("decision-rules", lambda d: d["reasons"]["SDN_MATCH"].update(decision="BLOCK"), "unknown decision"),
        ("hts-sectors", lambda d: d["high_priority_sectors"][0].update(added="June 2022"), "not ISO"),
        ("hts-sectors", lambda d: d["high_priority_sectors"][0].update(source="nowhere"), "not described"),
        ("hts-sectors", lambda d: d["high_priority_sectors"][0]["hts"].append("61x"), "HTS prefix"),
        (
            "xinjiang-places",
            lambda d: d["postal_code"]["examples"].update(Shanghai="200000"),
            "postal code example",
        ),
        ("xinjiang-places", lambda d: d["places"][0].update(ambiguity="maybe"), "unknown ambiguity"),
        ("xinjiang-places", lambda d: d.update(version="7"), "declares id/version"),
        ("mid-rules", lambda d: d["canada_provinces"].update(ON=["Ontario"]), "province code"),
    ],
)
def test_a_broken_file_is_refused(tmp_path: Path, file: str, breakage: object, message: str) -> None:
    d = _copy(tmp_path)
    path = d / f"{file}.v1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    breakage(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RuleDataError, match=message):
        load_rules(d)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "mid-rules.v1.json").unlink()
    with pytest.raises(RuleDataError, match="mid-rules"):
        load_rules(d)


@pytest.mark.parametrize("code", list(default_rules().decisions.reasons))
def test_every_reason_code_has_an_example_that_produces_it(code: str) -> None:
    result = examples.run_example(code)
    reason = result["reason"]
    assert reason is not None, result
    rule = default_rules().decisions.rule(code)
    assert (reason["decision"], reason["rule_id"], reason["rule_version"]) == (
        rule.decision,
        rule.rule_id,
        rule.version,
    )
    assert reason["list_version"]  # every reason names the version of the list or rule file it used


def test_reason_codes_doc_is_generated_from_the_examples() -> None:
    gen = runpy.run_path(str(DOCS.parent / "scripts" / "gen_reason_codes.py"))
    text = (DOCS / "reason-codes.md").read_text(encoding="utf-8")
    assert gen["BEGIN"] in text and gen["END"] in text
    generated = text[text.index(gen["BEGIN"]) : text.index(gen["END"]) + len(gen["END"])]
    for code in default_rules().decisions.reasons:
        assert f"### `{code}`" in generated
        assert f'"code": "{code}"' in generated
    assert gen["render"](text) == text, "run scripts/gen_reason_codes.py"


def test_rules_doc_describes_every_rule_file() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for file_id in RULE_FILES:
        assert f"{file_id}.v1.json" in text


def test_example_decisions_follow_the_hold_alert_schema() -> None:
    import jsonschema

    from screening.entry import parse_entry
    from screening.screen import ScreeningContext, screen_entry

    schema = json.loads((DOCS.parent / "schemas" / "hold-alert.v1.json").read_text(encoding="utf-8"))
    ctx = ScreeningContext.from_entities([*examples.entities(), examples.UNKNOWN_SOURCE], examples.LIST_VERSIONS)
    for _title, raw in examples.EXAMPLES.values():
        jsonschema.validate(screen_entry(parse_entry(raw), ctx).to_json("2026-02-28T00:00:00Z"), schema)
