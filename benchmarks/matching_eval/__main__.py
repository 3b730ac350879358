"""``python -m benchmarks.matching_eval build|df|report|slices``: the matcher's evaluation set and its figures."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.matching_eval.evalset import build_pairs, evaluate, read_pairs, score_pairs, write_pairs
from benchmarks.matching_eval.readers import all_snapshots, screened_entities
from screening.entities import Entity
from screening.matching import Thresholds
from screening.normalize import name_tokens

DEFAULT_SET = Path("tests/data/match_eval.jsonl")


def token_df(entities: list[Entity], least: int = 21) -> dict[str, int]:
    """Tokens listed by ``least`` entities or more, with their entity count (the rest weigh 1.0)."""
    counts: dict[str, int] = {}
    for e in entities:
        for tok in {t for n in e.names for t in name_tokens(n.value)}:
            counts[tok] = counts.get(tok, 0) + 1
    return {t: n for t, n in counts.items() if n >= least}


def slices_report(pair_set: Path, lists: list[str], threshold: float) -> int:
    from benchmarks.matching_eval import slices
    from screening.matching import NameIndex
    from screening.matching.prepare import _token_df

    thresholds = Thresholds(review=threshold) if threshold != Thresholds().review else Thresholds()
    print(json.dumps(slices.cross_script(read_pairs(pair_set), threshold)))
    entities = screened_entities(lists)
    index = NameIndex(entities, thresholds)
    df = _token_df()
    for name, probes in (
        ("vessel_words", slices.vessel_probes(entities)),
        ("common_words", slices.common_word_probes(entities, df)),
    ):
        print(json.dumps(slices.probe(index, name, probes, thresholds), ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching_eval")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the labelled pair set from the shared lists")
    # tests/data/lists holds the truncated 2023 CSL file, whose SDN rows cross-link to OFAC entries
    b.add_argument("--lists", nargs="+", default=["data/lists", "tests/data/lists"])
    b.add_argument("--out", type=Path, default=DEFAULT_SET)
    d = sub.add_parser("df", help="rewrite screening/matching/token_df.tsv from the live lists")
    d.add_argument("--lists", nargs="+", default=["data/lists"])
    d.add_argument("--out", type=Path, default=Path("screening/matching/token_df.tsv"))
    r = sub.add_parser("report", help="precision, recall and F1 per kind at the REVIEW threshold")
    r.add_argument("--set", type=Path, default=DEFAULT_SET)
    r.add_argument("--split", choices=("dev", "heldout", "all"), default="heldout")
    r.add_argument("--threshold", type=float, default=Thresholds().review)
    r.add_argument("--errors", type=int, default=0, help="print this many misclassified pairs")
    sl = sub.add_parser(
        "slices", help="the cross-script pairs, and party names sharing words with listed vessels or common words"
    )
    sl.add_argument("--set", type=Path, default=DEFAULT_SET)
    sl.add_argument("--lists", nargs="+", default=["data/lists"])
    sl.add_argument("--threshold", type=float, default=Thresholds().review)
    args = parser.parse_args(argv)
    if args.cmd == "slices":
        return slices_report(args.set, args.lists, args.threshold)
    if args.cmd == "build":
        pairs = build_pairs(all_snapshots(args.lists))
        write_pairs(pairs, args.out)
        print(f"{len(pairs)} pairs -> {args.out}")
        return 0
    if args.cmd == "df":
        counts = token_df(screened_entities(args.lists))
        with args.out.open("w", encoding="utf-8") as f:
            f.write("# token\tentities listing it (live lists; entity-level document frequency)\n")
            for tok, n in sorted(counts.items()):
                f.write(f"{tok}\t{n}\n")
        print(f"{len(counts)} tokens -> {args.out}")
        return 0
    chosen = [p for p in read_pairs(args.set) if args.split == "all" or p.split == args.split]
    pairs = [p for p in chosen if not p.origin.endswith("_unrelated")]
    unrelated = [p for p in chosen if p.origin.endswith("_unrelated")]
    scores = score_pairs(pairs)
    un_scores = score_pairs(unrelated)
    found = sum(s >= args.threshold for s in un_scores)
    print(json.dumps({"unrelated_aliases": len(unrelated), "matched_by_name": found}))
    report = evaluate(pairs, scores, args.threshold)
    print(json.dumps({"split": args.split, "threshold": args.threshold, **{k: v.as_dict() for k, v in report.items()}}))
    if args.errors:
        wrong = [(s, p) for p, s in zip(pairs, scores, strict=True) if (s >= args.threshold) != p.label]
        for s, p in wrong[: args.errors]:
            print(f"{s:.3f} {'FN' if p.label else 'FP'} {p.kind:7} {p.origin:10} {p.a!r} ~ {p.b!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
