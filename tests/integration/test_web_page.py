"""The worker's page in a real browser (Debian's headless Chromium driven by Playwright) against the
running stack: holds appear in the review queue with their reasons, matched words highlighted, a link to
the explanation, untrusted names shown as text, and a screenshot is taken; a reviewer filters the queue,
opens an item and records a disposition, which reaches dispositions.v1 and takes the item off the queue.

Needs /usr/bin/chromium (scripts/ci-deps.sh installs it). Set EW_SCREENSHOT=path to keep the picture
(docs/img/web-view.png is made that way) and EW_QUEUE_SCREENSHOT=path for the queue's
(docs/img/review-queue.png)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import assert_valid
from tests.integration.conftest import Stack, Worker, collect

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
        row = page.locator(f'#queue li.item[data-entry="{hold["entry_number"]}"]')
        row.wait_for(timeout=60_000)
        xss_row = page.locator(f'#queue li.item[data-entry="{xss["entry_number"]}"]')
        xss_row.wait_for(timeout=60_000)

        # the hold: decision, reason, highlighted party and listed names, links to the explanation
        assert row.locator(".decision").first.inner_text() == "HOLD"
        first = row.locator(".reason").first
        assert "UFLPA_ENTITY" in first.locator(".code").inner_text()
        assert "UFLPA Entity List" in first.inner_text()
        party_marks = first.locator(".party-name mark").all_inner_texts()
        listed_marks = first.locator(".listed-name mark").all_inner_texts()
        assert "Hoshine Silicon Industry" in " ".join(party_marks)
        assert "Hoshine Silicon Industry" in " ".join(listed_marks)
        assert first.locator(".party-name").inner_text() == "Hoshine Silicon Industry (Shanshan) Co., Ltd"
        assert "published" in first.locator(".version").inner_text()
        href = f"/entries/{hold['entry_number']}"
        assert row.locator("a.explain").get_attribute("href") == href
        assert row.locator("a.entry-link").get_attribute("href") == href
        assert re.search(r"screened \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", row.locator(".when").inner_text())

        # the untrusted name is text: shown literally, no element made of it, nothing executed
        xss_party = xss_row.locator(".reason .party-name").first
        assert xss_party.inner_text() == XSS_NAME
        assert page.locator("#queue script").count() == 0
        assert page.evaluate("document.scripts.length") == 1  # app.js only
        assert xss_row.locator(".decision").first.inner_text() in ("HOLD", "REVIEW")

        # counts, lists and status come from the same worker
        def count(kind: str) -> int:
            return int(page.locator(f"#count-{kind}").inner_text().replace(",", ""))

        page.wait_for_function("Number(document.getElementById('count-DLQ').textContent) >= 1")
        assert count("in") >= 4 and count("HOLD") >= 1 and count("CLEAR") >= 1
        float(page.locator("#rate").inner_text())
        lists = {
            r.locator("td").nth(0).get_attribute("title"): r.locator("td").nth(1).inner_text()
            for r in page.locator("#lists tbody tr").all()
        }
        assert lists == ready["list_versions"]
        names = page.locator("#lists tbody td:first-child").all_inner_texts()
        assert "OFAC Specially Designated Nationals (SDN) List" in names and "ofac_sdn" not in names
        # ready; "degraded" when the bundled lists are past their sources' stale_after (lists_stale)
        assert page.locator("#status").inner_text() == ("degraded" if ready["health"] == "degraded" else "ready")
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


CJK_PARTY = "香港華信船務有限公司"  # the UN list has 華信船務(香港)有限公司 (Huaxin Shipping Hong Kong)


def test_reviewer_filters_opens_and_disposes_of_an_item(
    stack: Stack, worker: Worker, browser: Browser, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:6]
    hold = entry(f"DESK-H-{run}", "manufacturer", "Hoshine Silicon Industry (Shanshan) Co., Ltd")
    cjk = entry(f"DESK-K-{run}", "seller", CJK_PARTY, "HK")
    stack.produce([(e["entry_number"].encode(), json.dumps(e).encode()) for e in (cjk, hold)])
    worker.wait_ready()
    dispositions = stack.consumer("dispositions.v1")

    page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        page.goto(f"http://127.0.0.1:{worker.web_port}/")
        item = page.locator(f'#queue li.item[data-entry="{hold["entry_number"]}"]')
        cjk_item = page.locator(f'#queue li.item[data-entry="{cjk["entry_number"]}"]')

        # filter: search by the run, HOLD only (the CJK hit is a REVIEW), then one list
        page.fill("#f-q", run)
        item.wait_for(timeout=60_000)
        cjk_item.wait_for(timeout=60_000)
        expect(page.locator("#queue li.item")).to_have_count(2, timeout=30_000)  # the search applied
        assert cjk_item.locator(".decision").first.inner_text() == "REVIEW"
        page.select_option("#f-decision", "HOLD")
        cjk_item.wait_for(state="detached")
        expect(page.locator("#queue li.item")).to_have_count(1)
        page.select_option("#f-decision", "")
        cjk_item.wait_for()
        page.locator('#f-list option[value="uflpa"]').wait_for(state="attached")
        page.select_option("#f-list", "uflpa")
        cjk_item.wait_for(state="detached")
        expect(page.locator("#queue li.item")).to_have_count(1)
        page.select_option("#f-list", "")
        cjk_item.wait_for()

        # Chinese script: the shared runs of both names are highlighted; the list is named as published
        reason = cjk_item.locator(".reason").first
        assert reason.locator(".party-name").inner_text() == CJK_PARTY
        assert "華信船務" in "".join(reason.locator(".party-name mark").all_inner_texts())
        assert "華信船務" in "".join(reason.locator(".listed-name mark").all_inner_texts())
        assert "United Nations Security Council Consolidated List" in reason.inner_text()

        # open the item and record a disposition
        toggle = item.locator("button.open-item")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        form = item.locator("form.disposition")
        form.wait_for()
        form.locator('select[name="outcome"]').select_option("released")
        form.locator('textarea[name="note"]').fill("Released by CBP after the importer's documents; 审查完毕")
        form.locator('input[name="reviewer"]').fill("browser-test")
        shot = tmp_path / "review-queue.png"
        page.screenshot(path=str(shot), full_page=True)
        assert png_size(shot.read_bytes())[0] == 1280
        if os.environ.get("EW_QUEUE_SCREENSHOT"):
            shutil.copyfile(shot, os.environ["EW_QUEUE_SCREENSHOT"])
        form.locator('button[type="submit"]').click()
        item.wait_for(state="detached", timeout=30_000)  # applied: it left the queue
        assert cjk_item.count() == 1
        assert problems == []
    finally:
        page.close()

    def mine(msgs: list[Any]) -> list[dict[str, Any]]:
        return [json.loads(m.value()) for m in msgs if m.key() == hold["entry_number"].encode()]

    records = mine(collect(dispositions, lambda ms: len(mine(ms)) >= 1, timeout=30))
    dispositions.close()
    [record] = records
    assert_valid("disposition.v1.json", record)
    assert (record["outcome"], record["reviewer"], record["source_system"]) == (
        "released", "browser-test", "entrywatch-desk")  # fmt: skip
    assert record["note"].endswith("审查完毕") and record["disposition_id"].startswith("desk-")
    with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/api/queue?q={run}", timeout=10) as resp:
        queue = json.load(resp)
    assert [i["entry_number"] for i in queue["items"]] == [cjk["entry_number"]]
    with urllib.request.urlopen(
        f"http://127.0.0.1:{worker.web_port}/entries/{hold['entry_number']}", timeout=10
    ) as resp:
        explained = json.load(resp)
    assert [d["disposition_id"] for d in explained["dispositions"]] == [record["disposition_id"]]
