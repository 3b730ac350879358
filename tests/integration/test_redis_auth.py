"""Redis with an ACL user and password, for real: the CLI and list store connect with the credentials from
the settings object, are refused without them, and never echo the password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from entrywatch import embedded
from tests.conftest import LISTS, ROOT

pytestmark = pytest.mark.integration

ADMIN_PASSWORD = "admin-Secret-77"
USER_PASSWORD = "ew-user-Secret-91"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrywatch.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_acl_user_from_settings(tmp_path: Path) -> None:
    server = embedded.start_redis(log_dir=tmp_path, password=ADMIN_PASSWORD)
    try:
        admin = redis.Redis(port=server.port, password=ADMIN_PASSWORD)
        admin.execute_command("ACL", "SETUSER", "entrywatch", "on", f">{USER_PASSWORD}", "~ew:*", "+@all")
        base = {"REDIS_URL": f"redis://127.0.0.1:{server.port}/0", "KAFKA_BOOTSTRAP": "127.0.0.1:1"}
        creds = {"ENTRYWATCH_REDIS_USERNAME": "entrywatch", "ENTRYWATCH_REDIS_PASSWORD": USER_PASSWORD}

        refused = cli(base, "lists", "status")
        [line] = refused.stderr.splitlines()
        assert refused.returncode == 2 and line.startswith(
            f"entrywatch: cannot use Redis at {base['REDIS_URL']}: credentials refused ("
        )

        wrong = cli({**base, **creds, "ENTRYWATCH_REDIS_PASSWORD": "not-it"}, "lists", "status")
        assert wrong.returncode == 2 and "not-it" not in wrong.stderr + wrong.stdout
        assert wrong.stderr.startswith("entrywatch: cannot use Redis at ") and len(wrong.stderr.splitlines()) == 1

        empty = cli({**base, **creds}, "lists", "status")
        assert empty.returncode == 0, empty.stderr
        assert empty.stdout.strip() == "no lists loaded"

        # the store writes under the user's key pattern; list events cannot be announced (no broker here),
        # so store the parsed lists directly through the same settings
        from entrywatch.listops import parse_paths, store_snapshots
        from streams.settings import Settings

        settings = Settings(
            redis_url=base["REDIS_URL"],  # type: ignore[arg-type]
            redis_username="entrywatch",
            redis_password=USER_PASSWORD,  # type: ignore[arg-type]
        )
        snapshots, _ = parse_paths([str(LISTS / "uflpa")])
        report = store_snapshots(settings, snapshots, announce_changes=False)
        assert [r.source for r in report.loaded] == ["uflpa"]
        status = cli({**base, **creds}, "lists", "status")
        assert status.returncode == 0 and "uflpa" in status.stdout
        assert USER_PASSWORD not in status.stdout + status.stderr
    finally:
        server.stop()
