"""The benchmark's entry generator: valid customs-entry.v1 records, every category, realistic shapes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generate import (
    CATEGORIES,
    MAX_LINES,
    MAX_PARTIES,
    MIN_LINES,
    MIN_PARTIES,
    EntryGenerator,
    ListedName,
    near_miss,
)
from screening.entry import parse_entry
from tests.conftest import assert_valid


@pytest.fixture(scope="module")
def generator(lists_dir: Path) -> EntryGenerator:
    return EntryGenerator.from_paths([lists_dir], seed=11)


@pytest.fixture(scope="module")
def generated(generator: EntryGenerator) -> list:  # type: ignore[type-arg]
    return list(generator.generate(400))


def test_entries_validate_against_the_schema(generated: list) -> None:  # type: ignore[type-arg]
    for g in generated:
        assert_valid("customs-entry.v1.json", g.record)
        assert json.loads(g.encode()) == g.record
        parse_entry(g.record)  # the worker's own parser accepts it too


def test_the_mix_contains_every_category(generated: list) -> None:  # type: ignore[type-arg]
    counts = Counter(g.category for g in generated)
    assert set(counts) == set(CATEGORIES)
    assert counts["clean"] > counts["listed"]  # clean entries dominate, as in real traffic


def test_small_runs_still_have_every_category(generator: EntryGenerator) -> None:
    assert set(generator.categories(4)) == set(CATEGORIES)
    assert len(generator.categories(7)) == 7


def test_lines_and_parties_are_in_range(generated: list) -> None:  # type: ignore[type-arg]
    lines, parties = set(), set()
    for g in generated:
        entry = parse_entry(g.record)
        n_parties = len(entry.named_parties())  # importer + declared parties + supply-chain tiers
        assert MIN_LINES <= len(entry.lines) <= MAX_LINES
        assert MIN_PARTIES <= n_parties <= MAX_PARTIES
        lines.add(len(entry.lines))
        parties.add(n_parties)
    assert lines == set(range(MIN_LINES, MAX_LINES + 1))
    assert parties == set(range(MIN_PARTIES, MAX_PARTIES + 1))


def test_categories_carry_what_they_say(generator: EntryGenerator, generated: list) -> None:  # type: ignore[type-arg]
    listed = {n.name for names in generator.names.values() for n in names}
    for g in generated:
        entry = parse_entry(g.record)
        names = {p[3] for p in entry.named_parties()}
        tiers = [t for line in entry.lines for t in line.supply_chain]
        in_xinjiang = [t for t in tiers if t.address and t.address.province == "Xinjiang"]
        if g.category == "listed":
            assert names & listed, g.record
        elif g.category == "xinjiang":
            assert in_xinjiang and all(t.country == "CN" for t in in_xinjiang)
        elif g.category == "clean":
            assert not names & listed and not in_xinjiang


def test_names_come_from_every_list_source(generator: EntryGenerator) -> None:
    # Whatever the loader returns today (at least the UFLPA and WRO names) feeds the pool.
    assert {"uflpa", "cbp_wro"} <= set(generator.names)


def test_generation_is_deterministic(lists_dir: Path) -> None:
    a = [g.record for g in EntryGenerator.from_paths([lists_dir], seed=3).generate(30)]
    b = [g.record for g in EntryGenerator.from_paths([lists_dir], seed=3).generate(30)]
    assert a == b


@pytest.mark.parametrize(
    "name", ["Hoshine Silicon Industry (Shanshan) Co., Ltd", "Lop County Meixin Hair Products", "ABC"]
)
def test_near_miss_always_changes_the_name(name: str) -> None:
    import random

    rng = random.Random(1)
    for _ in range(50):
        assert near_miss(name, rng) != name


def test_an_empty_pool_is_refused() -> None:
    with pytest.raises(ValueError):
        EntryGenerator({})
    with pytest.raises(ValueError):
        EntryGenerator({"x": [ListedName("A Co", "x")]}, mix={"nonsense": 1.0})


def test_unlisted_parties_repeat_from_a_population(lists_dir: Path) -> None:
    def manufacturers(**kw: object) -> list[str]:
        gen = EntryGenerator.from_paths([lists_dir], seed=5, mix={"clean": 1.0}, **kw)  # type: ignore[arg-type]
        return [str(g.record["parties"]["manufacturer"]["name"]) for g in gen.generate(300)]  # type: ignore[index]

    pooled, fresh = manufacturers(parties=200, fresh=0.0), manufacturers(fresh=1.0)
    assert len(set(pooled)) < len(pooled) / 2  # established companies come back
    assert len(set(fresh)) > len(set(pooled))
    # the population does not depend on the seed: a warm-up generator shares it
    other = EntryGenerator.from_paths([lists_dir], seed=6, mix={"clean": 1.0}, parties=200, fresh=0.0)
    names = {str(g.record["parties"]["manufacturer"]["name"]) for g in other.generate(300)}  # type: ignore[index]
    assert len(names & set(pooled)) > len(names) / 2


def test_population_settings_are_checked(lists_dir: Path) -> None:
    with pytest.raises(ValueError):
        EntryGenerator.from_paths([lists_dir], parties=0)
    with pytest.raises(ValueError):
        EntryGenerator.from_paths([lists_dir], fresh=1.5)
