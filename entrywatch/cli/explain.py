"""``entrywatch explain ENTRY_NUMBER [--rescreen]``: the decision in force, its reasons, list and algorithm
versions, the history and dispositions, all from the audit trail in Redis (well under a second). With
``--rescreen`` it also screens the stored entry against today's lists and shows what would change; that
builds the matcher from every live list (seconds), so it is asked for, not done by default."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

import redis.asyncio as aioredis

from entrywatch.cli.connect import add_connection_arguments, connect
from entrywatch.render import decision_line
from screening.history import HistoryItem, compare, latest
from stores.audit import AuditStore
from stores.keys import Keys
from stores.lists import AsyncListStore
from streams.security import async_redis
from streams.settings import Settings


class StoredEntryUnreadable(ValueError):
    """The stored entry of ``--rescreen`` no longer decodes (it was valid when it was stored)."""


async def gather_explanation(settings: Settings, entry_number: str, *, rescreen: bool = False) -> dict[str, Any] | None:
    """The explanation of an entry from the audit trail, or None if no decision is recorded for it.
    ``rescreen``: also screen the stored entry against the live lists (``out["rescreen"]``)."""
    client = async_redis(settings, socket_timeout=30)
    try:
        audit = AuditStore(client, settings.redis_key_prefix, settings.audit_retention_days)
        history, dispositions, stored = await audit.entry(entry_number)
        if not history:
            return None
        current = latest([HistoryItem.from_record(r) for r in history])
        record = next(r for r in reversed(history) if current and r["alert_id"] == current.alert_id)
        out: dict[str, Any] = {
            "latest": record,
            "history": history,
            "dispositions": dispositions,
            "entry_stored": stored is not None,
            "lists_now": await AsyncListStore(client, Keys(settings.redis_key_prefix)).live_versions(),
            "rescreen": None,
        }
        if rescreen and stored is not None:
            out["rescreen"] = await _rescreen(settings, client, audit, record, stored)
        return out
    finally:
        await client.aclose()


async def _rescreen(
    settings: Settings, client: aioredis.Redis, audit: AuditStore, record: dict[str, Any], stored: bytes
) -> dict[str, Any]:
    """Screen the stored entry against the live lists, with the suppressions in force; compared to ``record``."""
    from screening.screen import ScreeningContext, screen_entry
    from screening.suppression import apply_suppressions, decision_keys, fingerprints
    from streams.codecs import Rejected, decision_record, decode_entry, now_iso

    versions, entities = await AsyncListStore(client, Keys(settings.redis_key_prefix)).load_live()
    thresholds = settings.thresholds()
    ctx = await asyncio.to_thread(ScreeningContext.from_entities, entities, versions, thresholds=thresholds)
    fps = fingerprints(entities)
    entry = decode_entry(stored, max_bytes=len(stored))  # the worker's one decode path
    if isinstance(entry, Rejected):  # stored entries were valid when stored; say so rather than crash
        why = f"{entry.kind} at {entry.path}: {entry.message}"
        raise StoredEntryUnreadable(f"the stored entry no longer decodes: {why}")
    decision = screen_entry(entry, ctx)
    state = await audit.read_batch([], decision_keys(decision, fps))
    rescreened = decision_record(apply_suppressions(decision, fps, state.suppressions), now_iso())
    changes = compare(record, rescreened)
    return {
        "decision": rescreened,
        "unchanged": changes.unchanged,
        "added": changes.added,
        "removed": changes.removed,
    }


def _changed_lists(decided: dict[str, str], now: dict[str, str]) -> list[str]:
    """``source old -> new`` for each list whose live version differs from the one the decision used."""
    return [f"{s} {decided.get(s, '-')} -> {v}" for s, v in sorted(now.items()) if decided.get(s) != v]


def _reason_text(r: dict[str, Any]) -> str:
    where = r.get("party_role") or "?"
    if r.get("line_number") is not None:
        where += f" (line {r['line_number']}, tier {r.get('tier')})"
    score = f" score {r['score']:.2f}" if isinstance(r.get("score"), int | float) else ""
    listed = f" ~ {r.get('matched_name')!s} on {r.get('list')!s} ({r.get('entity_id')})" if r.get("entity_id") else ""
    extra = ""
    ev = r.get("evidence") or {}
    if r.get("code") == "SUPPRESSED":
        by = f"disposition {ev.get('disposition_id')} of {ev.get('reviewer')}"
        extra = f" [suppressed {ev.get('suppressed_code')} by {by}]"
    elif r.get("code") == "LIST_UPDATE":
        upd = ev.get("list_update") or {}
        change = f"{upd.get('source')} {upd.get('previous_version')} -> {upd.get('version')}"
        extra = f" [{ev.get('match_code')} after {change}]"
    return f"{r.get('decision'):<6} {r.get('code')} {where} {r.get('party_name')!r}{listed}{score}{extra}"


def render(entry_number: str, ex: dict[str, Any]) -> str:
    rec = ex["latest"]
    lines = [
        f"Entry {entry_number} revision {rec['entry_revision']}: {rec['decision']}",
        f"  alert {rec['alert_id']} screened {rec['screened_at']}"
        + (f", supersedes {rec['supersedes']}" if rec.get("supersedes") else ""),
        f"  algorithm {rec.get('algorithm')}, engine {rec.get('engine_version')}",
        "  lists " + ", ".join(f"{s}={v}" for s, v in sorted(rec.get("list_versions", {}).items())),
        "  reasons:" if rec["reasons"] else "  reasons: none (no listed party)",
    ]
    lines += [f"    {_reason_text(r)}" for r in rec["reasons"]]
    lines.append(f"History ({len(ex['history'])} decisions, oldest first):")
    lines += [f"  {h['screened_at']}  {decision_line(h)}  [{h['alert_id']}]" for h in ex["history"]]
    lines.append(f"Dispositions ({len(ex['dispositions'])}):")
    for d in ex["dispositions"]:
        scope = f" for {d['party_name']!r} / {d['entity_id']}" if d.get("party_name") else ""
        note = f": {d['note']}" if d.get("note") else ""
        lines.append(f"  {d['decided_at']}  {d['outcome']} by {d['reviewer']} on {d['alert_id']}{scope}{note}")
    rs = ex.get("rescreen")
    if not ex.get("entry_stored", True):
        lines.append("Re-screen: the original entry is not stored (past retention)")
    elif rs is None:
        changed = _changed_lists(rec.get("list_versions", {}), ex.get("lists_now") or {})
        since = "; lists changed since: " + ", ".join(changed) if changed else "; no list changed since"
        lines.append(f"Re-screen: not run (--rescreen screens the stored entry against today's lists){since}")
    else:
        new = rs["decision"]
        lists = ", ".join(f"{s}={v}" for s, v in sorted(new.get("list_versions", {}).items()))
        lines.append(f"Re-screen against today's lists ({lists}):")
        if rs["unchanged"]:
            lines.append(f"  unchanged: {new['decision']}")
        else:
            lines.append(f"  {rec['decision']} -> {new['decision']}")
            lines += [f"  + {_reason_text(r)}" for r in rs["added"]]
            lines += [f"  - {_reason_text(r)}" for r in rs["removed"]]
    return "\n".join(lines)


def cmd_explain(args: argparse.Namespace) -> int:
    try:
        ex = asyncio.run(gather_explanation(connect(args, redis=True), args.entry_number, rescreen=args.rescreen))
    except StoredEntryUnreadable as exc:
        print(f"entrywatch: {args.entry_number}: {exc}", file=sys.stderr)
        return 1
    if ex is None:
        print(f"no decision recorded for entry {args.entry_number}", file=sys.stderr)
        return 1
    print(json.dumps(ex, ensure_ascii=False, indent=2) if args.json else render(args.entry_number, ex))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("explain", help="explain an entry's decision from the audit trail")
    p.add_argument("entry_number")
    p.add_argument("--json", action="store_true", help="print the explanation as JSON")
    p.add_argument(
        "--rescreen",
        action="store_true",
        help="also screen the stored entry against today's lists and show what would change (builds the "
        "matcher: seconds)",
    )
    add_connection_arguments(p)
    p.set_defaults(func=cmd_explain)
