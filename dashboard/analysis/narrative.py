"""A plain-language summary of a view (RU/EN), the kind a press release or a briefing carries.

``build_facts`` gathers the figures through ``dashboard.analysis.views`` (the same numbers
every other surface shows); ``render`` is a pure function of those facts and a
language, built from fixed templates: the same facts always give the same text.

Rules the templates follow:

- The headline is the turnover of the region with the partner (or with all
  partners) in the view's period, against the same period a year earlier.  A
  missing base period is said in words ("данных за 2017 год для сравнения нет" /
  "no data for 2017 to compare with"), never compared with an older year.
- A change whose percentage rounds to 0.0 % reads "практически не изменившись" /
  "almost unchanged".
- With ``approximate=True`` the headline value reads "почти $70 млн" / "almost
  $70M" when it lies within 1 % below a round number (one significant digit in
  its compact unit: 70 млн, 700 млн, 1 млрд); otherwise the exact compact value.
- The largest items of each flow are found among HS headings (4 digits). A
  heading in one of the user's baskets is named by the basket, with the
  basket's value (each code once): "нефтехимия (55%)"; other headings by their
  own name, the part before its first ";" lower-cased in running text, with the
  code: "полимеры этилена в первичных формах (3901; 20%)" (the other language's
  name, marked, where the heading has none in this one). In a view of one
  basket the items are its headings. Up to three items per flow; confidential
  lines are never listed but their share is mentioned when it exceeds 5 %.
- A partner group reads "со странами Центральной Азии" / "with Central Asia";
  a basket "по товарной группе «Нефтехимия»" / "in petrochemicals".
- Values are in ``Facts.currency``; a currency other than USD is named in a
  closing sentence (how it was converted is the UI's business).
- Numbers use dashboard.core.formatting (babel), so Russian text carries a decimal
  comma and a non-breaking space before "млн".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache
from typing import cast

import pandas as pd
import pymorphy3

from dashboard.analysis import transforms as tf
from dashboard.analysis import views as analysis
from dashboard.analysis.transforms import Kpi, is_confidential
from dashboard.core.errors import NotFoundError
from dashboard.core.formatting import money, percent
from dashboard.data import definitions
from dashboard.data.store import Store
from dashboard.rates.conversion import rates_missing_text
from dashboard.reference.baskets import Basket, in_basket
from dashboard.reference.countries import country_name, is_special_partner
from dashboard.reference.inflect import inflect, with_preposition_s
from dashboard.reference.names import NameRegistry, name_of
from dashboard.reference.regions import region_name

LANGS = ("ru", "en")
TOP_PARTS = 3
"""How many partners or commodity groups a sentence lists."""
CONFIDENTIAL_MENTION = 5.0
"""Confidential lines are mentioned when their share of a flow exceeds this (%)."""
ALMOST = 0.01
""""почти"/"almost" when the value is at most this fraction below a round number."""

NAN = math.nan


@dataclass(frozen=True)
class Part:
    """One listed partner (ISO alpha-2), HS code or basket: value in the facts' currency,
    share in %. ``name_ru``/``name_en`` are given for baskets (``basket`` True) and
    headings; an HS code without them is named from the bundled names."""

    code: str
    value: float
    share: float
    name_ru: str = ""
    name_en: str = ""
    basket: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything a summary says, language-neutral (codes, not names).

    Values are in ``currency`` (not thousands), shares and changes in %.  A
    ``previous`` of NaN in a Kpi means the base period has no data; 0 means no trade.
    """

    reporter: str
    year: int
    turnover: Kpi
    exports: Kpi
    imports: Kpi
    partner: str | None = None
    month: int | None = None
    ytd: int | None = None
    currency: str = "USD"
    rank: int | None = None  # the partner's place by turnover among the reporter's partners
    share: float = NAN  # the partner's share of the reporter's turnover, %
    partners: tuple[Part, ...] = ()  # top partners by turnover (view without a partner)
    export_groups: tuple[Part, ...] = ()
    import_groups: tuple[Part, ...] = ()
    confidential_export: float = NAN  # share of exports in confidential lines, %
    confidential_import: float = NAN
    group: tuple[str, str] | None = None  # the partner group's (name_ru, name_en)
    basket: tuple[str, str] | None = None  # the basket's (name_ru, name_en)
    unrated: tuple[int, ...] = ()  # years no stored rates convert into ``currency`` (missing)


# -- gathering -----------------------------------------------------------------------


def _kpi(record: dict[str, object]) -> Kpi:
    """A Kpi from analysis.summary's record (None -> NaN)."""

    def number(key: str) -> float:
        value = record[key]
        return NAN if value is None else float(cast(float, value))

    return Kpi(number("value"), number("previous"), number("change"), number("change_pct"))


def _no_flow(turnover: Kpi) -> Kpi:
    """A flow the pair did not trade in either year: 0, or unknown base like the turnover's."""
    base = 0.0 if math.isfinite(turnover.previous) else NAN
    return Kpi(0.0, base, base, NAN)


def _groups(store: Store, view: analysis.View, flow: str, goods: pd.DataFrame,
            baskets: list[Basket], registry: NameRegistry) -> tuple[tuple[Part, ...], float]:
    """The largest items of a flow (baskets covering its top headings, else the headings)
    and the confidential share of that flow (NaN if none)."""
    flow_view = replace(view, flow=flow, hs_level=4)
    table = analysis.top_commodities(store, flow_view, n=None, frame=goods)
    secret = is_confidential(table["hs_code"]).astype(bool)  # bool also when empty
    confidential = table.loc[secret]
    listed = table.loc[~secret & table["value"].gt(0)]
    holders = baskets if view.basket is None else []
    parts: list[Part] = []
    named: set[str] = set()
    for row in listed.itertuples(index=False):
        if len(parts) == TOP_PARTS:
            break
        code = str(row.hs_code)
        holder = next((b for b in holders if in_basket(code, b)), None)
        if holder is None:
            parts.append(Part(code, float(row.value), float(row.share),
                              _own_name(code, "ru", registry), _own_name(code, "en", registry)))
        elif holder.id not in named:
            named.add(holder.id)
            ranked = analysis.basket_ranking(store, flow_view, [holder])
            parts.append(Part(holder.id, float(ranked["value"].iloc[0]),
                              float(ranked["share"].iloc[0]), holder.name_ru or holder.name_en,
                              holder.name_en or holder.name_ru, basket=True))
    parts.sort(key=lambda part: -part.value)
    share = float(confidential["share"].sum()) if not confidential.empty else NAN
    return tuple(parts), share


def _own_name(code: str, lang: str, registry: NameRegistry) -> str:
    """A code's own name for running text: "(EN)" marked when only the other language has one."""
    named = name_of(code, lang, registry=registry)
    return f"{named.name} ({named.marker})" if named.marker in ("EN", "RU") else named.name


def build_facts(store: Store, view: analysis.View, *, baskets: list[Basket] | None = None,
                registry: NameRegistry | None = None,
                partner_frame: pd.DataFrame | None = None,
                figures: dict[str, Kpi] | None = None) -> Facts:
    """Gather the facts of a view's turnover (its flow and HS level are not used) from the store.

    ``baskets`` and ``registry`` (the items' names) default to the store's own.
    ``partner_frame`` and ``figures`` (the view's ``kpis``) are read from the store
    unless the caller already has them, as a page does.
    Raises NotFoundError when the partner has no trade with the reporter in the period,
    or when no stored rates convert the view's year into its currency.
    """
    base = replace(view, flow="turnover", hs_level=2)
    unrated = tuple(analysis.unconverted_years(store, base))
    if view.year in unrated:  # there is trade, but nothing to say it in
        raise NotFoundError(rates_missing_text(view.year, view.currency, "en"))
    # One read serves every flow below.
    frame = analysis.partner_frame(store, base) if partner_frame is None else partner_frame
    everyone = analysis.top_partners(store, replace(base, partner=None), n=None, frame=frame)
    if view.partner is None:
        figures = analysis.kpis(store, base) if figures is None else figures
        turnover, exports, imports = figures["turnover"], figures["export"], figures["import"]
        listed = everyone.loc[~tf.flags(everyone["partner"], is_special_partner)
                              & everyone["value"].gt(0)]
        partners = tuple(
            Part(str(row.partner), float(row.value), float(row.share))
            for row in listed.head(TOP_PARTS).itertuples(index=False)
        )
        rank, share = None, NAN
    else:
        record = analysis.summary(store, base, frame=frame)
        turnover = _kpi(record)
        rank = None if record["rank"] is None else int(cast(int, record["rank"]))
        flows = []
        for flow in ("export", "import"):
            try:
                flows.append(_kpi(analysis.summary(store, replace(base, flow=flow),
                                                   frame=frame)))
            except NotFoundError:
                flows.append(_no_flow(turnover))
        exports, imports = flows
        row = everyone.loc[everyone["partner"] == view.partner]
        share = float(row["share"].iloc[0]) if not row.empty else NAN
        partners = ()
    # One read serves both flows; the items' values and shares are of the year alone.
    goods = analysis.commodity_frame(store, base, level=4, years=(view.year,))
    baskets = definitions.baskets(store) if baskets is None else baskets
    registry = definitions.names_registry(store) if registry is None else registry
    export_groups, confidential_export = _groups(store, base, "export", goods, baskets, registry)
    import_groups, confidential_import = _groups(store, base, "import", goods, baskets, registry)
    return Facts(
        reporter=view.reporter, year=view.year, turnover=turnover, exports=exports,
        imports=imports, partner=view.partner, month=view.month, ytd=view.ytd,
        currency=view.currency, rank=rank, share=share, partners=partners,
        export_groups=export_groups, import_groups=import_groups,
        confidential_export=confidential_export, confidential_import=confidential_import,
        group=(view.group.name_ru or view.group.name_en, view.group.name_en or view.group.name_ru)
        if view.group is not None else None,
        basket=(view.basket.name_ru or view.basket.name_en,
                view.basket.name_en or view.basket.name_ru) if view.basket is not None else None,
        unrated=unrated,
    )


# -- wording helpers -----------------------------------------------------------------

# Russian month forms: nominative (= accusative), locative ("в январе"), instrumental
# ("с январём"); then the English name.
_MONTHS: dict[int, tuple[str, str, str, str]] = {
    1: ("январь", "январе", "январём", "January"),
    2: ("февраль", "феврале", "февралём", "February"),
    3: ("март", "марте", "мартом", "March"),
    4: ("апрель", "апреле", "апрелем", "April"),
    5: ("май", "мае", "маем", "May"),
    6: ("июнь", "июне", "июнем", "June"),
    7: ("июль", "июле", "июлем", "July"),
    8: ("август", "августе", "августом", "August"),
    9: ("сентябрь", "сентябре", "сентябрём", "September"),
    10: ("октябрь", "октябре", "октябрём", "October"),
    11: ("ноябрь", "ноябре", "ноябрём", "November"),
    12: ("декабрь", "декабре", "декабрём", "December"),
}
_RU_CASE = {"accs": 0, "loct": 1, "ablt": 2}
_RU_YEAR = {"accs": "год", "loct": "году", "ablt": "годом"}

# Closing sentence for a currency other than USD.
_CURRENCY_WORDS = {
    "ru": {"RUB": "рублях", "EUR": "евро", "CNY": "юанях", "KZT": "тенге", "USD": "долларах США"},
    "en": {"RUB": "roubles", "EUR": "euros", "CNY": "yuan", "KZT": "tenge", "USD": "US dollars"},
}

# English names that take "the" in running text ("the Netherlands", "the United States").
_EN_THE_WORDS = ("Republic", "Kingdom", "States", "Islands", "Emirates", "Federation")
_EN_THE_NAMES = frozenset({"Netherlands", "Philippines", "Bahamas", "Maldives", "Gambia",
                           "Seychelles", "Comoros", "Vatican"})


def _months(facts: Facts) -> tuple[int, ...] | None:
    """The months of each year the facts cover (None = the whole year)."""
    if facts.month is not None:
        return (facts.month,)
    if facts.ytd is not None:
        return tuple(range(1, facts.ytd + 1))
    return None


def _period(facts: Facts, year: int, lang: str, case: str = "loct") -> str:
    """The period of ``year`` after a preposition: "2018 году", "январе–июне 2018 года", "2018"."""
    months = _months(facts)
    if lang == "en":
        if months is None:
            return str(year)
        names = [_MONTHS[m][3] for m in (months[0], months[-1])]
        span = names[0] if len(months) == 1 else f"{names[0]}–{names[1]}"
        return f"{span} {year}"
    if months is None:
        return f"{year} {_RU_YEAR[case]}"
    index = _RU_CASE[case]
    first, last = _MONTHS[months[0]][index], _MONTHS[months[-1]][index]
    span = first if len(months) == 1 else f"{first}–{last}"
    return f"{span} {year} года"


def _running(name: str) -> str:
    """A name inside a sentence: first letter lower-cased unless it starts an abbreviation."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _group_name(part: Part, lang: str) -> str:
    """An item's name for running text: the part before the first ';', lower-cased."""
    given = part.name_ru if lang == "ru" else part.name_en
    name = given or name_of(part.code, lang).name
    if part.basket:
        return _running(name)
    marker = next((m for m in (" (EN)", " (RU)") if name.endswith(m)), "")
    return _running(name.removesuffix(marker).split(";", 1)[0].strip()) + marker


def _en_article(name: str) -> str:
    """An English country or region name with "the" where usage wants it."""
    words = name.split()
    if name in _EN_THE_NAMES or any(w in _EN_THE_WORDS for w in words):
        return f"the {name}"
    return name


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reporter_name(code: str, lang: str) -> str:
    return region_name(code, lang)


def _is_country(code: str) -> bool:
    """True when the reporter is a whole country (ISO 3166-1) rather than a region."""
    return "-" not in code


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    """The analyser, built on first use (its dictionary takes a moment to load)."""
    return pymorphy3.MorphAnalyzer()


@cache
def _is_plural(name: str) -> bool:
    """True when a Russian name's head noun is plural ("США", "Нидерланды"), for verb agreement."""
    for word in name.split():
        if not _morph().word_is_known(word.lower()):
            continue  # the guesser reads unknown foreign names ("Сен-Бартельми") as plurals
        parses = [p for p in _morph().parse(word) if p.tag.case == "nomn"]
        nouns = [p for p in parses if p.tag.POS == "NOUN"]
        if not nouns or any(p.tag.POS in ("ADJF", "PRTF") for p in parses[:1]):
            continue
        best = max(nouns, key=lambda p: ("Geox" in p.tag, p.score))
        return best.tag.number == "plur"
    return False


def _ordinal_en(rank: int) -> str:
    if 10 <= rank % 100 <= 20:
        return f"{rank}th"
    return f"{rank}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(rank % 10, 'th')}"


def _join(items: list[str], lang: str) -> str:
    """"a, b и c" / "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    word = " и " if lang == "ru" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def _almost_target(value: float) -> float | None:
    """The round number ``value`` lies within ALMOST below, or None.

    Round = one significant digit in the value's compact unit (thousands, millions…).
    """
    if not math.isfinite(value) or value <= 0:
        return None
    unit = 1.0
    while value >= unit * 1000:
        unit *= 1000
    scaled = value / unit
    step = 1.0
    while scaled >= step * 10:
        step *= 10
    target = math.ceil(scaled / step) * step * unit
    return target if (1 - ALMOST) * target <= value < target else None


def _amount(value: float, currency: str, lang: str, approximate: bool) -> str:
    """Headline value, "почти $70 млн" / "almost $70M" when asked and it applies."""
    target = _almost_target(value) if approximate else None
    if target is None:
        return money(value, currency, lang)
    word = "почти" if lang == "ru" else "almost"
    return f"{word} {money(target, currency, lang)}"


def _change_pct(kpi: Kpi, lang: str) -> str:
    """ " (+17,1%)" when the percentage is known, else ""."""
    return f" ({percent(kpi.change_pct, lang)})" if math.isfinite(kpi.change_pct) else ""


def _flat(kpi: Kpi) -> bool:
    """True when the change rounds to 0.0 % (or there is no change at all)."""
    return kpi.change == 0 or (math.isfinite(kpi.change_pct) and abs(kpi.change_pct) < 0.05)


# -- Russian ---------------------------------------------------------------------------


def _ru_change(facts: Facts) -> str:
    """The clause after the headline value."""
    kpi, previous = facts.turnover, facts.year - 1
    annual = _months(facts) is None
    if not math.isfinite(kpi.previous) and previous in facts.unrated:
        return (f"; курсов для пересчёта за {_period(facts, previous, 'ru', 'accs')} нет, "
                "сравнить не с чем")
    if not math.isfinite(kpi.previous):
        return f"; данных за {_period(facts, previous, 'ru', 'accs')} для сравнения нет"
    if kpi.previous == 0:
        trade = "торговли" if facts.partner else "внешней торговли"
        return f"; в {_period(facts, previous, 'ru', 'loct')} {trade} не было"
    against = "за год" if annual else ""
    tail = "" if annual else f" по сравнению с {_period(facts, previous, 'ru', 'ablt')}"
    if _flat(kpi):
        return f", практически не изменившись {against}".rstrip() + tail
    verb = "увеличившись" if kpi.change > 0 else "сократившись"
    by = f"{against} на " if against else "на "
    return f", {verb} {by}{money(abs(kpi.change), facts.currency, 'ru')}" \
           f"{_change_pct(kpi, 'ru')}{tail}"


def _ru_flows(facts: Facts) -> str:
    exports, imports = facts.exports, facts.imports
    if exports.value == 0 and imports.value == 0:
        return ""
    if exports.value == 0:
        return (f"Экспорта не было, импорт составил {money(imports.value, facts.currency, 'ru')}"
                f"{_change_pct(imports, 'ru')}.")
    text = (f"Экспорт составил {money(exports.value, facts.currency, 'ru')}"
            f"{_change_pct(exports, 'ru')}")
    if imports.value == 0:
        return text + ", импорта не было."
    return (text + f", импорт — {money(imports.value, facts.currency, 'ru')}"
            f"{_change_pct(imports, 'ru')}.")


def _group_list(parts: tuple[Part, ...], lang: str) -> str:
    def share(part: Part) -> str:
        return percent(part.share, lang, digits=0, signed=False)

    return _join(
        [f"{_group_name(p, lang)} ({share(p)})" if p.basket else
         f"{_group_name(p, lang)} ({p.code}; {share(p)})" for p in parts],
        lang,
    )


def _ru_groups(facts: Facts) -> str:
    clauses = []
    if facts.export_groups:
        verb = "составляют" if len(facts.export_groups) > 1 else "составляет"
        clauses.append(f"основу экспорта {verb} {_group_list(facts.export_groups, 'ru')}")
    if facts.import_groups:
        verb = "преобладают" if len(facts.import_groups) > 1 else "преобладает"
        clauses.append(f"в импорте {verb} {_group_list(facts.import_groups, 'ru')}")
    return _capital("; ".join(clauses)) + "." if clauses else ""


def _confidential(facts: Facts, lang: str) -> str:
    """Sentence on confidential lines above CONFIDENTIAL_MENTION % of a flow, else ""."""
    items = []
    for share, ru, en in ((facts.confidential_export, "экспорта", "exports"),
                          (facts.confidential_import, "импорта", "imports")):
        if math.isfinite(share) and share > CONFIDENTIAL_MENTION:
            amount = percent(share, lang, signed=False)
            items.append(f"{amount} {ru}" if lang == "ru" else f"{amount} of {en}")
    if not items:
        return ""
    if lang == "ru":
        return f"На конфиденциальные позиции приходится {_join(items, 'ru')}."
    return f"Confidential lines account for {_join(items, 'en')}."


def _render_ru(facts: Facts, approximate: bool) -> str:
    region = _reporter_name(facts.reporter, "ru")
    whose = "страны" if _is_country(facts.reporter) else "региона"
    amount = _amount(facts.turnover.value, facts.currency, "ru", approximate)
    when = _period(facts, facts.year, "ru", "loct")
    goods = f" по товарной группе «{facts.basket[0]}»" if facts.basket else ""
    sentences = []
    if facts.partner:
        partner = country_name(facts.partner, "ru")
        sentences.append(
            f"Товарооборот {inflect(region, 'gent')} {with_preposition_s(partner)}{goods} "
            f"в {when} составил {amount}{_ru_change(facts)}."
        )
        if facts.rank is not None:
            verb = "занимают" if _is_plural(partner) else "занимает"
            share = (f" (доля {percent(facts.share, 'ru', signed=False)})"
                     if math.isfinite(facts.share) else "")
            sentences.append(f"{partner} {verb} {facts.rank}-е место среди внешнеторговых "
                             f"партнёров {whose}{share}.")
    else:
        if facts.group:
            head = (f"Товарооборот {inflect(region, 'gent')} со странами "
                    f"{inflect(facts.group[0], 'gent')}")
        else:
            head = f"Внешнеторговый оборот {inflect(region, 'gent')}"
        sentences.append(f"{head}{goods} в {when} составил {amount}{_ru_change(facts)}.")
        if facts.partners:
            listed = _join([f"{country_name(p.code, 'ru')} "
                            f"({percent(p.share, 'ru', signed=False)})" for p in facts.partners],
                           "ru")
            if facts.group:
                head = "Крупнейшие партнёры в группе" if len(facts.partners) > 1 else \
                    "Крупнейший партнёр в группе"
            else:
                head = ("Крупнейшие внешнеторговые партнёры" if len(facts.partners) > 1
                        else "Крупнейший внешнеторговый партнёр") + f" {whose}"
            sentences.append(f"{head} — {listed}.")
    flows = _ru_flows(facts)
    if facts.basket and flows:
        of_goods = _running(inflect(facts.basket[0], "gent"))
        flows = flows.replace("Экспорт составил", f"Экспорт {of_goods} составил", 1)
        flows = flows.replace("Экспорта не было", f"Экспорта {of_goods} не было", 1)
    sentences += [flows, _ru_groups(facts), _confidential(facts, "ru")]
    if facts.currency != "USD":
        word = _CURRENCY_WORDS["ru"].get(facts.currency, facts.currency)
        sentences.append(f"Стоимостные показатели приведены в {word}.")
    return " ".join(s for s in sentences if s)


# -- English ---------------------------------------------------------------------------


def _en_change(facts: Facts) -> str:
    kpi, previous = facts.turnover, facts.year - 1
    base = _period(facts, previous, "en")
    if not math.isfinite(kpi.previous) and previous in facts.unrated:
        return f"; there are no exchange rates for {base} to compare with"
    if not math.isfinite(kpi.previous):
        return f"; no data for {base} to compare with"
    if kpi.previous == 0:
        return f"; there was no trade in {base}"
    if _flat(kpi):
        return f", almost unchanged on {base}"
    direction = "up" if kpi.change > 0 else "down"
    return (f", {direction} {money(abs(kpi.change), facts.currency, 'en')}"
            f"{_change_pct(kpi, 'en')} on {base}")


def _en_flows(facts: Facts) -> str:
    exports, imports = facts.exports, facts.imports
    if exports.value == 0 and imports.value == 0:
        return ""
    if exports.value == 0:
        return (f"There were no exports; imports were "
                f"{money(imports.value, facts.currency, 'en')}{_change_pct(imports, 'en')}.")
    text = f"Exports were {money(exports.value, facts.currency, 'en')}{_change_pct(exports, 'en')}"
    if imports.value == 0:
        return text + "; there were no imports."
    return (text + f" and imports {money(imports.value, facts.currency, 'en')}"
            f"{_change_pct(imports, 'en')}.")


def _en_groups(facts: Facts) -> str:
    clauses = []
    if facts.export_groups:
        clauses.append(f"exports are led by {_group_list(facts.export_groups, 'en')}")
    if facts.import_groups:
        clauses.append(f"imports are dominated by {_group_list(facts.import_groups, 'en')}")
    return _capital("; ".join(clauses)) + "." if clauses else ""


def _render_en(facts: Facts, approximate: bool) -> str:
    region = _en_article(_reporter_name(facts.reporter, "en"))
    whose = "the country's" if _is_country(facts.reporter) else "the region's"
    amount = _amount(facts.turnover.value, facts.currency, "en", approximate)
    when = _period(facts, facts.year, "en")
    goods = f" in {_running(facts.basket[1])}" if facts.basket else ""
    sentences = []
    if facts.partner:
        partner = _en_article(country_name(facts.partner, "en"))
        sentences.append(f"Trade{goods} between {region} and {partner} amounted to {amount} "
                         f"in {when}{_en_change(facts)}.")
        if facts.rank is not None:
            share = (f", with a {percent(facts.share, 'en', signed=False)} share"
                     if math.isfinite(facts.share) else "")
            sentences.append(f"{_capital(partner)} ranks {_ordinal_en(facts.rank)} among "
                             f"{whose} foreign trade partners{share}.")
    else:
        if facts.group:
            head = f"Trade{goods} between {region} and {_en_article(facts.group[1])}"
        else:
            head = f"Foreign trade{goods} of {region}"
        sentences.append(f"{head} amounted to {amount} in {when}{_en_change(facts)}.")
        if facts.partners:
            listed = _join([f"{_en_article(country_name(p.code, 'en'))} "
                            f"({percent(p.share, 'en', signed=False)})" for p in facts.partners],
                           "en")
            if facts.group:
                head = ("The largest partners in the group are" if len(facts.partners) > 1
                        else "The largest partner in the group is")
            else:
                head = _capital(whose) + (" largest trade partners are"
                                          if len(facts.partners) > 1
                                          else " largest trade partner is")
            sentences.append(f"{head} {listed}.")
    flows = _en_flows(facts)
    if facts.basket and flows:
        flows = flows.replace("Exports were", f"Exports{goods.replace(' in ', ' of ')} were", 1)
    sentences += [flows, _en_groups(facts), _confidential(facts, "en")]
    if facts.currency != "USD":
        word = _CURRENCY_WORDS["en"].get(facts.currency, facts.currency)
        sentences.append(f"Values are in {word}.")
    return " ".join(s for s in sentences if s)


def render(facts: Facts, lang: str = "ru", *, approximate: bool = False) -> str:
    """The summary paragraph in 'ru' or 'en' (deterministic; see the module docstring's rules)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return _render_ru(facts, approximate) if lang == "ru" else _render_en(facts, approximate)


def narrative(store: Store, view: analysis.View, lang: str = "ru", *,
              approximate: bool = False) -> str:
    """build_facts then render: the summary paragraph of a view."""
    return render(build_facts(store, view), lang, approximate=approximate)
