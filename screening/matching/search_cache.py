"""The search results an index keeps, and those it shares with other workers of the same list versions.

Party names repeat on real traffic (the same importers, suppliers and manufacturers file entry after
entry), so most searches are answered from here. The caches belong to one index (one set of list
versions): a list swap builds a new index and so discards them. ``fresh_results`` and ``adopt`` carry
results between the indexes of workers with the same lists (``result_codec``, ``streams.name_share``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, TypeVar

from screening.matching.score import PairScore
from screening.matching.types import Match

CACHE_SIZE = 200_000  # search results kept per index, least recently used dropped first
SCORED_CACHE_SIZE = 50_000  # names whose scored candidates are kept (searches of a name from other addresses)
CACHE_MAX_KEY_LEN = 512  # longer names (with the city) are searched but not cached

K = TypeVar("K")
V = TypeVar("V")

ResultKey = tuple[Any, ...]  # (name, kind, country, city, limit, floor[, sorted types])
Scored = tuple[tuple[int, PairScore], ...]  # (name id, its pair score) per candidate kept


def _lru_put(cache: OrderedDict[K, V], key: K, value: V, size: int) -> None:
    """Put ``value`` in ``cache``, dropping the least recently used entry past ``size``."""
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


class SearchCache:
    """Search results by ``result_key`` (at most ``size``), and the name-only part of a search, the
    candidates scored by name, by ``scored_key`` (at most ``scored_size``): shared by the searches of one
    name from other countries and cities, the same supplier filed from different addresses. Thread-safe
    (a retro-screening thread may search the same index)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        if size < 0:
            raise ValueError(f"cache_size must be >= 0, got {size}")
        self.size = size
        self.scored_size = min(size, SCORED_CACHE_SIZE)
        self.hits = 0
        self.misses = 0
        self.results: OrderedDict[ResultKey, tuple[Match, ...]] = OrderedDict()
        self.scored: OrderedDict[tuple[Any, ...], Scored] = OrderedDict()
        self._lock = threading.Lock()
        # keys of the results computed here since ``fresh_results`` last took them (to share them with
        # other workers: ``result_codec``); at most ``size`` are kept
        self._fresh: list[ResultKey] = []

    def result_key(
        self,
        name: str,
        kind: str | None,
        country: str | None,
        city: str | None,
        limit: int,
        floor: float,
        types: frozenset[str] | None,
    ) -> ResultKey | None:
        """The key of a search's result, None if it is not cached (caching off, or a long name)."""
        if not self.size or len(name) + len(city or "") > CACHE_MAX_KEY_LEN:
            return None
        key: ResultKey = (name, kind, country, city, limit, floor)
        if types is not None:
            key += (tuple(sorted(types)),)
        return key

    def get(self, key: ResultKey) -> tuple[Match, ...] | None:
        """The cached result of ``key`` (counted as a hit), None if not cached."""
        with self._lock:
            hit = self.results.get(key)
            if hit is not None:
                self.results.move_to_end(key)
                self.hits += 1
            return hit

    def put(self, key: ResultKey, found: tuple[Match, ...]) -> None:
        """Cache a result this index computed (counted as a miss; shared by ``fresh_results``)."""
        with self._lock:
            self.misses += 1
            _lru_put(self.results, key, found, self.size)
            if len(self._fresh) < self.size:
                self._fresh.append(key)

    def scored_key(
        self, name: str, kind: str | None, floor: float, types: frozenset[str] | None
    ) -> tuple[Any, ...] | None:
        """The key of a name's scored candidates, None if they are not cached."""
        if self.scored_size <= 0 or len(name) > CACHE_MAX_KEY_LEN:
            return None
        return (name, kind, floor, types)

    def get_scored(self, key: tuple[Any, ...]) -> Scored | None:
        with self._lock:
            hit = self.scored.get(key)
            if hit is not None:
                self.scored.move_to_end(key)
            return hit

    def put_scored(self, key: tuple[Any, ...], found: Scored) -> None:
        with self._lock:
            _lru_put(self.scored, key, found, self.scored_size)

    def fresh_results(self) -> list[tuple[ResultKey, tuple[Match, ...]]]:
        """The cached results computed here since the last call (key, matches), oldest first: what another
        worker with the same lists can adopt instead of searching."""
        with self._lock:
            keys, self._fresh = self._fresh, []
            return [(k, hit) for k in keys if (hit := self.results.get(k)) is not None]

    def adopt(self, key: ResultKey, matches: tuple[Match, ...]) -> bool:
        """Cache a result computed elsewhere for the same list versions, algorithm and thresholds; False if
        the key was cached already or caching is off."""
        if not self.size or len(key) not in (6, 7):
            return False
        with self._lock:
            if key in self.results:
                return False
            _lru_put(self.results, key, matches, self.size)
        return True
