"""The ``entrywatch`` command. Each command group lives in its own module exposing ``register``."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence

from confluent_kafka import KafkaException
from pydantic import ValidationError
from redis.exceptions import RedisError

from entrywatch.cli.connect import CliError
from entrywatch.embedded import NotInstalled

# Modules under entrywatch.cli that add commands; each has ``register(subparsers)``.
COMMAND_MODULES = ("screen", "run", "lists", "match", "bench", "dlq", "holds", "explain", "retro")
# The module that adds each command: a command line naming one imports that module only (the others pull
# in the matcher and the list parsers; `entrywatch explain` then starts in a fraction of a second).
COMMAND_MODULE = {
    "screen": "screen",
    "up": "run",
    "worker": "run",
    "lists": "lists",
    "match": "match",
    "compare": "match",
    "bench": "bench",
    "dlq": "dlq",
    "holds": "holds",
    "explain": "explain",
    "retro": "retro",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` (with its module alone imported) if known."""
    parser = argparse.ArgumentParser(
        prog="entrywatch",
        description="Screen US customs entries for forced-labour (UFLPA, WRO) and sanctions risk.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = (COMMAND_MODULE[command],) if command in COMMAND_MODULE else COMMAND_MODULES
    for name in names:
        importlib.import_module(f"entrywatch.cli.{name}").register(sub)
    return parser


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    if args.command != "worker":  # (the worker is Faust's: it stops on SIGTERM by itself)
        # `kill`, `timeout` or a CI cancel: unwind, so the commands' `finally` blocks stop what they started
        # (the embedded broker and Redis, bench workers) instead of leaving them running.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except (CliError, NotInstalled) as exc:  # no answer from the broker or Redis, no embedded extra, ...: one line
        print(f"entrywatch: {exc}", file=sys.stderr)
        return 2
    except RedisError as exc:  # Redis went away during the command: a clear line, not a traceback
        print(f"entrywatch: cannot use Redis: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # a setting from the environment is refused: name it, one line each
        for err in exc.errors():
            field = ".".join(str(x) for x in err["loc"]) or "settings"
            env = f"ENTRYWATCH_{field.upper()}" if err["loc"] else "the settings"
            print(f"entrywatch: {env}: {err['msg']}", file=sys.stderr)
        return 2
    except KafkaException as exc:  # the broker went away during the command
        print(f"entrywatch: Kafka error: {exc.args[0].str() if exc.args else exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
