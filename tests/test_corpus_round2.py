"""The bad-input corpus, round 2: the classes a red-team pass found, made at test time.

Each case is a hostile or careless file written into a temporary directory (some are
large, or their point is a declared size far beyond their bytes).  Every one must give
one line naming the file (and line and column where there is one), exit 2 from the
CLI, and leave the store as it was; the ones that are valid must load exactly.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import responses
import xlsxwriter

from dashboard.__main__ import main
from dashboard.core.config import PROJECT_ROOT
from dashboard.core.errors import OborotError
from dashboard.data.ingest import ingest_file
from dashboard.data.store import Store, TradeQuery
from tests.conftest import make_loaded
from tests.corpus import make_corpus as corpus
from tests.test_corpus import snapshot


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_loaded(tmp_path_factory.mktemp("corpus2") / "store.duckdb")


@pytest.fixture
def loaded(template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(template, path)
    with Store(path, keep_open=True) as store:
        yield store


def refused(store: Store, path: Path, pattern: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The one-line error of ``ingest``, checked in-process and through the CLI (exit 2)."""
    before = snapshot(store)
    with pytest.raises(OborotError) as info:
        ingest_file(store, path)
    message = str(info.value)
    assert re.search(pattern, message), message
    assert message.startswith(path.name) and "\n" not in message
    assert snapshot(store) == before
    store.close()
    capsys.readouterr()
    assert main(["--store", str(store.path), "ingest", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {message}"]
    return message


def xlsx_book(path: Path, rows: list[list[object]], *, far: tuple[int, int] | None = None,
              sheet: str = "data") -> Path:
    """A workbook of ``rows``; ``far`` puts one more cell (0-based row, column) far away."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    for r, values in enumerate(rows):
        ws.write_row(r, 0, values)
    if far is not None:
        ws.write(*far, 1)
    book.close()
    return path


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """The same zip with one member's bytes changed."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = change(parts[member])
    path.write_bytes(corpus.zipped(parts))
    return path


def peak_rss_mb_of(code: str) -> tuple[int, str]:
    """Run ``code`` in a fresh interpreter; (its peak resident MB, its stdout)."""
    # VmHWM, not ru_maxrss: the latter keeps the forked parent's size across exec.
    script = code + ("\nimport re; print(int(re.search(r'VmHWM:\\s+(\\d+)', "
                     "open('/proc/self/status').read()).group(1)) // 1024)")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *out, peak = done.stdout.strip().splitlines()
    return int(peak), "\n".join(out)


# -- 1. a workbook's declared size is never materialised ---------------------------------------


@pytest.mark.parametrize(("far", "label"), [((1_048_575, 16_383), "XFD1048576"),
                                            ((200_000, 300), "KP200001")])
def test_a_stray_far_cell_costs_nothing(far: tuple[int, int], label: str, loaded: Store,
                                        tmp_path: Path) -> None:
    path = xlsx_book(tmp_path / "far.xlsx", [corpus.XLSX_HEADER, corpus.XLSX_ROW,
                                             corpus.XLSX_ROW], far=far)
    assert path.stat().st_size < 10_000
    peak, out = peak_rss_mb_of(
        "from pathlib import Path; from dashboard.data.sources.detect import open_trade_file\n"
        f"parsed = open_trade_file(Path({str(path)!r}))\n"
        "print(sum(b.num_rows for b in parsed.batches))")
    assert out == "2" and peak < 400, (label, peak)
    started = time.monotonic()
    result = ingest_file(loaded, path)
    assert result.rows == 2 and time.monotonic() - started < 10
    kz = loaded.aggregate(["flow"], TradeQuery(reporter="RU-TOM", partners=("KZ",),
                                                dataset_ids=(result.dataset_id,)))
    assert kz.set_index("flow")["value_usd"].to_dict() == {"export": 200.0}


def test_the_upload_preview_reads_a_far_cell_workbook_cheaply(tmp_path: Path) -> None:
    path = xlsx_book(tmp_path / "far.xlsx", [["title"], corpus.XLSX_HEADER, corpus.XLSX_ROW],
                     far=(1_048_575, 16_383))
    peak, out = peak_rss_mb_of(
        "from pathlib import Path; from dashboard.data.sources.excel import preview_rows\n"
        f"print(len(preview_rows(Path({str(path)!r}), rows=11, display_name='far.xlsx')))")
    assert out == "3" and peak < 400


def test_a_workbook_over_the_row_limit_is_refused_by_its_rows(loaded: Store, tmp_path: Path,
                                                              monkeypatch, capsys) -> None:
    path = xlsx_book(tmp_path / "rows.xlsx", [corpus.XLSX_HEADER] + [corpus.XLSX_ROW] * 30,
                     far=(1_000_000, 2))
    monkeypatch.setenv("OBOROT_MAX_ROWS", "20")
    refused(loaded, path, r"^rows\.xlsx: sheet 'data' has 31 rows; at most 20 are accepted "
                          r"\(OBOROT_MAX_ROWS\)", capsys)


def test_cells_right_of_the_header_are_ignored(loaded: Store, tmp_path: Path) -> None:
    rows = [corpus.XLSX_HEADER, [*corpus.XLSX_ROW, "", "", "note"], corpus.XLSX_ROW]
    path = xlsx_book(tmp_path / "notes.xlsx", rows)
    assert ingest_file(loaded, path).rows == 2


@pytest.mark.parametrize(("member", "change", "found"), [
    ("xl/workbook.xml", lambda b: b.replace(b"?>", b'?><!DOCTYPE workbook [<!ENTITY a "x">]>', 1),
     "DTDForbidden"),
    ("xl/workbook.xml", lambda b: b[: len(b) // 2], "ParseError"),
    ("xl/worksheets/sheet1.xml", lambda b: b.replace(b"<sheetData>", b"<sheetData><row><c>", 1),
     "ParseError"),
    ("xl/sharedStrings.xml", lambda b: b.replace(b"?>", b'?><!DOCTYPE sst [<!ENTITY a "x">]>', 1),
     "DTDForbidden"),
])
def test_a_workbook_with_a_dtd_or_broken_xml_is_refused(member: str, change, found: str,
                                                        loaded: Store, tmp_path: Path,
                                                        capsys) -> None:
    path = xlsx_book(tmp_path / "bad.xlsx", [corpus.XLSX_HEADER, corpus.XLSX_ROW])
    rewrite_member(path, member, change)
    refused(loaded, path, rf"^bad\.xlsx: expected a readable Excel workbook .*{found}", capsys)


# -- 4. realistic inputs that gave tracebacks: one line and exit 2, or loaded ------------------


@pytest.mark.parametrize("header", [
    corpus.RU_HEADER.replace("period", "period "),
    corpus.RU_HEADER.replace("Stoim", "Stoim\u00a0"),
    corpus.RU_HEADER.replace("strana", "\ufeffstrana"),
    corpus.RU_HEADER.replace("napr", " napr\u200b"),
    "\ufeff\ufeff" + corpus.RU_HEADER.replace("\t", " \t "),
])
def test_header_names_are_matched_after_trimming(header: str, loaded: Store,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "spaced.csv"
    path.write_bytes(corpus.fcs(header=header))
    result = ingest_file(loaded, path)
    assert (result.rows, result.format) == (3, "fcs-ru")


def test_header_names_in_a_tidy_table_and_a_workbook_are_trimmed(loaded: Store,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_bytes(corpus.tidy(header=corpus.TIDY_HEADER.replace("value_usd", "value_usd\u00a0")
                                 .replace("year", " year ")))
    assert ingest_file(loaded, path).rows == 2
    header = [f" {name}\u00a0" for name in corpus.XLSX_HEADER]
    book = xlsx_book(tmp_path / "spaced.xlsx", [header, corpus.XLSX_ROW])
    assert ingest_file(loaded, book).rows == 1


def test_a_cp1251_file_with_utf8_rows_names_the_first_bad_line(loaded: Store, tmp_path: Path,
                                                               capsys) -> None:
    path = tmp_path / "mixed.csv"  # the head (first 256 KB) is cp1251, line 3005 is UTF-8
    path.write_bytes(corpus.fcs(*[corpus.GOOD_ROW] * 3000, encoding="cp1251")
                     + corpus.row(napr="ИМ").encode() + b"\n")
    refused(loaded, path, r"^mixed\.csv, line 3005: expected text in one encoding throughout "
                          r"\(the file starts as cp1251", capsys)


def test_a_utf8_file_with_cp1251_rows_names_the_first_bad_line(loaded: Store, tmp_path: Path,
                                                               capsys) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(corpus.fcs(*[corpus.GOOD_ROW] * 3000)
                     + corpus.row(napr="ИМ").encode("cp1251") + b"\n")
    refused(loaded, path, r"^mixed\.csv, line 3005: expected text in one encoding throughout "
                          r"\(the file starts as utf-8", capsys)


def _stored_zip(data: bytes) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("DATTSVT.csv", date_time=corpus.ZIP_TIME), data)
    return bytearray(buffer.getvalue())


def _method(data: bytearray, method: int) -> bytes:
    """The archive with its member's compression method set to ``method`` in both headers."""
    central = data.find(b"PK\x01\x02")
    data[8:10] = data[central + 10:central + 12] = method.to_bytes(2, "little")
    return bytes(data)


def _flip(data: bytes, offset: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 0xFF
    return bytes(changed)


BIG_FCS = corpus.fcs(*[corpus.row(Stoim=f"{i * 7919 % 100_003},{i % 97:02}", Netto=f"{i}")
                        for i in range(20_000)])
ARCHIVES: dict[str, Callable[[], bytes]] = {
    "deflate_corrupt.zip": lambda: _flip(corpus.zipped({"DATTSVT.csv": BIG_FCS}), 2000),
    "crc_mismatch.zip": lambda: _flip(bytes(_stored_zip(BIG_FCS)), 300_000),
    "aes_method_99.zip": lambda: _method(_stored_zip(corpus.fcs()), 99),
    "lzma_method_14.zip": lambda: _method(_stored_zip(corpus.fcs()), 14),
    "bzip2_garbage.zip": lambda: _method(_stored_zip(corpus.fcs()), 12),
    "truncated_member.zip": lambda: corpus.zipped({"DATTSVT.csv": BIG_FCS})[:-200],
}


@pytest.mark.parametrize("name", sorted(ARCHIVES))
def test_a_damaged_archive_is_one_line(name: str, loaded: Store, tmp_path: Path,
                                       capsys) -> None:
    path = tmp_path / name
    path.write_bytes(ARCHIVES[name]())
    refused(loaded, path, rf"^{re.escape(name)}: expected (an intact file|an archive|a text)",
            capsys)


COMTRADE_BULK = PROJECT_ROOT / "tests" / "fixtures" / "comtrade" / "C_A_398_201801_S1_O.txt.gz"


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_a_truncated_gzip_download_is_one_line(keep: float, loaded: Store, tmp_path: Path,
                                               capsys) -> None:
    body = gzip.compress(gzip.decompress(COMTRADE_BULK.read_bytes()) * 300)
    path = tmp_path / "C_A_398_201801_S1_O.txt.gz"
    path.write_bytes(body[: int(len(body) * keep)])
    refused(loaded, path, r"^C_A_398_201801_S1_O\.txt\.gz: expected an intact file .*"
                          r"(Truncated|EOF|end-of-stream)", capsys)


def test_a_damaged_workbook_part_is_one_line(loaded: Store, tmp_path: Path, capsys) -> None:
    path = xlsx_book(tmp_path / "crc.xlsx", [corpus.XLSX_HEADER, *[corpus.XLSX_ROW] * 2000])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 30 + len(info.filename) + 500] ^= 0xFF
    path.write_bytes(bytes(data))
    refused(loaded, path, r"^crc\.xlsx: expected a readable Excel workbook", capsys)


# -- rates files ------------------------------------------------------------------------------

VALUTE = ('<Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode>'
          '<Nominal>1</Nominal><Name>Dollar</Name><Value>64,2633</Value></Valute>')


def daily(*, date: str = "16.04.2019", nominal: str = "1", value: str = "64,2633",
          encoding: str = "windows-1251", extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="{encoding}"?><ValCurs Date="{date}" '
            f'name="Foreign Currency Market">'
            + VALUTE.replace("<Nominal>1<", f"<Nominal>{nominal}<")
            .replace("64,2633", value) + extra + "</ValCurs>").encode("utf-8")


RATES = {
    "unknown_encoding.xml": (daily(encoding="x-no-such-codepage"),
                             r"expected XML_daily\.asp XML in a known encoding"),
    "nominal_400_digits.xml": (daily(nominal="9" * 400),
                               r"expected a positive whole nominal of at most 1,000,000"),
    "nominal_arabic_digits.xml": (daily(nominal="١٠", encoding="utf-8"),
                                  r"expected a positive whole nominal"),
    "value_underscore.xml": (daily(value="5_6"), r"expected a number, found '5_6'"),
    "value_inf.xml": (daily(value="inf"), r"expected a number, found 'inf'"),
    "value_400_digits.xml": (daily(value="9" * 400), r"expected a positive rate"),
    "dated_2100.xml": (daily(date="16.04.2100"),
                       r"expected a date between 1992-07-01 and \d{4}-\d\d-\d\d \(today \+ 7 "
                       r"days\), found 2100-04-16"),
    "dated_1900.xml": (daily(date="16.04.1900"), r"expected a date between 1992-07-01"),
    "conflicting_duplicate.xml": (daily(extra=VALUTE.replace("64,2633", "65,0")),
                                  r"USD/RUB on 2019-04-16: two different rates in one file "
                                  r"\(64\.2633 and 65\); keep one"),
}


@pytest.mark.parametrize("name", sorted(RATES))
def test_a_bad_rates_file_is_one_line(name: str, loaded: Store, tmp_path: Path,
                                      capsys) -> None:
    body, pattern = RATES[name]
    path = tmp_path / name
    path.write_bytes(body)
    before = snapshot(loaded)
    loaded.close()
    capsys.readouterr()
    assert main(["--store", str(loaded.path), "rates", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].removeprefix("error: ").startswith(f"{name}: "), err
    assert re.search(pattern, err[0]), err[0]
    assert snapshot(loaded) == before


def test_a_rate_repeated_in_one_file_is_stored_once(loaded: Store, tmp_path: Path,
                                                    capsys) -> None:
    path = tmp_path / "repeated.xml"
    path.write_bytes(daily(extra=VALUTE))
    loaded.close()
    capsys.readouterr()
    assert main(["--store", str(loaded.path), "rates", "import", str(path)]) == 0
    assert "1 rate(s) stored" in capsys.readouterr().out


# -- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("OBOROT_MAX_ROWS", "5_6", r"a whole number of 1 or more \(default 50000000\), found '5_6'"),
    ("OBOROT_MAX_ROWS", "1e6", r"a whole number of 1 or more"),
    ("OBOROT_MAX_ROWS", "0", r"a whole number of 1 or more"),
    ("OBOROT_MAX_ROWS", "-5", r"a whole number of 1 or more"),
    ("OBOROT_MAX_UPLOAD_MB", "lots", r"a whole number of 0 or more \(default 500\)"),
    ("OBOROT_MAX_UPLOAD_MB", "9" * 400, r"a whole number of 0 or more"),
    ("OBOROT_HTTP_TIMEOUT", "nan", r"a number of 0\.1 or more such as 5, found 'nan'"),
    ("OBOROT_HTTP_TIMEOUT", "inf", r"a number of 0\.1 or more"),
    ("OBOROT_HTTP_TIMEOUT", "0", r"a number of 0\.1 or more"),
    ("OBOROT_BLOCK_BYTES", "16M", r"a whole number of 1 or more"),
])
def test_an_invalid_number_in_a_setting_names_the_variable(name: str, value: str, expected: str,
                                                           loaded: Store, monkeypatch,
                                                           capsys) -> None:
    path = loaded.path.with_name("ok.csv")
    path.write_bytes(corpus.fcs())
    loaded.close()
    monkeypatch.setenv(name, value)
    capsys.readouterr()
    assert main(["--store", str(loaded.path), "ingest", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {name}: expected "), err
    assert re.search(expected, err[0]), err[0]


@pytest.mark.parametrize(("name", "value"), [("OBOROT_MAX_ROWS", " 1000 "),
                                             ("OBOROT_HTTP_TIMEOUT", "2.5"),
                                             ("OBOROT_MAX_UPLOAD_MB", "")])
def test_valid_settings_are_read(name: str, value: str, monkeypatch) -> None:
    from dashboard.core.config import settings

    monkeypatch.setenv(name, value)
    config = settings()
    assert (config.max_rows, config.http_timeout, config.max_upload_mb) == (
        1000 if value.strip() == "1000" else 50_000_000, 2.5 if value == "2.5" else 5.0, 500)


# -- 5. values at the float limit ---------------------------------------------------------------


@pytest.mark.parametrize(("make", "column"), [
    (lambda: corpus.fcs(corpus.row(Stoim="1e308"), corpus.row(Stoim="1e308")), "Stoim"),
    (lambda: corpus.fcs(corpus.row(Stoim="10000000000001")), "Stoim"),
    (lambda: corpus.fcs(corpus.row(Netto="1e300")), "Netto"),
    (lambda: corpus.fcs(corpus.row(Kol="1e300", edizm="796")), "Kol"),
    (lambda: corpus.tidy("RU-TOM,KZ,export,2018,1,3901,1.7976931348623157e308"), "value_usd"),
    (lambda: corpus.en(corpus.EN_ROW.replace(",100,", ",1e20,")), "VALUE"),
])
def test_a_value_no_real_trade_reaches_is_refused(make, column: str, loaded: Store,
                                                  tmp_path: Path, capsys) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(make())
    refused(loaded, path, rf"^huge\.csv, line \d+, column {column}: expected a (value|number) "
                          r"of at most 1e\+1[35]", capsys)


def test_a_thousand_usd_column_is_bounded_after_scaling(loaded: Store, tmp_path: Path,
                                                        capsys) -> None:
    path = tmp_path / "kusd.csv"
    path.write_bytes(b"reporter,partner,flow,year,value_thousand_usd\n"
                     b"RU-TOM,KZ,export,2018,10000000001\n")
    refused(loaded, path, r"^kusd\.csv, line 2, column value_thousand_usd: expected a value of "
                          r"at most 1e\+13", capsys)


def test_the_largest_accepted_values_sum_to_finite_json(loaded: Store, tmp_path: Path,
                                                        capsys) -> None:
    path = tmp_path / "edge.csv"
    path.write_bytes(corpus.fcs(*[corpus.row(Stoim="10000000000000")] * 50, good=0))
    assert ingest_file(loaded, path).rows == 50
    loaded.close()
    capsys.readouterr()
    assert main(["--store", str(loaded.path), "summary", "--reporter", "RU-TOM", "--year",
                 "2018", "--json"]) == 0
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
    json.loads(out, parse_constant=lambda name: pytest.fail(f"non-finite {name} in JSON"))


def test_money_never_shows_infinity() -> None:
    from dashboard.core.formatting import money

    assert money(float("inf"), "USD", "en") == "—" and money(float("nan"), "RUB", "ru") == "—"


# -- 6. loose parsing: anchored periods, a plausible window -----------------------------------


@pytest.mark.parametrize("period", ["2018-1234", "2018-12abc", "01/2018x", "15.01.2018junk",
                                    "2018-01-01T12:30", "12/20181", "1/2018/7", " 2018-1 2"])
def test_a_period_with_anything_after_it_is_refused(period: str, loaded: Store, tmp_path: Path,
                                                    capsys) -> None:
    path = tmp_path / "period.csv"
    path.write_bytes(corpus.fcs(corpus.row(period=period)))
    refused(loaded, path, r"^period\.csv, line 5, column period: expected a period as MM/YYYY",
            capsys)


@pytest.mark.parametrize(("period", "month"), [("2018-03", 3), ("2018-3-01", 3),
                                               ("2018-03-01 00:00:00", 3), ("01.04.2018", 4),
                                               ("01.04.2018 00:00", 4), ("5/2018", 5)])
def test_excel_resaved_periods_still_load(period: str, month: int, loaded: Store,
                                          tmp_path: Path) -> None:
    path = tmp_path / "resaved.csv"
    path.write_bytes(corpus.fcs(corpus.row(period=period), good=0))
    result = ingest_file(loaded, path)
    assert (result.rows, result.period_start) == (1, f"2018-{month:02}")


def test_a_future_year_or_month_is_refused(loaded: Store, tmp_path: Path, capsys) -> None:
    from dashboard.data.schema import latest_period

    year, month = latest_period()
    path = tmp_path / "future.csv"
    path.write_bytes(corpus.fcs(corpus.row(period=f"01/{year + 1}")))
    refused(loaded, path, rf"^future\.csv, line 5, column period: expected a year between 1950 "
                          rf"and {year} \(no later trade is published yet\)", capsys)
    if month < 12:
        path = tmp_path / "next_month.csv"
        path.write_bytes(corpus.fcs(corpus.row(period=f"{month + 1:02}/{year}")))
        refused(loaded, path, rf"expected a month up to {month:02}/{year}", capsys)


def test_a_comtrade_period_must_be_yyyy_or_yyyymm(loaded: Store, tmp_path: Path,
                                                  capsys) -> None:
    source = PROJECT_ROOT / "tests" / "fixtures" / "comtrade" / "legacy_api_156_2010.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header, row = csv.reader(lines[:2])
    row[header.index("Period")] = "2010-1234"
    path = tmp_path / "comtrade.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, row])
    path.write_text(buffer.getvalue())
    refused(loaded, path, r"^comtrade\.csv, line 2, column Period: expected a period as YYYY or "
                          r"YYYYMM", capsys)


# -- 11. smaller: contradicting region, two DATTSVT.csv -----------------------------------------


@pytest.mark.parametrize("region", ["69000 - ГОРОД МОСКВА", "69000 - МОСКОВСКАЯ ОБЛАСТЬ",
                                    "45000 - ТОМСКАЯ ОБЛАСТЬ", "69000 - MOSCOW"])
def test_a_region_code_contradicting_its_name_is_refused(region: str, loaded: Store,
                                                         tmp_path: Path, capsys) -> None:
    path = tmp_path / "region.csv"
    path.write_bytes(corpus.fcs(corpus.row(Region=region)))
    refused(loaded, path, r"^region\.csv, line 5, column Region: expected a federal subject .*"
                          r"\(code and name of the same region\)", capsys)


@pytest.mark.parametrize("region", ["69000 - ТОМСКАЯ ОБЛАСТЬ", "69000 - TOMSK REGION",
                                    "69000 - Томская обл.", "69000", "45000 - Г. МОСКВА",
                                    "45000 - ГОРОД МОСКВА"])
def test_a_region_code_with_a_variant_of_its_name_loads(region: str, loaded: Store,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "region.csv"
    path.write_bytes(corpus.fcs(corpus.row(Region=region), good=0))
    assert ingest_file(loaded, path).rows == 1


def test_a_tidy_reporter_contradicting_itself_is_refused(loaded: Store, tmp_path: Path,
                                                         capsys) -> None:
    path = tmp_path / "tidy.csv"
    path.write_bytes(corpus.tidy("69000 - ГОРОД МОСКВА,KZ,export,2018,1,3901,5"))
    refused(loaded, path, r"^tidy\.csv, line 4, column reporter: expected a region", capsys)


def test_a_zip_with_two_dattsvt_in_folders_is_refused_not_half_loaded(
        loaded: Store, tmp_path: Path, capsys) -> None:
    path = tmp_path / "two.zip"
    path.write_bytes(corpus.zipped({"jan/DATTSVT.csv": corpus.fcs(),
                                    "feb/DATTSVT.csv": corpus.fcs(corpus.row(period="02/2018"))}))
    refused(loaded, path, r"^two\.zip: expected an archive with one DATTSVT\.csv .*found "
                          r"'jan/DATTSVT\.csv, feb/DATTSVT\.csv'", capsys)


# -- a full disk during commit ------------------------------------------------------------------

FULL_DISK = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = os.path.getsize(sys.argv[1]) + (256 << 10)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from dashboard.__main__ import main
sys.exit(main(["--store", sys.argv[1], "ingest", sys.argv[2]]))
"""


def test_a_full_disk_during_commit_is_one_line_and_loses_nothing(loaded: Store,
                                                                 tmp_path: Path) -> None:
    """The disk filling up is simulated with RLIMIT_FSIZE (no root, no tmpfs needed)."""
    path = corpus.fcs_rows(tmp_path / "rows.csv", 100_000)
    before = snapshot(loaded)
    loaded.close()
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(loaded.path), str(path)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: could not write the store (file size limit reached); the change was rolled "
        "back and the stored data is as before"]
    with Store(loaded.path) as store:
        assert snapshot(store) == before
        assert ingest_file(store, path).rows == 100_000  # with room again, it loads


@responses.activate
def test_a_stored_rate_dated_2100_does_not_stop_updates(tmp_path: Path, monkeypatch,
                                                        capsys) -> None:
    """A store written before such dates were refused still gets new rates."""
    from datetime import date

    import pandas as pd
    from responses import matchers

    from dashboard.rates import refresh

    for name in ("OBOROT_CBR_URL", "OBOROT_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    store = Store(tmp_path / "rates.duckdb")
    store.upsert_rates(pd.DataFrame({"date": [pd.Timestamp("2018-08-31"),
                                              pd.Timestamp("2100-01-01")],
                                     "currency": "USD", "quote": "RUB", "rate": [68.0, 1.0],
                                     "source": "cbr"}))
    fixtures = PROJECT_ROOT / "tests" / "fixtures" / "rates"
    responses.get("https://www.cbr.ru/scripts/XML_dynamic.asp", match=[
        matchers.query_param_matcher({"date_req1": "01/09/2018", "date_req2": "04/09/2018",
                                      "VAL_NM_RQ": "R01235"})],
        body=(fixtures / "cbr_dynamic_usd_2018-09-01_2018-09-04.xml").read_bytes())
    result = refresh.update(store, source="cbr", currencies=["USD"], end=date(2018, 9, 4))
    assert result.rows == 2 and result.up_to_date == ()
