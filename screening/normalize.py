"""Name normalisation shared by list preparation and queries.

``fold`` is the script-preserving form (NFKC, case, accents, punctuation). ``name_tokens`` is the
matcher's form: every script brought to Latin (Chinese through OpenCC and pypinyin with a glossary of
business words, others through anyascii), numbers and ordinals as digits, legal forms and common
abbreviations mapped to one canonical token each. All functions are pure and idempotent on their output.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from screening.normalize_data import (
    ABBREVIATIONS,
    ARABIC_LETTERS,
    ARABIC_WORDS,
    CHINESE_GLOSSARY,
    KOREAN_GLOSSARY,
    LEGAL_FORMS,
    LEGAL_PHRASES,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    SLAVIC_GIVEN_NAMES,
    STOPWORDS,
)

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_APOSTROPHE = re.compile(r"(?<=\w)['’`´](?=\w)")
_CAMEL = re.compile(r"(?<=[a-z]{2})(?=[A-Z])")  # "SiemensAG"; not "McDONALD" nor a typo "KHOSReWTAJ"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# Arabic script: Arabic, Persian and Urdu letters (presentation forms are letters after NFKC)
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06d5\u0750-\u077f\u08a0-\u08ff]+")
_ARTICLE = "\u0627\u0644"  # ال
_ARTICLE_AFTER = ("\u0639\u0628\u062f", "\u0627\u0628\u0648", "\u0623\u0628\u0648")  # عبد ابو أبو + ال...
_ALLAH = "\u0627\u0644\u0644\u0647"  # الله
_ARTICLE_BEFORE = ("\u0627\u0644\u062f\u064a\u0646",)  # ...+ الدين
# "رحمت الله" is one word in Latin ("Rahmatullah"), as "عبد الله" is two ("Abd Allah", "Abdullah" -> abd al lah)
_ALLAH_APART = re.compile(r"(?<!\u0639\u0628\u062f)\s+(?=\u0627\u0644\u0644\u0647(?![\u0621-\u064a\u066e-\u06d3]))")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_NUMERIC = re.compile(r"^\d+$")


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    text = unicodedata.normalize("NFKC", text).casefold().replace("_", " ")
    text = _APOSTROPHE.sub("", text)
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


FOLD_CACHE_MAX_LEN = 256  # texts up to this long are cached (names and addresses repeat across entries)


def fold(text: str) -> str:
    """NFKC, strip accents, casefold, punctuation to spaces, collapse whitespace (a fixed point)."""
    if len(text) <= FOLD_CACHE_MAX_LEN:
        return _fold_cached(text)
    return _fold(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    out = _fold_once(text)
    for _ in range(4):
        again = _fold_once(out)
        if again == out:
            break
        out = again
    return out


def core(text: str) -> str:
    """The folded name without legal forms; falls back to the folded name if nothing is left."""
    folded = fold(text)
    tokens = [t for t in folded.split() if t not in LEGAL_FORMS]
    return " ".join(tokens) if tokens else folded


# ---------------------------------------------------------------------------------------------------
# Chinese: traditional -> simplified (OpenCC), glossary words -> English, the rest -> pinyin.


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc  # type: ignore[import-untyped]  # opencc-python-reimplemented

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    if not _HAN.search(text):
        return text
    converter = _t2s()
    return str(converter.convert(text))  # type: ignore[attr-defined]


_GLOSSARY_MAX = max(len(k) for k in CHINESE_GLOSSARY)


def _han_run_to_latin(run: str) -> str:
    """A run of Han characters -> English glossary words and pinyin words, space separated.

    Characters between glossary words are one pinyin word (syllables joined): "广州海格" ->
    "guangzhouhaige"; the matcher splits such glued words against the other side's vocabulary.
    """
    from pypinyin import lazy_pinyin

    parts: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            parts.append("".join(lazy_pinyin("".join(pending))))
            pending.clear()

    i = 0
    while i < len(run):
        for size in range(min(_GLOSSARY_MAX, len(run) - i), 0, -1):
            english = CHINESE_GLOSSARY.get(run[i : i + size])
            if english is not None:
                flush()
                parts.append(english)
                i += size
                break
        else:
            pending.append(run[i])
            i += 1
    flush()
    return " " + " ".join(parts) + " "


# Revised Romanization (anyascii, per syllable) -> the McCune-Reischauer style the lists use for Korean
# names ("KIM, Jong Un", "CHOE, Ryong Hae", "PAK, Pong Ju", "RI, Pyong Chol"): plain stops unvoiced at
# the start and end of a syllable, initial l as r, eo/eu as o/u.
_KO_INITIAL = (("gg", "kk"), ("dd", "tt"), ("bb", "pp"), ("g", "k"), ("d", "t"), ("b", "p"), ("l", "r"))
_KO_FINAL = {"g": "k", "d": "t", "b": "p"}
_KO_GLOSSARY_MAX = max(len(k) for k in KOREAN_GLOSSARY)


def _hangul_syllable(ch: str) -> str:
    syl = anyascii(ch).lower()
    for rr, mr in _KO_INITIAL:
        if syl.startswith(rr):
            syl = mr + syl[len(rr) :]
            break
    syl = syl.replace("eo", "o").replace("eu", "u")
    if len(syl) > 1 and syl[-1] in _KO_FINAL and not syl.endswith(("ng", "kk")):
        syl = syl[:-1] + _KO_FINAL[syl[-1]]
    return syl


def _hangul_run_to_latin(run: str) -> str:
    """A run of Hangul syllables -> glossary words and one Latin word per syllable ("김정은" -> "kim
    jong un"; "조선광선은행" -> "korea kwang son bank")."""
    parts: list[str] = []
    i = 0
    while i < len(run):
        for size in range(min(_KO_GLOSSARY_MAX, len(run) - i), 1, -1):
            english = KOREAN_GLOSSARY.get(run[i : i + size])
            if english is not None:
                parts.append(english)
                i += size
                break
        else:
            parts.append(_hangul_syllable(run[i]))
            i += 1
    return " " + " ".join(parts) + " "


def _arabic_parts(word: str) -> list[str]:
    """An Arabic-script word with its article and the article of a glued compound apart: "الجماعة" ->
    ال + جماعة, "عبدالرحمن" -> عبد + ال + رحمن, "خيرالله" -> خير + ال + له."""
    if word in ARABIC_WORDS:
        return [word]
    for head in _ARTICLE_AFTER:
        if word.startswith(head + _ARTICLE) and len(word) > len(head) + 3:
            return [head, *_arabic_parts(word[len(head) :])]
    if word.endswith(_ALLAH) and len(word) >= len(_ALLAH) + 2 and not word.startswith(_ARTICLE_AFTER):
        return [word]  # "خيرالله": khyrallh, like "Khairullah"
    for tail in _ARTICLE_BEFORE:
        if word.endswith(tail) and len(word) >= len(tail) + 2:
            return [*_arabic_parts(word[: -len(tail)]), *_arabic_parts(tail)]
    if word.startswith(_ARTICLE) and len(word) >= 4:
        return [_ARTICLE, word[2:]]
    return [word]


def _arabic_word_to_latin(word: str) -> str:
    """An Arabic-script word as consonants and long vowels (``normalize_data.ARABIC_LETTERS``): "محمد"
    -> "mhmd", "علي" -> "aly", "الحسيني" -> "al hsyny"; ``matching.arabic`` compares them with Latin
    spellings."""
    out: list[str] = []
    for part in _arabic_parts(word):
        if part in ARABIC_WORDS:
            out.append(ARABIC_WORDS[part])
        elif part == _ARTICLE:
            out.append("al")
        else:
            out.append("".join(ARABIC_LETTERS.get(c, c) for c in part))
    return " " + " ".join(out) + " "


def to_latin(text: str) -> str:
    """Every script to Latin letters: Chinese via OpenCC + glossary + pinyin, Korean per syllable,
    Arabic script per letter (``ARABIC_LETTERS``), others via anyascii."""
    text = unicodedata.normalize("NFKC", text)
    if _HAN.search(text):
        text = _HAN.sub(lambda m: _han_run_to_latin(m.group(0)), to_simplified(text))
    if _HANGUL.search(text):
        text = _HANGUL.sub(lambda m: _hangul_run_to_latin(m.group(0)), text)
    if not text.isascii():
        # Strip accents first so that anyascii does not see combining marks.
        decomposed = unicodedata.normalize("NFD", text)
        text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        if ARABIC_SCRIPT.search(text):
            text = _ARABIC_WORD.sub(lambda m: _arabic_word_to_latin(m.group(0)), _ALLAH_APART.sub("", text))
        text = anyascii(text)
    return text


# ---------------------------------------------------------------------------------------------------
# Tokens.


def _numbers(tokens: list[str]) -> list[str]:
    """Number words and ordinals to digits: "forty four" -> "44", "1st"/"first" -> "1"."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        m = _ORDINAL_DIGITS.match(tok)
        if m:
            out.append(str(int(m.group(1))))
            i += 1
            continue
        if tok in NUMBER_WORDS or tok in ORDINAL_WORDS:
            total = current = 0
            j = i
            while j < len(tokens) and (tokens[j] in NUMBER_WORDS or tokens[j] in ORDINAL_WORDS):
                word = tokens[j]
                value = NUMBER_WORDS.get(word, ORDINAL_WORDS.get(word, 0))
                if value == 100:
                    current = max(current, 1) * 100
                elif value >= 1000:
                    total += max(current, 1) * value
                    current = 0
                else:
                    current += value
                j += 1
                if word in ORDINAL_WORDS:
                    break
            out.append(str(total + current))
            i = j
            continue
        if _NUMERIC.match(tok):
            tok = str(int(tok)) if len(tok) < 12 else tok
        out.append(tok)
        i += 1
    return out


def _merge_initials(tokens: list[str]) -> list[str]:
    """Runs of two or more single letters become one token: "a b c" -> "abc" ("A-B-C", "U.S.A.")."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


@lru_cache(maxsize=1)
def _phrases_by_first_word() -> dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]:
    """``LEGAL_PHRASES`` by their first word, in table order (longer phrases are listed first)."""
    out: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for phrase, replacement in LEGAL_PHRASES:
        out.setdefault(phrase[0], []).append((phrase, replacement))
    return {k: tuple(v) for k, v in out.items()}


def _phrases(tokens: list[str]) -> list[str]:
    """Multi-word legal forms to their abbreviation ("joint stock company" -> "jsc")."""
    table = _phrases_by_first_word()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase, replacement in table.get(tokens[i], ()):
            n = len(phrase)
            if tuple(tokens[i : i + n]) == phrase:
                out.extend(replacement)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=1)
def _legal_word_slips() -> dict[str, str]:
    """One-letter slips of the long words of legal forms ("comany", "limted", "liabilty") -> the word."""
    words = {w for phrase, _ in LEGAL_PHRASES for w in phrase} | {
        k for k, v in ABBREVIATIONS.items() if v in LEGAL_FORMS
    }
    out: dict[str, str] = {}
    for w in sorted(w for w in words if len(w) >= 6):
        for d in _deletes(w):
            out.setdefault(d, w)
    out.update({w: w for w in words if len(w) >= 6})
    return out


@lru_cache(maxsize=1)
def _legal_words() -> tuple[frozenset[str], dict[str, tuple[tuple[tuple[str, ...], int], ...]]]:
    """The words legal forms are written with: those that are a legal form on their own ("company",
    "obshchestvo"), and for each word of a multi-word form the forms it is in, with its position."""
    alone = frozenset(k for k, v in ABBREVIATIONS.items() if v in LEGAL_FORMS)
    places: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for phrase, _ in LEGAL_PHRASES:
        for j, w in enumerate(phrase):
            places.setdefault(w, []).append((phrase, j))
    return alone, {k: tuple(v) for k, v in places.items()}


def _legal_slips(tokens: list[str]) -> list[str]:
    """Each token, or the legal-form word it is one typo away from: a word that is a legal form on its
    own anywhere, a word of a multi-word form only where the correction completes that form (so
    "trade" stays "trade" outside "publicly traded company" and "Behzad" is not the "berhad" of
    "sendirian berhad")."""
    alone, places = _legal_words()
    fixed = [_legal_slip(t) for t in tokens]
    out: list[str] = []
    for i, (tok, fix) in enumerate(zip(tokens, fixed, strict=True)):
        if fix != tok and fix not in alone:
            completes = any(
                i - j >= 0 and tuple(fixed[i - j : i - j + len(phrase)]) == phrase for phrase, j in places.get(fix, ())
            )
            if not completes:
                fix = tok
        out.append(fix)
    return out


def _legal_slip(tok: str) -> str:
    """``tok`` if it is a word, else the legal-form word it is one typo away from (deletion neighbour)."""
    slips = _legal_word_slips()
    if len(tok) < 5 or tok in ABBREVIATIONS or tok in LEGAL_FORMS or slips.get(tok) == tok:
        return tok
    hit = slips.get(tok)
    if hit is None:
        for d in _deletes(tok):
            hit = slips.get(d)
            if hit is not None:
                break
    return hit if hit is not None and abs(len(hit) - len(tok)) <= 1 else tok


def canonical_token(tok: str) -> str:
    """Abbreviation map and a light plural stem, so both spellings meet on one token."""
    tok = ABBREVIATIONS.get(tok, tok)
    # Only an English-looking plural: a vowel, "w" or "y" before the "s" marks a name or a transliteration
    # ("abbas", "carlos", "firdaws", "badaas"), which must keep its letters to meet its other spellings.
    if len(tok) > 4 and tok.endswith("s") and tok[-2] not in "aiouswy" and tok not in LEGAL_FORMS:
        stem = tok[:-1]
        if stem.endswith("ie") and len(stem) > 4:
            stem = stem[:-2] + "y"
        tok = ABBREVIATIONS.get(stem, stem)
    return tok


_ABD_GLUED = re.compile(r"^(abd|abu)(?:ul|al|el|ol|oul|ur|ar|as|ad|an|un|ud)([a-z]{3,})$")
# Abu'l-: "abolfazl" / "abulqasim" / "aboulhassan" -> "abu al fazl" (the "u" of "abu" folded into "ul");
# not the English "abolish", "abolition"
_ABUL_GLUED = re.compile(r"^ab(?:ol|ul|oul)(?!i)([a-z]{4,})$")
_DIN_GLUED = re.compile(r"^([a-z]{3,}?)(?:al|el|ul|ud|ed|ad|u)d?(?:din|deen|dine)$")
_CONNECTORS = frozenset({"al", "el", "ul", "ol", "oul", "ud", "ed", "ad", "ur", "ar", "as", "an", "un"})
_ABD_ALONE = frozenset({"abdul", "abdel", "abdal", "abdoul", "abdol"})
_ABUL_ALONE = frozenset({"abul", "abol", "aboul"})
_DIN_ALONE = frozenset({"eddine", "uddin", "uddeen", "aldin", "eldin", "addin", "ud din", "edine"})


# The Arabic article assimilated to a "sun letter" ("ad-dawa", "es-salam", "ash-shabab", "an-nasr"):
# the article's spelling -> the letters the next word must start with for it to be the article ("as"
# and "et" are left alone: the legal form AS and the French "et").
_SUN_ARTICLES = {
    "ad": ("d",),
    "ed": ("d",),
    "adh": ("dh",),
    "es": ("s",),
    "ash": ("sh",),
    "esh": ("sh",),
    "at": ("t",),
    "ath": ("th",),
    "az": ("z",),
    "ez": ("z",),
    "ar": ("r",),
    "er": ("r",),
    "an": ("n",),
    "en": ("n",),
}


def _is_article(tok: str, before: str | None, after: str | None) -> bool:
    """``tok`` is the Arabic article: a connector after "abd"/"abu", or assimilated to the next word."""
    if tok in _CONNECTORS and before in ("abd", "abu"):
        return True
    letters = _SUN_ARTICLES.get(tok)
    return letters is not None and after is not None and after.startswith(letters)


def _arabic_compounds(tokens: list[str]) -> list[str]:
    """One spelling for Arabic compound names: "abdulrahman" / "abdel rahman" / "abd al-rahman" ->
    "abd al rahman"; "nasraldine" / "nasr eddine" -> "nasr al din"."""
    out: list[str] = []
    for i, tok in enumerate(tokens):
        m = _ABD_GLUED.match(tok)
        d = _DIN_GLUED.match(tok) if m is None else None
        abul = _ABUL_GLUED.match(tok) if m is None and d is None else None
        if tok in _ABD_ALONE:
            out.extend(("abd", "al"))
        elif tok in _ABUL_ALONE:
            out.extend(("abu", "al"))
        elif tok in _DIN_ALONE:
            out.extend(("al", "din"))
        elif m is not None:
            out.extend((m.group(1), "al", m.group(2)))
        elif d is not None:
            out.extend((d.group(1), "al", "din"))
        elif abul is not None:
            out.extend(("abu", "al", abul.group(1)))
        elif _is_article(tok, out[-1] if out else None, tokens[i + 1] if i + 1 < len(tokens) else None):
            out.append("al")
        else:
            out.append(tok)
    return out


_GIVEN: dict[str, str] = {v: k for k, vs in SLAVIC_GIVEN_NAMES.items() for v in vs} | {k: k for k in SLAVIC_GIVEN_NAMES}
# Patronymic endings, longest first: Russian -ovich/-evna, Ukrainian -ovych/-ivna, Belarusian -avich/-auna.
_PATRONYMIC = re.compile(
    r"^([a-z]{3,}?)(yevich|ievich|evich|ovich|ovych|evych|avich|ich|yevna|ievna|evna|ovna|ivna|auna)$"
)


def _patronymic(tok: str) -> str | None:
    """A patronymic of a name in ``SLAVIC_GIVEN_NAMES`` in one spelling ("uladzimiravich",
    "volodymyrovych" -> "vladimirovich"; "mikalaevna" -> "nikolayevna"), else None."""
    m = _PATRONYMIC.match(tok)
    if m is None:
        return None
    stem, ending = m.groups()
    female = ending.endswith(("na",))
    for cand in (stem, stem + "y", stem + "i", stem + "iy", stem[:-1] if stem.endswith(("y", "i")) else ""):
        given = _GIVEN.get(cand)
        if given is not None:
            soft = given.endswith("y")
            return given + ("evna" if soft else "ovna") if female else given + ("evich" if soft else "ovich")
    return None


def _slavic(tok: str) -> str:
    given = _GIVEN.get(tok)
    if given is not None:
        return given
    if len(tok) >= 7:
        return _patronymic(tok) or tok
    return tok


def name_tokens(text: str) -> tuple[str, ...]:
    """The matcher's tokens of a name, in order (idempotent: ``name_tokens(" ".join(t)) == t``)."""
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", text))
    tokens = _legal_slips(fold(to_latin(text)).split())
    tokens = _numbers(_merge_initials(tokens))
    tokens = _phrases(_arabic_compounds(tokens))
    # and again on the canonical words, so the phrases meet every spelling the word map folds together
    # ("nauchno-proizvodstvennoye obyedineniye" -> "scientific production association" -> "npo")
    return tuple(_phrases([canonical_token(_slavic(t)) for t in tokens]))


_NO_TOKENS: frozenset[str] = frozenset()  # one object: every name without Arabic script shares it


def arabic_script_tokens(text: str) -> frozenset[str]:
    """The tokens of ``name_tokens(text)`` that come from words written in Arabic script (those words
    tokenised on their own; empty when the text has no Arabic script)."""
    if not ARABIC_SCRIPT.search(text):
        return _NO_TOKENS
    words = _ALLAH_APART.sub("", unicodedata.normalize("NFKC", text)).split()
    return frozenset(t for word in words if ARABIC_SCRIPT.search(word) for t in name_tokens(word))


def is_legal(tok: str) -> bool:
    return tok in LEGAL_FORMS


def is_stopword(tok: str) -> bool:
    return tok in STOPWORDS


def normalize_name(text: str) -> str:
    """The normalised name as one string (idempotent)."""
    return " ".join(name_tokens(text))
