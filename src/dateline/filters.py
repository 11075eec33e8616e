"""Which merged events to return: the filters, defined once for `dateline events`, the API and ``Store``.

The CLI's options and the API's query parameters are both generated from ``EventFilter``'s fields, and both are
validated by it, so the two interfaces take the same filters with the same meaning and the same errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from dateline import DatelineError
from dateline.merged import MergedCertainty
from dateline.records import DatePrecision, PlacePrecision, PloverType

Sort = Literal["date", "oldest", "sources", "fatalities"]  # newest first, oldest first, most outlets, most killed
SORTS: tuple[str, ...] = get_args(Sort)
Background = Literal["exclude", "include", "only"]  # past events told as background: left out, kept, or alone
MAX_FATALITIES = 10_000_000  # above any real toll, and within both databases' integer columns
MAX_KM = 20_000.0  # half the Earth's circumference: every point is nearer
BLANK = " \t\r\n"  # a filter of only these is no filter; the OpenAPI document says the same (BLANK_PATTERN)
# Filters that are no filter when blank although they are never null: '?background=' is the default, 'exclude'.
BLANK_IS_DEFAULT = ("background",)
_BLANKS = r"[ \t\r\n]*"
BLANK_PATTERN = f"^{_BLANKS}$"
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DATE_SCHEMA = {"type": "string", "pattern": f"^{_BLANKS}{_PARTIAL_DATE.pattern}{_BLANKS}$"}


def _day(value: Any, last: bool) -> Any:
    """A day for YYYY-MM-DD, YYYY-MM or YYYY: the first day of a month or year, or the last when ``last``."""
    if not isinstance(value, str):
        return value
    match = _PARTIAL_DATE.fullmatch(value.strip(BLANK))
    if not match:
        raise ValueError(f"bad date {value!r}: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            return dt.date(year, month, day)
        if month is None:
            return dt.date(year, 12, 31) if last else dt.date(year, 1, 1)
        first = dt.date(year, month, 1)
        return (first.replace(year=year + month // 12, month=month % 12 + 1) - dt.timedelta(days=1)) if last else first
    except ValueError as err:
        raise ValueError(f"bad date {value!r}: {err}") from None


Since = Annotated[dt.date, BeforeValidator(lambda v: _day(v, last=False)), WithJsonSchema(_DATE_SCHEMA)]
Until = Annotated[dt.date, BeforeValidator(lambda v: _day(v, last=True)), WithJsonSchema(_DATE_SCHEMA)]


class Near(BaseModel):
    """A circle on the map: within ``km`` kilometres of (``lat``, ``lon``); written 'lat,lon,km'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lat: float
    lon: float
    km: float

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, (tuple, list)) and len(value) == 3:
            value = dict(zip(("lat", "lon", "km"), value, strict=True))
        if not isinstance(value, str):
            return value
        try:
            lat, lon, km = (float(part) for part in value.split(","))
        except ValueError:
            raise ValueError(f"must be 'lat,lon,km', got '{value}'") from None
        return {"lat": lat, "lon": lon, "km": km}

    @model_validator(mode="after")
    def _in_range(self) -> Near:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"latitude {self.lat} or longitude {self.lon} out of range")
        if not 0 < self.km <= MAX_KM:
            raise ValueError(f"radius must be between 0 and {MAX_KM:.0f} km, got {self.km}")
        return self


NearPoint = Annotated[Near, WithJsonSchema({"type": "string", "examples": ["50.0,36.2,50"]})]


class EventFilter(BaseModel):
    """Filters on merged events; every one given must hold. An empty value is no filter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: PloverType | None = Field(None, description="PLOVER event type, e.g. ASSAULT (any case)")
    country: str | None = Field(
        None, min_length=2, max_length=60, description="ISO 3166-1 alpha-2 code (IQ) or a country name"
    )
    actor: str | None = Field(None, max_length=200, description="part of an actor's name or affiliation")
    since: Since | None = Field(
        None, description="the event's dates reach this day or later: YYYY-MM-DD, YYYY-MM (its first day) or YYYY"
    )
    until: Until | None = Field(
        None, description="the event's dates reach this day or earlier: YYYY-MM-DD, YYYY-MM (its last day) or YYYY"
    )
    near: NearPoint | None = Field(None, description="'lat,lon,km': within km kilometres of a point")
    text: str | None = Field(
        None, max_length=200, description="words that must all occur in the summary, place, actors, weapons or titles"
    )
    min_sources: int | None = Field(None, ge=1, le=10_000, description="reported by at least this many outlets")
    admin1: str | None = Field(
        None, max_length=200, description="first-order administrative division, e.g. Khartoum (any case)"
    )
    acled_event_type: str | None = Field(None, max_length=200, description="ACLED event type, e.g. Battles (any case)")
    acled_sub_event_type: str | None = Field(
        None, max_length=200, description="ACLED sub-event type, e.g. 'Armed clash' (any case)"
    )
    min_fatalities: int | None = Field(
        None, ge=0, le=MAX_FATALITIES, description="at least this many killed (the merged best figure)"
    )
    max_fatalities: int | None = Field(
        None, ge=0, le=MAX_FATALITIES, description="at most this many killed (the merged best figure)"
    )
    place_precision: PlacePrecision | None = Field(
        None, description="how precisely the place is known: street, district, city, admin1, country or region"
    )
    date_precision: DatePrecision | None = Field(
        None, description="how precisely the date is known: day, week, month, season, year, range, decade, unknown"
    )
    certainty: MergedCertainty | None = Field(
        None, description="the merged certainty: confirmed, corroborated, asserted, claimed, hedged, unverified, denied"
    )
    background: Background = Field(
        "exclude",
        description="past events told only as background: exclude (the default), include, or only them",
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, values: Any) -> Any:
        """'?country=' or '--text " "' filters nothing, rather than matching nothing."""
        if isinstance(values, dict):
            return {k: None if isinstance(v, str) and not v.strip(BLANK) else v for k, v in values.items()}
        return values

    @field_validator("type", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip(BLANK).upper() if isinstance(value, str) else value

    @field_validator("country", "actor", "text", "admin1", "acled_event_type", "acled_sub_event_type", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip(BLANK) if isinstance(value, str) else value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        """A code or any usual name ('Russia', 'DR Congo') as its alpha-2 code; an unknown or ambiguous name
        ('Congo') raises DatelineError (the API's 400, like the store's other complaints), naming the candidates."""
        from dateline.countries import resolve

        return resolve(value) if value else value

    @field_validator("place_precision", "date_precision", "certainty", "background", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip(BLANK).lower() if isinstance(value, str) else value

    @field_validator(*BLANK_IS_DEFAULT, mode="before")
    @classmethod
    def _default_background(cls, value: Any) -> Any:
        """'?background=' is the default, as every other blank filter is no filter."""
        return "exclude" if value is None else value

    @field_validator("max_fatalities")
    @classmethod
    def _not_below_min(cls, most: int | None, info: ValidationInfo) -> int | None:
        least = info.data.get("min_fatalities")
        if most is not None and least is not None and least > most:
            raise ValueError(f"min_fatalities ({least}) is above max_fatalities ({most}): no figure is in both")
        return most

    @field_validator("until")
    @classmethod
    def _not_before_since(cls, until: dt.date | None, info: ValidationInfo) -> dt.date | None:
        since = info.data.get("since")
        if until is not None and since is not None and since > until:
            raise ValueError(f"since ({since}) is after until ({until}): no day is in both")
        return until

    @classmethod
    def parse(cls, fields: dict[str, Any], label: Callable[[tuple], str] = lambda loc: f"'{loc[0]}'") -> EventFilter:
        """The filter for ``fields``, or a DatelineError naming each bad field with ``label(loc)``."""
        try:
            return cls.model_validate(fields)
        except ValidationError as err:
            raise DatelineError(describe_errors(err.errors(), label)) from None


def describe_errors(errors: list[dict], label: Callable[[tuple], str]) -> str:
    """One line from pydantic's errors, "<label(loc)>: <message>; ...", without pydantic's 'Value error, ' prefix."""
    parts = []
    for err in errors[:5]:
        loc = tuple(str(p) for p in err.get("loc", ()))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{label(loc)}: {message}" if loc else message)
    return "; ".join(parts)
