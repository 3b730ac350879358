"""The page's model: highlighted name runs, entry links, decision rate, the latest-holds ring buffer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.activity import Activity, RateMeter, entry_href, hold_view, segments


def marked(runs: list[tuple[str, bool]]) -> list[str]:
    return [text for text, hit in runs if hit]


def test_matched_words_are_marked_on_both_sides() -> None:
    party, listed = "Hoshine Silicon (Shanshan) Trading", "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    # separators between two matched words join them into one highlighted phrase
    assert marked(segments(party, listed)) == ["Hoshine Silicon (Shanshan"]
    assert marked(segments(listed, party)) == ["Hoshine Silicon", "Shanshan"]


def test_case_accents_and_small_typos_still_match() -> None:
    assert marked(segments("ÜRÜMQI hoshin", "Urumqi Hoshine")) == ["ÜRÜMQI hoshin"]
    assert marked(segments("Lop County Meixin", "Lop County Hair")) == ["Lop County"]
    assert marked(segments("Co", "Cotton")) == []  # short words must be equal


@given(st.text(max_size=60), st.text(max_size=60))
def test_runs_concatenate_back_to_the_text(text: str, other: str) -> None:
    assert "".join(t for t, _ in segments(text, other)) == text


def test_entry_link_is_quoted() -> None:
    assert entry_href("EW1-0000001-1") == "/entries/EW1-0000001-1"
    assert entry_href('a/b"<script>') == "/entries/a%2Fb%22%3Cscript%3E"


def test_hold_view_keeps_untrusted_names_as_text() -> None:
    view = hold_view(
        {
            "alert_id": "ew-1",
            "entry_number": "E<1>",
            "decision": "HOLD",
            "reasons": [
                {"code": "WRO_ENTITY", "decision": "HOLD", "party_name": "Acme <script>",
                 "matched_name": "Acme Ltd", "evidence": {"big": "x" * 100}},
                {"code": "REGION", "decision": "REVIEW"},
            ],
        }
    )  # fmt: skip
    first, second = view["reasons"]
    assert first["party_segments"] == [("Acme", True), (" <script>", False)]
    assert "evidence" not in first and "party_segments" not in second
    assert view["href"] == "/entries/E%3C1%3E"


def test_rate_over_the_window() -> None:
    meter = RateMeter(window_s=10)
    meter.add(50, now=100.0)
    meter.add(50, now=105.0)
    assert meter.rate(now=105.0) == 10.0
    assert meter.rate(now=112.0) == 5.0  # the first 50 fell out of the window
    assert meter.rate(now=200.0) == 0.0


def test_ring_buffer_keeps_the_newest() -> None:
    act = Activity(keep=3)
    act.record(5, [{"entry_number": f"E{i}", "reasons": []} for i in range(5)])
    assert [h["entry_number"] for h in act.latest()] == ["E4", "E3", "E2"]
    assert [h["entry_number"] for h in act.latest(1)] == ["E4"]
