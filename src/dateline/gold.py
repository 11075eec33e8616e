"""Gold annotations: dateline's own format (``NAME.txt`` beside ``NAME.gold.json``) and public-format adapters.

The native format is documented in docs/gold-format.md. The adapters read public gold sets a user points at
(TimeML/TimeBank ``.tml``, LGL and GeoWebNews geoparsing XML) into small typed records, so that the scorer
in ``dateline.evaluate`` can measure one pipeline stage at a time on someone else's annotations.
Only the standard library and pydantic are used here; nothing is downloaded.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from dateline import DatelineError
from dateline.records import Report
from dateline.taxonomy import OLDER_TYPE_NAMES, PLOVER_TYPES

PloverType = Literal[PLOVER_TYPES]


class GoldModel(BaseModel):
    """Strict: a misspelt key in a hand-written file is an error, not a silently ignored field."""

    model_config = ConfigDict(extra="forbid")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_day(value: object) -> object:
    """A gold day must be written YYYY-MM-DD: pydantic alone would also take a number or a timestamp."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError(f"a day is written YYYY-MM-DD, got {value!r}")


GoldDay = Annotated[dt.date, BeforeValidator(_written_day)]


class GoldDate(GoldModel):
    """An inclusive calendar range; ``end`` defaults to ``start`` (a single day)."""

    start: GoldDay
    end: GoldDay | None = None

    @model_validator(mode="after")
    def _order(self) -> GoldDate:
        if self.end is None:
            self.end = self.start
        if self.end < self.start:
            raise ValueError(f"date end {self.end} is before start {self.start}")
        return self


class GoldLocation(GoldModel):
    name: str | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class GoldActor(GoldModel):
    name: str
    role: Literal["initiator", "target", "victim"]


class GoldCount(GoldModel):
    """A casualty figure as an inclusive range; a plain number in the file means low == high."""

    low: int = Field(ge=0)
    high: int = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> GoldCount:
        if self.high < self.low:
            raise ValueError(f"count high {self.high} is below low {self.low}")
        return self


def _count(value: object) -> object:
    return {"low": value, "high": value} if isinstance(value, int) and not isinstance(value, bool) else value


class GoldEvent(GoldModel):
    type: PloverType
    date: GoldDate | None = None
    location: GoldLocation | None = None
    actors: list[GoldActor] = Field(default_factory=list)
    fatalities: GoldCount | None = None
    injuries: GoldCount | None = None
    trigger: str | None = Field(None, description="The words that tell of the event; shown in miss tables only.")
    background: bool = False

    @field_validator("type", mode="before")
    @classmethod
    def _older_plover_names(cls, value: object) -> object:
        """Gold written with PLOVER 0.x names keeps working: REQUEST is DEMAND, DISAPPROVE is ACCUSE."""
        return OLDER_TYPE_NAMES.get(value, value) if isinstance(value, str) else value

    @field_validator("fatalities", "injuries", mode="before")
    @classmethod
    def _as_range(cls, value: object) -> object:
        return _count(value)


class GoldQuote(GoldModel):
    speaker: str | None = None
    text: str


class GoldEntity(GoldModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)


class GoldReport(GoldModel):
    id: str
    published: GoldDay | None = None
    outlet: str | None = None
    events: list[GoldEvent] = Field(default_factory=list)
    quotes: list[GoldQuote] = Field(default_factory=list)
    entities: list[GoldEntity] = Field(default_factory=list)


@dataclass
class GoldDoc:
    """One report and its gold annotation, as read from a gold directory."""

    report: Report
    gold: GoldReport


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top)"
    return f"{where}: {first['msg']}"


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DatelineError(f"cannot read {path}: {err.strerror}") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DatelineError(f"{path} is not valid JSON: {err}") from err


def load_gold(path: str | Path) -> GoldReport:
    """Read and validate one ``NAME.gold.json``; any problem becomes a one-line DatelineError."""
    path = Path(path)
    data = _read_json(path)
    try:
        return GoldReport.model_validate(data)
    except ValidationError as err:
        raise DatelineError(f"{path}: {_first_error(err)}") from err


def _stem(path: Path) -> str:
    return path.name[: -len(".gold.json")]


def load_gold_doc(gold_path: str | Path) -> GoldDoc:
    """Read one gold file with its report text (``NAME.txt``) and optional ``NAME.meta.json``."""
    gold_path = Path(gold_path)
    gold = load_gold(gold_path)
    stem = _stem(gold_path)
    text_path = gold_path.with_name(f"{stem}.txt")
    try:
        text = text_path.read_text(encoding="utf-8")
    except OSError as err:
        raise DatelineError(f"{gold_path}: report text {text_path.name} is missing or unreadable") from err
    meta_path = gold_path.with_name(f"{stem}.meta.json")
    meta = _read_json(meta_path) if meta_path.exists() else {}
    if not isinstance(meta, dict):
        raise DatelineError(f"{meta_path} must hold a JSON object")
    report = Report(
        id=gold.id,
        text=text,
        published=gold.published or meta.get("published"),
        outlet=gold.outlet or meta.get("outlet"),
        url=meta.get("url"),
        title=meta.get("title"),
        source_path=str(text_path),
    )
    return GoldDoc(report=report, gold=gold)


def load_gold_dir(path: str | Path) -> list[GoldDoc]:
    """Every ``*.gold.json`` in a directory (or one such file), sorted by name; ids must be unique."""
    path = Path(path)
    if path.is_file():
        return [load_gold_doc(path)]
    if not path.is_dir():
        raise DatelineError(f"no such gold directory: {path}")
    docs = [load_gold_doc(p) for p in sorted(path.glob("*.gold.json"))]
    if not docs:
        raise DatelineError(f"{path} holds no *.gold.json files")
    seen: set[str] = set()
    for doc in docs:
        if doc.gold.id in seen:
            raise DatelineError(f"{path}: gold id {doc.gold.id!r} appears twice")
        seen.add(doc.gold.id)
    return docs


# ---------------------------------------------------------------------------------------------------------
# Public formats: time expressions (TimeML) and toponyms (LGL, GeoWebNews)


@dataclass
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str | None


@dataclass
class TimeDoc:
    """A TimeML document as plain text, its creation date and its TIMEX3 annotations (offsets into text)."""

    id: str
    text: str
    published: dt.date | None
    timexes: list[GoldTimex] = field(default_factory=list)


@dataclass
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonames_id: int | None
    kind: str = "Literal"


@dataclass
class PlaceDoc:
    """A geoparsing article: text and its annotated toponyms (offsets into text)."""

    id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    outlet: str | None = None  # the article's web domain or address, where the set gives one


# GeoWebNews labels that name a physical place one could put on a map (the README's geocoding subset).
GWN_LOCATIONAL = {"Literal", "Mixed", "Coercion", "Literal_Modifier", "Embedded_Literal"}


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except OSError as err:
        raise DatelineError(f"cannot read {path}: {err.strerror}") from err
    except ET.ParseError as err:
        raise DatelineError(f"{path} is not well-formed XML: {err}") from err


def _flatten(elem: ET.Element, parts: list[str], timexes: list[GoldTimex], offset: int) -> int:
    """Walk mixed content, appending text to ``parts`` and recording TIMEX3 offsets; returns the new offset.

    The TIMEX3 text is filled in by the caller once the whole text is joined.
    """
    if elem.text:
        parts.append(elem.text)
        offset += len(elem.text)
    for child in elem:
        begin = offset
        offset = _flatten(child, parts, timexes, offset)
        if child.tag == "TIMEX3":
            timexes.append(GoldTimex(begin, offset, "", child.get("type", "DATE"), child.get("value")))
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    return offset


def read_timeml(path: str | Path) -> TimeDoc:
    """One ``.tml`` file: the DCT value becomes the publication date; TEXT is flattened to plain text."""
    path = Path(path)
    root = _parse_xml(path)
    if root.tag != "TimeML":
        raise DatelineError(f"{path} is not TimeML (root element <{root.tag}>)")
    dct = root.find("DCT/TIMEX3")
    published = _dct_day(dct.get("value") if dct is not None else None, path)
    body = root.find("TEXT")
    if body is None:
        raise DatelineError(f"{path} has no <TEXT> element")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    _flatten(body, parts, timexes, 0)
    text = "".join(parts)
    for tx in timexes:
        tx.text = text[tx.start : tx.end]
    docid = root.findtext("DOCID") or path.stem
    return TimeDoc(id=docid.strip(), text=text, published=published, timexes=timexes)


def _dct_day(value: str | None, path: Path) -> dt.date | None:
    """The day of a document creation time (``2021-05-14`` or a timestamp), read once here for the scorer."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as err:
        raise DatelineError(f"{path}: DCT value {value!r} is not a date") from err


def read_timeml_dir(path: str | Path) -> list[TimeDoc]:
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.glob("*.tml"))
    if not files:
        raise DatelineError(f"{path} holds no .tml files")
    return [read_timeml(p) for p in files]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _span(elem: ET.Element, path: Path) -> tuple[int, int]:
    start, end = _int(elem.findtext("start")), _int(elem.findtext("end"))
    if start is None or end is None:
        raise DatelineError(f"{path}: a <toponym> lacks numeric <start>/<end>")
    return start, end


def _lgl_toponym(elem: ET.Element, path: Path) -> GoldToponym:
    start, end = _span(elem, path)
    gaz = elem.find("gaztag")
    lat = lon = gid = None
    if gaz is not None:
        lat, lon, gid = _float(gaz.findtext("lat")), _float(gaz.findtext("lon")), _int(gaz.get("geonameid"))
    return GoldToponym(start, end, elem.findtext("phrase") or "", lat, lon, gid)


def _gwn_toponym(elem: ET.Element, path: Path) -> GoldToponym:
    start, end = _span(elem, path)
    return GoldToponym(
        start,
        end,
        elem.findtext("extractedName") or "",
        _float(elem.findtext("latitude")),
        _float(elem.findtext("longitude")),
        _int(elem.findtext("geonamesID")),
        kind=elem.findtext("type") or "Literal",
    )


def detect_xml_format(path: str | Path) -> str:
    """'lgl', 'gwn' or 'timeml' from the root element and the shape of the first toponym."""
    root = _parse_xml(Path(path))
    if root.tag == "TimeML":
        return "timeml"
    toponym = root.find(".//toponym")
    if root.tag != "articles" or toponym is None:
        raise DatelineError(f"{path}: not a TimeML, LGL or GeoWebNews file (root <{root.tag}>)")
    return "gwn" if toponym.find("extractedName") is not None else "lgl"


def read_places(path: str | Path, fmt: str) -> list[PlaceDoc]:
    """LGL (``fmt='lgl'``) or GeoWebNews (``fmt='gwn'``) XML: articles with toponym spans and coordinates."""
    path = Path(path)
    root = _parse_xml(path)
    reader = _lgl_toponym if fmt == "lgl" else _gwn_toponym
    docs = []
    for number, art in enumerate(root.iter("article")):
        text = art.findtext("text")
        if text is None:
            raise DatelineError(f"{path}: article {number} has no <text>")
        docid = art.get("docid") or art.get("file") or str(number)
        toponyms = [reader(t, path) for t in art.iter("toponym")]
        for top in toponyms:
            if not 0 <= top.start < top.end <= len(text):
                raise DatelineError(f"{path}: article {docid}: toponym offsets {top.start}-{top.end} outside the text")
        outlet = art.findtext("domain") or art.findtext("link")  # LGL gives the domain, GeoWebNews the address
        docs.append(PlaceDoc(id=docid, text=text, toponyms=toponyms, outlet=outlet))
    if not docs:
        raise DatelineError(f"{path} holds no <article> elements")
    return docs
