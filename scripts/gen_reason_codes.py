#!/usr/bin/env python3
"""Write the generated part of docs/reason-codes.md: the table of reason codes (from the decision rules in
force) and, for each code, its worked example (tests/rule_examples.py) screened by the code.

python scripts/gen_reason_codes.py          # rewrite the part between the markers
python scripts/gen_reason_codes.py --check  # exit 1 when the document is out of date (tests do this)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.rules.ruleset import default_rules  # noqa: E402
from tests.rule_examples import EXAMPLES, run_example  # noqa: E402

TARGET = ROOT / "docs" / "reason-codes.md"
BEGIN = "<!-- BEGIN GENERATED: scripts/gen_reason_codes.py -->"
END = "<!-- END GENERATED -->"


def _trim(reason: dict[str, Any]) -> dict[str, Any]:
    out = dict(reason)
    evidence = dict(out.get("evidence", {}))
    explain = evidence.get("explain")
    if isinstance(explain, dict):  # the matcher's internals: keep only its name in the document
        evidence["explain"] = {"algorithm": explain.get("algorithm")}
    out["evidence"] = evidence
    return out


def generated() -> str:
    """The part between the markers, markers included."""
    rules = default_rules().decisions
    lines = [
        BEGIN,
        "",
        "| code | decision | rule id | version | directions | when |",
        "|---|---|---|---|---|---|",
    ]
    for code, r in rules.reasons.items():
        directions = ", ".join(r.directions)
        lines.append(f"| `{code}` | {r.decision} | {r.rule_id} | {r.version} | {directions} | {r.summary} |")
    lines.append("")
    for code in rules.reasons:
        title, entry = EXAMPLES[code]
        result = run_example(code)
        lines += [
            f"### `{code}`",
            "",
            f"Example: {title} (entry `{entry['entry_number']}`, {entry['direction']}). "
            f"Entry decision: **{result['decision']}**; all codes on the entry: "
            + ", ".join(f"`{c}`" for c in result["codes"])
            + ".",
            "",
            "```json",
            json.dumps(_trim(result["reason"]), indent=2, ensure_ascii=False),
            "```",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` (the document) with the part between the markers generated anew."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated() + text[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the document is out of date")
    args = parser.parse_args()
    text = TARGET.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        if new != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run scripts/gen_reason_codes.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
