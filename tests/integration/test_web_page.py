"""The worker's page in a real browser (Debian's headless Chromium driven by Playwright) against the
running stack: holds appear with their reasons, matched words highlighted, a link to the explanation,
untrusted names shown as text, and a screenshot is taken.

Needs /usr/bin/chromium (scripts/ci-deps.sh installs it). Set EW_SCREENSHOT=path to keep the picture
(docs/img/web-view.png is made that way)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.integration.conftest import Stack, Worker

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
XSS_NAME = "Inner Mongolia Hengzheng Group Baoanzhao Agriculture, Industry, and Trade Co., Ltd. <script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run scripts/ci-deps.sh (as root)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def entry(number: str, role: str, name: str, country: str = "CN") -> dict[str, Any]:
    return {
        "entry_number": number,
        "parties": {role: {"name": name, "address": {"country": country}}},
        "lines": [{"line_number": 1, "hts_code": "2804.61.0000", "description": "polysilicon"}],
    }


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_page_shows_holds_with_highlighted_names_and_links(
    stack: Stack, worker: Worker, browser: Browser, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:6]
    hold = entry(f"WEB-H-{run}", "manufacturer", "Hoshine Silicon Industry (Shanshan) Co., Ltd")
    xss = entry(f"WEB-X-{run}", "seller", XSS_NAME)
    clean = entry(f"WEB-C-{run}", "seller", "Vardhman Textiles Limited", "IN")
    stack.produce(
        [(e["entry_number"].encode(), json.dumps(e).encode()) for e in (xss, clean, hold)]
        + [(f"WEB-bad-{run}".encode(), b"{not an entry")]
    )
    ready = worker.wait_ready()

    page: Page = browser.new_page(viewport={"width": 1280, "height": 860})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        response = page.goto(f"http://127.0.0.1:{worker.web_port}/")
        assert response is not None and response.status == 200
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
        row = page.locator(f'#holds tr[data-entry="{hold["entry_number"]}"]')
        row.wait_for(timeout=60_000)
        xss_row = page.locator(f'#holds tr[data-entry="{xss["entry_number"]}"]')
        xss_row.wait_for(timeout=60_000)

        # the hold: decision, reason, highlighted party and listed names, links to the explanation
        assert row.locator(".decision").inner_text() == "HOLD"
        first = row.locator(".reason").first
        assert "UFLPA_ENTITY" in first.locator(".code").inner_text()
        assert "UFLPA Entity List" in first.inner_text()
        party_marks = first.locator(".party-name mark").all_inner_texts()
        listed_marks = first.locator(".listed-name mark").all_inner_texts()
        assert "Hoshine Silicon Industry" in " ".join(party_marks)
        assert "Hoshine Silicon Industry" in " ".join(listed_marks)
        assert first.locator(".party-name").inner_text() == "Hoshine Silicon Industry (Shanshan) Co., Ltd"
        href = f"/entries/{hold['entry_number']}"
        assert row.locator("a.explain").get_attribute("href") == href
        assert row.locator("a.entry-link").get_attribute("href") == href

        # the untrusted name is text: shown literally, no element made of it, nothing executed
        xss_party = xss_row.locator(".reason .party-name").first
        assert xss_party.inner_text() == XSS_NAME
        assert page.locator("#holds script").count() == 0
        assert page.evaluate("document.scripts.length") == 1  # app.js only
        assert xss_row.locator(".decision").inner_text() in ("HOLD", "REVIEW")

        # counts, lists and status come from the same worker
        def count(kind: str) -> int:
            return int(page.locator(f"#count-{kind}").inner_text().replace(",", ""))

        page.wait_for_function("Number(document.getElementById('count-DLQ').textContent) >= 1")
        assert count("in") >= 4 and count("HOLD") >= 1 and count("CLEAR") >= 1
        float(page.locator("#rate").inner_text())
        lists = {
            r.locator("td").nth(0).inner_text(): r.locator("td").nth(1).inner_text()
            for r in page.locator("#lists tbody tr").all()
        }
        assert lists == ready["list_versions"]
        assert page.locator("#status").inner_text() == "ready"
        assert problems == []

        shot = tmp_path / "web-view.png"
        row.scroll_into_view_if_needed()
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        width, height = png_size(data)
        assert width == 1280 and height >= 600 and len(data) > 30_000
        if os.environ.get("EW_SCREENSHOT"):
            shutil.copyfile(shot, os.environ["EW_SCREENSHOT"])
    finally:
        page.close()
