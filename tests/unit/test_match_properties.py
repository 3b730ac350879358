"""Hypothesis properties of the normaliser and the matcher."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from benchmarks.matching_eval.evalset import read_pairs
from screening.matching import compare
from screening.matching.arabic import arabic_key, arabic_match
from screening.matching.prepare import PreparedName, prepare, token_weight
from screening.matching.score import (
    ARABIC_A,
    ARABIC_B,
    ScoreBound,
    maybe_similar,
    pair_sim,
    pair_sim_rows,
    primed_pair_sims,
    score_pair,
)
from screening.normalize import fold, name_tokens, normalize_name
from screening.normalize_data import LEGAL_FORMS, STOPWORDS

names = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abcdefghij ABCDEF-.,&'0123456789", max_size=40),
    st.text(alphabet="有限公司集团广州海格通信長安技術 abc", max_size=20),
    st.sampled_from(["Hefei Meiling Co. Ltd.", "HANIYA, Ismail", "Газпром", "SiemensAG", "Forty-Four", "1st"]),
    st.text(alphabet="محمدعليالله بنجسرخپچژگیک ", max_size=30),
    st.sampled_from(["محمد علي", "عبدالرحمن الحسيني", "رحمت الله", "Muhammad Ali"]),
)


@settings(max_examples=300, deadline=None)
@given(names)
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert name_tokens(" ".join(name_tokens(text))) == name_tokens(text)


@settings(max_examples=300, deadline=None)
@given(names, names, st.sampled_from([None, "company", "person"]))
def test_scores_in_unit_interval_and_symmetric(a: str, b: str, kind: str | None) -> None:
    ab, _ = compare(a, b, kind)
    ba, _ = compare(b, a, kind)
    assert 0.0 <= ab <= 1.0
    assert ab == ba


@settings(max_examples=200, deadline=None)
@given(names, st.sampled_from([None, "company", "person"]))
def test_name_with_itself_scores_one(a: str, kind: str | None) -> None:
    assert compare(a, a, kind)[0] == 1.0


# -- the batched word similarities of a search (score.primed_pair_sims) ---------------------------------

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "match_eval.jsonl"
words = st.text(alphabet="abdehikmnorsuyz", min_size=1, max_size=9)


@lru_cache(maxsize=1)
def _eval_pairs() -> list[tuple[PreparedName, PreparedName, str]]:
    return [(prepare(p.a), prepare(p.b), p.kind) for p in read_pairs(EVAL_SET)]


def test_filter_of_the_batched_similarities_keeps_every_similar_pair_of_the_eval_words() -> None:
    # pair_sim_rows settles the pairs maybe_similar rejects as 0: a new rule in token_sim must widen it
    for a, b, _ in _eval_pairs():
        for x in a.tokens:
            for y in b.tokens:
                if not maybe_similar(x, y):
                    assert pair_sim(x, y) == 0.0, (x, y)
                assert pair_sim(x, y) == pair_sim(y, x), (x, y)
                # as if one of the two came from Arabic script
                for flag, back in ((ARABIC_A, ARABIC_B), (ARABIC_B, ARABIC_A)):
                    if not maybe_similar(x, y, flag):
                        assert pair_sim(x, y, flag) == 0.0, (x, y, flag)
                    assert pair_sim(x, y, flag) == pair_sim(y, x, back), (x, y, flag)


@settings(max_examples=500, deadline=None)
@given(words, words)
def test_filter_of_the_batched_similarities_keeps_every_similar_pair(x: str, y: str) -> None:
    assert maybe_similar(x, y) or pair_sim(x, y) == 0.0
    assert pair_sim(x, y) == pair_sim(y, x)
    assert maybe_similar(x, y, ARABIC_A) or pair_sim(x, y, ARABIC_A) == 0.0
    assert pair_sim(x, y, ARABIC_A) == pair_sim(y, x, ARABIC_B)


arabic_words = st.text(alphabet="bdhklmnrstwyaq", min_size=1, max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_a_latin_spelling_with_short_vowels_added_matches_the_arabic_script_word(data: st.DataObject) -> None:
    # Arabic script writes no short vowel: adding one between the letters of a word from Arabic script
    # (and doubling a consonant, as a Latin spelling of shadda does) keeps it a spelling of that word
    consonants = data.draw(st.lists(st.sampled_from("bdfklmnrstz"), min_size=1, max_size=5))
    consonants = [c for k, c in enumerate(consonants) if k == 0 or consonants[k - 1] != c]
    assume(len(consonants) >= 2)  # a one-letter word is an initial
    word = "".join(consonants)
    assume(word not in STOPWORDS and word not in LEGAL_FORMS)  # "dr", "llc": written as in Latin
    latin = ""
    for c in consonants:
        latin += data.draw(st.sampled_from(["", "a", "i", "u"])) + c * data.draw(st.integers(1, 2))
    latin += data.draw(st.sampled_from(["", "a", "i"]))
    assert arabic_match(word, latin), (word, latin)
    assert arabic_key(word) == arabic_key(latin)
    assert pair_sim(word, latin, ARABIC_A) >= 0.9


@settings(max_examples=300, deadline=None)
@given(arabic_words, st.text(alphabet="abdeghiklmnoqrstuwyz", min_size=1, max_size=9))
def test_an_arabic_match_has_equal_consonant_keys(arabic: str, latin: str) -> None:
    # the index and the batched filter look words up by consonant key: a match must share it
    if arabic_match(arabic, latin):
        assert arabic_key(arabic) == arabic_key(latin)


def test_primed_similarities_change_no_score() -> None:
    for a, b, kind in _eval_pairs()[::7]:
        plain = score_pair(a, b, kind)
        with primed_pair_sims(a.tokens, b.tokens):
            primed = score_pair(a, b, kind)
        assert primed == plain


def test_primed_similarities_among_many_candidates_change_no_score() -> None:
    # a search primes its query against the words of all its candidates at once: a query word split
    # against one candidate ("alhassan" -> "al hassan") meets another's "hasan" as compare() scores it
    pairs = _eval_pairs()
    for k in range(0, len(pairs), 11):
        group = pairs[k : k + 11]
        a, _, _ = group[0]
        words = [t for _, b, _ in group for t in b.tokens]
        for _, b, kind in group:
            plain = score_pair(a, b, kind)
            with primed_pair_sims(a.tokens, words):
                assert score_pair(a, b, kind) == plain, (a.text, b.text)
    query = prepare("Alhassan Ahmed")
    listed = [prepare(n) for n in ("AL-HASAN, Ahmed", "AL HASSAN, Ahmad", "ALHASAN, Ahmed")]
    with primed_pair_sims(query.tokens, [t for b in listed for t in b.tokens]):
        primed = [score_pair(query, b, "person").score for b in listed]
    assert primed == [score_pair(query, b, "person").score for b in listed]
    assert primed[0] > 0.95


# -- the upper bound of a candidate's score (score.ScoreBound) -----------------------------------------


def _check(a: PreparedName, b: PreparedName, kind: str | None) -> tuple[float, bool]:
    """``ScoreBound.check`` as a search builds it, with ``b`` as the only candidate."""
    words = tuple(dict.fromkeys(b.tokens))
    rows = pair_sim_rows(a.tokens, words)
    return ScoreBound(a, rows, words, tuple(map(token_weight, words))).check(b, kind)


def _bound(a: PreparedName, b: PreparedName, kind: str | None) -> float:
    return _check(a, b, kind)[0]


def _assert_bound_holds(a: PreparedName, b: PreparedName, kind: str | None) -> None:
    """The bound is at least the score, and where it says no word splits, scoring without the split
    step gives the same result."""
    most, glue = _check(a, b, kind)
    pair = score_pair(a, b, kind)
    assert most >= pair.score, (a.text, b.text, kind)
    if not glue:
        assert score_pair(a, b, kind, glue=False) == pair, (a.text, b.text, kind)


def test_score_bound_holds_on_every_evaluation_pair() -> None:
    for a, b, kind in _eval_pairs():
        for k in (kind, None, "company", "person"):
            _assert_bound_holds(a, b, k)
            _assert_bound_holds(b, a, k)


def test_score_bound_is_below_the_floor_for_most_evaluation_pairs() -> None:
    # not a correctness property: a bound of 1.0 everywhere would hold, and skip nothing
    low = [(a, b, k) for a, b, k in _eval_pairs() if score_pair(a, b, k).score < 0.5]
    assert sum(_bound(a, b, k) < 0.7 for a, b, k in low) > 0.8 * len(low)


# words that split, glue and spell acronyms of each other, with legal forms, initials and numbers
name_words = st.sampled_from(
    ["al", "haramein", "alharamein", "alharamain", "siemens", "ag", "siemensag", "s", "as", "sa", "co",
     "ltd", "llc", "bank", "b", "a", "c", "i", "r", "g", "ab", "abc", "irgc", "islamic", "revolutionary",
     "guard", "corps", "123", "7", "mohammed", "muhammad", "mohamad", "ali", "alis", "kim", "song", "chol",
     "guangzhou", "haige", "guangzhouhaige", "de", "dewanto", "international", "in", "trading", "tradings"]
)  # fmt: skip
glued_names = st.lists(name_words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(glued_names, names), st.one_of(glued_names, names), st.sampled_from([None, "company", "person"]))
def test_score_bound_is_at_least_the_score(x: str, y: str, kind: str | None) -> None:
    a, b = prepare(x), prepare(y)
    _assert_bound_holds(a, b, kind)
    _assert_bound_holds(b, a, kind)
