"""dispositions.v1: the parser and the JSON Schema agree, case by case."""

from __future__ import annotations

from typing import Any

import pytest

from screening.disposition import DispositionError, parse_disposition
from tests.conftest import validator

GOOD: dict[str, Any] = {
    "schema_version": 1,
    "disposition_id": "bk-123",
    "alert_id": "ew-" + "ab" * 16,
    "entry_number": "EW1-1",
    "outcome": "false_positive",
    "reviewer": "analyst@broker.example",
    "decided_at": "2026-11-24T10:00:00Z",
}

# (label, changes to GOOD (None deletes), valid?, offending path)
CASES: list[tuple[str, dict[str, Any], bool, str]] = [
    ("minimal", {}, True, ""),
    ("scoped to one reason", {"party_name": "Acme", "entity_id": "uflpa:acme", "note": "n"}, True, ""),
    ("every outcome", {"outcome": "seized"}, True, ""),
    ("unknown outcome", {"outcome": "maybe"}, False, "$.outcome"),
    ("bad alert id", {"alert_id": "A-1"}, False, "$.alert_id"),
    ("missing reviewer", {"reviewer": None}, False, "$.reviewer"),
    ("bad time", {"decided_at": "yesterday"}, False, "$.decided_at"),
    ("party without entity", {"party_name": "Acme"}, False, "$.entity_id"),
    ("unknown field", {"extra": 1}, False, "$.extra"),
    ("wrong version", {"schema_version": 2}, False, "$.schema_version"),
]


@pytest.mark.parametrize(("label", "changes", "valid", "path"), CASES, ids=[c[0] for c in CASES])
def test_parser_and_schema_agree(label: str, changes: dict[str, Any], valid: bool, path: str) -> None:
    record = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    schema_ok = not list(validator("disposition.v1.json").iter_errors(record))
    assert schema_ok == valid
    if valid:
        d = parse_disposition(record)
        assert d.to_json() == record
    else:
        with pytest.raises(DispositionError) as err:
            parse_disposition(record)
        assert err.value.path == path


# Wire bytes -> Disposition or the reason, through the one strict JSON reader (streams.codecs.loads).
WIRE: list[tuple[str, bytes | None, str]] = [
    ("null value", None, "decode"),
    ("duplicate outcome", b'{"outcome": "confirmed", "outcome": "false_positive"}', "duplicate_key"),
    ("lone surrogate", b'{"note": "\\ud800"}', "decode"),
    ("NaN", b'{"schema_version": NaN}', "decode"),
    ("not a disposition", b'{"schema_version": 1}', "schema"),
]


@pytest.mark.parametrize(("label", "raw", "kind"), WIRE, ids=[w[0] for w in WIRE])
def test_bad_disposition_bytes_are_refused_with_a_reason(label: str, raw: bytes | None, kind: str) -> None:
    from streams.codecs import Rejected
    from streams.dispositions import decode_disposition

    result = decode_disposition(raw)
    assert isinstance(result, Rejected) and result.kind == kind, result
    import json

    assert not isinstance(decode_disposition(json.dumps(GOOD).encode()), Rejected)
