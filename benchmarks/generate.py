"""Realistic customs entries for the benchmark, built from the shipped list files.

Four categories, mixed by weight:

- ``listed``: one party (declared or a supply-chain tier) carries a name exactly as a list publishes it;
- ``near_miss``: one party carries a listed name with a small change (a typo, a dropped word, another
  legal form), the kind of name that scores near the thresholds;
- ``xinjiang``: a supply-chain tier located in the Xinjiang Uyghur Autonomous Region (a cotton gin,
  a polysilicon plant...) under an unlisted name;
- ``clean``: every party is an unlisted company outside Xinjiang.

Every entry has 1-10 lines and 3-8 screened parties counting the importer, the declared parties
(manufacturer always, then seller / shipper / consignee) and the supply-chain tiers; each entry
validates against ``schemas/customs-entry.v1.json``. Generation is deterministic for a seed.

Parties repeat, as on real traffic: the same importers, manufacturers and suppliers file entry after
entry. Unlisted companies come from a fixed population of ``parties`` established companies (the same
for every seed, so a warm-up run and the measured run share it), drawn with a skew (a few suppliers
are very frequent, most are occasional); a share ``fresh`` of them are first-seen companies drawn anew.
``fresh=1.0`` makes every unlisted company new (the worst case for the matcher's result cache). See
docs/scaling.md for the assumption and its effect on throughput.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from screening.entities import ListSnapshot
from screening.lists.loader import load_paths
from screening.rules.mid import derive_mid
from screening.rules.ruleset import default_rules

CATEGORIES = ("listed", "near_miss", "xinjiang", "clean")
DEFAULT_MIX: dict[str, float] = {"listed": 0.10, "near_miss": 0.10, "xinjiang": 0.10, "clean": 0.70}
MIN_PARTIES, MAX_PARTIES = 3, 8
MIN_LINES, MAX_LINES = 1, 10
OPTIONAL_ROLES = ("seller", "shipper", "consignee")
COMPANY_TYPES = frozenset({"organization", "unknown"})
PARTIES = 6_000  # established unlisted companies (suppliers, manufacturers, shippers) in the population
FRESH = 0.05  # share of unlisted parties that are first-seen companies

# Cities of the Xinjiang Uyghur Autonomous Region where UFLPA-relevant industries sit.
XINJIANG_PLACES = (
    ("Urumqi", "830000"),
    ("Kashgar", "844000"),
    ("Hotan", "848000"),
    ("Aksu", "843000"),
    ("Turpan", "838000"),
    ("Shanshan", "838200"),
    ("Hami", "839000"),
    ("Changji", "831100"),
    ("Korla", "841000"),
    ("Shihezi", "832000"),
    ("Yining", "835000"),
    ("Karamay", "834000"),
    ("Kuqa", "842000"),
    ("Wujiaqu", "831300"),
    ("Bole", "833400"),
    ("Lop County", "848200"),
)
XINJIANG_STREETS = (
    "Economic and Technological Development Zone",
    "Industrial Park",
    "Circular Economy Industrial Park",
    "High-tech Industrial Development Zone",
    "Textile and Garment Industrial Park",
    "Chemical Industrial Park",
)

# Unlisted company names: (country, cities, legal forms).
CLEAN_COUNTRIES = (
    (
        "CN",
        ("Guangzhou", "Ningbo", "Suzhou", "Dongguan", "Xiamen", "Qingdao", "Wuxi", "Shenzhen"),
        ("Co., Ltd.", "Company Limited", "Industrial Co., Ltd.", "Trading Co., Ltd."),
    ),
    ("VN", ("Hanoi", "Haiphong", "Binh Duong", "Dong Nai"), ("Company Limited", "JSC", "Co., Ltd")),
    ("IN", ("Ludhiana", "Tiruppur", "Pune", "Chennai"), ("Pvt. Ltd.", "Limited", "Exports Pvt Ltd")),
    ("MX", ("Monterrey", "Tijuana", "Guadalajara"), ("S.A. de C.V.", "S. de R.L. de C.V.")),
    ("DE", ("Stuttgart", "Bremen", "Leipzig"), ("GmbH", "AG", "GmbH & Co. KG")),
    ("MY", ("Penang", "Johor Bahru", "Kulim"), ("Sdn. Bhd.", "Berhad")),
    ("TR", ("Bursa", "Denizli", "Izmir"), ("A.S.", "Ltd. Sti.")),
)
CLEAN_CORES = (
    "Evergreen",
    "Harmony",
    "Bright Star",
    "Golden Bridge",
    "Blue Ocean",
    "Silver Lake",
    "Sunrise",
    "Everbright",
    "Greenfield",
    "Northstar",
    "Redwood",
    "Pioneer",
    "Lotus",
    "Summit",
    "Crystal River",
    "Oakleaf",
    "Jade Mountain",
    "Silk Road",
    "Four Seasons",
    "Orient",
    "Mapleton",
    "Sapphire",
    "Horizon",
    "Kingfisher",
    "Cedar",
    "Brightway",
)
STREET_NAMES = (
    "Jianshe",
    "Renmin",
    "Industrial",
    "Harbour",
    "Station",
    "Park",
    "Riverside",
    "Zhongshan",
    "Market",
)
US_IMPORTERS = (
    "Sunrise Solar Imports LLC",
    "Northfield Home Goods Inc",
    "Pacific Apparel Group Corp",
    "Midwest Hair Supply",
    "Atlantic Seafood Traders Inc",
    "Lakeshore Electronics Distribution LLC",
    "Red Rock Outdoor Gear Inc",
    "Harbor Point Foods Corp",
    "Keystone Industrial Supply Co",
    "Bluebonnet Textiles LLC",
    "Cascade Renewables Inc",
    "Great Plains Tire & Rubber Inc",
    "Summit Footwear Group LLC",
    "Prairie Kitchenware Corp",
)
US_CITIES = (
    ("Long Beach", "CA"),
    ("Newark", "NJ"),
    ("Savannah", "GA"),
    ("Houston", "TX"),
    ("Chicago", "IL"),
    ("Seattle", "WA"),
    ("Miami", "FL"),
    ("Norfolk", "VA"),
)
PORTS = ("2704", "2709", "1001", "1303", "1703", "2809", "3002", "3901", "5301", "5201", "4601", "0901")

# (industry, products: (HTS, description, unit, unit value USD), upstream roles, Xinjiang tier names)
INDUSTRIES = (
    (
        "Solar",
        (
            ("8541.43.0010", "Photovoltaic modules, crystalline silicon", "pcs", 95.0),
            ("8541.42.0010", "Photovoltaic cells, not assembled", "pcs", 1.2),
            ("2804.61.0000", "Polysilicon, 99.9999% pure", "kg", 9.0),
        ),
        ("wafer maker", "polysilicon supplier", "metallurgical silicon smelter"),
        ("Silicon Materials", "New Energy", "Polysilicon", "Silicon Industry"),
    ),
    (
        "Textile",
        (
            ("6205.20.2016", "Men's cotton shirts", "pcs", 6.5),
            ("6109.10.0012", "Cotton T-shirts", "doz", 28.0),
            ("6302.31.9020", "Cotton bed sheets", "pcs", 8.0),
            ("5205.12.1000", "Cotton yarn, single", "kg", 3.1),
        ),
        ("garment factory", "fabric mill", "spinning mill", "cotton supplier"),
        ("Cotton", "Cotton & Linen", "Textile", "Cotton Ginning"),
    ),
    (
        "Electronics",
        (
            ("8471.30.0100", "Portable computers", "pcs", 310.0),
            ("8517.13.0000", "Smartphones", "pcs", 180.0),
            ("8507.60.0020", "Lithium-ion batteries", "pcs", 22.0),
        ),
        ("assembler", "component supplier", "battery cell maker"),
        ("Electronic Technology", "Lithium Industry", "Nonferrous Metals"),
    ),
    (
        "Food",
        (
            ("2002.90.8050", "Tomato paste", "kg", 1.1),
            ("0304.75.0000", "Frozen Alaska pollock fillets", "kg", 3.4),
            ("0813.40.3000", "Dried red dates (jujubes)", "kg", 4.0),
        ),
        ("processor", "grower", "packer"),
        ("Tomato Products", "Agricultural Products", "Red Dates"),
    ),
    (
        "Materials",
        (
            ("7601.10.6000", "Unwrought aluminum", "kg", 2.6),
            ("3904.10.0000", "PVC resin", "kg", 1.0),
            ("4015.19.1010", "Nitrile gloves", "pcs", 0.05),
            ("6704.20.0000", "Wigs of human hair", "pcs", 24.0),
        ),
        ("fabricator", "smelter", "chemical plant", "raw material supplier"),
        ("Aluminum", "Chemical", "Hair Products", "PVC Chemical"),
    ),
)
LEGAL_SWAPS = (
    ("Co., Ltd.", "Company Limited"),
    ("Co., Ltd", "Co Ltd"),
    ("Company Limited", "Co., Ltd."),
    ("Limited", "Ltd"),
    ("Corporation", "Corp"),
    ("Co. Ltd.", "Company Ltd"),
    ("Inc.", "Incorporated"),
)


@dataclass(frozen=True, slots=True)
class ListedName:
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Generated:
    category: str
    record: dict[str, object]

    @property
    def entry_number(self) -> str:
        return str(self.record["entry_number"])

    def encode(self) -> bytes:
        return json.dumps(self.record, ensure_ascii=False).encode()


def listed_names(snapshots: Sequence[ListSnapshot]) -> dict[str, list[ListedName]]:
    """Company names per source (primary and strong aliases); people, vessels and aircraft are left out
    when a source lists companies too, as customs parties are companies."""
    out: dict[str, list[ListedName]] = {}
    for snap in snapshots:
        companies = [e for e in snap.entities if e.entity_type in COMPANY_TYPES] or list(snap.entities)
        names = {
            n.value.strip()
            for e in companies
            for n in e.names
            if n.strength in ("primary", "strong") and 3 <= len(n.value.strip()) <= 200
        }
        if names:
            out[snap.source] = [ListedName(n, snap.source) for n in sorted(names)]
    return out


def near_miss(name: str, rng: random.Random) -> str:
    """A listed name with one small change; always differs from the original."""
    for _ in range(8):
        words = name.split()
        kind = rng.randrange(5)
        if kind == 0:  # another spelling of the legal form
            pairs = [(a, b) for a, b in LEGAL_SWAPS if a in name]
            if pairs:
                a, b = rng.choice(pairs)
                candidate = name.replace(a, b, 1)
            else:
                candidate = f"{name} Co., Ltd."
        elif kind == 1 and len(words) >= 3:  # a word dropped
            i = rng.randrange(1, len(words))
            candidate = " ".join(words[:i] + words[i + 1 :])
        elif kind == 2:  # two adjacent letters swapped
            i = rng.randrange(max(1, len(name) - 2))
            candidate = name[:i] + name[i + 1] + name[i] + name[i + 2 :] if len(name) > 2 else name + "s"
        elif kind == 3:  # a letter dropped
            letters = [i for i, c in enumerate(name) if c.isalpha()]
            i = rng.choice(letters) if letters else 0
            candidate = name[:i] + name[i + 1 :]
        else:  # a generic word added
            candidate = f"{name} {rng.choice(('Group', 'International', 'Trading', 'Holdings'))}"
        candidate = " ".join(candidate.split())
        if candidate and candidate != name:
            return candidate
    return name + " Group"


class EntryGenerator:
    """Builds entries from a pool of listed names; ``generate(n)`` yields ``Generated`` items."""

    def __init__(
        self,
        names: dict[str, list[ListedName]],
        *,
        seed: int = 7,
        mix: dict[str, float] | None = None,
        prefix: str = "EWB",
        start: datetime | None = None,
        parties: int = PARTIES,
        fresh: float = FRESH,
    ) -> None:
        if not names:
            raise ValueError("no listed names: the benchmark needs at least one list file")
        if parties < 1 or not 0.0 <= fresh <= 1.0:
            raise ValueError(f"need parties >= 1 and 0 <= fresh <= 1, got {parties}, {fresh}")
        self.parties = parties
        self.fresh = fresh
        self._population: dict[str, list[tuple[str, dict[str, object], str]]] = {}
        self.names = names
        self.sources = sorted(names)
        self.rng = random.Random(seed)
        self.mix = dict(mix or DEFAULT_MIX)
        unknown = set(self.mix) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories in the mix: {sorted(unknown)}")
        self.prefix = prefix
        self.start = start or datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        self._n = 0

    @classmethod
    def from_paths(cls, paths: Sequence[str | Path], **kw: object) -> EntryGenerator:
        snapshots, _skipped = load_paths(paths)
        return cls(listed_names(snapshots), **kw)  # type: ignore[arg-type]

    # -- pieces ---------------------------------------------------------------------------------------

    def _listed(self) -> ListedName:
        # A source first, then a name: small lists (UFLPA, WRO) are as present as the large ones.
        return self.rng.choice(self.names[self.rng.choice(self.sources)])

    @staticmethod
    def _new_company(rng: random.Random, industry: str) -> tuple[str, dict[str, object]]:
        country, cities, forms = rng.choice(CLEAN_COUNTRIES)
        city = rng.choice(cities)
        name = f"{city} {rng.choice(CLEAN_CORES)} {industry} {rng.choice(forms)}"
        street = f"{rng.choice(STREET_NAMES)} {rng.choice(('Road', 'Avenue', 'Street'))}"
        address = {"street": f"{rng.randint(1, 999)} {street}",
                   "city": city, "country": country}  # fmt: skip
        return name, address

    def _established(self, industry: str) -> list[tuple[str, dict[str, object], str]]:
        pool = self._population.get(industry)
        if pool is None:
            rng = random.Random(f"population:{industry}")  # the same population for every seed
            size = max(1, self.parties // len(INDUSTRIES))
            pool = []
            for _ in range(size):
                name, address = self._new_company(rng, industry)
                pool.append((name, address, self._mid(name, address, rng)))
            self._population[industry] = pool
        return pool

    def _clean_company(self, industry: str) -> tuple[str, dict[str, object], str]:
        """An unlisted company with its MID: an established one (frequent ones more often) or a new one."""
        if self.rng.random() < self.fresh:
            name, address = self._new_company(self.rng, industry)
            return name, address, self._mid(name, address, self.rng)
        pool = self._established(industry)
        name, address, mid = pool[int(len(pool) * self.rng.random() ** 2)]
        return name, dict(address), mid

    def _xinjiang_company(self, tier_names: Sequence[str]) -> tuple[str, dict[str, object]]:
        city, postcode = self.rng.choice(XINJIANG_PLACES)
        name = f"{city} {self.rng.choice(CLEAN_CORES)} {self.rng.choice(tier_names)} Co., Ltd."
        address = {"street": self.rng.choice(XINJIANG_STREETS), "city": city, "province": "Xinjiang",
                   "postal_code": postcode, "country": "CN"}  # fmt: skip
        return name, address

    @staticmethod
    def _mid(name: str, address: dict[str, object], rng: random.Random) -> str:
        """The MID a careful filer declares: derived by CBP's rules (the product's own derivation), so
        clean entries are not all MID_MISMATCH reviews; ``rng`` stays in the signature for the callers."""
        parts = derive_mid(
            name,
            default_rules().mid,
            street=str(address.get("street") or "") or None,
            city=str(address.get("city") or "") or None,
            country=str(address.get("country") or "") or None,
            province=str(address.get("province") or "") or None,
        )
        return parts.value

    # -- one entry --------------------------------------------------------------------------------------

    def entry(self, category: str) -> Generated:
        rng = self.rng
        self._n += 1
        industry, products, roles, xj_names = rng.choice(INDUSTRIES)
        total = rng.randint(MIN_PARTIES, MAX_PARTIES)  # importer + declared parties + supply-chain tiers
        min_tiers = 1 if category == "xinjiang" else 0
        n_optional = rng.randint(0, min(len(OPTIONAL_ROLES), total - 2 - min_tiers))
        n_tiers = total - 2 - n_optional
        n_lines = rng.randint(MIN_LINES, MAX_LINES)

        importer = rng.choice(US_IMPORTERS)
        us_city, us_state = rng.choice(US_CITIES)
        maker, maker_addr, maker_mid = self._clean_company(industry)
        parties: dict[str, dict[str, object]] = {
            "manufacturer": {"name": maker, "address": maker_addr, "mid": maker_mid}
        }
        for role in rng.sample(OPTIONAL_ROLES, n_optional):
            if role == "consignee":
                parties[role] = {
                    "name": importer,
                    "address": {"city": us_city, "province": us_state, "country": "US"},
                }
            elif role == "seller" and rng.random() < 0.5:
                parties[role] = {"name": maker, "address": {"country": maker_addr["country"]}}
            else:
                name, addr, _mid = self._clean_company(industry)
                parties[role] = {"name": name, "address": addr}

        origin = str(maker_addr["country"])
        lines: list[dict[str, object]] = []
        for number in range(1, n_lines + 1):
            hts, description, unit, unit_value = rng.choice(products)
            quantity = rng.randint(10, 20_000)
            lines.append(
                {
                    "line_number": number,
                    "hts_code": hts,
                    "description": description,
                    "value_usd": round(quantity * unit_value * rng.uniform(0.8, 1.2), 2),
                    "quantity": quantity,
                    "unit": unit,
                    "country_of_origin": origin,
                }
            )
        tiers: list[dict[str, object]] = []
        for _ in range(n_tiers):
            line = rng.choice(lines)
            chain = line.setdefault("supply_chain", [])
            assert isinstance(chain, list)
            name, addr, _mid = self._clean_company(industry)
            tier = {"tier": len(chain) + 1, "role": rng.choice(roles), "name": name, "address": addr,
                    "country": addr["country"]}  # fmt: skip
            chain.append(tier)
            tiers.append(tier)

        if category == "xinjiang":
            tier = rng.choice(tiers)
            name, addr = self._xinjiang_company(xj_names)
            tier.update(name=name, address=addr, country="CN")
        elif category in ("listed", "near_miss"):
            listed = self._listed()
            name = listed.name if category == "listed" else near_miss(listed.name, rng)
            # The listed name sits on the manufacturer, another declared party or a tier.
            slots: list[dict[str, object]] = [p for r, p in parties.items() if r != "consignee"] + tiers
            rng.choice(slots)["name"] = name

        filed = self.start + timedelta(seconds=self._n * 7)
        record: dict[str, object] = {
            "schema_version": 1,
            "entry_number": f"{self.prefix}-{self._n:07d}-{self._n % 9}",
            "entry_revision": 0,
            "filed_at": filed.isoformat().replace("+00:00", "Z"),
            "direction": "import",
            "port_of_entry": rng.choice(PORTS),
            "importer": {
                "name": importer,
                "id": f"{rng.randint(10, 99)}-{rng.randint(1_000_000, 9_999_999)}",
            },
            "parties": parties,
            "country_of_origin": origin,
            "country_of_export": origin,
            "lines": lines,
        }
        return Generated(category, record)

    def categories(self, n: int) -> list[str]:
        """``n`` categories in the proportions of the mix (rounded; every category with a weight > 0
        appears at least once when n allows), shuffled."""
        weights = {c: w for c, w in self.mix.items() if w > 0}
        total = sum(weights.values())
        counts = {c: int(n * w / total) for c, w in weights.items()}
        for c in sorted(weights, key=lambda c: -weights[c]):
            if sum(counts.values()) >= n:
                break
            counts[c] += 1
        for c in weights:  # at least one of each when there is room, taken from the largest
            if counts[c] == 0 and n >= len(weights):
                largest = max(counts, key=lambda k: counts[k])
                counts[largest] -= 1
                counts[c] = 1
        out = [c for c, k in counts.items() for _ in range(k)]
        self.rng.shuffle(out)
        return out

    def generate(self, n: int) -> Iterator[Generated]:
        for category in self.categories(n):
            yield self.entry(category)
