#!/usr/bin/env python3
"""Regenerate the generated parts of docs/contract.md and schemas/hold-alert.v1.json (``--check``: exit 1
if either is out of date).

In docs/contract.md each field table sits between ``<!-- BEGIN GENERATED: <schema file>[#/$defs/<name>] -->``
and ``<!-- END GENERATED -->``, generated from schemas/; the list of reason codes sits between
``<!-- BEGIN GENERATED: screening.reason_codes -->`` and ``<!-- END GENERATED -->``, generated from the code
(:func:`screening.reason_codes.reason_codes`), and so is the ``enum`` of a reason's ``code`` in
schemas/hold-alert.v1.json. Everything else is written by hand.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.reason_codes import reason_codes  # noqa: E402

DOC = ROOT / "docs" / "contract.md"
SCHEMAS = ROOT / "schemas"
ALERT_SCHEMA = SCHEMAS / "hold-alert.v1.json"
BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (?P<ref>[^ ]+) -->\n)(?P<body>.*?)(<!-- END GENERATED -->)", re.S)
CODES_REF = "screening.reason_codes"
# The reason's code in the alert schema: `"code": {"enum": [...],` (the rest of the file is written by hand)
CODE_ENUM = re.compile(r'(?P<head>( *)"code": \{"enum": \[)(?P<values>[^\]]*)(?P<tail>\])')
LONG_ENUM = 6  # an enum with more values is described in the table, its values listed apart


def type_of(spec: dict[str, Any]) -> str:
    if "const" in spec:
        return f"`{json.dumps(spec['const'])}`"
    if "enum" in spec:
        if len(spec["enum"]) > LONG_ENUM:
            return f"string, one of {len(spec['enum'])} values"
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


def codes_table() -> str:
    rows = ["| Code | Decision | Rule | When |", "|---|---|---|---|"]
    for c in reason_codes():
        summary = c.summary.replace("|", "\\|")
        rows.append(f"| `{c.code}` | {c.decision} | {c.rule_id or 'contract'} | {summary} |")
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    """docs/contract.md with its generated blocks regenerated."""
    return BLOCK.sub(
        lambda m: m.group(1) + (codes_table() if m.group("ref") == CODES_REF else table(m.group("ref"))) + m.group(4),
        text,
    )


def render_schema(text: str) -> str:
    """schemas/hold-alert.v1.json with the enum of a reason's code regenerated (wrapped, one indent deeper)."""

    def values(m: re.Match[str]) -> str:
        indent = " " * len(m.group("head"))
        lines: list[str] = []
        for code in (json.dumps(c.code) for c in reason_codes()):
            if lines and len(indent) + len(lines[-1]) + len(code) + 2 <= 110:
                lines[-1] += f", {code}"
            else:
                lines.append(code)
        return m.group("head") + (",\n" + indent).join(lines) + m.group("tail")

    new, n = CODE_ENUM.subn(values, text)
    if n != 1:
        raise SystemExit(f'{ALERT_SCHEMA}: expected one `"code": {{"enum": [...]` of a reason, found {n}')
    return new


def main(argv: list[str]) -> int:
    stale = []
    for path, rendered in ((DOC, render), (ALERT_SCHEMA, render_schema)):
        text = path.read_text()
        new = rendered(text)
        if new == text:
            continue
        stale.append(path)
        if "--check" not in argv:
            path.write_text(new)
    if "--check" in argv and stale:
        print(f"{', '.join(map(str, stale))} out of date: run scripts/gen_contract.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
