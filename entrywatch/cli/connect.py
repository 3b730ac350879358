"""What the client commands share: ``--bootstrap``/``--redis-url`` (over KAFKA_BOOTSTRAP/REDIS_URL), and a
check, before any work, that the broker and Redis a command needs answer. When they do not, the command
says so in one line naming the address and exits 2 (``main`` prints ``CliError``), instead of librdkafka's
connect errors every few milliseconds and an empty result that looks true."""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from redis.exceptions import AuthenticationError, RedisError

from streams.kafka import common_config
from streams.security import sync_redis
from streams.settings import Settings

CONNECT_TIMEOUT_S = 5.0  # how long a command waits for the broker or Redis to answer before it gives up


class CliError(Exception):
    """A one-line reason a command cannot do its work; ``entrywatch.cli.main`` prints it and exits 2."""


class Unreachable(CliError):
    """The broker or Redis did not answer."""


def add_connection_arguments(
    parser: argparse.ArgumentParser, *, kafka: bool = True, redis: bool = True, default: str = "environment"
) -> None:
    """``--bootstrap`` and ``--redis-url`` for a command that talks to the broker and/or Redis.
    ``default`` says what is used without them: "environment" (KAFKA_BOOTSTRAP/REDIS_URL) or "embedded"."""
    group = parser.add_argument_group("connection")
    if kafka:
        where = "the embedded broker" if default == "embedded" else "$KAFKA_BOOTSTRAP, else 127.0.0.1:9092"
        group.add_argument("--bootstrap", metavar="HOST:PORT[,...]", help=f"Kafka bootstrap servers (default: {where})")
    if redis:
        where = "an embedded redis-server" if default == "embedded" else "$REDIS_URL, else redis://127.0.0.1:6379/0"
        group.add_argument("--redis-url", metavar="URL", help=f"Redis URL (default: {where})")


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings of the environment, with the command line's ``--bootstrap``/``--redis-url`` over them."""
    overrides: dict[str, object] = {}
    if getattr(args, "bootstrap", None):
        overrides["kafka_bootstrap"] = args.bootstrap
    if getattr(args, "redis_url", None):
        overrides["redis_url"] = args.redis_url
    return Settings.load(**overrides)


def connect(
    args: argparse.Namespace,
    *,
    kafka: bool = False,
    redis: bool = False,
    topics: Sequence[str] = (),
    timeout: float | None = None,
) -> Settings:
    """Settings for a client command, after checking that what it uses answers within ``timeout`` (default
    ``CONNECT_TIMEOUT_S``) and that ``topics`` (names before the prefix) exist. Raises ``Unreachable`` or
    ``CliError`` with a one-line reason."""
    settings = settings_from(args)
    timeout = CONNECT_TIMEOUT_S if timeout is None else timeout
    if kafka or topics:
        check_broker(settings, [settings.topic(t) for t in topics], timeout)
    if redis:
        check_redis(settings, timeout)
    return settings


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _librdkafka_reason(line: str) -> str:
    """'FAIL [rdkafka#producer-1] [thrd:...]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed:
    Connection refused (after 0ms in state CONNECT)' -> 'Connect to ipv4#127.0.0.1:1 failed: Connection refused'."""
    text = line.rsplit("]: ", 1)[-1]
    text = re.sub(r"^\S+/(?:bootstrap|\d+): ", "", text)
    return re.sub(r" \(after \d+ms in state \w+\)$", "", text).strip()


def check_broker(settings: Settings, topic_names: Sequence[str] = (), timeout: float = CONNECT_TIMEOUT_S) -> None:
    """The broker answers a metadata request within ``timeout`` and has ``topic_names``."""
    where = settings.kafka_bootstrap
    handler = _Lines()
    log = logging.Logger("entrywatch.connect.librdkafka")  # this client's log lines only, kept for the reason
    log.addHandler(handler)
    config: dict[str, Any] = {**common_config(settings), "logger": log}
    admin = AdminClient(config)
    try:
        meta = admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        admin.poll(0)  # serve the log lines: they hold the reason (refused, unknown host, TLS, SASL, ...)
        reasons = [_librdkafka_reason(line) for line in handler.lines]
        reason = reasons[-1] if reasons else exc.args[0].str()
        raise Unreachable(f"cannot reach the Kafka broker at {where} within {timeout:g}s: {reason}") from None
    missing = [t for t in topic_names if t not in meta.topics]
    if missing:
        raise CliError(
            f"the Kafka broker at {where} has no topic {', '.join(missing)} "
            "(topics are created by `entrywatch up` or the worker; check ENTRYWATCH_TOPIC_PREFIX)"
        )


def redacted(url: str) -> str:
    """A URL without its password, to name it in a message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_redis(settings: Settings, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Redis answers a PING within ``timeout`` with the configured credentials."""
    where = redacted(settings.redis_url.get_secret_value())
    try:
        client = sync_redis(settings, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError as exc:
        raise CliError(f"not a usable Redis URL: {where}: {exc}") from None
    try:
        client.ping()
    except AuthenticationError as exc:
        raise Unreachable(f"cannot use Redis at {where}: credentials refused ({exc})") from None
    except (RedisError, OSError) as exc:
        raise Unreachable(f"cannot reach Redis at {where}: {exc}") from None
    finally:
        client.close()
