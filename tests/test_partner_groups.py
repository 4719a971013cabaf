"""Partner groups: dated memberships, validation, group totals equal the sum of members."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.errors import SchemaError
from dashboard.reference.groups import (
    DefinitionError,
    Membership,
    PartnerGroup,
    group_name,
    groups_to_csv,
    members,
    membership,
    parse_groups_csv,
    parse_member,
    starter_groups,
    validate_group,
)

GROUPS = {group.id: group for group in starter_groups()}
EU28_2019 = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR",
             "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE",
             "SI", "SK"}


def test_starter_groups() -> None:
    assert list(GROUPS) == ["eaeu", "cis", "european_union", "eu27_2020", "central_asia",
                            "brics", "sco"]
    assert all(g.source and g.name_ru and g.name_en for g in GROUPS.values())


@pytest.mark.parametrize(("group", "year", "expected"), [
    ("eaeu", 2014, set()),
    ("eaeu", 2015, {"RU", "BY", "KZ", "AM", "KG"}),
    ("eaeu", 2018, {"RU", "BY", "KZ", "AM", "KG"}),
    ("central_asia", 2018, {"KZ", "KG", "TJ", "TM", "UZ"}),
    ("central_asia", 1995, {"KZ", "KG", "TJ", "TM", "UZ"}),
    ("european_union", 2012, EU28_2019 - {"HR"}),
    ("european_union", 2019, EU28_2019),
    ("european_union", 2020, EU28_2019 - {"GB"}),
    ("eu27_2020", 2015, EU28_2019 - {"GB"}),
    ("brics", 2023, {"BR", "RU", "IN", "CN", "ZA"}),
    ("brics", 2024, {"BR", "RU", "IN", "CN", "ZA", "EG", "ET", "IR", "AE"}),
    ("brics", 2025, {"BR", "RU", "IN", "CN", "ZA", "EG", "ET", "IR", "AE", "ID"}),
    ("sco", 2016, {"CN", "KZ", "KG", "RU", "TJ", "UZ"}),
    ("sco", 2017, {"CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK"}),
    ("sco", 2023, {"CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK", "IR"}),
    ("sco", 2024, {"CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK", "IR", "BY"}),
    ("cis", 2008, {"AM", "AZ", "BY", "GE", "KG", "KZ", "MD", "RU", "TJ", "TM", "UA", "UZ"}),
    ("cis", 2017, {"AM", "AZ", "BY", "KG", "KZ", "MD", "RU", "TJ", "TM", "UA", "UZ"}),
    ("cis", 2018, {"AM", "AZ", "BY", "KG", "KZ", "MD", "RU", "TJ", "TM", "UZ"}),
])
def test_members_by_year(group: str, year: int, expected: set[str]) -> None:
    assert members(GROUPS[group], year) == frozenset(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("KZ", Membership("KZ")),
    ("kaz", Membership("KZ")),
    ("GB:1973-2019", Membership("GB", 1973, 2019)),
    ("HR:2013-", Membership("HR", 2013, None)),
    ("UA:-2017", Membership("UA", None, 2017)),
])
def test_parse_member(text: str, expected: Membership) -> None:
    assert parse_member(text) == expected
    assert parse_member(expected.text()) == expected


ISO = "expected an ISO 3166-1 code such as KZ or KAZ"


@pytest.mark.parametrize(("members_", "message"), [
    (("KZ", "QQ"), f"partner group 'grp': unknown country code 'QQ': {ISO}"),
    (("XW",), f"partner group 'grp': unknown country code 'XW': {ISO}"),
    (("EU",), f"partner group 'grp': unknown country code 'EU': {ISO}"),
    (("GB:2019-1973",),
     "partner group 'grp': partner 'GB:2019-1973': the first year is after the last"),
    (("GB:1873-1973",), "partner group 'grp': partner 'GB:1873-1973': year 1873 outside 1900-2100"),
    (("Kazakhstan",), "partner group 'grp': partner 'Kazakhstan': expected a country code, "
                      "optionally with years as CODE:FROM-TO (GB:1973-2019, HR:2013-)"),
    (("GB:1973-2019", "GB:2010-"), "partner group 'grp': GB:1973-2019 and GB:2010- overlap"),
    (("KZ", "KZ"), "partner group 'grp': KZ and KZ overlap"),
    ((), "partner group 'grp' is empty: give at least one country"),
])
def test_validation_refuses_with_one_clear_line(members_: tuple[str, ...], message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_group(PartnerGroup("grp", "Группа", "", tuple(
            parse_member_lenient(m) for m in members_)))
    assert str(caught.value) == message


def parse_member_lenient(text: str) -> Membership:
    """A Membership holding the raw text, so validation (not the test) parses it."""
    code, _, years = text.partition(":")
    if not years:
        return Membership(code)
    start, _, end = years.partition("-")
    return Membership(code, int(start) if start else None, int(end) if end else None)


@pytest.mark.parametrize(("group_id", "message"), [
    ("kz", "partner group id 'kz' clashes with the country code KZ (Kazakhstan); "
           "choose another id"),
    ("eu", "partner group id 'eu' clashes with the country code EU (EU); choose another id"),
    ("usa", "partner group id 'usa' clashes with the country code US (United States); "
            "choose another id"),
])
def test_group_id_may_not_be_a_partner_code(group_id: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_group(PartnerGroup(group_id, "Группа", "", (Membership("KZ"),)))
    assert str(caught.value) == message


def test_validation_sorts_members_and_keeps_adjacent_periods() -> None:
    group = validate_group(PartnerGroup(
        " Mine ", " Моя ", "", (Membership("UZ"), Membership("GB", 2020), Membership("GB", 1973,
                                                                                      2019))))
    assert group.id == "mine" and group.name_ru == "Моя"
    assert [m.text() for m in group.members] == ["GB:1973-2019", "GB:2020-", "UZ"]


def test_group_name_falls_back_marked() -> None:
    group = PartnerGroup("grp", "", "Central Asia", (Membership("KZ"),))
    assert group_name(group, "ru") == ("Central Asia", "EN")
    assert group_name(GROUPS["central_asia"], "ru") == ("Центральная Азия", "")


def test_membership_frame_joins_annual_trade() -> None:
    frame = membership([GROUPS["eaeu"], GROUPS["central_asia"]], [2014, 2015])
    assert list(frame.columns) == ["year", "partner", "group"]
    assert len(frame) == 5 + 5 + 5  # EAEU empty in 2014
    both = frame[(frame["year"] == 2015) & (frame["partner"] == "KZ")]["group"].tolist()
    assert both == ["eaeu", "central_asia"]  # once in each group


# Turnover of a region by partner and year (USD), hand-countable.
TRADE = pd.DataFrame({
    "year": [2019, 2019, 2019, 2020, 2020, 2020, 2020],
    "partner": ["GB", "DE", "KZ", "GB", "DE", "KZ", "UZ"],
    "value": [100.0, 50.0, 10.0, 80.0, 40.0, 20.0, 5.0],
})


def test_group_totals_by_year_are_hand_counted() -> None:
    groups = [GROUPS["european_union"], GROUPS["central_asia"], GROUPS["eaeu"]]
    pairs = membership(groups, TRADE["year"])
    totals = (TRADE.merge(pairs, on=["year", "partner"])
              .groupby(["group", "year"])["value"].sum().to_dict())
    assert totals == {
        ("european_union", 2019): 150.0,  # GB still counts
        ("european_union", 2020): 40.0,  # EU-27: GB is out
        ("central_asia", 2019): 10.0,
        ("central_asia", 2020): 25.0,
        ("eaeu", 2019): 10.0,
        ("eaeu", 2020): 20.0,
    }


_COUNTRIES = st.sampled_from(["KZ", "KG", "UZ", "TJ", "TM", "CN", "DE", "GB"])


# pandas merges can outlast hypothesis' 200 ms deadline on a busy machine.
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(
    rows=st.lists(st.tuples(st.integers(2013, 2022), _COUNTRIES, st.integers(0, 10_000)),
                  max_size=30),
    spans=st.lists(st.tuples(_COUNTRIES, st.none() | st.integers(2013, 2022),
                             st.none() | st.integers(2013, 2022)), min_size=1, max_size=6,
                   unique_by=lambda t: t[0]),
)
def test_a_group_equals_the_sum_of_its_members(rows: list[tuple[int, str, int]],
                                               spans: list[tuple]) -> None:
    group = validate_group(PartnerGroup("grp", "Группа", "", tuple(
        Membership(code, min(a, b), max(a, b)) if a is not None and b is not None
        else Membership(code, a, b) for code, a, b in spans)))
    trade = pd.DataFrame(rows, columns=["year", "partner", "value"]).astype(
        {"year": "int64", "value": "int64"})
    pairs = membership([group], trade["year"])
    totals = trade.merge(pairs, on=["year", "partner"]).groupby("year")["value"].sum()
    for year in set(trade["year"]):
        expected = sum(v for y, p, v in rows if y == year and p in members(group, year))
        assert totals.get(year, 0) == expected


def test_csv_round_trip_of_the_starter_groups() -> None:
    text = groups_to_csv(starter_groups())
    assert text.splitlines()[0] == "id,name_ru,name_en,partners,source"
    assert parse_groups_csv(text, "export.csv") == starter_groups()


def test_csv_import_of_a_user_group() -> None:
    text = "id,name_ru,name_en,partners\nstans,Страны на -стан,,\"KZ, KG;UZ TJ TM:1992-\"\n"
    [group] = parse_groups_csv(text, "mine.csv")
    assert group == PartnerGroup("stans", "Страны на -стан", "", (
        Membership("KG"), Membership("KZ"), Membership("TJ"), Membership("TM", 1992),
        Membership("UZ")))


@pytest.mark.parametrize(("text", "message"), [
    ("id,name_ru,name_en,partners\ncasia,ЦА,,KZ KG QQ\n",
     "mine.csv, line 2, column partners: partner group 'casia': unknown country code 'QQ': "
     "expected an ISO 3166-1 code such as KZ or KAZ"),
    ("id,name_ru,name_en,partners\ncasia,ЦА,,\n",
     "mine.csv, line 2, column partners: partner group 'casia' is empty: give at least one "
     "country"),
    ("id,name_ru,name_en,partners\nkz,ЦА,,KZ\n",
     "mine.csv, line 2, column id: partner group id 'kz' clashes with the country code KZ "
     "(Kazakhstan); choose another id"),
])
def test_csv_import_errors_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_groups_csv(text, "mine.csv")
    assert str(caught.value) == message


def test_csv_duplicate_id_is_a_layout_error() -> None:
    text = "id,name_ru,name_en,partners\ncasia,ЦА,,KZ\nCASIA,ЦА,,KG\n"
    with pytest.raises(SchemaError, match=r"mine.csv, line 3, column id: expected each group"):
        parse_groups_csv(text, "mine.csv")
