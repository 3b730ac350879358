"""Client commands that cannot reach the broker or Redis say so in one line naming the address and exit 2,
without librdkafka's connect errors and without an empty result; every client command takes --bootstrap
and --redis-url; bad --since / --id values get argparse's one-line message of what is expected."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

import entrywatch.cli.connect as connect
from entrywatch.cli import build_parser, main
from entrywatch.cli.connect import redacted
from tests.conftest import LISTS, ROOT

CLIENT_COMMANDS = ("holds", "dlq", "lists", "explain", "bench", "retro")
OFFLINE_LEAVES = {("bench", "match")}  # the matcher benchmark reads list files only
REDIS_ONLY_LEAVES = {("retro", "bench"), ("holds", "export")}  # they read Redis (retro state, the audit trail) only


@pytest.fixture()
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on (bound without listen: connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if parser.get_default("func") is not None:
        yield path, parser
    for action in subs:
        for name, child in action.choices.items():
            yield from _leaves(child, (*path, name))


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {opt for a in parser._actions for opt in a.option_strings}


def test_every_client_command_takes_bootstrap_and_redis_url() -> None:
    leaves = [(p, sp) for p, sp in _leaves(build_parser()) if p and p[0] in CLIENT_COMMANDS]
    assert {p[0] for p, _ in leaves} == set(CLIENT_COMMANDS)
    for path, parser in leaves:
        if path in OFFLINE_LEAVES:
            continue
        wanted = {"--redis-url"} if path in REDIS_ONLY_LEAVES else {"--bootstrap", "--redis-url"}
        assert wanted <= _options(parser), path


def test_bootstrap_and_redis_url_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "env-host:1")
    monkeypatch.setenv("REDIS_URL", "redis://env-host:1/0")
    args = build_parser().parse_args(["lists", "status", "--bootstrap", "arg-host:2", "--redis-url", "redis://arg:2/3"])
    settings = connect.settings_from(args)
    assert settings.kafka_bootstrap == "arg-host:2" and settings.redis_url.get_secret_value() == "redis://arg:2/3"
    settings = connect.settings_from(build_parser().parse_args(["lists", "status"]))
    assert settings.kafka_bootstrap == "env-host:1" and settings.redis_url.get_secret_value() == "redis://env-host:1/0"


COMMANDS = [
    (["holds", "tail"], "kafka"),
    (["holds", "tail", "--follow", "--json"], "kafka"),
    (["dlq", "show"], "kafka"),
    (["dlq", "show", "--json"], "kafka"),
    (["dlq", "replay", "--all"], "kafka"),
    (["lists", "status"], "redis"),
    (["lists", "status", "--json"], "redis"),
    (["lists", "load", str(LISTS / "uflpa")], "either"),
    (["lists", "rollback", "uflpa"], "either"),
    (["explain", "E-1"], "redis"),
    (["explain", "E-1", "--json"], "redis"),
]


@pytest.mark.parametrize(("argv", "needs"), COMMANDS, ids=[" ".join(a[:3]) for a, _ in COMMANDS])
def test_an_unreachable_broker_or_redis_is_one_line_and_exit_2(
    argv: list[str], needs: str, closed_port: int, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(connect, "CONNECT_TIMEOUT_S", 1.0)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "127.0.0.1:9")  # the flags below win over these
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")
    flags = ["--bootstrap", f"127.0.0.1:{closed_port}", "--redis-url", f"redis://:s3cret@127.0.0.1:{closed_port}/0"]
    assert main([*argv, *flags]) == 2
    out, err = capfd.readouterr()  # file descriptors: librdkafka writes to fd 2 itself
    assert out == ""  # no empty result printed as if true
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("entrywatch: cannot reach ") and f"127.0.0.1:{closed_port}" in lines[0]
    assert "s3cret" not in lines[0]
    if needs == "kafka":
        assert "Kafka broker" in lines[0] and "Connection refused" in lines[0]
    elif needs == "redis":
        assert "Redis at redis://:***@127.0.0.1" in lines[0]


def test_unreachable_broker_as_a_process(closed_port: int) -> None:
    """The real thing, librdkafka's own stderr included: one line, exit 2, within the connect timeout."""
    env = {**os.environ, "KAFKA_BOOTSTRAP": f"127.0.0.1:{closed_port}"}
    proc = subprocess.run(
        [sys.executable, "-m", "entrywatch.cli", "dlq", "show"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"entrywatch: cannot reach the Kafka broker at 127.0.0.1:{closed_port} within 5s: "
        f"Connect to ipv4#127.0.0.1:{closed_port} failed: Connection refused"
    ]


def test_an_unknown_host_is_named() -> None:
    args = build_parser().parse_args(["holds", "tail", "--bootstrap", "no-such-host.invalid:9092"])
    with pytest.raises(connect.Unreachable, match=r"no-such-host\.invalid:9092 within 1s: Failed to resolve"):
        connect.connect(args, kafka=True, timeout=1.0)


def test_redacted_hides_only_the_password() -> None:
    assert redacted("redis://:pw@h:6379/0") == "redis://:***@h:6379/0"
    assert redacted("rediss://user:pw@h/1") == "rediss://user:***@h/1"
    assert redacted("redis://h:6379/0") == "redis://h:6379/0"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["holds", "tail", "--since", "garbage"], "argument --since: expected an ISO-8601 time, epoch seconds"),
        (["holds", "tail", "--since", "nan"], "argument --since: expected an ISO-8601 time"),
        (["dlq", "show", "--id", "garbage"], "argument --id: expected a dead letter id P:O (DLQ partition:offset"),
        (["dlq", "replay", "--id", "1:2", "1:x"], "got '1:x'"),
    ],
)
def test_bad_arguments_say_what_is_expected(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1


def test_good_arguments_are_read() -> None:
    args = build_parser().parse_args(["dlq", "replay", "--id", "01:17", " 3:4"])
    assert args.id == ["1:17", "3:4"]
    args = build_parser().parse_args(["holds", "tail", "--since", "2026-01-02T03:04:05Z"])
    assert args.since == 1767323045000


def test_dlq_show_without_an_assignment_is_not_an_empty_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reachable broker that never assigns the DLQ's partitions: an error, not '0 dead letter(s)'."""
    from entrywatch.cli import dlq
    from streams.settings import Settings

    class NeverAssigned:
        def __init__(self, _config: object) -> None:
            pass

        def subscribe(self, _topics: object, on_assign: object) -> None:
            pass

        def poll(self, _timeout: float) -> None:
            return None

        def close(self) -> None:
            pass

    monkeypatch.setattr(dlq, "Consumer", NeverAssigned)
    monkeypatch.setattr(dlq, "JOIN_S", 0.0)
    settings = Settings(kafka_bootstrap="127.0.0.1:9")  # type: ignore[call-arg]
    with pytest.raises(connect.CliError, match=r"127\.0\.0\.1:9 assigned no partition of entries\.dlq\.v1"):
        list(dlq.read_dead_letters(settings, idle_s=0.1))


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ENTRYWATCH_WEB_TOKEN": ""}, "ENTRYWATCH_WEB_TOKEN"),  # empty must not mean "no auth"
        ({"ENTRYWATCH_DLQ_KEEP_BYTES": "2000000"}, "producer_max_request_bytes"),  # dead letters could not fit
    ],
)
def test_a_refused_setting_stops_the_worker_in_one_line(env: dict[str, str], named: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "entrywatch.cli", "worker"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and "Traceback" not in proc.stderr, proc.stderr
