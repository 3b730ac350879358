"""The configuration reference in docs/ is generated from the Settings object and must be current."""

from __future__ import annotations

import subprocess
import sys

from streams.settings import Settings
from tests.conftest import ROOT


def test_configuration_doc_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_config_doc.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_configuration_doc_names_every_setting_and_its_variable() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    for name in Settings.model_fields:
        assert f"| `{name}` |" in text
    assert "`ENTRYWATCH_LOG_FORMAT`" in text and "`KAFKA_BOOTSTRAP`" in text
