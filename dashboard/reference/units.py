"""Supplementary units of measure: OKEI codes the FCS publishes, with RU/EN short names.

Codes and Russian abbreviations are OK 015-94 (ОКЕИ, Общероссийский классификатор единиц
измерения); the English forms are ours, short enough for a table column.
"""

from __future__ import annotations

UNIT_NAMES: dict[str, tuple[str, str]] = {
    "055": ("м²", "m²"), "112": ("л", "l"), "113": ("м³", "m³"), "163": ("г", "g"),
    "166": ("кг", "kg"), "715": ("пар", "pairs"), "796": ("шт", "pcs"),
    "798": ("тыс. шт", "thousand pcs"), "831": ("л 100% спирта", "l pure alcohol"),
}
"""OKEI code: (Russian, English) short name."""


def unit_name(code: str, lang: str) -> str:
    """The short name of an OKEI unit code in ``lang``; an unknown code stands for itself."""
    ru, en = UNIT_NAMES.get(code, (code, code))
    return ru if lang == "ru" else en
