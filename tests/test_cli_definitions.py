"""``basket``, ``group`` and ``reference import`` against real store files, and baskets and
groups in ``summary`` / ``top``.

The small file is conftest's hand-countable FCS sample (Tomsk with KZ and CN):
  2017 KZ: export 3901 100, import 0702 50
  2018 KZ: export 3901 300.5, import 2501 20;  2018 CN: export 4407 600 + confidential 400
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.data import definitions
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store, TradeQuery
from dashboard.reference.baskets import starter_baskets
from dashboard.reference.groups import starter_groups
from dashboard.reference.names import NameEntry
from tests.conftest import ru_text
from tests.test_cli_analysis import run, run_json

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
STARTER_BASKETS = sorted(b.id for b in starter_baskets())
STARTER_GROUPS = sorted(g.id for g in starter_groups())


@pytest.fixture
def small(tmp_path: Path, write_file: Callable[..., Path]) -> str:
    path = tmp_path / "small.duckdb"
    ingest_file(Store(path), write_file("DATTSVT.csv", ru_text()))
    return str(path)


def ids(capsys: pytest.CaptureFixture[str], store: str, what: str) -> list[str]:
    return [item["id"] for item in run_json(capsys, "--store", store, what, "list")]


# -- storing -----------------------------------------------------------------------------


def test_starters_are_seeded_once_and_stay_deleted(
        small: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert ids(capsys, small, "basket") == STARTER_BASKETS
    assert ids(capsys, small, "group") == STARTER_GROUPS
    assert run(capsys, "--store", small, "basket", "delete", "salt")[0] == 0
    assert "salt" not in ids(capsys, small, "basket")  # a deleted starter does not come back


def test_basket_set_adds_then_replaces_and_says_so(
        small: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", small, "basket", "set", "plastics",
                       "--codes", "3901,3902 39", "--name-ru", "Пластмассы")
    assert (code, out) == (0, "basket plastics added\n")
    code, out, _ = run(capsys, "--store", small, "basket", "set", "plastics",
                       "--codes", "3901", "--name-en", "Polyethylene")
    assert (code, out) == (0, "basket plastics replaced\n")
    listed = {b["id"]: b for b in run_json(capsys, "--store", small, "basket", "list")}
    assert listed["plastics"] == {"id": "plastics", "name_ru": "", "name_en": "Polyethylene",
                                  "codes": ["3901"], "source": ""}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["basket", "set", "bad", "--codes", "9999", "--name-ru", "Х"],
         "unknown HS code prefix '9999'"),
        (["basket", "set", "bad", "--codes", "390", "--name-ru", "Х"],
         "should be 2, 4, 6, 8 or 10 digits"),
        (["basket", "set", "bad", "--codes", " , ", "--name-ru", "Х"], "is empty"),
        (["basket", "set", "kz", "--codes", "39", "--name-ru", "Х"],
         "clashes with the country code KZ"),
        (["basket", "set", "bad", "--codes", "39"], "give a Russian or an English name"),
        (["group", "set", "bad", "--partners", "KZ,QQ", "--name-ru", "Х"],
         "unknown country code 'QQ'"),
        (["group", "set", "bad", "--partners", ",", "--name-ru", "Х"], "is empty"),
        (["group", "set", "usa", "--partners", "US", "--name-en", "X"],
         "clashes with the country code US"),
        (["basket", "delete", "nothing"], "no basket 'nothing'"),
        (["group", "delete", "nothing"], "no partner group 'nothing'"),
    ],
)
def test_bad_definitions_exit_2_with_one_line_and_store_nothing(
        small: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    before = (ids(capsys, small, "basket"), ids(capsys, small, "group"))
    code, out, err = run(capsys, "--store", small, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert (ids(capsys, small, "basket"), ids(capsys, small, "group")) == before


def test_basket_csv_round_trip_and_a_bad_file_stores_nothing(
        small: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported = tmp_path / "baskets.csv"
    assert run(capsys, "--store", small, "basket", "export", str(exported))[0] == 0
    text = exported.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,name_ru,name_en,codes,source"
    bad = tmp_path / "mine.csv"
    bad.write_text("id,name_ru,name_en,codes\nfish,Рыба,Fish,03\nsteel,Сталь,Steel,7208 720\n",
                   encoding="utf-8")
    code, _, err = run(capsys, "--store", small, "basket", "import", str(bad))
    assert code == 2
    assert err.strip() == ("error: mine.csv, line 3, column codes: basket 'steel': HS code "
                           "prefix '720' should be 2, 4, 6, 8 or 10 digits")
    assert "fish" not in ids(capsys, small, "basket")
    bad.write_text("id,name_ru,name_en,codes\nfish,Рыба,Fish,03\nsalt,Соль!,Salt,2501\n",
                   encoding="utf-8")
    code, out, _ = run(capsys, "--store", small, "basket", "import", str(bad))
    assert (code, out) == (0, "mine.csv: 1 basket(s) added, 1 replaced\n")
    other = tmp_path / "other.duckdb"
    assert run(capsys, "--store", str(other), "basket", "import", str(exported))[0] == 0
    assert run(capsys, "--store", str(other), "basket", "export")[1] == text


def test_group_export_and_import(small: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "groups.csv"
    path.write_text("id,name_ru,name_en,partners,source\n"
                    "neighbours,Соседи,Neighbours,KZ CN:2018-,mine\n", encoding="utf-8")
    code, out, _ = run(capsys, "--store", small, "group", "import", str(path))
    assert (code, out) == (0, "groups.csv: 1 group(s) added, 0 replaced\n")
    code, out, _ = run(capsys, "--store", small, "group", "export")
    assert "neighbours,Соседи,Neighbours,CN:2018- KZ,mine" in out.splitlines()


# -- names -------------------------------------------------------------------------------


def test_reference_import_names_headings_everywhere(
        small: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = ["--store", small, "top", "--reporter", "RU-TOM", "--year", "2018", "--by",
           "commodity", "--hs-level", "4"]
    before = {r["code"]: r["name"] for r in run_json(capsys, *top)}
    assert before["4407"] == ("4407 — Wood sawn or chipped lengthwise, sliced or peeled, "
                              "whether or not planed, sanded or finger-jointed, of a thickness "
                              "exceeding 6mm (EN)")
    assert before["3901"] == "3901 — Polymers of ethylene, in primary forms (EN)"
    classifier = tmp_path / "names.csv"
    classifier.write_text("код;наименование\n4407;Лесоматериалы распиленные вдоль\n"
                          "3901;Полимеры этилена в первичных формах;Ethylene polymers\n",
                          encoding="utf-8")
    code, out, _ = run(capsys, "--store", small, "reference", "import", str(classifier))
    assert (code, out) == (0, "names.csv: 2 name(s) read, 2 stored\n")
    after = {r["code"]: r["name"] for r in run_json(capsys, *top)}
    assert after["4407"] == "4407 — Лесоматериалы распиленные вдоль"
    english = {r["code"]: r["name"] for r in run_json(capsys, *top, "--lang", "en")}
    assert english["3901"] == "3901 — Ethylene polymers"
    assert english["4407"].startswith("4407 — Wood sawn or chipped")  # the bundled EN stays


def test_reference_import_reads_the_fcs_classifier_in_cp866(
        small: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "TNVED3.TXT"
    listing.write_bytes("018|20190723|0000|\n"
                        "25|01|СОЛЬ (ВКЛЮЧАЯ СОЛЬ СТОЛОВУЮ)|01.01.2017||\n".encode("cp866"))
    code, out, _ = run(capsys, "--store", small, "reference", "import", str(listing))
    assert (code, out) == (0, "TNVED3.TXT: 1 name(s) read, 1 stored\n")
    names = definitions.name_entries(Store(small))
    assert [(n.code, n.name_ru) for n in names] == [("2501", "Соль (включая соль столовую)")]


def test_reference_import_of_a_bad_file_is_one_line(
        small: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "names.csv"
    bad.write_text("4407;Лесоматериалы\n44x7;Плохой код\n", encoding="utf-8")
    code, _, err = run(capsys, "--store", small, "reference", "import", str(bad))
    assert code == 2
    assert err.strip() == ("error: names.csv, line 2, column 1 (code): expected an HS code of "
                           "2, 4, 6, 8 or 10 digits, found '44x7'")
    assert definitions.name_entries(Store(small)) == []


# -- baskets and groups in summary and top --------------------------------------------------


def test_overlapping_prefixes_in_one_basket_count_once(
        small: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--store", small, "basket", "set", "plastics", "--codes", "39,3901,390110",
        "--name-en", "Plastics")
    got = run_json(capsys, "--store", small, "summary", "--reporter", "RU-TOM", "--year", "2018",
                   "--basket", "plastics", "--flow", "export")
    assert (got["value"], got["previous"]) == (pytest.approx(300.5), pytest.approx(100.0))


def test_basket_ranking_counts_a_shared_code_once_in_each_and_flags_overlap(
        small: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", small]
    run(capsys, *store, "basket", "set", "plastics", "--codes", "39", "--name-en", "Plastics")
    run(capsys, *store, "basket", "set", "kz_goods", "--codes", "3901,0702,2501",
        "--name-en", "KZ goods")
    ranked = {r["code"]: r for r in run_json(capsys, *store, "top", "--reporter", "RU-TOM",
                                             "--year", "2018", "--by", "basket", "--lang", "en")}
    assert ranked["plastics"]["value"] == pytest.approx(300.5)
    assert ranked["kz_goods"]["value"] == pytest.approx(320.5)
    assert ranked["petrochemicals"]["value"] == pytest.approx(300.5)
    assert ranked["plastics"]["overlap"] == ["kz_goods", "petrochemicals"]
    assert ranked["kz_goods"]["overlap"] == ["petrochemicals", "plastics", "salt", "vegetables"]
    assert ranked["timber"]["overlap"] == []
    # shares are of the whole turnover (1320.5), each code once
    assert ranked["kz_goods"]["share"] == pytest.approx(320.5 / 1320.5 * 100)
    total = run_json(capsys, *store, "summary", "--reporter", "RU-TOM", "--year", "2018")
    assert total["value"] == pytest.approx(1320.5)
    code, out, _ = run(capsys, *store, "top", "--reporter", "RU-TOM", "--year", "2018",
                       "--by", "basket", "--lang", "en")
    assert code == 0 and "* overlapping sets" in out


def test_group_summary_and_ranking(small: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", small]
    run(capsys, *store, "group", "set", "neighbours", "--partners", "KZ,CN:2018-",
        "--name-en", "Neighbours")
    got = run_json(capsys, *store, "summary", "--reporter", "RU-TOM", "--year", "2018",
                   "--partner", "neighbours")
    assert got["partner"] is None and got["rank"] is None
    assert (got["value"], got["previous"]) == (pytest.approx(1320.5), pytest.approx(150.0))
    ranked = {r["code"]: r for r in run_json(capsys, *store, "top", "--reporter", "RU-TOM",
                                             "--year", "2018", "--by", "group")}
    assert ranked["neighbours"]["value"] == pytest.approx(1320.5)
    assert ranked["central_asia"]["value"] == pytest.approx(320.5)
    assert "central_asia" in ranked["neighbours"]["overlap"]
    code, _, err = run(capsys, *store, "summary", "--reporter", "RU-TOM", "--year", "2018",
                       "--partner", "nowhere")
    assert code == 2 and "no partner group 'nowhere'" in err


# -- "Done when", on the demo ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> str:
    return str(demo_path)


def test_rolled_metal_imports_from_kazakhstan_equal_the_sum_of_their_headings(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    view = ["--reporter", "RU-TOM", "--year", "2018", "--flow", "import", "--partner", "KZ"]
    got = run_json(capsys, "--store", demo, "summary", *view, "--basket", "rolled_metal")
    headings = run_json(capsys, "--store", demo, "top", *view, "--by", "commodity",
                        "--hs-level", "4", "--n", "0")
    codes = {b.id: b for b in starter_baskets()}["rolled_metal"].codes
    mine = [r for r in headings if r["code"] in codes]
    assert sorted(r["code"] for r in mine) == ["7208", "7209", "7210"]
    assert got["value"] == pytest.approx(1090889.40 + 558188.61 + 3812001.84)
    assert got["value"] == pytest.approx(sum(r["value"] for r in mine))
    assert got["previous"] == pytest.approx(sum(r["previous"] for r in mine))
    assert got["change_pct"] == pytest.approx(
        (got["value"] - got["previous"]) / got["previous"] * 100)


def test_central_asia_turnover_is_the_sum_of_the_five_pairs(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    view = ["--store", demo, "summary", "--reporter", "RU-TOM", "--year", "2018"]
    group = run_json(capsys, *view, "--partner", "central_asia")
    traded = set(Store(demo).distinct("partner", TradeQuery(reporter="RU-TOM", years=(2018,))))
    five = ("KZ", "KG", "TJ", "TM", "UZ")
    assert set(five) - traded == {"TJ"}  # the demo's Tomsk did not trade with Tajikistan in 2018
    pairs = [run_json(capsys, *view, "--partner", code) for code in five if code in traded]
    assert group["value"] == pytest.approx(sum(p["value"] for p in pairs))
    assert group["previous"] == pytest.approx(sum(p["previous"] for p in pairs))
    assert group["value"] == pytest.approx(89_564_189.26)


def test_narrative_of_a_basket_with_a_group_names_both(
        demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--store", demo, "narrative", "--reporter", "RU-TOM", "--year", "2018",
            "--partner", "central_asia", "--basket", "petrochemicals"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.startswith("Товарооборот Томской области со странами Центральной Азии по "
                          "товарной группе «Нефтехимия» в 2018 году составил")
    assert "Экспорт нефтехимии составил" in out
    code, out, _ = run(capsys, *argv, "--lang", "en")
    assert out.startswith("Trade in petrochemicals between Tomsk Oblast and Central Asia")
    assert json.dumps(out)  # one line of text


def test_comtrade_descriptions_fill_names_the_bundle_lacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = FIXTURES.joinpath("TradeData_3_14_2024_10_21_5.csv").read_text(
        encoding="latin-1").splitlines()[0].split(",")
    template = dict.fromkeys(header, "")
    template |= {"typeCode": "C", "freqCode": "A", "refYear": "2018", "period": "2018",
                 "reporterCode": "643", "reporterISO": "RUS", "flowCode": "X",
                 "partnerCode": "398", "partnerISO": "KAZ", "classificationCode": "H3",
                 "primaryValue": "100.0"}
    rows = [template | {"cmdCode": "271011", "cmdDesc": "Light oils and preparations"},
            template | {"cmdCode": "270900", "cmdDesc": "Petroleum oils, crude (old text)"}]
    path = tmp_path / "comtrade.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    store = tmp_path / "store.duckdb"
    code, _, err = run(capsys, "--store", str(store), "ingest", str(path))
    assert code == 0, err
    # 271011 (HS 2007) is not in HS 2022: the file's name fills the gap; 270900 keeps the
    # bundled name.
    assert definitions.name_entries(Store(store)) == [
        NameEntry("271011", "", "Light oils and preparations")]
    records = run_json(capsys, "--store", str(store), "top", "--reporter", "RU", "--year",
                       "2018", "--by", "commodity", "--hs-level", "6", "--lang", "en")
    assert {r["code"]: r["name"] for r in records} == {
        "271011": "271011 — Light oils and preparations",
        "270900": "270900 — Oils; petroleum oils and oils obtained from bituminous "
                  "minerals, crude"}
