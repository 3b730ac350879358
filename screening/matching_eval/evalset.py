"""A labelled evaluation set of name pairs built from the real shared lists, and its scoring.

Positive pairs (the same entity):
  * ``alias``: an a.k.a./f.k.a. against the primary name of the same entity (OFAC SDN 2024, OFAC
    non-SDN, UN, CSL, UFLPA, CBP), leaving out acronym aliases (one token of at most six letters against
    a longer name: a name matcher finds those through their own index entry, not by similarity);
  * ``version``: the same OFAC ent_num in the 2022 and 2024 SDN files, where the name changed;
  * ``cross_list``: the CSL row of an SDN entity (CSL ``entity_number`` = OFAC ent_num) against the
    SDN 2024 primary name, where they differ after folding.
Positive pairs that are a different name rather than a spelling of the same name (translations,
renamings: no shared word, low token_set_ratio) are kept with origin ``*_unrelated`` and reported on
their own, outside precision/recall/F1: a name matcher finds them through their own index entry.
Negative pairs (different entities): for a sample of names of the SDN 2024 file, the two nearest
names of *other* entities of the same kind in that file by rapidfuzz ``token_set_ratio`` (hard
negatives sharing words), leaving out pairs whose folded forms are identical (no name matcher can
tell those apart).

Every pair belongs to the ``dev`` or ``heldout`` split by a hash of its entity id(s): the matcher's
parameters were set looking at ``dev`` only.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from screening.entities import Entity
from screening.normalize import fold

HELDOUT_SHARE = 0.3
SEED = 20240503


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    kind: str  # "company" | "person"
    label: bool
    origin: str  # alias | version | cross_list | negative
    split: str  # dev | heldout
    ids: str  # entity id(s) the pair came from


def _kind(entity: Entity) -> str | None:
    if entity.entity_type == "person":
        return "person"
    if entity.entity_type == "organization":
        return "company"
    return None


def _split(key: str) -> str:
    h = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "heldout" if h < HELDOUT_SHARE else "dev"


def _unrelated(a: str, b: str) -> bool:
    """A different name rather than a spelling of the same one: no word of three letters or more in
    common after folding and a rapidfuzz token_set_ratio under 60 (translations, renamings)."""
    ta = {t for t in fold(a).split() if len(t) >= 3}
    tb = {t for t in fold(b).split() if len(t) >= 3}
    return not (ta & tb) and fuzz.token_set_ratio(fold(a), fold(b)) < 60


def _acronym(alias: str, primary: str) -> bool:
    fa, fp = fold(alias).split(), fold(primary).split()
    return len(fa) == 1 and len(fa[0]) <= 6 and len(fp) > 1


def build_pairs(entities: Sequence[Entity], per_kind: int = 2500) -> list[Pair]:
    rng = random.Random(SEED)
    pos: dict[str, list[Pair]] = {"company": [], "person": []}
    by_version: dict[str, dict[str, Entity]] = {}
    for e in entities:
        by_version.setdefault(e.list_version, {})[e.id] = e
    sdn_new = by_version.get("sdn-2024-05-03", {})
    sdn_old = by_version.get("sdn-2022-01-31", {})

    for e in entities:
        kind = _kind(e)
        if kind is None or e.list_version == "sdn-2022-01-31":
            continue
        primary = e.primary_name
        for alias in e.names[1:]:
            if fold(alias.value) == fold(primary) or _acronym(alias.value, primary):
                continue
            origin = "alias_unrelated" if _unrelated(alias.value, primary) else "alias"
            pos[kind].append(Pair(alias.value, primary, kind, True, origin, _split(e.id), e.id))
    for eid, old in sdn_old.items():
        new = sdn_new.get(eid)
        kind = _kind(old)
        if new is None or kind is None or fold(new.primary_name) == fold(old.primary_name):
            continue
        origin = "version_unrelated" if _unrelated(old.primary_name, new.primary_name) else "version"
        pos[kind].append(Pair(old.primary_name, new.primary_name, kind, True, origin, _split(eid), eid))
    for e in entities:
        kind = _kind(e)
        if e.source != "csl" or kind is None or not e.id.startswith("csl:") or not e.id[4:].isdigit():
            continue
        sdn = sdn_new.get(f"ofac_sdn:{e.id[4:]}")
        if sdn is None or fold(sdn.primary_name) == fold(e.primary_name):
            continue
        pos[kind].append(
            Pair(
                e.primary_name, sdn.primary_name, kind, True, "cross_list", _split(sdn.id), f"{e.id}|{sdn.id}"
            )
        )

    neg: dict[str, list[Pair]] = {"company": [], "person": []}
    for kind in ("company", "person"):
        pool = [e for e in sdn_new.values() if _kind(e) == kind]
        names = [e.primary_name for e in pool]
        folded = [fold(n) for n in names]
        sample = rng.sample(range(len(pool)), min(len(pool), per_kind))
        for i in sample:
            hits = process.extract(folded[i], folded, scorer=fuzz.token_set_ratio, limit=8)
            taken = 0
            for _, _, j in hits:
                if j == i or pool[j].id == pool[i].id or folded[j] == folded[i]:
                    continue
                key = "|".join(sorted((pool[i].id, pool[j].id)))
                neg[kind].append(Pair(names[i], names[j], kind, False, "negative", _split(key), key))
                taken += 1
                if taken == 2:
                    break

    out: list[Pair] = []
    for kind in ("company", "person"):
        p = pos[kind]
        rng.shuffle(p)
        out.extend(p[:per_kind])
        out.extend(neg[kind][:per_kind])
    return out


def write_pairs(pairs: Iterable[Pair], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")


def read_pairs(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8") as f:
        return [Pair(**json.loads(line)) for line in f if line.strip()]


@dataclass(frozen=True, slots=True)
class KindReport:
    kind: str
    pairs: int
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "kind": self.kind,
            "pairs": self.pairs,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score_pairs(pairs: Sequence[Pair]) -> list[float]:
    from screening.matching import compare

    return [compare(p.a, p.b, p.kind)[0] for p in pairs]


def evaluate(pairs: Sequence[Pair], scores: Sequence[float], threshold: float) -> dict[str, KindReport]:
    out: dict[str, KindReport] = {}
    for kind in ("company", "person"):
        tp = fp = fn = tn = n = 0
        for p, s in zip(pairs, scores, strict=True):
            if p.kind != kind:
                continue
            n += 1
            hit = s >= threshold
            if hit and p.label:
                tp += 1
            elif hit:
                fp += 1
            elif p.label:
                fn += 1
            else:
                tn += 1
        out[kind] = KindReport(kind, n, tp, fp, fn, tn)
    return out
