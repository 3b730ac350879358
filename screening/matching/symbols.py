"""Person name symbols: words that are spellings, other-script forms or nicknames of one person name.

``name_symbols.tsv`` maps a normalised word (``screening.normalize.name_tokens``) to the symbol ids rigour
gives it (Wikidata given/family-name ids, rigour's name and nickname groups), for the words of listed person
names; two words sharing an id and spelt ``alike`` are one name to the scorer (``score.SYMBOL_SIM``, persons
and parties of unknown kind). Written by ``python -m benchmarks.matching_eval.symbols_table``; rigour is not
needed here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rapidfuzz.fuzz import ratio

from screening.matching.prepare import phonetic_key

# Two words sharing a symbol count as one name only when their spellings are at least this alike (rapidfuzz
# ratio, as the phonetic rule of ``score.token_sim``) or they begin alike (``_onset``): a Wikidata name id
# also holds the readings of one Chinese character in other languages ("kim" / "jin", "jin" / "chun") and
# a name's epithets ("ali" / "haidar").
MIN_RATIO = 0.5
# A word that came from Arabic script (its consonants and long vowels: "mhmd") is keyed apart, so that the
# same letters typed in Latin do not take its symbols (as the Arabic rule of ``score.token_sim``).
ARABIC_PREFIX = "ar:"
# rigour's nickname groups (ids ``N:...``) are curated: their words are one name however unalike they are
# spelt (``bob`` / ``robert``, ``peggy`` / ``margaret``); the spelling rule applies to the other symbols.
NICK_PREFIX = "N:"
_NONE: frozenset[str] = frozenset()


def symbol_key(word: str, arabic: bool = False) -> str:
    """The table's key of a normalised word; ``arabic``: the word came from Arabic script."""
    return ARABIC_PREFIX + word if arabic else word


@lru_cache(maxsize=1)
def symbol_table() -> dict[str, frozenset[str]]:
    """word (``symbol_key``) -> its symbol ids, as in ``name_symbols.tsv`` (loaded once)."""
    text = resources.files("screening.matching").joinpath("name_symbols.tsv").read_text("utf-8")
    out: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, ids = line.split("\t")
            out[word] = frozenset(ids.split())
    return out


def _onset(word: str) -> str:
    """The first sound of a word: the first letter of its phonetic key, any vowel as "a"."""
    first = phonetic_key(word.removeprefix(ARABIC_PREFIX))[:1]
    return "a" if first in ("a", "e", "i", "o", "u") else first


def alike(a: str, b: str) -> bool:
    """Two words of one symbol that count as one name: spelt at least ``MIN_RATIO`` alike, or beginning
    with the same sound ("hussayn" / "hosein", "aysy" / "isa" from Arabic script)."""
    plain_a, plain_b = a.removeprefix(ARABIC_PREFIX), b.removeprefix(ARABIC_PREFIX)
    return ratio(plain_a, plain_b) >= MIN_RATIO * 100.0 or _onset(a) == _onset(b)


@lru_cache(maxsize=1)
def related_words() -> dict[str, frozenset[str]]:
    """word (``symbol_key``) -> the other words of the table (keys) that share a symbol with it and are
    ``alike``, or share a nickname group."""
    by_symbol: dict[str, list[str]] = {}
    for word, ids in symbol_table().items():
        for ident in ids:
            by_symbol.setdefault(ident, []).append(word)
    out: dict[str, frozenset[str]] = {}
    for word, ids in symbol_table().items():
        others = frozenset(
            w
            for ident in ids
            for w in by_symbol[ident]
            if w != word and (ident.startswith(NICK_PREFIX) or alike(word, w))
        )
        if others:
            out[word] = others
    return out


def share_symbol(a: str, b: str, arabic_a: bool = False, arabic_b: bool = False) -> bool:
    """Whether two different normalised words are one person name by their symbols (``related_words``)."""
    key_a, key_b = symbol_key(a, arabic_a), symbol_key(b, arabic_b)
    return key_a != key_b and key_b in related_words().get(key_a, _NONE)
