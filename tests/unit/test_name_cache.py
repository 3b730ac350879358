"""The matcher's result cache and per-index memos: the same answers as an uncached search, bounded."""

from __future__ import annotations

import pytest

from benchmarks.matching_eval.readers import screened_entities
from screening.matching import NameIndex

QUERIES = [
    ("Hoshine Silicon Industry (Shanshan) Co., Ltd", None, "CN", "Shanshan"),
    ("Xinjiang Production and Construction Corps", "company", None, None),
    ("XPCC", None, None, None),
    ("Guangzhou Evergreen Solar Industrial Co., Ltd.", "company", "CN", "Guangzhou"),
    ("Hoshine Silicon Industry (Shanshan) Co., Ltd", None, "CN", "Shanshan"),  # again: a cache hit
    ("Lop County Hair Product Industrial Park", None, "CN", None),
    ("Baoding LYSZD Trade and Business Co., Ltd.", "company", None, None),
    ("GUANGZHOU EVERGREEN SOLAR INDUSTRIAL CO LTD", "company", "cn", "Guangzhou"),
    ("", None, None, None),
]


@pytest.fixture(scope="module")
def entities():  # type: ignore[no-untyped-def]
    return screened_entities(["data/lists/uflpa", "data/lists/cbp", "data/lists/un"])


def _key(found):  # type: ignore[no-untyped-def]
    return [(m.entity.id, m.name.value, m.score, m.explain) for m in found]


def test_cached_search_returns_what_an_uncached_index_returns(entities) -> None:  # type: ignore[no-untyped-def]
    cached, plain = NameIndex(entities), NameIndex(entities, cache_size=0)
    for _ in range(2):  # the second round is answered from the cache
        for name, kind, country, city in QUERIES:
            got = cached.search(name, kind=kind, country=country, city=city, limit=3)
            want = plain.search(name, kind=kind, country=country, city=city, limit=3)
            assert _key(got) == _key(want), name
    assert cached.cache_hits >= len(QUERIES)
    assert plain.cache_hits == plain.cache_misses == 0


def test_cache_is_bounded_and_keyed_by_every_argument(entities) -> None:  # type: ignore[no-untyped-def]
    index = NameIndex(entities, cache_size=2)
    name = "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    index.search(name)
    index.search(name, country="CN")
    index.search(name, cutoff=0.5)
    index.search(name, limit=1)
    assert len(index.cache.results) == 2 and index.cache_misses == 4 and index.cache_hits == 0
    index.search(name, limit=1)
    assert index.cache_hits == 1


def test_a_returned_list_can_be_changed_without_changing_the_cache(entities) -> None:  # type: ignore[no-untyped-def]
    index = NameIndex(entities)
    first = index.search("Xinjiang Production and Construction Corps")
    assert first
    first.clear()
    assert index.search("Xinjiang Production and Construction Corps")


def test_negative_cache_size_is_refused(entities) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        NameIndex(entities[:1], cache_size=-1)


def test_one_name_from_other_addresses_reuses_its_scored_candidates(entities) -> None:  # type: ignore[no-untyped-def]
    """The name-only part of a search is shared by the searches of that name with other countries and
    cities; each still gets its own corroboration, as an uncached index gives it."""
    cached, plain = NameIndex(entities), NameIndex(entities, cache_size=0)
    name = "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    places = [("CN", "Shanshan"), ("CN", "Urumqi"), ("VN", None), (None, None), ("cn", "Turpan, Xinjiang")]
    for country, city in places:
        got = cached.search(name, country=country, city=city, limit=3)
        want = plain.search(name, country=country, city=city, limit=3)
        assert got and _key(got) == _key(want), (country, city)
    assert cached.cache_hits == 0 and len(cached.cache.results) == len(places)  # every address its own search...
    assert len(cached.cache.scored) == 1  # ... on one scoring of the name's candidates
    assert {m.score for m in cached.search(name, country="CN", city="Shanshan")} != {
        m.score for m in cached.search(name, country="VN")
    }  # the address still moves the score
