"""Country names as the lists write them -> ISO 3166-1 alpha-2 codes (a small, local table)."""

from __future__ import annotations

import re

_ISO = """
AD Andorra|AE United Arab Emirates;UAE|AF Afghanistan|AG Antigua and Barbuda|AI Anguilla|AL Albania
AM Armenia|AO Angola|AR Argentina|AS American Samoa|AT Austria|AU Australia|AW Aruba|AZ Azerbaijan
BA Bosnia and Herzegovina;Bosnia-Herzegovina|BB Barbados|BD Bangladesh|BE Belgium|BF Burkina Faso
BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|BM Bermuda|BN Brunei;Brunei Darussalam
BO Bolivia;Bolivia (Plurinational State of)|BR Brazil|BS Bahamas;Bahamas, The;The Bahamas|BT Bhutan
BW Botswana|BY Belarus|BZ Belize|CA Canada|CD Congo, Democratic Republic of the;Democratic Republic of
the Congo;DRC;Congo (Kinshasa)|CF Central African Republic|CG Congo, Republic of the;Republic of the
Congo;Congo;Congo (Brazzaville)|CH Switzerland|CI Cote d Ivoire;Cote d'Ivoire;Côte d'Ivoire;Côte
d’Ivoire;Ivory Coast|CK Cook Islands|CL Chile|CM Cameroon|CN China;People's Republic of China|CO
Colombia|CR Costa Rica|CU Cuba|CV Cabo Verde;Cape Verde|CW Curacao;Curaçao|CY Cyprus|CZ Czech
Republic;Czechia|DE Germany|DJ Djibouti|DK Denmark|DM Dominica|DO Dominican Republic|DZ Algeria|EC
Ecuador|EE Estonia|EG Egypt|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|FJ Fiji|FR France|GA Gabon
GB United Kingdom;UK;Great Britain;United Kingdom of Great Britain and Northern Ireland|GD Grenada|GE
Georgia|GG Guernsey|GH Ghana|GI Gibraltar|GM Gambia;The Gambia;Gambia, The|GN Guinea|GQ Equatorial
Guinea|GR Greece|GT Guatemala|GW Guinea-Bissau|GY Guyana|HK Hong Kong|HN Honduras|HR Croatia|HT Haiti
HU Hungary|ID Indonesia|IE Ireland|IL Israel|IM Man, Isle of;Isle of Man|IN India|IQ Iraq|IR Iran;Iran
(Islamic Republic of);Islamic Republic of Iran|IS Iceland|IT Italy|JE Jersey|JM Jamaica|JO Jordan|JP
Japan|KE Kenya|KG Kyrgyzstan|KH Cambodia|KI Kiribati|KM Comoros|KN Saint Kitts and Nevis|KP Korea,
North;North Korea;Democratic People's Republic of Korea;DPRK|KR Korea, South;South Korea;Republic of
Korea|KW Kuwait|KY Cayman Islands|KZ Kazakhstan|LA Laos;Lao People's Democratic Republic|LB Lebanon|LC
Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg|LV Latvia
LY Libya|MA Morocco|MC Monaco|MD Moldova;Republic of Moldova|ME Montenegro|MG Madagascar|MH Marshall
Islands|MK North Macedonia;North Macedonia, The Republic of;Macedonia|ML Mali;Northern Mali
MM Burma;Myanmar|MN Mongolia|MO Macau;Macao|MR Mauritania|MT Malta|MU Mauritius|MV Maldives|MW Malawi
MX Mexico|MY Malaysia|MZ Mozambique|NA Namibia|NE Niger|NG Nigeria|NI Nicaragua|NL Netherlands|NO Norway
NP Nepal
NR Nauru|NZ New Zealand|OM Oman|PA Panama|PE Peru|PG Papua New Guinea|PH Philippines|PK Pakistan|PL
Poland|PS Palestinian;Palestine;State of Palestine;West Bank;Gaza;Palestinian Territories|PT Portugal
PW Palau|PY Paraguay|QA Qatar|RO Romania|RS Serbia|RU Russia;Russian Federation|RW Rwanda|SA Saudi
Arabia|SB Solomon Islands|SC Seychelles|SD Sudan|SE Sweden|SG Singapore|SI Slovenia|SK Slovakia|SL
Sierra Leone|SM San Marino|SN Senegal|SO Somalia|SR Suriname|SS South Sudan|SV El Salvador|SX Sint
Maarten|SY Syria;Syrian Arab Republic|SZ Eswatini;Swaziland|TC Turks and Caicos Islands|TD Chad|TG
Togo|TH Thailand|TJ Tajikistan|TL Timor-Leste;East Timor|TM Turkmenistan|TN Tunisia|TO Tonga|TR
Turkey;Türkiye;Turkiye|TT Trinidad and Tobago|TV Tuvalu|TW Taiwan|TZ Tanzania;United Republic of
Tanzania|UA Ukraine;Crimea|UG Uganda|US United States;United States of America;USA|UY Uruguay|UZ Uzbekistan
VA Holy See;Vatican City|VC Saint Vincent and the Grenadines|VE Venezuela;Venezuela (Bolivarian
Republic of)|VG Virgin Islands, British;British Virgin Islands|VN Vietnam;Viet Nam|VU Vanuatu|WS Samoa
XK Kosovo|YE Yemen|ZA South Africa|ZM Zambia|ZW Zimbabwe|AN Netherlands Antilles
"""


def _key(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", name.casefold().replace("’", "'").replace("'", "")).strip()


def _build() -> tuple[dict[str, str], frozenset[str]]:
    table: dict[str, str] = {}
    codes: set[str] = set()
    # A line break separates two entries when the next line starts with a code, else it continues a name.
    joined = re.sub(r"\n(?=[A-Z]{2} )", "|", _ISO.strip())
    for item in joined.replace("\n", " ").split("|"):
        item = item.strip()
        if not item:
            continue
        code, _, names = item.partition(" ")
        codes.add(code)
        for name in names.split(";"):
            table[_key(name)] = code
    return table, frozenset(codes)


_BY_NAME, CODES = _build()


def country_code(text: str | None) -> str | None:
    """``"Korea, North"`` -> ``"KP"``; an alpha-2 code is returned as is; ``None`` when unknown."""
    if not text:
        return None
    raw = text.strip()
    if len(raw) == 2 and raw.isalpha() and raw.upper() in CODES:
        return raw.upper()
    if raw.casefold().startswith("region:"):
        raw = raw.split(":", 1)[1]
    return _BY_NAME.get(_key(raw))
