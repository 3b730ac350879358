"""Readable one-line renderings of decisions for terminals."""

from __future__ import annotations

from typing import Any

COLOURS = {"HOLD": "\033[1;31m", "REVIEW": "\033[1;33m", "CLEAR": "\033[32m"}
RESET = "\033[0m"


def decision_line(record: dict[str, Any], colour: bool = False) -> str:
    decision = str(record.get("decision", "?"))
    head = f"{decision:<6}"
    if colour and decision in COLOURS:
        head = f"{COLOURS[decision]}{head}{RESET}"
    entry = f"{record.get('entry_number')} rev {record.get('entry_revision', 0)}"
    reasons = record.get("reasons") or []
    if not reasons:
        return f"{head} {entry}: no listed party"
    top = reasons[0]
    others = sorted({str(r.get("code")) for r in reasons[1:]} - {str(top.get("code"))})
    more = (
        f" (+{len(reasons) - 1} more: {', '.join(others)})"
        if others
        else (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else "")
    )
    if top.get("party_role") is None and not top.get("party_name"):  # about the entry itself (NOTHING_TO_SCREEN)
        return f"{head} {entry}: {top.get('code')} ({top.get('list')!s}){more}"
    where = top.get("party_role") or "?"
    if top.get("line_number") is not None:
        where += f" (line {top['line_number']}, tier {top.get('tier')})"
    party = top.get("party_name") or ""
    score = f" score {top['score']:.2f}" if isinstance(top.get("score"), int | float) else ""
    listed = (
        f"{top.get('matched_name')!s} on {top.get('list')!s}" if top.get("matched_name") else str(top.get("list") or "")
    )
    return f"{head} {entry}: {top.get('code')} {where} {party!r} ~ {listed}{score}{more}"
