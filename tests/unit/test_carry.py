"""A list swap recomputes only what the new version changes (``screening.carry``): the names prepared,
the words' Arabic keys, the entities decoded from Redis, their fingerprints and MID facts are carried
from the last load, and what is built from them is the same as a build from scratch."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import fakeredis
import fakeredis.aioredis
import pytest

from screening import entity_codec, suppression
from screening.carry import CarryOver
from screening.entities import Entity, EntityAddress, EntityName, ListSnapshot
from screening.lists.loader import load_paths
from screening.matching import NameIndex
from screening.matching import candidates as candidates_module
from screening.matching import index as index_module
from screening.rules import engine
from screening.rules.engine import ListFacts
from screening.rules.ruleset import default_rules, load_rules
from stores import lists as store_module
from stores.keys import Keys
from stores.lists import AsyncListStore, save_snapshot
from tests.conftest import LISTS

F = TypeVar("F", bound=Callable[..., Any])
CARRIES: tuple[CarryOver[Any, Any], ...] = (
    index_module._PREPARED,
    candidates_module._ARABIC_KEYS,
    suppression._FINGERPRINTS,
    engine._ENTITY_FACTS,
    store_module._DECODED,
)


@pytest.fixture(autouse=True)
def fresh_carries() -> Iterator[None]:
    for carry in CARRIES:
        carry.clear()
    yield
    for carry in CARRIES:
        carry.clear()


def counted(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[Any]:
    """Patch ``module.name`` to record the first argument of each call."""
    calls: list[Any] = []
    real = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def bundled() -> list[Entity]:
    snapshots, _ = load_paths([LISTS / "uflpa", LISTS / "cbp"])
    return [e for s in snapshots for e in s.entities]


NEW = Entity(
    "uflpa:new",
    "uflpa",
    "UFLPA Entity List",
    "v2",
    "organization",
    (EntityName("Kashgar Everbright Photovoltaic Materials Co., Ltd."), EntityName("Everbright PV", "strong")),
    addresses=(EntityAddress(street="88 Jiefang Road", city="Kashgar", country="CN"),),
)


def test_carry_over_keeps_the_last_full_set_and_adds_small_ones() -> None:
    carry: CarryOver[str, int] = CarryOver()
    carry.keep({f"k{i}": i for i in range(100)})
    assert len(carry) == 100
    carry.keep({"delta": 1})  # a small set (a retro-screen's delta) is added, not put in place of the full one
    assert len(carry) == 101 and carry.known()["k5"] == 5
    carry.keep({f"n{i}": i for i in range(60)})  # a full set replaces: names gone from the lists go
    assert set(carry.known()) == {f"n{i}" for i in range(60)}
    for i in range(200):  # small sets, each new: bounded by twice the last full set, then replaced
        carry.keep({f"s{i}": i})
        assert len(carry) <= 120


def test_a_rebuild_prepares_only_the_new_names_and_equals_a_build_from_scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    entities = bundled()
    NameIndex(entities)
    prepared = counted(monkeypatch, index_module, "prepare_name")
    keyed = counted(monkeypatch, candidates_module, "word_arabic_key")
    carried = NameIndex([*entities, NEW])
    assert sorted(prepared) == sorted(n.value for n in NEW.names)
    assert 0 < len(keyed) <= 6  # the new words only (everbright, photovoltaic, pv, ...), not the vocabulary

    for carry in CARRIES:
        carry.clear()
    scratch = NameIndex([*entities, NEW])
    assert carried.prepared_names == scratch.prepared_names
    for attr in ("tokens", "_postings", "_by_key", "_by_delete", "_by_trigram", "_arabic_keys", "_listed_similar"):
        assert getattr(carried.candidate_index, attr) == getattr(scratch.candidate_index, attr), attr
    queries = (NEW.names[0].value, "Everbrite Photovoltaik Materials", "Hoshine Silicon", entities[3].names[0].value)
    for query in queries:
        assert [(m.entity.id, m.score) for m in carried.search(query)] == [
            (m.entity.id, m.score) for m in scratch.search(query)
        ]


def test_fingerprints_are_computed_for_changed_entities_only(monkeypatch: pytest.MonkeyPatch) -> None:
    entities = bundled()
    first = suppression.fingerprints(entities)
    computed = counted(monkeypatch, suppression, "entity_fingerprint")
    copies = [entity_codec.loads(entity_codec.dumps(e)) for e in entities]  # equal, not the same objects
    changed = dataclasses.replace(copies[0], remarks="amended")
    again = suppression.fingerprints([changed, *copies[1:], NEW])
    assert computed == [changed, NEW]
    assert again == {**first, changed.id: suppression.entity_fingerprint(changed), NEW.id: again[NEW.id]}
    assert again[changed.id] != first[changed.id]


def test_list_facts_derive_only_new_entities_and_follow_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    entities = bundled()
    rules = default_rules()
    before = ListFacts.build(entities, rules)
    derived = counted(monkeypatch, engine, "_entity_facts")
    carried = ListFacts.build([*entities, NEW], rules)
    assert derived == [NEW]
    for carry in CARRIES:
        carry.clear()
    scratch = ListFacts.build([*entities, NEW], rules)
    assert carried == scratch and carried != before
    derived.clear()
    ListFacts.build(entities, load_rules())  # other rules (an equal copy, another object): derived again
    assert len(derived) == len(entities)


async def test_load_live_decodes_only_the_records_of_a_changed_version(monkeypatch: pytest.MonkeyPatch) -> None:
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    keys = Keys()
    snapshots, _ = load_paths([LISTS / "uflpa", LISTS / "cbp"])
    for snap in snapshots:
        save_snapshot(sync, snap, keys)
    reader = AsyncListStore(fakeredis.aioredis.FakeRedis(server=server), keys)
    _, first = await reader.load_live()
    uflpa = next(s for s in snapshots if s.source == "uflpa")
    updated = ListSnapshot("uflpa", "v2", (*(dataclasses.replace(e, list_version="v2") for e in uflpa.entities), NEW))
    save_snapshot(sync, updated, keys)

    decoded = counted(monkeypatch, entity_codec, "loads")
    versions, second = await reader.load_live()
    assert versions["uflpa"] == "v2"
    assert len(decoded) == len(updated.entities)  # the other sources' records were decoded at the first load
    assert sorted(second, key=lambda e: e.id) == sorted(
        [*(e for e in first if e.source != "uflpa"), *updated.entities], key=lambda e: e.id
    )
