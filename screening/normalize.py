"""Name normalisation shared by list preparation and queries."""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC, strip accents, casefold, punctuation to spaces, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    text = text.casefold().replace("_", " ")
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


# Legal forms and generic words carry little identifying weight; they are removed for the core form.
LEGAL_FORMS = frozenset(
    """co company corp corporation inc incorporated ltd limited llc plc gmbh ag sa jsc ojsc ooo pjsc
    group holding holdings trading international intl industry industrial industries pte pvt sdn bhd
    bv nv srl spa kg llp lp""".split()
)


def core(text: str) -> str:
    """The folded name without legal forms; falls back to the folded name if nothing is left."""
    folded = fold(text)
    tokens = [t for t in folded.split() if t not in LEGAL_FORMS]
    return " ".join(tokens) if tokens else folded
