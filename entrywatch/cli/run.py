"""``entrywatch up`` (the embedded default), ``entrywatch worker`` and ``entrywatch lists``."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from entrywatch.cli.connect import CliError, redacted
from entrywatch.cli.screen import add_lists_argument
from entrywatch.paths import SAMPLES
from entrywatch.supervise import Supervisor, how_it_ended
from streams.settings import Settings

DEFAULT_WEB_PORT = 6066  # the worker's usual port (Settings.web_port's default)


def cmd_worker(args: argparse.Namespace) -> int:
    from entrywatch.worker import run_worker

    return run_worker(Settings.load())


def _wait_ready(port: int, worker: subprocess.Popen[bytes], log: Path, timeout: float = 90.0) -> None:
    import json
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise CliError(f"the worker {how_it_ended(worker.returncode)} before it was ready; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as resp:
                if json.load(resp).get("status") == "ready":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise CliError(f"the worker was not ready after {timeout:.0f}s; see {log}")


def web_port(requested: int | None, preferred: int = DEFAULT_WEB_PORT) -> tuple[int, str]:
    """The worker's web port: the one asked for, else ``preferred`` when it is free, else a free one; and a
    note when it is not the one expected."""
    from entrywatch import embedded

    if requested:
        if not embedded.port_free(requested):
            raise CliError(f"--web-port {requested} is taken by another process")
        return requested, ""
    if embedded.port_free(preferred):
        return preferred, ""
    port = embedded.free_port()
    return port, f"port {preferred} is taken: the page is on port {port}"


def export_line(bootstrap: str, redis_url: str) -> str:
    """A line to paste into another shell so client commands find this stack (a Redis URL holding a
    password is left out: it stays where it was set)."""
    parts = [f"KAFKA_BOOTSTRAP={shlex.quote(bootstrap)}"]
    if redacted(redis_url) == redis_url:
        parts.append(f"REDIS_URL={shlex.quote(redis_url)}")
    return "export " + " ".join(parts)


def cmd_up(args: argparse.Namespace) -> int:
    from entrywatch import embedded
    from entrywatch.listops import load_lists
    from streams.topics import ensure_topics

    embedded.tansu_binary()  # without the embedded extra: one line saying how to install it, before anything starts
    if not os.environ.get("REDIS_URL"):
        embedded.redis_server_binary()
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="entrywatch-"))
    services: list[embedded.Service] = []
    supervisor: Supervisor | None = None
    stop = threading.Event()
    worker_log_path = log_dir / "worker.log"
    try:
        port, port_note = web_port(args.web_port)
        broker = embedded.start_broker(log_dir=log_dir)
        services.append(broker)
        redis_url = os.environ.get("REDIS_URL")
        redis_from = "from REDIS_URL"
        if not redis_url:
            redis = embedded.start_redis(log_dir=log_dir)
            services.append(redis)
            redis_url, redis_from = redis.address, "embedded redis-server"
        settings = Settings.load(
            kafka_bootstrap=broker.address, redis_url=redis_url, web_port=port, partitions=args.partitions
        )
        print(f"broker  {broker.address} (Tansu, memory storage)")
        print(f"redis   {redacted(redis_url)} ({redis_from})")
        ensure_topics(settings)
        report = load_lists(settings, args.lists)
        for res in report.loaded:
            print(f"lists   {res.source} {res.version}: {res.entities} entities")
        for what, why in report.refused:
            print(f"lists   REFUSED {what}: {why}")
        if report.skipped:
            print(f"lists   {len(report.skipped)} files not recognised were skipped")
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
            "REDIS_URL": redis_url,
            "ENTRYWATCH_WEB_PORT": str(port),
            "ENTRYWATCH_PARTITIONS": str(args.partitions),
        }
        worker_log = open(worker_log_path, "ab")  # noqa: SIM115 - closed with the worker

        def start_worker() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "-m", "entrywatch.cli", "worker"],
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
                preexec_fn=embedded.die_with_parent(),  # SIGTERM if we are killed
            )

        supervisor = Supervisor("worker", start_worker)
        _wait_ready(port, supervisor.proc, worker_log_path)
        print(f"worker  ready (pid {supervisor.proc.pid}); logs in {log_dir}")
        print(f"page    http://127.0.0.1:{port}/" + (f"  ({port_note})" if port_note else ""))
        print(export_line(broker.address, redis_url), flush=True)
        if args.demo:
            from entrywatch.demo import follow_decisions, produce_file

            follower = threading.Thread(target=follow_decisions, args=(settings, stop), daemon=True)
            follower.start()
            time.sleep(1.0)  # let the follower join before the first decision
            n = produce_file(settings, SAMPLES / "demo-entries.jsonl", suffix=f"-{uuid.uuid4().hex[:4]}")
            print(f"demo    produced {n} messages to entries.v1; decisions follow (Ctrl-C to stop)", flush=True)
        deadline = time.monotonic() + args.for_seconds if args.for_seconds else float("inf")
        while time.monotonic() < deadline:
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
            if not supervisor.check():
                print(f"entrywatch up: stopping everything; the worker's log is {worker_log_path}", file=sys.stderr)
                return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if supervisor is not None:
            supervisor.stop()
        for service in reversed(services):
            service.stop()
        print("stopped: " + ", ".join(["worker"] * (supervisor is not None) + [s.name for s in services]), flush=True)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = sub.add_parser("up", help="run everything on the embedded default: broker, Redis, lists, worker")
    up.add_argument("--demo", action="store_true", help="produce sample entries and print each decision")
    up.add_argument("--partitions", type=int, default=4, help="partitions of the topics (default 4)")
    up.add_argument(
        "--web-port", type=int, default=0, help=f"worker web port (default {DEFAULT_WEB_PORT} if free, else a free one)"
    )
    up.add_argument("--log-dir", help="where the broker, Redis and worker write their logs")
    up.add_argument("--for-seconds", type=float, default=0, help="stop by itself after this long")
    add_lists_argument(up)
    up.set_defaults(func=cmd_up)

    worker = sub.add_parser("worker", help="run the Faust worker against KAFKA_BOOTSTRAP and REDIS_URL")
    worker.set_defaults(func=cmd_worker)
