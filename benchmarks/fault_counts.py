"""The fault harness's bookkeeping, as pure functions: what was produced (with the offsets the broker gave
it), what came out on holds.v1 / cleared.v1 / entries.dlq.v1, the consumer group's committed offsets on
entries.v1 and the fault windows -> the figures of the report. No broker, no Redis, no clock here.

Every figure in ``MUST_BE_ZERO`` is a broken promise of the contract when it is not zero:

- ``missing``: a valid entry (delivered to entries.v1) with no decision at all;
- ``duplicate_alert_ids``: an entry revision decided more than once with different ``alert_id``s (a
  redelivery must repeat the same id; nothing in a fault run changes lists or dispositions);
- ``clears_in_redis_outage``: a CLEAR made while Redis was stopped. Its ``screened_at`` lies inside the
  stop window, early enough that the worker's Redis reads could not have been answered (see
  ``redis_read_timeout_s``), or the broker stamped the record while Redis was still stopped;
- ``committed_unanswered``: an input below the group's committed offset with neither a decision (by entry
  number) nor a dead letter (by source partition and offset): it was acknowledged and dropped;
- ``canaries_undecided``: the valid entry sent right after a poison record, on its partition, has no
  decision (the poison stalled or crashed its partition);
- ``dead_letters_missing``: poison records that must be dead-lettered and were not;
- ``poison_wrong_outcome``: a poison record with no answer, or an answer it must never get (e.g. a CLEAR
  for a listed name with a lone surrogate appended);
- ``valid_dead_lettered``: a valid entry answered only by a dead letter.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

DECISIONS = frozenset({"HOLD", "REVIEW", "CLEAR"})
DLQ = "DLQ"

MUST_BE_ZERO = (
    "missing",
    "duplicate_alert_ids",
    "clears_in_redis_outage",
    "committed_unanswered",
    "canaries_undecided",
    "dead_letters_missing",
    "poison_wrong_outcome",
    "valid_dead_lettered",
)

# Redis read timeout of the worker's client (streams/runtime.py: socket_timeout=10) plus a second: a batch
# whose Redis reads began later than this before SIGCONT can have been answered after it.
REDIS_READ_TIMEOUT_S = 11.0
# A decision audited just before SIGSTOP is sent a moment later; the broker stamps it then.
SEND_GRACE_S = 1.0
EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class Input:
    """One record the harness produced to entries.v1."""

    seq: int
    kind: str  # "valid" | "canary" | "poison"
    entry_number: str | None  # the entry number its decision would carry (None: it has none)
    partition: int | None = None  # from the delivery report; None: not delivered
    offset: int | None = None
    produced_at: float | None = None  # epoch seconds (the record's timestamp)
    label: str = ""  # a poison's name; a canary's poison
    accept: frozenset[str] = DECISIONS  # outcomes it may get: HOLD, REVIEW, CLEAR, DLQ

    @property
    def delivered(self) -> bool:
        return self.partition is not None and self.offset is not None

    @property
    def must_dead_letter(self) -> bool:
        return self.accept == frozenset({DLQ})


@dataclass(frozen=True, slots=True)
class Output:
    """One record read from holds.v1 / cleared.v1 (a decision) or entries.dlq.v1 (a dead letter)."""

    kind: str  # "HOLD" | "REVIEW" | "CLEAR" | "DLQ" | "UNREADABLE"
    at: float  # when the harness read it (epoch seconds)
    timestamp: float | None = None  # the broker record's timestamp (epoch seconds)
    entry_number: str | None = None
    entry_revision: int | None = None
    alert_id: str | None = None
    screened_at: float | None = None  # epoch seconds
    source_partition: int | None = None  # dead letters: where the input was
    source_offset: int | None = None
    source_key: bytes | None = None


@dataclass(frozen=True, slots=True)
class FaultWindow:
    """A fault as the harness applied it: ``started`` (SIGKILL, SIGSTOP, a worker added) to ``ended``
    (the replacement started, SIGCONT, or the same moment for an added worker), epoch seconds."""

    name: str
    started: float
    ended: float


@dataclass
class Recovery:
    fault: str
    started: float
    ended: float
    duration_s: float
    first_output_s: float | None  # fault end -> the first decision or dead letter read after it
    drained_s: float | None  # fault end -> every entry produced before the end decided (None: never)
    backlog: int  # valid entries and canaries produced before the end and not decided when it ended
    undrained: int  # of those, never decided


@dataclass
class PoisonOutcome:
    label: str
    entry_number: str | None
    partition: int | None
    offset: int | None
    accept: list[str]
    outcomes: list[str]
    ok: bool
    canary: str | None = None
    canary_decided: bool | None = None


@dataclass
class Figures:
    inputs: int = 0
    not_delivered: int = 0
    valid_entries: int = 0
    valid_decided: int = 0
    missing: int = 0
    valid_dead_lettered: int = 0
    decisions: dict[str, int] = field(default_factory=dict)  # first decision per valid entry
    outputs: int = 0
    redeliveries: int = 0  # repeats with the same alert_id (allowed: at-least-once)
    duplicate_alert_ids: int = 0
    clears_in_redis_outage: int = 0
    clears_screened_in_redis_window: int = 0  # every CLEAR with screened_at in a window (incl. ambiguous)
    committed: dict[str, int] = field(default_factory=dict)  # partition -> committed offset
    committed_inputs: int = 0  # inputs below the committed offsets
    committed_unanswered: int = 0
    committed_unknown_offsets: int = 0  # offsets below the committed one the harness did not produce
    uncommitted_inputs: int = 0  # delivered inputs at or above the committed offset
    canaries: int = 0
    canaries_undecided: int = 0
    poison_records: int = 0
    dead_letters_expected: int = 0
    dead_letters_received: int = 0
    dead_letters_missing: int = 0
    poison_wrong_outcome: int = 0
    dead_letters_total: int = 0
    dead_letters_unmatched: int = 0  # dead letters naming no input of this run
    unreadable_outputs: int = 0
    poisons: list[PoisonOutcome] = field(default_factory=list)
    recovery: list[Recovery] = field(default_factory=list)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def failures(self) -> dict[str, int]:
        """The must-be-zero figures that are not zero."""
        return {name: int(getattr(self, name)) for name in MUST_BE_ZERO if getattr(self, name)}

    @property
    def ok(self) -> bool:
        return not self.failures()

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["must_be_zero"] = {name: int(getattr(self, name)) for name in MUST_BE_ZERO}
        out["ok"] = self.ok
        return out


# -- reading records ---------------------------------------------------------------------------------------


def parse_time(text: Any) -> float | None:
    """An ISO 8601 date-time (``...Z`` or with an offset) -> epoch seconds; None if it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def parse_output(topic_kind: str, value: bytes | None, at: float, timestamp: float | None = None) -> Output:
    """A record read from holds/cleared (``topic_kind`` "decision") or the DLQ ("dlq") -> an Output. A
    record that does not parse is an Output of kind UNREADABLE, never an exception."""
    try:
        record = json.loads(value or b"")
        if not isinstance(record, dict):
            raise ValueError("not an object")
        if topic_kind == "dlq":
            source = record.get("source") or {}
            key_b64 = record.get("original_key_b64")
            return Output(
                DLQ,
                at,
                timestamp,
                source_partition=int(source["partition"]),
                source_offset=int(source["offset"]),
                source_key=base64.b64decode(key_b64) if key_b64 else None,
            )
        kind = str(record["decision"])
        if kind not in DECISIONS:
            raise ValueError(f"decision {kind!r}")
        return Output(
            kind,
            at,
            timestamp,
            entry_number=str(record["entry_number"]),
            entry_revision=int(record.get("entry_revision", 0)),
            alert_id=str(record["alert_id"]),
            screened_at=parse_time(record.get("screened_at")),
        )
    except (ValueError, KeyError, TypeError):
        return Output("UNREADABLE", at, timestamp)


# -- counting ----------------------------------------------------------------------------------------------


def _first(times: Iterable[float]) -> float | None:
    return min(times, default=None)


def count(
    inputs: Sequence[Input],
    outputs: Sequence[Output],
    committed: Mapping[int, int] | None,
    faults: Sequence[FaultWindow] = (),
    *,
    redis_read_timeout_s: float = REDIS_READ_TIMEOUT_S,
    send_grace_s: float = SEND_GRACE_S,
) -> Figures:
    """The report's figures. ``committed``: partition -> the group's committed offset on entries.v1 (the
    next offset it would read; None or {} when unknown or nothing is committed)."""
    fig = Figures(inputs=len(inputs), outputs=len(outputs))
    examples: dict[str, list[str]] = defaultdict(list)

    def example(name: str, text: str) -> None:
        if len(examples[name]) < EXAMPLES:
            examples[name].append(text)

    decided: dict[str, list[Output]] = defaultdict(list)
    lettered: dict[tuple[int, int], list[Output]] = defaultdict(list)
    for out in outputs:
        if out.kind in DECISIONS and out.entry_number is not None:
            decided[out.entry_number].append(out)
        elif out.kind == DLQ and out.source_partition is not None and out.source_offset is not None:
            lettered[(out.source_partition, out.source_offset)].append(out)
        elif out.kind == "UNREADABLE":
            fig.unreadable_outputs += 1
    fig.dead_letters_total = sum(len(v) for v in lettered.values())

    def decisions_of(inp: Input) -> list[Output]:
        return decided.get(inp.entry_number, []) if inp.entry_number is not None else []

    def letters_of(inp: Input) -> list[Output]:
        return lettered.get((inp.partition, inp.offset), []) if inp.delivered else []  # type: ignore[arg-type]

    def outcomes(inp: Input) -> set[str]:
        kinds = {o.kind for o in decisions_of(inp)}
        if letters_of(inp):
            kinds.add(DLQ)
        return kinds

    # valid entries
    decisions: dict[str, int] = defaultdict(int)
    for inp in inputs:
        if not inp.delivered:
            fig.not_delivered += 1
            example("not_delivered", f"{inp.kind} {inp.entry_number or inp.label}")
        if inp.kind != "valid" or not inp.delivered:
            continue
        fig.valid_entries += 1
        mine = decisions_of(inp)
        if mine:
            fig.valid_decided += 1
            decisions[min(mine, key=lambda o: o.at).kind] += 1
        elif letters_of(inp):
            fig.valid_dead_lettered += 1
            example("valid_dead_lettered", f"{inp.entry_number} at {inp.partition}:{inp.offset}")
        else:
            fig.missing += 1
            example("missing", f"{inp.entry_number} at {inp.partition}:{inp.offset}")
    fig.decisions = dict(sorted(decisions.items()))

    # duplicates: one entry revision, more than one alert id
    for number, outs in decided.items():
        by_revision: dict[int | None, list[str | None]] = defaultdict(list)
        for o in outs:
            by_revision[o.entry_revision].append(o.alert_id)
        for revision, ids in by_revision.items():
            fig.redeliveries += len(ids) - len(set(ids))
            if len(set(ids)) > 1:
                fig.duplicate_alert_ids += 1
                example("duplicate_alert_ids", f"{number} rev {revision}: {sorted({str(i) for i in ids})}")

    # CLEARs while Redis was stopped
    redis_windows = [f for f in faults if f.name == "redis_pause"]
    for outs in decided.values():
        for o in outs:
            if o.kind != "CLEAR":
                continue
            screened_in = [
                w for w in redis_windows if o.screened_at is not None and w.started <= o.screened_at < w.ended
            ]
            if screened_in:
                fig.clears_screened_in_redis_window += 1
                w = screened_in[0]
                example(
                    "clears_screened_in_redis_window",
                    f"{o.entry_number} screened {o.screened_at - w.started:.1f} s after SIGSTOP, "  # type: ignore[operator]
                    f"{w.ended - o.screened_at:.1f} s before SIGCONT",  # type: ignore[operator]
                )
            certain = any(
                o.screened_at is not None and w.started <= o.screened_at < w.ended - redis_read_timeout_s
                for w in redis_windows
            ) or any(
                o.timestamp is not None and w.started + send_grace_s <= o.timestamp < w.ended for w in redis_windows
            )
            if certain:
                fig.clears_in_redis_outage += 1
                example("clears_in_redis_outage", f"{o.entry_number} screened_at {o.screened_at} ts {o.timestamp}")

    # committed offsets: every input below the committed offset has a decision or a dead letter
    committed = dict(committed or {})
    fig.committed = {str(p): int(c) for p, c in sorted(committed.items())}
    known: dict[int, set[int]] = defaultdict(set)
    for inp in inputs:
        if not inp.delivered:
            continue
        known[inp.partition].add(inp.offset)  # type: ignore[index,arg-type]
        upto = committed.get(inp.partition)  # type: ignore[arg-type]
        if upto is None or inp.offset >= upto:  # type: ignore[operator]
            fig.uncommitted_inputs += 1
            continue
        fig.committed_inputs += 1
        if not decisions_of(inp) and not letters_of(inp):
            fig.committed_unanswered += 1
            example(
                "committed_unanswered",
                f"{inp.kind} {inp.entry_number or inp.label} at {inp.partition}:{inp.offset} < {upto}",
            )
    for partition, upto in committed.items():
        fig.committed_unknown_offsets += sum(1 for o in range(max(upto, 0)) if o not in known.get(partition, set()))

    # poisons and their canaries
    delivered_at = {(i.partition, i.offset) for i in inputs if i.delivered}
    fig.dead_letters_unmatched = sum(len(v) for k, v in lettered.items() if k not in delivered_at)
    canary_of: dict[str, Input] = {i.label: i for i in inputs if i.kind == "canary"}
    for inp in inputs:
        if inp.kind == "canary" and inp.delivered:
            fig.canaries += 1
            if not decisions_of(inp):
                fig.canaries_undecided += 1
                example("canaries_undecided", f"{inp.entry_number} after {inp.label} at {inp.partition}:{inp.offset}")
        if inp.kind != "poison":
            continue
        fig.poison_records += 1
        got = outcomes(inp) if inp.delivered else set()
        ok = inp.delivered and bool(got) and got <= inp.accept
        if inp.must_dead_letter:
            fig.dead_letters_expected += 1
            if DLQ in got:
                fig.dead_letters_received += 1
            else:
                fig.dead_letters_missing += 1
        if not ok:
            fig.poison_wrong_outcome += 1
            example(
                "poison_wrong_outcome", f"{inp.label}: got {sorted(got) or 'nothing'}, accepts {sorted(inp.accept)}"
            )
        canary = canary_of.get(inp.label)
        fig.poisons.append(
            PoisonOutcome(
                label=inp.label,
                entry_number=inp.entry_number,
                partition=inp.partition,
                offset=inp.offset,
                accept=sorted(inp.accept),
                outcomes=sorted(got),
                ok=ok,
                canary=canary.entry_number if canary else None,
                canary_decided=bool(decisions_of(canary)) if canary else None,
            )
        )

    # recovery after each fault
    first_decision: dict[str, float] = {n: min(o.at for o in outs) for n, outs in decided.items()}
    read_times = sorted(o.at for o in outputs)
    flowing = [i for i in inputs if i.kind in ("valid", "canary") and i.delivered and i.produced_at is not None]
    for f in faults:
        first = _first(t for t in read_times if t >= f.ended)
        before = [i for i in flowing if i.produced_at <= f.ended]  # type: ignore[operator]
        backlog = [i for i in before if first_decision.get(i.entry_number or "", float("inf")) > f.ended]
        undrained = [i for i in backlog if (i.entry_number or "") not in first_decision]
        drained: float | None
        if undrained:
            drained = None
        elif backlog:
            drained = max(first_decision[i.entry_number or ""] for i in backlog) - f.ended
        else:
            drained = 0.0
        fig.recovery.append(
            Recovery(
                fault=f.name,
                started=f.started,
                ended=f.ended,
                duration_s=round(f.ended - f.started, 3),
                first_output_s=None if first is None else round(first - f.ended, 3),
                drained_s=None if drained is None else round(max(drained, 0.0), 3),
                backlog=len(backlog),
                undrained=len(undrained),
            )
        )
    fig.examples = dict(examples)
    return fig
