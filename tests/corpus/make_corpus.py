"""The bad-input corpus: small broken or hostile files, each with the error it must give.

``python tests/corpus/make_corpus.py`` rewrites ``tests/corpus/files/`` (deterministic:
fixed bytes, fixed zip timestamps).  Files too large for the repository (100k
columns, a 10 MB line, over the upload limit, 200 MB) are made at test time by
helpers below, into a temporary directory.

Every case names the error it must produce as a regular expression over the
message.  ``kind`` says what the message must point at: ``cell`` (line and
column), ``line`` (a line), ``file`` (the file as a whole) or ``limit`` (the
limit exceeded).
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"

RU_HEADER = "napr\tperiod\tstrana\ttnved\tedizm\tStoim\tNetto\tKol\tRegion\tRegion_s"
TOMSK = "69000 - ТОМСКАЯ ОБЛАСТЬ\t06-СИБИРСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"
GOOD_ROW = f"ЭК\t01/2018\tKZ\t3901109000\t\t100,00\t10,5\t0\t{TOMSK}"
EN_HEADER = "DIRECTION,PERIOD,COUNTRY,HS,UM,VALUE,NETWEIGHT,QUANTITY,REGION,REGION_S"
EN_ROW = 'EXP,01/2018,KZ,3901109000,,100,10,0,69000 - TOMSK REGION,06-SIBERIAN FEDERAL DISTRICT'
TIDY_HEADER = "reporter,partner,flow,year,month,hs_code,value_usd"
TIDY_ROW = "RU-TOM,KZ,export,2018,1,3901,1000"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    """One corpus file: its bytes, what kind of place the error names, and the message."""

    name: str
    make: Callable[[], bytes]
    kind: str  # cell | line | file | limit
    expect: str  # regular expression the error message must match


def fcs(*rows: str, header: str = RU_HEADER, good: int = 3, newline: str = "\n",
        encoding: str = "utf-8") -> bytes:
    """The Russian FCS layout: ``good`` correct rows, then ``rows``."""
    return newline.join([header, *[GOOD_ROW] * good, *rows]).encode(encoding) + b"\n"


def tidy(*rows: str, header: str = TIDY_HEADER, good: int = 2) -> bytes:
    """An analyst's tidy CSV: ``good`` correct rows, then ``rows``."""
    return "\n".join([header, *[TIDY_ROW] * good, *rows]).encode() + b"\n"


def en(*rows: str, good: int = 2) -> bytes:
    """The English FCS layout (comma separated, decimal point)."""
    return "\n".join([EN_HEADER, *[EN_ROW] * good, *rows]).encode() + b"\n"


def row(**changes: str) -> str:
    """GOOD_ROW with some of its fields replaced (names as in the Russian header)."""
    fields = dict(zip(RU_HEADER.split("\t"), GOOD_ROW.split("\t"), strict=True))
    fields.update(changes)
    return "\t".join(fields.values())


def zipped(members: dict[str, bytes], *, level: int = 6) -> bytes:
    """A zip archive with fixed timestamps (so the bytes never change)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=level)
    return buffer.getvalue()


def xlsx(rows: list[list[object]], *, formulas: dict[tuple[int, int], tuple[str, str]]) -> bytes:
    """A workbook with ``rows`` and formula cells (row, col) -> (formula, cached value)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": __import__("datetime").datetime(2020, 1, 1)})
    sheet = book.add_worksheet("data")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if (r, c) in formulas:
                formula, cached = formulas[(r, c)]
                sheet.write_formula(r, c, formula, None, cached)
            else:
                sheet.write(r, c, value)
    book.close()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps (xlsxwriter stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zipped({info.filename: source.read(info) for info in source.infolist()})


XLSX_HEADER = RU_HEADER.split("\t")
XLSX_ROW: list[object] = ["ЭК", "01/2018", "KZ", "3901109000", "", 100.0, 10.5, 0,
                          "69000 - ТОМСКАЯ ОБЛАСТЬ", "06-СИБИРСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE ValCurs [
<!ENTITY i "lol">
<!ENTITY h "&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;">
<!ENTITY g "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
<!ENTITY f "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY e "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY d "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY c "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY b "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY a "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<ValCurs Date="16.04.2019" name="Foreign Currency Market"><Valute ID="R01235">\
<CharCode>USD</CharCode><Nominal>1</Nominal><Name>&a;</Name><Value>64,2633</Value>\
</Valute></ValCurs>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ValCurs [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ValCurs Date="16.04.2019" name="Foreign Currency Market"><Valute ID="R01235"><NumCode>840\
</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>&xxe;</Name><Value>64,2633</Value>\
</Valute></ValCurs>
"""
DAILY = ('<?xml version="1.0" encoding="windows-1251"?><ValCurs Date="16.04.2019" '
         'name="Foreign Currency Market"><Valute ID="R01235"><NumCode>840</NumCode>'
         '<CharCode>USD</CharCode><Nominal>1</Nominal><Name>Dollar</Name>'
         '<Value>64,2633</Value></Valute></ValCurs>').encode("cp1251")

_WHERE_CELL = r"line \d+, column "


def _cell(file: str, column: str, expected: str) -> str:
    return rf"^{_esc(file)}(?: \[sheet 'data'\])?, line \d+, column {column}: expected {expected}"


def _esc(text: str) -> str:
    import re

    return re.escape(text)


CASES: list[Case] = [
    # -- empty and structural ------------------------------------------------------------------
    Case("empty.csv", lambda: b"", "file", r"^empty\.csv: .*found 'an empty file'"),
    Case("blank_lines.csv", lambda: b"\n\n \r\n\t\n", "file", r"^blank_lines\.csv: .*blank lines"),
    Case("header_only_fcs.csv", lambda: RU_HEADER.encode() + b"\n", "file",
         r"^header_only_fcs\.csv: the file holds no data rows"),
    Case("header_only_tidy.csv", lambda: TIDY_HEADER.encode() + b"\r\n", "file",
         r"^header_only_tidy\.csv: the file holds no data rows"),
    Case("header_only_bom.csv", lambda: b"\xef\xbb\xbf" + RU_HEADER.encode(), "file",
         r"^header_only_bom\.csv: .*no data rows"),
    Case("one_word.csv", lambda: b"hello\nworld\n", "line",
         r"^one_word\.csv, line 1: expected a known header"),
    Case("html_page.csv", lambda: b"<!DOCTYPE html><html><body>Error 500</body></html>\n", "line",
         r"^html_page\.csv, line 1: expected a known header"),
    Case("json.csv", lambda: b'{"data": [{"reporter": "RU-TOM"}]}\n', "line",
         r"^json\.csv, line 1: expected a known header"),
    Case("binary_random.csv", lambda: bytes((i * 7919 + 13) % 256 for i in range(3000)), "file",
         r"^binary_random\.csv: expected a text file .*found 'binary data'"),
    Case("png_image.csv", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "file",
         r"^png_image\.csv: expected a text file .*found 'binary data'"),
    Case("truncated_mid_row.csv", lambda: fcs(GOOD_ROW[:23], newline="\n")[:-1], "line",
         r"^truncated_mid_row\.csv, line 5: expected the same number of columns"),
    Case("ragged_extra_field.csv", lambda: fcs(GOOD_ROW + "\textra"), "line",
         r"^ragged_extra_field\.csv, line 5: expected the same number of columns"),
    Case("mixed_separators.csv", lambda: fcs(GOOD_ROW.replace("\t", ";")), "line",
         r"^mixed_separators\.csv, line 5: expected the same number of columns"),
    Case("unbalanced_quote.csv", lambda: tidy('RU-TOM,"KZ,export,2018,1,3901,1000', good=3),
         "line", r"^unbalanced_quote\.csv, line \d+: expected .*quote"),
    Case("crlf_ragged.csv", lambda: fcs(GOOD_ROW + "\tx\tx", newline="\r\n"), "line",
         r"^crlf_ragged\.csv, line 5: expected the same number of columns"),
    Case("nul_in_middle.csv", lambda: fcs(row(napr="Э\x00К"), good=80), "cell",
         _cell("nul_in_middle.csv", "napr", "ЭК or ИМ")),
    # -- encodings -----------------------------------------------------------------------------
    Case("utf16_le.csv", lambda: b"\xff\xfe" + fcs().decode().encode("utf-16-le"), "file",
         r"^utf16_le\.csv: expected .*UTF-8.*found 'UTF-16"),
    Case("utf16_be_no_bom.csv", lambda: fcs().decode().encode("utf-16-be"), "file",
         r"^utf16_be_no_bom\.csv: expected .*UTF-8.*found 'UTF-16"),
    Case("cp866_fcs.csv", lambda: fcs(encoding="cp866") + fcs(good=0).split(b"\n", 1)[1]
         + "ЭК\t01/2018\tKZ\t39\t\tабв\t1\t0\t".encode("cp866") + TOMSK.encode("cp866") + b"\n",
         "cell", r"^cp866_fcs\.csv, line \d+, column (napr|Stoim): expected "),
    Case("koi8_tidy.csv", lambda: "регион;страна;направление;год;стоимость\nТомская область;"
         "Казахстан;экспорт;2018;1,5\nТомская область;Казахстан;нечто;2018;1,5\n"
         .encode("koi8_r"), "line", r"^koi8_tidy\.csv, line 1: expected a known header"),
    Case("cp1251_bad_flow.csv", lambda: fcs(row(napr="ЭКСПОРТ"), encoding="cp1251"), "cell",
         _cell("cp1251_bad_flow.csv", "napr", "ЭК or ИМ")),
    # -- columns -------------------------------------------------------------------------------
    Case("missing_value_column.csv", lambda: "\n".join(
        ["\t".join(h for h in RU_HEADER.split("\t") if h != "Stoim"),
         "\t".join(v for k, v in zip(RU_HEADER.split("\t"), GOOD_ROW.split("\t"), strict=True)
                   if k != "Stoim")]).encode() + b"\n", "line",
         r"^missing_value_column\.csv, line 1: expected a known header"),
    Case("missing_partner_tidy.csv",
         lambda: b"reporter,flow,year,value_usd\nRU-TOM,export,2018,1\n", "line",
         r"^missing_partner_tidy\.csv, line 1: expected a known header"),
    Case("duplicated_columns.csv", lambda: "\n".join(
        [RU_HEADER + "\tStoim", *[GOOD_ROW + "\t1"] * 3]).encode() + b"\n",
         "line", r"^duplicated_columns\.csv, line 1: expected .*once.*found 'Stoim'"),
    Case("duplicated_tidy_columns.csv", lambda: "\n".join(
        [TIDY_HEADER + ",VALUE_USD", *[TIDY_ROW + ",5"] * 3]).encode() + b"\n",
         "line", r"^duplicated_tidy_columns\.csv, line 1: expected .*once.*found 'VALUE_USD'"),
    # -- numbers -------------------------------------------------------------------------------
    Case("value_not_a_number.csv", lambda: fcs(row(Stoim="12abc")), "cell",
         _cell("value_not_a_number.csv", "Stoim", "a number")),
    Case("value_na.csv", lambda: fcs(row(Stoim="n/a")), "cell",
         _cell("value_na.csv", "Stoim", "a number")),
    Case("value_excel_error.csv", lambda: fcs(row(Stoim="#DIV/0!")), "cell",
         _cell("value_excel_error.csv", "Stoim", "a number")),
    Case("value_thousands_space.csv", lambda: fcs(row(Stoim="1 234,50")), "cell",
         _cell("value_thousands_space.csv", "Stoim", "a number")),
    Case("value_negative.csv", lambda: fcs(row(Stoim="-5,00")), "cell",
         _cell("value_negative.csv", "Stoim", "a value of zero or more")),
    Case("value_infinite.csv", lambda: fcs(row(Stoim="1e999")), "cell",
         _cell("value_infinite.csv", "Stoim", "a (finite )?(value|number)")),
    Case("value_nan_text.csv", lambda: fcs(row(Stoim="NaN")), "cell",
         _cell("value_nan_text.csv", "Stoim", "a (number|value)")),
    Case("net_negative.csv", lambda: fcs(row(Netto="-1")), "cell",
         _cell("net_negative.csv", "Netto", "a number of zero or more")),
    Case("value_empty_tidy.csv", lambda: tidy("RU-TOM,KZ,export,2018,1,3901,"), "cell",
         _cell("value_empty_tidy.csv", "value_usd",
               r"a value in US dollars \(the cell is empty\)")),
    Case("value_decimal_comma_en.csv", lambda: en(EN_ROW.replace(",100,", ',"1,5",')), "cell",
         _cell("value_decimal_comma_en.csv", "VALUE", "a number")),
    Case("value_negative_tidy.csv", lambda: tidy("RU-TOM,KZ,export,2018,1,3901,-1000"), "cell",
         _cell("value_negative_tidy.csv", "value_usd", "a value of zero or more")),
    # -- periods -------------------------------------------------------------------------------
    Case("period_month_13.csv", lambda: fcs(row(period="13/2018")), "cell",
         _cell("period_month_13.csv", "period", "a month from 1 to 12")),
    Case("period_month_00.csv", lambda: fcs(row(period="00/2018")), "cell",
         _cell("period_month_00.csv", "period", "a month from 1 to 12")),
    Case("period_year_1890.csv", lambda: fcs(row(period="01/1890")), "cell",
         _cell("period_year_1890.csv", "period", r"a year between 1950 and \d{4}")),
    Case("period_year_2150.csv", lambda: fcs(row(period="01/2150")), "cell",
         _cell("period_year_2150.csv", "period", r"a year between 1950 and \d{4}")),
    Case("period_text.csv", lambda: fcs(row(period="январь 2018")), "cell",
         _cell("period_text.csv", "period", "a period as MM/YYYY")),
    Case("period_iso_month_13.csv", lambda: fcs(row(period="2018-13")), "cell",
         _cell("period_iso_month_13.csv", "period", "a month from 1 to 12")),
    Case("year_text_tidy.csv", lambda: tidy("RU-TOM,KZ,export,20x8,1,3901,5"), "cell",
         _cell("year_text_tidy.csv", "year", "a year such as 2018")),
    Case("year_1890_tidy.csv", lambda: tidy("RU-TOM,KZ,export,1890,1,3901,5"), "cell",
         _cell("year_1890_tidy.csv", "year", r"a year between 1950 and \d{4}")),
    Case("month_13_tidy.csv", lambda: tidy("RU-TOM,KZ,export,2018,13,3901,5"), "cell",
         _cell("month_13_tidy.csv", "month", "a month from 1 to 12")),
    # -- codes ---------------------------------------------------------------------------------
    Case("hs_three_digits.csv", lambda: fcs(row(tnved="390")), "cell",
         _cell("hs_three_digits.csv", "tnved", "an HS code of 2, 4, 6, 8 or 10 digits")),
    Case("hs_eleven_digits.csv", lambda: fcs(row(tnved="39011090001")), "cell",
         _cell("hs_eleven_digits.csv", "tnved", "an HS code of 2, 4, 6, 8 or 10 digits")),
    Case("hs_letters.csv", lambda: fcs(row(tnved="39A1")), "cell",
         _cell("hs_letters.csv", "tnved", "an HS code of 2, 4, 6, 8 or 10 digits")),
    Case("hs_bad_tidy.csv", lambda: tidy("RU-TOM,KZ,export,2018,1,3.901,5"), "cell",
         _cell("hs_bad_tidy.csv", "hs_code", "an HS code of 2, 4, 6, 8 or 10 digits")),
    Case("region_unknown.csv", lambda: fcs(row(Region="99999 - НЕТ ТАКОГО")), "cell",
         _cell("region_unknown.csv", "Region", "a federal subject")),
    Case("region_unknown_tidy.csv", lambda: tidy("Mordor,KZ,export,2018,1,3901,5"), "cell",
         _cell("region_unknown_tidy.csv", "reporter", "a region")),
    Case("partner_three_letters.csv", lambda: fcs(row(strana="KAZ")), "cell",
         _cell("partner_three_letters.csv", "strana", "a two-letter ISO 3166-1 partner code")),
    Case("partner_unknown_tidy.csv", lambda: tidy("RU-TOM,Atlantis,export,2018,1,3901,5"), "cell",
         _cell("partner_unknown_tidy.csv", "partner", "a partner country")),
    Case("flow_unknown.csv", lambda: fcs(row(napr="XX")), "cell",
         _cell("flow_unknown.csv", "napr", "ЭК or ИМ")),
    Case("flow_unknown_tidy.csv", lambda: tidy("RU-TOM,KZ,sideways,2018,1,3901,5"), "cell",
         _cell("flow_unknown_tidy.csv", "flow", "export or import")),
    Case("flow_unknown_en.csv", lambda: en(EN_ROW.replace("EXP,", "RE-EXP,", 1)), "cell",
         _cell("flow_unknown_en.csv", "DIRECTION", "EXP or IMP")),
    # -- archives ------------------------------------------------------------------------------
    Case("zip_bomb.zip", lambda: zipped({"DATTSVT.csv": RU_HEADER.encode() + b"\n"
                                         + b"0" * (8 << 20)}, level=9), "limit",
         r"^zip_bomb\.zip: DATTSVT\.csv unpacks to [\d,]+ bytes, beyond the accepted size or "
         r"compression ratio"),
    Case("zip_many_members.zip", lambda: zipped({f"part{i:03}.csv": b"x" for i in range(150)}),
         "limit", r"^zip_many_members\.zip: the archive holds 150 files \(at most 100"),
    Case("zip_path_traversal.zip", lambda: zipped({"../../etc/DATTSVT.csv": fcs()}), "file",
         r"^zip_path_traversal\.zip: expected an archive whose member names stay inside it.*"
         r"found '\.\./\.\./etc/DATTSVT\.csv'"),
    Case("zip_absolute_path.zip", lambda: zipped({"/tmp/DATTSVT.csv": fcs()}), "file",
         r"^zip_absolute_path\.zip: expected an archive whose member names stay inside it"),
    Case("zip_no_csv.zip", lambda: zipped({"readme.txt.exe": b"MZ"}), "file",
         r"^zip_no_csv\.zip: expected an archive holding a \.csv file"),
    Case("zip_two_csv.zip", lambda: zipped({"a.csv": fcs(), "b.csv": fcs()}), "file",
         r"^zip_two_csv\.zip: expected an archive with one data file"),
    Case("zip_bad_member.zip", lambda: zipped({"DATTSVT.csv": fcs(row(Stoim="x"))}), "cell",
         _cell("zip_bad_member.zip", "Stoim", "a number")),
    Case("zip_truncated.zip", lambda: zipped({"DATTSVT.csv": fcs() * 50})[:300], "file",
         r"^zip_truncated\.zip: expected "),
    # -- workbooks -----------------------------------------------------------------------------
    Case("xlsx_error_cell.xlsx", lambda: xlsx([XLSX_HEADER, XLSX_ROW, XLSX_ROW],
                                              formulas={(2, 5): ("=1/0", "#DIV/0!")}), "cell",
         r"^xlsx_error_cell\.xlsx \[sheet 'data'\], line 3, column F \(Stoim\): expected a value, "
         r"not an Excel error"),
    Case("xlsx_formula_text.xlsx", lambda: xlsx(
        [XLSX_HEADER, XLSX_ROW, XLSX_ROW],
        formulas={(2, 2): ('=HYPERLINK("http://x","KZ")', "=cmd|' /C calc'!A0")}), "cell",
         _cell("xlsx_formula_text.xlsx", "strana", "a two-letter ISO 3166-1 partner code")),
    Case("xlsx_garbage.xlsx", lambda: b"PK\x03\x04" + b"not really a workbook" * 20, "file",
         r"^xlsx_garbage\.xlsx: expected a readable Excel workbook"),
    Case("xls_is_text.xls", lambda: fcs(), "file",
         r"^xls_is_text\.xls: expected a readable Excel workbook"),
    Case("xlsx_no_table.xlsx", lambda: xlsx([["just", "notes"], ["nothing", "here"]],
                                            formulas={}), "file",
         r"^xlsx_no_table\.xlsx: expected a sheet with an FCS header"),
]

RATES_CASES: list[Case] = [
    Case("billion_laughs.xml", lambda: BILLION_LAUGHS, "file",
         r"^billion_laughs\.xml: expected .*refused unsafe XML"),
    Case("external_entity.xml", lambda: EXTERNAL_ENTITY, "file",
         r"^external_entity\.xml: expected .*refused unsafe XML"),
    Case("rates_truncated.xml", lambda: DAILY[:120], "file",
         r"^rates_truncated\.xml: expected .*could not parse"),
    Case("rates_html.xml", lambda: b"<!DOCTYPE html><html><body>503</body></html>", "file",
         r"^rates_html\.xml: expected .*found 'an HTML page'"),
    Case("rates_garbled.xml", lambda: bytes(range(256)) * 4, "file",
         r"^rates_garbled\.xml: expected "),
    Case("rates_bad_value.xml", lambda: DAILY.replace(b"64,2633", b"abc"), "file",
         r"^rates_bad_value\.xml: expected .*expected a number, found 'abc'"),
]


def all_cases() -> list[Case]:
    """Trade-file and rates-file cases together."""
    return [*CASES, *RATES_CASES]


def case(name: str) -> Case:
    """The case of a corpus file name."""
    return next(c for c in all_cases() if c.name == name)


def write_all(directory: Path = FILES) -> list[Path]:
    """Write every case's file into ``directory`` (removing files no case produces)."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = {c.name for c in all_cases()}
    for stale in directory.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    paths = []
    for c in all_cases():
        path = directory / c.name
        path.write_bytes(c.make())
        paths.append(path)
    return paths


# -- large and hostile files, made at test time --------------------------------------------------


def many_columns(path: Path, columns: int = 100_000) -> Path:
    """A header of ``columns`` names and one row: nothing a trade layout knows."""
    path.write_text(",".join(f"c{i}" for i in range(columns)) + "\n"
                    + ",".join("1" for _ in range(columns)) + "\n")
    return path


def long_line(path: Path, size: int = 10 << 20) -> Path:
    """A valid FCS file whose fourth line is one ``size``-byte field."""
    path.write_bytes(fcs(row(strana="K" * size)))
    return path


def over_upload(path: Path, megabytes: float) -> Path:
    """A valid-looking FCS file just over ``megabytes``."""
    line = (GOOD_ROW + "\n").encode()
    count = int(megabytes * 2**20 / len(line)) + 2
    path.write_bytes(RU_HEADER.encode() + b"\n" + line * count)
    return path


def sparse(path: Path, size: int = 200 << 20) -> Path:
    """A ``size``-byte file that takes no disk space (a hole after a valid header)."""
    with open(path, "wb") as handle:
        handle.write(RU_HEADER.encode() + b"\n")
        handle.truncate(size)
    return path


def fcs_rows(path: Path, rows: int, *, months: int = 12) -> Path:
    """A valid Russian FCS file of ``rows`` distinct-enough rows (for crash and memory tests)."""
    partners = ("KZ", "CN", "DE", "UZ", "BY", "TR", "IN", "US")
    block = []
    for i in range(1000):
        block.append(f"{'ЭК' if i % 3 else 'ИМ'}\t{i % months + 1:02}/2018\t{partners[i % 8]}\t"
                     f"{3901100000 + i:010}\t\t{i + 1},50\t{i},25\t0\t{TOMSK}")
    chunk = ("\n".join(block) + "\n").encode()
    with open(path, "wb") as handle:
        handle.write(RU_HEADER.encode() + b"\n")
        for _ in range(rows // 1000):
            handle.write(chunk)
        rest = rows % 1000
        if rest:
            handle.write(("\n".join(block[:rest]) + "\n").encode())
    return path


if __name__ == "__main__":
    written = write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES)
    print(f"{len(written)} files in {written[0].parent}")
