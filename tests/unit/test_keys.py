"""stores/keys.py is the one place Redis keys are built: its methods and its LAYOUTS table name the same
layouts, docs/architecture.md shows that table as generated, and no other module writes a key f-string."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import runpy
from typing import Any

from stores.keys import LAYOUTS, Keys
from tests.conftest import ROOT

GEN: dict[str, Any] = runpy.run_path(str(ROOT / "scripts" / "gen_keys_doc.py"))
PLACEHOLDER = Keys("{p}")
SOURCE_DIRS = ("screening", "stores", "streams", "agents", "entrywatch", "benchmarks", "scripts", "tests")


def layouts_built_by_keys() -> dict[str, str]:
    """Member name -> the key it builds with the prefix ``{p}`` and each argument as ``{its name}``."""
    out = {}
    for name, member in inspect.getmembers(Keys):
        if name.startswith("_") or name == "prefix":
            continue
        if isinstance(member, property):
            out[name] = getattr(PLACEHOLDER, name)
        else:
            params = list(inspect.signature(member).parameters)[1:]
            out[name] = getattr(PLACEHOLDER, name)(*(f"{{{p}}}" for p in params))
    return out


def test_keys_and_the_layout_table_name_the_same_layouts() -> None:
    built = layouts_built_by_keys()
    table = [layout.key for layout in LAYOUTS]
    assert len(table) == len(set(table)), "a layout listed twice in LAYOUTS"
    assert sorted(set(built.values())) == sorted(built.values()), "two Keys members build the same layout"
    missing = {name: key for name, key in built.items() if key not in table}
    assert not missing, f"Keys members whose layout is not in LAYOUTS: {missing}"
    unbuilt = set(table) - set(built.values())
    assert not unbuilt, f"LAYOUTS rows no Keys member builds: {sorted(unbuilt)}"


def test_each_layout_names_its_store_and_type() -> None:
    for layout in LAYOUTS:
        importlib.import_module(f"stores.{layout.store}")
        assert layout.type in {"STRING", "LIST", "HASH", "SET", "ZSET", "STREAM"}, layout
        assert layout.key.startswith("{p}:") and layout.content, layout


def test_the_docs_key_table_is_generated_from_the_layouts() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    assert GEN["render"](doc) == doc, "run scripts/gen_keys_doc.py"
    for layout in LAYOUTS:
        assert f"| `{layout.key.replace('{p}', 'ew')}` |" in doc


def key_fstrings(tree: ast.AST) -> list[tuple[int, str]]:
    """f-strings that put text starting with ':' after a value named like a prefix (``f"{prefix}:x:{y}"``);
    a pattern for every key under a prefix (``f"{prefix}:*"``) is not a layout."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for value, text in itertools.pairwise(parts):
            if (
                isinstance(value, ast.FormattedValue)
                and "prefix" in ast.unparse(value.value)
                and isinstance(text, ast.Constant)
                and isinstance(text.value, str)
                and text.value.startswith(":")
                and text.value != ":*"
            ):
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_module_but_keys_builds_a_key() -> None:
    offenders = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "stores" / "keys.py":
                continue
            for line, text in key_fstrings(ast.parse(path.read_text(), str(path))):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not offenders, "Redis keys built outside stores/keys.py:\n" + "\n".join(offenders)


def test_the_key_check_finds_a_hand_built_key() -> None:
    tree = ast.parse('k = f"{settings.redis_key_prefix}:retro:last:{source}"\nall = f"{prefix}:*"')
    assert key_fstrings(tree) == [(1, "f'{settings.redis_key_prefix}:retro:last:{source}'")]
