"""Numbers, money and percentages formatted per locale (babel), the way the press writes them."""

from __future__ import annotations

import math

from babel.numbers import format_compact_decimal, format_decimal

from dashboard.core.i18n import currency_word

# Russian press puts the dollar sign first ("$69,8 млн") and spells roubles out.
_PREFIX = {"USD": "$", "EUR": "€", "CNY": "¥", "GBP": "£", "JPY": "¥"}


def _locale(lang: str) -> str:
    return "ru_RU" if lang == "ru" else "en_US"


def number(value: float | None, lang: str, *, digits: int = 1) -> str:
    """A plain number with grouping ("69 800 000" / "69,800,000"); '—' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def compact(value: float | None, lang: str, *, digits: int = 1) -> str:
    """A compact number: "69,8 млн" / "69.8M"; '—' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = format_compact_decimal(abs(value), locale=_locale(lang), fraction_digits=digits)
    return ("−" if value < 0 else "") + text


def money(value: float | None, currency: str, lang: str, *, digits: int = 1,
          signed: bool = False) -> str:
    """Compact money: "$69,8 млн", "$69.8M", "4,2 млрд руб."; '—' for missing or infinite."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else (
        "−" if value < 0 else "")
    body = compact(abs(value), lang, digits=digits)
    if currency in _PREFIX:
        return f"{sign}{_PREFIX[currency]}{body}"
    return f"{sign}{body} {currency_word(currency, lang)}"


def percent(value: float | None, lang: str, *, digits: int = 1, signed: bool = True) -> str:
    """A percentage already in % units: "+17,1%" / "+17.1%"; '—' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    text = format_decimal(abs(value), format=pattern, locale=_locale(lang))
    sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else (
        "−" if value < 0 else "")
    return f"{sign}{text}%"


def rate(value: float | None, lang: str, *, digits: int = 2, signed: bool = False) -> str:
    """An exchange rate or its change: "104,35" / "+3,05"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = format_decimal(abs(value), format="#,##0." + "0" * digits, locale=_locale(lang))
    sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else (
        "−" if value < 0 else "")
    return sign + text
