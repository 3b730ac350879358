"""Words written in Arabic script (Arabic, Persian, Urdu) against their Latin spellings.

Arabic script writes consonants and long vowels only: ``محمد`` is written m-h-m-d, ``علي`` (ain) l-y,
so its transliteration (``normalize.to_latin``: ``mhmd``, ``aly``) lacks the short vowels that a Latin
spelling carries (``muhammad``, ``ali``). ``arabic_match`` tells whether a Latin word can be a spelling
of such a word: the same consonants in the same order (each Arabic letter with the Latin letters usually
written for it: ث th/t/s, ذ ض ظ dh/d/z, ق q/k/g, ج j/dj/g, خ kh/k, ش sh/ch, ...), doubled consonants
as one (shadda is not written), and a long vowel of the Arabic word (alif a, waw w as u/o/w/v, ya y as
i/e/y, ain) where the Latin word has a vowel. The rule is applied only to a word that came from Arabic
script (``PreparedName.arabic``): between two Latin words the consonants alone say too little (``HSBC``
would meet ``HASBACO``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from screening.normalize_data import LEGAL_FORMS, STOPWORDS

# Units of a word, longest first: the digraphs of the usual transliterations, then single letters.
_DIGRAPHS = ("sch", "tch", "sh", "ch", "kh", "gh", "th", "dh", "zh", "ph", "dj", "ck")
_VOWELS = frozenset("aeiouwyv")  # letters of a vowel gap (w, y: Arabic long vowels; v: Persian waw)

# A Latin unit -> its consonant class.
_LATIN_CLASS = {
    "sch": "S", "tch": "S", "sh": "S", "ch": "S", "kh": "x", "gh": "g", "th": "t", "dh": "d", "zh": "j",
    "ph": "f", "dj": "j", "ck": "k", "q": "k", "j": "j", "g": "g",
}  # fmt: skip

# A unit of a word transliterated from Arabic script -> the consonant classes its Latin spellings use.
_ARABIC_CLASSES = {
    "th": frozenset("ts"),  # ث: Uthman, Othman, Osman
    "dh": frozenset("dz"),  # ذ ض ظ: Fadhil, Fadil, Fazil
    "kh": frozenset("xk"),  # خ
    "gh": frozenset("g"),  # غ
    "sh": frozenset("S"),  # ش
    "ch": frozenset("S"),  # چ
    "zh": frozenset("j"),  # ژ
    "q": frozenset("kg"),  # ق: Qasim, Kasim, Gasim
    "k": frozenset("k"),  # ك ک
    "j": frozenset("jg"),  # ج: Jamal, Djamel, Gamal
    "p": frozenset("pb"),  # پ
}

# The classes of one blocking key: every class an Arabic unit may stand for maps to one key letter
# (``arabic_match`` implies equal keys; the key is what the index and the batched filter look up).
_KEY = {"S": "S", "x": "k", "k": "k", "g": "k", "j": "k", "t": "t", "s": "t", "d": "d", "z": "d", "p": "b"}


_UNIT = re.compile("|".join((*_DIGRAPHS, "[a-z]")))


def _units(tok: str) -> list[str]:
    return _UNIT.findall(tok)


def _shape(tok: str, arabic: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(vowel gaps, consonant units) of a word, ``len(gaps) == len(consonants) + 1``; a Latin word's
    consonants as classes (``c`` as s or k, ``x`` as k s, ``q`` as k, digraphs as one class), a word from
    Arabic script's as its units. A final ``h`` after a vowel or a plain consonant is left out (ة, a
    final ه, Latin ``-ah``); doubled consonants with no vowel between count once. None for a word that
    is not all letters a-z."""
    if not tok.isascii() or not tok.isalpha():
        return None
    units = _units(tok)
    if len(units) > 2 and units[-1] == "h" and units[-2] not in ("c", "s", "k", "g", "t", "d", "z", "p"):
        units.pop()
    gaps: list[str] = []
    consonants: list[str] = []
    gap = ""
    for k, u in enumerate(units):
        if u in _VOWELS:
            gap += u
            continue
        if arabic:
            found = [u]
        elif u == "c":
            found = ["s" if k + 1 < len(units) and units[k + 1] in ("e", "i", "y") else "k"]
        elif u == "x":
            found = ["k", "s"]
        else:
            found = [_LATIN_CLASS.get(u, u)]
        for c in found:
            if gap or not consonants or consonants[-1] != c:  # else a doubled consonant
                gaps.append(gap)
                consonants.append(c)
            gap = ""
    gaps.append(gap)
    return tuple(gaps), tuple(consonants)


@lru_cache(maxsize=65536)
def _shape_cached(tok: str, arabic: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    return _shape(tok, arabic)


_LONG_VOWELS = ("aa", "ee", "ii", "oo", "ou", "uu")  # Latin spellings of a long vowel


def _gap_fits(arabic_gap: str, latin_gap: str) -> bool:
    """An Arabic long vowel needs a Latin vowel: waw one of u/o/w/v, ya one of i/e/y; no long vowel
    (a short vowel is not written) takes any short Latin vowels or none ("mahmoud" is not "محمد"). A
    Latin w or v needs a waw, a Latin y a ya (consonants in "WALI", "YASIN": not spellings of "aly",
    "asyn")."""
    if any(c in latin_gap for c in "wv") and "w" not in arabic_gap:
        return False
    if "y" in latin_gap and not any(c in arabic_gap for c in "yie"):
        return False
    if not arabic_gap:
        return not any(long in latin_gap for long in _LONG_VOWELS)
    if not latin_gap:
        return False
    if "w" in arabic_gap and not any(c in latin_gap for c in "uowv"):
        return False
    return "y" not in arabic_gap or any(c in latin_gap for c in "iey")


@lru_cache(maxsize=131072)
def arabic_match(arabic_tok: str, latin_tok: str) -> bool:
    """``latin_tok`` can be a Latin spelling of ``arabic_tok``, a word transliterated from Arabic script
    (a distinctive word: the article, "bin", "abu" are already written as in Latin)."""
    if arabic_tok in STOPWORDS or arabic_tok in LEGAL_FORMS:
        return False
    ar = _shape_cached(arabic_tok, True)
    lat = _shape_cached(latin_tok, False)
    if ar is None or lat is None or not ar[1] or len(ar[1]) != len(lat[1]):
        return False
    for unit, latin_cls in zip(ar[1], lat[1], strict=True):
        if latin_cls != unit and latin_cls not in _ARABIC_CLASSES.get(unit, ()):
            return False
    return all(_gap_fits(g, h) for g, h in zip(ar[0], lat[0], strict=True))


@lru_cache(maxsize=131072)
def arabic_key(tok: str) -> str:
    """The consonant key of a word: equal for a word from Arabic script and its Latin spellings (and
    for many other words: a blocking key, ``arabic_match`` decides). Empty for a word without one."""
    return word_arabic_key(tok)


def word_arabic_key(tok: str) -> str:
    """``arabic_key`` without its cache (an index computes it once per word of its vocabulary)."""
    shape = _shape(tok, False)
    if shape is None:
        return ""
    out: list[str] = []
    for c in shape[1]:
        k = _KEY.get(c, c)
        if not out or out[-1] != k:
            out.append(k)
    return "".join(out)


def arabic_sim_possible(a: str, b: str) -> bool:
    """False only when ``arabic_match`` is False both ways (the keys differ)."""
    key = arabic_key(a)
    return bool(key) and key == arabic_key(b)
