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
    given = ["swift_bic:cklb-cnbj", {"scheme": "swift_bic", "value": "CKLB CNBJ"}, "CKLBCNBJ", "tax:000"]
    body = {"name": "Some Other Name Trading", "identifiers": given, "top": 1}
    assert_valid("api-match-request.v1.json", body)
    [q], top = parse_match_request(body)
    assert [(i.scheme, i.value) for i in q.identifiers] == [
        ("swift_bic", "cklb-cnbj"), ("swift_bic", "CKLB CNBJ"), (None, "CKLBCNBJ"), (None, "000")
    ]  # fmt: skip
    answer = match_answer(ctx.index, q, top, ctx.facts)
    assert [(h["identifier"], h.get("identifier_scheme"), h["entity_id"]) for h in answer["identifier_matches"]] == [
        ("swift_bic:cklb-cnbj", "swift_bic", "ofac_cons:15268"),
        ("swift_bic:CKLB CNBJ", "swift_bic", "ofac_cons:15268"),
        ("CKLBCNBJ", None, "ofac_cons:15268"),
    ]
    assert answer["query"]["identifiers"] == given
    assert_valid("api-match-response.v1.json", {"schema_version": 1, "list_versions": {}, "results": [answer]})
    # a SWIFT code is compared within its scheme: as a tax id it is no one's
    [q], _ = parse_match_request({"name": "x", "identifiers": [{"scheme": "tax_id", "value": "CKLBCNBJ"}]})
    assert match_answer(ctx.index, q, 1, ctx.facts)["identifier_matches"] == []


# Evidence besides the name adjusts a /match answer as it adjusts an entry's party (docs/matching.md,
# "Identifiers and dates of birth"): (query, the adjustments of the first match, its score)
PERSON = "AL ZAWAHIRI, Dr. Ayman"  # ofac_sdn:2676, born 1951-06-19, passports 1084010 and 19820215
EVIDENCE_CASES = [
    ({"name": PERSON}, {}, 1.0),
    ({"name": PERSON, "date_of_birth": "1951-06-19"}, {"date_of_birth": 0.02}, 1.0),
    ({"name": PERSON, "date_of_birth": "1975"}, {"date_of_birth": -0.10}, 0.9),
    ({"name": PERSON, "identifiers": [{"scheme": "passport", "value": "A999999"}]}, {"identifier": -0.05}, 0.95),
    ({"name": PERSON, "identifiers": ["passport:A999999"]}, {"identifier": -0.05}, 0.95),
    ({"name": PERSON, "identifiers": ["passport:1084010"]}, {}, 1.0),  # agrees: no penalty
    ({"name": PERSON, "identifiers": ["A999999"]}, {}, 1.0),  # no scheme: nothing to conflict with
]


@pytest.mark.parametrize(("query", "adjusted", "score"), EVIDENCE_CASES)
def test_identifiers_and_date_of_birth_adjust_the_name_match(
    query: dict[str, Any], adjusted: dict[str, float], score: float
) -> None:
    from screening.entities import Entity, EntityName

    person = Entity(
        id="ofac_sdn:2676", source="ofac_sdn", list_name="SDN", list_version="2024-05-03", entity_type="person",
        names=(EntityName(PERSON),), countries=("EG",), identifiers=(("passport", "1084010"), ("passport", "19820215")),
        dates_of_birth=("1951-06-19",),
    )  # fmt: skip
    ctx = ScreeningContext.from_entities([person], {"ofac_sdn": "2024-05-03"})
    assert_valid("api-match-request.v1.json", query)
    [q], top = parse_match_request(query)
    [match] = match_answer(ctx.index, q, top, ctx.facts)["matches"]
    adjustments = {k: v for k, v in match["explain"]["adjustments"].items() if k in ("identifier", "date_of_birth")}
    assert adjustments == adjusted
    assert match["score"] == pytest.approx(score)


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ({"name": "x", "identifiers": "CKLBCNBJ"}, "$.identifiers"),
        ({"name": "x", "identifiers": ["ok", {"scheme": "bogus", "value": "1"}]}, "$.identifiers[1].scheme"),
        ({"name": "x", "identifiers": [{"scheme": "tax_id"}]}, "$.identifiers[0].value"),
        ({"name": "x", "identifiers": ["--"]}, "$.identifiers[0]"),
        ({"name": "x", "identifiers": [7]}, "$.identifiers[0]"),
        ({"name": "x", "date_of_birth": "1960-13"}, "$.date_of_birth"),
        ({"queries": [{"name": "x", "date_of_birth": 1960}]}, "$.queries[0].date_of_birth"),
    ],
)
def test_bad_identifiers_and_dates_of_birth_name_their_field(query: dict[str, Any], path: str) -> None:
    with pytest.raises(MatchRequestError) as info:
        parse_match_request(query)
    assert info.value.path == path
