"""``regions``, ``decompose``, ``indices``, ``estimate``, ``backtest`` and ``note`` in-process.

The small store holds conftest's Tomsk sample plus two hand-written regions:
  turnover with KZ   2017    2018
  RU-MOW (Central)      0    1000      (import)
  RU-TOM (Siberian)   150     320.5    (conftest: export 100/300.5, import 50/20)
  RU-KEM (Siberian)   200     100      (export)
Tomsk's imports of vegetables (HS 07) from KZ, US dollars and kg:
  0702  2017 100 USD / 50 kg (p 2)   2018 180 USD / 60 kg (p 3)
  0703  2017  60 USD / 30 kg (p 2)   2018  40 USD / 40 kg (p 1)
  0709  2018  10 USD, no weight (unmatched)
  volume = 10×2 + 10×2 = 40; price = 1×50 − 1×30 = 20; residual = 10×1 − 10×1 + 10 = 10
  change = 230 − 160 = 70 = 40 + 20 + 10
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.analysis import compare
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from tests.conftest import RU_ROWS, TOMSK, ru_text

KEM = "32000 - КЕМЕРОВСКАЯ ОБЛАСТЬ - КУЗБАСС\t06-СИБИРСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"
MOW = "45000 - Г. МОСКВА\t01-ЦЕНТРАЛЬНЫЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"
EXTRA = [
    f"ЭК\t04/2017\tKZ\t2701120000\t\t200,00\t1000\t0\t{KEM}",
    f"ЭК\t04/2018\tKZ\t2701120000\t\t100,00\t500\t0\t{KEM}",
    f"ИМ\t06/2018\tKZ\t8703230000\t796\t1000,00\t2000\t1\t{MOW}",
]
VEGETABLES = [
    f"ИМ\t01/2017\tKZ\t0702000000\t166\t100,00\t50\t50\t{TOMSK}",
    f"ИМ\t01/2017\tKZ\t0703101900\t166\t60,00\t30\t30\t{TOMSK}",
    f"ИМ\t01/2018\tKZ\t0702000000\t166\t180,00\t60\t60\t{TOMSK}",
    f"ИМ\t01/2018\tKZ\t0703101900\t166\t40,00\t40\t40\t{TOMSK}",
    f"ИМ\t02/2018\tKZ\t0709999000\t166\t10,00\t0\t0\t{TOMSK}",
]
REGION_KEYS = ["reporter", "name", "value", "previous", "change", "change_pct", "share", "rank",
               "district", "district_rank"]


@pytest.fixture
def small(tmp_path: Path, write_file: Callable[..., Path]) -> str:
    """Three regions with KZ (see the module text); returns the store path."""
    path = tmp_path / "small.duckdb"
    ingest_file(Store(path), write_file("DATTSVT.csv", ru_text([*RU_ROWS, *EXTRA])))
    return str(path)


@pytest.fixture
def vegetables(tmp_path: Path, write_file: Callable[..., Path]) -> str:
    """Tomsk's vegetable imports from KZ only (see the module text)."""
    path = tmp_path / "veg.duckdb"
    ingest_file(Store(path), write_file("veg.csv", ru_text(VEGETABLES)))
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# -- regions ---------------------------------------------------------------------------


def test_regions_ranks_the_loaded_regions_by_hand(small: str, capsys) -> None:
    rows = run_json(capsys, "--store", small, "regions", "--partner", "KZ", "--year", "2018")
    assert [list(r) for r in rows] == [REGION_KEYS] * 3
    total = 1000 + 320.5 + 100
    assert rows == [
        {"reporter": "RU-MOW", "name": "Moscow", "value": 1000.0, "previous": 0.0,
         "change": 1000.0, "change_pct": None, "share": round(1000 / total * 100, 6),
         "rank": 1, "district": "Central Federal District", "district_rank": 1},
        {"reporter": "RU-TOM", "name": "Tomsk Oblast", "value": 320.5, "previous": 150.0,
         "change": 170.5, "change_pct": round(170.5 / 150 * 100, 6),
         "share": round(320.5 / total * 100, 6), "rank": 2,
         "district": "Siberian Federal District", "district_rank": 1},
        {"reporter": "RU-KEM", "name": "Kemerovo Oblast – Kuzbass", "value": 100.0,
         "previous": 200.0, "change": -100.0, "change_pct": -50.0,
         "share": round(100 / total * 100, 6), "rank": 3,
         "district": "Siberian Federal District", "district_rank": 2},
    ]


def test_regions_by_flow_and_in_russian(small: str, capsys) -> None:
    rows = run_json(capsys, "--store", small, "regions", "--partner", "KZ", "--year", "2018",
                    "--flow", "export", "--lang", "ru")
    assert [(r["reporter"], r["value"], r["share"]) for r in rows] == [
        ("RU-TOM", 300.5, round(300.5 / 400.5 * 100, 6)),
        ("RU-KEM", 100.0, round(100 / 400.5 * 100, 6)),
        ("RU-MOW", 0.0, 0.0),
    ]
    assert rows[0]["district"] == "Сибирский федеральный округ"


def test_regions_text_marks_the_region_and_flags_coverage(small: str, capsys) -> None:
    code, out, _ = run(capsys, "--store", small, "regions", "--partner", "KZ", "--year", "2018",
                       "--reporter", "RU-TOM")
    assert code == 0
    assert "*  2  RU-TOM" in out
    assert "3 of 85 subjects loaded" in out


def test_regions_unknown_partner_is_one_line(small: str, capsys) -> None:
    code, out, err = run(capsys, "--store", small, "regions", "--partner", "ZZ", "--year", "2018")
    assert code == 2 and out == ""
    assert "no data with ZZ" in err and "KZ" in err and err.count("\n") == 1


# -- decompose -------------------------------------------------------------------------


def test_decompose_by_hand(vegetables: str, capsys) -> None:
    result = run_json(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                      "--year", "2018", "--hs", "07", "--partner", "KZ", "--flow", "import")
    assert list(result)[:8] == ["value", "previous", "change", "volume_effect", "price_effect",
                                "residual", "basis", "unmatched_value"]
    assert {k: result[k] for k in list(result)[:8]} == {
        "value": 230.0, "previous": 160.0, "change": 70.0, "volume_effect": 40.0,
        "price_effect": 20.0, "residual": 10.0, "basis": "net_kg", "unmatched_value": 10.0}
    assert result["residual_parts"] == {"interaction": 0.0, "entered": 0.0, "exited": 0.0,
                                        "unmatched_change": 10.0}
    assert result["matched_codes"] == 2 and result["unmatched_codes"] == 1


def test_decompose_of_one_heading_and_the_formula_in_text(vegetables: str, capsys) -> None:
    result = run_json(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                      "--year", "2018", "--hs", "0702", "--flow", "import")
    assert (result["volume_effect"], result["price_effect"], result["residual"]) == (
        20.0, 50.0, 10.0)
    code, out, _ = run(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                       "--year", "2018", "--hs", "07", "--flow", "import")
    assert code == 0
    assert "Volume effect = Σ (q₁ − q₀) × p₀" in out and "basis: net weight, kg" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--hs", "7"], "expected HS codes of 2 to 10 digits"),
    (["--hs", "27"], "no export of RU-TOM in HS 27"),
    (["--hs", "07", "--partner", "CN"], "no data with CN"),
])
def test_decompose_bad_input(vegetables: str, capsys, args: list[str], message: str) -> None:
    code, _, err = run(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                       "--year", "2018", *args)
    assert code == 2
    assert message in err


# -- indices ---------------------------------------------------------------------------


def test_indices_hhi_by_hand(small: str, capsys) -> None:
    result = run_json(capsys, "--store", small, "indices", "--reporter", "RU-TOM",
                      "--year", "2018")
    rows = {(r["kind"], r["year"], r["flow"]): r for r in result["concentration"]}
    kz, cn = 300.5 / 1300.5 * 100, 1000 / 1300.5 * 100
    assert rows[("partners", 2018, "export")]["hhi"] == round(kz**2 + cn**2, 6)
    assert rows[("partners", 2018, "export")]["band"] == "high"
    assert rows[("partners", 2017, "import")]["hhi"] == 10000.0
    # products: the confidential line is left out, 3901 and 4407 remain
    assert rows[("products", 2018, "export")]["parts"] == 2
    assert result["bands_source"].startswith("U.S. DOJ & FTC")


def test_indices_text_names_the_band(small: str, capsys) -> None:
    code, out, _ = run(capsys, "--store", small, "indices", "--reporter", "RU-TOM", "--year",
                       "2018")
    assert code == 0
    assert "partners  export" in out and "highly concentrated" in out


# -- notes -----------------------------------------------------------------------------


def test_note_add_list_delete(small: str, capsys) -> None:
    code, out, _ = run(capsys, "--store", small, "note", "add", "--date", "2018-06",
                       "--text", "New border crossing opened", "--partner", "kz", "--hs", "07")
    assert code == 0 and out.strip() == "1"
    notes = run_json(capsys, "--store", small, "note", "list")
    assert [(n["id"], n["date"], n["builtin"]) for n in notes] == [
        (1, "2018-06", False), (None, "2022", True), (None, "2023", True)]
    assert notes[0]["partner"] == "KZ" and notes[0]["hs_code"] == "07"
    code, out, _ = run(capsys, "--store", small, "note", "list")
    assert "1  2018-06 · KZ · 07: New border crossing opened" in out
    assert run(capsys, "--store", small, "note", "delete", "1")[0] == 0
    assert [n["id"] for n in run_json(capsys, "--store", small, "note", "list")] == [None, None]


@pytest.mark.parametrize(("argv", "message"), [
    (["add", "--date", "2018-13", "--text", "x"], "expected a year YYYY or a month YYYY-MM"),
    (["add", "--date", "2018", "--text", "  "], "a note needs a text"),
    (["add", "--date", "2018", "--text", "x", "--partner", "KAZ"], "alpha-2"),
    (["add", "--date", "2018", "--text", "x", "--hs", "7"], "2 to 10 digits"),
    (["delete", "99"], "no note with id 99"),
])
def test_note_bad_input(small: str, capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "--store", small, "note", *argv)
    assert code == 2 and out == ""
    assert message in err


# -- on the demo -----------------------------------------------------------------------


def test_demo_tomsk_vegetables_from_kz(demo_path: Path, capsys) -> None:
    result = run_json(capsys, "--store", str(demo_path), "decompose", "--reporter", "RU-TOM",
                      "--year", "2018", "--hs", "07", "--partner", "KZ", "--flow", "import")
    assert (result["change"], round(result["volume_effect"], 2), round(result["price_effect"], 2),
            round(result["residual"], 2)) == (1656925.71, 1377012.02, 236636.07, 43277.62)
    assert result["volume_effect"] + result["price_effect"] + result["residual"] == (
        pytest.approx(result["change"], abs=1e-6))
    assert result["basis"] == "net_kg" and result["unmatched_value"] == 0.0


def test_demo_regions_and_tomsk_hhi(demo_path: Path, capsys) -> None:
    rows = run_json(capsys, "--store", str(demo_path), "regions", "--partner", "KZ",
                    "--year", "2018")
    assert len(rows) == 8 and [r["rank"] for r in rows] == list(range(1, 9))
    tomsk = next(r for r in rows if r["reporter"] == "RU-TOM")
    assert (tomsk["value"], tomsk["rank"], tomsk["district_rank"]) == (69800000.0, 8, 6)
    result = run_json(capsys, "--store", str(demo_path), "indices", "--reporter", "RU-TOM",
                      "--year", "2018")
    rows = {(r["kind"], r["flow"]): r for r in result["concentration"] if r["year"] == 2018}
    assert (round(rows[("partners", "export")]["hhi"]), rows[("partners", "export")]["band"]) == (
        2833, "high")
    assert (round(rows[("partners", "import")]["hhi"]),
            rows[("partners", "import")]["band"]) == (1268, "unconcentrated")


def test_demo_estimate_and_backtest(demo_path: Path, capsys) -> None:
    result = run_json(capsys, "--store", str(demo_path), "estimate", "--reporter", "RU-TOM",
                      "--year", "2018", "--ytd", "6")
    assert result["kind"] == "estimate" and result["base_years"] == [2015, 2016, 2017]
    assert result["low"] < result["estimate"] < result["high"]
    assert "Estimate = January–6 value" in result["method"]
    code, out, _ = run(capsys, "--store", str(demo_path), "estimate", "--reporter", "RU-TOM",
                       "--year", "2018", "--ytd", "6")
    assert out.startswith("ESTIMATE (not a statistic)")
    rows = run_json(capsys, "--store", str(demo_path), "backtest")
    assert [(r["through_month"], r["estimates"], round(r["mape"], 2)) for r in rows] == [
        (3, 48, 7.33), (6, 48, 4.66), (9, 48, 3.46)]


def test_decompose_a_basket_equals_its_codes(vegetables: str, capsys) -> None:
    by_basket = run_json(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                         "--year", "2018", "--basket", "vegetables", "--flow", "import")
    by_code = run_json(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                       "--year", "2018", "--hs", "07", "--flow", "import")
    assert by_basket == by_code
    code, _, err = run(capsys, "--store", vegetables, "decompose", "--reporter", "RU-TOM",
                       "--year", "2018", "--basket", "fruit")
    assert code == 2
    assert "no basket 'fruit'; baskets: petrochemicals, timber, vegetables" in err


def test_regions_for_a_group_follow_its_members_of_each_year(small: str, capsys) -> None:
    by_group = run_json(capsys, "--store", small, "regions", "--group", "eaeu", "--year", "2018")
    by_partner = run_json(capsys, "--store", small, "regions", "--partner", "KZ", "--year",
                          "2018")
    assert by_group == by_partner  # of the EAEU, only KZ trades with these regions
    members = {2017: {"KZ"}, 2018: {"CN"}}
    table = compare.regions_table(Store(small), partners=members.__getitem__, year=2018)
    tomsk = table.set_index("reporter").loc["RU-TOM"]
    assert (tomsk["previous"], tomsk["value"]) == (150.0, 1000.0)  # KZ 2017, CN 2018
    code, _, err = run(capsys, "--store", small, "regions", "--group", "nato", "--year", "2018")
    assert code == 2 and "no group 'nato'; groups: eaeu, cis" in err


def test_indices_rca_by_hand(small: str, capsys) -> None:
    # Exports 2018 of the loaded regions: Tomsk 3901 300.5 and 4407 600 (the confidential
    # 400 left out), Kemerovo 2701 100; so RCA of 39 and 44 = (x / 900.5) / (x / 1000.5).
    result = run_json(capsys, "--store", small, "indices", "--reporter", "RU-TOM",
                      "--year", "2018")
    assert [(r["chapter"], r["rca"]) for r in result["rca"]] == [
        ("39", round(1000.5 / 900.5, 6)), ("44", round(1000.5 / 900.5, 6))]
    everything = run_json(capsys, "--store", small, "indices", "--reporter", "RU-TOM",
                          "--year", "2018", "--min-share", "0")
    assert [(r["chapter"], r["rca"]) for r in everything["rca"]][-1] == ("27", 0.0)
