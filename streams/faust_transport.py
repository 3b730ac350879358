"""Faust's aiokafka transport with a configurable consumer fetch wait.

faust-streaming 0.15 builds the worker's aiokafka consumer with ``fetch_max_wait_ms=1500`` written into
the code. A broker holds a fetch until ``fetch_min_bytes`` arrive or that wait runs out, and Tansu holds
it for the whole wait, so at a steady rate every batch could sit up to 1.5 s in the broker before the
worker saw it (p99 ~1.8 s at 1,000 entries/s, for the screening agent and a bare forwarding agent alike).
``Settings.fetch_max_wait_ms`` (default 20 ms) replaces it.

Contained: this module defines a transport (``ewkafka://``, the ``kafka://`` driver with one override)
and registers its scheme with Faust's transport registry; ``streams.app`` selects it through the broker
URL. Nothing in Faust or aiokafka is patched.
"""

from __future__ import annotations

from typing import Any

import aiokafka
from faust.transport import drivers
from faust.transport.drivers import aiokafka as aiokafka_driver

SCHEME = "ewkafka"
DEFAULT_FETCH_MAX_WAIT_MS = 20
APP_ATTRIBUTE = "entrywatch_fetch_max_wait_ms"  # set on the faust.App by agents.app.create_app


class ConsumerThread(aiokafka_driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        wait_ms = int(getattr(self.app, APP_ATTRIBUTE, DEFAULT_FETCH_MAX_WAIT_MS))
        # aiokafka reads this when the consumer starts (its Fetcher is built in ``start``); fail loudly
        # rather than silently keep 1.5 s if a new aiokafka renames it.
        if not hasattr(consumer, "_fetch_max_wait_ms"):
            raise RuntimeError("aiokafka consumer has no _fetch_max_wait_ms: update streams/faust_transport.py")
        consumer._fetch_max_wait_ms = wait_ms
        return consumer


class Consumer(aiokafka_driver.Consumer):
    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(aiokafka_driver.Transport):
    Consumer = Consumer


drivers.TRANSPORTS.aliases.setdefault(SCHEME, f"{__name__}:Transport")
