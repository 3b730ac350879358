"""A small progress bar for long CLI work (list loads, benchmarks, retro-screens).

Drawn on stderr, and only when stderr is a terminal: in a pipe, a log file or CI it prints nothing, so
the command's real output stays clean. Usage::

    with Progress(total=len(items), label="screening") as bar:
        for item in items:
            ...
            bar.advance()
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO

WIDTH = 28
REDRAW_S = 0.1


class Progress:
    def __init__(
        self,
        total: int | None,
        label: str = "",
        *,
        unit: str = "",
        stream: IO[str] | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.total = total
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) if enabled is None else enabled
        self.done = 0
        self._start = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        self._draw(force=True)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def advance(self, n: int = 1, label: str | None = None) -> None:
        self.done += n
        if label is not None:
            self.label = label
        self._draw()

    def line(self) -> str:
        """The bar as text (also used by tests)."""
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = self.done / elapsed
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            frac = min(1.0, self.done / self.total)
            filled = int(frac * WIDTH)
            bar = "█" * filled + "░" * (WIDTH - filled)
            eta = (self.total - self.done) / rate if rate > 0 and self.done < self.total else 0.0
            return (
                f"{self.label} {bar} {frac * 100:5.1f}% {self.done:,}/{self.total:,}{unit}"
                f"  {rate:,.0f}/s  eta {eta:,.0f}s"
            )
        return f"{self.label} {self.done:,}{unit}  {rate:,.0f}/s  {elapsed:,.1f}s"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn < REDRAW_S and self.done != self.total:
            return
        self._drawn = now
        text = self.line()
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False
