"""A labelled evaluation set of name pairs built from the real shared lists, and its scoring.

Positive pairs (the same entity):
  * ``alias``: an a.k.a./f.k.a. against the primary name of the same entity (OFAC SDN 2024, OFAC
    non-SDN, UN, CSL, UFLPA, CBP);
  * ``acronym``: a one-word alias of at most six letters that is the initials of the primary's words
    ("BNC" / "BANCO NACIONAL DE CUBA"); other short one-word aliases (acronyms of another language's
    words) are left out: a name matcher finds those through their own index entry;
  * ``version``: the same OFAC ent_num in the 2022 and 2024 SDN files, where the name changed;
  * ``cross_list``: a CSL row of a Treasury list (id ``csl:<list>:<entity_number>``, where the
    entity_number is OFAC's ent_num) against the OFAC entry with that ent_num (SDN 2024, else non-SDN),
    where the names differ after folding (the CSL writes persons "First LAST", OFAC "LAST, First").
Positive pairs that are a different name rather than a spelling of the same name (translations,
renamings: no distinctive word in common, not even in another spelling; see ``_unrelated``) are kept with
origin ``*_unrelated`` and reported on their own, outside precision/recall/F1: a name matcher finds
them through their own index entry.
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

from screening.entities import Entity, ListSnapshot
from screening.normalize import fold, name_tokens
from screening.normalize_data import GENERIC_WORDS, LEGAL_FORMS, PLACE_WORDS, STOPWORDS

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


_NOT_DISTINCTIVE = LEGAL_FORMS | STOPWORDS | GENERIC_WORDS | PLACE_WORDS


def _distinctive(name: str) -> list[str]:
    """Words that identify a name: not a legal form, stopword, descriptive business word or place."""
    return [t for t in name_tokens(name) if len(t) >= 3 and not t.isdigit() and t not in _NOT_DISTINCTIVE]


def _unrelated(a: str, b: str) -> bool:
    """A different name rather than a spelling of the same one (a translation, a renaming): the two
    share no distinctive word, not even in another spelling (no pair of distinctive words with a
    rapidfuzz ratio of 75 or more, the distinctive words glued together not alike either). Names with no
    distinctive word: no word of three letters in common and token_set_ratio under 60."""
    da, db = _distinctive(a), _distinctive(b)
    if not da or not db:
        ta = {t for t in fold(a).split() if len(t) >= 3}
        tb = {t for t in fold(b).split() if len(t) >= 3}
        return not (ta & tb) and fuzz.token_set_ratio(fold(a), fold(b)) < 60
    if any(fuzz.ratio(x, y) >= 75 for x in da for y in db):
        return False
    return fuzz.ratio("".join(da), "".join(db)) < 75


def _acronym(alias: str, primary: str) -> bool:
    """A one-word alias of at most six letters against a longer name."""
    fa, fp = fold(alias).split(), fold(primary).split()
    return len(fa) == 1 and len(fa[0]) <= 6 and len(fp) > 1


def _initials_of(alias: str, primary: str) -> bool:
    """The alias is the initials of the primary's words, or of its words other than stopwords and legal
    forms ("BNC" / "BANCO NACIONAL DE CUBA")."""
    letters = fold(alias).replace(" ", "")
    words = fold(primary).split()
    every = "".join(w[0] for w in words)
    core = "".join(w[0] for w in words if w not in STOPWORDS and w not in LEGAL_FORMS)
    return len(letters) >= 2 and letters in (every, core)


def _ofac_number(entity: Entity) -> str | None:
    """The OFAC ent_num a CSL row carries: its id is ``csl:<list>:<entity_number>`` and for the
    Treasury lists (SDN, SSI, CMIC, PLC, FSE, ...) the entity_number is OFAC's ent_num."""
    parts = entity.id.split(":")
    if entity.source != "csl" or len(parts) != 3 or not parts[2].isdigit():
        return None
    return parts[2] if "Treasury" in entity.list_name else None


def build_pairs(snapshots: Sequence[ListSnapshot], per_kind: int = 2500) -> list[Pair]:
    rng = random.Random(SEED)
    pos: dict[str, list[Pair]] = {"company": [], "person": []}
    sdn_snaps = sorted((s for s in snapshots if s.source == "ofac_sdn"), key=lambda s: (s.published or "", s.version))
    sdn_new = {e.id: e for e in sdn_snaps[-1].entities} if sdn_snaps else {}
    sdn_old = {e.id: e for e in sdn_snaps[0].entities} if len(sdn_snaps) > 1 else {}
    old_version = sdn_snaps[0].version if len(sdn_snaps) > 1 else None
    entities = [e for s in snapshots for e in s.entities]

    for e in entities:
        kind = _kind(e)
        if kind is None or e.list_version == old_version:
            continue
        primary = e.primary_name
        for alias in e.names[1:]:
            if fold(alias.value) == fold(primary):
                continue
            if _acronym(alias.value, primary):
                if not _initials_of(alias.value, primary):
                    continue  # an acronym of another language's words: found through its own entry
                origin = "acronym"
            else:
                origin = "alias_unrelated" if _unrelated(alias.value, primary) else "alias"
            pos[kind].append(Pair(alias.value, primary, kind, True, origin, _split(e.id), e.id))
    for eid, old in sdn_old.items():
        new = sdn_new.get(eid)
        kind = _kind(old)
        if new is None or kind is None or fold(new.primary_name) == fold(old.primary_name):
            continue
        origin = "version_unrelated" if _unrelated(old.primary_name, new.primary_name) else "version"
        pos[kind].append(Pair(old.primary_name, new.primary_name, kind, True, origin, _split(eid), eid))
    # The CSL's Treasury rows against the OFAC entry with the same ent_num (the newest SDN file, else
    # the non-SDN list, else the older SDN file).
    ofac: dict[str, Entity] = {}
    for snap in [*sdn_snaps[:1], *(s for s in snapshots if s.source == "ofac_cons"), *sdn_snaps[1:]]:
        ofac.update({e.id.split(":")[-1]: e for e in snap.entities})
    for e in entities:
        kind = _kind(e)
        num = _ofac_number(e)
        other = ofac.get(num) if num else None
        if kind is None or other is None or fold(other.primary_name) == fold(e.primary_name):
            continue
        origin = "cross_list_unrelated" if _unrelated(e.primary_name, other.primary_name) else "cross_list"
        pos[kind].append(
            Pair(e.primary_name, other.primary_name, kind, True, origin, _split(other.id), f"{e.id}|{other.id}")
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
        # every version and cross-list pair (few), then aliases up to ``per_kind`` positives
        p.sort(key=lambda pair: not pair.origin.startswith(("version", "cross_list")))
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
