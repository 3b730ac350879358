"""Name matching against prepared list names.

Algorithm ``ew-weighted-tokens`` (see docs/matching.md): names are normalised to Latin tokens once per
list version, indexed by token, phonetic key and trigram for candidate generation, and a query scores
tens of candidates with a weighted token alignment (rapidfuzz), corrected by alias strength, party kind
and country.
"""

from __future__ import annotations

from screening.matching.evidence import PartyEvidence
from screening.matching.index import NameIndex, compare
from screening.matching.types import ALGORITHM, ALGORITHM_NAME, ALGORITHM_VERSION, Match, Query, Thresholds

__all__ = [
    "ALGORITHM",
    "ALGORITHM_NAME",
    "ALGORITHM_VERSION",
    "Match",
    "NameIndex",
    "PartyEvidence",
    "Query",
    "Thresholds",
    "compare",
]
