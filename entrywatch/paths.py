"""Where the product's bundled files live (list data, schemas), wherever it is installed from."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LISTS = REPO_ROOT / "data" / "lists"
SCHEMAS = REPO_ROOT / "schemas"
SAMPLES = REPO_ROOT / "data" / "samples"
