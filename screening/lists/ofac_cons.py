"""OFAC non-SDN consolidated list (SSI, NS-PLC, NS-MBS, CMIC, ...), legacy CSV: cons_prim.csv + cons_alt.csv
+ cons_add.csv (+ cons_comments.csv, the overflow of long remarks, appended to them).

Ids are ``ofac_cons:<ent_num>``. See :mod:`screening.lists.ofac` for the layout.
"""

from __future__ import annotations

from screening.entities import Entity, ListSnapshot
from screening.lists import ofac
from screening.lists.ofac import OfacRows

SOURCE = "ofac_cons"
LIST_NAME = "OFAC Non-SDN Consolidated Sanctions List"
FILES = ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")


def read(prim: bytes, alt: bytes | None = None, add: bytes | None = None, comments: bytes | None = None) -> OfacRows:
    return ofac.read(prim, alt, add, comments, what="OFAC non-SDN")


def map_rows(rows: OfacRows, version: str) -> tuple[list[Entity], list[str]]:
    return ofac.map_rows(rows, version, SOURCE, LIST_NAME)


def to_entities(rows: OfacRows, version: str) -> list[Entity]:
    return map_rows(rows, version)[0]


def parse(
    prim: bytes,
    alt: bytes | None = None,
    add: bytes | None = None,
    comments: bytes | None = None,
    *,
    version: str | None = None,
    published: str | None = None,
) -> ListSnapshot:
    """The consolidated tables' bytes -> snapshot. The legacy CSV carries no date: pass ``published``
    (e.g. from the download's folder name) or the version is a content hash."""
    rows = read(prim, alt, add, comments)
    parts = [p for p in (prim, alt, add, comments) if p]
    return ofac.snapshot(rows, parts, SOURCE, LIST_NAME, version, published)
