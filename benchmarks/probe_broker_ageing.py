"""Does the embedded broker get slower as its topics grow? A plain confluent-kafka producer and consumer
group on a fresh Tansu (memory storage): RATE records/s of 600 bytes to a 4-partition topic that is
consumed, plus RATE/s of 2 KB to a second topic (the worker's in/out shape). Every WINDOW seconds it
prints the produce-to-consume latency (p50/p99), the produce-ack latency and the broker's CPU share.
No worker, no Redis: what changes over time is the broker.

    .venv/bin/python benchmarks/probe_broker_ageing.py --rate 100 --minutes 10
    .venv/bin/python benchmarks/probe_broker_ageing.py --rate 100 --minutes 6 --retention-ms 60000

Numbers are not assertions (docs/benchmarks.md, "Why latency grows in the soak").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from entrywatch import embedded


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return round(values[min(len(values) - 1, int(len(values) * q))], 1) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=100.0, help="records/s to each topic")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--window", type=float, default=30.0, help="seconds per printed window")
    ap.add_argument("--retention-ms", type=int, default=0, help="topic retention.ms (0: broker default)")
    args = ap.parse_args(argv)

    config = {} if not args.retention_ms else {"retention.ms": str(args.retention_ms), "segment.ms": "10000"}
    broker = embedded.start_broker()
    try:
        admin = AdminClient({"bootstrap.servers": broker.address})
        for fut in admin.create_topics([NewTopic(t, 4, 1, config=config) for t in ("in", "out")]).values():
            fut.result(30)
        producer = Producer({"bootstrap.servers": broker.address, "linger.ms": 5})
        consumer = Consumer({"bootstrap.servers": broker.address, "group.id": "probe", "auto.offset.reset":
                             "earliest", "session.timeout.ms": 6000, "fetch.wait.max.ms": 20})  # fmt: skip
        consumer.subscribe(["in"])
        total = int(args.rate * 60 * args.minutes)
        acks: list[float] = []

        def produce() -> None:
            start = time.perf_counter()
            for i in range(total):
                delay = start + i / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                sent = time.perf_counter()

                def acked(_err: object, _msg: object, t: float = sent) -> None:
                    acks.append((time.perf_counter() - t) * 1000)

                producer.produce("in", key=str(i).encode(), value=b"x" * 600, timestamp=int(time.time() * 1000),
                                 on_delivery=acked)  # fmt: skip
                producer.produce("out", key=str(i).encode(), value=b"y" * 2000)
                producer.poll(0)
            producer.flush(30)

        threading.Thread(target=produce, daemon=True).start()
        started = window_start = time.monotonic()
        cpu_before, got, latencies = cpu_seconds(broker.proc.pid), 0, []
        while got < total and time.monotonic() - started < args.minutes * 60 + 60:
            for msg in consumer.consume(500, 0.2):
                if not msg.error():
                    got += 1
                    latencies.append(time.time() * 1000 - msg.timestamp()[1])
            now = time.monotonic()
            if now - window_start >= args.window:
                cpu_now = cpu_seconds(broker.proc.pid)
                lat, ack = sorted(latencies), sorted(acks)
                acks.clear()
                print(json.dumps({
                    "t_s": round(now - started), "consumed": len(lat),
                    "e2e_ms": {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99)},
                    "ack_ms": {"p50": pct(ack, 0.5), "p99": pct(ack, 0.99)},
                    "broker_cpu_share": round((cpu_now - cpu_before) / (now - window_start), 3),
                }), flush=True)  # fmt: skip
                latencies, window_start, cpu_before = [], now, cpu_now
        consumer.close()
    finally:
        broker.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
