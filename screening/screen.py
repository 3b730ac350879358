"""Screen one customs entry: every declared party and every supply-chain tier against the lists, and
the rules (region, products, MID, WRO scope, sanctions, export controls) over the whole entry.

This is the single function the Faust agent, the offline ``entrywatch screen`` command and the tests
call. It is pure: the caller passes the prepared index of the list versions in force and the rule set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from screening import ENGINE_VERSION
from screening.decision import Decision, combine
from screening.entities import Entity
from screening.entry import Entry
from screening.matching import Match, NameIndex, PartyEvidence
from screening.rules.engine import ListFacts, RuleMemo, evaluate, nothing_to_screen
from screening.rules.ruleset import RuleSet, default_rules

SEARCH_LIMIT = 3


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """Everything screening needs, fixed for one set of list versions and rule versions."""

    index: NameIndex
    list_versions: dict[str, str] = field(default_factory=dict)
    rules: RuleSet = field(default_factory=default_rules)
    facts: ListFacts = field(default_factory=ListFacts)
    # rule lookups that repeat across entries (manufacturer MIDs, addresses, HTS codes); like the name
    # cache, it lives and dies with the context
    memo: RuleMemo = field(default_factory=RuleMemo, compare=False, repr=False)

    @classmethod
    def from_entities(
        cls,
        entities: Iterable[Entity],
        list_versions: dict[str, str],
        rules: RuleSet | None = None,
        **kw: object,
    ) -> ScreeningContext:
        entities = list(entities)
        rules = rules or default_rules()
        index = NameIndex(entities, **kw)  # type: ignore[arg-type]
        return cls(index, dict(list_versions), rules, ListFacts.build(entities, rules))


def screen_entry(entry: Entry, ctx: ScreeningContext) -> Decision:
    def search(
        name: str, country: str | None, city: str | None, types: frozenset[str], evidence: PartyEvidence | None
    ) -> Sequence[Match]:
        return ctx.index.search(name, country=country, limit=SEARCH_LIMIT, city=city, types=types, evidence=evidence)

    reasons = evaluate(
        entry, search=search, hold=ctx.index.thresholds.hold, rules=ctx.rules, facts=ctx.facts, memo=ctx.memo
    )
    empty = nothing_to_screen(entry, ctx.rules)
    if empty is not None:  # nothing was screened: never CLEAR
        reasons.append(empty)
    return Decision(
        entry_number=entry.entry_number,
        entry_revision=entry.entry_revision,
        decision=combine(reasons),
        reasons=tuple(reasons),
        list_versions={**ctx.list_versions, **ctx.rules.versions()},
        algorithm=ctx.index.algorithm,
        engine_version=ENGINE_VERSION,
        direction=entry.direction,
    )
