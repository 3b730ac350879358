"""Entity <-> JSON-ready dict, field by field from the dataclass, so new fields travel unchanged."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from screening.entities import Entity, EntityAddress, EntityName


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return dataclasses.asdict(entity)


def entity_from_dict(data: dict[str, Any]) -> Entity:
    known = {f.name for f in dataclasses.fields(Entity)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue
        if key == "names":
            kwargs[key] = tuple(EntityName(**n) for n in value)
        elif key == "addresses":
            kwargs[key] = tuple(EntityAddress(**a) for a in value)
        elif key == "identifiers":
            kwargs[key] = tuple((str(a), str(b)) for a, b in value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return Entity(**kwargs)


def dumps(entity: Entity) -> bytes:
    return json.dumps(entity_to_dict(entity), ensure_ascii=False, separators=(",", ":")).encode()


def loads(raw: bytes | str) -> Entity:
    return entity_from_dict(json.loads(raw))
