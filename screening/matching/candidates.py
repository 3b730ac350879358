"""Candidate generation: the names of an index that a query's words point to.

Postings word -> names, and the tables that find a query word's similar listed words: phonetic key,
one-letter deletions (SymSpell's deletion neighbourhood), trigrams and Arabic consonant keys. A query's
blocking words (its distinctive words, their splits against the vocabulary, adjacent words glued) add up
``weight * similarity`` per name through the postings; the best names are the candidates that the index
scores (docs/matching.md, "Index and candidate generation").
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, compress

from rapidfuzz import fuzz, process

from screening.carry import CarryOver
from screening.matching.arabic import arabic_key, word_arabic_key
from screening.matching.prepare import (
    DISTINCTIVE,
    INITIAL,
    NUMBER,
    PreparedName,
    phonetic_key,
    segment,
    split_against,
    split_tokens,
    token_weight,
    translit_key,
)
from screening.matching.score import ARABIC_A, ARABIC_B, FUZZY_MIN, pair_sim

CANDIDATES = 20  # at most this many names fully scored per query
CANDIDATE_SHARE = 0.3  # ... and only those whose blocking weight is at least this share of the best
MAX_POSTINGS = 4000  # a token listed under more names than this does not generate candidates alone
MAX_TRIGRAM_POSTINGS = 3000
FRESH_MIN = 32  # posting lists this long are added up in C loops
SORT_MAX = 800  # the top candidates of fewer names are cut at a weight found by sorting, of more by a heap
BLOCK_MIN_WEIGHT = 0.35
SPLIT_FACTOR = 0.6  # a word found by splitting a glued query word counts this much in blocking
DELETE_MIN_LEN = 4  # words this long or longer are found with one typo
TOKEN_MEMO_SIZE = 100_000  # query words whose similar vocabulary words and splits are kept per index
MEMO_MAX_TOKEN_LEN = 64  # ... when no longer than this

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Carried from one index build to the next (``screening.carry``): the Arabic consonant key of each listed
# word; a rebuild after a list update computes it only for the words that are new.
_ARABIC_KEYS: CarryOver[str, str] = CarryOver()


def _deletes(tok: str) -> set[str]:
    return {tok[:i] + tok[i + 1 :] for i in range(len(tok))}


def _trigrams(tok: str) -> set[str]:
    padded = f" {tok} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class CandidateIndex:
    """The words of the prepared names of an index (name ids: positions in ``prepared``), with the
    postings and similar-word tables that generate a query's candidates."""

    def __init__(self, prepared: Sequence[PreparedName], texts: Sequence[str], name_types: Sequence[str]) -> None:
        """``prepared``: the prepared names; ``texts``: each as listed (names in Chinese characters have
        their glued pinyin words split); ``name_types``: each one's entity type (``candidates(types=...)``)."""
        self._similar_memo: dict[str, dict[int, float]] = {}
        self._segment_memo: dict[str, list[str] | None] = {}
        self._vocab: dict[str, int] = {}
        self.tokens: list[str] = []  # the vocabulary: every word of the names, by word id
        self._postings: list[list[int]] = []
        self._by_key: dict[str, list[int]] = {}
        self._by_trigram: dict[str, list[int]] = {}
        self._by_delete: dict[str, list[int]] = {}
        self._name_tids: list[tuple[int, ...]] = []  # per name, the vocabulary ids of its tokens
        self._name_type = list(name_types)  # per name, its entity's type
        sizes: list[int] = []  # per name, its number of tokens
        self._repeats: set[int] = set()  # words whose posting list holds a name twice (see _post)
        # words by consonant key (``matching.arabic``): every word, and those from Arabic script
        self._arabic_keys: dict[str, list[int]] = {}
        self._arabic_listed: dict[str, list[int]] = {}
        han: list[int] = []
        arabic: set[str] = set()  # words of listed names written in Arabic script ...
        latin: set[str] = set()  # ... and in other scripts
        for nid, (name, text) in enumerate(zip(prepared, texts, strict=True)):
            self._post(nid, name.tokens)
            self._name_tids.append(tuple(self._vocab[t] for t in name.tokens))
            sizes.append(len(name.tokens))
            if _HAN.search(text):
                han.append(nid)
            arabic.update(name.arabic)
            latin.update(t for t in name.tokens if t not in name.arabic)
        # Names written in Chinese characters carry glued pinyin words ("guangzhouhaige"); split them
        # against the vocabulary of all other names, so that blocking finds them from either spelling.
        for nid in han:
            split = split_against(prepared[nid], self._vocab)
            if split is not prepared[nid]:
                self._post(nid, split.tokens)
        # The name and word ids of the tables a search reads, as int objects allocated one after another:
        # a search reads thousands of them, and spread over the heap (allocated among the names' strings
        # and tuples) most cost a cache miss. Same values, fewer cache lines (docs/matching.md, "Index
        # and candidate generation").
        nids = list(range(len(prepared)))
        tids = list(range(len(self.tokens)))
        self._postings = [list(map(nids.__getitem__, post)) for post in self._postings]
        self._name_tids = [tuple(map(tids.__getitem__, name_tids)) for name_tids in self._name_tids]
        self._vocab = dict(zip(self.tokens, tids, strict=True))
        # candidates tied in blocking weight go to the name of fewer words (more of it is covered), then
        # the earlier name: one integer per name, larger first, so that ties are sorted in C
        self._tiebreak = [-(size * len(sizes) + nid) for nid, size in enumerate(sizes)]
        self.skels = [translit_key(tok) for tok in self.tokens]  # per word, its transliteration key
        self.weights = [token_weight(tok) for tok in self.tokens]  # per word, its weight
        known_keys = _ARABIC_KEYS.known()
        arabic_keys: dict[str, str] = {}
        for tid, tok in zip(tids, self.tokens, strict=True):
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
        self._listed_similar = [self._find_similar_tokens(tok) for tok in self.tokens]
        self._listed_arabic_similar = {tok: self._find_similar_tokens(tok, True) for tok in sorted(arabic)}
        _ARABIC_KEYS.keep(arabic_keys)

    def _post(self, nid: int, tokens: Sequence[str]) -> None:
        for tok in dict.fromkeys(tokens):  # in name order: word ids must not depend on the hash seed
            tid = self._vocab.get(tok)
            if tid is None:
                tid = self._vocab[tok] = len(self.tokens)
                self.tokens.append(tok)
                self._postings.append([])
            post = self._postings[tid]
            if not post or post[-1] != nid:
                if post and post[-1] > nid and nid in post:  # a split name's word posted again
                    self._repeats.add(tid)
                post.append(nid)

    def word_ids(self, nids: Iterable[int]) -> set[int]:
        """The vocabulary ids of the words of these names."""
        return set().union(*map(self._name_tids.__getitem__, nids))

    def clear_memos(self) -> None:
        """Forget the query words' similar words and splits found so far (the first searches of words are
        measured again: ``benchmarks/bench_match_cold.py``)."""
        self._similar_memo.clear()
        self._segment_memo.clear()

    # -- similar words -----------------------------------------------------------------------------

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
                sim = pair_sim(tok, self.tokens[other], ARABIC_A if arabic else ARABIC_B)
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
                    sim = pair_sim(tok, self.tokens[o])
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
                        sim = pair_sim(tok, self.tokens[other])
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
                choices = [self.tokens[o] for o in near]
                for _, ratio, k in process.extract(
                    tok, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN * 100, limit=20
                ):
                    out[near[k]] = ratio / 100.0
        if (arabic or self._arabic_listed) and len(tok) > 1 and not tok.isdigit():
            self._arabic_similar(tok, arabic, out)
        return out

    # -- blocking ----------------------------------------------------------------------------------

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

    # -- candidates --------------------------------------------------------------------------------

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
