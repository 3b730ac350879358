#!/usr/bin/env python3
"""Regenerate the field tables of docs/contract.md from schemas/ (``--check``: exit 1 if out of date).

Each table sits between ``<!-- BEGIN GENERATED: <schema file>[#/$defs/<name>] -->`` and
``<!-- END GENERATED -->``; everything else in the document is written by hand.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "contract.md"
SCHEMAS = ROOT / "schemas"
BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (?P<ref>[^ ]+) -->\n)(?P<body>.*?)(<!-- END GENERATED -->)", re.S)


def type_of(spec: dict[str, Any]) -> str:
    if "const" in spec:
        return f"`{json.dumps(spec['const'])}`"
    if "enum" in spec:
        return " \\| ".join(f"`{v}`" for v in spec["enum"])
    if "$ref" in spec:
        return f"object ({spec['$ref'].rsplit('/', 1)[-1]})"
    t = spec.get("type", "any")
    t = " or ".join(t) if isinstance(t, list) else t
    if t == "array" and "items" in spec:
        t = f"array of {type_of(spec['items'])}"
    extras = []
    if "pattern" in spec:
        extras.append(f"pattern `{spec['pattern']}`")
    if "format" in spec:
        extras.append(spec["format"])
    if "minimum" in spec or "maximum" in spec:
        extras.append(f"{spec.get('minimum', '')}..{spec.get('maximum', '')}")
    return t + (f" ({', '.join(extras)})" if extras else "")


def table(ref: str) -> str:
    file, _, pointer = ref.partition("#")
    schema = json.loads((SCHEMAS / file).read_text())
    node = schema
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    required = set(node.get("required", []))
    rows = ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
    for name, spec in node.get("properties", {}).items():
        desc = spec.get("description", "").replace("|", "\\|").replace("\n", " ")
        need = "yes" if name in required else "no"
        rows.append(f"| `{name}` | {type_of(spec)} | {need} | {desc} |")
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + table(m.group("ref")) + m.group(4), text)


def main(argv: list[str]) -> int:
    text = DOC.read_text()
    new = render(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC} is out of date: run scripts/gen_contract.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
