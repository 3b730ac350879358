"""Scoring of two prepared names: weighted token alignment, glued-form similarity. Symmetric, in [0, 1]."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Prefix
from rapidfuzz.fuzz import ratio

from screening.matching.arabic import arabic_match, arabic_sim_possible
from screening.matching.prepare import (
    DISTINCTIVE,
    LEGAL,
    NUMBER,
    STOP,
    PreparedName,
    phonetic_key,
    split_against,
    split_word,
    translit_key,
)
from screening.matching.symbols import related_words, symbol_key
from screening.normalize import is_legal
from screening.normalize_data import ABBREVIATIONS, LEGAL_FAMILIES

# Weights of the name score (documented in docs/matching.md).
# Share of the Dice term in the name score; the rest is containment (the shorter name found inside the
# longer one). Persons are often listed with more given names and patronymics than a document shows;
# a company name with extra words is more often a related but different company.
DICE_SHARE = {"person": 0.35, "company": 0.5, None: 0.45}
NUMBER_CONFLICT_CAP = 0.6  # both names carry a number the other lacks ("33rd" / "99th Division")
FUZZY_MIN = 0.78  # least rapidfuzz ratio for two tokens to count as the same word
FUZZY_MIN_SHORT = 0.86  # the same for tokens of four letters or fewer
PHONETIC_SIM = 0.9  # two tokens with the same phonetic key ...
PHONETIC_MIN_RATIO = 0.5  # ... and at least this spelling similarity ("bushra" / "bashar" are not one name)
PHONETIC_MIN_RATIO_SHORT = 0.6  # ... for a word of three letters ("abc" / "abyss" are not one name)
TRANSLIT_SIM = 0.95  # the most a transliteration variant counts ("younes" / "yunis", "iryna" / "irina")
ACRONYM_SIM = 0.85  # a word spelled by the initials of a run of the other name's words
INITIAL_SIM = 0.6  # an initial against a word starting with it
PREFIX_SIM = 0.8  # an abbreviation (prefix of four letters or more) against the word
ARABIC_SIM = 0.9  # a word from Arabic script and a Latin spelling of it (``arabic.arabic_match``)
# ``arabic`` argument of the word similarities: which of the two words came from Arabic script
ARABIC_A = 1
ARABIC_B = 2
# two words sharing a person name symbol (``symbols``: "hussayn" / "hosein", "umar" / "omar"), persons and
# parties of unknown kind only: as much as the phonetic and Arabic rules, under an exact match (an alias never
# outranks the exact name); 0.95 raised words those rules already join, and listed persons' hits on others
SYMBOL_SIM = 0.9
LEGAL_FAMILY_SIM = 0.8  # two legal forms of one family (``LEGAL_FAMILIES``: "ojsc" / "pjsc", "ltd" / "llc")
COMPACT_MIN = 0.92  # least similarity of the glued forms for that feature to count
NO_DISTINCTIVE_CAP = 0.5  # ceiling when no distinctive word is shared
CONFLICT_WEIGHT = 0.5  # unmatched distinctive weight on both sides that turns containment off
# Containment counts in full only when the shorter name carries this much distinctive weight (about two
# uncommon words); a sub-name of one common word ("KIM, Song" in "KIM, Song Chol") is weak evidence.
INFO_FULL = 1.6


# per legal form of a family, the other forms of its family
_FAMILY: dict[str, frozenset[str]] = {form: family - {form} for family in LEGAL_FAMILIES for form in family}


def token_sim(
    a: str,
    b: str,
    ratio: float,
    key_a: str,
    key_b: str,
    skel_a: str = "",
    skel_b: str = "",
    arabic: int = 0,
) -> float:
    """Similarity of two tokens, given rapidfuzz's ratio of them in [0, 1], their phonetic keys and
    their transliteration keys. ``arabic``: ``ARABIC_A`` when ``a`` came from Arabic script and ``b``
    did not, ``ARABIC_B`` the other way round; such a word (consonants and long vowels only) is also
    compared with the Latin word's consonants and vowels (``arabic.arabic_match``)."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_SIM if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)) else 0.0
    short = min(len(a), len(b))
    sim = 0.0
    if ratio >= (FUZZY_MIN_SHORT if short <= 4 else FUZZY_MIN):
        sim = ratio
    if (
        short >= 3
        and key_a == key_b
        and arabic not in (ARABIC_A, ARABIC_B)
        and ratio >= (PHONETIC_MIN_RATIO_SHORT if short == 3 else PHONETIC_MIN_RATIO)
    ):
        sim = max(sim, PHONETIC_SIM)
    if skel_a and skel_b and (skel_a != a or skel_b != b):
        if skel_a == skel_b:
            sim = max(sim, TRANSLIT_SIM)
        elif sim < TRANSLIT_SIM:
            skel_ratio = fuzz.ratio(skel_a, skel_b) / 100.0
            if skel_ratio >= (FUZZY_MIN_SHORT if short <= 4 else FUZZY_MIN):
                sim = max(sim, min(skel_ratio, TRANSLIT_SIM))
    if short >= 4 and (a.startswith(b) or b.startswith(a)):
        sim = max(sim, PREFIX_SIM)
    if sim < ARABIC_SIM and _arabic_spelling(a, b, arabic):
        sim = ARABIC_SIM
    if sim < LEGAL_FAMILY_SIM and b in _FAMILY.get(a, ()):
        sim = LEGAL_FAMILY_SIM
    return sim


def _arabic_spelling(a: str, b: str, arabic: int) -> bool:
    """One of the two words came from Arabic script (``arabic``) and the other can be its Latin spelling."""
    if arabic == ARABIC_A:
        return arabic_match(a, b)
    return arabic == ARABIC_B and arabic_match(b, a)


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    dice: float
    containment: float
    compact: float
    shared_distinctive: bool
    a: PreparedName
    b: PreparedName
    pairs: tuple[tuple[str, str, float], ...]
    dice_share: float

    def features(self) -> dict[str, float]:
        return {
            "token_dice": round(self.dice, 4),
            "token_containment": round(self.containment, 4),
            "compact": round(self.compact, 4),
        }

    def explain(self) -> dict[str, object]:
        return {
            "query_form": self.a.text,
            "listed_form": self.b.text,
            "features": self.features(),
            "weights": {"token_dice": self.dice_share, "token_containment": round(1 - self.dice_share, 4)},
            "aligned": [[x, y, round(s, 3)] for x, y, s in self.pairs],
            "name_score": round(self.score, 4),
        }


@lru_cache(maxsize=262144)
def pair_sim(a: str, b: str, arabic: int = 0) -> float:
    """``token_sim`` of two tokens, cached: the same word pairs recur across candidates and queries."""
    return token_sim(
        a, b, ratio(a, b) / 100.0, phonetic_key(a), phonetic_key(b), translit_key(a), translit_key(b), arabic
    )


# ``token_sim`` is 0 for two different tokens unless one of them is a single letter, their rapidfuzz
# ratio is at least PHONETIC_MIN_RATIO (fuzzy and phonetic rules), their transliteration keys are at
# least FUZZY_MIN alike, they share their first four letters (prefix rule), or they are legal forms of one
# family (``LEGAL_FAMILIES``); when one of them came from
# Arabic script (``arabic``), also when their consonant keys are equal (``arabic.arabic_key``). ``primed_pair_sims``
# relies on this to settle most word pairs of a search at once; a new rule in ``token_sim`` must widen
# this filter (tests/unit/test_match_properties.py checks it on the evaluation set's words).
_MAYBE_RATIO = min(PHONETIC_MIN_RATIO, FUZZY_MIN) * 100.0 - 1.0
_MAYBE_SKEL_RATIO = FUZZY_MIN * 100.0 - 1.0
_MAYBE_PREFIX = 4


def maybe_similar(a: str, b: str, arabic: int = 0) -> bool:
    """False only when ``token_sim`` of the two tokens is certainly 0 (the filter ``primed_pair_sims`` uses)."""
    if a == b or len(a) == 1 or len(b) == 1 or b in _FAMILY.get(a, ()):
        return True
    if arabic in (ARABIC_A, ARABIC_B) and arabic_sim_possible(a, b):
        return True
    if len(a) >= _MAYBE_PREFIX and len(b) >= _MAYBE_PREFIX and a[:_MAYBE_PREFIX] == b[:_MAYBE_PREFIX]:
        return True
    return ratio(a, b) >= _MAYBE_RATIO or ratio(translit_key(a), translit_key(b)) >= _MAYBE_SKEL_RATIO


# Similarity rows of the search in progress: token -> (its non-zero ``pair_sim`` by other token, the
# tokens it was compared with; any other of those is 0). Set by ``primed_pair_sims``, read by ``_align``.
# The rows hold the Latin rule only: a word is Latin in one name and from Arabic script in another, so
# ``_align`` scores the pairs with a word from Arabic script in its own name itself.
SimRows = dict[str, tuple[dict[str, float], frozenset[str]]]
_PRIMED: ContextVar[SimRows | None] = ContextVar("primed_pair_sims", default=None)


def pair_sim_rows(xs: Iterable[str], ys: Iterable[str], y_skels: Sequence[str] | None = None) -> SimRows:
    """``pair_sim`` of every word of ``xs`` with every word of ``ys``, as rows for both sides, in a few
    batched rapidfuzz calls per word of ``xs``: pairs that ``maybe_similar`` rejects are 0 without going
    through ``token_sim`` (``token_sim`` is symmetric, so one value serves both orders). ``y_skels``:
    the ``translit_key`` of each of ``ys`` (distinct words), if the caller has them. The Latin rule only
    (``arabic`` 0): ``_align`` scores words from Arabic script itself."""
    words = frozenset(xs)
    if y_skels is None:
        choices: Sequence[str] = tuple(dict.fromkeys(ys))
        skels: Sequence[str] = tuple(map(translit_key, choices))
    else:
        choices = ys if isinstance(ys, Sequence) else tuple(ys)
        skels = y_skels
    rows: SimRows = {}
    if not words or not choices:
        return rows
    others = frozenset(choices)
    single = list(compress(choices, map((1).__eq__, map(len, choices))))
    both = words | others if words & others else frozenset()
    near_of: dict[str, dict[str, float]] = {y: {} for y in choices}
    for x in words:
        near = near_of.setdefault(x, {})
        if len(x) == 1:
            maybe: Iterable[str] = choices
        else:
            found = {y for y, _, _ in process.extract(x, choices, scorer=ratio, score_cutoff=_MAYBE_RATIO, limit=None)}
            found.update(
                choices[k]
                for _, _, k in process.extract(
                    translit_key(x), skels, scorer=ratio, score_cutoff=_MAYBE_SKEL_RATIO, limit=None
                )
            )
            found.update(single)
            found.update(others.intersection(_FAMILY.get(x, ())))
            if len(x) >= _MAYBE_PREFIX:
                found.update(
                    y
                    for y, _, _ in process.extract(
                        x, choices, scorer=Prefix.similarity, score_cutoff=_MAYBE_PREFIX, limit=None
                    )
                )
            maybe = found
        for y in maybe:
            sim = 1.0 if x == y else pair_sim(x, y)
            if sim > 0.0:
                near[y] = sim
                near_of[y][x] = sim
    # A word of both sides has its pairs with every word of either; a word of one side only has its pairs
    # with the other side's words (two candidate words were never compared: a query word split against a
    # candidate, "alhassan" -> "al hassan", meets another candidate's "hasan" through ``pair_sim``).
    for tok, near in near_of.items():
        if tok in words and tok in others:
            rows[tok] = (near, both)
        else:
            rows[tok] = (near, others if tok in words else words)
    return rows


_NO_WORDS: frozenset[str] = frozenset()


def _arabic_flag(a: bool, b: bool) -> int:
    """The ``arabic`` argument of ``token_sim`` for two words, given which came from Arabic script."""
    return (ARABIC_A if a else 0) | (ARABIC_B if b else 0)


@contextmanager
def primed_pair_sims(xs: Iterable[str], ys: Iterable[str], y_skels: Sequence[str] | None = None) -> Iterator[SimRows]:
    """Within the block, ``_align`` takes the similarity of a word of ``xs`` and a word of ``ys`` from
    ``pair_sim_rows(xs, ys, y_skels)`` (a search primes its query words against its candidates' words).
    The block gets the rows (``ScoreBound`` reads them)."""
    rows = pair_sim_rows(xs, ys, y_skels)
    token = _PRIMED.set(rows)
    try:
        yield rows
    finally:
        _PRIMED.reset(token)


def _align(a: PreparedName, b: PreparedName, symbols: bool = False) -> tuple[float, bool, list[tuple[str, str, float]]]:
    """Greedy one-to-one alignment of tokens by weighted similarity; returns the matched weight.
    ``symbols``: two words sharing a person name symbol are at least ``SYMBOL_SIM`` alike."""
    if not a.tokens or not b.tokens:
        return 0.0, False, []
    # (-weighted similarity, -similarity, i, j): ascending order is best pair first, ties by position
    cands: list[tuple[float, float, int, int]] = []
    append = cands.append
    a_weights, b_weights, b_tokens = a.weights, b.weights, b.tokens
    rows = _PRIMED.get()
    symbol_rows = related_words() if symbols else None
    # words from Arabic script in either name: their pairs are computed here, by the Arabic rule (the
    # primed rows hold the Latin one)
    arabic_words = a.arabic | b.arabic if a.arabic or b.arabic else frozenset()
    for i, ta in enumerate(a.tokens):
        wa = a_weights[i]
        row = rows.get(ta) if rows is not None else None
        near, known = row if row is not None else (None, frozenset())
        alike = _NO_WORDS
        if symbol_rows is not None:
            alike = symbol_rows.get(symbol_key(ta, ta in a.arabic), _NO_WORDS)
        for j, tb in enumerate(b_tokens):
            if ta == tb:
                sim = 1.0
            elif arabic_words and (ta in arabic_words or tb in arabic_words):
                sim = pair_sim(ta, tb, _arabic_flag(ta in a.arabic, tb in b.arabic))
            elif near is not None and tb in known:
                sim = near.get(tb, 0.0)
            else:
                sim = pair_sim(ta, tb)
            if alike and sim < SYMBOL_SIM and symbol_key(tb, tb in b.arabic) in alike:
                sim = SYMBOL_SIM
            if sim > 0.0:
                append((-(sim * ((wa + b_weights[j]) / 2.0)), -sim, i, j))
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = 0.0
    shared = False
    pairs: list[tuple[str, str, float]] = []
    a_classes, b_classes = a.classes, b.classes
    most = min(len(a.tokens), len(b_tokens))
    for _, neg_sim, i, j in cands:
        if i in used_a or j in used_b:
            continue
        sim = -neg_sim
        used_a.add(i)
        used_b.add(j)
        matched += sim * (a_weights[i] + b_weights[j]) / 2.0
        if a_classes[i] in (DISTINCTIVE, NUMBER) and b_classes[j] in (DISTINCTIVE, NUMBER):
            shared = True
        pairs.append((a.tokens[i], b_tokens[j], sim))
        if len(pairs) == most:
            break
    for short, long, flip in ((a, b, False), (b, a, True)):
        used_s, used_l = (used_b, used_a) if flip else (used_a, used_b)
        for i, tok in enumerate(short.tokens):
            if i in used_s or short.classes[i] != DISTINCTIVE or not 2 <= len(tok) <= 6 or not tok.isalpha():
                continue
            run = _initials_run(tok, long, used_l)
            if run is None:
                continue
            used_s.add(i)
            used_l.update(run)
            run_w = sum(long.weights[j] for j in run)
            matched += ACRONYM_SIM * (short.weights[i] + run_w) / 2.0
            shared = True
            expansion = " ".join(long.tokens[j] for j in run)
            pairs.append((expansion, tok, ACRONYM_SIM) if flip else (tok, expansion, ACRONYM_SIM))
    return matched, shared, pairs


def _source_initials() -> dict[str, str]:
    """Per word that normalising writes for words of other languages ("jaish" -> "army"), the initials
    of those words: an acronym is spelled in the source language ("JEM", Jaish-e-Mohammed). Not for legal
    forms: "co" stands for words of many languages (kompaniya, sherkat, gongsi), and a company's legal form
    in its acronym is most often its own initial."""
    out: dict[str, set[str]] = {}
    for source, word in ABBREVIATIONS.items():
        if word and source[0] != word[0] and not is_legal(word):
            out.setdefault(word, {word[0]}).add(source[0])
    return {word: "".join(sorted(letters)) for word, letters in out.items()}


_INITIALS = _source_initials()


def _initials_of(tok: str) -> str:
    """The letters ``tok`` can stand for in an acronym: its initial, and those of the words it translates."""
    return _INITIALS.get(tok) or tok[0]


def _initials_run(acronym: str, name: PreparedName, used: set[int]) -> list[int] | None:
    """Indices of consecutive unused words of ``name`` whose initials spell ``acronym`` (stopwords and
    legal forms may sit between them without a letter), or None."""
    n = len(name.tokens)
    for start in range(n):
        if start in used or acronym[0] not in _initials_of(name.tokens[start]) or name.classes[start] in (LEGAL, STOP):
            continue
        run: list[int] = []
        k = 0
        j = start
        while j < n and k < len(acronym):
            if j in used:
                break
            tok, cls = name.tokens[j], name.classes[j]
            if cls in (LEGAL, STOP) and acronym[k] not in _initials_of(tok):
                j += 1
                continue
            if acronym[k] not in _initials_of(tok) or cls == NUMBER:
                break
            run.append(j)
            k += 1
            j += 1
        if k == len(acronym) and len(run) >= 2:
            return run
    return None


def _unmatched(name: PreparedName, used: set[str]) -> float:
    return sum(
        w
        for t, w, c in zip(name.tokens, name.weights, name.classes, strict=True)
        if c in (DISTINCTIVE, NUMBER) and t not in used
    )


def score_pair(a: PreparedName, b: PreparedName, kind: str | None = None, *, glue: bool = True) -> PairScore:
    """Score two prepared names (symmetric: the pair is scored in one canonical order). ``glue=False``:
    the caller knows that no word of either name splits against the other's (``ScoreBound.check``)."""
    if (b.text, b.tokens) < (a.text, a.tokens):
        swapped = _score_ordered(b, a, kind, glue)
        return PairScore(
            swapped.score,
            swapped.dice,
            swapped.containment,
            swapped.compact,
            swapped.shared_distinctive,
            swapped.b,
            swapped.a,
            tuple((y, x, s) for x, y, s in swapped.pairs),
            swapped.dice_share,
        )
    return _score_ordered(a, b, kind, glue)


def _score_ordered(a: PreparedName, b: PreparedName, kind: str | None, glue: bool = True) -> PairScore:
    """Glued tokens on either side are first split against the other side, then tokens aligned."""
    share = DICE_SHARE.get(kind, DICE_SHARE[None])
    if glue and a.tokens != b.tokens:
        vocab_a, vocab_b = a.tokset, b.tokset
        if a.gluable and not a.tokset <= vocab_b:
            a = split_against(a, vocab_b)
        if b.gluable and not b.tokset <= vocab_a:
            b = split_against(b, vocab_a)
    if not a.tokens or not b.tokens:
        return PairScore(0.0, 0.0, 0.0, 0.0, False, a, b, (), share)
    if a.tokens == b.tokens:
        return PairScore(1.0, 1.0, 1.0, 1.0, True, a, b, tuple((t, t, 1.0) for t in a.tokens), share)
    matched, shared, pairs = _align(a, b, kind != "company")
    dice = min(1.0, 2.0 * matched / (a.total + b.total))
    shorter = a if a.total <= b.total else b
    containment = min(1.0, matched / shorter.total)
    info = min(1.0, shorter.distinctive_weight / INFO_FULL)
    score = share * dice + (1.0 - share) * (dice + max(0.0, containment - dice) * info)
    used_a, used_b = {p[0] for p in pairs}, {p[1] for p in pairs}
    if _unmatched(a, used_a) >= CONFLICT_WEIGHT and _unmatched(b, used_b) >= CONFLICT_WEIGHT:
        score = dice  # each side has a distinctive word the other lacks: not a sub-name
    compact = 0.0
    if a.compact and b.compact:
        compact = fuzz.ratio(a.compact, b.compact) / 100.0
        # the glued form settles words written together on one side and apart on the other; names
        # with as many words on both sides are compared word by word
        glued = a.word_count != b.word_count
        if glued and compact >= COMPACT_MIN and min(len(a.compact), len(b.compact)) >= 6:
            score = max(score, compact)
            shared = True
    has_distinctive = a.has_distinctive and b.has_distinctive
    if has_distinctive and not shared:
        score = min(score, NO_DISTINCTIVE_CAP)
    if not has_distinctive and (a.has_initial or b.has_initial):
        score = min(score, NO_DISTINCTIVE_CAP)
    if any(t not in used_a for t in a.digits) and any(t not in used_b for t in b.digits):
        score = min(score, NUMBER_CONFLICT_CAP)
    return PairScore(min(1.0, max(0.0, score)), dice, containment, compact, shared, a, b, tuple(pairs), share)


# -- an upper bound of the score from the word similarities alone ---------------------------------------
#
# A search scores its candidates fully (glued words split against each other, words aligned), yet most
# of them end far under the search's floor. ``ScoreBound.bound(b, kind)`` is >= ``score_pair(query, b,
# kind).score`` and costs a few look-ups in tables built once per search from the similarity rows it has
# primed, so the search skips the candidates whose bound cannot reach its floor. Why it is a bound, step
# by step through ``_score_ordered``:
#
# 1. Glued words. ``split_against`` splits a word of one name (five letters or more, not in the other
#    name) where ``split_word`` gives it parts against the other name's words, and the first of those
#    parts starts the word (``_glue_prefixes``). The bound gives up (1.0) when a candidate's word splits
#    against the query's words (found once per search) or a query word against the candidate's words
#    (looked for only when a candidate's word is one of the query word's prefixes); otherwise both names
#    are aligned as prepared.
# 2. The matched weight is a sum of terms in which each word of the listed name b takes part at most
#    once: an aligned pair (x, y) is worth sim * (w_x + w_y) / 2, an acronym run ACRONYM_SIM *
#    (w_acronym + the run's weights) / 2. Charge each term to its words of b: a pair to its word y of b,
#    at most y's best of sim * (w_x + w_y) / 2 over the query words x (sim at least SYMBOL_SIM when x
#    and y share a person name symbol, whatever the kind); a word y of b spelling the
#    initials of a run of query words, at most ACRONYM_SIM * (w_y + the weights of every non-number
#    query word with an initial that is a letter of y) / 2; a run of two or more words y of b spelled by
#    a query word x, at most ACRONYM_SIM * (w_y + w_x) / 2 for each y of the run. So the matched weight
#    is at most the sum over the words of b of the largest of these that can apply to the word. A run
#    needs an alphabetic word of 2-6 letters all of which are initials of the other name's words, that
#    name having at least as many words; each of its run words has one of its letters as an initial (a
#    word's initials: its first letter and those of the words it translates, ``_initials_of``).
# 3. The score. dice and containment grow with the matched weight and the name score
#    share * dice + (1 - share) * (dice + max(0, containment - dice) * info) grows with both (info <= 1);
#    info is that of the lighter name, the larger of the two when they weigh the same (the pair's order
#    is that of the texts). What follows can only lower the score (containment turned off when both
#    names have an unmatched distinctive word, the caps), except the glued form, which the bound takes
#    in the same way.
# A slack of BOUND_SLACK covers float sums taken in another order. Checked by property tests on random
# names and on every evaluation-set pair (tests/unit/test_match_properties.py).

BOUND_SLACK = 1e-9
_ACRONYM_MAX = 6


def _glue_prefixes(tok: str) -> set[str]:
    """The words that ``split_word(tok, ...)`` can give as the first part: ``tok``'s proper prefixes of
    two letters or more (``segment``'s parts, ``_split_small``'s heads), and its first letter when an
    "s" follows (a part of two letters plural-stemmed)."""
    out = {tok[:k] for k in range(2, len(tok))}
    if tok[1] == "s":
        out.add(tok[0])
    return out


class ScoreBound:
    """Upper bounds of ``score_pair(query, b, kind).score`` for the candidates ``b`` of one search (see
    the argument above). ``rows``: ``pair_sim_rows`` of the query's words against ``words``, which must
    hold every word of the candidates bounded; ``weights``: ``token_weight`` of each of ``words``."""

    __slots__ = ("_glued", "_long", "_most", "_prefixes", "_query_acro", "query")

    def __init__(self, query: PreparedName, rows: SimRows, words: Sequence[str], weights: Sequence[float]) -> None:
        self.query = query
        qset = query.tokset
        weight_of = dict(zip(words, weights, strict=True))
        # step 2: each word's most from a pair with a query word (the rows hold the non-zero similarities)
        most = dict.fromkeys(words, 0.0)
        for x, wx in zip(query.tokens, query.weights, strict=True):
            row = rows.get(x)
            if row is None:
                continue
            for y, sim in row[0].items():
                wy = weight_of.get(y)
                if wy is not None and sim * (wx + wy) / 2.0 > most[y]:
                    most[y] = sim * (wx + wy) / 2.0
        # ... or sharing a person name symbol with a query word (whatever the kind: a bound)
        symbol_rows = related_words()
        for x, wx in zip(query.tokens, query.weights, strict=True):
            for y in symbol_rows.get(x, _NO_WORDS):
                wy = weight_of.get(y)
                if wy is not None and SYMBOL_SIM * (wx + wy) / 2.0 > most[y]:
                    most[y] = SYMBOL_SIM * (wx + wy) / 2.0
        # ... or as an acronym of query words
        inits = frozenset("".join(_initials_of(t) for t in query.tokens if not t.isdigit()))
        longest = min(_ACRONYM_MAX, len(query.tokens))
        for y in words:
            if 2 <= len(y) <= longest and y[0] in inits and y.isalpha() and inits.issuperset(y):
                run = sum(
                    w
                    for t, w in zip(query.tokens, query.weights, strict=True)
                    if not t.isdigit() and not frozenset(_initials_of(t)).isdisjoint(y)
                )
                most[y] = max(most[y], ACRONYM_SIM * (weight_of[y] + run) / 2.0)
        self._most = most
        # query words that could spell a run of a candidate's words
        self._query_acro = [
            (len(t), frozenset(t), w)
            for t, w, c in zip(query.tokens, query.weights, query.classes, strict=True)
            if c == DISTINCTIVE and 2 <= len(t) <= _ACRONYM_MAX and t.isalpha()
        ]
        # step 1: candidate words split against the query's words (those that start with a query word
        # are tried), and the query words' prefixes
        glued: set[str] = set()
        for t in qset:
            head = t if len(t) >= 2 else t + "s"
            for y, _, _ in process.extract(head, words, scorer=Prefix.similarity, score_cutoff=len(head), limit=None):
                if len(y) >= 5 and len(y) > len(t) and y not in qset and y not in glued and split_word(y, qset):
                    glued.add(y)
        self._glued = frozenset(glued)
        self._long = tuple(t for t in qset if len(t) >= 5)
        self._prefixes = frozenset().union(*map(_glue_prefixes, self._long))

    def bound(self, b: PreparedName, kind: str | None) -> float:
        """At least ``score_pair(self.query, b, kind).score``; 1.0 when glued words may be split or a word
        of either name came from Arabic script (``_align`` scores those by the Arabic rule, not from the
        rows, which hold the Latin rule)."""
        return self.check(b, kind)[0]

    def check(self, b: PreparedName, kind: str | None) -> tuple[float, bool]:
        """``bound(b, kind)``, and whether a word of either name may split against the other's (when
        not, ``score_pair(self.query, b, kind, glue=False)`` is ``score_pair(self.query, b, kind)``)."""
        a = self.query
        if not a.tokens or not b.tokens:
            return 0.0, True
        if a.arabic or b.arabic:  # words from Arabic script: ``_align`` scores them by their own rule
            return 1.0, True
        btok = b.tokset
        if not self._glued.isdisjoint(btok):
            return 1.0, True
        if not self._prefixes.isdisjoint(btok) and any(t not in btok and split_word(t, btok) for t in self._long):
            return 1.0, True
        most = self._most
        matched = self._matched_with_runs(b) if self._query_acro else sum(map(most.__getitem__, b.tokens))
        dice = min(1.0, 2.0 * matched / (a.total + b.total))
        if a.total < b.total:
            shorter_total, info_weight = a.total, a.distinctive_weight
        elif b.total < a.total:
            shorter_total, info_weight = b.total, b.distinctive_weight
        else:
            shorter_total, info_weight = a.total, max(a.distinctive_weight, b.distinctive_weight)
        containment = min(1.0, matched / shorter_total)
        info = min(1.0, info_weight / INFO_FULL)
        share = DICE_SHARE.get(kind, DICE_SHARE[None])
        score = share * dice + (1.0 - share) * (dice + max(0.0, containment - dice) * info)
        if a.compact and b.compact and a.word_count != b.word_count and min(len(a.compact), len(b.compact)) >= 6:
            compact = fuzz.ratio(a.compact, b.compact) / 100.0
            if compact >= COMPACT_MIN:
                score = max(score, compact)
        return min(1.0, score) + BOUND_SLACK, False

    def _matched_with_runs(self, b: PreparedName) -> float:
        """The bound of the matched weight when a query word may spell a run of ``b``'s words."""
        most = list(map(self._most.__getitem__, b.tokens))
        inits = set("".join(map(_initials_of, b.tokens)))
        n = len(b.tokens)
        for size, letters, wx in self._query_acro:
            if size <= n and letters <= inits:
                for j, (t, wy) in enumerate(zip(b.tokens, b.weights, strict=True)):
                    if not letters.isdisjoint(_initials_of(t)):
                        most[j] = max(most[j], ACRONYM_SIM * (wy + wx) / 2.0)
        return sum(most)
