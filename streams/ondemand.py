"""On-demand screening over HTTP (``POST /match``, ``POST /screen``): the requests read and the answers made
the way the stream and ``entrywatch match`` make them, against the lists in force. Pure apart from what
the caller passes in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from screening.decision import Decision
from screening.entry import (
    MAX_IDENTIFIERS,
    PARTY_SCHEMES,
    EntryError,
    Identifier,
    parse_date_of_birth,
    parse_identifiers,
)
from screening.errors import FieldError
from screening.identifiers import normalize
from screening.matching import NameIndex, PartyEvidence
from screening.rules.engine import ListFacts, identifier_hits
from screening.suppression import Suppression, apply_suppressions
from streams.codecs import decision_record

T = TypeVar("T")

MAX_BATCH = 100  # names in one POST /match
MAX_TOP = 20
MAX_NAME = 2000
_QUERY_KEYS = frozenset({"name", "kind", "country", "city", "identifiers", "date_of_birth"})


class MatchRequestError(FieldError):
    """A ``POST /match`` query (or an ``entrywatch match`` line) that cannot be searched."""


@dataclass(frozen=True, slots=True)
class QueryIdentifier:
    """An identifier of a query as given (``{"scheme", "value"}`` or a string), and what it is compared as:
    ``scheme`` a party scheme (as in customs-entry.v1), or None for a value of no known scheme (compared
    with every scheme's values, like an entry's ``registration_id``)."""

    given: Any
    scheme: str | None
    value: str

    def text(self) -> str:
        return self.given if isinstance(self.given, str) else f"{self.scheme}:{self.value}"


@dataclass(frozen=True, slots=True)
class NameQuery:
    """A name to match, with what the party declares besides it: identifiers and a date of birth."""

    name: str
    kind: str | None
    country: str | None
    city: str | None
    identifiers: tuple[QueryIdentifier, ...] = ()
    date_of_birth: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in (("name", self.name), ("kind", self.kind), ("country", self.country),
                                                 ("city", self.city)) if v is not None}  # fmt: skip
        if self.identifiers:
            out["identifiers"] = [i.given for i in self.identifiers]
        if self.date_of_birth:
            out["date_of_birth"] = self.date_of_birth
        return out

    def evidence(self) -> PartyEvidence | None:
        """What adjusts the name matches, as for an entry's party (``Subject.evidence``)."""
        schemed = [(i.scheme, normalize(i.scheme, i.value)) for i in self.identifiers if i.scheme is not None]
        if not schemed and not self.date_of_birth:
            return None
        return PartyEvidence(tuple(dict.fromkeys(schemed)), self.date_of_birth)


def _opt_str(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME):
        raise MatchRequestError(f"{path}.{key}", f"expected a string of at most {MAX_NAME} characters or null")
    return value


def _entry_field(parse: Callable[[Mapping[str, Any], str], T], obj: Mapping[str, Any], path: str) -> T:
    """A party field read by the entry's own parser (one validation for entries and queries)."""
    try:
        return parse(obj, path)
    except EntryError as exc:
        raise MatchRequestError(exc.path, exc.message) from None


def _query_identifiers(obj: Mapping[str, Any], path: str) -> tuple[QueryIdentifier, ...]:
    """``identifiers``: ``{"scheme", "value"}`` objects as in an entry's party, or strings, ``scheme:value``
    (a party scheme) or a bare value."""
    items = obj.get("identifiers", [])
    if not isinstance(items, list) or len(items) > MAX_IDENTIFIERS:
        raise MatchRequestError(f"{path}.identifiers", f"expected an array of at most {MAX_IDENTIFIERS} identifiers")
    out: list[QueryIdentifier] = []
    for i, item in enumerate(items):
        where = f"{path}.identifiers[{i}]"
        if isinstance(item, dict):
            try:
                [ident] = parse_identifiers({"identifiers": [item]}, path)
            except EntryError as exc:  # the path of a one-item array: put the item's index back
                at = exc.path.replace(".identifiers[0]", f".identifiers[{i}]", 1)
                raise MatchRequestError(at, exc.message) from None
            out.append(QueryIdentifier(item, ident.scheme, ident.value))
            continue
        if not isinstance(item, str) or not item.strip() or len(item) > 200:
            raise MatchRequestError(where, "expected {scheme, value} or a non-empty string of at most 200 characters")
        scheme, sep, value = item.partition(":")
        if sep and scheme.strip().casefold() in PARTY_SCHEMES and normalize(scheme.strip().casefold(), value):
            out.append(QueryIdentifier(item, scheme.strip().casefold(), value.strip()))
        elif any(c.isalnum() for c in (value if sep else item)):
            out.append(QueryIdentifier(item, None, (value if sep else item).strip()))
        else:
            raise MatchRequestError(where, f"no letter or digit in {item!r}")
    return tuple(out)


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
    return NameQuery(
        name,
        kind,
        _opt_str(obj, "country", path),
        _opt_str(obj, "city", path),
        _query_identifiers(obj, path),
        _entry_field(parse_date_of_birth, obj, path),
    )


def parse_match_request(body: Any) -> tuple[list[NameQuery], int]:
    """``{"name", "kind", "country", "city", "identifiers", "date_of_birth"}`` for one name, or
    ``{"queries": [...], "top": K}`` for a batch of at most MAX_BATCH (``schemas/api-match-request.v1.json``);
    ``top`` 1..MAX_TOP, default 5."""
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


def match_answer(index: NameIndex, q: NameQuery, top: int, facts: ListFacts | None = None) -> dict[str, Any]:
    """One query's answer, as ``entrywatch match`` prints it: the name matches, adjusted by the query's
    identifiers and date of birth as an entry's party's are; with ``facts``, also the listed entities whose
    published identifiers equal one of the query's (strong evidence on its own, whatever the name: the
    rule engine's ``identifier_hits``)."""
    matches = index.search(q.name, kind=q.kind, country=q.country, limit=top, city=q.city, evidence=q.evidence())
    out: dict[str, Any] = {"query": q.to_json(), "matches": [m.to_json() for m in matches]}
    if q.identifiers:
        hits: list[dict[str, Any]] = []
        for ident in q.identifiers:
            if facts is None:
                break
            if ident.scheme is None:
                found = identifier_hits(ident.value, (), facts)
            else:
                found = identifier_hits(None, (Identifier(ident.scheme, ident.value),), facts)
            for entity, _evidence in found:
                hit = {"identifier": ident.text(), "entity_id": entity.id, "source": entity.source,
                       "listed_name": entity.primary_name, "list_version": entity.list_version}  # fmt: skip
                if ident.scheme is not None:
                    hit["identifier_scheme"] = ident.scheme
                hits.append(hit)
        out["identifier_matches"] = hits
    return out


def screen_record(
    decision: Decision, fps: Mapping[str, str], suppressions: Mapping[str, Suppression], screened_at: str
) -> dict[str, Any]:
    """The decision record the stream would send (suppressions applied), without ``supersedes``: an
    on-demand screen is not recorded and takes no place in the entry's history."""
    return decision_record(apply_suppressions(decision, fps, suppressions), screened_at)
