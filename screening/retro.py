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
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class RetroPlan:
    """What the retro-screen still owes the stored entries, given the retro baseline (source -> the
    version the stored entries were last re-screened against) and the versions in force."""

    record_baseline: bool  # no baseline at all (first load): record the versions in force, scan nothing
    jobs: dict[str, str | None]  # source -> baseline version to re-screen from (None: a source new since)


def retro_plan(baseline: Mapping[str, str], in_force: Mapping[str, str]) -> RetroPlan:
    """Each source whose version in force differs from its baseline needs a retro-screen from the
    baseline to the version in force (however many versions were loaded in between). With no baseline
    at all nothing was screened against an older version: the versions in force become the baseline."""
    if not baseline:
        return RetroPlan(record_baseline=bool(in_force), jobs={})
    return RetroPlan(False, {s: baseline.get(s) for s, v in sorted(in_force.items()) if baseline.get(s) != v})


def source_fingerprints(entities: Iterable[Entity], fps: Mapping[str, str], source: str) -> dict[str, str]:
    """The fingerprints of one source's entities (the part of a retro baseline kept per source)."""
    return {e.id: fps[e.id] for e in entities if e.source == source and e.id in fps}


def unreported(changed_ids: Collection[str], new_fps: Mapping[str, str], reported: Mapping[str, str]) -> set[str]:
    """The changed entities that are news for an entry whose latest decision named the entities of
    ``reported`` (entity id -> fingerprint then): one it named with the same listed content is not."""
    return {i for i in changed_ids if i not in reported or reported[i] != new_fps.get(i)}
