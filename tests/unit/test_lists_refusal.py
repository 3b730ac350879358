"""Bad files are refused with ListFormatError; hostile text is handled."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lists import bis_dpl, cbp_names, cbp_wro, csl, ftm, internal, ofac_sdn, uflpa, uflpa_html, un_sc
from screening.lists.common import MAX_FIELD_CHARS, ListFormatError, decode_text

CSL_HEADER = (
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,"
    "standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
    "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
    "dates_of_birth,nationalities,places_of_birth,source_information_url,ids"
)
SDN_ROW = b"36,AEROCARIBBEAN AIRLINES,-0- ,CUBA,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
DPL_HEADER = (
    b'"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t'
    b'"Expiration_Date"\t"Standard_Order"\t"Last_Update"\t"Action"\t"FR_Citation"\n'
)
UN_OK = (
    b'<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
    b"<FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS>"
    b"<ENTITIES/></CONSOLIDATED_LIST>"
)

PARSERS = {
    "ofac_sdn": ofac_sdn.parse,
    "csl": csl.parse,
    "bis_dpl": bis_dpl.parse,
    "un_sc": un_sc.parse,
    "cbp_wro": cbp_wro.parse,
    "cbp_wro_names": cbp_names.parse,
    "uflpa": uflpa.parse,
    "uflpa_html": uflpa_html.parse,
    "internal": internal.parse,
    "opensanctions": ftm.parse,
}


@pytest.mark.parametrize("source", sorted(PARSERS))
@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\x1a"], ids=["empty", "blank", "dos-eof-only"])
def test_empty_files_refused(source: str, data: bytes) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        PARSERS[source](data)


@pytest.mark.parametrize("source", sorted(PARSERS))
def test_binary_garbage_refused(source: str) -> None:
    garbage = bytes(range(256)) * 8
    with pytest.raises(ListFormatError):
        PARSERS[source](garbage)


def test_binary_message_names_the_problem() -> None:
    with pytest.raises(ListFormatError, match=r"binary data|not text"):
        decode_text(b"Name of Entity,Effective Date\n\x00\x01\x02PK\x03\x04", "x")


def test_cp1252_text_is_accepted() -> None:
    text = decode_text("Name of Entity,Effective Date\nCaf\xe9 Ltd.,x\n".encode("cp1252"), "x")
    assert "Café Ltd." in text


@pytest.mark.parametrize(
    ("source", "data", "match"),
    [
        ("ofac_sdn", b"ent_num,SDN_Name,SDN_Type\n1,A,B\n", "header line|columns"),
        ("ofac_sdn", b"36,AEROCARIBBEAN AIRLINES,-0- ,CUBA\n", "4 columns, expected 12"),
        ("csl", b"id,name,country\n1,A,CN\n", "lacks column"),
        ("bis_dpl", b"Name,Address\nA,B\n", "lacks column"),
        ("cbp_wro", b"Entity,Country\nA,CN\n", "lacks column"),
        ("cbp_wro_names", b"entity,alias\nA,B\n", "expected header"),
        ("uflpa", b"Entity,Date\nA,B\n", "expected header"),
        ("un_sc", b"<?xml version='1.0'?><sanctions><entry/></sanctions>", "root element"),
    ],
)
def test_wrong_header_refused(source: str, data: bytes, match: str) -> None:
    with pytest.raises(ListFormatError, match=match):
        PARSERS[source](data)


def test_header_only_files_refused() -> None:
    with pytest.raises(ListFormatError, match="no records"):
        csl.parse((CSL_HEADER + "\n").encode())
    with pytest.raises(ListFormatError, match="no rows"):
        bis_dpl.parse(DPL_HEADER)
    with pytest.raises(ListFormatError, match="no INDIVIDUAL or ENTITY"):
        un_sc.parse(b"<?xml version='1.0'?><CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>")


def test_truncated_csv_refused() -> None:
    row = '"1","Entity List (EL) - Bureau of Industry and Security","","","","Acme","","12 Road, Beij'
    with pytest.raises(ListFormatError, match="truncated"):
        csl.parse(f"{CSL_HEADER}\n{row}".encode())
    with pytest.raises(ListFormatError, match="truncated"):
        uflpa.parse(b'Name of Entity,Effective Date\n"Acme Co. (and one alias: Ac')
    with pytest.raises(ListFormatError, match="columns"):
        ofac_sdn.parse(SDN_ROW + b'173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,CUBA')  # cut mid-row


def test_truncated_xml_refused() -> None:
    with pytest.raises(ListFormatError, match="not well-formed"):
        un_sc.parse(UN_OK[:-40])


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol2;</FIRST_NAME></INDIVIDUAL>"
        b"</INDIVIDUALS></CONSOLIDATED_LIST>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL>"
        b"</INDIVIDUALS></CONSOLIDATED_LIST>",
        b'<?xml version="1.0"?><!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://example.invalid/x.dtd">' + UN_OK[21:],
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_xml_with_dtd_or_entities_refused(doc: bytes) -> None:
    with pytest.raises(ListFormatError, match="DOCTYPE or entity"):
        un_sc.parse(doc)


def test_minimal_un_document_parses() -> None:
    snap = un_sc.parse(UN_OK)
    assert [e.id for e in snap.entities] == ["un_sc:X.1"]


def test_enormous_field_refused() -> None:
    huge = "A" * (MAX_FIELD_CHARS + 1)
    with pytest.raises(ListFormatError, match=r"field|limit"):
        uflpa.parse(f'Name of Entity,Effective Date\n"{huge}","June 21, 2022"\n'.encode())
    with pytest.raises(ListFormatError, match="over"):
        un_sc.parse(UN_OK.replace(b"<FIRST_NAME>A<", f"<FIRST_NAME>{huge}<".encode()))


def test_enormous_file_refused() -> None:
    from screening.lists.common import check_size

    with pytest.raises(ListFormatError, match="over the limit"):
        check_size(b"x" * 2048, "test", limit=1024)
    with pytest.raises(ListFormatError, match="over the limit"):
        decode_text(b"x" * 2048, "test", limit=1024)


def test_formula_injection_is_text_and_warned() -> None:
    data = b'Name of Entity,Effective Date\n"=cmd|\' /C calc\'!A0","June 21, 2022"\n"@SUM(1+1)","June 21, 2022"\n'
    snap = uflpa.parse(data)
    assert [e.primary_name for e in snap.entities] == ["=cmd|' /C calc'!A0", "@SUM(1+1)"]
    assert len(snap.warnings) == 1 and "2 name(s) look like spreadsheet formulas" in snap.warnings[0]
    sdn = ofac_sdn.parse(b'1,"=HYPERLINK(""http://x"")",-0- ,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n')
    assert sdn.entities[0].primary_name == '=HYPERLINK("http://x")'
    assert any("spreadsheet formulas" in w for w in sdn.warnings)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_parse_or_refuse_cleanly(data: bytes) -> None:
    for parse in PARSERS.values():
        try:
            snap = parse(data)
        except ListFormatError:
            continue
        assert snap.entities  # a parsed snapshot is never empty


_HTML_BITS = st.sampled_from(
    [
        "<!DOCTYPE html>",
        "<html>",
        "</html>",
        "<body>",
        "</body>",
        "<table class='usa-table'>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th>Name of Entity</th>",
        "<th>Effective Date</th>",
        "<p><strong>Entities</strong> <a href='#'>Section 2(d)(2)(B)(ii)</a></p>",
        "Acme Co., Ltd. (and two aliases: A; and B)",
        " and its subsidiary Bolt Co. ",
        "June 21, 2022",
        "&amp;",
        "&nbsp;",
        "<script>var t = '<table>';</script>",
        "<br>",
        "<",
        ">",
        "(",
        ")",
        "Last Updated: 01/21/2025",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_BITS, max_size=40), st.text(max_size=40))
def test_html_fragments_parse_or_refuse_cleanly(bits: list[str], noise: str) -> None:
    data = ("<!DOCTYPE html><html>" + "".join(bits) + noise + "</html>").encode()
    try:
        snap = uflpa_html.parse(data)
    except ListFormatError:
        return
    assert snap.entities and all(e.primary_name for e in snap.entities)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"id": st.text(max_size=10), "schema": st.sampled_from(["Person", "Company", "Vessel", "Address", ""])},
            optional={
                "properties": st.dictionaries(
                    st.sampled_from(["name", "alias", "country", "imoNumber", "birthDate", "topics", "x"]),
                    _JSON_VALUES,
                    max_size=4,
                ),
                "caption": _JSON_VALUES,
                "target": _JSON_VALUES,
                "datasets": _JSON_VALUES,
                "last_change": _JSON_VALUES,
            },
        ),
        min_size=1,
        max_size=5,
    )
)
def test_ftm_objects_parse_or_refuse_cleanly(objects: list[dict[str, object]]) -> None:
    data = "".join(json.dumps(o) + "\n" for o in objects).encode()
    try:
        snap = ftm.parse(data)
    except ListFormatError:
        return
    assert snap.entities and all(e.primary_name and e.id.startswith("opensanctions:") for e in snap.entities)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=7), max_size=6))
def test_internal_rows_parse_or_refuse_cleanly(rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([list(internal.COLUMNS), *rows])
    try:
        snap = internal.parse(buf.getvalue().encode())
    except ListFormatError:
        return
    assert snap.entities and all(e.primary_name for e in snap.entities)
