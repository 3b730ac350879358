"""The packages import each other one way only, checked on the source with ``ast``: the domain
(``screening``) knows no store, transport or framework; the stores know the domain and Redis; the worker
plumbing and the agents never reach up into the CLI package."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

TRANSPORT = ("faust", "kafka", "aiokafka", "confluent_kafka", "mode")
PROJECT = ("screening", "stores", "streams", "agents", "entrywatch", "benchmarks", "scripts", "tests")


@dataclass(frozen=True)
class Rule:
    package: str
    forbidden: tuple[str, ...]  # top-level modules it must not import
    why: str


RULES = (
    Rule("screening", ("stores", "streams", "agents", "entrywatch", "redis", *TRANSPORT), "the domain is pure"),
    Rule(
        "stores",
        tuple(p for p in PROJECT if p not in ("screening", "stores")) + TRANSPORT,
        "the stores know only the domain, Redis and plain libraries",
    ),
    Rule(
        "streams", ("agents", "entrywatch", "benchmarks", "scripts", "tests"), "the worker plumbing sits below the CLI"
    ),
    Rule("agents", ("entrywatch", "benchmarks", "scripts", "tests"), "the agents sit below the CLI"),
)


def imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) of every import, at any depth (a function-level import counts too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def violations(rule: Rule, root: Path = ROOT) -> list[str]:
    out = []
    for path in sorted((root / rule.package).rglob("*.py")):
        for line, module in imports(ast.parse(path.read_text(), str(path))):
            if module.split(".")[0] in rule.forbidden:
                out.append(f"{path.relative_to(root)}:{line} imports {module}")
    return out


@pytest.mark.parametrize("rule", RULES, ids=[r.package for r in RULES])
def test_package_imports_only_what_its_layer_allows(rule: Rule) -> None:
    found = violations(rule)
    assert not found, f"{rule.package}: {rule.why}; found:\n" + "\n".join(found)


def test_a_forbidden_import_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "stores").mkdir()
    (tmp_path / "stores" / "x.py").write_text("import json\n\ndef f():\n    from streams.runtime import Runtime\n")
    assert violations(RULES[1], tmp_path) == ["stores/x.py:4 imports streams.runtime"]
