"""Every message answered before its offset may be acked (streams.screener), whatever one record does."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from collections.abc import Awaitable
from typing import Any

import fakeredis
import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

from screening.screen import ScreeningContext
from streams.codecs import DLQ_ENVELOPE_BYTES, decode_dead_letter
from streams.health import SCREEN_AGENT_DOWN, SCREEN_AGENT_STALLED, AgentHealth
from streams.pipeline import Inbound, Outbound
from streams.runtime import Runtime
from streams.screener import Screener, Undeliverable
from streams.settings import Settings
from tests.conftest import assert_valid

LISTED = "Hoshine Silicon Industry (Shanshan) Co., Ltd"  # UFLPA Entity List: HOLD


def entry(number: str, name: str = "Acme Tools Ltd") -> dict[str, Any]:
    return {"entry_number": number, "parties": {"manufacturer": {"name": name, "address": {"country": "CN"}}}}


def raw(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj).encode()


def inbound(values: list[bytes | None]) -> list[Inbound]:
    return [Inbound(f"k{i}".encode(), v, "entries.v1", 0, i) for i, v in enumerate(values)]


class Broker:
    """Captures what the screener sends; ``fail`` decides per record whether its delivery raises."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self.fail: Any = lambda record: None  # returns an exception to raise, or None

    async def send(self, record: Outbound) -> Awaitable[Any]:
        exc = self.fail(record)
        if exc is not None:
            raise exc
        self.sent.append(record)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


@pytest.fixture()
def runtime(skeleton_context: ScreeningContext) -> Runtime:
    rt = Runtime(Settings(kafka_bootstrap="127.0.0.1:1", redis_retry_max_s=0.2), fakeredis.aioredis.FakeRedis())
    rt.lists.swap(skeleton_context)
    return rt


def letters(records: list[Outbound]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        if r.decision == "DLQ":
            letter = json.loads(r.value)
            assert_valid("dead-letter.v1.json", letter)
            out.append(letter)
    return out


async def test_a_lone_surrogate_in_a_listed_name_is_dead_lettered_and_the_rest_decided(runtime: Runtime) -> None:
    poison = raw(entry("SUR-1", LISTED)).replace(b'Ltd"', b'Ltd\\ud800"')
    clean_poison = raw(entry("SUR-2", "Acme")).replace(b'Acme"', b'Acme\\udc00"')
    broker = Broker()
    out = await Screener(runtime, broker.send).answer(
        inbound([poison, raw(entry("CANARY-1", LISTED)), clean_poison, raw(entry("CANARY-2"))])
    )
    assert [r.decision for r in out] == ["DLQ", "HOLD", "DLQ", "CLEAR"]
    assert all("surrogate" in letter["error"] and letter["error_kind"] == "decode" for letter in letters(out))
    for r in broker.sent:
        r.value.decode("utf-8")  # every record sent is valid UTF-8
    # the shared name results of this batch can be pushed (they used to fail to encode)
    await Screener(runtime, broker.send).push_shared_names()


async def test_duplicate_keys_are_refused_on_the_worker_path(runtime: Runtime) -> None:
    twice = (
        b'{"entry_number": "DUP-1", "parties": {"manufacturer": {"name": "' + LISTED.encode() + b'"}, '
        b'"manufacturer": {"name": "Acme Tools Ltd"}}}'
    )
    out = await Screener(runtime, Broker().send).answer(inbound([twice, raw(entry("CANARY"))]))
    assert [r.decision for r in out] == ["DLQ", "CLEAR"]
    [letter] = letters(out)
    assert letter["error_kind"] == "duplicate_key" and "'manufacturer'" in letter["error"]


async def test_null_and_empty_values_give_different_dead_letters(runtime: Runtime) -> None:
    out = await Screener(runtime, Broker().send).answer(inbound([None, b""]))
    null, empty = letters(out)
    assert null["original_null"] is True and empty["original_null"] is False
    assert "null" in null["error"] and "empty" in empty["error"]
    assert decode_dead_letter(out[0].value)["original"] is None
    assert decode_dead_letter(out[1].value)["original"] == b""


async def test_an_oversize_entry_gets_a_dead_letter_that_fits_the_producer(runtime: Runtime) -> None:
    s = runtime.settings
    big = raw(entry("BIG-1", LISTED) | {"pad": "x" * 1_500_000})
    medium = raw(entry("MID-1") | {"pad": "y" * (s.max_message_bytes - 200)})  # under the limit, over keep_bytes
    out = await Screener(runtime, Broker().send).answer(
        [
            Inbound(b"k" * 10_000, big, "entries.v1", 2, 7),  # a huge key too
            Inbound(b"k2", medium, "entries.v1", 2, 8),
            Inbound(b"k3", raw(entry("CANARY")), "entries.v1", 2, 9),
        ]
    )
    assert [r.decision for r in out] == ["DLQ", "CLEAR", "CLEAR"]
    [letter] = letters(out)
    assert len(out[0].value) + len(out[0].key) <= s.producer_max_request_bytes
    assert letter["original_omitted"] is True and letter["original_b64"] == ""
    assert letter["original_sha256"] == hashlib.sha256(big).hexdigest() and letter["original_size"] == len(big)
    assert letter["source"] == {"topic": "entries.v1", "partition": 2, "offset": 7}
    assert letter["original_key_b64"] is None and letter["original_key_size"] == 10_000
    assert len(out[0].key) == 64  # the letter is keyed by the original key's digest


def test_dead_letters_that_could_not_fit_are_refused_at_start() -> None:
    with pytest.raises(ValueError, match="dlq_keep_bytes"):
        Settings(dlq_keep_bytes=1_000_000, producer_max_request_bytes=1_048_576)
    ok = Settings(dlq_keep_bytes=0, producer_max_request_bytes=65_536)
    assert 4 * ok.dlq_keep_bytes // 3 + DLQ_ENVELOPE_BYTES <= ok.producer_max_request_bytes


def test_an_empty_web_token_is_refused() -> None:
    for token in ("", "   "):
        with pytest.raises(ValueError, match="web_token"):
            Settings(web_token=token)
    assert Settings(web_token="s3cret").web_token is not None


async def test_a_record_the_broker_refuses_is_dead_lettered_and_the_batch_goes_on(runtime: Runtime) -> None:
    broker = Broker()
    broker.fail = lambda r: MessageSizeTooLargeError() if b"HUGE-DECISION" in r.value and r.decision != "DLQ" else None
    out = await Screener(runtime, broker.send).answer(
        inbound([raw(entry("A")), raw(entry("HUGE-DECISION", LISTED)), raw(entry("B"))])
    )
    assert [r.decision for r in out] == ["CLEAR", "DLQ", "CLEAR"]
    [letter] = letters(out)
    assert letter["error_kind"] == "delivery" and "MessageSizeTooLargeError" in letter["error"]
    assert base64.b64decode(letter["original_b64"]) == raw(entry("HUGE-DECISION", LISTED))
    assert runtime.screen_health.fallbacks == 1


async def test_a_fault_in_one_record_does_not_take_the_batch_with_it(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streams.screener as screener_module

    real = screener_module.audited_outputs

    async def audited(screened: Any, *args: Any, **kw: Any) -> Any:
        if any(s.entry is not None and s.entry.entry_number == "BUG" for s in screened):
            raise KeyError("a bug that only this entry meets")
        return await real(screened, *args, **kw)

    monkeypatch.setattr(screener_module, "audited_outputs", audited)
    out = await Screener(runtime, Broker().send).answer(inbound([raw(entry("A")), raw(entry("BUG")), raw(entry("B"))]))
    assert [r.decision for r in out] == ["CLEAR", "DLQ", "CLEAR"]
    [letter] = letters(out)
    assert letter["error_kind"] == "screening" and "KeyError" in letter["error"]


async def test_transient_broker_failures_are_retried_not_dead_lettered(runtime: Runtime) -> None:
    broker, failures = Broker(), [KafkaConnectionError(), KafkaConnectionError()]
    broker.fail = lambda r: failures.pop() if failures else None
    out = await Screener(runtime, broker.send).answer(inbound([raw(entry("A")), raw(entry("B"))]))
    assert [r.decision for r in out] == ["CLEAR", "CLEAR"]
    assert runtime.screen_health.retries == 2 and runtime.screen_health.fallbacks == 0


async def test_an_undeliverable_dead_letter_stops_the_batch_unanswered(runtime: Runtime) -> None:
    broker = Broker()
    broker.fail = lambda r: MessageSizeTooLargeError() if r.decision == "DLQ" else None
    with pytest.raises(Undeliverable):
        await Screener(runtime, broker.send).answer(inbound([raw(entry("A")), b"not json"]))


def test_agent_health_names_a_crashed_or_stalled_agent() -> None:
    h = AgentHealth()
    assert h.problems(30.0) == [] and not h.up
    h.batch_started()
    assert h.up and h.problems(30.0) == []
    assert h.problems(30.0, now=h.busy_since + 31.0) == [SCREEN_AGENT_STALLED]  # type: ignore[operator]
    h.batch_done()
    assert h.problems(30.0) == [] and h.batches == 1
    h.crashed(RuntimeError("x"))
    assert h.problems(30.0) == [SCREEN_AGENT_DOWN] and not h.up and h.crashes == 1


class _Entry:
    def __init__(self, value: str) -> None:
        self.value = value


class _Future:
    def __init__(self, configs: dict[str, Any] | Exception) -> None:
        self.configs = configs

    def result(self, timeout: float) -> dict[str, Any]:
        if isinstance(self.configs, Exception):
            raise self.configs
        return self.configs


class _Admin:
    def __init__(self, limit: str | None) -> None:
        self.limit = limit

    def describe_configs(self, resources: list[Any]) -> dict[Any, _Future]:
        if self.limit is None:  # a broker that does not report topic configs (Tansu)
            return {r: _Future({}) for r in resources}
        return {r: _Future({"max.message.bytes": _Entry(self.limit)}) for r in resources}


def test_topics_that_refuse_the_largest_record_stop_the_worker_at_start() -> None:
    from streams.topics import RecordLimitError, check_record_limits

    s = Settings(kafka_bootstrap="127.0.0.1:1")
    assert len(check_record_limits(s, _Admin("1048588"))) == 3  # Kafka's default: fits
    assert check_record_limits(s, _Admin(None)) == {}  # not reported: not checked
    with pytest.raises(RecordLimitError, match=r"max\.message\.bytes"):
        check_record_limits(s, _Admin("500000"))
