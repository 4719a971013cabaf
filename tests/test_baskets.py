"""Product baskets: the starter set, validation, membership counted once, CSV in and out."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.errors import SchemaError
from dashboard.reference.baskets import (
    Basket,
    DefinitionError,
    basket_name,
    baskets_to_csv,
    in_basket,
    members,
    membership,
    overlaps,
    parse_baskets_csv,
    starter_baskets,
    validate_basket,
)
from dashboard.reference.names import NameEntry, base_registry


def test_starter_set_holds_the_five_story_baskets() -> None:
    baskets = {basket.id: basket for basket in starter_baskets()}
    assert list(baskets) == ["petrochemicals", "timber", "vegetables", "salt", "rolled_metal"]
    assert baskets["vegetables"].codes == ("07",)
    assert baskets["salt"].codes == ("2501",)
    assert baskets["timber"].codes == ("44",)
    assert baskets["rolled_metal"].codes == (
        "7208", "7209", "7210", "7211", "7212", "7219", "7220", "7225", "7226")
    assert baskets["petrochemicals"].codes == (
        "2901", "2902", "2905", *(f"39{n:02d}" for n in range(1, 15)))
    assert all(basket.source and basket.name_ru and basket.name_en
               for basket in baskets.values())
    assert overlaps(starter_baskets()) == []


# Codes as FCS writes them (10 digits) and coarser ones; which starter basket holds each.
@pytest.mark.parametrize(("code", "expected"), [
    ("0702000000", {"vegetables"}),
    ("0701", {"vegetables"}),
    ("07", {"vegetables"}),
    ("0801", set()),  # fruit
    ("2501009100", {"salt"}),
    ("2501", {"salt"}),
    ("25", set()),  # the chapter is coarser than the basket's heading
    ("7208", {"rolled_metal"}),
    ("7213100000", set()),  # bars and rods are not flat-rolled
    ("7226", {"rolled_metal"}),
    ("3901109000", {"petrochemicals"}),
    ("3915", set()),  # plastic waste, not primary forms
    ("2905110000", {"petrochemicals"}),
    ("4407109100", {"timber"}),
    ("XXXXXXXXXX", set()),
])
def test_starter_membership(code: str, expected: set[str]) -> None:
    assert {b.id for b in starter_baskets() if in_basket(code, b)} == expected


def test_overlapping_prefixes_in_one_basket_count_once() -> None:
    basket = validate_basket(Basket("veg", "Овощи", "Vegetables", ("07", "0702", "0702")))
    assert basket.codes == ("07", "0702")
    assert members(["0702000000", "0701", "0702000000", "0801"], basket) == [
        "0702000000", "0701"]
    frame = membership(["0702000000", "0702000000", "0701"], [basket])
    assert frame.to_dict("records") == [
        {"hs_code": "0702000000", "basket": "veg"}, {"hs_code": "0701", "basket": "veg"}]


def test_a_code_in_two_baskets_counts_once_in_each_and_once_in_the_total() -> None:
    veg = Basket("veg", "Овощи", "", ("07",))
    tomatoes = Basket("tomatoes", "Томаты", "", ("0702",))
    trade = pd.DataFrame({"hs_code": ["0702000000", "0701", "2501"], "value": [10.0, 5.0, 7.0]})
    pairs = membership(trade["hs_code"], [veg, tomatoes])
    by_basket = (trade.merge(pairs, on="hs_code").groupby("basket")["value"].sum().to_dict())
    assert by_basket == {"veg": 15.0, "tomatoes": 10.0}
    in_any = trade[trade["hs_code"].isin(pairs["hs_code"])]["value"].sum()
    assert in_any == 15.0  # not 25: the tomatoes are counted once in the total
    assert overlaps([veg, tomatoes]) == [("veg", "tomatoes")]


_PREFIXES = st.sampled_from(["07", "0701", "0702", "070200", "0702000000", "25", "2501", "44"])
_CODES = st.sampled_from(["0701100000", "0702000000", "0703", "2501009100", "2502",
                          "4407109100", "0801", "07"])


# pandas merges can outlast hypothesis' 200 ms deadline on a busy machine.
PROPERTY = settings(max_examples=60, deadline=None)


@PROPERTY
@given(
    prefix_sets=st.lists(st.lists(_PREFIXES, min_size=1, max_size=4), min_size=1, max_size=4),
    rows=st.lists(st.tuples(_CODES, st.integers(0, 1000)), max_size=20),
)
def test_basket_sums_equal_a_brute_force_count(prefix_sets: list[list[str]],
                                               rows: list[tuple[str, int]]) -> None:
    baskets = [Basket(f"b{i}", f"Корзина {i}", "", tuple(p)) for i, p in enumerate(prefix_sets)]
    trade = pd.DataFrame(rows, columns=["hs_code", "value"]).astype({"value": "int64"})
    pairs = membership(trade["hs_code"], baskets)
    totals = trade.merge(pairs, on="hs_code").groupby("basket")["value"].sum()
    for basket in baskets:
        expected = sum(value for code, value in rows
                       if any(code.startswith(prefix) for prefix in basket.codes))
        assert totals.get(basket.id, 0) == expected
    union = sum(value for code, value in rows
                if any(code.startswith(p) for b in baskets for p in b.codes))
    assert trade[trade["hs_code"].isin(pairs["hs_code"])]["value"].sum() == union
    assert not pairs.duplicated().any()


@pytest.mark.parametrize(("basket", "message"), [
    (Basket("veg", "Овощи", "", ("0799",)),
     "basket 'veg': unknown HS code prefix '0799' (code not in HS 2022)"),
    (Basket("veg", "Овощи", "", ()),
     "basket 'veg' is empty: give at least one HS code prefix"),
    (Basket("veg", "Овощи", "", (" ",)),
     "basket 'veg' is empty: give at least one HS code prefix"),
    (Basket("veg", "Овощи", "", ("070",)),
     "basket 'veg': HS code prefix '070' should be 2, 4, 6, 8 or 10 digits"),
    (Basket("veg", "", "", ("07",)), "basket 'veg': give a Russian or an English name"),
    (Basket("kz", "Казахстанское", "", ("07",)),
     "basket id 'kz' clashes with the country code KZ (Kazakhstan); choose another id"),
    (Basket("KAZ", "Казахстанское", "", ("07",)),
     "basket id 'KAZ' clashes with the country code KZ (Kazakhstan); choose another id"),
    (Basket("china", "Китайское", "", ("07",)),
     "basket id 'china' clashes with the country code CN (China); choose another id"),
    (Basket("xw", "Мир", "", ("07",)),
     "basket id 'xw' clashes with the country code XW (World); choose another id"),
    (Basket("7208", "Прокат", "", ("7208",)),
     "basket id '7208': expected a letter followed by 1-39 of a-z, 0-9, '_', '-'"),
    (Basket("rolled metal", "Прокат", "", ("7208",)),
     "basket id 'rolled metal': expected a letter followed by 1-39 of a-z, 0-9, '_', '-'"),
])
def test_validation_refuses_with_one_clear_line(basket: Basket, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_basket(basket)
    assert str(caught.value) == message


def test_national_codes_are_known_when_their_subheading_is_and_loaded_names_extend() -> None:
    assert validate_basket(Basket("salt_food", "Соль", "", ("2501009100",))).codes == (
        "2501009100",)
    with pytest.raises(DefinitionError, match="'8803'"):
        validate_basket(Basket("aircraft", "Авиа", "", ("8803",)))
    registry = base_registry().with_names([NameEntry("8803", "", "Parts of aircraft")],
                                          replace=False)
    assert validate_basket(Basket("aircraft", "Авиа", "", ("8803",)), registry=registry)


def test_basket_name_falls_back_to_the_other_language_marked() -> None:
    assert basket_name(Basket("b", "Овощи", "", ("07",)), "ru") == ("Овощи", "")
    assert basket_name(Basket("b", "Овощи", "", ("07",)), "en") == ("Овощи", "RU")
    assert basket_name(Basket("b", "", "Salt", ("2501",)), "ru") == ("Salt", "EN")


def test_csv_round_trip_of_the_starter_set() -> None:
    text = baskets_to_csv(starter_baskets())
    assert text.splitlines()[0] == "id,name_ru,name_en,codes,source"
    assert text.splitlines()[4].startswith("salt,Соль,Salt,2501,")
    assert parse_baskets_csv(text, "export.csv") == starter_baskets()


def test_csv_import_accepts_commas_and_semicolons_in_codes_and_no_source_column() -> None:
    text = 'id,name_ru,name_en,codes\nplastics,Пластмассы,,"3901,3902; 3903 39"\n'
    assert parse_baskets_csv(text, "mine.csv") == [
        Basket("plastics", "Пластмассы", "", ("39", "3901", "3902", "3903"))]


@pytest.mark.parametrize(("text", "message"), [
    ("id,name_ru,name_en,codes\nveg,Овощи,,07\nsalt,Соль,,2501 0799\n",
     "mine.csv, line 3, column codes: basket 'salt': unknown HS code prefix '0799' "
     "(code not in HS 2022)"),
    ("id,name_ru,name_en,codes\nkz,Овощи,,07\n",
     "mine.csv, line 2, column id: basket id 'kz' clashes with the country code KZ "
     "(Kazakhstan); choose another id"),
    ("id,name_ru,name_en,codes\nveg,Овощи,,\n",
     "mine.csv, line 2, column codes: basket 'veg' is empty: give at least one HS code prefix"),
    ("id,name_ru,name_en,codes\nveg,,,07\n",
     "mine.csv, line 2, column name_ru: basket 'veg': give a Russian or an English name"),
])
def test_csv_import_errors_name_file_line_and_column(text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_baskets_csv(text, "mine.csv")
    assert str(caught.value) == message


@pytest.mark.parametrize(("text", "message"), [
    ("id,name_ru,codes\nveg,Овощи,07\n",
     "mine.csv, line 1, column name_en: expected a header with columns id, name_ru, name_en, "
     "codes, found 'id,name_ru,codes'"),
    ("id,name_ru,name_en,codes\nveg,Овощи,Veg,07,extra\n",
     "mine.csv, line 2: expected 4 fields as in the header, found '5 fields'"),
    ("id,name_ru,name_en,codes\nveg,Овощи,,07\nVEG,Овощи,,0702\n",
     "mine.csv, line 3, column id: expected each basket id once (first on line 2), found 'veg'"),
    ("", "mine.csv, line 1: expected a header with columns id, name_ru, name_en, codes"),
])
def test_csv_layout_errors(text: str, message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        parse_baskets_csv(text, "mine.csv")
    assert str(caught.value) == message
