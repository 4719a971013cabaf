"""Russian case forms of region and country names."""

from __future__ import annotations

import re

import pycountry
import pytest

from dashboard.reference.countries import country_name
from dashboard.reference.inflect import inflect, v_preposition, with_preposition_s
from dashboard.reference.regions import regions

REGION_NAMES = regions()["name_ru"].tolist()
COUNTRY_NAMES = sorted({country_name(c.alpha_2, "ru") for c in pycountry.countries})


def _capitals_kept(before: str, after: str) -> bool:
    """Each word (and hyphen part) capitalised in ``before`` is still capitalised in ``after``."""
    words_before, words_after = before.split(), after.split()
    if len(words_before) != len(words_after):
        return False
    for old, new in zip(words_before, words_after, strict=True):
        parts_old, parts_new = old.split("-"), new.split("-")
        if len(parts_old) != len(parts_new):
            return False
        for p_old, p_new in zip(parts_old, parts_new, strict=True):
            first_old = re.search(r"\w", p_old)
            first_new = re.search(r"\w", p_new)
            capital_before = bool(first_old and first_old.group().isupper())
            if capital_before and not (first_new and first_new.group().isupper()):
                return False
    return True


@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("Томская область", "gent", "Томской области"),
        ("Томская область", "accs", "Томскую область"),
        ("Казахстан", "ablt", "Казахстаном"),
        ("Казахстан", "accs", "Казахстан"),
        ("Китай", "ablt", "Китаем"),
        ("Китай", "loct", "Китае"),
        ("Республика Татарстан", "gent", "Республики Татарстан"),
        ("Республика Саха (Якутия)", "loct", "Республике Саха (Якутия)"),
        ("Соединённые Штаты Америки", "ablt", "Соединёнными Штатами Америки"),
        ("Соединенные Штаты Америки", "gent", "Соединенных Штатов Америки"),
        ("Москва", "gent", "Москвы"),
        ("Санкт-Петербург", "datv", "Санкт-Петербургу"),
        ("Ханты-Мансийский автономный округ — Югра", "gent",
         "Ханты-Мансийского автономного округа — Югры"),
        ("Кемеровская область — Кузбасс", "ablt", "Кемеровской областью — Кузбассом"),
        ("Республика Северная Осетия — Алания", "gent", "Республики Северная Осетия — Алания"),
        ("Кабардино-Балкарская Республика", "gent", "Кабардино-Балкарской Республики"),
        ("Еврейская автономная область", "datv", "Еврейской автономной области"),
        ("Того", "ablt", "Того"),
        ("Перу", "gent", "Перу"),
        ("Конго", "loct", "Конго"),
        ("США", "ablt", "США"),
        ("Босния и Герцеговина", "ablt", "Боснией и Герцеговиной"),
        ("Гвинея-Бисау", "ablt", "Гвинеей-Бисау"),
        ("Объединённые Арабские Эмираты", "loct", "Объединённых Арабских Эмиратах"),
        ("Южная Корея", "gent", "Южной Кореи"),
        ("Каймановы острова", "ablt", "Каймановыми островами"),
        ("Соединённое Королевство Великобритании и Северной Ирландии", "ablt",
         "Соединённым Королевством Великобритании и Северной Ирландии"),
        ("Беларусь", "ablt", "Беларусью"),
        ("Узбекистан", "gent", "Узбекистана"),
        ("Томская область", "nomn", "Томская область"),
    ],
)
def test_exact_forms(name: str, case: str, expected: str) -> None:
    assert inflect(name, case) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Казахстан", "с Казахстаном"),
        ("Швеция", "со Швецией"),
        ("Швейцария", "со Швейцарией"),
        ("Словакия", "со Словакией"),
        ("Сербия", "с Сербией"),
        ("Замбия", "с Замбией"),
        ("США", "с США"),
        ("Томская область", "с Томской областью"),
    ],
)
def test_with_preposition_s(name: str, expected: str) -> None:
    assert with_preposition_s(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Казахстан", "в Казахстане"),
        ("Франция", "во Франции"),
        ("Вьетнам", "во Вьетнаме"),
        ("Венгрия", "в Венгрии"),
        ("Владимирская область", "во Владимирской области"),
        ("Вологодская область", "в Вологодской области"),
        ("Куба", "на Кубе"),
        ("Фарерские острова", "на Фарерских островах"),
    ],
)
def test_v_preposition(name: str, expected: str) -> None:
    assert v_preposition(name) == expected


def test_unknown_case_is_refused() -> None:
    with pytest.raises(ValueError, match="case must be one of"):
        inflect("Казахстан", "instrumental")


@pytest.mark.parametrize("name", REGION_NAMES)
def test_every_region_name_in_genitive(name: str) -> None:
    form = inflect(name, "gent")
    assert form and _capitals_kept(name, form), form
    assert form != name  # every subject name declines in the genitive


@pytest.mark.parametrize("name", COUNTRY_NAMES)
def test_every_country_name_in_instrumental(name: str) -> None:
    form = inflect(name, "ablt")
    assert form and _capitals_kept(name, form), form
    assert with_preposition_s(name).endswith(form)
