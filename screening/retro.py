"""Retro-screening: which listed entities are new or changed between two list versions, and the
LIST_UPDATE decision for a stored entry that now hits one of them.

The worker screens each stored entry of the look-back window against an index of only the new or
changed entities (cheap: a handful of names), and for the few that hit, screens the entry in full
against the lists now in force so the new decision is complete; the reasons naming a new or changed
entity carry the code ``LIST_UPDATE``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from screening.decision import Decision, Reason, combine
from screening.entities import Entity

LIST_UPDATE = "LIST_UPDATE"


def changed_entities(
    old_fps: Mapping[str, str], new_entities: Iterable[Entity], new_fps: Mapping[str, str]
) -> list[Entity]:
    """Entities of the new lists that are absent from the old ones or whose listed content changed."""
    out = [e for e in new_entities if old_fps.get(e.id) != new_fps.get(e.id)]
    out.sort(key=lambda e: e.id)
    return out


def changed_sources(old_versions: Mapping[str, str], new_versions: Mapping[str, str]) -> dict[str, str]:
    """Sources whose live version differs (new sources included): source -> new version."""
    return {s: v for s, v in sorted(new_versions.items()) if old_versions.get(s) != v}


def list_update_decision(full: Decision, changed_ids: Collection[str], trigger: Mapping[str, Any]) -> Decision | None:
    """Relabel the non-CLEAR reasons of ``full`` that name a new or changed entity as LIST_UPDATE
    (the original code kept in the evidence). None if no such reason remains (nothing to report)."""
    reasons: list[Reason] = []
    hit = False
    for r in full.reasons:
        if r.entity_id in changed_ids and r.decision != "CLEAR":
            evidence = {**r.evidence, "match_code": r.code, "list_update": dict(trigger)}
            reasons.append(dataclasses.replace(r, code=LIST_UPDATE, evidence=evidence))
            hit = True
        else:
            reasons.append(r)
    if not hit:
        return None
    return dataclasses.replace(full, reasons=tuple(reasons), decision=combine(reasons))
