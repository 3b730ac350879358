"""Load the versioned rule data files into one immutable :class:`RuleSet`.

Files are named ``<id>.v<version>.json`` under ``screening/rules/data/`` (packaged with the wheel). For
each id the highest version present is used unless a version is pinned. A malformed file raises
:class:`RuleDataError` at load time, never half-way through screening an entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from screening.rules.mid import MidRules
from screening.rules.products import ProductRules
from screening.rules.region import PlaceRules, RuleDataError

__all__ = [
    "DecisionRules",
    "ReasonRule",
    "RuleDataError",
    "RuleSet",
    "default_rules",
    "load_rules",
    "rule_file_versions",
]

_FILE = re.compile(r"^(?P<id>[a-z0-9-]+)\.v(?P<version>\d+)\.json$")
RULE_FILES = ("xinjiang-places", "hts-sectors", "mid-rules", "decision-rules")
Direction = Literal["import", "export"]


@dataclass(frozen=True, slots=True)
class ReasonRule:
    code: str
    decision: Literal["HOLD", "REVIEW", "CLEAR"]
    rule_id: str
    version: str
    directions: tuple[str, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class ListRule:
    sources: tuple[str, ...]
    list_name_prefixes: tuple[str, ...]
    codes: Mapping[str, str | None]  # direction -> reason code, None: the list does not apply


@dataclass(frozen=True, slots=True)
class DecisionRules:
    id: str
    version: str
    reasons: Mapping[str, ReasonRule]
    list_rules: tuple[ListRule, ...]
    fallback_list_code: str
    region_strong: str
    region_weak: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DecisionRules:
        try:
            reasons: dict[str, ReasonRule] = {}
            for code, r in data["reasons"].items():
                if not re.fullmatch(r"[A-Z][A-Z0-9_]*", code):
                    raise RuleDataError(f"reason code {code!r} is not UPPER_SNAKE")
                if r["decision"] not in ("HOLD", "REVIEW", "CLEAR"):
                    raise RuleDataError(f"{code}: unknown decision {r['decision']!r}")
                reasons[code] = ReasonRule(
                    code, r["decision"], r["rule_id"], str(r["version"]), tuple(r["directions"]), r["summary"]
                )
            list_rules = tuple(
                ListRule(
                    tuple(lr["sources"]),
                    tuple(lr.get("list_name_prefixes", ())),
                    {"import": lr["import"], "export": lr["export"]},
                )
                for lr in data["list_rules"]
            )
            out = cls(
                data["id"],
                str(data["version"]),
                reasons,
                list_rules,
                data["fallback_list_code"],
                data["region"]["strong"],
                data["region"]["weak"],
            )
        except (KeyError, TypeError) as exc:
            raise RuleDataError(f"decision rules file: {exc!r}") from exc
        used = {out.fallback_list_code, out.region_strong, out.region_weak}
        used.update(c for lr in out.list_rules for c in lr.codes.values() if c)
        missing = sorted(used - set(reasons))
        if missing:
            raise RuleDataError(f"decision rules use undefined reason codes: {missing}")
        return out

    def rule(self, code: str) -> ReasonRule:
        return self.reasons[code]

    def list_code(self, source: str, list_name: str, direction: str) -> str | None:
        """The reason code a strong match on this list calls for in this direction (None: not applicable)."""
        for lr in self.list_rules:
            if source not in lr.sources:
                continue
            if lr.list_name_prefixes and not list_name.startswith(lr.list_name_prefixes):
                continue
            return lr.codes.get(direction)
        return self.fallback_list_code


@dataclass(frozen=True, slots=True)
class RuleSet:
    places: PlaceRules
    products: ProductRules
    mid: MidRules
    decisions: DecisionRules
    files: Mapping[str, str] = field(default_factory=dict)  # rule file id -> version

    def versions(self) -> dict[str, str]:
        """``rules:<file id>`` -> version, for the decision's list_versions."""
        return {f"rules:{k}": v for k, v in sorted(self.files.items())}


def _read_dir(directory: Path | None) -> dict[str, dict[str, str]]:
    """file id -> version -> text."""
    found: dict[str, dict[str, str]] = {}
    if directory is None:
        root = resources.files("screening.rules") / "data"
        entries = [(e.name, e.read_text(encoding="utf-8")) for e in root.iterdir() if _FILE.match(e.name)]
    else:
        entries = [(p.name, p.read_text(encoding="utf-8")) for p in directory.iterdir() if _FILE.match(p.name)]
    for name, text in entries:
        m = _FILE.match(name)
        assert m is not None
        found.setdefault(m.group("id"), {})[m.group("version")] = text
    return found


def rule_file_versions(file_id: str, directory: Path | None = None) -> dict[str, str]:
    """Version -> text of every version of one rule file (the packaged ones unless ``directory``)."""
    return _read_dir(directory).get(file_id, {})


def load_rules(directory: Path | None = None, pins: Mapping[str, str] | None = None) -> RuleSet:
    """Load every rule file (newest version of each, or the pinned one)."""
    found = _read_dir(directory)
    chosen: dict[str, dict[str, Any]] = {}
    versions: dict[str, str] = {}
    for file_id in RULE_FILES:
        available = found.get(file_id, {})
        if not available:
            raise RuleDataError(f"rule file {file_id}.v*.json not found")
        version = (pins or {}).get(file_id) or max(available, key=int)
        if version not in available:
            raise RuleDataError(f"rule file {file_id}.v{version}.json not found")
        try:
            data = json.loads(available[version])
        except json.JSONDecodeError as exc:
            raise RuleDataError(f"{file_id}.v{version}.json: {exc}") from exc
        if data.get("id") != file_id or str(data.get("version")) != version:
            raise RuleDataError(f"{file_id}.v{version}.json declares id/version {data.get('id')}/{data.get('version')}")
        chosen[file_id] = data
        versions[file_id] = version
    return RuleSet(
        places=PlaceRules.from_json(chosen["xinjiang-places"]),
        products=ProductRules.from_json(chosen["hts-sectors"]),
        mid=MidRules.from_json(chosen["mid-rules"]),
        decisions=DecisionRules.from_json(chosen["decision-rules"]),
        files=versions,
    )


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The packaged rule files, loaded once per process."""
    return load_rules()
