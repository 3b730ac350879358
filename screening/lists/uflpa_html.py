"""DHS UFLPA Entity List, the HTML page as DHS publishes it (standard library ``html.parser``; pure).

Layout: one ``<table class="usa-table">`` per statutory list, each preceded by an element holding a
``<strong>`` description and an ``<a>`` whose text names the section ("Section 2(d)(2)(B)(i)" ... "(v)");
header cells "Name of Entity" or "Entity Name", and "Effective Date" ("January 15, 2025"). The entity
cells are prose, read by the grammar shared with the CSV excerpt (:mod:`screening.lists.uflpa_text`);
entities are made by :func:`screening.lists.uflpa.map_rows`, so both forms give the same entities (source
``uflpa``), each with its ``section`` ("2(d)(2)(B)(i)") and effective date.

Everything else on the page (banner, navigation, footer, scripts) is ignored. A table is read when it has
class ``usa-table`` or follows a section link, and has an entity-name header; others are skipped. A page
without any such table, or cut off before ``</html>`` or inside a table, is refused.

Version and publication date:

* ``version`` is ``<latest effective date>-<digest>``, the digest taken over the table content read (section,
  entity cell, effective date of every row), not the page bytes: fetching an unchanged list again gives the
  same version even when the page chrome or its "Last updated" date changed. ``checksum`` is that digest.
* ``published`` is the page's own date — a "Last updated", "Last reviewed" or "Page last reviewed/modified"
  date in the page text, else a ``dcterms.modified`` / ``article:modified_time`` meta tag — when it is not
  earlier than the latest effective date; otherwise (or without one) the latest effective date. Both only
  grow as DHS updates the list, so a later snapshot never sorts before an earlier one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from screening.entities import ListSnapshot
from screening.lists import uflpa
from screening.lists.common import MAX_FIELD_CHARS, ListFormatError, decode_text, formula_warnings, iso_date

SOURCE = uflpa.SOURCE
WHAT = "UFLPA Entity List (HTML)"

_SECTION = re.compile(
    r"(?:Section\s*)?2\s*\(\s*d\s*\)\s*\(\s*2\s*\)\s*\(\s*B\s*\)\s*\(\s*(?P<clause>[ivx]+)\s*\)", re.IGNORECASE
)
_NAME_HEADERS = {"name of entity", "entity name", "name of the entity", "entity names"}
_DATE_HEADERS = {"effective date", "date effective", "effective date of listing"}
_PAGE_DATE = re.compile(
    r"(?:last\s+(?:updated|reviewed|modified)|page\s+last\s+(?:reviewed|updated|modified))"
    r"\s*(?:on)?\s*[:\-–]?\s*"
    r"(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]+\.?\s+\d{1,2},\s*\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})",
    re.IGNORECASE,
)
_META_DATES = {"dcterms.modified", "article:modified_time", "last-modified", "dc.date.modified"}
_SKIP = {"script", "style", "template", "noscript", "svg"}
_BREAKS = {"br", "p", "div", "li", "ul", "ol", "span", "hr"}
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\xad]")


def _text(parts: list[str]) -> str:
    return " ".join(_INVISIBLE.sub("", "".join(parts)).split())


def section_of(text: str) -> str | None:
    """ "Section 2(d)(2)(B)(ii)" -> "2(d)(2)(B)(ii)"; None if the text names no UFLPA list section."""
    m = _SECTION.search(text)
    return f"2(d)(2)(B)({m.group('clause').lower()})" if m else None


@dataclass
class _Table:
    section: str | None
    description: str | None
    index: int
    rows: list[list[str]] = field(default_factory=list)
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """What the page says: entity rows (with section and effective date), the description of each section,
    the page's own date if it gives one, and what was skipped."""

    rows: list[uflpa.Row]
    sections: dict[str, str]  # section -> its description, e.g. "2(d)(2)(B)(i)" -> "Entities that mine, ..."
    page_date: str | None
    warnings: list[str]


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.meta_dates: list[str] = []
        self.outside: list[str] = []  # page text outside tables (for the page date)
        self.since_table: list[str] = []  # page text since the last table (for a section named in plain text)
        self.ended = False
        self._skip = 0
        self._depth = 0  # table nesting
        self._level = 0  # the nesting at which the table being read started (0: none is being read)
        self._table: _Table | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._cell_chars = 0
        self._strong: list[str] | None = None
        self._link: list[str] | None = None
        self._description: str | None = None
        self._section: str | None = None

    # -- tags -------------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            if (a.get("name") or a.get("property") or a.get("http-equiv") or "").lower() in _META_DATES:
                self.meta_dates.append(a.get("content", ""))
            return
        if tag == "table":
            self._depth += 1
            if self._table is None:  # (a layout table around the lists is not one, a table in a cell neither)
                classes = next((v or "" for k, v in attrs if k == "class"), "").split()
                section = self._section or section_of(" ".join(self.since_table))
                if "usa-table" in classes or section:
                    self._table = _Table(section, self._description, len(self.tables) + 1)
                    self._level = self._depth
                self._section = self._description = None
                self.since_table = []
            return
        if self._table is not None:
            if self._depth != self._level:  # a table inside a cell: its text is the cell's
                if self._cell is not None and tag in ("td", "th", "tr"):
                    self._cell.append(" ")
                return
            if tag == "tr":
                self._end_row()
                self._row = []
            elif tag in ("td", "th"):
                self._end_cell()
                if self._row is None:
                    self._row = []
                self._cell = []
                self._cell_chars = 0
            elif tag in _BREAKS and self._cell is not None:
                self._cell.append(" ")
            return
        if tag in ("strong", "b"):
            self._strong = []
        elif tag == "a":
            self._link = []
        elif tag in _BREAKS:
            self.outside.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return  # a self-closed <svg/> has no content to skip
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("html", "body"):
            self.ended = True
        if tag == "table":
            if self._table is not None and self._depth == self._level:
                self._end_row()
                self._table.closed = True
                self.tables.append(self._table)
                self._table = None
                self._level = 0
            self._depth = max(0, self._depth - 1)
            return
        if self._table is not None:
            if self._depth != self._level:
                return
            if tag in ("td", "th"):
                self._end_cell()
            elif tag == "tr":
                self._end_row()
            elif tag in _BREAKS and self._cell is not None:
                self._cell.append(" ")
            return
        if tag in ("strong", "b") and self._strong is not None:
            text = _text(self._strong)
            if text:
                self._description = text
            self._strong = None
        elif tag == "a" and self._link is not None:
            section = section_of(_text(self._link))
            if section:
                self._section = section
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
            self._cell_chars += len(data)
            if self._cell_chars > 2 * MAX_FIELD_CHARS:  # (checked exactly, after clean-up, at the cell's end)
                raise ListFormatError(f"{WHAT}: a table cell is over {MAX_FIELD_CHARS:,} characters")
            return
        if self._table is not None:
            return  # (between the cells of the table being read)
        self.outside.append(data)
        self.since_table.append(data)
        if self._strong is not None:
            self._strong.append(data)
        if self._link is not None:
            self._link.append(data)

    # -- rows and cells ---------------------------------------------------------------------------

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = _text(self._cell)
            if len(text) > MAX_FIELD_CHARS:
                raise ListFormatError(f"{WHAT}: a table cell is over {MAX_FIELD_CHARS:,} characters")
            self._row.append(text)
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None and self._table is not None and any(self._row):
            self._table.rows.append(self._row)
        self._row = None

    def finish(self) -> None:
        self.close()
        if self._table is not None:  # a table still open at the end of the document
            self.tables.append(self._table)
            self._table = None


def _header(row: list[str]) -> tuple[int, int | None] | None:
    keys = [c.casefold().rstrip(":") for c in row]
    name = next((i for i, k in enumerate(keys) if k in _NAME_HEADERS), None)
    if name is None:
        return None
    return name, next((i for i, k in enumerate(keys) if k in _DATE_HEADERS), None)


def _page_date(parser: _PageParser) -> str | None:
    found = [iso_date(m.group("date").replace(".", "")) for m in _PAGE_DATE.finditer(_text(parser.outside))]
    dates = sorted(d for d in found if d)
    if dates:
        return dates[-1]
    metas = sorted(d for d in (iso_date(m[:10]) for m in parser.meta_dates if m) if d)
    return metas[-1] if metas else None


def read(data: bytes) -> Page:
    """Bytes of the page -> its entity rows, section descriptions, page date and warnings."""
    text = decode_text(data, WHAT)
    if not _HTML_START.match(text):
        raise ListFormatError(f"{WHAT}: not an HTML page (no <!DOCTYPE html> or <html> at the start)")
    parser = _PageParser()
    parser.feed(text)
    parser.finish()
    if any(not t.closed for t in parser.tables) or not parser.ended:
        raise ListFormatError(f"{WHAT}: truncated: the page ends before </html> or inside a table")
    rows: list[uflpa.Row] = []
    sections: dict[str, str] = {}
    warnings: list[str] = []
    entity_tables = 0
    for table in parser.tables:
        where = f"section {table.section}" if table.section else f"table {table.index}"
        found = next(((i, h) for i, r in enumerate(table.rows) if (h := _header(r)) is not None), None)
        if found is None:
            if table.section:
                warnings.append(f"{WHAT}: {where} has no 'Name of Entity' or 'Entity Name' header; skipped")
            continue
        entity_tables += 1
        start, (name_col, date_col) = found
        if table.section and table.description:
            sections.setdefault(table.section, table.description)
        if table.section is None:
            warnings.append(f"{WHAT}: {where} names no section (no 'Section 2(d)(2)(B)(...)' link before it)")
        if date_col is None:
            warnings.append(f"{WHAT}: {where} has no 'Effective Date' column")
        for n, cells in enumerate(table.rows[start + 1 :], start=1):
            name = cells[name_col] if name_col < len(cells) else ""
            date = cells[date_col] if date_col is not None and date_col < len(cells) else ""
            rows.append(uflpa.Row(name, date, table.section, f"{where} row {n}"))
    if not entity_tables:
        raise ListFormatError(
            f"{WHAT}: no entity table (a table.usa-table with a 'Name of Entity' or 'Entity Name' header)"
        )
    return Page(rows, sections, _page_date(parser), warnings)


def content_digest(rows: list[uflpa.Row]) -> str:
    """Digest of what the tables say (section, entity cell, effective date of each row, in page order)."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r.section or ''}\x1f{r.text}\x1f{r.effective}\x1e".encode())
    return h.hexdigest()


def parse(data: bytes, version: str | None = None, *, published: str | None = None) -> ListSnapshot:
    page = read(data)
    if not any(r.text for r in page.rows):
        raise ListFormatError(f"{WHAT}: the entity tables have no rows")
    digest = content_digest(page.rows)
    effective = sorted(d for d in (iso_date(r.effective) for r in page.rows) if d)
    latest = effective[-1] if effective else None
    if published is None:
        dates = [d for d in (page.page_date, latest) if d]
        published = max(dates) if dates else None
    version = version or f"{latest or 'undated'}-{digest[:8]}"
    entities, warnings = uflpa.map_rows(page.rows, version)
    warnings = [*page.warnings, *warnings, *formula_warnings(entities, SOURCE)]
    return ListSnapshot(SOURCE, version, tuple(entities), published, digest, tuple(warnings))
