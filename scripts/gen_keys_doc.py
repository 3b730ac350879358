#!/usr/bin/env python3
"""Regenerate the Redis key table of docs/architecture.md from ``stores.keys.LAYOUTS`` (``--check``: exit 1
if it is out of date; a unit test does this).

The table sits between ``<!-- BEGIN GENERATED: stores.keys -->`` and ``<!-- END GENERATED -->``; the rest of
the doc is written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stores.keys import LAYOUTS  # noqa: E402

DOC = ROOT / "docs" / "architecture.md"
BLOCK = re.compile(r"(<!-- BEGIN GENERATED: stores\.keys -->\n)(?P<body>.*?)(<!-- END GENERATED -->)", re.S)
PREFIX = "ew"  # the default prefix, as the table shows the keys


def table() -> str:
    rows = [
        "| Redis key (prefix `ew`, `ENTRYWATCH_REDIS_KEY_PREFIX`) | type | content | store |",
        "|---|---|---|---|",
    ]
    for layout in LAYOUTS:
        key = layout.key.replace("{p}", PREFIX)
        rows.append(f"| `{key}` | {layout.type} | {layout.content} | `stores.{layout.store}` |")
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    new, n = BLOCK.subn(lambda m: m.group(1) + table() + m.group(3), text)
    if n != 1:
        raise SystemExit(f"{DOC}: expected one <!-- BEGIN GENERATED: stores.keys --> block, found {n}")
    return new


def main(argv: list[str]) -> int:
    text = DOC.read_text()
    new = render(text)
    if new == text:
        return 0
    if "--check" in argv:
        print(f"{DOC} out of date: run scripts/gen_keys_doc.py", file=sys.stderr)
        return 1
    DOC.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
