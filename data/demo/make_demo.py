"""Write the bundled synthetic FCS regional export, ``data/demo/DATTSVT.csv``.

The file mimics the "Выгрузка" CSV of stat.customs.gov.ru byte for byte:
TAB-separated, UTF-8 without BOM, LF line endings, the header
``napr period strana tnved edizm Stoim Netto Kol Region Region_s``, values in
US dollars (not thousands) with a decimal comma, net weight in kg.

The numbers are SYNTHETIC.  Only the Tomsk Oblast - Kazakhstan pair is
calibrated to published facts (turnover 69.8M USD in 2018 and 59.6M USD in
2017, Kazakhstan Tomsk's 3rd partner); everything else is plausible noise
drawn from a fixed seed, so the output is identical on every run.

Usage: ``python data/demo/make_demo.py [OUTPUT]`` (default: next to this file).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 20181231
YEARS = (2015, 2016, 2017, 2018)
HEADER = ("napr", "period", "strana", "tnved", "edizm", "Stoim", "Netto", "Kol", "Region",
          "Region_s")
EXPORT, IMPORT = "ЭК", "ИМ"
CONFIDENTIAL = "XXXXXXXXXX"
DEFAULT_OUTPUT = Path(__file__).with_name("DATTSVT.csv")
ACTIVE_SHARE = 0.05  # a partner with this share of a region's flow trades every month

# Russia's trade fell in 2015-2016 with oil prices and the rouble, then recovered.
YEAR_INDEX = {2015: 0.86, 2016: 0.79, 2017: 0.93, 2018: 1.0}
PRICE_INDEX = {2015: 0.93, 2016: 0.88, 2017: 0.96, 2018: 1.0}

# --- commodities ----------------------------------------------------------------------------
# heading, USD per kg, OKEI code of the supplementary unit ("-" = none), kg per unit,
# then the last six digits of each 10-digit ТН ВЭД ЕАЭС code in the demo.
# OKEI: 796 шт, 798 1000 шт, 715 пар, 113 м3, 055 м2, 112 л, 831 л 100% спирта, 163 г, 166 кг.
CATALOGUE = """
0201  5.5   -    -     : 300000
0202  4.5   -    -     : 300000 200000
0203  2.6   -    -     : 291500 295500
0207  1.6   -    -     : 141000 149100 120000
0303  1.9   166  1     : 550000 630000 890000
0304  4.5   166  1     : 750000 870000
0402  3.2   -    -     : 211800 291900 101900
0405  5.5   -    -     : 101100
0406  4.5   -    -     : 903100 208000 102000
0701  0.28  -    -     : 905000 100000
0702  1.1   -    -     : 000000
0703  0.38  -    -     : 101900 200000
0704  0.3   -    -     : 901000 100000
0706  0.35  -    -     : 100000
0707  0.9   -    -     : 000500
0709  1.2   -    -     : 601000 930000
0713  0.45  -    -     : 100000 401000 200000
0802  6.0   -    -     : 320000 510000
0803  0.75  -    -     : 901000
0805  0.8   -    -     : 102000 220000 501000
0806  1.4   -    -     : 101000 209000
0808  0.6   -    -     : 108000 301000
0809  1.3   -    -     : 100000 400500
0813  2.0   -    -     : 100000 500000
0901  4.0   -    -     : 110000 210000
0902  3.5   -    -     : 300000 400000
0904  5.0   -    -     : 110000
1001  0.2   -    -     : 990000 190000
1003  0.18  -    -     : 900000
1005  0.2   -    -     : 900000
1006  0.55  -    -     : 309800 309200
1008  0.35  -    -     : 100000
1101  0.26  -    -     : 001500 001100
1104  0.6   -    -     : 120000
1107  0.5   -    -     : 100000
1201  0.38  -    -     : 900000
1204  0.45  -    -     : 009000
1205  0.38  -    -     : 109000
1206  0.36  -    -     : 009900
1512  0.75  -    -     : 111009 191009
1514  0.8   -    -     : 191000
1701  0.4   -    -     : 999000 140000
1704  2.5   -    -     : 909900
1806  3.5   -    -     : 329000 900019
1902  0.8   -    -     : 191000 301000
1905  2.2   -    -     : 319900 901000
2002  1.1   -    -     : 909900
2009  1.0   -    -     : 119900 798000
2101  9.0   -    -     : 129800
2106  4.0   -    -     : 909808
2202  0.9   112  1.05  : 100000 991800
2203  0.9   112  1.02  : 000100
2204  3.0   112  1.3   : 219800 210600
2208  5.0   831  2.4   : 601100 301100
2304  0.4   -    -     : 000000
2306  0.2   -    -     : 300000
2309  1.5   -    -     : 109000 909700
2402  15.0  798  1.0   : 209000
2501  0.06  -    -     : 009100 009900 005100
2505  0.03  -    -     : 100000
2508  0.15  -    -     : 300000
2517  0.02  -    -     : 101000
2519  0.4   -    -     : 904000
2523  0.07  -    -     : 290000
2530  0.2   -    -     : 900009
2601  0.07  -    -     : 110000 120000
2603  1.5   -    -     : 000000
2606  0.035 -    -     : 000000
2610  0.2   -    -     : 000000
2614  0.3   -    -     : 000000
2616  8.0   -    -     : 900000
2701  0.085 -    -     : 121000 129000 190000
2704  0.25  -    -     : 001100
2709  0.48  -    -     : 009009
2710  0.55  -    -     : 121190 194200 196800 194800
2711  0.45  -    -     : 129400 140000
2713  0.2   -    -     : 110000 120000
2803  1.0   -    -     : 000000
2804  2.0   -    -     : 690000
2814  0.25  -    -     : 100000
2815  0.35  -    -     : 120000
2818  0.35  -    -     : 200000 300000
2836  0.3   -    -     : 200000
2901  0.9   -    -     : 210000
2902  0.8   -    -     : 200000 430000
2905  0.32  -    -     : 110000 120000 310000
2912  0.2   -    -     : 110000
2915  0.6   -    -     : 210000
2917  1.0   -    -     : 350000
2933  1.8   -    -     : 710000
2941  40.0  -    -     : 109000
3002  400.0 -    -     : 150000 200000
3004  35.0  -    -     : 900002 900009 390009
3102  0.25  -    -     : 101000 301000
3104  0.25  -    -     : 201000
3105  0.3   -    -     : 200000 300000
3208  3.0   -    -     : 109000
3209  2.8   -    -     : 100009
3215  6.0   -    -     : 190000
3303  25.0  -    -     : 009000
3304  15.0  -    -     : 990000
3305  5.0   -    -     : 100000
3401  2.0   -    -     : 110001
3402  1.8   -    -     : 209000 901000
3506  3.0   -    -     : 990000
3602  1.2   -    -     : 000000
3808  8.0   -    -     : 931500 929000
3811  2.5   -    -     : 210000
3815  12.0  -    -     : 190000 120000
3824  3.0   -    -     : 999208
3901  1.2   -    -     : 100000 201000 909000
3902  1.15  -    -     : 100000 300000
3903  1.5   -    -     : 190000
3904  1.0   -    -     : 100009
3907  1.1   -    -     : 610000
3909  0.9   -    -     : 100000 400000
3917  3.5   -    -     : 230000 400009
3920  2.8   -    -     : 102500 209000
3923  2.5   -    -     : 210000 509000
3926  7.0   -    -     : 909709
4002  1.7   -    -     : 199000
4010  8.0   -    -     : 110000
4011  3.5   796  9     : 100003
4011  3.0   796  55    : 200900
4011  4.5   796  400   : 800000
4202  25.0  -    -     : 210000 129100
4401  0.14  -    -     : 310000
4403  0.12  113  750   : 211000 231000 251000 951000
4407  0.35  113  520   : 111000 119000 129100 129800 199800
4408  1.0   113  650   : 109800
4409  0.9   -    -     : 101800
4410  0.35  113  650   : 110000
4411  0.4   113  800   : 149000
4412  0.6   113  650   : 330000 390000
4418  1.3   -    -     : 990000
4703  0.55  -    -     : 210000 290000
4802  1.1   -    -     : 569000
4804  0.6   -    -     : 111100
4810  0.9   -    -     : 139000
4819  1.5   -    -     : 100000
5201  1.7   -    -     : 009000
5205  2.8   -    -     : 120000
5208  9.0   -    -     : 390000
5402  2.0   -    -     : 330000
5503  1.4   -    -     : 200000
5603  3.0   -    -     : 149000
6104  15.0  796  0.35  : 620000
6109  14.0  796  0.2   : 100000
6110  16.0  796  0.4   : 209100
6201  18.0  796  0.8   : 939000
6203  17.0  796  0.6   : 423500
6302  5.0   -    -     : 100000
6305  2.5   -    -     : 332000
6402  12.0  715  0.8   : 999800
6403  22.0  715  1.0   : 999600
6404  14.0  715  0.7   : 199000
6806  1.0   -    -     : 100000
6810  0.3   -    -     : 990000
6902  0.9   -    -     : 100000
6907  0.4   055  18    : 219000
6910  1.2   796  15    : 100000
7005  0.4   055  10    : 291800
7010  0.6   -    -     : 904500
7019  2.0   -    -     : 390000
7106  500.0 163  0.001 : 919000
7108  40000 163  0.001 : 120000
7110  30000 163  0.001 : 110000 210000
7113  2000  163  0.001 : 191000
7201  0.3   -    -     : 100000
7202  1.2   -    -     : 210000 110000 410000
7204  0.28  -    -     : 410000 499000
7207  0.45  -    -     : 111100 201100
7208  0.55  -    -     : 390000 510000 529900
7209  0.65  -    -     : 170000 180000
7210  0.8   -    -     : 490000 708000 410000
7210  0.95  -    -     : 120000
7213  0.5   -    -     : 910000
7214  0.5   -    -     : 200000
7216  0.6   -    -     : 330000 310000
7219  2.5   -    -     : 350000
7225  1.0   -    -     : 110000 990000
7304  1.2   -    -     : 191000 293000
7305  0.9   -    -     : 121000
7306  0.8   -    -     : 309000 610000
7308  1.5   -    -     : 909809 400000
7318  3.0   -    -     : 159008 160009
7326  4.0   -    -     : 909807
7403  6.5   -    -     : 110000
7404  5.0   -    -     : 001000
7408  7.0   -    -     : 110000
7501  6.0   -    -     : 100000
7502  11.0  -    -     : 100000
7601  2.0   -    -     : 100000 209900
7604  3.5   -    -     : 291000
7606  3.0   -    -     : 129900
7607  3.8   -    -     : 111900
7901  2.8   -    -     : 110000
8001  20.0  -    -     : 100000
8108  18.0  -    -     : 200000 903000 905000
8205  12.0  -    -     : 598000
8207  30.0  -    -     : 191000 199009
8401  1500  -    -     : 300000
8402  10.0  796  9000  : 119000
8407  12.0  796  150   : 349908
8408  12.0  796  400   : 209909
8409  20.0  -    -     : 990009
8411  80.0  796  15000 : 820000
8413  25.0  796  40    : 702100 708100
8414  20.0  796  25    : 808000
8415  11.0  796  35    : 101000
8418  6.0   796  60    : 102001
8419  25.0  -    -     : 500000
8421  30.0  796  5     : 290009 392009
8422  25.0  796  400   : 400008
8424  20.0  -    -     : 899000
8426  10.0  796  20000 : 419000
8428  10.0  796  500   : 909000
8429  13.0  796  25000 : 521000 110000 519900
8430  15.0  796  8000  : 410000 490009
8431  12.0  -    -     : 430000 498009 390000
8432  9.0   796  3000  : 290000
8433  9.0   796  14000 : 510001
8438  25.0  -    -     : 800000
8443  40.0  796  5     : 321000
8450  4.0   796  60    : 111900
8462  15.0  796  5000  : 290009
8467  15.0  796  2     : 211000
8471  120.0 796  2.5   : 300000 500000
8471  60.0  796  0.5   : 700000
8474  10.0  796  6000  : 200000 390000
8479  30.0  796  300   : 899708 820000
8480  40.0  -    -     : 719000
8481  25.0  -    -     : 808199 309908
8482  12.0  796  0.5   : 100000 200000
8483  15.0  -    -     : 408900 109500
8501  12.0  796  20    : 523000
8502  10.0  796  1500  : 120000
8504  10.0  796  10    : 403009
8504  8.0   796  1500  : 210000
8507  6.0   796  15    : 102000
8507  25.0  796  0.2   : 600000
8508  7.0   796  6     : 110000
8516  8.0   796  4     : 500000
8517  250.0 796  0.2   : 120000
8517  60.0  796  1.0   : 620009
8523  60.0  -    -     : 511000
8528  12.0  796  10    : 721000
8529  25.0  -    -     : 909700
8536  30.0  -    -     : 509800 690008
8537  40.0  796  20    : 109100
8541  25.0  -    -     : 409000
8542  800.0 -    -     : 310001
8544  8.0   -    -     : 429007 499108 601000
8606  1.2   796  24000 : 109000 991000
8607  3.0   -    -     : 191000 219000
8701  10.0  796  8000  : 951000
8702  8.0   796  11000 : 109199
8703  12.0  796  1500  : 239013 329019
8704  6.0   796  9000  : 229108
8704  9.0   796  60000 : 102009
8708  8.0   -    -     : 999709 309109 409909
8711  9.0   796  150   : 209800
8716  4.0   796  6000  : 399800
8802  1000  796  30000 : 403009
8803  250.0 -    -     : 300008
9018  60.0  -    -     : 390000 908409
9022  100.0 796  400   : 140000
9026  100.0 -    -     : 802000 102900
9027  150.0 -    -     : 809900
9031  120.0 -    -     : 809800
9032  80.0  -    -     : 890000
9401  4.0   796  25    : 710009
9403  4.0   796  30    : 208009 609000
9405  10.0  796  1     : 409909
9503  8.0   -    -     : 009909
9506  6.0   -    -     : 911000
9619  3.5   -    -     : 008109
"""


@dataclass(frozen=True)
class Commodity:
    """One 10-digit code with its typical unit value (USD/kg) and supplementary unit."""

    code: str
    usd_per_kg: float
    unit: str  # OKEI code, "" when the code has no supplementary unit
    kg_per_unit: float

    @property
    def chapter(self) -> str:
        return self.code[:2]


def load_catalogue() -> list[Commodity]:
    """Parse CATALOGUE into commodities, in file order."""
    out = []
    for line in CATALOGUE.strip().splitlines():
        head, subs = line.split(":")
        heading, usd, unit, kg = head.split()
        for sub in subs.split():
            out.append(Commodity(heading + sub, float(usd), "" if unit == "-" else unit,
                                 0.0 if kg == "-" else float(kg)))
    return out


# --- partners -------------------------------------------------------------------------------
# ISO alpha-2, relative size as a partner of a Russian region, group for the commodity mix.
PARTNERS = {
    "CN": (100, "china"), "DE": (40, "eu"), "NL": (30, "eu"), "KZ": (28, "eaeu"),
    "BY": (26, "eaeu"), "US": (20, "advanced"), "IT": (16, "eu"), "TR": (14, "south"),
    "KR": (14, "advanced"), "JP": (13, "advanced"), "FR": (10, "eu"), "GB": (10, "advanced"),
    "PL": (9, "eu"), "UA": (8, "cis"), "UZ": (8, "cis_south"), "IN": (8, "asia"),
    "FI": (7, "eu"), "BE": (7, "eu"), "CH": (6, "advanced"), "VN": (5, "asia"),
    "ES": (5, "eu"), "CZ": (5, "eu"), "AT": (5, "eu"), "KG": (4, "eaeu"), "SE": (4, "eu"),
    "HU": (4, "eu"), "LV": (4, "eu"), "LT": (4, "eu"), "AE": (4, "south"), "EG": (4, "south"),
    "BR": (4, "south"), "MN": (3, "mongolia"), "DK": (3, "eu"), "NO": (3, "advanced"),
    "SK": (3, "eu"), "EE": (3, "eu"), "AZ": (3, "cis_south"), "TH": (3, "asia"),
    "TW": (3, "advanced"), "MY": (3, "asia"), "SG": (3, "advanced"), "ID": (3, "asia"),
    "IR": (3, "south"), "CA": (3, "advanced"), "AM": (2, "eaeu"), "GE": (2, "cis_south"),
    "TJ": (2, "cis_south"), "HK": (2, "asia"), "IL": (2, "advanced"), "SA": (2, "south"),
    "MX": (2, "south"), "EC": (2, "south"), "AU": (2, "advanced"), "RS": (2, "eu"),
    "BG": (2, "eu"), "RO": (2, "eu"), "GR": (2, "eu"), "SI": (2, "eu"), "TM": (1.5, "cis_south"),
    "AR": (1.5, "south"), "MD": (1, "cis"), "CL": (1, "south"),
}
SIBERIA_BOOST = {"KZ": 3.0, "MN": 4.0, "KG": 2.0, "UZ": 1.5, "TJ": 1.5, "CN": 1.4, "BY": 1.2,
                 "US": 0.7, "NL": 0.6}

# Chapter multipliers for what a region buys from (IMPORT) or sells to (EXPORT) a group.
AFFINITY = {
    (IMPORT, "china"): {"84": 2, "85": 3, "61": 3, "62": 3, "64": 3, "94": 3, "95": 4, "73": 2,
                        "39": 1.5, "87": 1.5, "40": 2, "69": 2, "96": 3, "42": 3, "63": 2,
                        "07": 0.3, "08": 0.3},
    (IMPORT, "eaeu"): {"07": 2, "04": 3, "10": 2, "11": 2, "25": 3, "72": 3, "73": 2, "19": 2,
                       "17": 2, "34": 1.5, "84": 0.6},
    (IMPORT, "cis"): {"72": 3, "73": 3, "86": 3, "84": 1.5, "17": 2, "18": 2, "28": 2},
    (IMPORT, "cis_south"): {"07": 5, "08": 6, "09": 2, "20": 3, "22": 3, "52": 6, "84": 0.2,
                            "85": 0.2},
    (IMPORT, "eu"): {"84": 2, "85": 1.5, "90": 3, "30": 3, "38": 2, "33": 2, "87": 2, "32": 2,
                     "48": 2, "22": 1.5, "29": 1.5, "07": 0.3},
    (IMPORT, "advanced"): {"84": 2, "85": 2, "90": 3, "30": 2, "88": 3, "87": 2, "38": 2},
    (IMPORT, "asia"): {"85": 3, "84": 1.5, "40": 2, "61": 2, "62": 2, "64": 2, "09": 3, "17": 2,
                       "52": 2},
    (IMPORT, "south"): {"08": 4, "07": 3, "09": 2, "02": 3, "20": 2, "22": 2, "03": 2, "18": 2},
    (IMPORT, "mongolia"): {"26": 5, "02": 3, "25": 2},
    (EXPORT, "china"): {"44": 4, "27": 1.5, "47": 4, "74": 2, "75": 2, "76": 2, "39": 1.5,
                        "29": 1.5, "12": 3, "15": 3, "10": 1.5, "03": 3, "26": 2, "84": 0.5,
                        "85": 0.5, "87": 0.2},
    (EXPORT, "eaeu"): {"84": 2, "85": 2, "87": 3, "39": 2, "73": 2, "72": 1.5, "04": 2, "19": 2,
                       "17": 2, "30": 2, "33": 2, "34": 2, "48": 2, "44": 1.5, "10": 0.5},
    (EXPORT, "cis"): {"27": 2, "39": 2, "28": 2, "31": 2, "84": 1.5},
    (EXPORT, "cis_south"): {"44": 3, "10": 3, "11": 3, "15": 2, "72": 2, "73": 2, "87": 2,
                            "84": 1.5, "31": 1.5},
    (EXPORT, "mongolia"): {"27": 4, "10": 2, "11": 3, "87": 2, "84": 2, "73": 2, "19": 2},
    (EXPORT, "eu"): {"27": 3, "72": 2, "74": 2, "75": 3, "76": 2, "71": 3, "31": 2, "44": 2,
                     "47": 2, "29": 1.5, "84": 0.3, "85": 0.3, "87": 0.2},
    (EXPORT, "advanced"): {"27": 2, "71": 4, "76": 2, "75": 2, "81": 4, "72": 1.5, "88": 0.5},
    (EXPORT, "asia"): {"27": 2, "31": 3, "72": 2, "76": 2, "10": 2, "12": 2, "15": 2, "44": 2},
    (EXPORT, "south"): {"10": 4, "11": 2, "15": 3, "31": 3, "72": 2, "27": 1.5, "44": 2},
}


# --- regions --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Region:
    """A reporting region: its FCS labels, 2018 totals (USD) and commodity mix by chapter."""

    region: str
    district: str
    exports: float  # USD, 2018, over the partners drawn at random (Tomsk: all but the fixed)
    imports: float
    export_mix: dict[str, float]
    import_mix: dict[str, float]
    siberian: bool = True
    basket_scale: float = 1.0  # more codes per partner for bigger regions
    all_partners: bool = False  # trades with every partner (else minor ones drop out)
    confidential: bool = False


SIBERIA = "06-СИБИРСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"
TOMSK = "69000 - ТОМСКАЯ ОБЛАСТЬ"

REGIONS = (
    Region("01000 - АЛТАЙСКИЙ КРАЙ", SIBERIA, 0.9e9, 0.45e9,
           {"10": 20, "11": 12, "15": 12, "12": 8, "19": 5, "04": 4, "28": 5, "29": 3, "84": 8,
            "86": 3, "44": 5, "73": 3, "87": 2, "38": 2, "17": 2},
           {"84": 25, "87": 10, "85": 8, "07": 8, "08": 6, "12": 3, "23": 2, "38": 4, "39": 4,
            "72": 4, "73": 5, "25": 3, "31": 3}),
    Region("04000 - КРАСНОЯРСКИЙ КРАЙ", SIBERIA, 8.5e9, 1.6e9,
           {"76": 45, "75": 15, "74": 10, "71": 8, "44": 8, "27": 6, "28": 2, "26": 2, "84": 1},
           {"28": 25, "27": 10, "84": 25, "85": 8, "87": 6, "73": 5, "38": 4, "40": 3, "90": 3,
            "07": 2, "08": 2, "39": 3},
           confidential=True),
    Region("32000 - КЕМЕРОВСКАЯ ОБЛАСТЬ", SIBERIA, 13.5e9, 0.9e9,
           {"27": 80, "72": 8, "76": 4, "29": 2, "31": 2, "28": 1, "44": 1, "84": 1},
           {"84": 40, "87": 10, "85": 8, "40": 5, "73": 6, "36": 3, "07": 3, "08": 2, "25": 1,
            "38": 2, "90": 2},
           confidential=True),
    Region("45000 - Г. МОСКВА", "01-ЦЕНТРАЛЬНЫЙ ФЕДЕРАЛЬНЫЙ ОКРУГ", 140e9, 100e9,
           {"27": 35, "72": 6, "71": 4, "84": 8, "85": 6, "88": 2, "30": 2, "39": 3, "31": 4,
            "44": 2, "10": 4, "26": 2, "28": 2, "29": 2, "76": 3, "74": 2, "75": 2, "87": 2,
            "33": 1, "48": 2},
           {"84": 20, "85": 15, "87": 10, "30": 8, "90": 5, "39": 4, "61": 3, "62": 3, "64": 3,
            "33": 2, "08": 3, "07": 2, "02": 2, "04": 2, "22": 2, "94": 2, "95": 2, "73": 2,
            "40": 2, "38": 2, "29": 2, "71": 1, "21": 1, "18": 1, "09": 1, "03": 1, "42": 1,
            "88": 2},
           siberian=False, basket_scale=2.4, all_partners=True),
    Region("50000 - НОВОСИБИРСКАЯ ОБЛАСТЬ", SIBERIA, 2.4e9, 2.6e9,
           {"84": 14, "85": 10, "10": 8, "15": 5, "72": 6, "44": 6, "28": 5, "90": 5, "38": 3,
            "80": 3, "30": 2, "39": 2, "87": 2},
           {"84": 20, "85": 12, "87": 10, "61": 4, "62": 4, "64": 4, "08": 5, "07": 4, "39": 4,
            "30": 4, "94": 3, "95": 3, "73": 3, "40": 2, "90": 3},
           basket_scale=1.2, confidential=True),
    Region("52000 - ОМСКАЯ ОБЛАСТЬ", SIBERIA, 1.3e9, 0.7e9,
           {"27": 55, "29": 6, "39": 8, "28": 3, "10": 8, "12": 5, "15": 3, "84": 5, "85": 2,
            "44": 1},
           {"84": 30, "85": 12, "87": 8, "38": 5, "07": 4, "08": 5, "39": 4, "29": 3, "73": 4,
            "90": 4, "30": 3, "28": 3}),
    Region("65000 - СВЕРДЛОВСКАЯ ОБЛАСТЬ", "05-УРАЛЬСКИЙ ФЕДЕРАЛЬНЫЙ ОКРУГ", 6.7e9, 2.5e9,
           {"72": 25, "74": 15, "76": 6, "81": 10, "73": 10, "28": 5, "84": 6, "85": 3, "86": 4,
            "71": 8, "26": 2, "44": 1, "39": 2, "29": 1, "31": 1},
           {"84": 25, "26": 15, "28": 6, "85": 10, "87": 7, "72": 5, "73": 4, "38": 3, "39": 4,
            "90": 4, "07": 2, "08": 3, "30": 2, "40": 2, "69": 2, "94": 2, "61": 2, "62": 2,
            "64": 2},
           siberian=False, basket_scale=1.2, confidential=True),
    Region(TOMSK, SIBERIA, 118e6, 126e6,
           {"39": 20, "29": 10, "44": 14, "27": 10, "84": 10, "85": 6, "90": 4, "30": 2, "10": 3,
            "11": 1, "28": 3, "38": 2, "73": 2, "87": 1, "12": 2},
           {"84": 25, "85": 12, "90": 8, "39": 5, "73": 6, "72": 5, "87": 6, "07": 3, "08": 3,
            "28": 3, "38": 4, "40": 2, "30": 3, "25": 2, "94": 2, "62": 1, "61": 1, "64": 1,
            "69": 1, "70": 1},
           confidential=True),
)

# Tomsk's biggest partners, fixed for 2018 (exports, imports; USD) so the ranking is the
# published one: China, Germany, Kazakhstan, then Belarus well behind.
TOMSK_PAIRS = {"CN": (198.4e6, 41.9e6), "DE": (13.8e6, 84.1e6), "BY": (18.6e6, 27.9e6)}
TOMSK_OTHER_CAP = 36e6  # no other Tomsk partner reaches this turnover in 2018

# Tomsk Oblast - Kazakhstan, USD by year (exports, imports).  2017 and 2018 sum to the
# published turnover (59.6M and 69.8M); 2015-2016 are plausible, not calibrated.
TOMSK_KZ_TOTALS = {
    2015: (40_870_000.00, 12_950_000.00),
    2016: (37_150_000.00, 13_280_000.00),
    2017: (44_260_000.00, 15_340_000.00),
    2018: (52_310_000.00, 17_490_000.00),
}
# Tomsk exports to Kazakhstan: petrochemicals (Tomskneftekhim polymers, methanol,
# formaldehyde) and timber; imports: vegetables, salt and flat-rolled steel.
TOMSK_KZ_EXPORTS = {
    "3902100000": 0.24, "3901100000": 0.10, "3902300000": 0.03, "3909100000": 0.035,
    "3917230000": 0.015, "3920102500": 0.012, "2905110000": 0.125, "2912110000": 0.03,
    "4407119000": 0.06, "4407129100": 0.035, "4403211000": 0.02, "4412330000": 0.02,
    "4409101800": 0.008, "4410110000": 0.01, "2710194200": 0.04, "8413708100": 0.008,
    "8421290009": 0.01, "8481808199": 0.008, "8431430000": 0.012, "8474200000": 0.006,
    "8544499108": 0.012, "8536509800": 0.006, "8537109100": 0.008, "9026802000": 0.006,
    "9031809800": 0.006, "1001990000": 0.02, "1104120000": 0.006, "3004900002": 0.008,
    "7308909809": 0.012, "7326909807": 0.005, "3824999208": 0.008, "3815190000": 0.005,
    "4819100000": 0.006, "1905319900": 0.006,
}
TOMSK_KZ_IMPORTS = {
    "0701905000": 0.11, "0703101900": 0.07, "0704901000": 0.04, "0706100000": 0.035,
    "0702000000": 0.015, "0701100000": 0.01, "2501009100": 0.11, "2501009900": 0.045,
    "2501005100": 0.015, "7210490000": 0.09, "7210708000": 0.055, "7209170000": 0.04,
    "7208390000": 0.035, "7210120000": 0.02, "7214200000": 0.012, "1001990000": 0.035,
    "1101001500": 0.025, "1008100000": 0.01, "0808108000": 0.012, "2815120000": 0.015,
    "7306309000": 0.02, "7308909809": 0.012, "2701121000": 0.02, "8431430000": 0.008,
    "8421290009": 0.006, "3923509000": 0.008, "0405101100": 0.006, "1512111009": 0.01,
    "6305332000": 0.006,
}

# --- seasonality ----------------------------------------------------------------------------
_SEASONS = {
    "general": (0.78, 0.88, 1.02, 1.0, 0.98, 1.02, 0.98, 0.97, 1.02, 1.07, 1.08, 1.2),
    "harvest": (0.9, 0.85, 0.85, 0.7, 0.6, 0.5, 0.6, 0.9, 1.3, 1.5, 1.6, 1.4),
    "root_veg": (1.1, 1.0, 1.0, 0.8, 0.5, 0.3, 0.4, 0.8, 1.4, 1.6, 1.5, 1.3),
    "produce": (1.2, 1.25, 1.4, 1.4, 1.2, 0.9, 0.6, 0.55, 0.7, 0.9, 1.0, 1.1),
    "construction": (0.7, 0.75, 0.9, 1.0, 1.1, 1.15, 1.2, 1.2, 1.15, 1.05, 0.95, 0.85),
    "heating": (1.15, 1.1, 1.05, 0.95, 0.9, 0.85, 0.85, 0.9, 0.95, 1.0, 1.1, 1.2),
}
SEASONS = {name: np.array(v) / np.mean(v) for name, v in _SEASONS.items()}
_SEASON_OF_CHAPTER = {
    **dict.fromkeys(("10", "11", "12", "15", "23"), "harvest"),
    "07": "root_veg", "08": "produce",
    **dict.fromkeys(("25", "44", "68", "69", "70", "72", "73"), "construction"),
    "27": "heating",
}


def season(chapter: str) -> np.ndarray:
    """Twelve monthly factors with mean 1 for an HS chapter."""
    return SEASONS[_SEASON_OF_CHAPTER.get(chapter, "general")]


# --- generation -----------------------------------------------------------------------------
@dataclass
class Rows:
    """Generated trade lines, one list per field; values in USD, weights in kg."""

    year: list[int]
    month: list[int]
    region: list[int]
    flow: list[str]
    partner: list[str]
    code: list[int]  # index into the catalogue, -1 = confidential
    value: list[float]
    netto: list[float]

    @classmethod
    def empty(cls) -> Rows:
        return cls([], [], [], [], [], [], [], [])

    def extend(self, year: np.ndarray, month: np.ndarray, region: int, flow: str, partner: str,
               code: np.ndarray, value: np.ndarray, netto: np.ndarray) -> None:
        n = len(value)
        self.year += year.tolist()
        self.month += month.tolist()
        self.region += [region] * n
        self.flow += [flow] * n
        self.partner += [partner] * n
        self.code += code.tolist()
        self.value += value.tolist()
        self.netto += netto.tolist()


def lognormal(rng: np.random.Generator, sigma: float,
              size: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Multiplicative noise with median 1."""
    return rng.lognormal(0.0, sigma, size)


def pair_years(rng: np.random.Generator, value_2018: float, sigma_2018: float = 0.15
               ) -> dict[int, float]:
    """Annual values (USD) of one region-partner flow around its 2018 level."""
    return {y: value_2018 * YEAR_INDEX[y] * lognormal(rng, sigma_2018 if y == 2018 else 0.1)
            for y in YEARS}


def partner_values(rng: np.random.Generator, region: Region, flow: str,
                   exclude: tuple[str, ...]) -> dict[str, float]:
    """2018 value (USD) per partner of a region's flow: skewed weights, minor ones drop out."""
    total = region.exports if flow == EXPORT else region.imports
    weights = {}
    for iso, (size, _) in PARTNERS.items():
        if iso in exclude:
            continue
        boost = SIBERIA_BOOST.get(iso, 1.0) if region.siberian else 1.0
        w = size * boost * lognormal(rng, 0.8)
        if region.all_partners or rng.random() < 0.15 + 0.2 * np.sqrt(size * boost):
            weights[iso] = w
    norm = sum(weights.values())
    return {iso: total * w / norm for iso, w in weights.items()}


def code_probabilities(chapters: list[str], mix: dict[str, float], affinity: dict[str, float],
                       baseline: float) -> np.ndarray:
    """Selection probability of each catalogue code for one region-partner flow.

    A chapter's weight is shared among its codes, so long chapters are not favoured.
    """
    total = sum(mix.values())
    counts = Counter(chapters)
    chapter_p = {ch: (baseline + mix.get(ch, 0.0) / total) * affinity.get(ch, 1.0) / n
                 for ch, n in counts.items()}
    p = np.array([chapter_p[ch] for ch in chapters])
    return p / p.sum()


def monthly_cells(rng: np.random.Generator, weights: np.ndarray, chapters: list[str],
                  totals: dict[int, float], share: float | None) -> np.ndarray:
    """Monthly values (USD) of each code in a basket: shape (codes, years, 12), 0 = no trade.

    ``share`` is the flow's share of its region's flow in 2018: small flows trade only in
    some months.  ``None`` (the calibrated pair) keeps every main code in every month.
    Each year's values add up to ``totals``.
    """
    k = len(weights)
    seasons = np.stack([season(ch) for ch in chapters])[:, None, :]  # (k, 1, 12)
    drift = weights[:, None] * lognormal(rng, 0.3, (k, len(YEARS)))
    drift /= drift.sum(axis=0, keepdims=True)
    year_totals = np.array([totals[y] for y in YEARS])
    expected = year_totals[None, :, None] * drift[:, :, None] / 12 * seasons  # (k, y, 12)
    if share is not None:
        # The main goods of a flow ship every month, minor ones now and then, small flows
        # only in some months.
        size = min(1.0, (share / ACTIVE_SHARE) ** 0.4)
        relative = (drift / drift.max(axis=0, keepdims=True))[:, :, None]
        p = np.clip((0.12 + 0.88 * relative**0.5) * size * seasons**0.5, 0.02, 1.0)
    else:
        p = np.where(drift[:, :, None] >= 0.02, 1.0, 0.45) * np.ones_like(expected)
    active = rng.random(expected.shape) < p
    values = np.where(active, expected * lognormal(rng, 0.45, expected.shape), 0.0)
    for yi in range(len(YEARS)):
        if not active[:, yi].any():
            c = int(np.argmax(drift[:, yi]))
            values[c, yi, int(rng.integers(12))] = 1.0
        values[:, yi] *= year_totals[yi] / values[:, yi].sum()
    return values


def emit(rows: Rows, rng: np.random.Generator, catalogue: list[Commodity], region_i: int,
         flow: str, partner: str, basket: np.ndarray, values: np.ndarray) -> None:
    """Append the non-zero cells of one region-partner flow, with net weights."""
    ci, yi, mi = np.nonzero(values > 0)
    v = values[ci, yi, mi]
    uv_pair = lognormal(rng, 0.15, len(basket))[ci]
    uv = (np.array([catalogue[c].usd_per_kg for c in basket])[ci] * uv_pair
          * np.array([PRICE_INDEX[y] for y in YEARS])[yi] * lognormal(rng, 0.1, len(v)))
    rows.extend(np.array(YEARS)[yi], mi + 1, region_i, flow, partner, basket[ci], v, v / uv)


def generate_pair(rows: Rows, rng: np.random.Generator, catalogue: list[Commodity],
                  chapters: list[str], region_i: int, flow: str, partner: str,
                  totals: dict[int, float], share: float) -> None:
    """Draw a commodity basket for one region-partner flow and its monthly lines.

    ``share`` is the pair's share of the region's flow in 2018; it sets how many codes
    and months carry trade, which keeps the file small.
    """
    region = REGIONS[region_i]
    mix = region.export_mix if flow == EXPORT else region.import_mix
    affinity = AFFINITY.get((flow, PARTNERS[partner][1]), {})
    p = code_probabilities(chapters, mix, affinity, 0.003 if flow == EXPORT else 0.006)
    k = int(np.clip(round((3 + 2.5 * np.log10(max(share, 1e-4) * 100)) * region.basket_scale),
                    1, round(14 * region.basket_scale)))
    basket = rng.choice(len(catalogue), size=k, replace=False, p=p)
    weights = p[basket] * lognormal(rng, 1.5, k)
    values = monthly_cells(rng, weights / weights.sum(), [chapters[c] for c in basket],
                           totals, share)
    emit(rows, rng, catalogue, region_i, flow, partner, basket, values)


def generate_tomsk_kz(rows: Rows, rng: np.random.Generator, catalogue: list[Commodity],
                      region_i: int) -> None:
    """The calibrated pair: fixed baskets, annual totals exact to the cent."""
    index = {c.code: i for i, c in enumerate(catalogue)}
    for fi, (flow, basket_w) in enumerate(((EXPORT, TOMSK_KZ_EXPORTS),
                                           (IMPORT, TOMSK_KZ_IMPORTS))):
        basket = np.array([index[code] for code in basket_w])
        weights = np.array(list(basket_w.values()))
        totals = {y: TOMSK_KZ_TOTALS[y][fi] for y in YEARS}
        values = monthly_cells(rng, weights / weights.sum(),
                               [code[:2] for code in basket_w], totals, None)
        values = np.round(values, 2)
        for yi, y in enumerate(YEARS):
            # Put the rounding remainder on the year's biggest line so the sum is exact.
            year = values[:, yi]
            c, m = np.unravel_index(np.argmax(year), year.shape)
            year[c, m] = round(year[c, m] + totals[y] - year.sum(), 2)
        emit(rows, rng, catalogue, region_i, flow, "KZ", basket, values)


def hide_confidential(rows: Rows, rng: np.random.Generator, protected: set[int]) -> None:
    """Relabel a few codes per confidential region (about 1-3% of its value) as XXXXXXXXXX."""
    region_ids = np.array(rows.region)
    codes = np.array(rows.code)
    values = np.array(rows.value)
    for ri, region in enumerate(REGIONS):
        if not region.confidential:
            continue
        in_region = region_ids == ri
        total = values[in_region].sum()
        used = np.unique(codes[in_region])
        share = {c: values[in_region & (codes == c)].sum() / total for c in used}
        target = rng.uniform(0.012, 0.028)
        picked, acc = [], 0.0
        for c in rng.permutation(used):
            c = int(c)
            if c in protected or not 0.001 < share[c] < 0.015 or acc + share[c] > 0.03:
                continue
            picked.append(c)
            acc += share[c]
            if acc >= target:
                break
        mask = in_region & np.isin(codes, picked)
        for i in np.nonzero(mask)[0]:
            rows.code[i] = -1


def generate(seed: int = SEED) -> Rows:
    """All demo lines, before aggregation and formatting."""
    rng = np.random.default_rng(seed)
    catalogue = load_catalogue()
    chapters = [c.chapter for c in catalogue]
    rows = Rows.empty()
    for ri, region in enumerate(REGIONS):
        tomsk = region.region == TOMSK
        fixed = (*TOMSK_PAIRS, "KZ") if tomsk else ()
        flows = {flow: partner_values(rng, region, flow, fixed) for flow in (EXPORT, IMPORT)}
        yearly = {flow: {iso: pair_years(rng, v) for iso, v in values.items()}
                  for flow, values in flows.items()}
        if tomsk:
            for iso in sorted(flows[EXPORT].keys() | flows[IMPORT].keys()):
                turnover = sum(yearly[f].get(iso, {2018: 0.0})[2018] for f in yearly)
                if turnover > TOMSK_OTHER_CAP:
                    scale = TOMSK_OTHER_CAP * rng.uniform(0.55, 0.95) / turnover
                    for f in yearly:
                        if iso in yearly[f]:
                            yearly[f][iso] = {y: v * scale for y, v in yearly[f][iso].items()}
            for iso, pair in TOMSK_PAIRS.items():
                for f, v in zip((EXPORT, IMPORT), pair, strict=True):
                    yearly[f][iso] = pair_years(rng, v, sigma_2018=0.03)
        for flow in (EXPORT, IMPORT):
            total = sum(v[2018] for v in yearly[flow].values())
            for iso in sorted(yearly[flow]):
                generate_pair(rows, rng, catalogue, chapters, ri, flow, iso, yearly[flow][iso],
                              yearly[flow][iso][2018] / total)
        if tomsk:
            generate_tomsk_kz(rows, rng, catalogue, ri)
    index = {c.code: i for i, c in enumerate(catalogue)}
    protected = {index[c] for c in (*TOMSK_KZ_EXPORTS, *TOMSK_KZ_IMPORTS)}
    hide_confidential(rows, rng, protected)
    return rows


def number(x: float, decimals: int) -> str:
    """FCS number text: decimal comma, trailing zeros dropped ("12139,4", "0")."""
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def render(rows: Rows) -> str:
    """The file text: one line per (flow, month, partner, code, region), sorted."""
    catalogue = load_catalogue()
    lines: dict[tuple[int, int, str, str, str, str], list[float]] = {}
    for y, m, r, f, p, c, v, n in zip(rows.year, rows.month, rows.region, rows.flow,
                                      rows.partner, rows.code, rows.value, rows.netto,
                                      strict=True):
        # Confidential codes collapse into one XXXXXXXXXX line per month and partner.
        key = (int(y), int(m), REGIONS[r].region, f, p, CONFIDENTIAL if c < 0 else
               catalogue[c].code)
        acc = lines.setdefault(key, [0.0, 0.0])
        acc[0] += round(v, 2)
        acc[1] += n
    by_code = {c.code: c for c in catalogue}
    district = {r.region: r.district for r in REGIONS}
    flow_order = {EXPORT: 0, IMPORT: 1}
    out = ["\t".join(HEADER)]
    for key in sorted(lines, key=lambda k: (k[0], k[1], k[2], flow_order[k[3]], k[4], k[5])):
        y, m, region, flow, partner, code = key
        value, netto = max(lines[key][0], 1.0), max(lines[key][1], 0.001)
        item = by_code.get(code)
        unit = item.unit if item else ""
        if not unit:
            kol = "0"
        elif unit == "166":
            kol = number(netto, 3)
        elif unit in ("796", "798", "715"):
            kol = str(max(1, round(netto / item.kg_per_unit)))
        elif unit == "163":
            kol = number(netto * 1000, 1)
        else:
            kol = number(netto / item.kg_per_unit, 3)
        stoim = f"{value:.2f}".replace(".", ",")
        net = number(netto, 2 if netto >= 1 else 3)
        out.append("\t".join((flow, f"{m:02d}/{y}", partner, code, unit, stoim, net, kol, region,
                              district[region])))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the demo file to the path given on the command line, or DEFAULT_OUTPUT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the CSV (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    text = render(generate())
    args.output.write_bytes(text.encode("utf-8"))
    print(f"wrote {text.count(chr(10)) - 1} rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
