"""``summary``, ``top`` and ``narrative`` run in-process against real store files.

The small file is conftest's hand-countable FCS sample (Tomsk with KZ and CN):
  2017 KZ: export 100 + import 50 = 150
  2018 KZ: export 300.5 + import 20 = 320.5;  2018 CN: export 1000 (400 confidential)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store
from tests.conftest import ru_text

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "DATTSVT.csv"
SUMMARY_KEYS = {"reporter", "partner", "year", "flow", "currency", "value", "previous",
                "change", "change_pct", "rank"}
TOP_KEYS = ["code", "name", "value", "share", "rank", "previous", "change", "change_pct",
            "contribution"]


@pytest.fixture
def small(tmp_path: Path, write_file: Callable[..., Path]) -> str:
    """The hand-countable file loaded into a fresh store; returns the store path."""
    path = tmp_path / "small.duckdb"
    ingest_file(Store(path), write_file("DATTSVT.csv", ru_text()))
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


def test_summary_json_is_the_hand_count(small: str, capsys: pytest.CaptureFixture[str]) -> None:
    got = run_json(capsys, "--store", small, "summary", "--reporter", "RU-TOM",
                   "--partner", "KZ", "--year", "2018")
    assert SUMMARY_KEYS <= set(got) <= SUMMARY_KEYS | {"month", "ytd"}
    assert got["reporter"] == "RU-TOM" and got["partner"] == "KZ" and got["year"] == 2018
    assert got["flow"] == "turnover" and got["currency"] == "USD"
    assert got["value"] == pytest.approx(320.5)
    assert got["previous"] == pytest.approx(150.0)
    assert got["change"] == pytest.approx(170.5)
    assert got["change_pct"] == pytest.approx(170.5 / 150 * 100)
    assert got["rank"] == 2  # CN 1000 is first


@pytest.mark.parametrize(
    ("extra", "value", "previous", "rank"),
    [
        (["--flow", "export"], 300.5, 100.0, 2),
        (["--flow", "import"], 20.0, 50.0, 1),
        (["--flow", "balance"], 280.5, 50.0, 2),
        (["--ytd", "2"], 300.5, 150.0, 1),  # Jan–Feb: KZ export 2018 vs both 2017 rows; CN is May
        (["--month", "3"], 20.0, None, 1),  # March 2017 holds no rows: no base, never 0
    ],
)
def test_summary_variants(small: str, capsys: pytest.CaptureFixture[str], extra: list[str],
                          value: float, previous: float | None, rank: int) -> None:
    got = run_json(capsys, "--store", small, "summary", "--reporter", "69000", "--partner", "KZ",
                   "--year", "2018", *extra)
    assert got["value"] == pytest.approx(value)
    assert got["previous"] == (None if previous is None else pytest.approx(previous))
    assert got["rank"] == rank


def test_top_partners_agrees_with_summary_and_hand_count(
    small: str, capsys: pytest.CaptureFixture[str]
) -> None:
    top = run_json(capsys, "--store", small, "top", "--reporter", "RU-TOM", "--year", "2018",
                   "--by", "partner")
    assert [list(row) for row in top] == [TOP_KEYS, TOP_KEYS]
    cn, kz = top
    assert (cn["code"], cn["name"], cn["rank"], cn["value"]) == ("CN", "Китай", 1, 1000.0)
    assert cn["previous"] == 0 and cn["change_pct"] is None  # new partner: no % from zero
    assert cn["contribution"] == pytest.approx(1000 / 150 * 100)
    assert kz["share"] == pytest.approx(320.5 / 1320.5 * 100)
    assert sum(row["share"] for row in top) == pytest.approx(100)
    # Contributions add up to the total's % change (DESIGN.md "Definitions").
    assert sum(row["contribution"] for row in top) == pytest.approx((1320.5 - 150) / 150 * 100)
    summary = run_json(capsys, "--store", small, "summary", "--reporter", "RU-TOM",
                       "--partner", "KZ", "--year", "2018")
    for key in ("value", "previous", "change", "change_pct", "rank"):
        assert kz[key] == pytest.approx(summary[key])


def test_top_commodities_agree_with_the_regions_exports(
    small: str, capsys: pytest.CaptureFixture[str]
) -> None:
    top = run_json(capsys, "--store", small, "top", "--reporter", "RU-TOM", "--year", "2018",
                   "--by", "commodity", "--flow", "export", "--lang", "en")
    assert [(r["code"], r["rank"], r["value"]) for r in top] == [
        ("44", 1, 600.0), ("XXXXXXXXXX", 2, 400.0), ("39", 3, 300.5)]
    assert [r["name"] for r in top] == ["Wood and articles of wood", "Confidential",
                                        "Plastics and articles thereof"]
    total = run_json(capsys, "--store", small, "summary", "--reporter", "RU-TOM",
                     "--year", "2018", "--flow", "export")
    assert total["rank"] is None and total["partner"] is None
    assert sum(r["value"] for r in top) == pytest.approx(total["value"]) == 1300.5
    assert sum(r["previous"] for r in top) == pytest.approx(total["previous"]) == 100.0


def test_top_text_and_n(small: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", small, "top", "--reporter", "RU-TOM", "--year", "2018",
                       "--by", "partner", "--n", "1")
    assert code == 0
    assert out.splitlines() == [out.splitlines()[0]] and "Китай" in out


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--reporter", "RU-XXX", "--partner", "KZ", "--year", "2018"],
         ["no data for RU-XXX", "RU-TOM"]),
        (["--reporter", "99999", "--partner", "KZ", "--year", "2018"],
         ["99999", "RU-TOM"]),
        (["--reporter", "RU-TOM", "--partner", "DE", "--year", "2018"],
         ["no data for RU-TOM with DE", "CN, KZ"]),
        (["--reporter", "RU-TOM", "--partner", "KZ", "--year", "2030"],
         ["no data for RU-TOM in 2030", "2017, 2018"]),
        (["--reporter", "RU-TOM", "--partner", "KZ", "--year", "2018", "--month", "7"],
         ["no monthly data", "1, 3, 5"]),
    ],
)
def test_unknown_input_exits_2_with_one_line(
    small: str, capsys: pytest.CaptureFixture[str], argv: list[str], names: list[str]
) -> None:
    code, out, err = run(capsys, "--store", small, "summary", *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    for name in names:
        assert name in err


def test_missing_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", str(tmp_path / "none.duckdb"), "narrative",
                       "--reporter", "RU-TOM", "--year", "2018")
    assert code == 2 and "no store" in err
    assert not (tmp_path / "none.duckdb").exists()


def test_currency_without_rates_exits_2(small: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--store", small, "summary", "--reporter", "RU-TOM",
                         "--partner", "KZ", "--year", "2018", "--currency", "EUR", "--json")
    assert code == 2 and out == ""
    assert "no official rates stored" in err and "rates update" in err


def test_narrative_on_the_small_file(small: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", small, "narrative", "--reporter", "RU-TOM",
                       "--partner", "KZ", "--year", "2018", "--lang", "en")
    assert code == 0
    assert out.startswith("Trade between Tomsk Oblast and Kazakhstan amounted to $320.5 in 2018, "
                          "up $170.5 (+113.7%) on 2017. Kazakhstan ranks 2nd")


# -- the demo data -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled demo file loaded once into a store; returns its path."""
    if not DEMO.exists():
        pytest.skip("data/demo/DATTSVT.csv is missing")
    path = tmp_path_factory.mktemp("cli") / "demo.duckdb"
    ingest_file(Store(path), DEMO)
    return str(path)


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("ru", ["Товарооборот Томской области с Казахстаном в 2018 году составил $69,8\u00a0млн",
                "3-е место"]),
        ("en", ["Trade between Tomsk Oblast and Kazakhstan amounted to $69.8M in 2018",
                "ranks 3rd"]),
    ],
)
def test_narrative_on_demo(demo: str, capsys: pytest.CaptureFixture[str], lang: str,
                           phrases: list[str]) -> None:
    code, out, err = run(capsys, "--store", demo, "narrative", "--reporter", "69000",
                         "--partner", "KZ", "--year", "2018", "--lang", lang)
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1
    for phrase in phrases:
        assert phrase in out


def test_narrative_matches_golden_on_demo(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    golden = Path(__file__).with_name("golden") / "narrative_ru.txt"
    _, out, _ = run(capsys, "--store", demo, "narrative", "--reporter", "RU-TOM",
                    "--partner", "KZ", "--year", "2018")
    assert out == golden.read_text(encoding="utf-8")
