"""Partner countries: codes and RU/EN names from pycountry, plus special partner codes.

Names come from pycountry (ISO 3166-1 and its ``iso3166-1`` gettext
translations), preferring the short common name. A few official forms are
unusable on a chart; the short overrides below replace only those.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

WORLD = "XW"
"""All partners together (Comtrade partner 0, "W00"/"WLD")."""
UNKNOWN = "XU"
"""Partner not specified in the source."""
CONFIDENTIAL_PARTNER = "XC"
"""Partner withheld by the publisher (Comtrade "Special categories")."""
AREAS_NES = "XS"
"""Areas not elsewhere specified (Comtrade "… nes" groups)."""

# ISO 3166-1 reserves X* alpha-2 codes for user assignment, so these never clash.
SPECIAL_PARTNERS: dict[str, dict[str, str]] = {
    WORLD: {"ru": "Весь мир", "en": "World"},
    UNKNOWN: {"ru": "Страна не указана", "en": "Not specified"},
    CONFIDENTIAL_PARTNER: {"ru": "Конфиденциально", "en": "Confidential"},
    AREAS_NES: {"ru": "Прочие территории", "en": "Areas n.e.s."},
}

# Only where pycountry's short name is an official long form or oddly cased on a chart.
_NAME_OVERRIDES: dict[str, dict[str, str]] = {
    "ru": {
        "RU": "Россия",  # "Российская Федерация"
        "US": "США",  # "Соединённые штаты" (sic, lower-case "штаты")
        "GB": "Великобритания",  # "Соединённое Королевство"
        "VA": "Ватикан",  # "Государство-город Ватикан"
        "CF": "Центральноафриканская Республика",  # "Центрально-африканская республика"
        "SH": "Остров Святой Елены",  # "…, Остров Вознесения и Тристан-да-Кунья"
        "UM": "Внешние малые острова США",  # "Соединенные штаты Малых Удаленных островов"
    },
    "en": {
        "RU": "Russia",  # "Russian Federation"
        "CD": "DR Congo",  # "Congo, The Democratic Republic of the"
        "FM": "Micronesia",  # "Micronesia, Federated States of"
        "PS": "Palestine",  # "Palestine, State of"
        "VA": "Vatican",  # "Holy See (Vatican City State)"
        "VG": "British Virgin Islands",  # "Virgin Islands, British"
        "VI": "US Virgin Islands",  # "Virgin Islands, U.S."
        "FK": "Falkland Islands",  # "Falkland Islands (Malvinas)"
        "SH": "Saint Helena",  # "Saint Helena, Ascension and Tristan da Cunha"
    },
}

# Comtrade M49 codes that differ from ISO 3166-1 numeric (country incl. territories)
# or stand for groups; everything else is looked up as ISO numeric.
_M49_SPECIAL: dict[int, str] = {
    0: WORLD,
    251: "FR",  # France incl. Monaco
    579: "NO",  # Norway incl. Svalbard and Jan Mayen
    699: "IN",  # India incl. Sikkim
    757: "CH",  # Switzerland incl. Liechtenstein
    842: "US",  # USA incl. Puerto Rico and US Virgin Islands
    490: AREAS_NES,  # "Other Asia, nes" (in practice Taiwan, which Comtrade does not name)
    527: AREAS_NES,  # Oceania nes
    568: AREAS_NES,  # Other Europe nes
    577: AREAS_NES,  # Other Africa nes
    636: AREAS_NES,  # Rest of America nes
    837: AREAS_NES,  # Bunkers
    838: AREAS_NES,  # Free zones
    839: CONFIDENTIAL_PARTNER,  # Special categories
    899: AREAS_NES,  # Areas nes
}
_ISO3_SPECIAL = {"W00": WORLD, "WLD": WORLD}


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    """pycountry's gettext catalogue for ISO 3166-1 names in ``lang``."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def is_special_partner(code: str) -> bool:
    """True for the special partner codes (world, unknown, confidential, areas n.e.s.)."""
    return code.strip().upper() in SPECIAL_PARTNERS


@cache
def country_name(iso2: str, lang: str = "ru") -> str:
    """Short RU/EN name of an ISO 3166-1 alpha-2 (or special) code; the code when unknown."""
    code = iso2.strip().upper()
    lang = "ru" if lang.lower().startswith("ru") else "en"
    if code in SPECIAL_PARTNERS:
        return SPECIAL_PARTNERS[code][lang]
    if code in _NAME_OVERRIDES[lang]:
        return _NAME_OVERRIDES[lang][code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return iso2
    name = getattr(country, "common_name", None) or country.name
    if lang == "en":
        return name
    translate = _translation("ru").gettext
    translated = translate(name)
    if translated == name and name != country.name:
        # common_name has no Russian entry: the catalogue always has the short name.
        translated = translate(country.name)
    return translated


def iso2_from_iso3(code: str) -> str | None:
    """ISO alpha-2 for an alpha-3 code (W00/WLD = world); None when unknown."""
    code = code.strip().upper()
    if code in _ISO3_SPECIAL:
        return _ISO3_SPECIAL[code]
    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else None


def iso3_from_iso2(code: str) -> str | None:
    """ISO alpha-3 for an alpha-2 code; None for special or unknown codes."""
    country = pycountry.countries.get(alpha_2=code.strip().upper())
    return country.alpha_3 if country else None


def iso2_from_m49(code: int | str) -> str | None:
    """ISO alpha-2 for a UN M49 / Comtrade partner code (0 = world); None when unknown."""
    try:
        number = int(str(code).strip())
    except ValueError:
        return None
    if number in _M49_SPECIAL:
        return _M49_SPECIAL[number]
    country = pycountry.countries.get(numeric=f"{number:03d}")
    return country.alpha_2 if country else None


@cache
def _names_to_iso2() -> dict[str, str]:
    """Lower-cased RU/EN country names (official, common, ours) -> ISO alpha-2."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None),
                     country_name(code, "en"), country_name(code, "ru")):
            if name:
                names.setdefault(name.lower(), code)
        ru = _translation("ru").gettext(country.name)
        names.setdefault(ru.lower(), code)
    return names


def country_code(value: str) -> str | None:
    """ISO alpha-2 for a code (KZ, KAZ, 398) or a country name in Russian or English."""
    text = value.strip()
    upper = text.upper()
    if len(upper) == 2 and (pycountry.countries.get(alpha_2=upper) or is_special_partner(upper)):
        return upper
    if len(upper) == 3 and upper.isascii() and upper.isalpha():
        return iso2_from_iso3(upper)
    if text.isdigit():
        return iso2_from_m49(text)
    return _names_to_iso2().get(text.lower())


@cache
def known_partner_codes() -> frozenset[str]:
    """Every partner code the store accepts: ISO 3166-1 alpha-2, our special codes, and
    the few user-assigned codes publishers use (XK Kosovo, EU European Union)."""
    codes = {country.alpha_2 for country in pycountry.countries}
    return frozenset(codes | set(SPECIAL_PARTNERS) | {"XK", "EU"})
