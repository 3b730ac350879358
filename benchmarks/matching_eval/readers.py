"""The entities the evaluation set and the benchmark are built from, read by the product's list loader.

``screened_entities`` is what the product screens with (``load_paths``: the newest version of each
source, refused files left out), the same set ``entrywatch match --lists`` and ``entrywatch screen``
index. ``all_versions`` is every snapshot under the paths, older versions and a truncated CSL file
included (its cut-off last record dropped by the loader's rule): the evaluation set needs both SDN
versions and the CSL file whose SDN rows cross-link to OFAC entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from screening.entities import Entity, ListSnapshot
from screening.lists.loader import load, load_paths


def screened_entities(paths: Iterable[str | Path]) -> list[Entity]:
    """Every entity of the live snapshots under ``paths`` (newest version of each source)."""
    snapshots, _skipped = load_paths(paths)
    return [e for s in snapshots for e in s.entities]


def all_snapshots(paths: Iterable[str | Path]) -> list[ListSnapshot]:
    """Every snapshot under ``paths``, every version, truncated CSL files included."""
    return load(paths, allow_truncated=True).snapshots


def all_versions(paths: Iterable[str | Path]) -> list[Entity]:
    return [e for s in all_snapshots(paths) for e in s.entities]
