"""``entrywatch bench match``: the name matcher against a brute-force rapidfuzz scan over every prepared name,
on queries made from listed names the way trade documents write them (``perturb``)."""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import time
import tracemalloc
from typing import Any

from rapidfuzz import fuzz, process

from benchmarks.matching_eval.readers import screened_entities
from entrywatch.cli.match import thresholds_from
from screening.entities import Entity
from screening.matching import NameIndex, Thresholds
from screening.matching.prepare import prepare
from streams.gc_control import freeze_heap

_LEGAL_PHRASES = re.compile(
    r"\b(?:(?:public|closed|open)\s+)?joint[- ]stock\s+company\b|\blimited\s+liability\s+company\b"
    r"|\bco(?:mpany)?\.?,?\s+(?:ltd|limited)\b\.?",
    re.IGNORECASE,
)
_ABBREV = {
    "COMPANY": "CO",
    "LIMITED": "LTD",
    "CORPORATION": "CORP",
    "INTERNATIONAL": "INTL",
    "GROUP": "GRP",
    "COMMUNICATIONS": "COMM",
    "TECHNOLOGY": "TECH",
    "TECHNOLOGIES": "TECH",
    "INDUSTRIES": "INDS",
    "MANUFACTURING": "MFG",
    "TRADING": "TRDG",
}


def _typo(word: str, rng: random.Random) -> str:
    """One keyboard slip in a word: two letters swapped, one dropped, one doubled or one replaced."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    vowel = rng.choice("aeiou")
    vowel = vowel.upper() if word.isupper() else vowel
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + vowel + word[i + 1 :]


def perturb(name: str, kind: str, rng: random.Random) -> str:
    """A variant of a listed name as it appears on trade documents: "LAST, First" written "First LAST",
    a middle name left out, the legal form dropped or abbreviated, common words abbreviated, a typo in
    one word, lower case and no punctuation; one or two of these."""
    text = name
    for _ in range(1 + (rng.random() < 0.3)):
        choice = rng.randrange(5)
        if choice == 0:
            if "," in text:
                last, _, first = text.partition(",")
                text = f"{first.strip()} {last.strip()}"
            else:
                words = text.split()
                text = " ".join(words[1:] + words[:1]) if len(words) > 1 else text
        elif choice == 1:
            if kind == "person":
                words = text.replace(",", " ,").split()
                given = [i for i, w in enumerate(words) if i > 0 and w != "," and words[i - 1] != ","]
                if len(words) >= 4 and given:
                    del words[rng.choice(given)]
                text = " ".join(words).replace(" ,", ",")
            else:
                text = _LEGAL_PHRASES.sub(" ", text).strip(" ,.") or text
        elif choice == 2:
            words = text.split()
            long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if long:
                i = rng.choice(long)
                words[i] = _typo(words[i], rng)
            text = " ".join(words)
        elif choice == 3:
            text = " ".join(_ABBREV.get(w.upper().strip(",."), w) for w in text.split())
        else:
            text = re.sub(r"[.,]", "", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def query_set(entities: list[Entity], n: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    pool = [e for e in entities if e.entity_type in ("organization", "person") and e.names]
    out = []
    for e in rng.sample(pool, min(n, len(pool))):
        name = rng.choice(e.names).value
        kind = "person" if e.entity_type == "person" else "company"
        out.append((perturb(name, kind, rng), kind, e.id))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time_matcher(
    index: NameIndex, queries: list[tuple[str, str, str]], top: int
) -> tuple[list[float], list[float], int]:
    """Each query searched once: wall and CPU times per query, and how many found their entity."""
    wall: list[float] = []
    cpu: list[float] = []  # this thread's CPU time: what other jobs on a shared machine do not inflate
    hits = 0
    for name, kind, expected in queries:
        t, c = time.perf_counter(), time.thread_time()
        found = index.search(name, kind=kind, limit=top)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
        hits += any(m.entity.id == expected for m in found)
    return wall, cpu, hits


def bench_match(paths: list[str], n: int, seed: int, top: int, thresholds: Thresholds) -> dict[str, Any]:
    entities = screened_entities(paths)
    gc.collect()
    t0 = time.perf_counter()
    index = NameIndex(entities, thresholds, cache_size=0)  # the uncached cost of a search
    build_s = time.perf_counter() - t0
    del index
    gc.collect()
    tracemalloc.start()
    index = NameIndex(entities, thresholds, cache_size=0)  # the uncached cost of a search
    index_bytes, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queries = query_set(entities, n, seed)

    prepared_texts = [p.text for p in index.prepared_names]
    owners = [index.owner_of(i).id for i in range(index.name_count)]

    # as a worker searches: its index frozen out of the cyclic collector's reach after the list load
    # (streams.gc_control.freeze_heap), so a full collection does not walk it in the middle of a search
    threshold = gc.get_threshold()
    freeze_heap()
    try:
        matcher_times, matcher_cpu, matcher_hits = _time_matcher(index, queries, top)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)

    brute_times: list[float] = []
    brute_hits = 0
    cutoff = thresholds.review * 100
    for name, _kind, expected in queries:
        t = time.perf_counter()
        text = prepare(name).text
        hits = process.extract(text, prepared_texts, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=top * 4)
        ids: list[str] = []
        for _, _, i in hits:
            if owners[i] not in ids:
                ids.append(owners[i])
        brute_times.append(time.perf_counter() - t)
        brute_hits += expected in ids[:top]

    total_m, total_b = sum(matcher_times), sum(brute_times)
    return {
        "entities": len(index),
        "names": index.name_count,
        "queries": len(queries),
        "index_build_s": round(build_s, 3),
        "index_memory_mib": round(index_bytes / 2**20, 1),
        "matcher": {
            "total_s": round(total_m, 3),
            "p50_ms": round(statistics.median(matcher_times) * 1000, 3),
            "p99_ms": round(_pct(matcher_times, 0.99) * 1000, 3),
            "cpu_p50_ms": round(statistics.median(matcher_cpu) * 1000, 3),
            "cpu_p99_ms": round(_pct(matcher_cpu, 0.99) * 1000, 3),
            "recall": round(matcher_hits / len(queries), 4),
        },
        "brute_force": {
            "scorer": "rapidfuzz token_sort_ratio over every prepared name",
            "total_s": round(total_b, 3),
            "p50_ms": round(statistics.median(brute_times) * 1000, 3),
            "p99_ms": round(_pct(brute_times, 0.99) * 1000, 3),
            "recall": round(brute_hits / len(queries), 4),
        },
        "speedup": round(total_b / total_m, 1) if total_m else None,
        "algorithm": index.algorithm,
    }


def run(args: argparse.Namespace) -> int:
    """``entrywatch bench match`` (the options of ``entrywatch.cli.bench``): the report as JSON."""
    report = bench_match(args.lists, args.queries, args.seed, args.top, thresholds_from(args))
    print(json.dumps(report, indent=2))
    return 0
