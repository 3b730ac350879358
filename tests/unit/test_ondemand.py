"""On-demand screening's requests and answers without a worker: POST /match bodies (one name, a batch,
limits) and answers as `entrywatch match` prints them; POST /screen's record is the stream's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from screening.entry import parse_entry
from screening.screen import ScreeningContext, screen_entry
from streams.codecs import decision_record
from streams.ondemand import MAX_BATCH, MatchRequestError, match_answer, parse_match_request, screen_record
from tests.conftest import assert_valid

HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"


def test_one_name_and_a_batch(skeleton_context: ScreeningContext) -> None:
    one = {"name": HOSHINE, "kind": "company", "country": "CN", "top": 2}
    batch = {"queries": [{"name": HOSHINE}, {"name": "Vardhman Textiles Limited", "country": "IN"}]}
    for body in (one, batch):
        assert_valid("api-match-request.v1.json", body)
    [q], top = parse_match_request(one)
    assert (q.name, q.kind, q.country, top) == (HOSHINE, "company", "CN", 2)
    queries, top = parse_match_request(batch)
    assert [x.name for x in queries] == [HOSHINE, "Vardhman Textiles Limited"] and top == 5
    answers = [match_answer(skeleton_context.index, x, top) for x in queries]
    body = json.loads(json.dumps({"schema_version": 1, "list_versions": skeleton_context.list_versions,
                                  "results": answers}))  # fmt: skip
    assert_valid("api-match-response.v1.json", body)
    assert answers[0]["matches"][0]["entity_id"] == "uflpa:hoshine-silicon-industry-shanshan-co-ltd"
    assert answers[0]["query"] == {"name": HOSHINE}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ([], "$"), ({"name": ""}, "$.name"), ({"name": 3}, "$.name"), ({"name": "x", "kind": "vessel"}, "$.kind"),
        ({"name": "x", "top": 0}, "$.top"), ({"name": "x", "top": 21}, "$.top"), ({"name": "x", "ids": []}, "$.ids"),
        ({"queries": []}, "$.queries"), ({"queries": [{"name": "x"}] * (MAX_BATCH + 1)}, "$.queries"),
        ({"queries": [{"name": "x"}, {"kind": "person"}]}, "$.queries[1].name"),
        ({"queries": [{"name": "x"}], "name": "y"}, "$.name"), ({"name": "x", "country": 7}, "$.country"),
    ],
)  # fmt: skip
def test_bad_match_requests(body: Any, path: str) -> None:
    with pytest.raises(MatchRequestError) as info:
        parse_match_request(body)
    assert info.value.path == path


def test_screen_record_is_the_streams_record(skeleton_context: ScreeningContext) -> None:
    entry = parse_entry({"entry_number": "S-1", "parties": {"manufacturer": {"name": HOSHINE}}})
    decision = screen_entry(entry, skeleton_context)
    record = screen_record(decision, {}, {}, "2026-12-04T10:00:00.000Z")
    assert record == decision_record(decision, "2026-12-04T10:00:00.000Z")
    assert record["decision"] == "HOLD" and "supersedes" not in record
    assert_valid("hold-alert.v1.json", record)


def test_an_identifier_equal_to_a_listed_one_is_reported_whatever_the_name(lists_dir: Any) -> None:
    from entrywatch.cli.screen import context_from_paths

    ctx = context_from_paths([str(lists_dir / "ofac" / "non-sdn-2025-12-19")])  # BANK OF KUNLUN: SWIFT CKLBCNBJ
    body = {"name": "Some Other Name Trading", "identifiers": ["swift_bic:cklb-cnbj", "tax:000"], "top": 1}
    assert_valid("api-match-request.v1.json", body)
    [q], top = parse_match_request(body)
    assert q.identifiers == ("swift_bic:cklb-cnbj", "tax:000")
    answer = match_answer(ctx.index, q, top, ctx.facts)
    assert [(h["identifier"], h["entity_id"]) for h in answer["identifier_matches"]] == [
        ("swift_bic:cklb-cnbj", "ofac_cons:15268")
    ]
    assert answer["query"]["identifiers"] == ["swift_bic:cklb-cnbj", "tax:000"]
    assert_valid("api-match-response.v1.json", {"schema_version": 1, "list_versions": {}, "results": [answer]})
    with pytest.raises(MatchRequestError, match="identifiers"):
        parse_match_request({"name": "x", "identifiers": "CKLBCNBJ"})
