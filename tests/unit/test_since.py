"""One reader of "since" for the CLI and the API; the API's 400 bodies name the parameter and its form."""

from __future__ import annotations

import pytest

from agents.api import BadParameter, holds_query
from streams.since import parse_since

NOW = 1_767_323_045.0  # 2026-01-02T03:04:05Z


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2026-01-02T03:04:05Z", NOW),
        ("2026-01-02T03:04:05+00:00", NOW),
        ("2026-01-02T04:04:05+01:00", NOW),
        ("2026-01-02T03:04:05", NOW),  # no offset: UTC
        ("2026-01-02T03:04:05.500Z", NOW + 0.5),
        ("2026-01-02", NOW - 3 * 3600 - 4 * 60 - 5),
        ("1767323045", NOW),
        ("1767323045.25", NOW + 0.25),
        ("15m", NOW - 900),
        ("2h", NOW - 7200),
        ("3d", NOW - 3 * 86400),
        ("30s", NOW - 30),
        (" 2h ", NOW - 7200),
    ],
)
def test_since_forms(text: str, seconds: float) -> None:
    assert parse_since(text, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    ["garbage", "", "nan", "NaN", "inf", "-5", "1e400", "99999999999999999999", "yesterday-ish", "15x", "99999d"],
)
def test_bad_since_names_the_forms_expected(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_since(text, now=NOW)
    assert str(exc.value) == f"expected an ISO-8601 time, epoch seconds, or a time ago like 15m, 2h, 3d, got {text!r}"


def test_holds_query_defaults_and_values() -> None:
    assert holds_query({}) == (0, 100, (0, 0))
    since_ms, limit, start = holds_query({"since": "2026-01-02T03:04:05Z", "limit": "5000"})
    assert (since_ms, limit, start) == (int(NOW * 1000), 1000, (int(NOW * 1000), 0))
    assert holds_query({"since": "1767323045", "limit": "0", "cursor": "1767323046000:3"})[1:] == (
        1,
        (1_767_323_046_000, 3),
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"since": "garbage"},
            "since: expected an ISO-8601 time, epoch seconds, or a time ago like 15m, 2h, 3d, got 'garbage'",
        ),
        ({"since": "yesterday-ish"}, "since: expected an ISO-8601 time"),
        ({"limit": "ten"}, "limit: expected an integer (pages hold 1 to 1000), got 'ten'"),
        ({"cursor": "abc"}, "cursor: expected the next_cursor of the previous page (MS:N), got 'abc'"),
        ({"cursor": "12:x"}, "cursor: expected the next_cursor"),
    ],
)
def test_bad_holds_query_names_the_parameter_and_its_form(query: dict[str, str], message: str) -> None:
    with pytest.raises(BadParameter) as exc:
        holds_query(query)
    assert str(exc.value).startswith(message)
