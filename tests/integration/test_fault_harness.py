"""The fault harness (benchmarks/faults.py) on the real stack, kept short: a few entries, every poison
record (each followed by a canary), and one worker SIGKILLed mid-stream. The counts come out, nothing is
missing or committed unanswered, no agent crashes, and what the harness read is what is on the topics."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from benchmarks.fault_counts import count, parse_output
from benchmarks.faults import Config, FaultRun, render
from benchmarks.poison import poisons
from streams.kafka import consumer_config

pytestmark = pytest.mark.integration

POISONS = tuple(r.label for r in poisons("labels", 1_000_000))


def reread_outputs(run: FaultRun) -> list[object]:
    """Every decision and dead letter on the topics, read again by a consumer of our own."""
    s = run.settings
    assert s is not None
    kinds = {s.topic("holds.v1"): "decision", s.topic("cleared.v1"): "decision", s.topic("entries.dlq.v1"): "dlq"}
    consumer = Consumer(consumer_config(s, f"reread-{run.run_id}"))
    consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t in kinds for p in range(run.cfg.partitions)])
    outs: list[object] = []
    idle_since = time.monotonic()
    try:
        while time.monotonic() - idle_since < 5:
            for msg in consumer.consume(500, timeout=0.5):
                if not msg.error():
                    outs.append(parse_output(kinds[msg.topic() or ""], msg.value(), time.time()))
                    idle_since = time.monotonic()
    finally:
        consumer.close()
    return outs


def test_harness_counts_a_worker_kill_and_poison_records(tmp_path: Path) -> None:
    cfg = Config(
        entries=120,
        duration_s=30.0,
        faults=("kill",),
        poison_labels=POISONS,
        timeout_s=420.0,
        drain_timeout_s=120.0,
        log_dir=str(tmp_path),
    )
    run = FaultRun(cfg)
    try:
        report = run.run()
        text = render(report)
        assert run.aborted is None and run.harness_error is None, text
        fig = report["figures"]
        assert fig["inputs"] == 120 + 2 * len(POISONS) and fig["not_delivered"] == 0, text
        assert fig["valid_entries"] == 120 and fig["missing"] == 0, text
        assert fig["duplicate_alert_ids"] == 0 and fig["committed_unanswered"] == 0, text
        assert fig["canaries"] == len(POISONS) and fig["canaries_undecided"] == 0, text
        assert fig["committed"] and fig["committed_inputs"] > 0, text
        assert report["partition_mismatches"] == 0
        poisons = {p["label"]: p for p in fig["poisons"]}
        assert set(poisons) == set(POISONS)
        assert all(p["outcomes"] for p in poisons.values()), text  # each answered, one way or another
        dead_lettered = ("null_value", "empty_value", "invalid_utf8", "nesting_1500", "integer_5000_digits", "oversize")
        dead_lettered += ("duplicate_keys", "surrogate_listed_name", "surrogate_clean_name", "oversize_1_5mb")
        for label in dead_lettered:
            assert poisons[label]["outcomes"] == ["DLQ"] and poisons[label]["ok"], text
        [kill] = fig["recovery"]
        assert kill["fault"] == "worker_kill" and kill["drained_s"] is not None, text
        assert [w["name"] for w in report["workers"]] == ["worker-0", "worker-1"]
        assert report["agent_crashes"]["total"] == 0, text

        # the harness missed nothing: a fresh read of the topics gives the same figures
        again = count([r.as_input() for r in run.records], reread_outputs(run), run.committed)  # type: ignore[arg-type]
        assert again.outputs == fig["outputs"] and again.missing == 0 and again.committed_unanswered == 0
    finally:
        run.cleanup()
    assert all(not w.alive() for w in run.workers)
    assert not run.services and not run.pids()
