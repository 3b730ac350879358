"""Helpers shared by the list parsers."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import datetime


class ListFormatError(ValueError):
    """A list file that cannot be read as its format: refused, and the live version stays in force."""


def checksum(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()


def decode_text(data: bytes, what: str) -> str:
    if not data.strip():
        raise ListFormatError(f"{what}: the file is empty")
    data = data.rstrip(b"\x1a")  # DOS end-of-file byte
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:80]


_DATE_FORMATS = ("%B %d, %Y", "%m/%d/%Y", "%Y-%m-%d", "%d %B %Y", "%b %d, %Y")


def iso_date(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    raw = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date().isoformat()
        except ValueError:
            continue
    return None
