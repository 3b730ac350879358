"""Every Redis key of the product: one method of :class:`Keys` per layout, and :data:`LAYOUTS`, the table
docs/architecture.md shows (written by ``scripts/gen_keys_doc.py``; a unit test checks that both list the
same layouts and that the doc is up to date).

Every key starts with the prefix (setting ``redis_key_prefix``, ``ew`` by default), so several deployments
(or test runs) can share one Redis. Nothing else in the product builds a key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Layout:
    """One key layout as the docs show it: the key with its prefix ``{p}``, the Redis type, the content."""

    key: str
    type: str
    content: str
    store: str  # the module of ``stores`` that reads and writes it


LAYOUTS: tuple[Layout, ...] = (
    Layout("{p}:lists:sources", "SET", "source names", "lists"),
    Layout("{p}:list:{source}:live", "STRING", "the live version", "lists"),
    Layout(
        "{p}:list:{source}:versions",
        "LIST",
        "versions in load order, newest first (rollback takes the one after the live one)",
        "lists",
    ),
    Layout(
        "{p}:list:{source}:{version}:meta", "HASH", "entities, names, published, checksum, loaded_at, warnings", "lists"
    ),
    Layout("{p}:list:{source}:{version}:ents", "HASH", "entity id → entity JSON", "lists"),
    Layout(
        "{p}:audit:hist:{entry_number}",
        "LIST",
        "the entry's decision records (JSON, with `supersedes`), oldest first; expires after `audit_retention_days`",
        "audit",
    ),
    Layout(
        "{p}:audit:alert:{alert_id}",
        "STRING",
        '`{"record": decision, "fingerprints": {entity id: fingerprint}}`: an alert with the fingerprints of the '
        "entities its reasons name; expires after `audit_retention_days`",
        "audit",
    ),
    Layout(
        "{p}:audit:disp:{entry_number}",
        "HASH",
        "disposition id → disposition JSON; expires after `audit_retention_days`",
        "audit",
    ),
    Layout(
        "{p}:audit:holds",
        "ZSET",
        "alert id of every HOLD/REVIEW, scored by first screened time (ms), for `audit_retention_days`: with the "
        "histories and dispositions, the review queue",
        "audit",
    ),
    Layout("{p}:supp", "HASH", "suppression key → suppression JSON, from false-positive dispositions", "suppressions"),
    Layout(
        "{p}:entries:data",
        "HASH",
        "entry number → zlib-compressed original entry JSON (latest revision), for retro-screening",
        "entries",
    ),
    Layout(
        "{p}:entries:time",
        "ZSET",
        "entry number, scored by filed_at (else the time it was last stored) in epoch seconds",
        "entries",
    ),
    Layout(
        "{p}:names:{fingerprint}",
        "STREAM",
        "name-search results shared between workers, one entry per batch, for one set of list versions, algorithm "
        "and thresholds (`screening.matching.result_codec`); at most `shared_name_cache_batches` entries, expires a "
        "week after the last write",
        "names",
    ),
    Layout(
        "{p}:retro:lock:{source}:{version}",
        "STRING",
        "the lease of the worker retro-screening a version: its token (SET NX PX, renewed while it scans; another "
        "worker takes over when it lapses)",
        "retro",
    ),
    Layout(
        "{p}:retro:baseline",
        "HASH",
        "source → the version the stored entries were last re-screened against; a source whose live version "
        "differs is owed a retro-screen from it, even if no worker ran at the load",
        "retro",
    ),
    Layout(
        "{p}:retro:fps:{source}:{version}",
        "HASH",
        "entity id → fingerprint of the baseline version's entities (kept while it is the baseline: the list "
        "store prunes old versions' entities)",
        "retro",
    ),
    Layout(
        "{p}:retro:last:{source}",
        "STRING",
        "the figures of the source's last finished retro-screen (JSON: source, version, changed_entities, "
        "scanned, hits, emitted, seconds)",
        "retro",
    ),
)


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys under one prefix (f-strings, not ``LAYOUTS`` formatted: they are built per entry)."""

    prefix: str = "ew"

    # --- lists (stores.lists) ----------------------------------------------------------------------------

    @property
    def sources(self) -> str:
        return f"{self.prefix}:lists:sources"

    def live(self, source: str) -> str:
        return f"{self.prefix}:list:{source}:live"

    def versions(self, source: str) -> str:
        return f"{self.prefix}:list:{source}:versions"

    def meta(self, source: str, version: str) -> str:
        return f"{self.prefix}:list:{source}:{version}:meta"

    def ents(self, source: str, version: str) -> str:
        return f"{self.prefix}:list:{source}:{version}:ents"

    # --- the audit trail (stores.audit) ------------------------------------------------------------------

    def hist(self, entry_number: str) -> str:
        return f"{self.prefix}:audit:hist:{entry_number}"

    def alert(self, alert_id: str) -> str:
        return f"{self.prefix}:audit:alert:{alert_id}"

    def disp(self, entry_number: str) -> str:
        return f"{self.prefix}:audit:disp:{entry_number}"

    @property
    def holds(self) -> str:
        return f"{self.prefix}:audit:holds"

    # --- suppressions (stores.suppressions) --------------------------------------------------------------

    @property
    def supp(self) -> str:
        return f"{self.prefix}:supp"

    # --- stored entries (stores.entries) -----------------------------------------------------------------

    @property
    def entries_data(self) -> str:
        return f"{self.prefix}:entries:data"

    @property
    def entries_time(self) -> str:
        return f"{self.prefix}:entries:time"

    # --- shared name results (stores.names) --------------------------------------------------------------

    def names(self, fingerprint: str) -> str:
        return f"{self.prefix}:names:{fingerprint}"

    # --- retro-screening state (stores.retro) ------------------------------------------------------------

    def retro_lock(self, source: str, version: str) -> str:
        return f"{self.prefix}:retro:lock:{source}:{version}"

    @property
    def retro_baseline(self) -> str:
        return f"{self.prefix}:retro:baseline"

    def retro_fps(self, source: str, version: str) -> str:
        return f"{self.prefix}:retro:fps:{source}:{version}"

    def retro_last(self, source: str) -> str:
        return f"{self.prefix}:retro:last:{source}"
