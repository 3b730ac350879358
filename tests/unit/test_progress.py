"""Progress bars: drawn on a terminal, silent in a pipe."""

from __future__ import annotations

import io

from entrywatch.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    with Progress(10, "loading", stream=out) as bar:
        for _ in range(10):
            bar.advance()
    assert out.getvalue() == "" and bar.done == 10


def test_draws_on_a_terminal_and_ends_the_line() -> None:
    out = Tty()
    with Progress(4, "loading", unit="entities", stream=out) as bar:
        bar.advance(4)
    text = out.getvalue()
    assert text.startswith("\rloading") and text.endswith("\n")
    assert "100.0% 4/4 entities" in text


def test_unknown_total_counts_up() -> None:
    bar = Progress(None, "screening", unit="entries", stream=io.StringIO())
    bar.advance(1234)
    assert bar.line().startswith("screening 1,234 entries")
