"""The options every offline benchmark over generated entries shares: the lists, how many entries, the seed."""

from __future__ import annotations

import argparse


def entries_parser(doc: str | None, *, entries: int, warmup: int | None = None) -> argparse.ArgumentParser:
    """A parser with ``--lists``, ``--entries``, ``--seed`` (and ``--warmup`` when a default is given)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lists", nargs="+", default=["data/lists"], help="list files or folders (default data/lists)")
    ap.add_argument("--entries", type=int, default=entries, help="measured entries (seed --seed)")
    if warmup is not None:
        ap.add_argument("--warmup", type=int, default=warmup, help="entries screened first")
    ap.add_argument("--seed", type=int, default=7, help="seed of the entry generator")
    return ap
