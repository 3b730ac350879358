"""The reviewer's desk behind ``/api/queue`` and ``/api/dispositions``: queue items as the page shows
them, and a reviewer's disposition request turned into a ``dispositions.v1`` record.

Pure apart from the reads the caller passes in (the publication date of a list version)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from screening.disposition import OUTCOMES, Disposition, DispositionError, parse_disposition
from screening.errors import FieldError
from screening.list_names import list_name, reason_source
from screening.queue import OpenItem
from stores.audit import epoch
from streams.activity import entry_href, segments

REQUEST_KEYS = frozenset(
    {"schema_version", "disposition_id", "alert_id", "entry_number", "outcome", "note", "reviewer",
     "party_name", "entity_id"}
)  # fmt: skip
SOURCE_SYSTEM = "entrywatch-desk"
MAX_NOTE = 2000

Published = Callable[[str, str], str | None]  # (source, version) -> publication date, or None


def screened_ms(item: OpenItem) -> int:
    return int(epoch(str(item.record.get("screened_at") or ""), 0.0) * 1000)


def reason_view(
    reason: Mapping[str, Any], versions: Mapping[str, str], published: Published, is_open: bool
) -> dict[str, Any]:
    """A reason as the queue shows it: the source's published list name, the list as the entity's record
    names it, the version and its publication date, and highlight runs of both names."""
    view: dict[str, Any] = {
        k: reason[k]
        for k in ("code", "decision", "party_role", "party_name", "line_number", "tier", "entity_id",
                  "matched_name", "score", "rule_id", "rule_version")
        if reason.get(k) is not None
    }  # fmt: skip
    source = reason_source(reason)
    if source is not None:
        version = reason.get("list_version") or versions.get(source)
        view["source"] = source
        view["source_name"] = list_name(source)
        view["list"] = reason.get("list") or list_name(source)
        if version:
            view["list_version"] = version
            view["list_published"] = published(source, str(version))
    elif reason.get("list"):
        view["list"] = reason["list"]
    evidence = reason.get("evidence")
    if reason.get("code") == "LIST_UPDATE" and isinstance(evidence, Mapping):
        view["match_code"] = evidence.get("match_code")
    party, listed = reason.get("party_name"), reason.get("matched_name")
    if party and listed:
        view["party_segments"] = segments(str(party), str(listed))
        view["matched_segments"] = segments(str(listed), str(party))
    view["open"] = is_open
    return view


def item_view(item: OpenItem, published: Published) -> dict[str, Any]:
    rec = item.record
    number = str(rec.get("entry_number", ""))
    versions = rec.get("list_versions") or {}
    reasons = rec.get("reasons") or []
    return {
        "entry_number": number,
        "entry_revision": rec.get("entry_revision", 0),
        "decision": rec.get("decision"),
        "alert_id": rec.get("alert_id"),
        "screened_at": rec.get("screened_at"),
        "supersedes": rec.get("supersedes"),
        "href": entry_href(number),
        "escalated": item.escalated,
        "reasons": [reason_view(r, versions, published, i in item.open_reasons) for i, r in enumerate(reasons)],
        "dispositions": item.dispositions,
    }


class RequestError(FieldError):
    """A disposition request that cannot be recorded: ``path`` names the field (answered as 400)."""


def disposition_from_request(body: Any, decided_at: str, make_id: Callable[[], str] | None = None) -> Disposition:
    """A reviewer's request (``schemas/api-disposition-request.v1.json``) -> the ``dispositions.v1`` record a
    broker system would send, checked by the same parser the dispositions agent uses. The note is required
    here (a broker system may omit it); ``disposition_id`` is the client's (so a retried request is the same
    disposition) or a new one."""
    if not isinstance(body, dict):
        raise RequestError("$", "expected an object")
    unknown = sorted(set(body) - REQUEST_KEYS)
    if unknown:
        raise RequestError(f"$.{unknown[0]}", "unknown field")
    if body.get("schema_version", 1) != 1:
        raise RequestError("$.schema_version", "must be 1")
    note = body.get("note")
    if not isinstance(note, str) or not note.strip():
        raise RequestError("$.note", "a note is required (why this outcome)")
    if len(note) > MAX_NOTE:
        raise RequestError("$.note", f"longer than {MAX_NOTE} characters")
    if body.get("outcome") not in OUTCOMES:
        raise RequestError("$.outcome", f"expected one of {', '.join(OUTCOMES)}")
    disposition_id = body.get("disposition_id")
    if disposition_id is None:
        disposition_id = (make_id or (lambda: f"desk-{uuid.uuid4().hex}"))()
    record = {
        "schema_version": 1,
        "disposition_id": disposition_id,
        "alert_id": body.get("alert_id"),
        "entry_number": body.get("entry_number"),
        "outcome": body.get("outcome"),
        "reviewer": body.get("reviewer"),
        "decided_at": decided_at,
        "note": note.strip(),
        "source_system": SOURCE_SYSTEM,
    }
    for k in ("party_name", "entity_id"):
        if k in body:
            record[k] = body[k]
    try:
        return parse_disposition(record)
    except DispositionError as exc:
        raise RequestError(exc.path, str(exc).split(": ", 1)[-1]) from None


def check_scope(d: Disposition, alert_record: Mapping[str, Any]) -> None:
    """A disposition naming one reason must name one of the alert's reasons."""
    if d.party_name is None:
        return
    for r in alert_record.get("reasons") or []:
        if r.get("party_name") == d.party_name and r.get("entity_id") == d.entity_id:
            return
    raise RequestError("$.entity_id", "no reason of the alert has this party_name and entity_id")
