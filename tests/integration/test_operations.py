"""What operators rely on, against the real stack: /metrics moves with traffic, lag is computed from
fetched positions, /health and /ready name degraded states, and the worker logs JSON lines."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
import redis
from confluent_kafka import Producer
from prometheus_client.parser import text_string_to_metric_families

from entrywatch.listops import load_lists
from stores.keys import Keys
from streams import topics
from streams.kafka import producer_config
from streams.settings import Settings
from tests.conftest import LISTS
from tests.integration.conftest import Stack, Worker, collect

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except OSError:  # not listening yet
        return 0, b""


def scrape(worker: Worker) -> Samples:
    status, body = get(worker.web_port, "/metrics")
    assert status == 200
    out: Samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def val(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def by_label(samples: Samples, name: str, label: str) -> dict[str, float]:
    return {dict(lv)[label]: v for (n, lv), v in samples.items() if n == name}


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"


def hoshine(entry_number: str) -> dict[str, Any]:
    return {
        "entry_number": entry_number,
        "parties": {
            "manufacturer": {"name": HOSHINE, "address": {"country": "CN"}},
        },
        "lines": [{"line_number": 1, "hts_code": "2804.61.0000", "description": "polysilicon"}],
    }


def produce(settings: Settings, records: list[tuple[bytes, bytes]]) -> dict[int, int]:
    """Produce to entries.v1 and return the highest offset delivered per partition."""
    delivered: dict[int, int] = defaultdict(lambda: -1)

    def on_delivery(err: Any, msg: Any) -> None:
        assert err is None, err
        delivered[msg.partition()] = max(delivered[msg.partition()], msg.offset())

    p = Producer(producer_config(settings))
    for key, value in records:
        p.produce(settings.topic(topics.ENTRIES), key=key, value=value, on_delivery=on_delivery)
    assert p.flush(30) == 0
    return dict(delivered)


def test_metrics_move_with_traffic_and_lag_comes_from_fetched_positions(stack: Stack, worker: Worker) -> None:
    before = scrape(worker)
    run = uuid.uuid4().hex[:6]
    holds = [hoshine(f"MET-H{i}-{run}") for i in range(3)]
    seller = {"name": "Vardhman Textiles Limited", "address": {"country": "IN"}}
    probe = {"name": f"Metrics Probe {run} Trading Ltd", "address": {"country": "US"}}  # a name never searched
    clean = {"entry_number": f"MET-C-{run}", "parties": {"seller": seller, "consignee": probe}, "lines": []}
    records = [(e["entry_number"].encode(), json.dumps(e).encode()) for e in [*holds, clean]]
    records += [(f"MET-bad{i}-{run}".encode(), b"{not json " + run.encode()) for i in range(2)]
    # many records at once: the broker stores them in multi-record batches, where ListOffsets is wrong
    records += [(f"MET-F{i}-{run}".encode(), json.dumps(dict(clean, entry_number=f"MET-F{i}-{run}")).encode())
                for i in range(40)]  # fmt: skip
    delivered = produce(stack.settings, records)

    def moved() -> Samples | None:
        now = scrape(worker)
        entries_in = val(now, "entrywatch_entries_total") - val(before, "entrywatch_entries_total")
        return now if entries_in >= len(records) else None

    after = wait_for(moved, 90, "the entries to be counted")

    def delta(name: str, **labels: str) -> float:
        return val(after, name, **labels) - val(before, name, **labels)

    assert delta("entrywatch_decisions_total", decision="HOLD") >= len(holds)
    assert delta("entrywatch_decisions_total", decision="CLEAR") >= 41
    assert delta("entrywatch_decisions_total", decision="DLQ") >= 2
    assert delta("entrywatch_decision_reasons_total", decision="HOLD", code="UFLPA_ENTITY") >= len(holds)
    assert delta("entrywatch_dead_letters_total", error_kind="decode") >= 2
    assert delta("entrywatch_screening_latency_seconds_count") >= len(records)
    assert delta("entrywatch_end_to_end_latency_seconds_count") >= len(records)
    for stage in ("decode", "screen", "send"):
        assert delta("entrywatch_stage_seconds_count", stage=stage) >= 1
    # the probe's search was shared with other workers on the stream of these list versions (after the batch)
    published = "entrywatch_shared_name_results_total"

    def shared() -> Samples | None:
        now = scrape(worker)
        grew = val(now, published, direction="published") > val(before, published, direction="published")
        return now if grew else None

    wait_for(shared, 30, "the batch's name results to be shared")
    r = redis.Redis.from_url(stack.redis.address)
    try:
        streams = list(r.scan_iter(Keys(stack.settings.redis_key_prefix).names("*")))
        assert any(run.encode() in f[b"r"] for key in streams for _, f in r.xrange(key))
    finally:
        r.close()

    # live lists: the versions /ready reports, with their entity counts and an age
    ready = worker.ready()
    assert ready is not None
    for source, version in ready["list_versions"].items():
        assert val(after, "entrywatch_list_info", source=source, version=version) == 1
        assert val(after, "entrywatch_list_entities", source=source) > 0
        assert ("entrywatch_list_age_seconds", (("source", source),)) in after

    # lag: one series per assigned partition; the end is at least past every record we produced
    # (from fetch responses, not the broker's ListOffsets), and it drains to 0 once committed
    assert val(after, "entrywatch_assigned_partitions") == stack.settings.partitions
    highwater = by_label(after, "entrywatch_consumer_highwater", "partition")
    for partition, offset in delivered.items():
        assert highwater[str(partition)] >= offset + 1

    def drained() -> Samples | None:
        now = scrape(worker)
        lags = by_label(now, "entrywatch_consumer_lag", "partition")
        return now if len(lags) == stack.settings.partitions and sum(lags.values()) == 0 else None

    settled = wait_for(drained, 60, "the consumer lag to drain")
    committed = by_label(settled, "entrywatch_consumer_committed_offset", "partition")
    for partition, offset in delivered.items():
        assert committed[str(partition)] >= offset + 1


def test_health_and_ready(worker: Worker) -> None:
    status, body = get(worker.web_port, "/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = get(worker.web_port, "/ready")
    ready = json.loads(body)
    assert status == 200 and ready["status"] == "ready" and ready["health"] in ("ok", "degraded")
    assert ready["problems"] == []
    assert ready["checks"] == {"lists": True, "redis": True, "broker": True, "partitions": True, "screen_agent": True}
    assert ready["screen_agent"]["state"] in ("starting", "idle", "working") and ready["screen_agent"]["crashes"] == 0
    assert {"uflpa", "cbp_wro"} <= set(ready["list_versions"]) and ready["assigned_partitions"] > 0
    assert {li["source"] for li in ready["lists"]} == set(ready["list_versions"])
    assert set(ready["counts"]) == {"in", "HOLD", "REVIEW", "CLEAR", "DLQ"}


def test_ready_names_an_unreachable_redis_and_broker(stack: Stack, worker: Worker) -> None:
    worker.wait_ready()
    stack.redis.pause()
    try:
        status, body = get(worker.web_port, "/ready")
    finally:
        stack.redis.resume()
    ready = json.loads(body)
    assert status == 503 and ready["status"] == "not_ready" and ready["health"] == "failing"
    assert ready["problems"] == ["redis_unreachable"] and ready["checks"]["redis"] is False
    worker.wait_ready(60)

    stack.broker.pause()
    try:
        status, body = get(worker.web_port, "/ready")
    finally:
        stack.broker.resume()
    ready = json.loads(body)
    assert status == 503 and "broker_unreachable" in ready["problems"]
    worker.wait_ready(90)


def test_isolated_worker_not_ready_without_lists_then_logs_holds_as_json(stack: Stack) -> None:
    """A worker of its own (topic prefix, group and Redis keys) starts with no lists: 503
    lists_not_loaded. Loading lists makes it ready; a hold is logged as a JSON line with its ids."""
    tag = f"iso{uuid.uuid4().hex[:6]}"
    env = {
        "ENTRYWATCH_TOPIC_PREFIX": f"{tag}-",
        "ENTRYWATCH_APP_ID": tag,
        "ENTRYWATCH_REDIS_KEY_PREFIX": tag,
        "ENTRYWATCH_LOG_LEVEL": "info",
    }
    settings = Settings(
        kafka_bootstrap=stack.settings.kafka_bootstrap, redis_url=stack.redis.address,  # type: ignore[arg-type]
        topic_prefix=f"{tag}-", app_id=tag, redis_key_prefix=tag, partitions=stack.settings.partitions,
    )  # fmt: skip
    iso = stack.start_worker(**env)
    try:

        def not_ready_without_lists() -> dict[str, Any] | None:
            status, body = get(iso.web_port, "/ready")
            if status != 503:
                return None
            ready: dict[str, Any] = json.loads(body)
            return ready if ready["checks"]["lists"] is False and ready["checks"]["redis"] else None

        assert iso.proc.poll() is None
        ready = wait_for(not_ready_without_lists, 90, "the isolated worker to answer /ready")
        assert "lists_not_loaded" in ready["problems"] and ready["list_versions"] == {}

        load_lists(settings, [str(LISTS)])
        iso.wait_ready(90)

        def every_source_in_force() -> dict[str, Any] | None:
            # sources go live one by one; the worker may take the first before the load's event arrives
            body = iso.ready()
            return body if body and {"uflpa", "cbp_wro"} <= set(body["list_versions"]) else None

        wait_for(every_source_in_force, 90, "the worker to take in every loaded source")

        entry = hoshine(f"LOG-{tag}")
        consumer = stack.consumer(f"{tag}-{topics.HOLDS}")
        produce(settings, [(entry["entry_number"].encode(), json.dumps(entry).encode())])
        [msg] = collect(consumer, lambda m: len(m) >= 1, timeout=60)
        consumer.close()
        alert = json.loads(msg.value())
        assert alert["decision"] == "HOLD"

        def logged() -> list[dict[str, Any]]:
            lines = [ln for ln in iso.log.read_text().splitlines() if ln.strip()]
            events = [json.loads(ln) for ln in lines]  # every line is one JSON event
            return [e for e in events if e.get("entry_number") == entry["entry_number"]]

        [event] = wait_for(logged, 30, "the hold to be logged")
        assert event["alert_id"] == alert["alert_id"] and event["decision"] == "HOLD"
        assert event["level"] == "info" and event["logger"] == "streams.runtime"
        assert "parties" not in event and "Hoshine" not in json.dumps(event)  # ids only, never the entry
    finally:
        iso.stop()
