"""Naming an HS code at any level: the one place that says what a code is called.

``name_of(code, lang)`` answers with the code's own name in ``lang``; failing
that, its own name in the other language, marked ``"EN"`` / ``"RU"``; failing
that, a plain statement that no name is loaded or that the code is not in the
HS 2022 nomenclature. It never answers with a parent's name.

Names come in layers, held by an immutable ``NameRegistry``:

* bundled: section and chapter names (``hs_sections.csv``, ``hs_chapters.csv``,
  RU and EN), English names of HS 2022 headings and subheadings
  (``hs_names_en.csv``);
* carried by loaded data (Comtrade ``cmdDesc``): fill gaps, never replace;
* loaded by the user (``code;name_ru[;name_en]`` CSV, or the FCS TN VED
  classifier files TNVED3.TXT / TNVED4.TXT): replace what was there.

Parsers here are pure: they take the file's text and its display name and raise
``SchemaError`` naming file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import pandas as pd

from dashboard.core.errors import SchemaError
from dashboard.reference.hs import (
    CONFIDENTIAL_NAMES,
    hs_chapters,
    hs_sections,
    is_confidential,
)

__all__ = [
    "CONFIDENTIAL",
    "NOT_IN_HS",
    "NO_NAME",
    "HsName",
    "NameEntry",
    "NameRegistry",
    "base_registry",
    "decode_text",
    "hs_name",
    "label",
    "name_of",
    "names_from_comtrade",
    "names_table",
    "parse_classifier_csv",
    "parse_tnved_listing",
]

_DIR = Path(__file__).parent
NOMENCLATURE = "HS 2022"

NOT_IN_HS = "not_in_hs"
"""Marker: the code is not in the loaded nomenclature (another HS revision, or a typo)."""
NO_NAME = "no_name"
"""Marker: a national subdivision (8/10 digits) of a known HS code, with no name loaded."""
CONFIDENTIAL = "confidential"
"""Marker: FCS's undisclosed commodity (all X)."""

_STATUS_TEXT = {
    NOT_IN_HS: {"ru": f"код отсутствует в {NOMENCLATURE.replace('HS', 'ГС')}",
                "en": f"code not in {NOMENCLATURE}"},
    NO_NAME: {"ru": "название не загружено", "en": "no name loaded"},
    CONFIDENTIAL: CONFIDENTIAL_NAMES,
}
_ROMAN = re.compile(r"^(X{0,2})(IX|IV|V?I{0,3})$")
_CODE_LEVELS = (2, 4, 6, 8, 10)


class HsName(NamedTuple):
    """A code's name and how to mark it.

    ``marker`` is ``""`` when ``name`` is in the language asked for; ``"EN"`` or
    ``"RU"`` when it is the other language's name (show it as "(EN)");
    ``NOT_IN_HS`` / ``NO_NAME`` / ``CONFIDENTIAL`` when ``name`` is a statement in
    the language asked for, not a name.
    """

    name: str
    marker: str


class NameEntry(NamedTuple):
    """One loaded name: a code (digits) and its RU and EN names ("" when absent)."""

    code: str
    name_ru: str
    name_en: str


def _lang(lang: str) -> str:
    """"ru" or "en" from any spelling ("ru_RU", "EN")."""
    return "ru" if lang.lower().startswith("ru") else "en"


@dataclass(frozen=True)
class NameRegistry:
    """Names by language and code, plus the codes of the loaded nomenclature.

    ``nomenclature`` holds the HS 2022 chapters, headings and subheadings whether
    or not they have a name in both languages; section ids are kept apart.
    """

    names: Mapping[str, Mapping[str, str]]
    nomenclature: frozenset[str]
    sections: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def with_names(self, entries: Iterable[NameEntry], *, replace: bool = True) -> NameRegistry:
        """A new registry with ``entries`` added; ``replace=False`` only fills missing names."""
        merged = {lang: dict(self.names.get(lang, {})) for lang in ("ru", "en")}
        for entry in entries:
            for lang, text in (("ru", entry.name_ru), ("en", entry.name_en)):
                text = text.strip()
                if not text:
                    continue
                if replace or entry.code not in merged[lang]:
                    merged[lang][entry.code] = text
        return NameRegistry(
            names=MappingProxyType({k: MappingProxyType(v) for k, v in merged.items()}),
            nomenclature=self.nomenclature,
            sections=self.sections,
        )

    def own_name(self, code: str, lang: str) -> str | None:
        """The code's own name in ``lang`` ("ru"/"en"), or None."""
        return self.names.get(lang, {}).get(code)

    def knows(self, code: str) -> bool:
        """True when ``code`` is in the nomenclature, has a loaded name, or is an 8/10-digit
        subdivision of a known subheading."""
        if code in self.nomenclature or any(code in by for by in self.names.values()):
            return True
        return len(code) in (8, 10) and code[:6] in self.nomenclature

    def name_of(self, code: str, lang: str = "ru", *, section: bool = False) -> HsName:
        """The code's own name in ``lang``, else the other language's (marked), else a
        statement (NO_NAME / NOT_IN_HS / CONFIDENTIAL); never a parent's name.

        Codes are digits of length 2, 4, 6, 8 or 10, or a section id I-XXI
        (pass ``section=True`` for X and XX, which otherwise read as the
        confidential code truncated to one or two characters).
        """
        want = _lang(lang)
        other = "en" if want == "ru" else "ru"
        key = code.strip().upper()
        if section or (_ROMAN.match(key) and key and set(key) != {"X"}):
            names = self.sections.get(key)
            if names:
                return HsName(names[want], "")
            return HsName(_STATUS_TEXT[NOT_IN_HS][want], NOT_IN_HS)
        if is_confidential(key):
            return HsName(_STATUS_TEXT[CONFIDENTIAL][want], CONFIDENTIAL)
        own = self.own_name(key, want)
        if own:
            return HsName(own, "")
        foreign = self.own_name(key, other)
        if foreign:
            return HsName(foreign, other.upper())
        if key.isdigit() and len(key) in (8, 10) and key[:6] in self.nomenclature:
            return HsName(_STATUS_TEXT[NO_NAME][want], NO_NAME)
        return HsName(_STATUS_TEXT[NOT_IN_HS][want], NOT_IN_HS)


@cache
def base_registry() -> NameRegistry:
    """The bundled names: sections and chapters (RU/EN), HS 2022 headings and subheadings (EN)."""
    chapters = hs_chapters()
    sections = hs_sections()
    headings = pd.read_csv(_DIR / "hs_names_en.csv", dtype=str, keep_default_na=False)
    ru = dict(zip(chapters["chapter"], chapters["name_ru"], strict=True))
    en = dict(zip(chapters["chapter"], chapters["name_en"], strict=True))
    en.update(zip(headings["code"], headings["name_en"], strict=True))
    nomenclature = frozenset(chapters.loc[~chapters["reserved"], "chapter"]) | frozenset(
        headings["code"])
    section_names = {
        row.section: MappingProxyType({"ru": row.name_ru, "en": row.name_en})
        for row in sections.itertuples(index=False)
    }
    return NameRegistry(
        names=MappingProxyType({"ru": MappingProxyType(ru), "en": MappingProxyType(en)}),
        nomenclature=nomenclature,
        sections=MappingProxyType(section_names),
    )


def name_of(code: str, lang: str = "ru", *, registry: NameRegistry | None = None,
            section: bool = False) -> HsName:
    """``registry.name_of`` on the bundled registry unless another one is given."""
    return (registry or base_registry()).name_of(code, lang, section=section)


def label(code: str, lang: str = "ru", *, registry: NameRegistry | None = None) -> str:
    """"4411 — Fibreboard of wood … (EN)": code, name and the language marker for display.

    Chapters and sections read as their name alone, as chart labels have always
    shown them; statements read "8803 — code not in HS 2022".
    """
    key = code.strip()
    named = name_of(key, lang, registry=registry)
    if named.marker == CONFIDENTIAL:
        return named.name
    text = f"{named.name} ({named.marker})" if named.marker in ("EN", "RU") else named.name
    if named.marker in ("", "EN", "RU") and (len(key) == 2 or not key.isdigit()):
        return text
    return f"{key} — {text}"


def hs_name(code: str, lang: str = "ru", *, level: str | int | None = None,
            numbered: bool = False, registry: NameRegistry | None = None) -> str:
    """The one way to name an HS code, section id or confidential marker for display.

    Sections and chapters get their short RU/EN name ("VII. Пластмассы…" and
    "39 Пластмассы…" with ``numbered``); headings and finer codes their own name
    as ``label`` gives it ("4411 — Fibreboard … (EN)"), never the chapter's;
    all-X codes "Конфиденциально"/"Confidential", except that
    ``level="section"`` reads X and XX as the sections they also are. Other
    text comes back unchanged. ``registry``: the bundled names unless given
    (the store's names on top: dashboard.data.definitions.names_registry).
    """
    registry = registry or base_registry()
    want = _lang(lang)
    key = code.strip().upper()
    section = registry.sections.get(key)
    if section is not None and (level == "section" or not is_confidential(key)):
        return f"{key}. {section[want]}" if numbered else section[want]
    if is_confidential(key):
        return CONFIDENTIAL_NAMES[want]
    if not key.isdigit() or len(key) not in _CODE_LEVELS:
        return code
    if len(key) == 2:
        own = registry.own_name(key, want)
        if own is None:
            return code
        return f"{key} {own}" if numbered else own
    return label(key, lang, registry=registry)


def names_table(codes: Iterable[str], lang: str = "ru", *,
                registry: NameRegistry | None = None) -> pd.DataFrame:
    """One row per distinct code: ``hs_code``, ``name``, ``marker`` (text), first-seen order.

    For labelling a frame: merge on ``hs_code``. ``marker`` as in ``HsName``.
    """
    registry = registry or base_registry()
    distinct = list(dict.fromkeys(code.strip() for code in codes))
    rows = [(code, *registry.name_of(code, lang)) for code in distinct]
    return pd.DataFrame(rows, columns=["hs_code", "name", "marker"], dtype=str)


# --- names carried by loaded data -------------------------------------------------------


def names_from_comtrade(records: Iterable[Mapping[str, object]]) -> list[NameEntry]:
    """English names from Comtrade records (``cmdCode``, ``cmdDesc``), HS codes only.

    ``TOTAL`` and the ``AG*`` aggregates are skipped; the last description of a
    code wins. Meant for ``NameRegistry.with_names(..., replace=False)``.
    """
    found: dict[str, str] = {}
    for record in records:
        code = str(record.get("cmdCode") or "").strip()
        text = str(record.get("cmdDesc") or "").strip()
        if code.isdigit() and len(code) in _CODE_LEVELS and text:
            found[code] = " ".join(text.split())
    return [NameEntry(code, "", text) for code, text in sorted(found.items())]


# --- user classifiers -----------------------------------------------------------------


def decode_text(data: bytes, file: str, *, fallback: str | None = None) -> str:
    """UTF-8 text (BOM dropped); else ``fallback`` when given; else one SchemaError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if fallback:
            return data.decode(fallback)
        line = data[: error.start].count(b"\n") + 1
        raise SchemaError(file, "UTF-8 text", line=line,
                          found=f"byte 0x{data[error.start]:02x}") from None


def _check_code(code: str, file: str, line: int, column: str) -> str:
    """Digits of an HS level (2, 4, 6, 8, 10), spaces and dots removed; else SchemaError."""
    digits = code.replace(" ", "").replace(".", "")
    if not (digits.isdigit() and len(digits) in _CODE_LEVELS):
        raise SchemaError(file, "an HS code of 2, 4, 6, 8 or 10 digits", line=line,
                          column=column, found=code)
    return digits


def parse_classifier_csv(text: str, file: str) -> list[NameEntry]:
    """Rows of a ``code;name_ru[;name_en]`` classifier: semicolon-separated, header optional.

    A first row whose first cell has no digit is a header and is skipped; blank
    lines are skipped. Every row needs a code and at least one name; a code listed
    twice is an error (which of the two is meant is not ours to guess).
    """
    entries: list[NameEntry] = []
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    for index, row in enumerate(reader, start=1):
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if index == 1 and not any(ch.isdigit() for ch in row[0]):
            continue  # a header row: "code;name_ru;name_en", "код;наименование"
        if len(row) not in (2, 3):
            raise SchemaError(file, "2 or 3 fields: code;name_ru[;name_en]", line=line,
                              found=f"{len(row)} fields")
        code = _check_code(row[0].strip(), file, line, "1 (code)")
        name_ru = row[1].strip()
        name_en = row[2].strip() if len(row) == 3 else ""
        if not name_ru and not name_en:
            raise SchemaError(file, "a name in column 2 (name_ru) or 3 (name_en)", line=line,
                              column="2 (name_ru)", found="")
        if code in seen:
            raise SchemaError(file, f"each code once (first given on line {seen[code]})",
                              line=line, column="1 (code)", found=code)
        seen[code] = line
        entries.append(NameEntry(code, name_ru, name_en))
    if not entries:
        raise SchemaError(file, "at least one row code;name_ru[;name_en]")
    return entries


# --- the FCS TN VED classifier (TNVED3.TXT headings, TNVED4.TXT subheadings) -------------

_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")
_DASHES = re.compile(r"^[\s\-–—]+")


def _parse_date(text: str, file: str, line: int, column: str) -> date | None:
    """dd.mm.yyyy -> date; "" -> None (open end); else SchemaError."""
    text = text.strip()
    if not text:
        return None
    try:
        if not _DATE.match(text):
            raise ValueError
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise SchemaError(file, "a date dd.mm.yyyy", line=line, column=column,
                          found=text) from None


def _sentence_case(text: str) -> str:
    """"ЛОШАДИ, ОСЛЫ" -> "Лошади, ослы" when the whole name is upper case; else unchanged."""
    if text.upper() == text and any(ch.isalpha() for ch in text):
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text


def _depth_and_name(raw: str) -> tuple[int, str]:
    """"- - прочие:" -> (2, "прочие"): the dash count and the bare name."""
    prefix = _DASHES.match(raw)
    depth = sum(prefix.group(0).count(ch) for ch in "-–—") if prefix else 0
    name = raw[prefix.end():] if prefix else raw
    return depth, name.strip().rstrip(":").strip()


def parse_tnved_listing(text: str, file: str, *, on: date | None = None) -> list[NameEntry]:
    """Russian names from an FCS TN VED classifier file, TNVED3.TXT or TNVED4.TXT.

    Layout (FCS "Классификатор ТН ВЭД", DOS code page 866 or UTF-8): ``|``-separated,
    one trailing ``|``; the first line is the file's version record. TNVED3:
    ``GRUPPA|TOV_POZ|NAIM|DATA|DATA1|`` -> 4-digit headings. TNVED4:
    ``GRUPPA|TOV_POZ|SUB_POZ|KR_NAIM|DATA|DATA1|`` -> 10-digit codes. A code has a
    row per wording; the row in force on ``on`` is kept (default: the row with no
    end date, else the latest). TNVED4 names are written with dashes for depth
    ("- - прочие"); a code's name joins its dash levels within the heading
    ("лошади: чистопородные племенные животные"), and lines ending in ":" are
    group headers, not codes. Upper-case names are put in sentence case. Lines
    starting with ``#`` are comments.
    """
    chosen: dict[tuple[str, bool], tuple[date, date | None, str, int]] = {}
    layout = None
    first = True
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.rstrip("\r\n").split("|")
        if fields and fields[-1] == "":
            fields = fields[:-1]
        shape = _tnved_shape(fields)
        if shape is None:
            if first:  # the version record, "018|20190723|0000|"
                first = False
                continue
            raise SchemaError(file, "GRUPPA|TOV_POZ|NAIM|DATA|DATA1| (TNVED3) or "
                              "GRUPPA|TOV_POZ|SUB_POZ|KR_NAIM|DATA|DATA1| (TNVED4)",
                              line=line_no, found=raw)
        first = False
        if layout is None:
            layout = shape
        elif shape != layout:
            raise SchemaError(file, f"every row in the {layout} layout", line=line_no,
                              found=raw)
        if layout == "TNVED3":
            code, name, start, end = fields[0] + fields[1], fields[2], fields[3], fields[4]
            columns = ("4 (DATA)", "5 (DATA1)")
        else:
            code = fields[0] + fields[1] + fields[2]
            name, start, end = fields[3], fields[4], fields[5]
            columns = ("5 (DATA)", "6 (DATA1)")
        begin = _parse_date(start, file, line_no, columns[0])
        if begin is None:
            raise SchemaError(file, "a start date dd.mm.yyyy", line=line_no,
                              column=columns[0], found="")
        finish = _parse_date(end, file, line_no, columns[1])
        if on is not None and not (begin <= on and (finish is None or on <= finish)):
            continue
        # A TNVED4 group header (ending ":") may share its code with the code's own row.
        key = (code, name.strip().endswith(":") and layout == "TNVED4")
        previous = chosen.get(key)
        if previous is None or _newer(begin, finish, previous[0], previous[1]):
            chosen[key] = (begin, finish, name, line_no)
    if layout is None:
        raise SchemaError(file, "rows of TNVED3.TXT or TNVED4.TXT")
    if layout == "TNVED3":
        return [NameEntry(code, _sentence_case(_depth_and_name(name)[1]), "")
                for (code, _), (_, _, name, _) in sorted(chosen.items())]
    return _tnved4_entries(chosen)


def _tnved_shape(fields: list[str]) -> str | None:
    """"TNVED3" / "TNVED4" when the fields fit that file's row, else None."""
    def digits(value: str, size: int) -> bool:
        return len(value) == size and value.isdigit()

    if len(fields) == 5 and digits(fields[0], 2) and digits(fields[1], 2):
        return "TNVED3"
    if (len(fields) == 6 and digits(fields[0], 2) and digits(fields[1], 2)
            and digits(fields[2], 6)):
        return "TNVED4"
    return None


def _newer(begin: date, finish: date | None, old_begin: date, old_finish: date | None) -> bool:
    """True when (begin, finish) should replace the kept wording: open-ended, else later."""
    if (finish is None) != (old_finish is None):
        return finish is None
    return begin > old_begin


def _tnved4_entries(
        chosen: Mapping[tuple[str, bool], tuple[date, date | None, str, int]]) -> list[NameEntry]:
    """10-digit codes named by their dash levels within the heading; ":" headers dropped.

    Rows go in code order, a header before a code row of the same code.
    """
    entries: list[NameEntry] = []
    stack: list[tuple[int, str]] = []
    heading = ""
    for code, header in sorted(chosen, key=lambda key: (key[0], not key[1])):
        raw = chosen[(code, header)][2].strip()
        if code[:4] != heading:
            heading, stack = code[:4], []
        depth, name = _depth_and_name(raw)
        name = _sentence_case(name)
        stack = [(d, n) for d, n in stack if d < depth]
        if raw.endswith(":"):
            stack.append((depth, name))
            continue
        full = ": ".join([n for _, n in stack] + [name])
        entries.append(NameEntry(code, full[:1].upper() + full[1:], ""))
    return entries
