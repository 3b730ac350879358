"""Name-search results as bytes, so that workers screening with the same lists share their searches.

A result is valid for exactly one index: the same list versions, algorithm and thresholds
(``index_fingerprint``). ``encode_results`` writes a batch of ``NameIndex.fresh_results()``;
``decode_results`` reads one back against an index, resolving entities by id and names by position, and
skips a result whose entity the index does not hold (the bytes came from other lists: never adopted).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from screening.matching.index import NameIndex
from screening.matching.types import Match

FORMAT = 1

Result = tuple[tuple[Any, ...], tuple[Match, ...]]


def index_fingerprint(index: NameIndex, list_versions: Mapping[str, str]) -> str:
    """What a shared result depends on: the algorithm, the thresholds and every list version."""
    t = index.thresholds
    text = json.dumps([FORMAT, index.algorithm, t.hold, t.review, sorted(list_versions.items())], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def encode_results(results: Sequence[Result]) -> bytes:
    """A batch of results as compact JSON: ``[[key, [[entity id, name position, score, explain], ...]], ...]``."""
    rows = [
        [list(key), [[m.entity.id, m.entity.names.index(m.name), m.score, m.explain] for m in matches]]
        for key, matches in results
    ]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()


def decode_results(data: bytes, index: NameIndex) -> list[Result]:
    """The results of ``encode_results`` bytes whose entities ``index`` holds. Raises ``ValueError`` for
    bytes that are not such a batch."""
    try:
        rows = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a batch of name results: {exc}") from exc
    if not isinstance(rows, list):
        raise ValueError("not a batch of name results: not a list")
    out: list[Result] = []
    for row in rows:
        try:
            key, found = row
            name, kind, country, city, limit, floor, *rest = key
            if len(rest) > 1:
                raise ValueError("a key of more than 7 fields")
            # the 7th field, when present: the entity types searched (``NameIndex.search(types=...)``)
            types = (tuple(str(t) for t in rest[0]),) if rest else ()
            matches: list[Match] = []
            for entity_id, position, score, explain in found:
                entity = index.entity(entity_id)
                if entity is None or not 0 <= position < len(entity.names):
                    break
                matches.append(Match(entity, entity.names[position], float(score), explain))
            else:
                out.append(((name, kind, country, city, int(limit), float(floor), *types), tuple(matches)))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a batch of name results: {row!r:.200}") from exc
    return out
