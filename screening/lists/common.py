"""Helpers shared by the list parsers: decoding, CSV reading, limits, refusal, small text helpers."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from screening.entities import Entity, ListSnapshot

R = TypeVar("R")

# Limits. The largest published list (the full CSL CSV) is a few tens of MB; anything far beyond is
# refused rather than parsed, and so is a single field no real list row comes close to.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_FIELD_CHARS = 100_000


class ListFormatError(ValueError):
    """A list file that cannot be read as its format: refused, and the live version stays in force."""


def checksum(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()


def check_size(data: bytes, what: str, limit: int = MAX_FILE_BYTES) -> None:
    if len(data) > limit:
        raise ListFormatError(f"{what}: file is {len(data):,} bytes, over the limit of {limit:,}")


# C0 control characters other than tab, LF, CR (and DEL): never in a published text list.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_text(data: bytes, what: str, *, limit: int = MAX_FILE_BYTES) -> str:
    """Bytes of a text list -> text. UTF-8 first (BOM stripped); cp1252 as the fallback some OFAC and
    older CSL downloads need. Refuses empty, oversized and binary input (NUL or other control bytes, or
    bytes that are neither UTF-8 nor cp1252). Trailing DOS end-of-file bytes (0x1A) are dropped."""
    check_size(data, what, limit)
    data = data.rstrip(b"\x1a\r\n\t ")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise ListFormatError(f"{what}: the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ListFormatError(f"{what}: not text (neither UTF-8 nor cp1252): {exc}") from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ListFormatError(f"{what}: binary data (control byte {ord(bad.group()):#04x} on line {line})")
    return text


def csv_rows(text: str, what: str = "CSV", *, delimiter: str = ",") -> list[list[str]]:
    """Text -> CSV records. Refuses a record cut off inside a quoted field (a truncated file), malformed
    quoting and any field over ``MAX_FIELD_CHARS``."""
    rows, _ = csv_records(text, what, delimiter=delimiter)
    return rows


def csv_records(
    text: str, what: str = "CSV", *, delimiter: str = ",", allow_truncated: bool = False
) -> tuple[list[list[str]], bool]:
    """Like :func:`csv_rows`, returning (records, truncated). With ``allow_truncated`` a file whose last
    record ends inside a quoted field is read anyway (that record's last field is incomplete) and
    ``truncated`` is True; otherwise it is refused."""
    try:
        return _read_csv(text, what, delimiter, strict=True), False
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            raise ListFormatError(f"{what}: unreadable CSV: {exc}") from None
        if not allow_truncated:
            raise ListFormatError(
                f"{what}: truncated: the last record ends inside a quoted field (unexpected end of data)"
            ) from None
    return _read_csv(text, what, delimiter, strict=False), True


def _read_csv(text: str, what: str, delimiter: str, *, strict: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    rows: list[list[str]] = []
    for row in reader:
        if row and max(map(len, row)) > MAX_FIELD_CHARS:
            raise ListFormatError(f"{what}: line {reader.line_num} has a field over {MAX_FIELD_CHARS:,} characters")
        rows.append(row)
    return rows


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:80]


def clean(text: str | None) -> str:
    """Strip and collapse internal whitespace."""
    return " ".join(text.split()) if text else ""


def split_list(text: str, sep: str = ";") -> list[str]:
    return [p for p in (clean(x) for x in text.split(sep)) if p]


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


_DATE_FORMATS = (
    "%B %d, %Y",
    "%m/%d/%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%Y-%m-%dT%H:%M:%S",
)


def iso_date(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    raw = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    m = re.match(r"(\d{4}-\d{2}-\d{2})T", raw)
    return m.group(1) if m else None


# Spreadsheet formula injection: a cell starting with = + @ (or - followed by a letter or symbol) is
# evaluated by spreadsheet programs. Names are only ever handled as text here; they are reported.
_FORMULA = re.compile(r"^\s*(?:[=+@]|-[^\d\s-])")


def formula_like(text: str) -> bool:
    return bool(_FORMULA.match(text))


def formula_warnings(entities: Sequence[Entity], what: str, examples: int = 3) -> list[str]:
    hits = [(e.id, n.value) for e in entities for n in e.names if formula_like(n.value)]
    if not hits:
        return []
    shown = "; ".join(f"{i} {v[:60]!r}" for i, v in hits[:examples])
    return [f"{what}: {len(hits)} name(s) look like spreadsheet formulas (kept as plain text): {shown}"]


def require_header(found: Sequence[str], required: Iterable[str], what: str) -> None:
    have = {c.strip() for c in found}
    missing = [c for c in required if c not in have]
    if missing:
        raise ListFormatError(f"{what}: header lacks column(s) {missing}; got {list(found)[:12]}")


def header_rows(rows: list[list[str]], required: Iterable[str], what: str) -> list[dict[str, str]]:
    """CSV rows whose first row is a header -> one dict per data row (values stripped). Refuses a missing
    header or required column, and a row with more or fewer cells than the header; blank rows are skipped."""
    if not rows:
        raise ListFormatError(f"{what}: no header line")
    header = [c.strip() for c in rows[0]]
    require_header(header, required, what)
    out: list[dict[str, str]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ListFormatError(f"{what}: line {n} has {len(row)} columns, expected {len(header)}")
        out.append({h: v.strip() for h, v in zip(header, row, strict=True)})
    return out


def latest_date(texts: Iterable[str | None]) -> str | None:
    """The latest of the ISO dates found in ``texts`` (e.g. effective dates: the list's publication)."""
    dates = sorted(d for d in (iso_date(t) for t in texts) if d)
    return dates[-1] if dates else None


def build_snapshot(
    source: str,
    rows: R,
    digest: str,
    published: str | None,
    version: str | None,
    map_rows: Callable[[R, str], tuple[list[Entity], list[str]]],
) -> ListSnapshot:
    """The tail every parser shares: the version label (given, else publication date + digest, else the
    digest), the rows mapped to entities, and formula-like names flagged in the warnings."""
    version = version or (f"{published}-{digest[:8]}" if published else f"sha-{digest[:12]}")
    entities, warnings = map_rows(rows, version)
    warnings = [*warnings, *formula_warnings(entities, source)]
    return ListSnapshot(source, version, tuple(entities), published, digest, tuple(warnings))
