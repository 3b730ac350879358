"""Property tests of the worker's batch route (``Screener.answer``): whatever bytes arrive, each message
gives exactly one output — a schema-valid decision, or a schema-valid dead letter carrying the original
bytes — and nothing raises."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.screen import ScreeningContext
from streams.pipeline import Inbound
from streams.settings import Settings
from tests.conftest import assert_valid
from tests.worker_route import answer

SETTINGS = Settings(kafka_bootstrap="127.0.0.1:1", max_message_bytes=64_000)
VALID: dict[str, Any] = {
    "entry_number": "FZ-1",
    "entry_revision": 0,
    "parties": {"manufacturer": {"name": "Hoshine Silicon Industry (Shanshan) Co., Ltd", "address": {"country": "CN"}}},
    "lines": [
        {
            "line_number": 1,
            "hts_code": "2804.61.0000",
            "quantity": 5,
            "supply_chain": [{"tier": 2, "name": "Some Mine"}],
        }
    ],
}

json_leaf = (
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=30)
)
json_value = st.recursive(
    json_leaf,
    lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=12), c, max_size=5),
    max_leaves=25,
)
paths = st.sampled_from(
    [
        ("entry_number",), ("entry_revision",), ("filed_at",), ("direction",), ("parties",),
        ("parties", "manufacturer"), ("parties", "manufacturer", "name"), ("parties", "manufacturer", "address"),
        ("lines",), ("lines", 0), ("lines", 0, "quantity"), ("lines", 0, "supply_chain"),
        ("lines", 0, "supply_chain", 0, "tier"), ("extra_field",),
    ]
)  # fmt: skip


def mutate(path: tuple[Any, ...], value: Any) -> bytes:
    doc = json.loads(json.dumps(VALID))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(doc).encode()


def check(outputs: list[Any], raws: list[bytes]) -> None:
    assert len(outputs) == len(raws)
    for out, raw in zip(outputs, raws, strict=True):
        record = json.loads(out.value)
        if out.topic == "entries.dlq.v1":
            assert_valid("dead-letter.v1.json", record)
            assert base64.b64decode(record["original_b64"]) == raw
        else:
            assert out.topic in ("holds.v1", "cleared.v1")
            assert_valid("hold-alert.v1.json", record)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=st.lists(st.tuples(paths, json_value), min_size=1, max_size=6))
def test_mutated_entries_give_one_valid_output_each(skeleton_context: ScreeningContext, mutations: list[Any]) -> None:
    raws = [mutate(p, v) for p, v in mutations]
    check(
        answer([Inbound(b"k", r, "entries.v1", 0, i) for i, r in enumerate(raws)], skeleton_context, SETTINGS),
        raws,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raws=st.lists(st.binary(max_size=300) | json_value.map(lambda v: json.dumps(v).encode()), min_size=1, max_size=6)
)
def test_arbitrary_bytes_give_one_valid_output_each(skeleton_context: ScreeningContext, raws: list[bytes]) -> None:
    check(
        answer([Inbound(None, r, "entries.v1", 1, i) for i, r in enumerate(raws)], skeleton_context, SETTINGS),
        raws,
    )
