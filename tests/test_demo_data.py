"""The bundled synthetic FCS export: its layout, determinism and calibration targets.

Read with plain pandas on purpose, so these checks do not depend on the loader
they are meant to feed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
CSV = DEMO / "DATTSVT.csv"
GENERATOR = DEMO / "make_demo.py"
HEADER = "napr\tperiod\tstrana\ttnved\tedizm\tStoim\tNetto\tKol\tRegion\tRegion_s"
TOMSK = "69000 - ТОМСКАЯ ОБЛАСТЬ"
TOLERANCE_USD = 0.05e6


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    """The demo file with Stoim as float USD (decimal comma converted) and the year."""
    frame = pd.read_csv(CSV, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.assign(
        usd=frame["Stoim"].str.replace(",", ".", regex=False).astype(float),
        year=frame["period"].str[3:].astype(int),
    )


@pytest.fixture(scope="module")
def tomsk_kz_2018(demo: pd.DataFrame) -> pd.DataFrame:
    return demo.query("Region == @TOMSK and strana == 'KZ' and year == 2018")


def test_raw_layout_is_tab_utf8_lf_without_bom() -> None:
    raw = CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    assert raw.decode("utf-8").split("\n", 1)[0] == HEADER


def test_file_is_small() -> None:
    assert CSV.stat().st_size < 8 * 1024 * 1024


def test_generator_is_deterministic(tmp_path: Path) -> None:
    out = tmp_path / "DATTSVT.csv"
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True,
                   timeout=60)
    assert out.read_bytes() == CSV.read_bytes()


def test_field_formats(demo: pd.DataFrame) -> None:
    assert list(demo.columns[:10]) == HEADER.split("\t")
    assert set(demo["napr"]) == {"ЭК", "ИМ"}
    assert demo["period"].str.fullmatch(r"(0[1-9]|1[0-2])/20(1[5-8])").all()
    assert demo["period"].nunique() == 48
    assert demo["strana"].str.fullmatch(r"[A-Z]{2}").all()
    assert demo["tnved"].str.len().eq(10).all()
    assert demo["tnved"].str.fullmatch(r"[0-9]{10}|X{10}").all()
    assert demo["tnved"].str.startswith("0").any()
    assert {"0702000000", "2501009100"} <= set(demo["tnved"])
    assert demo["edizm"].str.fullmatch(r"[0-9]{3}|").all()
    assert demo["Stoim"].str.fullmatch(r"[0-9]+,[0-9]{2}").all()
    for column in ("Netto", "Kol"):
        assert demo[column].str.fullmatch(r"[0-9]+(,[0-9]+)?").all()
    assert demo.loc[demo["edizm"] == "", "Kol"].eq("0").all()
    assert demo["Region"].str.fullmatch(r"[0-9]{5} - \S.*").all()
    assert demo["Region_s"].str.fullmatch(r"0[1-8]-\S.*").all()
    assert not demo.duplicated(["napr", "period", "strana", "tnved", "Region"]).any()


def test_confidential_lines_are_a_small_share(demo: pd.DataFrame) -> None:
    hidden = demo["tnved"] == "XXXXXXXXXX"
    assert hidden.any()
    share = demo[hidden].groupby("Region")["usd"].sum() / demo.groupby("Region")["usd"].sum()
    assert share.dropna().between(0.005, 0.035).all()


@pytest.mark.parametrize(("year", "turnover"), [(2018, 69.8e6), (2017, 59.6e6)])
def test_tomsk_kazakhstan_turnover(demo: pd.DataFrame, year: int, turnover: float) -> None:
    pair = demo.query("Region == @TOMSK and strana == 'KZ' and year == @year")
    assert abs(pair["usd"].sum() - turnover) <= TOLERANCE_USD


def test_kazakhstan_is_tomsk_third_partner_in_2018(demo: pd.DataFrame) -> None:
    tomsk = demo.query("Region == @TOMSK and year == 2018")
    ranked = tomsk.groupby("strana")["usd"].sum().sort_values(ascending=False)
    assert list(ranked.index[:3]) == ["CN", ranked.index[1], "KZ"]
    assert ranked.iloc[3] < 0.8 * ranked["KZ"]


def _top(lines: pd.DataFrame, digits: int, n: int) -> list[str]:
    goods = lines[lines["tnved"] != "XXXXXXXXXX"]
    by_code = goods.groupby(goods["tnved"].str[:digits])["usd"].sum()
    return list(by_code.sort_values(ascending=False).index[:n])


def test_tomsk_exports_to_kazakhstan_are_petrochemicals_and_timber(
    tomsk_kz_2018: pd.DataFrame,
) -> None:
    exports = tomsk_kz_2018[tomsk_kz_2018["napr"] == "ЭК"]
    assert set(_top(exports, 2, 3)) == {"39", "29", "44"}


def test_tomsk_imports_from_kazakhstan_are_vegetables_salt_and_steel(
    tomsk_kz_2018: pd.DataFrame,
) -> None:
    imports = tomsk_kz_2018[tomsk_kz_2018["napr"] == "ИМ"]
    assert set(_top(imports, 2, 3)) == {"07", "25", "72"}
    assert "2501" in _top(imports, 4, 6)
