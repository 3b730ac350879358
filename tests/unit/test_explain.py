"""`entrywatch explain` answers from the audit trail alone; the matcher is built only for `--rescreen`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import fakeredis
import fakeredis.aioredis
import pytest

from entrywatch.cli import COMMAND_MODULE, build_parser
from entrywatch.cli import explain as explain_cli
from screening.disposition import parse_disposition
from screening.entry import parse_entry
from screening.lists.loader import load_paths
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.audit import AuditStore
from stores.keys import Keys
from stores.lists import save_snapshot
from streams.contract import Pending, finalize
from streams.dispositions import apply_disposition
from streams.settings import Settings
from tests.conftest import LISTS, ROOT

HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"
NUMBER = "EXPLAIN-1"


@pytest.fixture()
def server(skeleton_context: ScreeningContext) -> fakeredis.FakeServer:
    """A Redis with the skeleton lists live and one HOLD of NUMBER with a disposition in its audit trail."""
    import asyncio

    server = fakeredis.FakeServer()
    snapshots, _ = load_paths([LISTS / "uflpa", LISTS / "cbp"])
    for snap in snapshots:
        save_snapshot(fakeredis.FakeRedis(server=server), snap, Keys())

    async def record() -> None:
        client = fakeredis.aioredis.FakeRedis(server=server)
        audit = AuditStore(client)
        raw = {"entry_number": NUMBER, "parties": {"manufacturer": {"name": HOSHINE}}}
        entry = parse_entry(raw)
        pending = Pending(entry, screen_entry(entry, skeleton_context), json.dumps(raw).encode())
        fps = fingerprints(skeleton_context.index._entities)
        [(_p, hold, _t)] = await finalize([pending], fps, audit)
        disposition = {
            "schema_version": 1, "disposition_id": "d-1", "alert_id": hold["alert_id"], "entry_number": NUMBER,
            "outcome": "confirmed", "reviewer": "analyst-7", "decided_at": "2026-12-01T10:00:00Z",
        }  # fmt: skip
        await apply_disposition(parse_disposition(disposition), audit, fps)
        await client.aclose()

    asyncio.run(record())
    return server


@pytest.fixture()
def redis_from(server: fakeredis.FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explain_cli, "async_redis", lambda *_a, **_k: fakeredis.aioredis.FakeRedis(server=server))
    monkeypatch.setattr(Settings, "load", classmethod(lambda cls, **kw: Settings(kafka_bootstrap="127.0.0.1:1")))
    # no Redis server in a unit test: skip the reachability check (tested in test_cli_connect.py)
    monkeypatch.setattr(explain_cli, "connect", lambda _args, **_kw: Settings.load())


def no_index(*_args: Any, **_kwargs: Any) -> ScreeningContext:
    raise AssertionError("explain built the matcher without --rescreen")


@pytest.mark.usefixtures("redis_from")
def test_explain_answers_from_the_audit_trail_without_building_the_matcher(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ScreeningContext, "from_entities", no_index)

    assert explain_cli.cmd_explain(build_parser("explain").parse_args(["explain", NUMBER])) == 0
    text = capsys.readouterr().out
    assert f"Entry {NUMBER} revision 0: HOLD" in text
    assert "UFLPA_ENTITY" in text and HOSHINE in text  # the reasons
    assert "algorithm ew-weighted-tokens-v" in text and "uflpa=" in text  # algorithm and list versions
    assert "Dispositions (1):" in text and "confirmed by analyst-7" in text
    assert "Re-screen: not run (--rescreen" in text and "no list changed since" in text

    assert explain_cli.cmd_explain(build_parser("explain").parse_args(["explain", NUMBER, "--json"])) == 0
    ex = json.loads(capsys.readouterr().out)
    assert ex["latest"]["decision"] == "HOLD" and ex["latest"]["reasons"]
    assert ex["latest"]["list_versions"]["uflpa"] == ex["lists_now"]["uflpa"]
    assert [d["outcome"] for d in ex["dispositions"]] == ["confirmed"]
    assert ex["entry_stored"] is True and ex["rescreen"] is None


@pytest.mark.usefixtures("redis_from")
def test_rescreen_builds_the_matcher_and_compares(
    server: fakeredis.FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    [snap], _ = load_paths([LISTS / "uflpa"])
    newer = type(snap)(snap.source, "uflpa-next", snap.entities, snap.published, "next")
    save_snapshot(fakeredis.FakeRedis(server=server), newer, Keys())

    assert explain_cli.cmd_explain(build_parser("explain").parse_args(["explain", NUMBER])) == 0
    assert f"lists changed since: uflpa {snap.version} -> uflpa-next" in capsys.readouterr().out

    assert explain_cli.cmd_explain(build_parser("explain").parse_args(["explain", NUMBER, "--rescreen"])) == 0
    text = capsys.readouterr().out
    assert "Re-screen against today's lists" in text and "uflpa=uflpa-next" in text
    assert "unchanged: HOLD" in text


def test_each_command_imports_its_own_module_only() -> None:
    full = build_parser()
    [commands] = [a.choices for a in full._subparsers._group_actions]  # type: ignore[union-attr]
    assert set(COMMAND_MODULE) == set(commands)
    code = (
        "import sys; from entrywatch.cli import build_parser; build_parser('explain'); "
        "print(sorted(m for m in sys.modules if m.startswith(('screening.screen', 'screening.rules', "
        "'screening.lists', 'faust'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
