"""Name matching against prepared list names.

Baseline algorithm of the walking skeleton: names are folded and stripped of legal forms once per
list version; a query is scored with rapidfuzz against every prepared name. The matching issue
replaces the internals; the interface (``NameIndex.search``, ``Match``, ``compare``) stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from screening.entities import Entity, EntityName
from screening.normalize import core

ALGORITHM = "ew-name-baseline-v1"
WEAK_ALIAS_FACTOR = 0.9


@dataclass(frozen=True, slots=True)
class Thresholds:
    hold: float = 0.92
    review: float = 0.80


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    name: EntityName
    score: float
    explain: dict[str, Any]


class NameIndex:
    """Prepared names of every entity of one set of list versions."""

    algorithm = ALGORITHM

    def __init__(self, entities: Iterable[Entity], thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._entities: list[Entity] = []
        self._names: list[EntityName] = []
        self._owner: list[int] = []
        self._prepared: list[str] = []
        for entity in entities:
            idx = len(self._entities)
            self._entities.append(entity)
            for name in entity.names:
                prepared = core(name.value)
                if not prepared:
                    continue
                self._names.append(name)
                self._owner.append(idx)
                self._prepared.append(prepared)

    def __len__(self) -> int:
        return len(self._entities)

    @property
    def name_count(self) -> int:
        return len(self._prepared)

    def search(self, name: str, kind: str | None = None, country: str | None = None, limit: int = 5) -> list[Match]:
        """Best match per entity, at or above the REVIEW threshold, best first."""
        query = core(name)
        if not query or not self._prepared:
            return []
        cutoff = self.thresholds.review * 100 * WEAK_ALIAS_FACTOR
        hits = process.extract(
            query, self._prepared, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=limit * 4 + 10
        )
        best: dict[int, Match] = {}
        for _, raw, i in hits:
            listed = self._names[i]
            factor = WEAK_ALIAS_FACTOR if listed.strength == "weak" else 1.0
            score = raw / 100.0 * factor
            if score < self.thresholds.review:
                continue
            owner = self._owner[i]
            if owner not in best or score > best[owner].score:
                best[owner] = Match(
                    entity=self._entities[owner],
                    name=listed,
                    score=score,
                    explain={
                        "algorithm": ALGORITHM,
                        "query_form": query,
                        "listed_form": self._prepared[i],
                        "features": {"token_sort_ratio": round(raw / 100.0, 4), "alias_factor": factor},
                    },
                )
        return sorted(best.values(), key=lambda m: (-m.score, m.entity.id))[:limit]


def compare(a: str, b: str, kind: str | None = None) -> tuple[float, dict[str, Any]]:
    """Score two names against each other, symmetric, in [0, 1]."""
    ca, cb = core(a), core(b)
    raw = fuzz.token_sort_ratio(ca, cb) / 100.0 if ca and cb else 0.0
    return raw, {"algorithm": ALGORITHM, "a_form": ca, "b_form": cb, "features": {"token_sort_ratio": raw}}
