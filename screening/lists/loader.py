"""Recognise list files by name and content and parse them into snapshots (reads files; no services).

    result = load(["data/lists"])          # every file, with per-file errors; never raises ListFormatError
    result.live                            # the newest snapshot of each source
    result.errors                          # [LoadError(path, source, message)] for refused files
    snapshots, skipped = load_paths(paths) # the CLI's form: live snapshots, skipped and refused files

OFAC's headerless CSV tables are recognised by file name and grouped per directory: a folder holding
sdn.csv (+ alt.csv, add.csv, sdn_comments.csv) is one SDN snapshot, cons_prim.csv (+ cons_alt.csv, ...)
one non-SDN snapshot. Every other format is recognised by its content, whatever the file is called:

* CSV and text formats by their header line (an internal list's header may follow ``#`` comment lines);
* the DHS UFLPA Entity List page (HTML) by being an HTML document that has a ``usa-table`` or an
  entity-name header and names a "2(d)(2)(B)" section;
* FollowTheMoney JSON lines (OpenSanctions) by a first line that is a JSON object with "schema" and
  "properties"; those files are read line by line, so an export of several GB is not read into memory.

A date written in the file or folder name (``sdn-2024-05-03/``, ``dpl-2023-11-30.txt``) is taken as the
publication date of formats that carry none of their own (OFAC CSV, CSL, DPL, the WRO names table, an
internal list without a ``# published:`` line). See docs/list-formats.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from screening.entities import ListSnapshot
from screening.lists import (
    bis_dpl,
    cbp_names,
    cbp_wro,
    csl,
    ftm,
    internal,
    ofac_cons,
    ofac_sdn,
    uflpa,
    uflpa_html,
    un_sc,
)
from screening.lists.common import MAX_FILE_BYTES, ListFormatError

Parser = Callable[[bytes], ListSnapshot]


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class LoadError:
    path: str
    source: str
    message: str


@dataclass(frozen=True, slots=True)
class LoadResult:
    snapshots: list[ListSnapshot]  # every snapshot parsed, in path order
    skipped: list[Skipped] = field(default_factory=list)  # files not recognised as a list
    errors: list[LoadError] = field(default_factory=list)  # recognised but refused

    @property
    def live(self) -> list[ListSnapshot]:
        """The newest snapshot of each source (by publication date, then version)."""
        return newest(self.snapshots)


def newest(snapshots: Iterable[ListSnapshot]) -> list[ListSnapshot]:
    best: dict[str, ListSnapshot] = {}
    for snap in snapshots:
        old = best.get(snap.source)
        if old is None or (snap.published or "", snap.version) > (old.published or "", old.version):
            best[snap.source] = snap
    return list(best.values())


HEAD_BYTES = 65536  # what is read of a file to recognise it (the text formats look at the first 4 KiB)


def _first_line(head: bytes) -> bytes:
    return head.lstrip(b"\xef\xbb\xbf").lstrip().split(b"\n", 1)[0].strip()


def _first_data_line(head: bytes) -> bytes:
    """The first line that is neither blank nor a ``#`` comment."""
    for line in head.lstrip(b"\xef\xbb\xbf").split(b"\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            return stripped
    return b""


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)
_UFLPA_SECTION = re.compile(rb"2\s*\(\s*d\s*\)\s*\(\s*2\s*\)\s*\(\s*B\s*\)")
_ENTITY_HEADER = re.compile(rb"Name\s+of\s+Entity|Entity\s+Name|usa-table", re.IGNORECASE)


def is_uflpa_page(head: bytes, body: bytes) -> bool:
    """An HTML page (by its start) that names a UFLPA 2(d)(2)(B) list and has an entity table."""
    start = head[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(start)) and bool(_UFLPA_SECTION.search(body)) and bool(_ENTITY_HEADER.search(body))


def recognise(path: Path, head: bytes, body: bytes | None = None) -> tuple[str, Parser] | None:
    """Which single-file parser reads this file, from its first bytes (and the whole file, ``body``, for an
    HTML page, whose tables come after its chrome); None if unknown. (OFAC's headerless tables are grouped
    by :func:`load` from their file names.) An internal list is reported under the default source id; its
    own ``# source:`` is read by the parser."""
    first = _first_line(head[:4096])
    if ftm.looks_like(_first_line(head)):
        return ftm.SOURCE, ftm.parse
    plain = first.replace(b'"', b"")
    if plain.startswith(b"Name of Entity,Effective Date"):
        return uflpa.SOURCE, uflpa.parse
    if plain.startswith(b"cbp_entity_string,entity_name"):
        return cbp_names.SOURCE, cbp_names.parse
    if plain.startswith(b"Calendar Year,Country,Country Code,Entity"):
        return cbp_wro.SOURCE, cbp_wro.parse
    if plain.startswith(b"Name\tStreet_Address\t"):
        return bis_dpl.SOURCE, bis_dpl.parse
    cols = set(plain.split(b","))
    if {b"_id", b"source", b"name", b"alt_names"} <= cols:
        return csl.SOURCE, csl.parse
    xml_head = first.startswith(b"<") and b"<CONSOLIDATED_LIST" in head[:4096]
    if xml_head and (b"<INDIVIDUALS" in head[:4096] or b"<ENTITIES" in head[:4096]):
        return un_sc.SOURCE, un_sc.parse
    if is_uflpa_page(head, body if body is not None else head):
        return uflpa_html.SOURCE, uflpa_html.parse
    data_line = _first_data_line(head[:4096])
    if internal.is_header(data_line.decode("utf-8", "replace").split(",")):
        return internal.SOURCE, internal.parse
    return None


_DATED = re.compile(r"(\d{4}-\d{2}-\d{2})")
_SELF_DATED = {un_sc.SOURCE, uflpa.SOURCE, cbp_wro.SOURCE, ftm.SOURCE}
_OFAC_GROUPS = {ofac_sdn.SOURCE: ofac_sdn.FILES, ofac_cons.SOURCE: ofac_cons.FILES}


def date_in_path(path: Path) -> str | None:
    for part in (path.name, path.parent.name):
        m = _DATED.search(part)
        if m:
            return m.group(1)
    return None


# Files a list folder may hold beside its lists (its README): passed over in a folder, read when named.
NOT_LISTS = (".md",)


def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and not f.name.startswith(".") and f.suffix.lower() not in NOT_LISTS
                )
            )
        else:
            out.append(p)
    return out


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ListFormatError(f"{path.name}: file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}")
    return path.read_bytes()


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(HEAD_BYTES)


def _ofac_group(files: list[Path]) -> tuple[list[tuple[str, dict[str, Path]]], set[Path]]:
    """Group OFAC tables per directory -> ([(source, {file name: path})], files claimed)."""
    groups: list[tuple[str, dict[str, Path]]] = []
    claimed: set[Path] = set()
    by_dir: dict[Path, dict[str, Path]] = {}
    for f in files:
        by_dir.setdefault(f.parent, {})[f.name.casefold()] = f
    for names in by_dir.values():
        for source, parts in _OFAC_GROUPS.items():
            found = {n: names[n] for n in parts if n in names}
            if found:
                groups.append((source, found))
                claimed.update(found.values())
    return groups, claimed


def load(paths: Iterable[str | Path], *, allow_truncated: bool = False) -> LoadResult:
    """Parse every recognised list under ``paths``; a refused file is reported in ``errors`` and does not
    stop the others. ``allow_truncated`` lets a CSL file cut off inside its last record load (that record
    is flagged ``truncated_record``); otherwise such a file is refused."""
    files = iter_files(paths)
    snapshots: list[ListSnapshot] = []
    skipped: list[Skipped] = []
    errors: list[LoadError] = []
    groups, claimed = _ofac_group(files)
    for source, found in groups:
        primary_name = (ofac_sdn.FILES if source == ofac_sdn.SOURCE else ofac_cons.FILES)[0]
        module = ofac_sdn if source == ofac_sdn.SOURCE else ofac_cons
        where = str(next(iter(found.values())).parent)
        if primary_name not in found:
            errors.append(LoadError(where, source, f"{', '.join(sorted(found))} without {primary_name}"))
            continue
        try:
            blobs = [_read(found[n]) if n in found else None for n in module.FILES]
            primary = blobs[0] or b""
            snapshots.append(module.parse(primary, *blobs[1:], published=date_in_path(found[primary_name])))
        except (ListFormatError, OSError) as exc:
            errors.append(LoadError(where, source, str(exc)))
    for path in files:
        if path in claimed:
            continue
        source = ""
        try:
            if ftm.looks_like(_first_line(_head(path))):  # JSON lines: streamed, whatever the size
                source = ftm.SOURCE
                snapshots.append(ftm.parse_path(path))
                continue
            data = _read(path)
        except (ListFormatError, OSError) as exc:
            errors.append(LoadError(str(path), source, str(exc)))
            continue
        found_parser = recognise(path, data[:HEAD_BYTES], data)
        if found_parser is None:
            skipped.append(Skipped(str(path), "format not recognised"))
            continue
        source, parser = found_parser
        try:
            snapshots.append(_parse_one(source, parser, data, date_in_path(path), allow_truncated))
        except ListFormatError as exc:
            errors.append(LoadError(str(path), source, str(exc)))
    return LoadResult(snapshots, skipped, errors)


def _parse_one(source: str, parser: Parser, data: bytes, dated: str | None, allow_truncated: bool) -> ListSnapshot:
    published = None if source in _SELF_DATED else dated
    if parser is csl.parse:
        return csl.parse(data, published=published, allow_truncated=allow_truncated)
    if parser is un_sc.parse:
        return un_sc.parse(data, published=dated)
    if parser in (bis_dpl.parse, cbp_names.parse, internal.parse):
        return parser(data, published=published)
    return parser(data)


def load_paths(
    paths: Iterable[str | Path], *, allow_truncated: bool = False
) -> tuple[list[ListSnapshot], list[Skipped]]:
    """Parse every recognised list file under ``paths``. When one source appears in several versions
    the newest (by published date, then version) is returned. Unknown files are reported as skipped,
    and so are refused files (reason "refused: ..."), which do not stop the others from loading."""
    result = load(paths, allow_truncated=allow_truncated)
    refused = [Skipped(e.path, f"refused ({e.source or 'unknown source'}): {e.message}") for e in result.errors]
    return result.live, [*result.skipped, *refused]
