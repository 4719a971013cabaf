"""Deterministic synthetic FCS regional trade files, written fast with numpy and Arrow.

The files imitate the customs portal's export (``DATTSVT.csv``): the 85 real
federal subjects with skewed sizes (Moscow largest), ~200 partner countries,
~8 000 HS-10 codes with leading zeros, 24 months, both flows, values with a
decimal comma.  Two layouts: the portal's TAB/UTF-8 file and the Excel re-save
(cp1251, ``;``, HS codes that lost their leading zero).  The numbers are random,
not statistics: they only exercise the code paths at a realistic size and shape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bench.step import HEADER
from dashboard.reference.regions import regions

log = logging.getLogger(__name__)

OUT = Path(__file__).with_name("out")
LAYOUTS = {
    # name: (file name, separator, encoding, HS codes lose their leading zero)
    "portal": ("DATTSVT.csv", "\t", "utf-8", False),
    "cp1251": ("DATTSVT_excel.csv", ";", "cp1251", True),
}
YEARS = (2023, 2024)
N_PARTNERS = 200
N_HS = 8_000
CHUNK_ROWS = 1 << 20
LARGEST = "RU-MOW"
_UNITS = ("", "796", "166", "113", "006", "112", "715")
_UNIT_P = (0.55, 0.2, 0.1, 0.06, 0.04, 0.03, 0.02)
_CONFIDENTIAL_SHARE = 0.01


@dataclass(frozen=True)
class Plan:
    """The categories and their weights one seed draws (shared by every layout and size)."""

    region_iso: tuple[str, ...]
    region_text: tuple[str, ...]  # "45000 - Г. МОСКВА"
    district_text: tuple[str, ...]  # "01-ЦЕНТРАЛЬНЫЙ ФЕДЕРАЛЬНЫЙ ОКРУГ"
    region_p: np.ndarray
    partners: tuple[str, ...]
    partner_p: np.ndarray
    hs_codes: tuple[str, ...]
    hs_p: np.ndarray

    def regions_by_size(self) -> list[str]:
        """ISO codes, largest expected row count first."""
        order = np.argsort(-self.region_p, kind="stable")
        return [self.region_iso[i] for i in order]


def _zipf(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    weights = weights[rng.permutation(n)]
    return weights / weights.sum()


@cache
def plan(seed: int = 0) -> Plan:
    """The categories of a seed: regions (Moscow largest), partners and HS codes with weights."""
    import pycountry

    rng = np.random.default_rng(seed)
    table = regions().sort_values("fcs_code").reset_index(drop=True)
    sizes = rng.lognormal(0.0, 1.2, len(table))
    largest = table.index[table["iso_code"] == LARGEST][0]
    sizes[largest] = sizes.max() * 4  # the capital files about a fifth of all lines
    region_text = tuple(f"{c} - {n}" for c, n in zip(table["fcs_code"], table["fcs_name_ru"],
                                                     strict=True))
    district_text = tuple(f"{c}-{n.upper()}" for c, n in zip(table["district_code"],
                                                            table["district_ru"], strict=True))
    codes = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 != "RU")
    partners = tuple(sorted(rng.choice(codes, N_PARTNERS, replace=False).tolist()))
    chapters = np.array([c for c in range(1, 98) if c != 77])
    hs: set[str] = set()
    while len(hs) < N_HS:
        chapter = int(rng.choice(chapters))
        hs.add(f"{chapter:02d}{int(rng.integers(0, 10**8)):08d}")
    hs_codes = (*sorted(hs), "XXXXXXXXXX")
    hs_p = np.append(_zipf(rng, N_HS, 0.9) * (1 - _CONFIDENTIAL_SHARE), _CONFIDENTIAL_SHARE)
    return Plan(
        region_iso=tuple(table["iso_code"]), region_text=region_text,
        district_text=district_text, region_p=sizes / sizes.sum(),
        partners=partners, partner_p=_zipf(rng, N_PARTNERS, 1.1),
        hs_codes=hs_codes, hs_p=hs_p,
    )


def path_for(rows: int, layout: str, seed: int = 0, out: Path = OUT) -> Path:
    """Where the cached file of (rows, layout, seed) lives."""
    name, *_ = LAYOUTS[layout]
    return out / f"fcs-{rows}-{layout}-s{seed}" / name


def generate(rows: int, layout: str = "portal", *, seed: int = 0, out: Path = OUT) -> Path:
    """Write (or reuse) a file of ``rows`` data lines in ``layout``; returns its path."""
    path = path_for(rows, layout, seed, out)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    _, sep, encoding, drop_zero = LAYOUTS[layout]
    p = plan(seed)
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as handle:
        handle.write((sep.join(HEADER) + "\n").encode(encoding))
        done = 0
        chunk_no = 0
        while done < rows:
            n = min(CHUNK_ROWS, rows - done)
            # One generator per chunk: the same seed gives the same file whatever the layout.
            rng = np.random.default_rng([seed, chunk_no])
            lines = _chunk(rng, n, p, sep=sep, encoding=encoding, drop_zero=drop_zero)
            handle.write(_buffer_of(lines))
            done += n
            chunk_no += 1
    tmp.replace(path)
    log.info("generated %s (%s rows, %.0f MB)", path, rows, path.stat().st_size / 1e6)
    return path


def _dictionary(values: tuple[str, ...] | list[str], encoding: str) -> pa.Array:
    if encoding == "utf-8":
        return pa.array(values, pa.string())
    return pa.array([v.encode(encoding) for v in values], pa.binary())


def _decimal(cents: np.ndarray, digits: int) -> pa.Array:
    """Non-negative integers in 1/10**digits -> text with a decimal comma ("1234,05")."""
    scale = 10**digits
    whole = pc.cast(pa.array(cents // scale), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % scale), pa.string()), digits, "0")
    return pc.binary_join_element_wise(whole, frac, ",")


def _chunk(rng: np.random.Generator, n: int, p: Plan, *, sep: str, encoding: str,
           drop_zero: bool) -> pa.Array:
    region = rng.choice(len(p.region_p), n, p=p.region_p)
    partner = rng.choice(len(p.partner_p), n, p=p.partner_p)
    hs = rng.choice(len(p.hs_p), n, p=p.hs_p)
    period = rng.integers(0, 12 * len(YEARS), n)
    flow = (rng.random(n) < 0.45).astype(np.int64)  # 0 = export, 1 = import
    unit = rng.choice(len(_UNITS), n, p=_UNIT_P)
    value_cents = np.round(rng.lognormal(9.5, 2.2, n) * 100).astype(np.int64) + 1
    net_cents = np.round(value_cents * rng.lognormal(0.0, 1.5, n) / 3).astype(np.int64)
    qty_milli = np.where(unit > 0, np.round(rng.lognormal(5.0, 2.0, n) * 1000), 0).astype(np.int64)

    periods = [f"{m:02d}/{y}" for y in YEARS for m in range(1, 13)]
    hs_text = [c.lstrip("0") if drop_zero and c[0] == "0" and c[1] != "X" else c
               for c in p.hs_codes]
    districts = [d + "\n" for d in p.district_text]  # the line end rides on the last column
    columns = [
        pc.take(_dictionary(["ЭК", "ИМ"], encoding), pa.array(flow)),
        pc.take(_dictionary(periods, encoding), pa.array(period)),
        pc.take(_dictionary(list(p.partners), encoding), pa.array(partner)),
        pc.take(_dictionary(hs_text, encoding), pa.array(hs)),
        pc.take(_dictionary(list(_UNITS), encoding), pa.array(unit)),
        _decimal(value_cents, 2),
        _decimal(net_cents, 2),
        pc.if_else(pa.array(unit > 0), _decimal(qty_milli, 3), pa.scalar("0")),
        pc.take(_dictionary(list(p.region_text), encoding), pa.array(region)),
        pc.take(_dictionary(districts, encoding), pa.array(region)),
    ]
    if encoding != "utf-8":
        columns = [c if c.type == pa.binary() else pc.cast(c, pa.binary()) for c in columns]
    return pc.binary_join_element_wise(*columns, pa.scalar(sep, columns[0].type))


def _buffer_of(lines: pa.Array) -> memoryview:
    """The concatenated bytes of a freshly built string/binary array (its data buffer)."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return memoryview(lines.buffers()[2])[start:end]
