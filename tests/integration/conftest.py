"""A real stack for integration tests: Tansu and redis-server on free loopback ports, topics created,
lists loaded, and the worker as a separate process (`python -m entrywatch.cli worker`)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer

from entrywatch import embedded
from entrywatch.listops import parse_paths, store_snapshots
from screening.entities import ListSnapshot
from streams import topics
from streams.kafka import consumer_config, producer_config
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import LISTS, ROOT


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    web_port: int
    log: Path

    def ready(self, timeout: float = 1.0) -> dict[str, Any] | None:
        """The /ready body, 200 or 503 alike; None if the worker does not answer within ``timeout``."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/ready", timeout=timeout) as resp:
                body: dict[str, Any] = json.load(resp)
                return body
        except urllib.error.HTTPError as exc:  # 503: not ready, with the reasons in the body
            failed: dict[str, Any] = json.load(exc)
            return failed
        except OSError:
            return None

    def wait_ready(self, timeout: float = 90.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            body = self.ready()
            if body and body.get("status") == "ready":
                return body
            time.sleep(0.25)
        raise TimeoutError(f"worker not ready after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@dataclass
class Stack:
    settings: Settings
    broker: embedded.Service
    redis: embedded.Service
    log_dir: Path
    workers: list[Worker] = field(default_factory=list)

    def stop_redis(self) -> None:
        """Stop Redis (a clean shutdown writes its append-only file)."""
        self.redis.stop()

    def start_redis_again(self) -> None:
        """Start Redis on the same port and data folder: its data is back, clients reconnect."""
        self.redis = embedded.start_redis(
            port=self.redis.port, log_dir=self.log_dir, data_dir=self.log_dir / "redis-data"
        )

    def start_worker(self, **env: str) -> Worker:
        port = embedded.free_port()
        log = self.log_dir / f"worker-{len(self.workers)}.log"
        full_env = {
            **os.environ,
            "KAFKA_BOOTSTRAP": self.settings.kafka_bootstrap,
            "REDIS_URL": self.redis.address,
            "ENTRYWATCH_WEB_PORT": str(port),
            "ENTRYWATCH_PARTITIONS": str(self.settings.partitions),
            "ENTRYWATCH_TOPIC_PREFIX": self.settings.topic_prefix,
            "ENTRYWATCH_APP_ID": self.settings.app_id,
            "ENTRYWATCH_DATA_DIR": str(self.log_dir / f"faust-{len(self.workers)}"),
            **env,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "entrywatch.cli", "worker"],
            env=full_env,
            stdout=open(log, "ab"),  # noqa: SIM115 - the process owns it
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            preexec_fn=embedded.die_with_parent(),  # a killed test run leaves no worker behind
        )
        worker = Worker(proc, port, log)
        self.workers.append(worker)
        return worker

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run ``entrywatch ARGS`` as a process against this stack."""
        full_env = {
            **os.environ,
            "KAFKA_BOOTSTRAP": self.settings.kafka_bootstrap,
            "REDIS_URL": self.redis.address,
            **env,
        }
        return subprocess.run(
            [sys.executable, "-m", "entrywatch.cli", *args],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )

    def producer(self) -> Producer:
        return Producer(producer_config(self.settings))

    def produce(self, records: list[tuple[bytes | None, bytes | None]]) -> None:
        p = self.producer()
        for key, value in records:
            p.produce(self.settings.topic(topics.ENTRIES), key=key, value=value)
        assert p.flush(30) == 0

    def consumer(self, *topic_names: str) -> Consumer:
        c = Consumer(consumer_config(self.settings, f"test-{uuid.uuid4().hex[:8]}"))
        c.subscribe([self.settings.topic(t) for t in topic_names])
        return c


def collect(consumer: Consumer, until: Any, timeout: float = 60.0) -> list[Any]:
    """Poll until ``until(messages)`` is true or the time is up; returns what was read."""
    messages: list[Any] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until(messages):
        msg = consumer.poll(0.5)
        if msg is not None and not msg.error():
            messages.append(msg)
    return messages


@pytest.fixture(scope="session")
def list_snapshots() -> list[ListSnapshot]:
    """The bundled lists, parsed once per test session (newest version of each source)."""
    snapshots, report = parse_paths([str(LISTS)])
    assert report.refused == []  # the bundled data loads with no refusal
    assert {s.source for s in snapshots} >= {"uflpa", "cbp_wro", "cbp_wro_names", "ofac_sdn", "csl"}
    return snapshots


@contextlib.contextmanager
def running_stack(log_dir: Path, snapshots: list[ListSnapshot], **overrides: Any) -> Iterator[Stack]:
    """Broker and Redis on free ports, topics created, lists stored; everything stopped on exit."""
    broker = embedded.start_broker(log_dir=log_dir)
    redis = embedded.start_redis(log_dir=log_dir, data_dir=log_dir / "redis-data")
    settings = Settings(
        kafka_bootstrap=broker.address,
        redis_url=redis.address,  # type: ignore[arg-type]
        partitions=4,
        web_port=0,
        **overrides,
    )
    s = Stack(settings, broker, redis, log_dir)
    try:
        ensure_topics(settings)
        report = store_snapshots(settings, snapshots)
        assert not report.refused, report.refused
        yield s
    finally:
        for w in s.workers:
            w.stop()
        s.redis.stop()
        broker.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, list_snapshots: list[ListSnapshot]) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack"), list_snapshots) as s:
        yield s


@pytest.fixture()
def fresh_stack(tmp_path: Path, list_snapshots: list[ListSnapshot]) -> Iterator[Stack]:
    """A stack of its own, for tests that kill or pause its processes."""
    with running_stack(tmp_path, list_snapshots) as s:
        yield s


@pytest.fixture(scope="session")
def worker(stack: Stack) -> Worker:
    w = stack.start_worker()
    w.wait_ready()
    return w
