"""The name index of one set of list versions: prepared names, blocking keys, search."""

from __future__ import annotations

import heapq
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from screening.carry import CarryOver
from screening.entities import Entity, EntityName
from screening.matching.arabic import arabic_key, word_arabic_key
from screening.matching.evidence import DOB_AGREE_BONUS, PartyEvidence
from screening.matching.evidence import adjustments as evidence_adjustments
from screening.matching.prepare import (
    DISTINCTIVE,
    INITIAL,
    NUMBER,
    PreparedName,
    from_tokens,
    phonetic_key,
    prepare,
    prepare_name,
    segment,
    split_against,
    split_tokens,
    token_weight,
    translit_key,
)
from screening.matching.score import (
    ARABIC_A,
    ARABIC_B,
    FUZZY_MIN,
    PairScore,
    ScoreBound,
    pair_sim,
    primed_pair_sims,
    score_pair,
)
from screening.normalize import name_tokens
from screening.normalize_data import PLACE_WORDS

ALGORITHM_NAME = "ew-weighted-tokens"
ALGORITHM_VERSION = "1.7"
ALGORITHM = f"{ALGORITHM_NAME}-v{ALGORITHM_VERSION}"

# Corroboration and alias adjustments, added to the name score (documented in docs/matching.md).
WEAK_ALIAS_PENALTY = -0.05
KIND_CONFLICT_PENALTY = -0.15
COUNTRY_AGREE_BONUS = 0.03
COUNTRY_CONFLICT_PENALTY = -0.06
CITY_AGREE_BONUS = 0.02  # a word of the party's city/province among the entity's address words
CITY_CONFLICT_PENALTY = -0.03  # the entity has address cities/provinces and none of them agrees
# Listed with its subsidiaries (``includes_subsidiaries``, ``subordinate_and_affiliated``): a name with
# every distinctive word of the listed name plus only a place or branch qualifier scores at HOLD level.
SUBSIDIARY_FLAGS = frozenset({"includes_subsidiaries", "subordinate_and_affiliated"})
QUALIFIER_MARGIN = 0.01  # without the flag, a place-qualified name stays this far under HOLD
SUBSIDIARY_MIN_SIM = 0.85  # each listed distinctive word found at least this close
BRANCH_WORDS = frozenset(
    {"branch", "subsidiary", "factory", "plant", "office", "division", "representative", "county", "city",
     "province", "district", "region", "autonomous", "prefecture", "zone", "park"}
)  # fmt: skip
ADDRESS_NOISE = frozenset(
    {"county", "city", "province", "district", "region", "autonomous", "prefecture", "town", "village",
     "road", "street", "st", "rd", "avenue", "building", "floor", "room", "no", "zone", "area", "new"}
)  # fmt: skip

CANDIDATES = 20  # at most this many names fully scored per query
CANDIDATE_SHARE = 0.3  # ... and only those whose blocking weight is at least this share of the best
MAX_POSTINGS = 4000  # a token listed under more names than this does not generate candidates alone
MAX_TRIGRAM_POSTINGS = 3000
FRESH_MIN = 32  # posting lists this long are added up in C loops
SORT_MAX = 800  # the top candidates of fewer names are cut at a weight found by sorting, of more by a heap
BLOCK_MIN_WEIGHT = 0.35
SPLIT_FACTOR = 0.6  # a word found by splitting a glued query word counts this much in blocking
# Search results kept per index (one set of list versions), least recently used dropped first. Party
# names repeat on real traffic (the same importers, suppliers and manufacturers file entry after entry),
# so most searches are answered from here; a list swap builds a new index and so discards the cache.
CACHE_SIZE = 200_000
SCORED_CACHE_SIZE = 50_000  # names whose scored candidates are kept (searches of a name from other addresses)
EVIDENCE_SPARE = 3  # a search with evidence finds this many more entities by name, for those it drops
CACHE_MAX_KEY_LEN = 512  # longer names (with the city) are searched but not cached
TOKEN_MEMO_SIZE = 100_000  # query words whose similar vocabulary words and splits are kept per index
MEMO_MAX_TOKEN_LEN = 64  # ... when no longer than this

K = TypeVar("K")
V = TypeVar("V")

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

PERSON_KINDS = frozenset({"person"})
COMPANY_KINDS = frozenset({"organization", "vessel", "aircraft"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision levels of the name score. Defaults measured on the evaluation set (docs/matching.md)."""

    hold: float = 0.93
    review: float = 0.75

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.hold <= 1.0:
            raise ValueError(f"thresholds must satisfy 0 <= review <= hold <= 1, got {self}")


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    name: EntityName
    score: float
    explain: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """As ``entrywatch match`` prints it and ``POST /match`` answers it."""
        return {
            "entity_id": self.entity.id,
            "source": self.entity.source,
            "matched_name": self.name.value,
            "score": round(self.score, 4),
            "explain": self.explain,
        }


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    kind: str | None = None
    country: str | None = None
    city: str | None = None  # city and/or province of the party's address, free text


MAX_BONUS = COUNTRY_AGREE_BONUS + CITY_AGREE_BONUS
_PARENS = re.compile(r"[(（]([^)）]*)[)）]")


def _parenthesised(name: str) -> frozenset[str]:
    """Words written in parentheses in a name ("Hoshine Silicon Industry (Shanshan) Co." -> shanshan)."""
    return frozenset(t for part in _PARENS.findall(name) for t in name_tokens(part))


DELETE_MIN_LEN = 4  # words this long or longer are found with one typo


def _deletes(tok: str) -> set[str]:
    return {tok[:i] + tok[i + 1 :] for i in range(len(tok))}


def _trigrams(tok: str) -> set[str]:
    padded = f" {tok} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def address_words(text: str | None) -> frozenset[str]:
    """The place words of a city/province text ("Shanshan County, Turpan" -> {"shanshan", "turpan"})."""
    if not text:
        return frozenset()
    return frozenset(t for t in name_tokens(text) if len(t) > 2 and t not in ADDRESS_NOISE)


def _entity_places(entity: Entity) -> frozenset[str]:
    """The place words of an entity's addresses (cities and provinces)."""
    words: set[str] = set()
    for a in entity.addresses:
        for part in (a.city, a.province):
            words |= address_words(part)
    return frozenset(words)


def corroboration(
    entity: Entity,
    name: EntityName,
    kind: str | None,
    country: str | None,
    city: frozenset[str],
    places: frozenset[str],
) -> dict[str, float]:
    """Adjustments from the listed name's strength, the party kind, the country and the city (against
    ``places``, the entity's place words: ``_entity_places``)."""
    out: dict[str, float] = {}
    if name.strength == "weak":
        out["alias_strength"] = WEAK_ALIAS_PENALTY
    if (kind == "person" and entity.entity_type in COMPANY_KINDS) or (
        kind == "company" and entity.entity_type in PERSON_KINDS
    ):
        out["kind"] = KIND_CONFLICT_PENALTY
    if country:
        listed = set(entity.countries) | {a.country for a in entity.addresses if a.country}
        if listed:
            out["country"] = COUNTRY_AGREE_BONUS if country.upper() in listed else COUNTRY_CONFLICT_PENALTY
    if city and places:
        out["city"] = CITY_AGREE_BONUS if city & places else CITY_CONFLICT_PENALTY
    return out


def place_qualified(places: frozenset[str], pair: PairScore, qualifiers: frozenset[str]) -> bool:
    """The query is the listed name plus a place or branch qualifier: every distinctive word of the
    listed name is found, and every other word of the query is a place (a known place word, a word
    written in parentheses in the query, a word of the entity's address: ``places``) or a branch word."""
    found = {y: sim for _, y, sim in pair.pairs}
    listed = [t for t, c in zip(pair.b.tokens, pair.b.classes, strict=True) if c in (DISTINCTIVE, NUMBER)]
    if not listed or any(found.get(t, 0.0) < SUBSIDIARY_MIN_SIM for t in listed):
        return False
    used = {x for x, _, _ in pair.pairs}
    extra = [
        t
        for t, c in zip(pair.a.tokens, pair.a.classes, strict=True)
        if t not in used and c in (DISTINCTIVE, NUMBER, INITIAL)
    ]
    return bool(extra) and all(t in PLACE_WORDS or t in qualifiers or t in places or t in BRANCH_WORDS for t in extra)


def _rank(match: Match) -> tuple[float, float]:
    """Sort key of matches, best first: by name score (rounded as reported), then by the corroborated
    score. An adjustment (country, city, kind, alias strength) orders matches of equally good names; it
    never puts a misspelt name above an exact one."""
    return (-float(match.explain.get("name_score", match.score)), -match.score)


def weigh(matches: Iterable[Match], evidence: PartyEvidence, floor: float) -> list[Match]:
    """``matches`` with the identifier and date-of-birth adjustments of ``evidence`` added (each apart in
    ``adjustments``, what was compared in ``explain["evidence"]``), those at or above ``floor``, best
    first."""
    out: list[Match] = []
    for match in matches:
        adjust, seen = evidence_adjustments(match.entity, evidence)
        if not adjust and not seen:
            if match.score >= floor:
                out.append(match)
            continue
        explain = dict(match.explain)
        before = dict(explain.get("adjustments", {}))
        name_score = float(explain.get("name_score", match.score))
        # the unclipped sum: the score itself unless it was clipped to 0 or 1
        raw = match.score if 0.0 < match.score < 1.0 else name_score + sum(before.values())
        score = min(1.0, max(0.0, raw + sum(adjust.values())))
        if score < floor:
            continue
        explain["contributions"] = {**explain.get("contributions", {}), **adjust}
        explain["adjustments"] = {**before, **adjust}
        explain["score"] = round(score, 4)
        explain["evidence"] = seen
        out.append(Match(match.entity, match.name, score, explain))
    return sorted(out, key=lambda m: (*_rank(m), m.entity.id))


def _lru_put(cache: OrderedDict[K, V], key: K, value: V, size: int) -> None:
    """Put ``value`` in ``cache``, dropping the least recently used entry past ``size``."""
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


def _score_kind(kind: str | None, entity: Entity) -> str | None:
    """The kind whose name-score weights apply: the party's if given, else the listed entity's."""
    if kind in ("person", "company"):
        return kind
    if entity.entity_type in PERSON_KINDS:
        return "person"
    if entity.entity_type in COMPANY_KINDS:
        return "company"
    return None


# Carried from one index build to the next (``screening.carry``): the prepared form of each listed name
# and the Arabic consonant key of each listed word, most of a build; a rebuild after a list update
# computes them only for the names and words that are new.
_PREPARED: CarryOver[str, PreparedName] = CarryOver()
_ARABIC_KEYS: CarryOver[str, str] = CarryOver()


class NameIndex:
    """Prepared names of every entity of one set of list versions, with blocking keys."""

    algorithm = ALGORITHM
    algorithm_name = ALGORITHM_NAME
    algorithm_version = ALGORITHM_VERSION

    def __init__(
        self,
        entities: Iterable[Entity],
        thresholds: Thresholds | None = None,
        *,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        if cache_size < 0:
            raise ValueError(f"cache_size must be >= 0, got {cache_size}")
        self.thresholds = thresholds or Thresholds()
        self.cache_size = cache_size
        self.cache_hits = 0
        self.cache_misses = 0
        self._cache: OrderedDict[tuple[Any, ...], tuple[Match, ...]] = OrderedDict()
        # The name-only part of a search (candidates scored by name), shared by the searches of one name
        # with other countries and cities: the same supplier filed from different addresses.
        self._scored_cache: OrderedDict[tuple[Any, ...], tuple[tuple[int, PairScore], ...]] = OrderedDict()
        self.scored_cache_size = min(cache_size, SCORED_CACHE_SIZE)
        self._cache_lock = threading.Lock()  # a retro-screening thread may search the same index
        # keys of the results this index computed since ``fresh_results`` last took them (to share them
        # with other workers: ``result_codec``); at most ``cache_size`` are kept
        self._fresh: list[tuple[Any, ...]] = []
        self._by_id: dict[str, Entity] | None = None
        self._similar_memo: dict[str, dict[int, float]] = {}
        self._places: dict[int, frozenset[str]] = {}  # per entity found by a search, its place words
        self._segment_memo: dict[str, list[str] | None] = {}
        self._entities: list[Entity] = []
        self._names: list[EntityName] = []
        self._owner: list[int] = []
        self._prepared: list[PreparedName] = []
        self._vocab: dict[str, int] = {}
        self._tokens: list[str] = []
        self._postings: list[list[int]] = []
        self._by_key: dict[str, list[int]] = {}
        self._by_trigram: dict[str, list[int]] = {}
        self._by_delete: dict[str, list[int]] = {}
        self._name_tids: list[tuple[int, ...]] = []  # per name, the vocabulary ids of its tokens
        self._name_type: list[str] = []  # per name, its entity's type (``search(types=...)``)
        sizes: list[int] = []  # per name, its number of tokens
        self._repeats: set[int] = set()  # words whose posting list holds a name twice (see _post)
        # words by consonant key (``matching.arabic``): every word, and those from Arabic script
        self._arabic_keys: dict[str, list[int]] = {}
        self._arabic_listed: dict[str, list[int]] = {}
        han: list[int] = []
        arabic: set[str] = set()  # words of listed names written in Arabic script ...
        latin: set[str] = set()  # ... and in other scripts
        known = _PREPARED.known()
        built: dict[str, PreparedName] = {}
        for entity in entities:
            owner = len(self._entities)
            self._entities.append(entity)
            seen: set[tuple[str, ...]] = set()
            for name in entity.names:
                prepared = built.get(name.value) or known.get(name.value)
                if prepared is None:
                    prepared = prepare_name(name.value)  # not through the query cache
                built[name.value] = prepared
                if not prepared.tokens or prepared.tokens in seen:
                    continue
                seen.add(prepared.tokens)
                nid = len(self._prepared)
                self._names.append(name)
                self._owner.append(owner)
                self._name_type.append(entity.entity_type)
                self._prepared.append(prepared)
                self._post(nid, prepared.tokens)
                self._name_tids.append(tuple(self._vocab[t] for t in prepared.tokens))
                sizes.append(len(prepared.tokens))
                if _HAN.search(name.value):
                    han.append(nid)
                arabic.update(prepared.arabic)
                latin.update(t for t in prepared.tokens if t not in prepared.arabic)
        # Names written in Chinese characters carry glued pinyin words ("guangzhouhaige"); split them
        # against the vocabulary of all other names, so that blocking finds them from either spelling.
        for nid in han:
            split = split_against(self._prepared[nid], self._vocab)
            if split is not self._prepared[nid]:
                self._post(nid, split.tokens)
        # The name and word ids of the tables a search reads, as int objects allocated one after another:
        # a search reads thousands of them, and spread over the heap (allocated among the names' strings
        # and tuples) most cost a cache miss. Same values, fewer cache lines (docs/matching.md, "Index
        # and candidate generation").
        nids = list(range(len(self._prepared)))
        tids = list(range(len(self._tokens)))
        self._postings = [list(map(nids.__getitem__, post)) for post in self._postings]
        self._name_tids = [tuple(map(tids.__getitem__, name_tids)) for name_tids in self._name_tids]
        self._vocab = dict(zip(self._tokens, tids, strict=True))
        # candidates tied in blocking weight go to the name of fewer words (more of it is covered), then
        # the earlier name: one integer per name, larger first, so that ties are sorted in C
        self._tiebreak = [-(size * len(sizes) + nid) for nid, size in enumerate(sizes)]
        self._skels = [translit_key(tok) for tok in self._tokens]
        self._weights = [token_weight(tok) for tok in self._tokens]
        known_keys = _ARABIC_KEYS.known()
        arabic_keys: dict[str, str] = {}
        for tid, tok in zip(tids, self._tokens, strict=True):
            self._by_key.setdefault(phonetic_key(tok), []).append(tid)
            if len(tok) >= DELETE_MIN_LEN and not tok.isdigit():
                for variant in _deletes(tok):
                    self._by_delete.setdefault(variant, []).append(tid)
            if len(tok) >= 4 and not tok.isdigit():
                for tri in _trigrams(tok):
                    self._by_trigram.setdefault(tri, []).append(tid)
            key = known_keys.get(tok)
            if key is None:
                key = word_arabic_key(tok)
            arabic_keys[tok] = key
            if key:
                self._arabic_keys.setdefault(key, []).append(tid)
                if tok in arabic and tok not in latin:  # a Latin word finds it through the Arabic rule
                    self._arabic_listed.setdefault(key, []).append(tid)
        # each listed word's similar listed words, found once per list version: most words of a query are
        # listed words, so a search looks them up instead of scoring their neighbours (the first searches
        # after a list update included)
        self._listed_similar = [self._find_similar_tokens(tok) for tok in self._tokens]
        self._listed_arabic_similar = {tok: self._find_similar_tokens(tok, True) for tok in sorted(arabic)}
        _PREPARED.keep(built)
        _ARABIC_KEYS.keep(arabic_keys)

    def _post(self, nid: int, tokens: Sequence[str]) -> None:
        for tok in dict.fromkeys(tokens):  # in name order: word ids must not depend on the hash seed
            tid = self._vocab.get(tok)
            if tid is None:
                tid = self._vocab[tok] = len(self._tokens)
                self._tokens.append(tok)
                self._postings.append([])
            post = self._postings[tid]
            if not post or post[-1] != nid:
                if post and post[-1] > nid and nid in post:  # a split name's word posted again
                    self._repeats.add(tid)
                post.append(nid)

    def __len__(self) -> int:
        return len(self._entities)

    @property
    def name_count(self) -> int:
        return len(self._prepared)

    @property
    def prepared_names(self) -> list[PreparedName]:
        return self._prepared

    def owner_of(self, nid: int) -> Entity:
        return self._entities[self._owner[nid]]

    # -- candidate generation ----------------------------------------------------------------------

    def _similar_tokens(self, tok: str, arabic: bool = False) -> dict[int, float]:
        """Vocabulary tokens like ``tok``: a listed word's found when the index was built, another's
        memoised per index (query words recur even in new names); ``arabic``: ``tok`` came from Arabic
        script (the Arabic rule: the listed words from Arabic script were found when the index was built)."""
        if arabic:
            listed = self._listed_arabic_similar.get(tok)
            if listed is not None:
                return listed
        else:
            tid = self._vocab.get(tok)
            if tid is not None:
                return self._listed_similar[tid]
        if len(tok) > MEMO_MAX_TOKEN_LEN:
            return self._find_similar_tokens(tok, arabic)
        memo_key = f"{tok}:arabic" if arabic else tok
        found = self._similar_memo.get(memo_key)
        if found is None:
            if len(self._similar_memo) >= TOKEN_MEMO_SIZE:
                self._similar_memo.clear()
            found = self._similar_memo[memo_key] = self._find_similar_tokens(tok, arabic)
        return found

    def _arabic_similar(self, tok: str, arabic: bool, out: dict[int, float]) -> None:
        """Add to ``out`` the words that ``matching.arabic`` finds like ``tok``: any word of its
        consonant key when ``tok`` came from Arabic script, else the listed words from Arabic script."""
        key = arabic_key(tok)
        if not key:
            return
        near = (self._arabic_keys if arabic else self._arabic_listed).get(key, ())
        for other in near:
            if out.get(other, 0.0) < 1.0:
                sim = pair_sim(tok, self._tokens[other], ARABIC_A if arabic else ARABIC_B)
                if sim > out.get(other, 0.0):
                    out[other] = sim

    def _find_similar_tokens(self, tok: str, arabic: bool = False) -> dict[int, float]:
        """Vocabulary tokens like ``tok``: the same, the same phonetic key, or a close spelling."""
        out: dict[int, float] = {}
        tid = self._vocab.get(tok)
        if tid is not None:
            out[tid] = 1.0
        key = phonetic_key(tok)
        if len(tok) >= 3 and len(key) >= 3 and not tok.isdigit():
            # the same consonant skeleton and a spelling at least half alike (as in scoring)
            near = [o for o in self._by_key.get(key, ()) if o not in out]
            if near:
                for o in near:
                    sim = pair_sim(tok, self._tokens[o])
                    if sim > 0.0:
                        out[o] = sim
        if len(tok) >= DELETE_MIN_LEN and not tok.isdigit() and tid is None:
            # a spelling not in the lists: one letter wrong, missing, extra, or two letters swapped
            # (the words sharing a one-letter deletion with it; SymSpell's deletion neighbourhood)
            for variant in (tok, *sorted(_deletes(tok))):  # sorted: results must not depend on the hash seed
                found = list(self._by_delete.get(variant, ()))
                vid = self._vocab.get(variant)
                if vid is not None and len(variant) >= DELETE_MIN_LEN:
                    found.append(vid)
                for other in found:
                    if other not in out:
                        sim = pair_sim(tok, self._tokens[other])
                        if sim > 0.0:
                            out[other] = sim
        if len(tok) >= 6 and not tok.isdigit() and tid is None and len(out) <= 1:
            # further away: close spellings through shared trigrams (listed variants of a listed
            # token are reached through the phonetic key)
            tris = _trigrams(tok)
            posts = (self._by_trigram.get(tri) for tri in sorted(tris))
            counts = Counter(chain.from_iterable(p for p in posts if p is not None and len(p) <= MAX_TRIGRAM_POSTINGS))
            need = max(2, len(tris) // 2)
            near = [o for o in compress(counts.keys(), map(need.__le__, counts.values())) if o not in out]
            if near:
                choices = [self._tokens[o] for o in near]
                for _, ratio, k in process.extract(
                    tok, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN * 100, limit=20
                ):
                    out[near[k]] = ratio / 100.0
        if (arabic or self._arabic_listed) and len(tok) > 1 and not tok.isdigit():
            self._arabic_similar(tok, arabic, out)
        return out

    def _split_query(self, query: PreparedName) -> PreparedName:
        """``split_against(query, vocabulary)``, with the split of each word memoised per index."""
        return split_tokens(query, self._vocab, self._segment)

    def _segment(self, tok: str) -> list[str] | None:
        if len(tok) > MEMO_MAX_TOKEN_LEN:
            return segment(tok, self._vocab)
        if tok in self._segment_memo:
            return self._segment_memo[tok]
        if len(self._segment_memo) >= TOKEN_MEMO_SIZE:
            self._segment_memo.clear()
        parts = self._segment_memo[tok] = segment(tok, self._vocab)
        return parts

    def _blocking_tokens(self, query: PreparedName) -> list[tuple[str, float]]:
        split = self._split_query(query)
        toks: dict[str, float] = {}
        for prepared, factor in ((query, 1.0), (split, SPLIT_FACTOR)):
            for tok, w, cls in zip(prepared.tokens, prepared.weights, prepared.classes, strict=True):
                if cls in (DISTINCTIVE, NUMBER, INITIAL):
                    toks[tok] = max(toks.get(tok, 0.0), w if tok in query.tokens else w * factor)
            # adjacent tokens glued ("bao long da" -> "baolongda")
            for x, y in zip(prepared.tokens, prepared.tokens[1:], strict=False):
                if x + y in self._vocab:
                    toks.setdefault(x + y, 1.0)
        strong = [(t, w) for t, w in toks.items() if w >= BLOCK_MIN_WEIGHT and len(t) > 1]
        if strong:
            return strong
        if toks:
            return list(toks.items())
        return [(t, w) for t, w in zip(query.tokens, query.weights, strict=True)]

    def candidates(
        self, query: PreparedName, limit: int = CANDIDATES, types: frozenset[str] | None = None
    ) -> list[int]:
        """Ids of the names most likely to match ``query``, from shared and similar tokens; with ``types``,
        only names of entities of those types (``Entity.entity_type``)."""
        blocking = self._blocking_tokens(query)
        acc: dict[int, float] = {}
        only = len(blocking) == 1
        repeats = self._repeats
        for tok, weight in blocking:
            for tid, sim in self._similar_tokens(tok, tok in query.arabic).items():
                post = self._postings[tid]
                if len(post) > MAX_POSTINGS and not only:
                    continue
                inc = weight * sim
                if len(post) < FRESH_MIN or tid in repeats:  # (or a name listed twice in the list)
                    for nid in post:
                        acc[nid] = acc.get(nid, 0.0) + inc
                    continue
                # acc[nid] = acc.get(nid, 0.0) + inc for each name of the list, the same floats (0.0 + inc
                # is inc), in C loops: most names of a list are new to acc
                fresh = dict.fromkeys(post, inc)
                if acc:
                    for nid in acc.keys() & fresh.keys():
                        fresh[nid] = acc[nid] + inc
                    acc.update(fresh)
                else:
                    acc = fresh
        if not acc:
            return []
        top = self._top(acc, limit)
        if types is not None:
            name_type = self._name_type
            if any(name_type[nid] not in types for nid in top):
                # rarely: a name of another type among the best; leave out every such name and rank again
                acc = {nid: w for nid, w in acc.items() if name_type[nid] in types}
                if not acc:
                    return []
                top = self._top(acc, limit)
        return top

    def _top(self, acc: dict[int, float], limit: int) -> list[int]:
        """The best ``limit`` names of ``acc`` (name id -> blocking weight), those at least
        ``CANDIDATE_SHARE`` of the best weight."""
        # ties at the cut are broken by ``_tiebreak``: the same candidates on every worker
        nids: Iterable[int] = acc.keys()
        if len(acc) > limit:  # the best ``limit`` weigh at least the limit-th best weight
            values = acc.values()
            least = sorted(values)[-limit] if len(acc) < SORT_MAX else heapq.nlargest(limit, values)[-1]
            nids = list(compress(nids, map(least.__le__, values)))
        ranked = zip(map(acc.__getitem__, nids), map(self._tiebreak.__getitem__, nids), nids, strict=True)
        top = sorted(ranked, reverse=True)[:limit]
        floor = top[0][0] * CANDIDATE_SHARE
        return [nid for w, _, nid in top if w >= floor]

    # -- search ------------------------------------------------------------------------------------

    def _match(
        self,
        nid: int,
        pair: PairScore,
        kind: str | None,
        country: str | None,
        city: frozenset[str] = frozenset(),
        qualifiers: frozenset[str] = frozenset(),
    ) -> Match:
        owner = self._owner[nid]
        entity = self._entities[owner]
        name = self._names[nid]
        places = self._places.get(owner)
        if places is None:  # (a retro-screening thread may set it too: the same value)
            places = self._places[owner] = _entity_places(entity)
        adjust = corroboration(entity, name, kind, country, city, places)
        name_score = pair.score
        features = pair.features()
        if pair.score < 1.0 and place_qualified(places, pair, qualifiers):
            hold = self.thresholds.hold
            if SUBSIDIARY_FLAGS.intersection(entity.flags):
                # listed with its subsidiaries: "X (Place) Co" is covered by the listing of "X Co"
                features["subsidiary_of_listed"] = 1.0
                if name_score < hold:
                    adjust = {"subsidiary_of_listed": round(hold - name_score, 4), **adjust}
            elif name_score >= hold:
                # another legal entity of the same group (a branch, a regional company): REVIEW
                features["location_qualifier"] = 1.0
                adjust = {"location_qualifier": round(hold - QUALIFIER_MARGIN - name_score, 4), **adjust}
        score = min(1.0, max(0.0, name_score + sum(adjust.values())))
        explain: dict[str, Any] = {
            "algorithm": ALGORITHM_NAME,
            "version": ALGORITHM_VERSION,
            "matched_name": name.value,
            "name_strength": name.strength,
            **pair.explain(),
            "features": features,
            "contributions": {"name": round(name_score, 4), **adjust},
            "name_score": round(name_score, 4),  # the names alone
            "adjustments": dict(adjust),  # each corroboration apart: alias strength, kind, country, city...
            "score": round(score, 4),  # name_score + adjustments, clipped to [0, 1]: what the thresholds apply to
        }
        return Match(entity=entity, name=name, score=score, explain=explain)

    def search(
        self,
        name: str,
        kind: str | None = None,
        country: str | None = None,
        limit: int = 5,
        *,
        cutoff: float | None = None,
        city: str | None = None,
        types: Collection[str] | None = None,
        evidence: PartyEvidence | None = None,
    ) -> list[Match]:
        """Best match per entity, at or above the REVIEW threshold (or ``cutoff``), best first.
        ``country`` (ISO alpha-2) and ``city`` (city and/or province, free text) of the party's address
        corroborate or contradict a match a little. ``types``: only entities of these types
        (``Entity.entity_type``; None: every type), e.g. no vessel for a party. ``evidence``: the party's
        identifiers and date of birth, which adjust the matches found by name (``evidence.py``). Results
        are cached per index (``cache_size``) before the evidence is applied."""
        floor = self.thresholds.review if cutoff is None else cutoff
        if evidence:
            # the names found by name and place (down to what a date of birth may raise to the floor), a
            # few spare in case evidence drops some, then the evidence applied
            base = floor - (DOB_AGREE_BONUS if evidence.birth_year is not None else 0.0)
            found = self.search(name, kind, country, limit + EVIDENCE_SPARE, cutoff=base, city=city, types=types)
            return weigh(found, evidence, floor)[:limit]
        allowed = None if types is None else frozenset(types)
        if not self.cache_size or len(name) + len(city or "") > CACHE_MAX_KEY_LEN:
            return self._search(name, kind, country, limit, floor, city, allowed)
        key: tuple[Any, ...] = (name, kind, country, city, limit, floor)
        if allowed is not None:
            key += (tuple(sorted(allowed)),)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                self.cache_hits += 1
                return list(hit)
        found = self._search(name, kind, country, limit, floor, city, allowed)
        with self._cache_lock:
            self.cache_misses += 1
            _lru_put(self._cache, key, tuple(found), self.cache_size)
            if len(self._fresh) < self.cache_size:
                self._fresh.append(key)
        return found

    # -- results shared between indexes of the same list versions (other workers) -----------------

    def fresh_results(self) -> list[tuple[tuple[Any, ...], tuple[Match, ...]]]:
        """The cached results this index computed itself since the last call (key, matches), oldest first:
        what another worker with the same lists can adopt instead of searching."""
        with self._cache_lock:
            keys, self._fresh = self._fresh, []
            return [(k, hit) for k in keys if (hit := self._cache.get(k)) is not None]

    def adopt(self, key: tuple[Any, ...], matches: tuple[Match, ...]) -> bool:
        """Cache a result computed elsewhere for the same list versions, algorithm and thresholds (it is
        what ``search`` would compute); False if the key was cached already or caching is off."""
        if not self.cache_size or len(key) not in (6, 7):
            return False
        with self._cache_lock:
            if key in self._cache:
                return False
            _lru_put(self._cache, key, matches, self.cache_size)
        return True

    def entity(self, entity_id: str) -> Entity | None:
        """The indexed entity with this id, if any."""
        if self._by_id is None:
            self._by_id = {e.id: e for e in self._entities}
        return self._by_id.get(entity_id)

    def _search(
        self,
        name: str,
        kind: str | None,
        country: str | None,
        limit: int,
        floor: float,
        city: str | None,
        types: frozenset[str] | None = None,
    ) -> list[Match]:
        scored = self._scored(name, kind, floor, types)
        if not scored:
            return []
        city_words = address_words(city)
        qualifiers = _parenthesised(name)
        best: dict[int, Match] = {}
        for nid, pair in scored:
            match = self._match(nid, pair, kind, country, city_words, qualifiers)
            if match.score < floor:
                continue
            owner = self._owner[nid]
            old = best.get(owner)
            if old is None or _rank(match) < _rank(old):
                best[owner] = match
        return sorted(best.values(), key=lambda m: (*_rank(m), m.entity.id))[:limit]

    def _scored(
        self, name: str, kind: str | None, floor: float, types: frozenset[str] | None = None
    ) -> tuple[tuple[int, PairScore], ...]:
        """The candidates of ``name`` (of entities of ``types``) scored by name alone that could reach
        ``floor`` once corroborated (cached per index for ``scored_cache_size`` names: the country and city
        adjust a score only)."""
        cached = self.scored_cache_size > 0 and len(name) <= CACHE_MAX_KEY_LEN
        key = (name, kind, floor, types)
        if cached:
            with self._cache_lock:
                hit = self._scored_cache.get(key)
                if hit is not None:
                    self._scored_cache.move_to_end(key)
                    return hit
        query = prepare(name)
        if not query.tokens or not self._prepared:
            return ()
        candidates = self.candidates(query, types=types)
        # every query word against every candidate word at once, in a few batched calls (most are 0)
        tids = set().union(*map(self._name_tids.__getitem__, candidates))
        words, skels = tuple(map(self._tokens.__getitem__, tids)), tuple(map(self._skels.__getitem__, tids))
        out: list[tuple[int, PairScore]] = []
        # The rows hold the Latin rule only: ``_align`` scores the pairs with a word that came from Arabic
        # script in its own name by the Arabic rule itself, so one word can be Latin in one candidate and
        # Arabic in another.
        with primed_pair_sims(query.tokens, words, skels) as rows:
            # a candidate is kept if its name score may reach the floor once corroborated; its score's
            # upper bound (no alignment) settles most of the others (ScoreBound, in score.py; 1.0 for a
            # pair with a word from Arabic script)
            bound = None
            if floor > MAX_BONUS:
                bound = ScoreBound(query, rows, words, tuple(map(self._weights.__getitem__, tids)))
            for nid in candidates:
                entity = self._entities[self._owner[nid]]
                prepared, score_kind = self._prepared[nid], _score_kind(kind, entity)
                unflagged = SUBSIDIARY_FLAGS.isdisjoint(entity.flags)
                glue = True
                if unflagged and bound is not None:
                    most, glue = bound.check(prepared, score_kind)
                    if most + MAX_BONUS < floor:
                        continue
                pair = score_pair(query, prepared, score_kind, glue=glue)
                if unflagged and pair.score + MAX_BONUS < floor:
                    continue
                out.append((nid, pair))
        found = tuple(out)
        if cached:
            with self._cache_lock:
                _lru_put(self._scored_cache, key, found, self.scored_cache_size)
        return found

    def search_many(self, queries: Sequence[Query | str], limit: int = 5) -> list[list[Match]]:
        """``search`` for a batch of queries, in order."""
        out: list[list[Match]] = []
        for q in queries:
            if isinstance(q, str):
                out.append(self.search(q, limit=limit))
            else:
                out.append(self.search(q.name, kind=q.kind, country=q.country, limit=limit, city=q.city))
        return out


def compare(a: str, b: str, kind: str | None = None) -> tuple[float, dict[str, Any]]:
    """Score two names against each other: symmetric, in [0, 1], 1 for a name with itself."""
    pa, pb = prepare(a), prepare(b)
    if not pa.tokens and not pb.tokens:
        pa = pb = from_tokens(())
    pair = score_pair(pa, pb, kind if kind in ("person", "company") else None)
    score = 1.0 if a == b else pair.score
    explain: dict[str, Any] = {
        "algorithm": ALGORITHM_NAME,
        "version": ALGORITHM_VERSION,
        "kind": kind,
        **pair.explain(),
        "score": round(score, 4),
    }
    explain["a_form"] = explain.pop("query_form")
    explain["b_form"] = explain.pop("listed_form")
    return score, explain
