"""Secured clusters from the settings object: Kafka TLS/SASL client settings, Redis auth, the web token;
secrets never appear in reprs, dumps or logs."""

from __future__ import annotations

import logging
import subprocess

import pytest

from streams.kafka import consumer_config, producer_config
from streams.security import aiokafka_security, faust_credentials, librdkafka_security, redis_kwargs
from streams.settings import Settings
from streams.webauth import authorized

SECRET = "pa55-W0rd-do-not-log"


def secured(**kw: object) -> Settings:
    values: dict[str, object] = dict(
        kafka_bootstrap="kafka-1:9093",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="entrywatch",
        kafka_sasl_password=SECRET,  # type: ignore[arg-type]
        kafka_ssl_cafile="/etc/entrywatch/ca.pem",
        redis_url="rediss://redis.internal:6380/0",  # type: ignore[arg-type]
        redis_username="entrywatch",
        redis_password=SECRET,  # type: ignore[arg-type]
        redis_ssl_ca_certs="/etc/entrywatch/redis-ca.pem",
        web_token=SECRET,
    )
    return Settings(**{**values, **kw})  # type: ignore[arg-type]


def test_librdkafka_gets_sasl_and_tls_settings() -> None:
    cfg = producer_config(secured())
    assert cfg["security.protocol"] == "sasl_ssl"
    assert (cfg["sasl.mechanism"], cfg["sasl.username"], cfg["sasl.password"]) == (
        "SCRAM-SHA-512",
        "entrywatch",
        SECRET,
    )
    assert cfg["ssl.ca.location"] == "/etc/entrywatch/ca.pem"
    assert consumer_config(secured(), "g")["sasl.username"] == "entrywatch"


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real self-signed CA certificate, so the TLS context is built as in production."""
    d = tmp_path_factory.mktemp("ca")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=entrywatch-test-ca",
         "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(d / "ca.pem")


@pytest.mark.parametrize(
    ("protocol", "mechanism"), [("SASL_PLAINTEXT", "PLAIN"), ("SASL_SSL", "SCRAM-SHA-256"), ("SSL", None)]
)
def test_every_client_kind_is_configured_alike(protocol: str, mechanism: str | None, ca_file: str) -> None:
    extra = {"kafka_sasl_mechanism": mechanism} if mechanism else {}
    s = secured(kafka_security_protocol=protocol, kafka_ssl_cafile=ca_file, **extra)
    rd, aio, creds = librdkafka_security(s), aiokafka_security(s), faust_credentials(s)
    assert rd["security.protocol"] == protocol.lower() and aio["security_protocol"] == protocol
    if mechanism:
        assert rd["sasl.mechanism"] == aio["sasl_mechanism"] == mechanism
        assert aio["sasl_plain_password"] == SECRET
        assert creds.mechanism.value == mechanism and creds.username == "entrywatch"
    else:
        assert "sasl.mechanism" not in rd and "sasl_mechanism" not in aio
        assert creds.context is not None
    assert ("ssl_context" in aio) == protocol.endswith("SSL")


def test_plaintext_is_the_default_and_has_no_credentials() -> None:
    s = Settings()
    assert librdkafka_security(s) == {"security.protocol": "plaintext"}
    assert faust_credentials(s) is None and redis_kwargs(s) == {}


def test_sasl_without_password_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="SASL needs"):
        librdkafka_security(Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="u"))


def test_redis_auth_and_tls_arguments() -> None:
    assert redis_kwargs(secured()) == {
        "username": "entrywatch",
        "password": SECRET,
        "ssl_ca_certs": "/etc/entrywatch/redis-ca.pem",
    }


def test_secrets_never_show_in_repr_dump_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    s = secured()
    assert SECRET not in repr(s) and SECRET not in str(s)
    assert SECRET not in s.model_dump_json()
    with caplog.at_level(logging.INFO):
        logging.getLogger("entrywatch.test").info("settings in force: %s", s)
    assert SECRET not in caplog.text


def test_secret_in_a_redis_url_is_kept_secret() -> None:
    s = Settings(redis_url="redis://:hunter2-url-secret@10.0.0.5:6379/0")  # type: ignore[arg-type]
    assert "hunter2-url-secret" not in repr(s)
    assert s.redis_url.get_secret_value().endswith("@10.0.0.5:6379/0")


def test_web_token_check() -> None:
    s = secured()
    assert authorized({"Authorization": f"Bearer {SECRET}"}, {}, s)
    assert authorized({}, {"token": SECRET}, s)
    assert not authorized({}, {}, s)
    assert not authorized({"Authorization": "Bearer wrong"}, {}, s)
    assert authorized({}, {}, Settings())  # no token configured: open (the server binds to loopback by default)
    assert Settings().web_host == "127.0.0.1"
