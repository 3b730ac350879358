"""Minimal private readers of the big lists, for the matcher's evaluation set and benchmark only.

The product's list loader (``screening.lists.loader.load_paths``) is the real way in; these readers
cover the formats it does not know yet (OFAC legacy CSV, CSL, BIS DPL, UN XML) and are used only for
files it skips. ``entities_for_eval`` tries ``load_paths`` first, file group by file group.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from screening.entities import Entity, EntityAddress, EntityName, EntityType, NameStrength
from screening.lists.loader import iter_files, load_paths

COUNTRIES = {
    "afghanistan": "AF", "albania": "AL", "algeria": "DZ", "belarus": "BY", "belgium": "BE", "burma": "MM",
    "canada": "CA", "china": "CN", "colombia": "CO", "cuba": "CU", "cyprus": "CY", "egypt": "EG",
    "france": "FR", "germany": "DE", "hong kong": "HK", "india": "IN", "indonesia": "ID", "iran": "IR",
    "iraq": "IQ", "israel": "IL", "italy": "IT", "japan": "JP", "jordan": "JO", "kazakhstan": "KZ",
    "korea, north": "KP", "korea, south": "KR", "kuwait": "KW", "lebanon": "LB", "libya": "LY",
    "malaysia": "MY", "mali": "ML", "mexico": "MX", "netherlands": "NL", "nicaragua": "NI",
    "nigeria": "NG", "pakistan": "PK", "panama": "PA", "philippines": "PH", "qatar": "QA",
    "russia": "RU", "saudi arabia": "SA", "singapore": "SG", "somalia": "SO", "south sudan": "SS",
    "spain": "ES", "sudan": "SD", "switzerland": "CH", "syria": "SY", "taiwan": "TW", "thailand": "TH",
    "turkey": "TR", "turkiye": "TR", "ukraine": "UA", "united arab emirates": "AE",
    "united kingdom": "GB", "united states": "US", "uzbekistan": "UZ", "venezuela": "VE",
    "vietnam": "VN", "yemen": "YE", "zimbabwe": "ZW", "armenia": "AM", "georgia": "GE",
    "democratic people's republic of korea": "KP", "iran (islamic republic of)": "IR",
    "russian federation": "RU", "syrian arab republic": "SY", "democratic republic of the congo": "CD",
    "congo, democratic republic of the": "CD", "central african republic": "CF", "haiti": "HT",
    "serbia": "RS", "bosnia and herzegovina": "BA", "brazil": "BR", "argentina": "AR",
    "british virgin islands": "VG", "marshall islands": "MH", "liberia": "LR", "greece": "GR",
}  # fmt: skip


def country_code(text: str | None) -> str | None:
    if not text:
        return None
    raw = text.strip()
    if len(raw) == 2 and raw.isupper():
        return raw
    return COUNTRIES.get(raw.casefold())


def _text(data: bytes) -> str:
    data = data.rstrip(b"\x1a\r\n ").lstrip(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _null(v: str) -> str:
    v = v.strip()
    return "" if v == "-0-" else v


def _entity_type(text: str, default: EntityType) -> EntityType:
    if text == "individual":
        return "person"
    if text == "entity":
        return "organization"
    if text == "vessel":
        return "vessel"
    if text == "aircraft":
        return "aircraft"
    return default


_WEAK_AKA = re.compile(r"a\.k\.a\.\s+'([^']+)'")


def read_ofac_legacy(directory: Path, source: str, files: tuple[str, str, str]) -> list[Entity]:
    """OFAC legacy CSV (sdn/alt/add or cons_prim/cons_alt/cons_add), no header rows."""
    prim, alt, add = (directory / f for f in files)
    version = directory.name
    aliases: dict[str, list[EntityName]] = {}
    if alt.exists():
        for row in csv.reader(io.StringIO(_text(alt.read_bytes()))):
            if len(row) < 4 or not _null(row[3]):
                continue
            alias_kind = _null(row[2]).casefold().replace(".", "") or "aka"
            strength: NameStrength = "weak" if alias_kind in ("fka", "nka") else "strong"
            aliases.setdefault(row[0].strip(), []).append(EntityName(_null(row[3]), strength, alias_kind))
    addresses: dict[str, list[EntityAddress]] = {}
    if add.exists():
        for row in csv.reader(io.StringIO(_text(add.read_bytes()))):
            if len(row) < 5:
                continue
            addresses.setdefault(row[0].strip(), []).append(
                EntityAddress(
                    street=_null(row[2]) or None,
                    city=_null(row[3]) or None,
                    country=country_code(_null(row[4])),
                    text=", ".join(x for x in (_null(row[2]), _null(row[3]), _null(row[4])) if x) or None,
                )
            )
    out: list[Entity] = []
    for row in csv.reader(io.StringIO(_text(prim.read_bytes()))):
        if len(row) < 12 or not row[0].strip().isdigit():
            continue
        ent, name, sdn_type, remarks = row[0].strip(), _null(row[1]), _null(row[2]).casefold(), _null(row[11])
        kind = _entity_type(sdn_type, "organization")
        weak = [EntityName(w, "weak", "weak_aka") for w in _WEAK_AKA.findall(remarks)]
        adds = tuple(addresses.get(ent, ()))
        countries = tuple(sorted({a.country for a in adds if a.country}))
        out.append(
            Entity(
                id=f"{source}:{ent}",
                source=source,
                list_name=source,
                list_version=version,
                entity_type=kind,
                names=(EntityName(name, "primary"), *aliases.get(ent, ()), *weak),
                addresses=adds,
                countries=countries,
                remarks=remarks or None,
            )
        )
    return out


def read_csl(path: Path) -> list[Entity]:
    rows = list(csv.reader(io.StringIO(_text(path.read_bytes()))))
    header = rows[0]
    out: list[Entity] = []
    seen: set[str] = set()
    for row in rows[1:]:
        if row == header or len(row) != len(header):
            continue
        d = dict(zip(header, row, strict=True))
        if not d.get("name", "").strip() or d["_id"] in seen:
            continue
        seen.add(d["_id"])
        kind = _entity_type(d.get("type", "").casefold(), "unknown")
        alts = [a.strip() for a in d.get("alt_names", "").split(";") if a.strip()]
        adds = []
        for a in d.get("addresses", "").split(";"):
            parts = [p.strip() for p in a.split(",")]
            if parts and parts[-1]:
                adds.append(EntityAddress(country=country_code(parts[-1]), text=a.strip()))
        out.append(
            Entity(
                id=f"csl:{d['_id']}",
                source="csl",
                list_name=d.get("source", "csl"),
                list_version=path.stem,
                entity_type=kind,
                names=(
                    EntityName(d["name"].strip(), "primary"),
                    *(EntityName(a, "strong", "aka") for a in alts),
                ),
                addresses=tuple(adds),
                countries=tuple(sorted({a.country for a in adds if a.country})),
            )
        )
    return out


def read_dpl(path: Path) -> list[Entity]:
    rows = list(csv.reader(io.StringIO(_text(path.read_bytes())), delimiter="\t"))
    header = [h.strip() for h in rows[0]]
    out: list[Entity] = []
    for n, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            continue
        d = dict(zip(header, row, strict=True))
        name = d["Name"].strip()
        if not name:
            continue
        country = d.get("Country", "").strip() or None
        out.append(
            Entity(
                id=f"bis_dpl:{n}",
                source="bis_dpl",
                list_name="Denied Persons List",
                list_version=path.stem,
                entity_type="unknown",
                names=(EntityName(name, "primary"),),
                addresses=(EntityAddress(city=d.get("City") or None, country=country),),
                countries=(country,) if country else (),
            )
        )
    return out


def read_un(path: Path) -> list[Entity]:
    root = ET.fromstring(path.read_bytes())
    out: list[Entity] = []
    for tag, kind in (("INDIVIDUAL", "person"), ("ENTITY", "organization")):
        for node in root.iter(tag):
            parts = [
                (node.findtext(f) or "").strip()
                for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ]
            primary = " ".join(p for p in parts if p)
            if not primary:
                continue
            names = [EntityName(primary, "primary")]
            orig = (node.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
            if orig:
                names.append(EntityName(orig, "strong", "original_script"))
            for alias in node.iter(f"{tag}_ALIAS"):
                value = (alias.findtext("ALIAS_NAME") or "").strip()
                if not value:
                    continue
                quality = (alias.findtext("QUALITY") or "").strip().casefold()
                strength: NameStrength = "weak" if quality in ("low", "f.k.a.") else "strong"
                names.append(EntityName(value.strip('“”"'), strength, quality or "aka"))
            countries = set()
            for addr in node.iter(f"{tag}_ADDRESS"):
                code = country_code(addr.findtext("COUNTRY"))
                if code:
                    countries.add(code)
            ref = (node.findtext("REFERENCE_NUMBER") or node.findtext("DATAID") or "").strip()
            out.append(
                Entity(
                    id=f"un_sc:{ref}",
                    source="un_sc",
                    list_name="UN Security Council Consolidated List",
                    list_version=path.stem,
                    entity_type="person" if kind == "person" else "organization",
                    names=tuple(names),
                    countries=tuple(sorted(countries)),
                )
            )
    return out


def _private(path: Path) -> list[Entity] | None:
    """Entities of one skipped file or file group, or None if this module does not read it."""
    name = path.name
    if name == "sdn.csv":
        return read_ofac_legacy(path.parent, "ofac_sdn", ("sdn.csv", "alt.csv", "add.csv"))
    if name == "cons_prim.csv":
        return read_ofac_legacy(path.parent, "ofac_cons", ("cons_prim.csv", "cons_alt.csv", "cons_add.csv"))
    if path.suffix == ".csv" and path.parent.name == "csl":
        head = path.read_bytes()[:200]
        return read_csl(path) if head.lstrip(b"\xef\xbb\xbf").startswith(b"_id,source") else None
    if path.suffix == ".txt" and path.name.startswith("dpl"):
        return read_dpl(path)
    if path.suffix == ".xml" and b"CONSOLIDATED_LIST" in path.read_bytes()[:500]:
        return read_un(path)
    return None


def entities_for_eval(paths: Iterable[str | Path]) -> list[Entity]:
    """Every entity under ``paths``: through ``load_paths`` where the product's loader reads the files,
    through the private readers for files it skips. Each directory is loaded on its own, so two
    versions of one list in two directories both come back."""
    files = iter_files(paths)
    by_dir: dict[Path, list[Path]] = {}
    for f in files:
        by_dir.setdefault(f.parent, []).append(f)
    out: list[Entity] = []
    for _directory, group in sorted(by_dir.items()):
        snapshots, skipped = load_paths(group)
        for snap in snapshots:
            out.extend(snap.entities)
        for s in skipped:
            found = _private(Path(s.path))
            if found:
                out.extend(found)
    return out
