"""The one settings object. Built once by the entry point (``Settings.load()``) and passed in;
nothing reads the environment at import time."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from screening.matching import Thresholds
from streams.codecs import DLQ_ENVELOPE_BYTES, DLQ_KEEP_BYTES


class Settings(BaseSettings):
    """EntryWatch configuration. Every field can be set from the environment as ``ENTRYWATCH_<NAME>``;
    the broker and Redis addresses also as ``KAFKA_BOOTSTRAP`` and ``REDIS_URL``."""

    model_config = SettingsConfigDict(env_prefix="ENTRYWATCH_", frozen=True, extra="ignore")

    # Transport
    kafka_bootstrap: str = Field(
        "127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP", "ENTRYWATCH_KAFKA_BOOTSTRAP"),
        description="Kafka bootstrap servers, host:port[,host:port]",
    )
    redis_url: SecretStr = Field(
        SecretStr("redis://127.0.0.1:6379/0"),
        validation_alias=AliasChoices("REDIS_URL", "ENTRYWATCH_REDIS_URL"),
        description="Redis URL (may hold a password, so it is kept secret in logs)",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="Kafka security protocol: TLS (SSL), SASL, or both (SASL_SSL)"
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "SCRAM-SHA-512", description="SASL mechanism when the protocol is SASL_PLAINTEXT or SASL_SSL"
    )
    kafka_sasl_username: str | None = Field(None, description="SASL user name")
    kafka_sasl_password: SecretStr | None = Field(None, description="SASL password (secret: never logged)")
    kafka_ssl_cafile: str | None = Field(None, description="CA bundle (PEM) that signs the brokers' certificates")
    kafka_ssl_certfile: str | None = Field(None, description="Client certificate (PEM), for mutual TLS")
    kafka_ssl_keyfile: str | None = Field(None, description="Client private key (PEM), for mutual TLS")
    redis_username: str | None = Field(None, description="Redis ACL user (overrides the URL's)")
    redis_password: SecretStr | None = Field(None, description="Redis password (secret; overrides the URL's)")
    redis_ssl_ca_certs: str | None = Field(None, description="CA bundle for Redis over TLS (use a rediss:// URL)")
    app_id: str = Field("entrywatch", description="Faust application id and consumer group")
    topic_prefix: str = Field("", description="Prefix for every topic name (one cluster, many environments)")
    partitions: int = Field(4, ge=1, description="Partitions of the topics created at start")
    replication_factor: int = Field(1, ge=1, description="Replication factor of the topics created at start")
    session_timeout_s: float = Field(6.0, gt=0, description="Consumer group session timeout (seconds)")

    # Screening
    batch_size: int = Field(500, ge=1, description="Entries taken per agent batch")
    batch_within_s: float = Field(0.05, gt=0, description="Longest wait to fill a batch (seconds)")
    fetch_max_wait_ms: int = Field(
        20,
        ge=0,
        le=60_000,
        description="Longest time the broker holds a consumer fetch waiting for data (ms; Faust's own is 1500)",
    )
    producer_linger_ms: int = Field(
        0,
        ge=0,
        le=1_000,
        description="How long the worker's producer waits to fill a request before sending it (ms)",
    )
    name_cache_size: int = Field(
        200_000, ge=0, description="Name searches cached per list version (0: off); see docs/scaling.md"
    )
    shared_name_cache: bool = Field(
        True,
        description="Share name-search results between workers with the same lists through a Redis stream "
        "(a restarted or added worker starts warm); see docs/scaling.md",
    )
    shared_name_cache_batches: int = Field(
        20_000, ge=1, description="Batches of shared name results kept per list version (the stream's length)"
    )
    hold_threshold: float = Field(
        Thresholds().hold, ge=0, le=1, description="Match score at or above which a party is HOLD"
    )
    review_threshold: float = Field(
        Thresholds().review, ge=0, le=1, description="Match score at or above which a party is REVIEW"
    )
    gc_freeze_interval_s: float = Field(
        30.0,
        ge=0,
        description="Seconds between freezes of the objects that survived (the caches' new entries) out of "
        "the cyclic garbage collector's reach, so its pauses stay short as caches grow (0: off); see "
        "streams/gc_control.py",
    )
    max_message_bytes: int = Field(1_000_000, ge=1024, description="Entries larger than this go to the DLQ")
    dlq_keep_bytes: int = Field(
        DLQ_KEEP_BYTES,
        ge=0,
        description="A dead letter carries the original value up to this size; a larger one is carried as its "
        "SHA-256, size and source offset (checked at start against producer_max_request_bytes)",
    )
    producer_max_request_bytes: int = Field(
        1_048_576,
        ge=65_536,
        description="Largest record the worker's producer sends (keep it at or under the brokers' "
        "message.max.bytes; a decision larger than this goes to the DLQ instead)",
    )
    screen_stall_after_s: float = Field(
        30.0,
        gt=0,
        description="/ready reports screen_agent_stalled when one batch has been in progress this long "
        "(Redis or the broker failing, or a record that cannot be answered)",
    )

    # Lists
    list_keep_versions: int = Field(5, ge=1, description="List versions kept per source, for rollback")
    list_max_shrink: float = Field(
        0.25, ge=0, le=1, description="Refuse a list version whose entity count falls by more than this share"
    )
    lists_sources_file: str = Field(
        "",
        description="JSON file merged over the built-in table of list publishers (URLs, format, minimum size, "
        "timeout, stale_after_h, ...; see screening/list_sources.py); empty: the built-in table",
    )
    lists_mirror: str = Field(
        "",
        description="`lists fetch` reads every file from this internal mirror (http(s) URL) or folder as "
        "<mirror>/<source>/<file name> instead of the publishers (air-gapped sites); empty: the publishers",
    )
    lists_cache_dir: str = Field(
        "",
        description="Folder where `lists fetch` keeps the raw files with their URL, fetch time, ETag, "
        "Last-Modified and SHA-256 (empty: <data_dir>/lists-cache, else ~/.cache/entrywatch/lists)",
    )

    # Audit trail, suppressions and retro-screening (broker-system contract)
    audit_retention_days: float = Field(
        400.0, gt=0, description="Days decisions, dispositions and stored entries are kept in Redis"
    )
    retro_lookback_days: float = Field(
        30.0, ge=0, description="Days back (by filed_at, else first seen) re-screened on a list update"
    )
    retro_page_size: int = Field(2000, ge=1, description="Stored entries read and re-screened per slice")
    retro_lease_s: float = Field(
        60.0,
        ge=2,
        description="Lease of the worker retro-screening a list version, renewed while it scans; if it "
        "stops, another worker takes the scan over within about this long. Workers also check for owed "
        "retro-screens (live version differs from the retro baseline) every half of it",
    )
    redis_retry_max_s: float = Field(10.0, gt=0, description="Longest back-off between Redis retries (s)")

    # Worker web server
    web_host: str = Field("127.0.0.1", description="Interface the worker's web server binds to")
    web_token: SecretStr | None = Field(
        None, description="If set, the web API and page require `Authorization: Bearer <token>` (or ?token=)"
    )
    web_port: int = Field(6066, ge=0, le=65535, description="Port of the worker's web server (0: disabled)")

    data_dir: str = Field("", description="Faust's data directory (default: a folder under the system temp dir)")
    log_level: Literal["debug", "info", "warning", "error"] = Field("warning", description="Log level")
    log_format: Literal["auto", "json", "text"] = Field(
        "auto",
        description="Log format: json (one event a line), text (readable), auto (text on a tty, else json)",
    )
    lists_stale_after_h: float = Field(
        0.0,
        ge=0,
        description="/ready reports lists_stale when a live list version was published longer ago than this "
        "(hours), for every source; 0: each source's own stale_after_h from the source table",
    )
    recent_holds: int = Field(50, ge=1, le=1000, description="Latest holds kept in memory for the web page")
    redis_key_prefix: str = Field("ew", description="Prefix of every Redis key")

    @field_validator("web_token")
    @classmethod
    def _token_not_empty(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty token must not silently mean "no auth": unset it to run without one.
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("is empty: set a token, or unset ENTRYWATCH_WEB_TOKEN to run without auth")
        return value

    @model_validator(mode="after")
    def _dead_letters_fit(self) -> Settings:
        # Every input is answered: its dead letter (base64 of up to dlq_keep_bytes, plus the envelope)
        # must be sendable, or one poison record would stop the worker.
        largest = 4 * -(-self.dlq_keep_bytes // 3) + DLQ_ENVELOPE_BYTES
        if largest > self.producer_max_request_bytes:
            raise ValueError(
                f"dlq_keep_bytes={self.dlq_keep_bytes} makes dead letters of up to {largest} bytes, over "
                f"producer_max_request_bytes={self.producer_max_request_bytes}: lower dlq_keep_bytes to at most "
                f"{3 * (self.producer_max_request_bytes - DLQ_ENVELOPE_BYTES) // 4}"
            )
        return self

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Read the environment (and overrides) once, at the entry point."""
        return cls(**overrides)  # type: ignore[arg-type]

    def thresholds(self) -> Thresholds:
        """The matcher's HOLD and REVIEW thresholds set here."""
        return Thresholds(hold=self.hold_threshold, review=self.review_threshold)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def faust_broker(self) -> str:
        return ";".join(f"kafka://{h.strip()}" for h in self.kafka_bootstrap.split(",") if h.strip())
