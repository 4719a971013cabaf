"""User-facing labels in Russian and English (pure; pages, charts and the deck share them)."""

from __future__ import annotations

LANGS = ("ru", "en")

_LABELS: dict[str, tuple[str, str]] = {
    # key: (ru, en)
    "app_title": ("Оборот — внешняя торговля регионов", "Oborot — regional foreign trade"),
    "overview": ("Обзор", "Overview"),
    "partners": ("Партнёры", "Partners"),
    "commodities": ("Товары", "Commodities"),
    "rates": ("Курсы валют", "Exchange rates"),
    "data": ("Данные", "Data"),
    "presentation": ("Презентация", "Presentation"),
    "filters": ("Фильтры", "Filters"),
    "reporter": ("Регион", "Region"),
    "partner": ("Страна-партнёр", "Partner country"),
    "partners_pick": ("Страны-партнёры", "Partner countries"),
    "all_partners": ("Все страны", "All partners"),
    "flow": ("Показатель", "Measure"),
    "year": ("Год", "Year"),
    "period": ("Период", "Period"),
    "period_year": ("Год целиком", "Full year"),
    "period_ytd": ("С начала года (январь–N)", "Year to date (Jan–N)"),
    "through_month": ("По месяц", "Through month"),
    "currency": ("Валюта", "Currency"),
    "hs_level": ("Уровень ТН ВЭД", "HS level"),
    "language": ("Язык", "Language"),
    "turnover": ("Товарооборот", "Turnover"),
    "export": ("Экспорт", "Exports"),
    "import": ("Импорт", "Imports"),
    "balance": ("Сальдо", "Balance"),
    "value": ("Стоимость", "Value"),
    "share": ("Доля, %", "Share, %"),
    "rank": ("Место", "Rank"),
    "previous": ("Год назад", "Year earlier"),
    "change": ("Изменение", "Change"),
    "change_pct": ("Изменение, %", "Change, %"),
    "contribution": ("Вклад в прирост, п.п.", "Contribution to growth, pp"),
    "vs_prev_year": ("к прошлому году", "vs previous year"),
    "annual_trend": ("Динамика по годам", "Annual trend"),
    "monthly_trend": ("Динамика по месяцам", "Monthly trend"),
    "top_partners": ("Крупнейшие партнёры", "Top partners"),
    "top_commodities": ("Основные товарные группы", "Main commodity groups"),
    "summary": ("Кратко", "In brief"),
    "no_data": ("Нет данных для выбранных фильтров.", "No data for the chosen filters."),
    "empty_store": (
        "Хранилище пусто. Загрузите файл на странице «Данные» или выполните `make demo`.",
        "The store is empty. Upload a file on the Data page or run `make demo`.",
    ),
    "source_line": ("Источник: {source}", "Source: {source}"),
    "million": ("млн", "M"),
    "usd_unit": ("долл. США", "US dollars"),
    "month_names": (
        "янв,фев,мар,апр,май,июн,июл,авг,сен,окт,ноя,дек",
        "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
    ),
    "download_csv": ("Скачать CSV", "Download CSV"),
    "confidential": ("Конфиденциально", "Confidential"),
    "other": ("Прочие", "Other"),
    "world": ("Все страны", "World"),
    "no_base_year": ("нет данных за {year} год для сравнения",
                     "no data for {year} to compare with"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The label for ``key`` in ``lang`` ('ru' or 'en'), with ``{placeholders}`` filled."""
    ru, en = _LABELS[key]
    text = ru if lang == "ru" else en
    return text.format(**values) if values else text


def month_name(month: int, lang: str) -> str:
    """Short month name, 1 = January."""
    return t("month_names", lang).split(",")[month - 1]


def flow_label(flow: str, lang: str) -> str:
    """turnover/export/import/balance in the language."""
    return t(flow, lang)
