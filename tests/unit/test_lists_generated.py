"""Full-size lists (tens of thousands of rows), generated: the parsers keep every row."""

from __future__ import annotations

import csv
import io
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lists import csl, ofac_sdn
from screening.lists.common import csv_rows

N = 100_000


def sdn_tables(n: int, seed: int = 7) -> tuple[bytes, bytes, bytes]:
    rnd = random.Random(seed)
    types = ["-0- ", "individual", "vessel", "aircraft"]
    sdn, alt, add = [], [], []
    for i in range(1, n + 1):
        kind = types[i % 4]
        name = f"LAST{i}, First" if kind == "individual" else f"COMPANY {i} TRADING CO., LTD."
        sdn.append(f'{i},"{name}",{kind},SDGT] [IFSR,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'W{i}\'."')
        for j in range(rnd.randint(0, 2)):
            alt.append(f'{i},{i * 10 + j},{"aka" if j == 0 else "fka"},"ALIAS {i}-{j}",-0- ')
        add.append(f'{i},{i},"{i} Main Street","City {i}","China",-0- ')

    def blob(lines: list[str]) -> bytes:
        return ("\r\n".join(lines) + "\r\n").encode() + b"\x1a"

    return blob(sdn), blob(alt), blob(add)


def test_generated_sdn_of_100k_entities() -> None:
    sdn, alt, add = sdn_tables(N)
    snap = ofac_sdn.parse(sdn, alt, add)
    assert len(snap.entities) == N
    assert snap.warnings == ()
    expected_aliases = alt.count(b"\r\n")
    assert sum(1 for e in snap.entities for n in e.names if n.kind in ("aka", "fka")) == expected_aliases
    last = snap.entities[-1]
    assert last.id == f"ofac_sdn:{N}" and last.countries == ("CN",) and last.programs == ("SDGT", "IFSR")
    assert (f"W{N}", "weak") in [(n.value, n.strength) for n in last.names]


def test_generated_csl_of_100k_rows() -> None:
    header = (
        "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,"
        "end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
        "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
        "dates_of_birth,nationalities,places_of_birth,source_information_url,ids"
    )
    blank = ',""' * 12
    rows = [
        f'"{i}","Entity List (EL) - Bureau of Industry and Security","","","","Firm {i} Ltd.","",'
        f'"{i} Road, Shenzhen, CN","","2020-01-01"{blank},"Firm {i}; F{i}","","","","","",'
        f'"Unified Social Credit Code (USCC), 91{i:016d}, CN"'
        for i in range(N)
    ]
    data = (header + "\n" + header + "\n" + "\n".join(rows) + "\n").encode()
    snap = csl.parse(data)
    assert len(snap.entities) == N
    e = snap.entities[-1]
    assert e.id == f"csl:el:{N - 1}" and [n.value for n in e.names] == [
        f"Firm {N - 1} Ltd.",
        f"Firm {N - 1}",
        f"F{N - 1}",
    ]
    assert e.identifiers == (("uscc", f"91{N - 1:016d}"),) and e.countries == ("CN",)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=5), min_size=1, max_size=20))
def test_csv_rows_round_trip(rows: list[list[str]]) -> None:
    rows = [[c.replace("\r", "") for c in r] for r in rows]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    assert csv_rows(buf.getvalue(), "t") == rows
