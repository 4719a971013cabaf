"""Convert world-atlas ``countries-110m.json`` (TopoJSON) into ``countries-110m.geojson``.

Run once when the geometry is refreshed (Natural Earth 1:110m, public domain)::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python data/geo/make_geojson.py package/countries-110m.json

Each feature keeps world-atlas's ISO 3166-1 numeric id and English name and gains
``iso_a2``/``iso_a3`` from pycountry, so the map can be keyed by the store's ISO-2
partner codes. Coordinates are rounded to 0.01° (about 1 km, far below the 110m
scale's detail) to keep the file small. A short TopoJSON decoder is inlined
rather than adding a JavaScript toolchain to the project.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).with_name("countries-110m.geojson")
DIGITS = 2
# Features world-atlas ships without an ISO numeric id: user-assigned codes so that
# a partner file that uses them still finds its shape.
_NO_ID = {"Kosovo": ("XK", "XKX"), "N. Cyprus": ("", ""), "Somaliland": ("", "")}


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (delta-decoded and de-quantized)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One closed ring stitched from arcs (a negative index ~i means arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    unwrapped = [points[0]]
    for x, y in points[1:]:
        # Russia (Chukotka) and Fiji cross the antimeridian: keep each ring continuous
        # (longitudes beyond 180) so no edge runs across the whole map.
        previous = unwrapped[-1][0]
        x += 360 * round((previous - x) / 360)
        unwrapped.append((x, y))
    rounded = [[round(x, DIGITS), round(y, DIGITS)] for x, y in unwrapped]
    deduped = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    if deduped[0] != deduped[-1]:
        deduped.append(deduped[0])
    return deduped


def _geometry(geometry: dict, arcs: list) -> dict:
    kind = geometry["type"]
    if kind == "Polygon":
        rings = [_ring(r, arcs) for r in geometry["arcs"]]
        return {"type": "Polygon", "coordinates": [r for r in rings if len(r) >= 4]}
    if kind == "MultiPolygon":
        polygons = [[_ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
        return {"type": "MultiPolygon",
                "coordinates": [[r for r in p if len(r) >= 4] for p in polygons if
                                len(p[0]) >= 4]}
    raise ValueError(f"unexpected geometry type {kind}")


def _codes(numeric: str | None, name: str) -> tuple[str, str]:
    if numeric is None:
        return _NO_ID.get(name, ("", ""))
    country = pycountry.countries.get(numeric=numeric)
    return (country.alpha_2, country.alpha_3) if country else ("", "")


def convert(topology: dict) -> dict:
    """The ``countries`` object of a world-atlas topology as a GeoJSON FeatureCollection."""
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") is None:
            continue
        numeric = geometry.get("id")
        name = geometry.get("properties", {}).get("name", "")
        iso2, iso3 = _codes(numeric, name)
        features.append({
            "type": "Feature",
            "id": numeric or "",
            "properties": {"name": name, "iso_n3": numeric or "", "iso_a2": iso2,
                           "iso_a3": iso3},
            "geometry": _geometry(geometry, arcs),
        })
    return {"type": "FeatureCollection", "features": features}


def main(source: str) -> None:
    """Read the TopoJSON at ``source`` and write the GeoJSON beside this script."""
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    collection = convert(topology)
    OUT.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(collection['features'])} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "countries-110m.json")
