"""What the worker's web page shows: the latest holds (a ring buffer), decisions per second, and the
matched words of a party name against the listed name. Pure Python; the Runtime feeds it."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from rapidfuzz import fuzz

_WORD = re.compile(r"\w+", re.UNICODE)
# Han (with extensions and compatibility ideographs), kana, Hangul syllables: scripts written without spaces
_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_TOKEN = re.compile(f"[{_CJK_CHARS}]|[^\\W{_CJK_CHARS}]+", re.UNICODE)
FUZZY_TOKEN = 85.0  # rapidfuzz ratio at or above which two words count as the same word (typos, transliteration)

Segment = tuple[str, bool]  # (text, matched)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    return min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= FUZZY_TOKEN


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _cjk_bigrams(text: str) -> tuple[set[str], set[str]]:
    """The adjacent pairs of CJK characters of ``text``, and its lone CJK characters."""
    pairs: set[str] = set()
    singles: set[str] = set()
    for run in _CJK_RUN.finditer(text):
        chars = run.group()
        if len(chars) == 1:
            singles.add(chars)
        pairs.update(chars[i : i + 2] for i in range(len(chars) - 1))
    return pairs, singles


def segments(text: str, other: str) -> list[Segment]:
    """Split ``text`` into runs, marking each word that also occurs (folded, or nearly) in ``other``.
    Chinese, Japanese and Korean script has no spaces between words: each of its characters is a token,
    marked when it and a neighbour form a two-character run ``other`` has too (a lone character: when
    ``other`` has it alone). The runs concatenate back to ``text`` exactly; the page renders them as text,
    never as HTML."""
    words = {_fold(m.group()) for m in _TOKEN.finditer(other) if not _CJK.fullmatch(m.group())}
    pairs, singles = _cjk_bigrams(other)
    tokens = _tokens(text)
    out: list[Segment] = []
    pos = 0
    for i, m in enumerate(tokens):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        if _CJK.fullmatch(m.group()):
            prev = tokens[i - 1] if i > 0 and tokens[i - 1].end() == m.start() else None
            nxt = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].start() == m.end() else None
            before = prev is not None and _CJK.fullmatch(prev.group()) and prev.group() + m.group() in pairs
            after = nxt is not None and _CJK.fullmatch(nxt.group()) and m.group() + nxt.group() in pairs
            alone = m.group() in singles or (len(text) == 1 and m.group() in other)
            out.append((m.group(), bool(before or after or alone)))
        else:
            folded = _fold(m.group())
            out.append((m.group(), any(_same(folded, w) for w in words)))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    # a separator between two matched words belongs to the match: one highlight per matched phrase
    for i in range(1, len(out) - 1):
        if not out[i][1] and out[i - 1][1] and out[i + 1][1] and not _WORD.search(out[i][0]):
            out[i] = (out[i][0], True)
    # merge neighbours with the same flag so the page draws fewer elements
    merged: list[Segment] = []
    for seg in out:
        if merged and merged[-1][1] == seg[1]:
            merged[-1] = (merged[-1][0] + seg[0], seg[1])
        else:
            merged.append(seg)
    return merged


def entry_href(entry_number: str) -> str:
    return "/entries/" + quote(entry_number, safe="")


def hold_view(decision: dict[str, Any]) -> dict[str, Any]:
    """The fields of a hold-alert.v1 record the page shows, with the highlighted name runs."""
    reasons = []
    for r in decision.get("reasons", []):
        party, listed = r.get("party_name"), r.get("matched_name")
        view = {
            k: r[k]
            for k in (
                "code",
                "decision",
                "party_role",
                "party_name",
                "matched_name",
                "list",
                "list_version",
                "score",
            )
            if k in r
        }
        if party and listed:
            view["party_segments"] = segments(party, listed)
            view["matched_segments"] = segments(listed, party)
        reasons.append(view)
    return {
        "alert_id": decision.get("alert_id"),
        "entry_number": decision.get("entry_number"),
        "decision": decision.get("decision"),
        "screened_at": decision.get("screened_at"),
        "list_versions": decision.get("list_versions", {}),
        "href": entry_href(str(decision.get("entry_number", ""))),
        "reasons": reasons,
    }


@dataclass(slots=True)
class _Sample:
    at: float
    total: int


class RateMeter:
    """Events per second over a sliding window, from cumulative totals sampled at each batch."""

    def __init__(self, window_s: float = 10.0) -> None:
        self.window_s = window_s
        self._samples: deque[_Sample] = deque()
        self.total = 0

    def add(self, n: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if not self._samples:
            self._samples.append(_Sample(now, self.total))  # the baseline before these events
        self.total += n
        self._samples.append(_Sample(now, self.total))
        self._prune(now)

    def _prune(self, now: float) -> None:
        # keep one sample at or before the window's start as the baseline
        while len(self._samples) > 1 and self._samples[1].at <= now - self.window_s:
            self._samples.popleft()

    def rate(self, now: float | None = None) -> float:
        """Events in the last ``window_s`` seconds divided by the window."""
        now = time.monotonic() if now is None else now
        self._prune(now)
        if len(self._samples) < 2:
            return 0.0
        return (self._samples[-1].total - self._samples[0].total) / self.window_s


class Activity:
    """The latest holds (newest first) and the decision rate, for ``/api/summary``."""

    def __init__(self, keep: int = 50, window_s: float = 10.0) -> None:
        self.holds: deque[dict[str, Any]] = deque(maxlen=keep)
        self.decisions = RateMeter(window_s)

    def record(self, decided: int, holds: list[dict[str, Any]]) -> None:
        self.decisions.add(decided)
        keep = self.holds.maxlen
        # only the newest ``keep`` can stay: the views of older ones would be pushed out at once
        for h in holds if keep is None or len(holds) <= keep else holds[len(holds) - keep :]:
            self.holds.appendleft(hold_view(h))

    def latest(self, n: int | None = None) -> list[dict[str, Any]]:
        items = list(self.holds)
        return items if n is None else items[:n]
