"""``entrywatch up`` (the embedded default), ``entrywatch worker`` and ``entrywatch lists``."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from entrywatch.cli.screen import add_lists_argument
from entrywatch.paths import SAMPLES
from streams.settings import Settings


def cmd_worker(args: argparse.Namespace) -> int:
    from entrywatch.worker import run_worker

    return run_worker(Settings.load())


def _wait_ready(port: int, worker: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    import json
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with code {worker.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as resp:
                if json.load(resp).get("status") == "ready":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"the worker was not ready after {timeout:.0f}s")


def cmd_up(args: argparse.Namespace) -> int:
    from entrywatch import embedded
    from entrywatch.listops import load_lists
    from streams.topics import ensure_topics

    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="entrywatch-"))
    services: list[embedded.Service] = []
    worker: subprocess.Popen[bytes] | None = None
    stop = threading.Event()
    try:
        broker = embedded.start_broker(log_dir=log_dir)
        services.append(broker)
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            redis = embedded.start_redis(log_dir=log_dir)
            services.append(redis)
            redis_url = redis.address
        web_port = args.web_port or embedded.free_port()
        settings = Settings.load(
            kafka_bootstrap=broker.address, redis_url=redis_url, web_port=web_port, partitions=args.partitions
        )
        print(f"broker  {broker.address} (Tansu, memory storage)")
        print(f"redis   {redis_url if not os.environ.get('REDIS_URL') else 'REDIS_URL'}")
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
            "ENTRYWATCH_WEB_PORT": str(web_port),
            "ENTRYWATCH_PARTITIONS": str(args.partitions),
        }
        worker_log = open(log_dir / "worker.log", "ab")  # noqa: SIM115 - closed with the worker
        worker = subprocess.Popen(
            [sys.executable, "-m", "entrywatch.cli", "worker"],
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            preexec_fn=embedded.die_with_parent(),  # SIGTERM if we are killed
        )
        _wait_ready(web_port, worker)
        print(f"worker  ready; web http://127.0.0.1:{web_port}/ready ; logs in {log_dir}")
        follower = None
        if args.demo:
            from entrywatch.demo import follow_decisions, produce_file

            follower = threading.Thread(target=follow_decisions, args=(settings, stop), daemon=True)
            follower.start()
            time.sleep(1.0)  # let the follower join before the first decision
            n = produce_file(settings, SAMPLES / "demo-entries.jsonl", suffix=f"-{uuid.uuid4().hex[:4]}")
            print(f"demo    produced {n} messages to entries.v1; decisions follow (Ctrl-C to stop)")
        if args.for_seconds:
            time.sleep(args.for_seconds)
        else:
            signal.pause() if hasattr(signal, "pause") else threading.Event().wait()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        for service in reversed(services):
            service.stop()
        print("stopped: worker, " + ", ".join(s.name for s in services))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = sub.add_parser("up", help="run everything on the embedded default: broker, Redis, lists, worker")
    up.add_argument("--demo", action="store_true", help="produce sample entries and print each decision")
    up.add_argument("--partitions", type=int, default=4, help="partitions of the topics (default 4)")
    up.add_argument("--web-port", type=int, default=0, help="worker web port (default: a free port)")
    up.add_argument("--log-dir", help="where the broker, Redis and worker write their logs")
    up.add_argument("--for-seconds", type=float, default=0, help="stop by itself after this long")
    add_lists_argument(up)
    up.set_defaults(func=cmd_up)

    worker = sub.add_parser("worker", help="run the Faust worker against KAFKA_BOOTSTRAP and REDIS_URL")
    worker.set_defaults(func=cmd_worker)
