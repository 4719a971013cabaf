"""Generated summary paragraphs: exact texts for hand-built facts, golden texts for the demo data.

Golden files are rewritten with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_narrative.py``.
"""

from __future__ import annotations

import ast
import math
import os
from dataclasses import replace
from pathlib import Path

import pytest

from dashboard.analysis import narrative, views
from dashboard.analysis.narrative import Facts, Part, build_facts, render
from dashboard.analysis.transforms import Kpi
from dashboard.analysis.views import View
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo" / "DATTSVT.csv"
GOLDEN = Path(__file__).with_name("golden")
NAN = math.nan
NBSP = "\u00a0"  # babel keeps the number and "млн" together with a no-break space


def _kpi(value: float, previous: float) -> Kpi:
    change = value - previous
    return Kpi(value, previous, change, change / previous * 100 if previous > 0 else NAN)


# Tomsk–Kazakhstan 2018 as in the press example; shares as published there.
BASE = Facts(
    reporter="RU-TOM",
    year=2018,
    partner="KZ",
    turnover=_kpi(69.8e6, 59.6e6),
    exports=_kpi(52.3e6, 44.3e6),
    imports=_kpi(17.5e6, 15.3e6),
    rank=3,
    share=9.5,
    export_groups=(Part("39", 21.4e6, 41.0), Part("29", 11.5e6, 22.0), Part("44", 7.8e6, 15.0)),
    import_groups=(Part("07", 6.0e6, 34.3), Part("25", 2.6e6, 15.1), Part("72", 5.4e6, 31.0)),
)

RU_GROUPS = ("Основу экспорта составляют пластмассы и изделия из них (39; 41%), органические "
             "химические соединения (29; 22%) и древесина и изделия из неё (44; 15%); в импорте "
             "преобладают овощи (07; 34%), соль (25; 15%) и чёрные металлы (72; 31%).")
EN_GROUPS = ("Exports are led by plastics and articles thereof (39; 41%), organic chemicals "
             "(29; 22%) and wood and articles of wood (44; 15%); imports are dominated by "
             "vegetables (07; 34%), salt (25; 15%) and iron and steel (72; 31%).")


def _ru(text: str) -> str:
    """Expected Russian text with the no-break space babel puts before млн/млрд/тыс."""
    for word in ("млн", "млрд", "тыс."):
        text = text.replace(f" {word}", f"{NBSP}{word}")
    return text


def _no_base(kpi: Kpi) -> Kpi:
    return Kpi(kpi.value, NAN, NAN, NAN)


CASES = {
    "increase": (
        BASE,
        "Товарооборот Томской области с Казахстаном в 2018 году составил $69,8 млн, "
        "увеличившись за год на $10,2 млн (+17,1%). Казахстан занимает 3-е место среди "
        "внешнеторговых партнёров региона (доля 9,5%). Экспорт составил $52,3 млн (+18,1%), "
        "импорт — $17,5 млн (+14,4%). " + RU_GROUPS,
        "Trade between Tomsk Oblast and Kazakhstan amounted to $69.8M in 2018, up $10.2M "
        "(+17.1%) on 2017. Kazakhstan ranks 3rd among the region's foreign trade partners, "
        "with a 9.5% share. Exports were $52.3M (+18.1%) and imports $17.5M (+14.4%). "
        + EN_GROUPS,
    ),
    "decrease": (
        replace(BASE, partner="SE", rank=12, share=1.2, turnover=_kpi(55.0e6, 59.6e6),
                exports=_kpi(40e6, 41e6), imports=_kpi(15e6, 18.6e6), export_groups=(),
                import_groups=()),
        "Товарооборот Томской области со Швецией в 2018 году составил $55 млн, сократившись "
        "за год на $4,6 млн (−7,7%). Швеция занимает 12-е место среди внешнеторговых "
        "партнёров региона (доля 1,2%). Экспорт составил $40 млн (−2,4%), импорт — $15 млн "
        "(−19,4%).",
        "Trade between Tomsk Oblast and Sweden amounted to $55M in 2018, down $4.6M (−7.7%) "
        "on 2017. Sweden ranks 12th among the region's foreign trade partners, with a 1.2% "
        "share. Exports were $40M (−2.4%) and imports $15M (−19.4%).",
    ),
    "no base year": (
        replace(BASE, turnover=_no_base(BASE.turnover), exports=_no_base(BASE.exports),
                imports=_no_base(BASE.imports), export_groups=(), import_groups=()),
        "Товарооборот Томской области с Казахстаном в 2018 году составил $69,8 млн; данных "
        "за 2017 год для сравнения нет. Казахстан занимает 3-е место среди внешнеторговых "
        "партнёров региона (доля 9,5%). Экспорт составил $52,3 млн, импорт — $17,5 млн.",
        "Trade between Tomsk Oblast and Kazakhstan amounted to $69.8M in 2018; no data for "
        "2017 to compare with. Kazakhstan ranks 3rd among the region's foreign trade "
        "partners, with a 9.5% share. Exports were $52.3M and imports $17.5M.",
    ),
    "no partner": (
        replace(BASE, partner=None, rank=None, share=NAN, turnover=_kpi(717e6, 749.5e6),
                exports=_kpi(408.2e6, 442.2e6), imports=_kpi(308.8e6, 307.3e6),
                partners=(Part("CN", 248e6, 34.6), Part("DE", 105e6, 14.7),
                          Part("US", 69.8e6, 9.7)),
                export_groups=(Part("44", 175e6, 42.9),), import_groups=(),
                confidential_export=2.0, confidential_import=5.9),
        "Внешнеторговый оборот Томской области в 2018 году составил $717 млн, сократившись "
        "за год на $32,5 млн (−4,3%). Крупнейшие внешнеторговые партнёры региона — Китай "
        "(34,6%), Германия (14,7%) и США (9,7%). Экспорт составил $408,2 млн (−7,7%), "
        "импорт — $308,8 млн (+0,5%). Основу экспорта составляет древесина и изделия из неё "
        "(44; 43%). На конфиденциальные позиции приходится 5,9% импорта.",
        "Foreign trade of Tomsk Oblast amounted to $717M in 2018, down $32.5M (−4.3%) on "
        "2017. The region's largest trade partners are China (34.6%), Germany (14.7%) and "
        "the United States (9.7%). Exports were $408.2M (−7.7%) and imports $308.8M (+0.5%). "
        "Exports are led by wood and articles of wood (44; 43%). Confidential lines account "
        "for 5.9% of imports.",
    ),
    "year to date": (
        replace(BASE, ytd=6, turnover=_kpi(33.4e6, 26.9e6), exports=_kpi(25.2e6, 20.6e6),
                imports=_kpi(8.2e6, 6.3e6), export_groups=(), import_groups=()),
        "Товарооборот Томской области с Казахстаном в январе–июне 2018 года составил "
        "$33,4 млн, увеличившись на $6,5 млн (+24,2%) по сравнению с январём–июнем 2017 года. "
        "Казахстан занимает 3-е место среди внешнеторговых партнёров региона (доля 9,5%). "
        "Экспорт составил $25,2 млн (+22,3%), импорт — $8,2 млн (+30,2%).",
        "Trade between Tomsk Oblast and Kazakhstan amounted to $33.4M in January–June 2018, "
        "up $6.5M (+24.2%) on January–June 2017. Kazakhstan ranks 3rd among the region's "
        "foreign trade partners, with a 9.5% share. Exports were $25.2M (+22.3%) and imports "
        "$8.2M (+30.2%).",
    ),
    "one month, no trade a year before": (
        replace(BASE, month=3, partner="NL", rank=22, share=0.4, turnover=_kpi(4.9e6, 0.0),
                exports=_kpi(0.0, 0.0), imports=_kpi(4.9e6, 0.0), export_groups=(),
                import_groups=(Part("2501", 4.9e6, 100.0, "Соль", "Salt"),)),
        "Товарооборот Томской области с Нидерландами в марте 2018 года составил $4,9 млн; "
        "в марте 2017 года торговли не было. Нидерланды занимают 22-е место среди "
        "внешнеторговых партнёров региона (доля 0,4%). Экспорта не было, импорт составил "
        "$4,9 млн. В импорте преобладает соль (2501; 100%).",
        "Trade between Tomsk Oblast and the Netherlands amounted to $4.9M in March 2018; "
        "there was no trade in March 2017. The Netherlands ranks 22nd among the region's "
        "foreign trade partners, with a 0.4% share. There were no exports; imports were "
        "$4.9M. Imports are dominated by salt (2501; 100%).",
    ),
    "roubles, almost unchanged": (
        replace(BASE, currency="RUB", rank=1, share=40.0, turnover=_kpi(4.4e9, 4.399e9),
                exports=_kpi(4.4e9, 4.399e9), imports=_kpi(0.0, 0.0), export_groups=(),
                import_groups=()),
        "Товарооборот Томской области с Казахстаном в 2018 году составил 4,4 млрд руб., "
        "практически не изменившись за год. Казахстан занимает 1-е место среди "
        "внешнеторговых партнёров региона (доля 40,0%). Экспорт составил 4,4 млрд руб. "
        "(+0,0%), импорта не было. Стоимостные показатели приведены в рублях.",
        "Trade between Tomsk Oblast and Kazakhstan amounted to 4.4B RUB in 2018, almost "
        "unchanged on 2017. Kazakhstan ranks 1st among the region's foreign trade partners, "
        "with a 40.0% share. Exports were 4.4B RUB (+0.0%); there were no imports. Values "
        "are in roubles.",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_render_russian(name: str) -> None:
    facts, ru, _ = CASES[name]
    assert render(facts, "ru") == _ru(ru)


@pytest.mark.parametrize("name", list(CASES))
def test_render_english(name: str) -> None:
    facts, _, en = CASES[name]
    assert render(facts, "en") == en


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (69.8e6, "почти $70 млн", "almost $70M"),  # 0.3 % below 70M
        (69.3e6, "почти $70 млн", "almost $70M"),  # exactly 1 % below
        (69.2e6, "$69,2 млн", "$69.2M"),  # more than 1 % below
        (70.0e6, "$70 млн", "$70M"),  # a round number needs no "almost"
        (995e6, "почти $1 млрд", "almost $1B"),  # the round number may be the next unit
        (4.97e6, "почти $5 млн", "almost $5M"),
    ],
)
def test_approximate_headline(value: float, ru: str, en: str) -> None:
    facts = replace(BASE, turnover=_kpi(value, 59.6e6))
    assert f"составил {_ru(ru)}," in render(facts, "ru", approximate=True)
    assert f"amounted to {en} in" in render(facts, "en", approximate=True)


@pytest.mark.parametrize(("rank", "ru", "en"),
                         [(1, "1-е", "1st"), (2, "2-е", "2nd"), (3, "3-е", "3rd"),
                          (4, "4-е", "4th"), (11, "11-е", "11th"), (12, "12-е", "12th"),
                          (13, "13-е", "13th"), (21, "21-е", "21st"), (102, "102-е", "102nd")])
def test_ordinals(rank: int, ru: str, en: str) -> None:
    facts = replace(BASE, rank=rank)
    assert f"занимает {ru} место" in render(facts, "ru")
    assert f"ranks {en} among" in render(facts, "en")


def test_confidential_share_mentioned_only_above_five_percent() -> None:
    quiet = replace(BASE, confidential_export=5.0, confidential_import=NAN)
    loud = replace(BASE, confidential_export=7.25, confidential_import=6.0)
    assert "конфиденциальн" not in render(quiet, "ru").lower()
    assert render(loud, "ru").endswith(
        "На конфиденциальные позиции приходится 7,2% экспорта и 6,0% импорта.")
    assert render(loud, "en").endswith(
        "Confidential lines account for 7.2% of exports and 6.0% of imports.")


def test_render_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang"):
        render(BASE, "de")


def test_narrative_imports_no_ui() -> None:
    tree = ast.parse(Path(narrative.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(m.split(".")[0] == "streamlit" for m in modules)


# -- golden texts on the bundled demo data ----------------------------------------------


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The demo file loaded once into a fresh store."""
    if not DEMO.exists():
        pytest.skip("data/demo/DATTSVT.csv is missing (run `make demo-data`)")
    store = Store(tmp_path_factory.mktemp("narrative") / "demo.duckdb")
    ingest_file(store, DEMO)
    return store


@pytest.fixture(scope="module")
def demo_facts(demo_store: Store) -> Facts:
    return build_facts(demo_store, View(reporter="RU-TOM", year=2018, partner="KZ"))


def test_demo_facts_match_the_calibration(demo_facts: Facts) -> None:
    assert demo_facts.turnover.value == pytest.approx(69.8e6, abs=0.05e6)
    assert demo_facts.turnover.previous == pytest.approx(59.6e6, abs=0.05e6)
    assert demo_facts.rank == 3
    # The starter baskets cover the largest headings: the seed's story, told by basket.
    assert [p.code for p in demo_facts.export_groups] == ["petrochemicals", "timber", "2912"]
    assert [p.code for p in demo_facts.import_groups] == ["vegetables", "rolled_metal", "salt"]
    assert [p.basket for p in demo_facts.export_groups] == [True, True, False]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_demo_narrative_matches_golden(demo_facts: Facts, lang: str) -> None:
    text = render(demo_facts, lang) + "\n"
    path = GOLDEN / f"narrative_{lang}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_russian_golden_reads_like_the_press() -> None:
    text = (GOLDEN / "narrative_ru.txt").read_text(encoding="utf-8").replace(NBSP, " ")
    for phrase in ("Томской области", "с Казахстаном", "$69,8 млн", "3-е место"):
        assert phrase in text


def test_demo_variants_render(demo_store: Store) -> None:
    ytd = build_facts(demo_store, View(reporter="RU-TOM", year=2018, partner="KZ", ytd=6))
    assert "в январе–июне 2018 года" in render(ytd, "ru")
    assert "in January–June 2018" in render(ytd, "en")
    first = build_facts(demo_store, View(reporter="RU-TOM", year=2015, partner="KZ"))
    assert "данных за 2014 год для сравнения нет" in render(first, "ru")
    region = build_facts(demo_store, View(reporter="RU-TOM", year=2018))
    assert region.rank is None and [p.code for p in region.partners][:1] == ["CN"]
    assert render(region, "ru").startswith("Внешнеторговый оборот Томской области в 2018 году")


@pytest.mark.parametrize("partner", [None, "KZ"])
def test_frames_a_page_already_read_give_the_same_facts(demo_store: Store, partner) -> None:
    view = View(reporter="RU-TOM", year=2018, partner=partner, flow="export", hs_level=4)
    given = build_facts(demo_store, view, partner_frame=views.partner_frame(demo_store, view),
                        figures=views.kpis(demo_store, view))
    assert given == build_facts(demo_store, view)


@pytest.mark.parametrize(("partner", "subject"),
                         [("KZ", "Казахстан занимает"), ("DE", "Германия занимает"),
                          ("US", "США занимают"), ("AE", "Объединённые Арабские Эмираты занимают"),
                          ("PH", "Филиппины занимают")])
def test_russian_verb_agrees_with_the_partner(partner: str, subject: str) -> None:
    assert f"{subject} 3-е место" in render(replace(BASE, partner=partner), "ru")


@pytest.mark.parametrize(("partner", "opening"),
                         [("SE", "со Швецией"), ("US", "с США"), ("CN", "с Китаем")])
def test_russian_partner_takes_the_instrumental(partner: str, opening: str) -> None:
    assert f"Товарооборот Томской области {opening} в 2018 году" in render(
        replace(BASE, partner=partner), "ru")
