"""Recognise list files by name and content and parse them into snapshots (reads files; no services)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from screening.entities import ListSnapshot
from screening.lists import cbp_names, uflpa

Parser = Callable[[bytes], ListSnapshot]


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


def recognise(path: Path, head: bytes) -> tuple[str, Parser] | None:
    """Which parser reads this file, from its name and first bytes; None if unknown."""
    first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").strip()
    if first.startswith(b"Name of Entity,Effective Date"):
        return uflpa.SOURCE, uflpa.parse
    if first.startswith(b"cbp_entity_string,entity_name"):
        return cbp_names.SOURCE, cbp_names.parse
    return None


def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        else:
            out.append(p)
    return out


def load_paths(paths: Iterable[str | Path]) -> tuple[list[ListSnapshot], list[Skipped]]:
    """Parse every recognised list file under ``paths``. When one source appears in several versions
    the newest (by published date, then version) is returned; unknown files are reported as skipped."""
    newest: dict[str, ListSnapshot] = {}
    skipped: list[Skipped] = []
    for path in iter_files(paths):
        data = path.read_bytes()
        found = recognise(path, data[:4096])
        if found is None:
            skipped.append(Skipped(str(path), "format not recognised"))
            continue
        source, parser = found
        snap = parser(data)
        old = newest.get(source)
        if old is None or (snap.published or "", snap.version) > (old.published or "", old.version):
            newest[source] = snap
    return list(newest.values()), skipped
