"""The poison records of the fault harness and the canary entry sent after each on the same partition.

Each poison says which outcomes it may get: a dead letter (DLQ) only, or also some decisions. A poison
whose value carries an entry number is watched for decisions under that number too, so a poison that is
wrongly screened (e.g. the duplicate-key entry cleared on its second manufacturer) is caught."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiokafka.partitioner import murmur2  # type: ignore[import-untyped]

from benchmarks.fault_counts import DECISIONS, DLQ

ONLY_DLQ = frozenset({DLQ})
# A UFLPA Entity List company (data/lists/uflpa): screened alone it is a HOLD.
LISTED_NAME = "Hoshine Silicon Industry (Shanshan) Co., Ltd"
CLEAN_NAME = "Lakeside Garden Tools Manufacturing Ltd"


@dataclass(frozen=True, slots=True)
class Record:
    kind: str  # "poison" | "canary"
    label: str
    key: bytes | None
    value: bytes | None
    entry_number: str | None
    accept: frozenset[str]


def partition_for(key: bytes, partitions: int) -> int:
    """The partition of a keyed record under murmur2 (Java client, aiokafka, librdkafka murmur2_random)."""
    return int(murmur2(key) & 0x7FFFFFFF) % partitions


def _entry(number: str, manufacturer: str, **extra: object) -> dict[str, object]:
    return {
        "schema_version": 1,
        "entry_number": number,
        "entry_revision": 0,
        "direction": "import",
        "parties": {
            "manufacturer": {"name": manufacturer, "address": {"country": "CN"}},
            "consignee": {"name": "Lakeside Importers LLC", "address": {"country": "US"}},
        },
        "lines": [{"line_number": 1, "hts_code": "8201.90.6000", "description": "garden tools"}],
        **extra,
    }


def _json(record: dict[str, object]) -> bytes:
    return json.dumps(record).encode()


def _padded(number: str, size: int) -> bytes:
    """A valid entry of exactly ``size`` bytes (a long unknown field)."""
    head = _json(_entry(number, CLEAN_NAME, notes=""))
    assert head.endswith(b'"notes": ""}')
    return head[:-2] + b"n" * (size - len(head)) + b'"}'


def poisons(run: str, max_message_bytes: int) -> list[Record]:
    """The poison records, the ones that crash today's worker last (so the others are seen first)."""
    p = f"P{run}"
    listed_surrogate = json.dumps(_entry(f"{p}-surrogate-listed", LISTED_NAME)).replace(
        json.dumps(LISTED_NAME), json.dumps(LISTED_NAME)[:-1] + '\\ud800"'
    )
    clean_surrogate = json.dumps(_entry(f"{p}-surrogate-clean", CLEAN_NAME)).replace(
        json.dumps(CLEAN_NAME), json.dumps(CLEAN_NAME)[:-1] + '\\ud800"'
    )
    duplicate = json.dumps(_entry(f"{p}-duplicate-keys", LISTED_NAME)).replace(
        '"consignee"', f'"manufacturer": {{"name": {json.dumps(CLEAN_NAME)}}}, "consignee"'
    )
    nested = _json(_entry(f"{p}-nesting", CLEAN_NAME, notes="X"))
    nested = nested.replace(b'"X"', b"[" * 1_500 + b"]" * 1_500)
    huge = _json(_entry(f"{p}-huge-integer", CLEAN_NAME))
    huge = huge.replace(b'"description": "garden tools"', b'"value_usd": ' + b"7" * 5_000)
    bad_utf8 = _json(_entry(f"{p}-invalid-utf8", "Acme XX Tools")).replace(b"XX", b"\xc3\x28\xff")
    records = [
        Record("poison", "null_value", f"{p}-null-value".encode(), None, None, ONLY_DLQ),
        Record("poison", "empty_value", f"{p}-empty-value".encode(), b"", None, ONLY_DLQ),
        Record("poison", "invalid_utf8", f"{p}-invalid-utf8".encode(), bad_utf8, f"{p}-invalid-utf8", ONLY_DLQ),
        Record("poison", "nesting_1500", f"{p}-nesting".encode(), nested, f"{p}-nesting", ONLY_DLQ),
        Record("poison", "integer_5000_digits", f"{p}-huge-integer".encode(), huge, f"{p}-huge-integer", ONLY_DLQ),
        # The value is a valid entry; only its key is not UTF-8: a decision or a dead letter will do.
        Record(
            "poison",
            "non_utf8_key",
            b"\xff\xfe" + f"{p}-key".encode(),
            _json(_entry(f"{p}-non-utf8-key", CLEAN_NAME)),
            f"{p}-non-utf8-key",
            DECISIONS | ONLY_DLQ,
        ),
        # "manufacturer" twice, the listed company first: a last-wins parser clears it.
        Record(
            "poison",
            "duplicate_keys",
            f"{p}-duplicate-keys".encode(),
            duplicate.encode(),
            f"{p}-duplicate-keys",
            ONLY_DLQ,
        ),
        Record(
            "poison",
            "oversize",
            f"{p}-oversize".encode(),
            _padded(f"{p}-oversize", max_message_bytes + 1_000),
            f"{p}-oversize",
            ONLY_DLQ,
        ),
        # A lone surrogate is no Unicode text: a dead letter, or a decision on the name without it.
        Record(
            "poison",
            "surrogate_clean_name",
            f"{p}-surrogate-clean".encode(),
            clean_surrogate.encode(),
            f"{p}-surrogate-clean",
            DECISIONS | ONLY_DLQ,
        ),
        # ... but a listed company with a surrogate appended must never come out CLEAR.
        Record(
            "poison",
            "surrogate_listed_name",
            f"{p}-surrogate-listed".encode(),
            listed_surrogate.encode(),
            f"{p}-surrogate-listed",
            frozenset({DLQ, "HOLD", "REVIEW"}),
        ),
        Record(
            "poison",
            "oversize_1_5mb",
            f"{p}-oversize-1-5mb".encode(),
            _padded(f"{p}-oversize-1-5mb", 1_500_000),
            f"{p}-oversize-1-5mb",
            ONLY_DLQ,
        ),
    ]
    assert all(b"\\ud800" in r.value for r in records if "surrogate" in r.label and r.value)
    assert b'"manufacturer"' in duplicate.encode() and duplicate.count('"manufacturer"') == 2
    return records


def canary(run: str, poison: Record, partitions: int) -> Record:
    """A valid entry whose key lands on the poison's partition, to be sent right after it."""
    want = partition_for(poison.key or b"", partitions)
    for i in range(10_000):
        number = f"C{run}-{poison.label}-{i}"
        if partition_for(number.encode(), partitions) == want:
            return Record("canary", poison.label, number.encode(), _json(_entry(number, CLEAN_NAME)), number, DECISIONS)
    raise AssertionError("no canary key found")  # pragma: no cover - 1 in 4 keys fit
