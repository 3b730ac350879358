"""Wire codecs: bytes in, typed entries; decisions and dead letters out, as JSON bytes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from screening import ENGINE_VERSION
from screening.decision import Decision
from screening.entry import Entry, EntryError, parse_entry

ErrorKind = Literal["decode", "duplicate_key", "schema", "size", "screening", "delivery"]

# A dead letter carries the original value up to this many bytes by default (base64: 4/3 of it); a larger
# value is replaced by its SHA-256, size and source offset. Kafka's default broker limit is 1 MiB per
# record, so a dead letter must stay well under it whatever it carries (``Settings`` checks the sum).
DLQ_KEEP_BYTES = 512 * 1024
DLQ_KEY_KEEP_BYTES = 4 * 1024  # an original key over this is carried as its digest (and keys the letter)
DLQ_ERROR_CHARS = 2_000  # the reason text is cut here
DLQ_ENVELOPE_BYTES = 4 * DLQ_KEY_KEEP_BYTES // 3 + 12 * DLQ_ERROR_CHARS + 2_048  # the rest, worst case (ASCII escapes)


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why an input could not be screened; goes to the DLQ with the original bytes."""

    kind: ErrorKind
    path: str
    message: str


class JSONRefused(ValueError):
    """Bytes that are not one strict JSON document (see ``loads``)."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _reject_constants(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _v in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise JSONRefused("duplicate_key", f"duplicate key {dup!r} in an object: readers would disagree on its value")
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_reject_constants)
# A \uD800-\uDFFF escape: the text may hold a lone surrogate (checked exactly when one is seen).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def loads(raw: bytes) -> Any:
    """The one strict JSON reader of records from the wire (entries, dispositions, request bodies): UTF-8
    only, no NaN/Infinity, no duplicate keys, no lone surrogates (text that cannot be written back as
    UTF-8), integers up to Python's 4,300 digits, nesting up to the interpreter's recursion limit.
    Raises ``JSONRefused`` with the reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JSONRefused("decode", f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise JSONRefused("decode", "JSON nested too deeply") from None
    except JSONRefused:
        raise
    except ValueError as exc:
        raise JSONRefused("decode", f"not JSON: {exc}") from None
    if _SURROGATE_ESCAPE.search(raw):
        try:  # orjson refuses a lone surrogate and accepts a proper pair
            orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if "surrogate" in str(exc):
                raise JSONRefused("decode", f"a lone surrogate escape is not valid Unicode text ({exc})") from None
    return value


def decode_entry(raw: bytes | None, max_bytes: int) -> Entry | Rejected:
    """Bytes -> Entry, or the reason it is not one. Never raises on bad input. The one decode path of
    entries: the worker, ``entrywatch screen``, the retro-screen and ``explain`` all read through it."""
    if raw is None:
        return Rejected("decode", "$", "null value (a tombstone), not an entry")
    if not raw:
        return Rejected("decode", "$", "empty value, not an entry")
    if len(raw) > max_bytes:
        return Rejected("size", "$", f"message of {len(raw)} bytes is over the limit of {max_bytes}")
    try:
        value = loads(raw)
    except JSONRefused as exc:
        return Rejected(exc.kind, "$", exc.message)
    try:
        return parse_entry(value)
    except EntryError as exc:
        return Rejected("schema", exc.path, exc.message)
    except RecursionError:
        return Rejected("schema", "$", "entry nested too deeply")


def decision_record(decision: Decision, screened_at: str, supersedes: str | None = None) -> dict[str, Any]:
    """A decision as the record sent on holds.v1/cleared.v1 (``hold-alert.v1``)."""
    record = decision.to_json(screened_at)
    if supersedes is not None:
        record["supersedes"] = supersedes
    return record


def encode_record(record: dict[str, Any]) -> str:
    """A decision record as the JSON text sent on holds.v1/cleared.v1 (and kept in the audit trail):
    compact, UTF-8. orjson (C) writes it ~10x faster than the standard library; anything orjson refuses
    (an integer beyond 64 bits, a non-string key) is written by the standard library instead."""
    try:
        return orjson.dumps(record).decode()
    except orjson.JSONEncodeError:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def dead_letter_key(key: bytes | None) -> bytes:
    """The Kafka key of a dead letter: the original key, or its SHA-256 (hex) when it is over
    ``DLQ_KEY_KEEP_BYTES`` (a poison record's key must not make its dead letter too large to send)."""
    if key is None:
        return b""
    return key if len(key) <= DLQ_KEY_KEEP_BYTES else hashlib.sha256(key).hexdigest().encode()


def dead_letter(
    raw: bytes | None,
    key: bytes | None,
    rejected: Rejected,
    topic: str,
    partition: int,
    offset: int,
    keep_bytes: int = DLQ_KEEP_BYTES,
) -> bytes:
    """A ``dead-letter.v1`` record. It always fits in a Kafka record of ``DLQ_ENVELOPE_BYTES`` plus 4/3 of
    ``keep_bytes``: a value (or key) over the limit is carried as its SHA-256 and size, with
    ``original_omitted``, and is fetched back from ``source``. A null value (a tombstone) is told apart
    from an empty one by ``original_null``."""
    value = raw or b""
    omitted = len(value) > keep_bytes
    key_omitted = key is not None and len(key) > DLQ_KEY_KEEP_BYTES
    record: dict[str, Any] = {
        "schema_version": 1,
        "error": rejected.message[:DLQ_ERROR_CHARS],
        "error_kind": rejected.kind,
        "error_path": rejected.path[:200],
        "original_b64": "" if omitted else base64.b64encode(value).decode("ascii"),
        "original_null": raw is None,
        "original_omitted": omitted,
        "original_sha256": hashlib.sha256(value).hexdigest(),
        "original_key_b64": (base64.b64encode(key).decode("ascii") if key is not None and not key_omitted else None),
        "original_size": len(value),
        "source": {"topic": topic, "partition": partition, "offset": offset},
        "failed_at": now_iso(),
        "engine_version": ENGINE_VERSION,
    }
    if key_omitted and key is not None:
        record["original_key_sha256"] = hashlib.sha256(key).hexdigest()
        record["original_key_size"] = len(key)
    return json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode()


def decode_dead_letter(value: bytes) -> dict[str, Any]:
    """A dead letter with ``original`` added: the original bytes, ``None`` for a null value, or ``None``
    with ``original_omitted`` true when the letter carries only their digest."""
    record: dict[str, Any] = json.loads(value)
    omitted = record.get("original_omitted", False) or record.get("original_null", False)
    record["original"] = None if omitted else base64.b64decode(record["original_b64"])
    return record
