"""OFAC Specially Designated Nationals list, legacy CSV: sdn.csv + alt.csv + add.csv (+ sdn_comments.csv).

Ids are ``ofac_sdn:<ent_num>``. See :mod:`screening.lists.ofac` for the layout.
"""

from __future__ import annotations

from screening.entities import Entity, ListSnapshot
from screening.lists import ofac
from screening.lists.ofac import OfacRows

SOURCE = "ofac_sdn"
LIST_NAME = "OFAC Specially Designated Nationals and Blocked Persons List (SDN)"
FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")  # primary, aliases, addresses, comments


def read(sdn: bytes, alt: bytes | None = None, add: bytes | None = None, comments: bytes | None = None) -> OfacRows:
    return ofac.read(sdn, alt, add, comments, what="OFAC SDN")


def map_rows(rows: OfacRows, version: str) -> tuple[list[Entity], list[str]]:
    return ofac.map_rows(rows, version, SOURCE, LIST_NAME)


def to_entities(rows: OfacRows, version: str) -> list[Entity]:
    return map_rows(rows, version)[0]


def parse(
    sdn: bytes,
    alt: bytes | None = None,
    add: bytes | None = None,
    comments: bytes | None = None,
    *,
    version: str | None = None,
    published: str | None = None,
) -> ListSnapshot:
    """The SDN tables' bytes -> snapshot. The legacy CSV carries no date: pass ``published`` (e.g. from
    the download's folder name) or the version is a content hash."""
    rows = read(sdn, alt, add, comments)
    parts = [p for p in (sdn, alt, add, comments) if p]
    return ofac.snapshot(rows, parts, SOURCE, LIST_NAME, version, published)
