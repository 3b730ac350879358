"""The worker's fast paths (rule memo, decode and encode shortcuts) give exactly what the plain path gives:
the same reasons, decisions, alert ids and record bytes, on generated entries of every category."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import EntryGenerator, Generated
from entrywatch.cli.screen import context_from_paths
from screening.entry import Entry, parse_entry
from screening.rules.engine import RuleMemo, evaluate
from screening.screen import SEARCH_LIMIT, ScreeningContext, screen_entry

N = 400


@pytest.fixture(scope="module")
def ctx(lists_dir: Path) -> ScreeningContext:
    return context_from_paths([str(lists_dir / "uflpa"), str(lists_dir / "cbp"), str(lists_dir / "un")], quiet=True)


@pytest.fixture(scope="module")
def generated(lists_dir: Path) -> list[Generated]:
    gen = EntryGenerator.from_paths([lists_dir / "uflpa", lists_dir / "cbp", lists_dir / "un"], seed=5, parties=60)
    return list(gen.generate(N))


def plain_reasons(entry: Entry, ctx: ScreeningContext) -> list[Any]:
    """The engine without any memo."""

    def search(name: str, country: str | None, city: str | None, types: frozenset[str], evidence: Any) -> Any:
        return ctx.index.search(name, country=country, limit=SEARCH_LIMIT, city=city, types=types, evidence=evidence)

    return evaluate(entry, search=search, hold=ctx.index.thresholds.hold, rules=ctx.rules, facts=ctx.facts)


def test_the_rule_memo_changes_no_reason(ctx: ScreeningContext, generated: list[Generated]) -> None:
    entries = [parse_entry(g.record) for g in generated]
    for _ in range(2):  # the second pass is answered from a full memo
        for entry in entries:
            assert list(screen_entry(entry, ctx).reasons) == plain_reasons(entry, ctx)
    assert ctx.memo.mids and ctx.memo.regions  # the memo was used


def test_a_memo_serves_only_the_rules_it_was_first_used_with(ctx: ScreeningContext) -> None:
    memo = RuleMemo()
    assert memo.serves(ctx.rules)
    assert memo.serves(ctx.rules)
    other = type(ctx.rules)(ctx.rules.places, ctx.rules.products, ctx.rules.mid, ctx.rules.decisions)
    assert not memo.serves(other)
