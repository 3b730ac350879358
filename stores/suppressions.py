"""Suppressions in Redis: the hash ``{p}:supp`` (``stores.keys``), suppression key -> Suppression JSON
(``screening.suppression``: the key names the party, the entity and its fingerprint).

A false-positive disposition writes them and a confirming one lifts them, in the same MULTI as the
disposition itself (``AuditStore.record_disposition``); a screening batch reads the ones its keys could
hit in the same script as the histories (``AuditStore.read_batch``). This module owns the stored form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from redis.asyncio.client import Pipeline

from screening.suppression import Suppression
from stores.keys import Keys


def encode(suppression: Suppression) -> str:
    return json.dumps(suppression.to_json())


def decode(raw: bytes | str) -> Suppression:
    return Suppression.from_json(json.loads(raw))


def stage_changes(pipe: Pipeline, keys: Keys, suppress: Mapping[str, Suppression], lift: Sequence[str]) -> None:
    """Queue on ``pipe`` the suppressions to add (``suppress``) and the keys to lift."""
    if suppress:
        pipe.hset(keys.supp, mapping={k: encode(s) for k, s in suppress.items()})
    if lift:
        pipe.hdel(keys.supp, *lift)
