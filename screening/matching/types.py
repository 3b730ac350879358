"""What a name search takes and gives: the matcher's name and version, its thresholds, a query, a match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screening.entities import Entity, EntityName

ALGORITHM_NAME = "ew-weighted-tokens"
ALGORITHM_VERSION = "1.9"
ALGORITHM = f"{ALGORITHM_NAME}-v{ALGORITHM_VERSION}"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision levels of the name score. Defaults measured on the evaluation set (docs/matching.md)."""

    hold: float = 0.93
    review: float = 0.75

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.hold <= 1.0:
            raise ValueError(f"thresholds must satisfy 0 <= review <= hold <= 1, got {self}")


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    name: EntityName
    score: float
    explain: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """As ``entrywatch match`` prints it and ``POST /match`` answers it."""
        return {
            "entity_id": self.entity.id,
            "source": self.entity.source,
            "matched_name": self.name.value,
            "score": round(self.score, 4),
            "explain": self.explain,
        }


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    kind: str | None = None
    country: str | None = None
    city: str | None = None  # city and/or province of the party's address, free text


def rank(match: Match) -> tuple[float, float]:
    """Sort key of matches, best first: by name score (rounded as reported), then by the corroborated
    score. An adjustment (country, city, kind, alias strength) orders matches of equally good names; it
    never puts a misspelt name above an exact one."""
    return (-float(match.explain.get("name_score", match.score)), -match.score)
