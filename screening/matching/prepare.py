"""Prepared names: normalised tokens with weights and phonetic keys, computed once per list version."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.fuzz import ratio

from screening.matching.arabic import arabic_key, arabic_match
from screening.normalize import arabic_script_tokens, name_tokens
from screening.normalize_data import GENERIC_WORDS, LEGAL_FORMS, PLACE_WORDS, STOPWORDS

# Token classes
DISTINCTIVE = 0
LEGAL = 1
STOP = 2
NUMBER = 3
INITIAL = 4

W_LEGAL = 0.25
W_STOP = 0.1
W_INITIAL = 0.5
W_MIN_COMMON = 0.3
W_GENERIC = 0.45
W_PLACE = 0.55
COMMON_DF = 20  # a token listed by more entities than this weighs less, down to W_MIN_COMMON


@lru_cache(maxsize=1)
def _token_df() -> dict[str, int]:
    text = resources.files("screening.matching").joinpath("token_df.tsv").read_text("utf-8")
    out: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            tok, df = line.split("\t")
            out[tok] = int(df)
    return out


def is_common(tok: str) -> bool:
    """A word listed by more than ``COMMON_DF`` entities (``token_df.tsv``)."""
    return _token_df().get(tok, 0) > COMMON_DF


def token_class(tok: str) -> int:
    if tok in LEGAL_FORMS:
        return LEGAL
    if tok in STOPWORDS:
        return STOP
    if tok.isdigit():
        return NUMBER
    if len(tok) == 1:
        return INITIAL
    return DISTINCTIVE


def token_weight(tok: str) -> float:
    """Identifying weight of a token: legal forms and stopwords low, common words lower than rare."""
    cls = token_class(tok)
    if cls == LEGAL:
        return W_LEGAL
    if cls == STOP:
        return W_STOP
    if cls == INITIAL:
        return W_INITIAL
    df = _token_df().get(tok, 0)
    weight = 1.0 if df <= COMMON_DF else max(W_MIN_COMMON, 1.0 - 0.2 * math.log(df / COMMON_DF))
    if tok in GENERIC_WORDS:
        weight = min(weight, W_GENERIC)
    elif tok in PLACE_WORDS:
        weight = min(weight, W_PLACE)
    return weight


@lru_cache(maxsize=1)
def _df_by_arabic_key() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for tok, df in _token_df().items():
        key = arabic_key(tok)
        if key:
            out.setdefault(key, []).append((df, tok))
    for words in out.values():
        words.sort(key=lambda item: (-item[0], item[1]))
    return out


@lru_cache(maxsize=65536)
def arabic_token_weight(tok: str) -> float:
    """``token_weight`` of a word that came from Arabic script: that of its most common Latin spelling
    in ``token_df.tsv`` ("mhmd" weighs what "muhammad" does), else its own."""
    weight = token_weight(tok)
    if token_class(tok) != DISTINCTIVE:
        return weight
    for _, latin in _df_by_arabic_key().get(arabic_key(tok), ()):
        if arabic_match(tok, latin):
            return min(weight, token_weight(latin))
    return weight


_PHONETIC_RULES = (
    (re.compile(r"x"), "ks"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?:ck|q|c(?=[aou])|kh|gh)"), "k"),
    (re.compile(r"(?:sh|sch|ch|tch)"), "x"),
    (re.compile(r"(?:dh|th)"), "t"),
    (re.compile(r"(?:ou|oo)"), "u"),
    (re.compile(r"[zc]"), "s"),
    (re.compile(r"v"), "f"),
    (re.compile(r"j"), "y"),
)
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouyhw]")


@lru_cache(maxsize=131072)
def phonetic_key(tok: str) -> str:
    """A consonant skeleton for transliteration variants: "mohammed"/"muhammad" -> "mhmt"."""
    if not tok.isalpha() or len(tok) < 3:
        return tok
    key = tok
    for pattern, repl in _PHONETIC_RULES:
        key = pattern.sub(repl, key)
    key = _DOUBLE.sub(r"\1", key)
    # a name's first vowel varies between transliterations of one name ("osama"/"usama",
    # "ismail"/"esmail", "ibrahim"/"ebrahim"): one symbol for it in names of five letters or more
    first = "a" if len(tok) >= 5 and key[0] in "aeiou" else key[0]
    key = first + _VOWELS.sub("", key[1:])
    return key.replace("d", "t").replace("b", "p").replace("g", "k")


_TRANSLIT_RULES = (
    (re.compile(r"(?<=[aeiou])(?:ff|v)$"), "f"),  # -ov / -off, -ev / -eff
    (re.compile(r"(?<=[bcdfghklmnprstvz])au$"), "af"),  # Belarusian -au for the Russian -ov / -ev
    (re.compile(r"kh"), "h"),
    (re.compile(r"(?:ou|oo|ow)"), "u"),
    (re.compile(r"(?:ee|ie|iy|yi)"), "i"),
    (re.compile(r"y"), "i"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?:ck|q)"), "k"),
    (re.compile(r"c(?=[aou]|$)"), "k"),
    (re.compile(r"(?:dh|th)"), "d"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"w"), "v"),
    (re.compile(r"dj|zh"), "j"),
    (re.compile(r"^ch(?=[a-z]{1,3}$)"), "j"),  # Korean syllables: Chong/Jong, Cho/Jo (McCune-Reischauer/RR)
    (re.compile(r"ts"), "c"),
)


@lru_cache(maxsize=131072)
def translit_key(tok: str) -> str:
    """A spelling with the usual transliteration variants folded (kh/h, ou/u, y/i, q/k, dh/d, -ov/-off,
    doubled letters), vowels kept: "younes"/"yunis" -> "iunes"/"iunis", "iryna"/"irina" -> "irina"."""
    if not tok.isalpha() or len(tok) < 3:
        return tok
    key = tok
    for pattern, repl in _TRANSLIT_RULES:
        key = pattern.sub(repl, key)
    return _DOUBLE.sub(r"\1", key)


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name ready for scoring. ``tokens`` in name order; ``weights`` and ``classes`` per token."""

    text: str
    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    classes: tuple[int, ...]
    keys: tuple[str, ...]
    skels: tuple[str, ...]  # translit_key per token
    compact: str  # distinctive tokens glued, in order
    total: float
    tokset: frozenset[str]  # the tokens as a set
    gluable: bool  # a token of five letters or more (only such tokens are split against another name)
    # Computed once here rather than per scored pair:
    distinctive_weight: float  # summed weight of the distinctive and number tokens
    word_count: int  # distinctive, number and initial tokens
    has_distinctive: bool  # a distinctive or number token
    has_initial: bool
    digits: tuple[str, ...]  # the tokens that are numbers
    # the tokens that came from words written in Arabic script (compared with Latin words by
    # ``matching.arabic``); empty for a name without Arabic script
    arabic: frozenset[str] = frozenset()


_NO_ARABIC: frozenset[str] = frozenset()  # one object shared by the names without Arabic script


def from_tokens(tokens: tuple[str, ...], arabic: frozenset[str] = _NO_ARABIC) -> PreparedName:
    """The prepared name of ``tokens``; ``arabic``: those of them that came from Arabic script."""
    arabic = arabic.intersection(tokens) if arabic else _NO_ARABIC
    weights = tuple(arabic_token_weight(t) if t in arabic else token_weight(t) for t in tokens)
    classes = tuple(token_class(t) for t in tokens)
    compact = "".join(t for t, c in zip(tokens, classes, strict=True) if c in (DISTINCTIVE, NUMBER, INITIAL))
    return PreparedName(
        text=" ".join(tokens),
        tokens=tokens,
        weights=weights,
        classes=classes,
        keys=tuple(phonetic_key(t) for t in tokens),
        skels=tuple(translit_key(t) for t in tokens),
        compact=compact,
        total=sum(weights),
        tokset=frozenset(tokens),
        gluable=any(len(t) >= 5 for t in tokens),
        distinctive_weight=sum(w for w, c in zip(weights, classes, strict=True) if c in (DISTINCTIVE, NUMBER)),
        word_count=sum(1 for c in classes if c in (DISTINCTIVE, NUMBER, INITIAL)),
        has_distinctive=any(c in (DISTINCTIVE, NUMBER) for c in classes),
        has_initial=INITIAL in classes,
        digits=tuple(t for t in tokens if t.isdigit()),
        arabic=arabic,
    )


def prepare_name(name: str) -> PreparedName:
    """The prepared form of a name (not cached: an index prepares each listed name once)."""
    return from_tokens(name_tokens(name), arabic_script_tokens(name))


@lru_cache(maxsize=8192)
def prepare(name: str) -> PreparedName:
    """The prepared form of a name (cached: queries repeat, and list names recur across versions)."""
    return prepare_name(name)


def segment(tok: str, vocab: frozenset[str] | set[str] | dict[str, int], max_parts: int = 5) -> list[str] | None:
    """Split a glued token into known tokens ("siemensag" -> ["siemens", "ag"]), fewest parts first;
    None unless it splits into two or more parts of two letters or more."""
    n = len(tok)
    if n < 5 or tok.isdigit():
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        choice: list[str] | None = None
        for start in range(0, end - 1):
            prev = best[start]
            if prev is None or len(prev) >= max_parts:
                continue
            piece = tok[start:end]
            if piece not in vocab and piece.endswith("s") and piece[:-1] in vocab:
                piece = piece[:-1]  # the vocabulary holds plural-stemmed tokens
            if piece in vocab and (choice is None or len(prev) + 1 < len(choice)):
                choice = [*prev, piece]
        best[end] = choice
    parts = best[n]
    return parts if parts is not None and len(parts) >= 2 else None


GLUED_REST_MIN = 0.8  # a glued word's remainder after a known first word must be this close to a known word


@lru_cache(maxsize=65536)
def _split_small(tok: str, vocab: frozenset[str]) -> tuple[str, ...] | None:
    heads = sorted((v for v in vocab if len(v) >= 2 and tok.startswith(v)), key=lambda v: (-len(v), v))
    if not heads:
        return None  # cheap test first: a split must start with a known token
    parts = segment(tok, vocab)
    if parts:
        return tuple(parts)
    # A known first word glued to another spelling of a known word: "alharamein" / "al haramain"
    for head in heads:
        rest = tok[len(head) :]
        if len(rest) >= 4 and any(ratio(rest, v) >= GLUED_REST_MIN * 100 for v in vocab if len(v) >= 4):
            return (head, rest)
    return None


def split_tokens(
    name: PreparedName, vocab: frozenset[str] | set[str] | dict[str, int], split: Callable[[str], Sequence[str] | None]
) -> PreparedName:
    """``name`` with every word of five letters or more that is not in ``vocab`` replaced by
    ``split(word)`` when that gives parts (the words of ``vocab`` it is glued from)."""
    out: list[str] = []
    arabic_parts: list[str] = []  # the parts of words from Arabic script
    changed = False
    for tok in name.tokens:
        parts = None if tok in vocab or len(tok) < 5 else split(tok)
        if parts:
            out.extend(parts)
            changed = True
            if tok in name.arabic:
                arabic_parts.extend(parts)
        else:
            out.append(tok)
    if not changed:
        return name
    return from_tokens(tuple(out), name.arabic.union(arabic_parts) if arabic_parts else name.arabic)


def split_word(tok: str, vocab: frozenset[str] | set[str] | dict[str, int]) -> Sequence[str] | None:
    """The tokens of ``vocab`` that ``split_against`` splits the glued token ``tok`` into, or None."""
    small = len(vocab) <= 16
    if small and isinstance(vocab, frozenset) and len(tok) <= 64:
        return _split_small(tok, vocab)  # another name's tokens: the same pairs recur, cached
    if small and not any(tok.startswith(v) for v in vocab if len(v) >= 2):
        return None  # cheap test first: a split must start with a known token
    return segment(tok, vocab)


def split_against(name: PreparedName, vocab: frozenset[str] | set[str] | dict[str, int]) -> PreparedName:
    """``name`` with every glued token that is not in ``vocab`` split into tokens that are."""
    return split_tokens(name, vocab, lambda tok: split_word(tok, vocab))
