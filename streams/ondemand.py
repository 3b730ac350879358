"""On-demand screening over HTTP (``POST /match``, ``POST /screen``): the requests read and the answers made
the way the stream and ``entrywatch match`` make them, against the lists in force. Pure apart from what
the caller passes in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.decision import Decision
from screening.matching import NameIndex
from screening.rules.engine import ListFacts, normalize_identifier
from screening.suppression import Suppression, apply_suppressions
from streams.codecs import decision_record

MAX_BATCH = 100  # names in one POST /match
MAX_TOP = 20
MAX_NAME = 2000
MAX_IDENTIFIERS = 20
_QUERY_KEYS = frozenset({"name", "kind", "country", "city", "identifiers"})


class MatchRequestError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True, slots=True)
class NameQuery:
    name: str
    kind: str | None
    country: str | None
    city: str | None
    identifiers: tuple[str, ...] = ()  # registration, tax, IMO ... numbers, as "scheme:value" or the value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in (("name", self.name), ("kind", self.kind), ("country", self.country),
                                                 ("city", self.city)) if v is not None}  # fmt: skip
        if self.identifiers:
            out["identifiers"] = list(self.identifiers)
        return out


def _opt_str(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME):
        raise MatchRequestError(f"{path}.{key}", f"expected a string of at most {MAX_NAME} characters or null")
    return value


def parse_query(obj: Any, path: str) -> NameQuery:
    if not isinstance(obj, dict):
        raise MatchRequestError(path, "expected an object")
    unknown = sorted(set(obj) - _QUERY_KEYS)
    if unknown:
        raise MatchRequestError(f"{path}.{unknown[0]}", "unknown field")
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise MatchRequestError(f"{path}.name", f"expected a non-empty string of at most {MAX_NAME} characters")
    kind = obj.get("kind")
    if kind not in (None, "company", "person"):
        raise MatchRequestError(f"{path}.kind", "expected company, person or null")
    ids = obj.get("identifiers", [])
    if (
        not isinstance(ids, list)
        or len(ids) > MAX_IDENTIFIERS
        or not all(isinstance(x, str) and x.strip() and len(x) <= 200 for x in ids)
    ):
        raise MatchRequestError(
            f"{path}.identifiers", f"expected an array of at most {MAX_IDENTIFIERS} non-empty strings ('scheme:value')"
        )
    return NameQuery(name, kind, _opt_str(obj, "country", path), _opt_str(obj, "city", path), tuple(ids))


def parse_match_request(body: Any) -> tuple[list[NameQuery], int]:
    """``{"name", "kind", "country", "city"}`` for one name, or ``{"queries": [...], "top": K}`` for a batch
    of at most MAX_BATCH (``schemas/api-match-request.v1.json``); ``top`` 1..MAX_TOP, default 5."""
    if not isinstance(body, dict):
        raise MatchRequestError("$", "expected an object")
    top = body.get("top", 5)
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= MAX_TOP:
        raise MatchRequestError("$.top", f"expected an integer from 1 to {MAX_TOP}")
    if "queries" in body:
        unknown = sorted(set(body) - {"queries", "top"})
        if unknown:
            raise MatchRequestError(f"$.{unknown[0]}", "unknown field")
        queries = body["queries"]
        if not isinstance(queries, list) or not queries:
            raise MatchRequestError("$.queries", "expected a non-empty array")
        if len(queries) > MAX_BATCH:
            raise MatchRequestError("$.queries", f"at most {MAX_BATCH} names a request, got {len(queries)}")
        return [parse_query(q, f"$.queries[{i}]") for i, q in enumerate(queries)], top
    return [parse_query({k: v for k, v in body.items() if k != "top"}, "$")], top


def identifier_value(identifier: str) -> str:
    """``scheme:value`` or a bare value -> the value as the lists' identifiers are indexed (the rules'
    normalisation: letters and digits, upper case)."""
    _scheme, sep, value = identifier.partition(":")
    return normalize_identifier(value if sep else identifier)


def match_answer(index: NameIndex, q: NameQuery, top: int, facts: ListFacts | None = None) -> dict[str, Any]:
    """One query's answer, as ``entrywatch match`` prints it; with ``facts``, also the listed entities whose
    published identifiers equal one of the query's (strong evidence on its own, whatever the name)."""
    matches = index.search(q.name, kind=q.kind, country=q.country, limit=top, city=q.city)
    out: dict[str, Any] = {"query": q.to_json(), "matches": [m.to_json() for m in matches]}
    if q.identifiers:
        hits: list[dict[str, Any]] = []
        for identifier in q.identifiers:
            value = identifier_value(identifier)
            for entity in facts.by_identifier.get(value, ()) if facts is not None and value else ():
                hits.append({"identifier": identifier, "entity_id": entity.id, "source": entity.source,
                             "listed_name": entity.primary_name, "list_version": entity.list_version})  # fmt: skip
        out["identifier_matches"] = hits
    return out


def screen_record(
    decision: Decision, fps: Mapping[str, str], suppressions: Mapping[str, Suppression], screened_at: str
) -> dict[str, Any]:
    """The decision record the stream would send (suppressions applied), without ``supersedes``: an
    on-demand screen is not recorded and takes no place in the entry's history."""
    return decision_record(apply_suppressions(decision, fps, suppressions), screened_at)
