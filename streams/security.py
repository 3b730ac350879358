"""Client settings for secured clusters, from the one settings object: Kafka over TLS and/or SASL
(PLAIN, SCRAM-SHA-256/512) for librdkafka, aiokafka and Faust; Redis with an ACL user, password and TLS.
Secrets stay ``SecretStr`` until the moment a client is built and are never logged."""

from __future__ import annotations

import ssl
from typing import Any

import redis
import redis.asyncio as aioredis

from streams.settings import Settings


def uses_sasl(settings: Settings) -> bool:
    return settings.kafka_security_protocol.startswith("SASL")


def uses_tls(settings: Settings) -> bool:
    return settings.kafka_security_protocol in ("SSL", "SASL_SSL")


def librdkafka_security(settings: Settings) -> dict[str, Any]:
    """The security part of a confluent-kafka (librdkafka) client configuration."""
    cfg: dict[str, Any] = {"security.protocol": settings.kafka_security_protocol.lower()}
    if uses_sasl(settings):
        if not settings.kafka_sasl_username or settings.kafka_sasl_password is None:
            raise ValueError("SASL needs ENTRYWATCH_KAFKA_SASL_USERNAME and ENTRYWATCH_KAFKA_SASL_PASSWORD")
        cfg["sasl.mechanism"] = settings.kafka_sasl_mechanism
        cfg["sasl.username"] = settings.kafka_sasl_username
        cfg["sasl.password"] = settings.kafka_sasl_password.get_secret_value()
    if uses_tls(settings):
        for key, value in (
            ("ssl.ca.location", settings.kafka_ssl_cafile),
            ("ssl.certificate.location", settings.kafka_ssl_certfile),
            ("ssl.key.location", settings.kafka_ssl_keyfile),
        ):
            if value:
                cfg[key] = value
    return cfg


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if not uses_tls(settings):
        return None
    ctx = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if settings.kafka_ssl_certfile:
        ctx.load_cert_chain(settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile)
    return ctx


def aiokafka_security(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for aiokafka clients (the worker's list watcher)."""
    kw: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if uses_sasl(settings):
        kw["sasl_mechanism"] = settings.kafka_sasl_mechanism
        kw["sasl_plain_username"] = settings.kafka_sasl_username
        kw["sasl_plain_password"] = (
            settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None
        )
    context = ssl_context(settings)
    if context is not None:
        kw["ssl_context"] = context
    return kw


def faust_credentials(settings: Settings) -> Any:
    """``broker_credentials`` for the Faust app, or None for PLAINTEXT."""
    import faust

    if uses_sasl(settings):
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None,
            ssl_context=ssl_context(settings),
            mechanism=settings.kafka_sasl_mechanism,
        )
    if uses_tls(settings):
        return faust.SSLCredentials(ssl_context(settings))
    return None


def redis_kwargs(settings: Settings) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if settings.redis_username:
        kw["username"] = settings.redis_username
    if settings.redis_password is not None:
        kw["password"] = settings.redis_password.get_secret_value()
    if settings.redis_ssl_ca_certs:
        kw["ssl_ca_certs"] = settings.redis_ssl_ca_certs
    return kw


def sync_redis(settings: Settings, **extra: Any) -> redis.Redis:
    return redis.Redis.from_url(settings.redis_url.get_secret_value(), **redis_kwargs(settings), **extra)


def async_redis(settings: Settings, **extra: Any) -> aioredis.Redis:
    return aioredis.Redis.from_url(settings.redis_url.get_secret_value(), **redis_kwargs(settings), **extra)
