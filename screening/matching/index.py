"""The name index of one set of list versions: prepared names, candidate generation, scoring, search.

``NameIndex`` composes the steps of a search, each in its own module: candidate generation
(``candidates.py``), the name score (``score.py``), the adjustments of a match (``corroboration.py``) and
the cached results shared between workers (``search_cache.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from screening.carry import CarryOver
from screening.entities import Entity, EntityName
from screening.matching.candidates import CandidateIndex
from screening.matching.corroboration import (
    COMPANY_KINDS,
    MAX_BONUS,
    PERSON_KINDS,
    SUBSIDIARY_FLAGS,
    address_words,
    corroborate,
    entity_places,
    parenthesised,
    weigh,
)
from screening.matching.evidence import DOB_AGREE_BONUS, PartyEvidence
from screening.matching.prepare import PreparedName, from_tokens, prepare, prepare_name
from screening.matching.score import PairScore, ScoreBound, primed_pair_sims, score_pair
from screening.matching.search_cache import CACHE_SIZE, ResultKey, Scored, SearchCache
from screening.matching.types import (
    ALGORITHM,
    ALGORITHM_NAME,
    ALGORITHM_VERSION,
    Match,
    Query,
    Thresholds,
    rank,
)

EVIDENCE_SPARE = 3  # a search with evidence finds this many more entities by name, for those it drops

# Carried from one index build to the next (``screening.carry``): the prepared form of each listed name,
# most of a build; a rebuild after a list update prepares only the names that are new.
_PREPARED: CarryOver[str, PreparedName] = CarryOver()


def _score_kind(kind: str | None, entity: Entity) -> str | None:
    """The kind whose name-score weights apply: the party's if given, else the listed entity's."""
    if kind in ("person", "company"):
        return kind
    if entity.entity_type in PERSON_KINDS:
        return "person"
    if entity.entity_type in COMPANY_KINDS:
        return "company"
    return None


class NameIndex:
    """Prepared names of every entity of one set of list versions, with their candidate index and the
    cache of search results (``cache_size`` searches; 0: no cache)."""

    algorithm = ALGORITHM
    algorithm_name = ALGORITHM_NAME
    algorithm_version = ALGORITHM_VERSION

    def __init__(
        self,
        entities: Iterable[Entity],
        thresholds: Thresholds | None = None,
        *,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.cache = SearchCache(cache_size)
        self.thresholds = thresholds or Thresholds()
        self._by_id: dict[str, Entity] | None = None
        self._places: dict[int, frozenset[str]] = {}  # per entity found by a search, its place words
        self._entities: list[Entity] = []
        self._names: list[EntityName] = []
        self._owner: list[int] = []
        self._prepared: list[PreparedName] = []
        name_types: list[str] = []  # per name, its entity's type (``search(types=...)``)
        known = _PREPARED.known()
        built: dict[str, PreparedName] = {}
        for entity in entities:
            owner = len(self._entities)
            self._entities.append(entity)
            seen: set[tuple[str, ...]] = set()
            for name in entity.names:
                prepared = built.get(name.value) or known.get(name.value)
                if prepared is None:
                    prepared = prepare_name(name.value)  # not through the query cache
                built[name.value] = prepared
                if not prepared.tokens or prepared.tokens in seen:
                    continue
                seen.add(prepared.tokens)
                self._names.append(name)
                self._owner.append(owner)
                name_types.append(entity.entity_type)
                self._prepared.append(prepared)
        self.candidate_index = CandidateIndex(self._prepared, [n.value for n in self._names], name_types)
        _PREPARED.keep(built)

    def __len__(self) -> int:
        return len(self._entities)

    @property
    def name_count(self) -> int:
        return len(self._prepared)

    @property
    def prepared_names(self) -> list[PreparedName]:
        return self._prepared

    @property
    def cache_size(self) -> int:
        return self.cache.size

    @property
    def cache_hits(self) -> int:
        return self.cache.hits

    @property
    def cache_misses(self) -> int:
        return self.cache.misses

    def owner_of(self, nid: int) -> Entity:
        return self._entities[self._owner[nid]]

    def entity(self, entity_id: str) -> Entity | None:
        """The indexed entity with this id, if any."""
        if self._by_id is None:
            self._by_id = {e.id: e for e in self._entities}
        return self._by_id.get(entity_id)

    # -- search ------------------------------------------------------------------------------------

    def search(
        self,
        name: str,
        kind: str | None = None,
        country: str | None = None,
        limit: int = 5,
        *,
        cutoff: float | None = None,
        city: str | None = None,
        types: Collection[str] | None = None,
        evidence: PartyEvidence | None = None,
    ) -> list[Match]:
        """Best match per entity, at or above the REVIEW threshold (or ``cutoff``), best first.
        ``country`` (ISO alpha-2) and ``city`` (city and/or province, free text) of the party's address
        corroborate or contradict a match a little. ``types``: only entities of these types
        (``Entity.entity_type``; None: every type), e.g. no vessel for a party. ``evidence``: the party's
        identifiers and date of birth, which adjust the matches found by name (``evidence.py``). Results
        are cached per index (``cache_size``) before the evidence is applied."""
        floor = self.thresholds.review if cutoff is None else cutoff
        if evidence:
            # the names found by name and place (down to what a date of birth may raise to the floor), a
            # few spare in case evidence drops some, then the evidence applied
            base = floor - (DOB_AGREE_BONUS if evidence.birth_year is not None else 0.0)
            found = self.search(name, kind, country, limit + EVIDENCE_SPARE, cutoff=base, city=city, types=types)
            return weigh(found, evidence, floor)[:limit]
        allowed = None if types is None else frozenset(types)
        key = self.cache.result_key(name, kind, country, city, limit, floor, allowed)
        if key is None:
            return self._search(name, kind, country, limit, floor, city, allowed)
        hit = self.cache.get(key)
        if hit is not None:
            return list(hit)
        found = self._search(name, kind, country, limit, floor, city, allowed)
        self.cache.put(key, tuple(found))
        return found

    def search_many(self, queries: Sequence[Query | str], limit: int = 5) -> list[list[Match]]:
        """``search`` for a batch of queries, in order."""
        out: list[list[Match]] = []
        for q in queries:
            if isinstance(q, str):
                out.append(self.search(q, limit=limit))
            else:
                out.append(self.search(q.name, kind=q.kind, country=q.country, limit=limit, city=q.city))
        return out

    # -- results shared between indexes of the same list versions (other workers) -----------------

    def fresh_results(self) -> list[tuple[ResultKey, tuple[Match, ...]]]:
        """The cached results this index computed itself since the last call (key, matches), oldest first:
        what another worker with the same lists can adopt instead of searching."""
        return self.cache.fresh_results()

    def adopt(self, key: ResultKey, matches: tuple[Match, ...]) -> bool:
        """Cache a result computed elsewhere for the same list versions, algorithm and thresholds (it is
        what ``search`` would compute); False if the key was cached already or caching is off."""
        return self.cache.adopt(key, matches)

    # -- the steps of a search ---------------------------------------------------------------------

    def _search(
        self,
        name: str,
        kind: str | None,
        country: str | None,
        limit: int,
        floor: float,
        city: str | None,
        types: frozenset[str] | None = None,
    ) -> list[Match]:
        scored = self._scored(name, kind, floor, types)
        if not scored:
            return []
        city_words = address_words(city)
        qualifiers = parenthesised(name)
        best: dict[int, Match] = {}
        for nid, pair in scored:
            match = self._match(nid, pair, kind, country, city_words, qualifiers)
            if match.score < floor:
                continue
            owner = self._owner[nid]
            old = best.get(owner)
            if old is None or rank(match) < rank(old):
                best[owner] = match
        return sorted(best.values(), key=lambda m: (*rank(m), m.entity.id))[:limit]

    def _scored(self, name: str, kind: str | None, floor: float, types: frozenset[str] | None = None) -> Scored:
        """The candidates of ``name`` (of entities of ``types``) scored by name alone that could reach
        ``floor`` once corroborated (cached per index for ``cache.scored_size`` names: the country and city
        adjust a score only)."""
        key = self.cache.scored_key(name, kind, floor, types)
        if key is not None:
            hit = self.cache.get_scored(key)
            if hit is not None:
                return hit
        query = prepare(name)
        if not query.tokens or not self._prepared:
            return ()
        index = self.candidate_index
        candidates = index.candidates(query, types=types)
        # every query word against every candidate word at once, in a few batched calls (most are 0)
        tids = index.word_ids(candidates)
        words, skels = tuple(map(index.tokens.__getitem__, tids)), tuple(map(index.skels.__getitem__, tids))
        out: list[tuple[int, PairScore]] = []
        # The rows hold the Latin rule only: ``_align`` scores the pairs with a word that came from Arabic
        # script in its own name by the Arabic rule itself, so one word can be Latin in one candidate and
        # Arabic in another.
        with primed_pair_sims(query.tokens, words, skels) as rows:
            # a candidate is kept if its name score may reach the floor once corroborated; its score's
            # upper bound (no alignment) settles most of the others (ScoreBound, in score.py; 1.0 for a
            # pair with a word from Arabic script)
            bound = None
            if floor > MAX_BONUS:
                bound = ScoreBound(query, rows, words, tuple(map(index.weights.__getitem__, tids)))
            for nid in candidates:
                entity = self._entities[self._owner[nid]]
                prepared, score_kind = self._prepared[nid], _score_kind(kind, entity)
                unflagged = SUBSIDIARY_FLAGS.isdisjoint(entity.flags)
                glue = True
                if unflagged and bound is not None:
                    most, glue = bound.check(prepared, score_kind)
                    if most + MAX_BONUS < floor:
                        continue
                pair = score_pair(query, prepared, score_kind, glue=glue)
                if unflagged and pair.score + MAX_BONUS < floor:
                    continue
                out.append((nid, pair))
        found = tuple(out)
        if key is not None:
            self.cache.put_scored(key, found)
        return found

    def _match(
        self,
        nid: int,
        pair: PairScore,
        kind: str | None,
        country: str | None,
        city: frozenset[str],
        qualifiers: frozenset[str],
    ) -> Match:
        owner = self._owner[nid]
        entity = self._entities[owner]
        name = self._names[nid]
        places = self._places.get(owner)
        if places is None:  # (a retro-screening thread may set it too: the same value)
            places = self._places[owner] = entity_places(entity)
        name_score = pair.score
        adjust, features = corroborate(
            entity, name, pair, kind, country, city, places, qualifiers, self.thresholds.hold
        )
        score = min(1.0, max(0.0, name_score + sum(adjust.values())))
        explain: dict[str, Any] = {
            "algorithm": ALGORITHM_NAME,
            "version": ALGORITHM_VERSION,
            "matched_name": name.value,
            "name_strength": name.strength,
            **pair.explain(),
            "features": features,
            "contributions": {"name": round(name_score, 4), **adjust},
            "name_score": round(name_score, 4),  # the names alone
            "adjustments": dict(adjust),  # each corroboration apart: alias strength, kind, country, city...
            "score": round(score, 4),  # name_score + adjustments, clipped to [0, 1]: what the thresholds apply to
        }
        return Match(entity=entity, name=name, score=score, explain=explain)


def compare(a: str, b: str, kind: str | None = None) -> tuple[float, dict[str, Any]]:
    """Score two names against each other: symmetric, in [0, 1], 1 for a name with itself."""
    pa, pb = prepare(a), prepare(b)
    if not pa.tokens and not pb.tokens:
        pa = pb = from_tokens(())
    pair = score_pair(pa, pb, kind if kind in ("person", "company") else None)
    score = 1.0 if a == b else pair.score
    explain: dict[str, Any] = {
        "algorithm": ALGORITHM_NAME,
        "version": ALGORITHM_VERSION,
        "kind": kind,
        **pair.explain(),
        "score": round(score, 4),
    }
    explain["a_form"] = explain.pop("query_form")
    explain["b_form"] = explain.pop("listed_form")
    return score, explain
