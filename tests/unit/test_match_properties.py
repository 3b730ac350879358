"""Hypothesis properties of the normaliser and the matcher."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.matching import compare
from screening.normalize import fold, name_tokens, normalize_name

names = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abcdefghij ABCDEF-.,&'0123456789", max_size=40),
    st.text(alphabet="有限公司集团广州海格通信長安技術 abc", max_size=20),
    st.sampled_from(["Hefei Meiling Co. Ltd.", "HANIYA, Ismail", "Газпром", "SiemensAG", "Forty-Four", "1st"]),
)


@settings(max_examples=300, deadline=None)
@given(names)
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert name_tokens(" ".join(name_tokens(text))) == name_tokens(text)


@settings(max_examples=300, deadline=None)
@given(names, names, st.sampled_from([None, "company", "person"]))
def test_scores_in_unit_interval_and_symmetric(a: str, b: str, kind: str | None) -> None:
    ab, _ = compare(a, b, kind)
    ba, _ = compare(b, a, kind)
    assert 0.0 <= ab <= 1.0
    assert ab == ba


@settings(max_examples=200, deadline=None)
@given(names, st.sampled_from([None, "company", "person"]))
def test_name_with_itself_scores_one(a: str, kind: str | None) -> None:
    assert compare(a, a, kind)[0] == 1.0
