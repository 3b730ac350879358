"""HTS codes to UFLPA high-priority sectors, region-wide WRO scopes and WRO product scopes (pure).

Everything the mapping knows is in ``hts-sectors.v<N>.json``; a prefix matches an HTS code written with
or without dots. A sector applies to an entry filed on or after the date it was added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from screening.rules.region import RuleDataError

_NON_DIGIT = re.compile(r"\D")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALL_PRODUCTS = "*"


def hts_digits(code: str | None) -> str:
    """'6109.10.0012' -> '6109100012'; None or no digits -> ''."""
    if code and len(code) <= 32:
        return _hts_digits_cached(code)
    return _NON_DIGIT.sub("", code or "")


@lru_cache(maxsize=16384)
def _hts_digits_cached(code: str) -> str:
    return _NON_DIGIT.sub("", code)


def _prefix(code: str, prefixes: Iterable[str]) -> str | None:
    """The longest prefix (as written in the data file) that the HTS code starts with."""
    digits = hts_digits(code)
    if not digits:
        return None
    best: str | None = None
    for p in prefixes:
        d = hts_digits(p)
        if d and digits.startswith(d) and (best is None or len(d) > len(hts_digits(best))):
            best = p
    return best


@dataclass(frozen=True, slots=True)
class Sector:
    id: str
    label: str
    added: str  # ISO date the sector became high-priority
    source: str
    hts: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class RegionScope:
    id: str
    label: str
    effective: str
    source: str
    region: str
    hts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SectorHit:
    sector: Sector
    prefix: str

    def to_json(self) -> dict[str, Any]:
        s = self.sector
        return {
            "sector": s.id,
            "label": s.label,
            "added": s.added,
            "source": s.source,
            "hts_prefix": self.prefix,
        }


@dataclass(frozen=True, slots=True)
class ScopeCheck:
    """Whether a line's goods fall within a WRO/Finding's product scope."""

    status: Literal["in_scope", "out_of_scope", "unknown"]
    scope: tuple[str, ...]  # the order's product scope as listed
    matched: str | None = None  # the scope item that covers the goods
    prefix: str | None = None
    unmapped: tuple[str, ...] = ()  # scope items the rules file does not map to HTS

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "scope": list(self.scope)}
        if self.matched is not None:
            out["matched_scope"] = self.matched
        if self.prefix is not None:
            out["hts_prefix"] = self.prefix
        if self.unmapped:
            out["unmapped_scope"] = list(self.unmapped)
        return out


def _scope_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())


def split_scope(product_scope: Iterable[str]) -> tuple[str, ...]:
    """'Cotton and cotton products; tomatoes and tomato products' -> two scope items."""
    out: list[str] = []
    for item in product_scope:
        out.extend(p.strip() for p in item.split(";") if p.strip())
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ProductRules:
    id: str
    version: str
    sectors: tuple[Sector, ...]
    region_scopes: tuple[RegionScope, ...]
    wro_scopes: Mapping[str, tuple[str, ...]]
    sources: Mapping[str, Mapping[str, str]]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProductRules:
        try:
            sources = {k: dict(v) for k, v in data["sources"].items()}
            sectors = tuple(
                Sector(s["id"], s["label"], s["added"], s["source"], tuple(s["hts"]), s.get("note", ""))
                for s in data["high_priority_sectors"]
            )
            scopes = tuple(
                RegionScope(r["id"], r["label"], r["effective"], r["source"], r["region"], tuple(r["hts"]))
                for r in data["region_wide_wro"]
            )
            wro = {_scope_key(k): tuple(v) for k, v in data["wro_product_scopes"].items()}
            for dated in (
                *((s.id, s.added, s.source) for s in sectors),
                *((r.id, r.effective, r.source) for r in scopes),
            ):
                if not _DATE.match(dated[1]):
                    raise RuleDataError(f"{dated[0]}: date {dated[1]!r} is not ISO")
                if dated[2] not in sources:
                    raise RuleDataError(f"{dated[0]}: source {dated[2]!r} is not described in sources")
            for prefixes in (*(s.hts for s in sectors), *(r.hts for r in scopes), *wro.values()):
                for p in prefixes:
                    if p != ALL_PRODUCTS and not re.fullmatch(r"\d{2}(?:\d{2}(?:\.\d{2}(?:\.\d{2,4})?)?)?", p):
                        raise RuleDataError(f"HTS prefix {p!r} is not chapter/heading/subheading")
            return cls(data["id"], str(data["version"]), sectors, scopes, wro, sources)
        except (KeyError, TypeError) as exc:
            raise RuleDataError(f"hts sectors file: {exc!r}") from exc

    def sectors_for(self, hts_code: str | None, on_date: str | None = None) -> list[SectorHit]:
        """High-priority sectors of an HTS code, in force on ``on_date`` (ISO; None means today's list)."""
        out = []
        for sector in self.sectors:
            if on_date is not None and on_date[:10] < sector.added:
                continue
            prefix = _prefix(hts_code or "", sector.hts)
            if prefix is not None:
                out.append(SectorHit(sector, prefix))
        return out

    def region_scopes_for(self, hts_code: str | None, on_date: str | None = None) -> list[tuple[RegionScope, str]]:
        out = []
        for scope in self.region_scopes:
            if on_date is not None and on_date[:10] < scope.effective:
                continue
            prefix = _prefix(hts_code or "", scope.hts)
            if prefix is not None:
                out.append((scope, prefix))
        return out

    def wro_scope(self, product_scope: Iterable[str], hts_code: str | None) -> ScopeCheck:
        """Is a line with ``hts_code`` within a WRO/Finding whose product scope is ``product_scope``?

        An order on all products covers every line; otherwise the line must have an HTS code under
        one of the scope's mapped prefixes. Unmapped scope text or a missing HTS code gives "unknown"
        unless another scope item already covers the line.
        """
        items = split_scope(product_scope)
        if not items:
            return ScopeCheck("unknown", items)
        unmapped: list[str] = []
        for item in items:
            prefixes = self.wro_scopes.get(_scope_key(item))
            if prefixes is None:
                unmapped.append(item)
                continue
            if ALL_PRODUCTS in prefixes:
                return ScopeCheck("in_scope", items, item, ALL_PRODUCTS)
            prefix = _prefix(hts_code or "", prefixes)
            if prefix is not None:
                return ScopeCheck("in_scope", items, item, prefix)
        if unmapped or not hts_digits(hts_code):
            return ScopeCheck("unknown", items, unmapped=tuple(unmapped))
        return ScopeCheck("out_of_scope", items)
