"""Reference tables: regions, HS sections and chapters, partner countries."""

from __future__ import annotations

import pycountry
import pytest

from dashboard.core.terms import CONFIDENTIAL_HS
from dashboard.reference import countries, hs, regions
from dashboard.reference.names import hs_name, label

# --- regions -----------------------------------------------------------------------------


def test_there_are_85_regions_with_unique_codes() -> None:
    table = regions.regions()
    assert len(table) == 85
    assert table["iso_code"].is_unique
    assert table["fcs_code"].is_unique
    assert table["fcs_code"].str.fullmatch(r"\d{5}").all()
    assert table["district_code"].str.fullmatch(r"0[1-8]").all()
    assert (table != "").all().all()


def test_iso_codes_are_pycountry_subdivisions_except_crimea_and_sevastopol() -> None:
    known = {s.code for s in pycountry.subdivisions.get(country_code="RU")}
    ours = set(regions.regions()["iso_code"])
    assert ours - known == {"RU-CR", "RU-SEV"}
    assert known <= ours


def test_fcs_codes_follow_okato() -> None:
    table = regions.regions().set_index("iso_code")
    # Plain subjects end in 000; the okrugs nested in another subject keep their own digits.
    nested = {"RU-NEN": "11100", "RU-KHM": "71100", "RU-YAN": "71140"}
    for iso, code in nested.items():
        assert table.loc[iso, "fcs_code"] == code
    plain = table.drop(index=list(nested))
    assert plain["fcs_code"].str.endswith("000").all()


def test_federal_districts_are_consistent() -> None:
    table = regions.regions()
    per_district = table.groupby("district_code")[["district_ru", "district_en"]].nunique()
    assert (per_district == 1).all().all()
    assert table["district_code"].value_counts().sort_index().tolist() == [
        18, 11, 8, 14, 6, 10, 11, 7
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("69000 - ТОМСКАЯ ОБЛАСТЬ", "RU-TOM"),
        ("69000 - TOMSK REGION", "RU-TOM"),
        ("69000", "RU-TOM"),
        ("69", "RU-TOM"),
        (" 69000 - ТОМСКАЯ ОБЛАСТЬ ", "RU-TOM"),
        ("ТОМСКАЯ ОБЛАСТЬ", "RU-TOM"),
        ("Томская область", "RU-TOM"),
        ("45000 - MOSCOW, THE CAPITAL OF RUSSIAN FEDERATION", "RU-MOW"),
        ("46000 - MOSCOW REGION", "RU-MOS"),
        ("33000 - KIROV REGION", "RU-KIR"),
        ("04000 - KRASNOYARSK TERRITORY", "RU-KYA"),
        ("47000 - МУРМАНСКАЯ ОБЛАСТЬ", "RU-MUR"),
        ("71100 - ХАНТЫ-МАНСИЙСКИЙ АВТОНОМНЫЙ ОКРУГ - ЮГРА", "RU-KHM"),
        ("35000", "RU-CR"),
        ("67000", "RU-SEV"),
        ("12345", None),
        ("690001", None),
        ("", None),
        ("NOWHERE", None),
    ],
)
def test_region_by_fcs_code(raw: str, expected: str | None) -> None:
    assert regions.region_by_fcs_code(raw) == expected


def test_fcs_region_map_covers_every_region() -> None:
    mapping = regions.fcs_region_map()
    assert len(mapping) == 85
    assert mapping["69000"] == "RU-TOM"
    assert set(mapping.values()) == set(regions.regions()["iso_code"])


@pytest.mark.parametrize(
    ("iso", "lang", "expected"),
    [
        ("RU-TOM", "ru", "Томская область"),
        ("RU-TOM", "en", "Tomsk Oblast"),
        ("RU-MOW", "ru", "Москва"),
        ("RU-MOW", "en", "Moscow"),
        ("RU-TA", "ru", "Республика Татарстан"),
        ("RU-TA", "en", "Republic of Tatarstan"),
        ("RU-NVS", "en", "Novosibirsk Oblast"),
        ("ru-tom", "ru", "Томская область"),
        ("RU", "ru", "Россия"),
        ("RU-ZZZ", "ru", "RU-ZZZ"),
    ],
)
def test_region_name(iso: str, lang: str, expected: str) -> None:
    assert regions.region_name(iso, lang) == expected


def test_regions_returns_a_copy() -> None:
    table = regions.regions()
    table.loc[0, "name_ru"] = "changed"
    assert regions.regions().loc[0, "name_ru"] != "changed"


# --- HS ---------------------------------------------------------------------------------

ROMAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
    "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI",
]


def test_21_sections_cover_chapters_01_to_97_without_gaps() -> None:
    sections = hs.hs_sections()
    assert sections["section"].tolist() == ROMAN
    bounds = list(zip(sections["chapter_from"].astype(int), sections["chapter_to"].astype(int),
                      strict=True))
    assert bounds[0][0] == 1 and bounds[-1][1] == 97
    for (_, end), (start, _) in zip(bounds, bounds[1:], strict=False):
        assert start == end + 1
    assert (sections[["name_ru", "name_en"]] != "").all().all()


def test_96_used_chapters_each_in_its_section() -> None:
    chapters = hs.hs_chapters()
    assert chapters["chapter"].tolist() == [f"{n:02d}" for n in range(1, 98)]
    assert chapters.loc[chapters["reserved"], "chapter"].tolist() == ["77"]
    used = chapters[~chapters["reserved"]]
    assert len(used) == 96
    sections = hs.hs_sections().set_index("section")
    for row in chapters.itertuples():
        section = sections.loc[row.section]
        assert section["chapter_from"] <= row.chapter <= section["chapter_to"]
        assert hs.section_of(row.chapter) == row.section


@pytest.mark.parametrize("chapter", [f"{n:02d}" for n in range(1, 98) if n != 77])
def test_every_used_chapter_has_both_names(chapter: str) -> None:
    ru, en = label(chapter, "ru"), label(chapter, "en")
    assert ru != chapter and en != chapter
    assert any("а" <= ch <= "я" for ch in ru.lower())
    assert en.isascii() or "é" in en  # "maté"


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("39", "ru", "Пластмассы и изделия из них"),
        ("39", "en", "Plastics and articles thereof"),
        ("44", "ru", "Древесина и изделия из неё"),
        ("44", "en", "Wood and articles of wood"),
        ("07", "ru", "Овощи"),
        ("07", "en", "Vegetables"),
        ("72", "ru", "Чёрные металлы"),
        ("72", "en", "Iron and steel"),
        ("29", "ru", "Органические химические соединения"),
        ("29", "en", "Organic chemicals"),
        # A heading is never named by its chapter: its own name, or the other language's marked.
        ("2501", "ru", "2501 — Salt (including table salt and denatured salt); pure sodium "
                       "chloride whether or not in aqueous solution; sea water (EN)"),
        ("250100", "en", "250100 — Salt (including table salt and denatured salt); pure sodium "
                         "chloride whether or not in aqueous solution; sea water"),
        ("0402291900", "ru", "0402291900 — название не загружено"),
        (CONFIDENTIAL_HS, "ru", "Конфиденциально"),
        (CONFIDENTIAL_HS, "en", "Confidential"),
        ("XXXX", "ru", "Конфиденциально"),
        ("VII", "ru", "Пластмассы и каучук; изделия из них"),
        ("xvi", "en", "Machinery and mechanical appliances; electrical equipment"),
        ("98", "ru", "98 — код отсутствует в ГС 2022"),
        ("123", "en", "123 — code not in HS 2022"),
    ],
)
def test_label(code: str, lang: str, expected: str) -> None:
    assert label(code, lang) == expected


@pytest.mark.parametrize(
    ("chapter", "section"),
    [("01", "I"), ("15", "III"), ("27", "V"), ("39", "VII"), ("3901", "VII"), ("77", "XV"),
     ("84", "XVI"), ("85", "XVI"), ("93", "XIX"), ("97", "XXI")],
)
def test_section_of(chapter: str, section: str) -> None:
    assert hs.section_of(chapter) == section


@pytest.mark.parametrize("bad", ["00", "98", "XX", ""])
def test_section_of_rejects_non_chapters(bad: str) -> None:
    with pytest.raises(ValueError, match="HS chapter"):
        hs.section_of(bad)


def test_sections_x_and_xx_have_their_own_lookup() -> None:
    # label("XX") is the confidential code cut to two characters, not section XX.
    assert hs.section_name("X", "ru") == "Древесная масса; бумага, картон и изделия из них"
    assert hs.section_name("XX", "en") == "Miscellaneous manufactured articles"
    assert hs.section_name("XXII") == "XXII"


def test_confidential_code_is_the_schema_one() -> None:
    assert hs.CONFIDENTIAL_HS == "XXXXXXXXXX"


# --- countries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso2", "lang", "expected"),
    [
        ("KZ", "ru", "Казахстан"),
        ("KZ", "en", "Kazakhstan"),
        ("CN", "ru", "Китай"),
        ("CN", "en", "China"),
        ("US", "ru", "США"),
        ("US", "en", "United States"),
        ("GB", "ru", "Великобритания"),
        ("KR", "ru", "Южная Корея"),
        ("KR", "en", "South Korea"),
        ("DE", "ru", "Германия"),
        ("TW", "ru", "Тайвань"),
        ("MD", "ru", "Молдавия"),
        ("kz", "ru", "Казахстан"),
        ("CD", "en", "DR Congo"),
        ("QQ", "ru", "QQ"),
    ],
)
def test_country_name(iso2: str, lang: str, expected: str) -> None:
    assert countries.country_name(iso2, lang) == expected


@pytest.mark.parametrize(
    ("code", "ru", "en"),
    [
        (countries.WORLD, "Весь мир", "World"),
        (countries.UNKNOWN, "Страна не указана", "Not specified"),
        (countries.CONFIDENTIAL_PARTNER, "Конфиденциально", "Confidential"),
        (countries.AREAS_NES, "Прочие территории", "Areas n.e.s."),
    ],
)
def test_special_partners(code: str, ru: str, en: str) -> None:
    assert countries.is_special_partner(code)
    assert countries.country_name(code, "ru") == ru
    assert countries.country_name(code, "en") == en
    assert pycountry.countries.get(alpha_2=code) is None  # never a real country


def test_special_codes_are_the_documented_ones() -> None:
    assert (countries.WORLD, countries.UNKNOWN, countries.CONFIDENTIAL_PARTNER,
            countries.AREAS_NES) == ("XW", "XU", "XC", "XS")
    assert not countries.is_special_partner("KZ")


def test_every_country_has_a_short_name_in_both_languages() -> None:
    for country in pycountry.countries:
        ru = countries.country_name(country.alpha_2, "ru")
        en = countries.country_name(country.alpha_2, "en")
        assert ru != country.alpha_2 and en != country.alpha_2
        assert any("а" <= ch <= "я" for ch in ru.lower()), (country.alpha_2, ru)
        assert ru[0].isupper() and en[0].isupper()
        assert ", " not in en or country.alpha_2 == "BQ", en  # no inverted "Congo, The ..."


@pytest.mark.parametrize(
    ("m49", "iso2"),
    [(398, "KZ"), ("398", "KZ"), (0, "XW"), ("0", "XW"), (156, "CN"), (842, "US"), (840, "US"),
     (251, "FR"), (699, "IN"), (757, "CH"), (579, "NO"), (643, "RU"), (490, "XS"),
     (899, "XS"), (839, "XC"), (" 004", "AF"), (999, None), ("abc", None)],
)
def test_iso2_from_m49(m49: int | str, iso2: str | None) -> None:
    assert countries.iso2_from_m49(m49) == iso2


@pytest.mark.parametrize(
    ("iso3", "iso2"),
    [("KAZ", "KZ"), ("chn", "CN"), ("W00", "XW"), ("WLD", "XW"), ("ZZZ", None)],
)
def test_iso2_from_iso3(iso3: str, iso2: str | None) -> None:
    assert countries.iso2_from_iso3(iso3) == iso2


@pytest.mark.parametrize(("iso2", "iso3"), [("KZ", "KAZ"), ("us", "USA"), ("XW", None)])
def test_iso3_from_iso2(iso2: str, iso3: str | None) -> None:
    assert countries.iso3_from_iso2(iso2) == iso3


def test_hs_name_is_the_one_naming_of_codes_sections_and_the_confidential_marker():
    """Sections X and XX are sections in a section-level table, not confidential lines."""
    paper = hs.section_name("X", "en")
    assert hs_name("X", "en", level="section") == paper
    assert hs_name("X", "en", level="section", numbered=True) == f"X. {paper}"
    assert hs_name("X", "en") == "Confidential"
    assert hs_name(CONFIDENTIAL_HS, "en", level="section") == "Confidential"
    assert hs_name("VII", "en", numbered=True).startswith("VII. ")
    assert hs_name("25", "en", numbered=True) == f"25 {hs_name('25', 'en')}"
    assert hs_name("2501", "en").startswith("2501 — ")
    assert hs_name("2501", "en") == ("2501 — Salt (including table salt and denatured salt); "
                                     "pure sodium chloride whether or not in aqueous solution; "
                                     "sea water")  # its own name, never the chapter's
