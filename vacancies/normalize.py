"""Normalisation of scraped vacancy fields: grades, places, dates, organisations, text.

Pure functions: no database, no HTTP. What changes over time (grade scales, duty
stations, country spellings, organisations, time-zone abbreviations) lives in the TOML
files under ``vacancies/data/``; each is read once per process and cached. Lookups
keyed by a raw string (grade, place, organisation) are memoised, so a harvest that
sees the same "Geneva, Switzerland" or "UNICEF" thousands of times pays once.

Public API
----------
* :func:`parse_grade` -> :class:`Grade` ``(code, category)`` or ``None``
* :func:`normalize_location` -> :class:`Location` ``(duty_station, country)``;
  :func:`resolve_country` for a bare country name or code; :func:`location_in_title`
  for the place a title names when the source gives none
* :func:`to_utc`, :func:`check_plausible_dates`
* :func:`load_organizations`, :func:`resolve_organization` -> :class:`OrganizationInfo`
* :func:`html_to_text`, :func:`normalize_title`, :func:`title_key`
* :func:`content_hash`
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as fixed_timezone
from decimal import Decimal
from enum import Enum
from functools import cache, lru_cache
from html import unescape as unescape_entities
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta
from rapidfuzz import fuzz, process
from selectolax.lexbor import LexborHTMLParser

DATA_DIR = Path(__file__).with_name("data")

Category = Literal[
    "professional",
    "director",
    "general_service",
    "national_officer",
    "field_service",
    "consultant",
    "intern",
    "volunteer",
    "jpo",
    "other",
]
GRADE_CATEGORIES = frozenset(get_args(Category))
ORGANIZATION_KINDS = frozenset(
    {
        "un_secretariat",
        "fund_programme",
        "specialized_agency",
        "related_organization",
        "development_bank",
        "other",
    }
)

HOME_BASED = "Home-based"
MULTIPLE_LOCATIONS = "Multiple locations"

ORGANIZATION_FUZZY_SCORE = 92
"""rapidfuzz ``fuzz.ratio`` (0-100) an organisation name must reach to match loosely."""
ORGANIZATION_FUZZY_MIN_LENGTH = 20
"""Only names at least this long (normalised) take part in loose matching: acronyms and
short names ("UNDP", "World Bank") must match exactly."""

EARLIEST_PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC)
MAX_POSTED_AHEAD = timedelta(days=2)
MAX_DEADLINE_AHEAD = relativedelta(years=3)


def _load_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


# --- Keys: the case-, accent- and punctuation-blind form used by every lookup -----------

_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "þ": "th",
        "&": " and ",
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "´": "",
    }
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACED_LETTERS = re.compile(r"(?<![0-9a-z])[a-z](?: [a-z](?![0-9a-z]))+")


def _fold(text: str) -> str:
    """Lower-case ASCII: accents removed, characters without an ASCII form dropped."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    return text.encode("ascii", "ignore").decode("ascii").lower()


def _key(text: str) -> str:
    """Lookup key: "Côte d'Ivoire" -> "cote divoire", "Washington, D.C." -> "washington dc"."""
    key = _NOT_ALNUM.sub(" ", _fold(text)).strip()
    if " " in key:
        key = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), key)
    if key.startswith("the "):
        key = key[4:]
    return key


# Dashes and hyphens that sources use interchangeably inside grades and names.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))


# --- Grades ---------------------------------------------------------------------------------


class Grade(NamedTuple):
    """A vacancy's grade: ``code`` such as "P-3", "G-6", "NO-B", "GF", "Consultant";
    ``category`` one of :data:`GRADE_CATEGORIES`."""

    code: str
    category: str


_TITLE_MODES = frozenset({"token", "hyphenated", "segment", "never"})
_DEFAULT_SEPARATORS = ("-", " ", ".", "")


@dataclass(frozen=True, slots=True)
class _Scale:
    id: str
    code: str
    category: str
    level_codes: Mapping[str, str]
    level_categories: Mapping[str, str]
    title: str

    def grade(self, level: str) -> Grade:
        level = level.upper()
        code = self.code.format(level=self.level_codes.get(level, level))
        return Grade(code, self.level_categories.get(level, self.category))

    def allows_anywhere(self, separator: str) -> bool:
        """Whether this form of the token counts anywhere in a title (not only as a segment)."""
        if self.title == "token":
            return separator in ("", "-")
        if self.title == "hyphenated":
            return separator == "-"
        return False


@dataclass(frozen=True, slots=True)
class _Term:
    id: str
    grade: Grade
    anywhere: re.Pattern[str] | None
    """Phrases accepted anywhere (raw strings and titles)."""
    segment: re.Pattern[str] | None
    """Phrases accepted in raw strings, and in titles as a whole segment."""
    raw: re.Pattern[str] | None
    """Phrases accepted in raw strings only."""


@dataclass(frozen=True, slots=True)
class _GradeTables:
    scales: tuple[_Scale, ...]
    scale_pattern: re.Pattern[str]
    terms: tuple[_Term, ...]
    jpo: _Term


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = re.split(r"[\s-]+", phrase.strip())
        alternatives.append(r"[\s-]+".join(re.escape(word) for word in words))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@cache
def _grade_tables() -> _GradeTables:
    data = _load_toml("grades.toml")
    scales: list[_Scale] = []
    alternatives: list[str] = []
    for index, entry in enumerate(data["scale"]):
        levels = [str(level).upper() for level in entry["levels"]]
        separators = tuple(entry.get("separators", _DEFAULT_SEPARATORS))
        level_categories = {str(k).upper(): v for k, v in entry.get("level_categories", {}).items()}
        scale = _Scale(
            id=entry["id"],
            code=entry["code"],
            category=entry["category"],
            level_codes={str(k).upper(): v for k, v in entry.get("level_codes", {}).items()},
            level_categories=level_categories,
            title=entry.get("title", "segment"),
        )
        if scale.title not in _TITLE_MODES:
            raise ValueError(f"grades.toml: scale {scale.id}: unknown title mode {scale.title!r}")
        for category in {scale.category, *level_categories.values()}:
            if category not in GRADE_CATEGORIES:
                raise ValueError(f"grades.toml: scale {scale.id}: unknown category {category!r}")
        if not set(level_categories) <= set(levels):
            raise ValueError(f"grades.toml: scale {scale.id}: level_categories for unknown levels")
        prefixes = "|".join(re.escape(p) for p in sorted(entry["prefixes"], key=len, reverse=True))
        seps = "|".join(re.escape(s) for s in sorted(separators, key=len, reverse=True))
        lvls = "|".join(re.escape(v) for v in sorted(levels, key=len, reverse=True))
        alternatives.append(
            rf"(?P<s{index}>(?:{prefixes})(?P<s{index}_sep>{seps})(?P<s{index}_lvl>{lvls}))"
        )
        scales.append(scale)
    scale_pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)

    terms: list[_Term] = []
    jpo: _Term | None = None
    for entry in data["term"]:
        if entry["category"] not in GRADE_CATEGORIES:
            raise ValueError(f"grades.toml: term {entry['id']}: unknown category")
        term = _Term(
            id=entry["id"],
            grade=Grade(entry["code"], entry["category"]),
            anywhere=_phrase_pattern(entry.get("phrases", [])),
            segment=_phrase_pattern(entry.get("segment_phrases", [])),
            raw=_phrase_pattern(entry.get("raw_phrases", [])),
        )
        if term.grade.category == "jpo":
            jpo = term
        else:
            terms.append(term)
    if jpo is None:
        raise ValueError("grades.toml: no term with category 'jpo'")
    return _GradeTables(tuple(scales), scale_pattern, tuple(terms), jpo)


# A title splits into segments at commas, brackets, slashes, semicolons, colons, "#",
# "|" and spaced dashes. A segment's core drops "Grade"/"Level" before and "level" after.
_SEGMENT = re.compile(r"(?:(?!\s-\s)[^,;:()\[\]{}|/#])+")
_SEGMENT_CORE = re.compile(
    r"[\s-]*(?:(?:position\s+)?(?:grade|level)\s*[.:]?\s*)?"
    r"(?P<core>.*?)"
    r"(?:\s+(?:level|equivalent|equiv\.?))?[\s-]*",
    re.IGNORECASE | re.DOTALL,
)


def _segment_cores(title: str) -> list[tuple[int, int]]:
    spans = []
    for segment in _SEGMENT.finditer(title):
        core = _SEGMENT_CORE.fullmatch(segment.group(0))
        if core and core.group("core"):
            start = segment.start() + core.start("core")
            spans.append((start, start + len(core.group("core"))))
    return spans


def _scan(text: str, *, in_title: bool) -> tuple[Grade | None, bool]:
    """The grade a text states (codes before terms, leftmost code first) and whether it
    mentions a JPO post."""
    tables = _grade_tables()
    text = text.translate(_DASHES)
    cores: list[tuple[int, int]] | None = None

    def is_segment(start: int, end: int) -> bool:
        nonlocal cores
        if cores is None:
            cores = _segment_cores(text)
        return (start, end) in cores

    found: Grade | None = None
    for match in tables.scale_pattern.finditer(text):
        name = match.lastgroup
        assert name is not None
        scale = tables.scales[int(name[1:])]
        if in_title:
            if scale.title == "never":
                continue
            separator = match.group(f"{name}_sep")
            if not scale.allows_anywhere(separator) and not is_segment(*match.span()):
                continue
        found = scale.grade(match.group(f"{name}_lvl"))
        break

    if found is None:
        for term in tables.terms:
            if _term_matches(term, text, in_title, is_segment):
                found = term.grade
                break
    return found, _term_matches(tables.jpo, text, in_title, is_segment)


def _term_matches(
    term: _Term, text: str, in_title: bool, is_segment: Callable[[int, int], bool]
) -> bool:
    if term.anywhere is not None and term.anywhere.search(text):
        return True
    if term.segment is not None:
        for match in term.segment.finditer(text):
            if not in_title or is_segment(*match.span()):
                return True
    return not in_title and term.raw is not None and term.raw.search(text) is not None


def parse_grade(raw: str | None, title: str | None = None) -> Grade | None:
    """The grade of a vacancy from its raw grade string, else from its title.

    ``raw`` is what the source gives as grade/level ("P-3", "GS6", "NoC", "Consultant",
    "Grade GF"); it is read in full. The title is read only for what ``raw`` does not
    say, and more strictly: ambiguous short codes count only where they stand as a
    segment of their own ("Driver, G-3", "(NOB)"), so "G20", "COVID-19" or
    "NO-2 emissions" are not grades. A JPO mention in either makes the category "jpo",
    with the professional grade as code when one is given, else "JPO".

    >>> parse_grade("GS6")
    Grade(code='G-6', category='general_service')
    >>> parse_grade(None, "Associate Programme Officer (JPO), P-2")
    Grade(code='P-2', category='jpo')
    """
    return _parse_grade(raw.strip() if raw else None, title.strip() if title else None)


@lru_cache(maxsize=32768)
def _parse_grade(raw: str | None, title: str | None) -> Grade | None:
    raw_grade, raw_jpo = _scan(raw, in_title=False) if raw else (None, False)
    title_grade, title_jpo = _scan(title, in_title=True) if title else (None, False)
    if raw_jpo or title_jpo:
        for grade in (raw_grade, title_grade):
            if grade is not None and grade.category == "professional":
                return Grade(grade.code, "jpo")
        return Grade("JPO", "jpo")
    return raw_grade or title_grade


# --- Countries and duty stations -----------------------------------------------------------


class Location(NamedTuple):
    """``duty_station``: tidy display string; ``country``: ISO 3166-1 alpha-3 (or the
    user-assigned XKX for Kosovo), ``None`` when unknown, home-based or multiple."""

    duty_station: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class _Places:
    country_names: Mapping[str, str]
    """key -> alpha-3 for country names and aliases"""
    country_codes: Mapping[str, str]
    """upper-case alpha-2 / alpha-3 -> alpha-3"""
    stations: Mapping[str, str]
    """key -> alpha-3 for duty stations"""
    station_display: Mapping[str, str]
    """key -> spelling as written in the data file"""
    special: Mapping[str, str]
    """key -> "Home-based" / "Multiple locations\""""
    keep_upper: frozenset[str]
    lower_words: frozenset[str]


@cache
def _places() -> _Places:
    countries = _load_toml("countries.toml")
    stations_data = _load_toml("duty_stations.toml")
    user_assigned = set(countries.get("user_assigned", {}))

    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = country.alpha_3
        codes[country.alpha_3] = country.alpha_3
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            names.setdefault(_key(name), country.alpha_3)
            if ", " in name:
                head, _, tail = name.partition(", ")
                for variant in (f"{tail} {head}", head):
                    derived.setdefault(_key(variant), set()).add(country.alpha_3)
    for key, found in derived.items():
        if len(found) == 1 and key not in names:
            names[key] = next(iter(found))
    for code in user_assigned:
        codes[code] = code

    def checked(code: str, where: str) -> str:
        if code not in codes or codes[code] != code:
            raise ValueError(f"{where}: {code!r} is not an ISO 3166-1 alpha-3 code")
        return code

    for alias, code in countries["aliases"].items():
        names[_key(alias)] = checked(code, f"countries.toml alias {alias!r}")

    stations: dict[str, str] = {}
    display: dict[str, str] = {}
    for station, code in stations_data["stations"].items():
        key = _key(station)
        if key in stations and stations[key] != code:
            raise ValueError(f"duty_stations.toml: {station!r} maps to two countries")
        stations[key] = checked(code, f"duty_stations.toml station {station!r}")
        display.setdefault(key, station)

    special: dict[str, str] = {}
    for label, spellings in stations_data["special"].items():
        if label not in (HOME_BASED, MULTIPLE_LOCATIONS):
            raise ValueError(f"duty_stations.toml: unknown special label {label!r}")
        special.update((_key(spelling), label) for spelling in spellings)
    shown = stations_data.get("display", {})
    return _Places(
        country_names=names,
        country_codes=codes,
        stations=stations,
        station_display=display,
        special=special,
        keep_upper=frozenset(shown.get("keep_upper", [])),
        lower_words=frozenset(shown.get("lower", [])),
    )


def resolve_country(value: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for a country name, common spelling or alpha-2/alpha-3 code.

    >>> resolve_country("Cote d'Ivoire"), resolve_country("ke"), resolve_country("Narnia")
    ('CIV', 'KEN', None)
    """
    if not value:
        return None
    return _resolve_country(" ".join(value.split()))


@lru_cache(maxsize=4096)
def _resolve_country(value: str) -> str | None:
    places = _places()
    if 2 <= len(value) <= 3 and value.isalpha():
        code = places.country_codes.get(value.upper())
        if code:
            return code
    return places.country_names.get(_key(value))


def normalize_location(
    duty_station: str | None, country: str | None = None, *, title: str | None = None
) -> Location:
    """Tidy duty station and its country.

    The duty station keeps the source's wording, with whitespace and comma spacing
    tidied and all-capitals re-cased ("NEW YORK" -> "New York"). Its country comes from
    the separate ``country`` argument when that names one (name or ISO code), else from
    the station text: a country named in it ("Geneva, Switzerland", "Nairobi (Kenya)"),
    else a known duty station ("Washington, DC", "Office of Innovation-Stockholm").
    "Home-based"/"Remote" and "Multiple"/"Various" become :data:`HOME_BASED` and
    :data:`MULTIPLE_LOCATIONS`, with no country unless ``country`` or the text itself
    names one ("Home-based, Kenya").

    When the source gives neither a duty station nor a country, the place the
    vacancy's ``title`` names, if :func:`location_in_title` finds one, is used instead.
    """
    location = _normalize_location(duty_station or None, country or None)
    if title and location.duty_station is None and location.country is None:
        return location_in_title(title) or location
    return location


@lru_cache(maxsize=16384)
def _normalize_location(duty_station: str | None, country: str | None) -> Location:
    places = _places()
    code = resolve_country(country) if country else None
    if duty_station is None:
        return Location(None, code)
    display = _tidy_place(duty_station)
    if not display:
        return Location(None, code)
    parts = [part for part in _PLACE_PARTS.split(display) if part]
    label = places.special.get(_key(display)) or places.special.get(_key(parts[0]))
    if label:
        # "Home-based, Kenya": the country, when named, is kept; a city is not one.
        named = (places.country_names.get(_key(part)) for part in parts[1:])
        return Location(label, code or next(filter(None, named), None))
    if display.isupper() and (" " in display or _key(display) in places.station_display):
        display = _recase(display, places)
    return Location(display, code or _country_of_place(display, places))


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
_COMMA_WITHOUT_SPACE = re.compile(r",(?=\S)")
_PLACE_PARTS = re.compile(r"\s*(?:[,;/()|\[\]]|\s[-‐‑–—]\s|\s+or\s+)\s*", re.IGNORECASE)
_INNER_DASH = re.compile(r"[-‐‑–—]")


def _tidy_place(text: str) -> str:
    text = " ".join(text.split())
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _COMMA_WITHOUT_SPACE.sub(", ", text)
    return text.strip(" ,;-–—")


def _recase(text: str, places: _Places) -> str:
    """Re-case an all-capitals place: "DAR ES SALAAM, UNITED REPUBLIC OF TANZANIA"."""
    parts = []
    for part in text.split(", "):
        known = places.station_display.get(_key(part))
        if known is not None and known.upper() == part:
            parts.append(known)
            continue
        words = []
        for index, word in enumerate(part.split(" ")):
            if word in places.keep_upper:
                words.append(word)
                continue
            pieces = []
            for position, piece in enumerate(word.split("-")):
                lowered = piece.lower()
                small = lowered in places.lower_words and (index or position)
                pieces.append(lowered if small else piece[:1] + piece[1:].lower())
            words.append("-".join(pieces))
        parts.append(" ".join(words))
    return ", ".join(parts)


def _country_of_place(text: str, places: _Places) -> str | None:
    key = _key(text)
    code = places.stations.get(key) or places.country_names.get(key)
    if code:
        return code
    parts = [part for part in _PLACE_PARTS.split(text) if part]
    named: list[str] = []
    stationed: list[str] = []
    for position, part in enumerate(parts):
        pieces = [part]
        if _INNER_DASH.search(part) and _key(part) not in places.country_names:
            pieces.extend(piece for piece in _INNER_DASH.split(part) if piece.strip())
        for piece in pieces:
            key = _key(piece)
            if key in places.country_names:
                named.append(places.country_names[key])
                break
            if key in places.stations:
                stationed.append(places.stations[key])
                break
            last = position == len(parts) - 1
            if last and piece.isupper() and 2 <= len(piece) <= 3 and piece.isalpha():
                code = places.country_codes.get(piece)
                if code:
                    named.append(code)
                    break
    if named:
        return named[-1]
    if stationed:
        return stationed[0] if len(set(stationed)) == 1 else None
    return _country_in_words(key.split(), places)


def _country_in_words(words: list[str], places: _Places) -> str | None:
    """Last resort: a country or station named by up to four consecutive words
    ("Multi-Country Office Washington"); longer names and later words first."""
    for end in range(len(words), 0, -1):
        for size in range(min(4, end), 0, -1):
            phrase = " ".join(words[end - size : end])
            if len(phrase) < 4:
                continue
            code = places.country_names.get(phrase) or places.stations.get(phrase)
            if code:
                return code
    return None


# --- The place a title names ---------------------------------------------------------------
#
# Some sources (UNICEF's PageUp feed) give the duty station only in the title, written in
# many ways: "..., P-3, Kharkiv, Ukraine, #134662", "... - Maputo, Mozambique",
# "...-Stockholm, Sweden", "Luanda/Angola", "La Paz-Bolivia", "Accra Ghana (Part-Time)",
# "Cotonou - Benin WCAR", "Spain, Valencia", "In Riyadh- Gulf Area Office". The title is
# cut into parts at commas, brackets, slashes, colons, semicolons, "#", "|" and dashes
# with a space on either side; only whole parts that name a place count.

_TITLE_PARTS = re.compile(r"\s*(?:[,;:()\[\]{}|/#]|\s-+|-+\s)\s*")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_TRAILING_ACRONYM = re.compile(r"\s+[A-Z]{2,6}$")
"""A regional office after the country: "Benin WCAR"."""
_STATION_LEAD = re.compile(r"(?:(?:based|located)\s+)?in\s+|outposted\s+to\s+", re.IGNORECASE)
_JOINED = re.compile(r"[\s-]+")
_MAX_STATION_WORDS = 4
_MAX_COUNTRY_WORDS = 6


class _TitlePlace(NamedTuple):
    index: int
    country: str
    country_text: str | None
    """The country as the title writes it; ``None`` for a duty station alone."""
    city: str | None


def location_in_title(title: str | None) -> Location | None:
    """The duty station and country a vacancy title names, or ``None``.

    Conservative: a part of the title counts only when it is, as a whole, a country
    ("Kenya", "Dem. Rep. of Congo", "Benin WCAR") or a known duty station ("Panama City",
    "In Riyadh"), or a known duty station joined to its own country by a space or
    hyphen ("Accra Ghana", "La Paz-Bolivia"). A country's city is the known duty station
    of that country ending the part before it ("HQ outposted to Nairobi, Kenya",
    "Office of Innovation-Stockholm, Sweden") or, failing that, forming the part after
    it ("Spain, Valencia"); a city the data file does not know is left out, so the duty
    station is then the country alone. No place when the title names places of two
    countries, or says "Home-based", "Remote", "Multiple"...: the source must say.

    >>> location_in_title("Education Specialist, P-3, Kharkiv, Ukraine, #134662")
    Location(duty_station='Kharkiv, Ukraine', country='UKR')
    >>> location_in_title("Chief, Supply - Emergency") is None
    True
    """
    if not title:
        return None
    text = " ".join(title.translate(_DASHES).split())
    return _location_in_title(text) if text else None


@lru_cache(maxsize=16384)
def _location_in_title(text: str) -> Location | None:
    places = _places()
    parts = [_title_part(part) for part in _TITLE_PARTS.split(text)]
    parts = [part for part in parts if part]
    found: list[_TitlePlace] = []
    for index, part in enumerate(parts):
        key = _key(part)
        if key in places.special:
            return None
        place = _country_part(index, part, places)
        if place is None:
            lead = _STATION_LEAD.match(part)
            bare = part[lead.end() :] if lead else part
            code = places.stations.get(_key(bare))
            if code:
                place = _TitlePlace(index, code, None, bare)
        if place is not None:
            found.append(place)
    if len({place.country for place in found}) != 1:
        return None

    countries = [place for place in found if place.country_text is not None]
    if not countries:
        station = found[-1]
        return _normalize_location(station.city, station.country)
    for place in reversed(countries):
        if place.city is None:
            place = place._replace(city=_city_near(place, parts, found, places))
        if place.city is not None:
            return _normalize_location(f"{place.city}, {place.country_text}", place.country)
    last = countries[-1]
    return _normalize_location(last.country_text, last.country)


def _title_part(part: str) -> str:
    part = part.strip(" -")
    if part.endswith(".") and part[-2:-1].islower():  # "Tanzania." but "U.S.A."
        part = part[:-1]
    return part


def _country_part(index: int, part: str, places: _Places) -> _TitlePlace | None:
    """A part that names a country: whole, before a regional office's acronym, or
    joined to a known duty station of that country."""
    code = places.country_names.get(_key(part))
    if code:
        return _TitlePlace(index, code, part, None)
    acronym = _TRAILING_ACRONYM.search(part)
    if acronym:
        head = part[: acronym.start()]
        code = places.country_names.get(_key(head))
        if code:
            return _TitlePlace(index, code, head, None)
    words = list(_WORD.finditer(part))
    for size in range(min(_MAX_COUNTRY_WORDS, len(words) - 1), 0, -1):
        start = words[-size].start()
        code = places.country_names.get(_key(part[start:]))
        if not code:
            continue
        head = part[:start]
        city_text = head.rstrip(" -")
        if not _JOINED.fullmatch(head[len(city_text) :]):
            continue
        city = _station_ending(city_text, code, places)
        if city:
            return _TitlePlace(index, code, part[start:], city)
    return None


def _station_ending(text: str, country: str, places: _Places) -> str | None:
    """The known duty station of ``country`` that ``text`` ends with, as written."""
    words = list(_WORD.finditer(text))
    if not words or words[-1].end() != len(text.rstrip(".")):
        return None
    for size in range(min(_MAX_STATION_WORDS, len(words)), 0, -1):
        span = text[words[-size].start() : words[-1].end()]
        if places.stations.get(_key(span)) == country:
            return span
    return None


def _city_near(
    place: _TitlePlace, parts: list[str], found: list[_TitlePlace], places: _Places
) -> str | None:
    if place.index > 0:
        city = _station_ending(parts[place.index - 1], place.country, places)
        if city:
            return city
    for other in found:
        if other.index == place.index + 1 and other.country_text is None:
            return other.city
    return None


# --- Dates --------------------------------------------------------------------------------

_GMT_OFFSET = re.compile(
    r"\b(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?\b",
    re.IGNORECASE,
)


@cache
def _zone_abbreviations() -> Mapping[str, tzinfo]:
    data = _load_toml("timezones.toml")["abbreviations"]
    return {
        name.upper(): fixed_timezone(timedelta(hours=hours), name) for name, hours in data.items()
    }


def _tzinfo_for(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil ``tzinfos`` callback: explicit offsets as given, known abbreviations,
    anything else refused (it would otherwise be silently dropped)."""
    if offset is not None:
        return fixed_timezone(timedelta(seconds=offset))
    if name is None:
        return None
    zone = _zone_abbreviations().get(name.upper())
    if zone is None:
        raise ValueError(f"unknown time zone {name!r}")
    return zone


def _gmt_offset(match: re.Match[str]) -> str:
    return f" {match['sign']}{int(match['hours']):02d}:{match['minutes'] or '00'}"


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc


def to_utc(
    value: datetime | date | str | None,
    *,
    assume_tz: str | None = "UTC",
    dayfirst: bool = False,
) -> datetime | None:
    """An aware UTC datetime, or ``None`` for ``None``/blank.

    * aware datetimes are converted;
    * naive ones (and dates, at midnight) are read in ``assume_tz``, an IANA zone such
      as "America/New_York" for a source that publishes New York time; with
      ``assume_tz=None`` a naive value is an error. Wall times that fall in a DST gap or
      overlap follow :pep:`495` with ``fold=0`` (the earlier offset);
    * strings are ISO 8601 or anything dateutil reads ("31-Dec-2026",
      "2026-12-31T23:59:00-05:00", "March 3, 2026 5:00 PM EST"); "GMT+01:00" means one
      hour ahead of UTC. ``dayfirst`` settles "02/03/2026" for European sources.

    Raises ``ValueError`` naming the text when a string cannot be read.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return None
        parsed = _parse_date_text(text, dayfirst)
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        raise TypeError(f"to_utc() takes a datetime, date or str, not {type(value).__name__}")

    if parsed.tzinfo is None or parsed.utcoffset() is None:
        if assume_tz is None:
            raise ValueError(f"{value!r} has no time zone and none is assumed")
        parsed = parsed.replace(tzinfo=_zone(assume_tz))
    return parsed.astimezone(UTC)


_MISSING_DATE_PARTS = datetime(1900, 1, 1)
"""What dateutil fills in for parts a string leaves out: a date without a year comes
out in 1900 and is then refused by :func:`check_plausible_dates`, instead of silently
landing in the current year."""


@lru_cache(maxsize=4096)
def _parse_date_text(text: str, dayfirst: bool) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    cleaned = _GMT_OFFSET.sub(_gmt_offset, text)
    try:
        return date_parser.parse(
            cleaned, dayfirst=dayfirst, tzinfos=_tzinfo_for, default=_MISSING_DATE_PARTS
        )
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"unreadable date {text!r}: {exc}") from exc


def check_plausible_dates(
    posted_at: datetime | None, deadline: datetime | None, *, now: datetime
) -> str | None:
    """A reason, for a person to read, why these dates cannot be right; ``None`` if fine.

    Rejected: posted more than 2 days after ``now`` or before 2000; a deadline before
    2000, more than 3 years after ``now`` or before the posting date. Naive values are
    taken as UTC.
    """
    now_utc = to_utc(now)
    posted = to_utc(posted_at)
    closing = to_utc(deadline)
    assert now_utc is not None
    if posted is not None:
        if posted < EARLIEST_PLAUSIBLE:
            return f"posted_at {posted.isoformat()} is before 2000"
        if posted > now_utc + MAX_POSTED_AHEAD:
            return (
                f"posted_at {posted.isoformat()} is more than 2 days in the future "
                f"(now {now_utc.isoformat()})"
            )
    if closing is not None:
        if closing < EARLIEST_PLAUSIBLE:
            return f"deadline {closing.isoformat()} is before 2000"
        if closing > now_utc + MAX_DEADLINE_AHEAD:
            return (
                f"deadline {closing.isoformat()} is more than 3 years after now "
                f"({now_utc.isoformat()})"
            )
    if posted is not None and closing is not None and closing < posted:
        return f"deadline {closing.isoformat()} is before posted_at {posted.isoformat()}"
    return None


# --- Organisations -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganizationInfo:
    """One organisation of ``organizations.toml``."""

    acronym: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@cache
def load_organizations() -> tuple[OrganizationInfo, ...]:
    """All organisations of the data file, in file order."""
    organizations = []
    for entry in _load_toml("organizations.toml")["organization"]:
        info = OrganizationInfo(
            acronym=entry["acronym"],
            name=entry["name"],
            kind=entry["kind"],
            aliases=tuple(entry.get("aliases", ())),
        )
        if info.kind not in ORGANIZATION_KINDS:
            raise ValueError(f"organizations.toml: {info.acronym}: unknown kind {info.kind!r}")
        organizations.append(info)
    return tuple(organizations)


@cache
def _organization_index() -> tuple[Mapping[str, OrganizationInfo], tuple[str, ...]]:
    index: dict[str, OrganizationInfo] = {}
    for info in load_organizations():
        for spelling in (info.acronym, info.name, *info.aliases):
            key = _key(spelling)
            other = index.get(key)
            if other is not None and other is not info:
                raise ValueError(
                    f"organizations.toml: {spelling!r} names both "
                    f"{other.acronym} and {info.acronym}"
                )
            index[key] = info
    long_keys = tuple(key for key in index if len(key) >= ORGANIZATION_FUZZY_MIN_LENGTH)
    return index, long_keys


_ORGANIZATION_PARTS = re.compile(r"\s+[-|]\s+|[()\[\]]")


def resolve_organization(name: str | None) -> OrganizationInfo | None:
    """The organisation a source's name or acronym means, or ``None``.

    Exact match (case, accents and punctuation ignored) on acronym, name and aliases
    first; then "UNICEF - United Nations Children's Fund" style pairs whose parts agree;
    then, for long names only, a close spelling (rapidfuzz ratio >= 92). Acronyms and
    short names never match loosely.
    """
    if not name:
        return None
    text = " ".join(name.translate(_DASHES).split())
    return _resolve_organization(text) if text else None


@lru_cache(maxsize=4096)
def _resolve_organization(text: str) -> OrganizationInfo | None:
    index, long_keys = _organization_index()
    key = _key(text)
    if not key:
        return None
    if key in index:
        return index[key]
    parts = [part for part in _ORGANIZATION_PARTS.split(text) if part.strip()]
    if len(parts) > 1:
        found = {index.get(_key(part)) for part in parts} - {None}
        if len(found) == 1:
            return found.pop()
    if len(key) >= ORGANIZATION_FUZZY_MIN_LENGTH:
        match = process.extractOne(
            key, long_keys, scorer=fuzz.ratio, score_cutoff=ORGANIZATION_FUZZY_SCORE
        )
        if match is not None:
            return index[match[0]]
    return None


# --- Text ------------------------------------------------------------------------------------
#
# html_to_text marks block boundaries in the HTML string with control characters before
# parsing (one regex pass per kind), lets lexbor parse and extract the text in C, and
# splits on the marks. Marks go in front of tags, never between table rows and cells
# (text there would be moved out of the table by the parser): cells get theirs just
# inside the opening tag. Walking the DOM node by node from Python is several times
# slower.

_PARAGRAPH, _LINE, _BULLET, _CELL = "\x01", "\x02", "\x03", "\x04"
_PARAGRAPH_TAGS = (
    "p|h[1-6]|ul|ol|dl|table|blockquote|pre|section|article|hr|main|figure|form|fieldset"
)
_LINE_TAGS = "div|dt|dd|br|caption|figcaption|address|details|summary|center|legend"
_DROPPED_TAGS = (
    "script|style|noscript|nav|header|footer|aside|template|iframe|svg|"
    "textarea|select|button|object|head"
)
"""Dropped with their content: code, navigation and page furniture. ``aside`` too:
job sites put glossaries and "related jobs" boxes there, not the posting."""


@dataclass(frozen=True, slots=True)
class _Markers:
    paragraph: re.Pattern[str]
    line: re.Pattern[str]
    list_item: re.Pattern[str]
    cell: re.Pattern[str]
    row_first_cell: re.Pattern[str]
    dropped: re.Pattern[str]


def _markers(flags: int) -> _Markers:
    return _Markers(
        paragraph=re.compile(rf"<(?=/?(?:{_PARAGRAPH_TAGS})[\s/>])", flags),
        line=re.compile(rf"<(?=(?:/?(?:{_LINE_TAGS})|/li)[\s/>])", flags),
        list_item=re.compile(r"<(?=li[\s>])", flags),
        cell=re.compile(r"<t[dh](?=[\s>])[^>]*>", flags),
        row_first_cell=re.compile(r"<tr(?=[\s>])[^>]*>\s*<t[dh](?=[\s>])[^>]*>", flags),
        dropped=re.compile(rf"<(?:{_DROPPED_TAGS})[\s/>]", flags),
    )


# Lower-case markup is the norm and case-sensitive patterns run twice as fast; the
# case-insensitive set is used only when an upper-case tag is present. One search for
# anything unusual (upper-case tags, table cells, elements to drop) lets the common
# description skip the specific checks.
_MARKERS_LOWER = _markers(0)
_MARKERS_ANY_CASE = _markers(re.IGNORECASE)
_UNUSUAL_MARKUP = re.compile(rf"</?[A-Z]|<(?:t[dh]|{_DROPPED_TAGS})[\s/>]")
_UPPER_CASE_TAG = re.compile(r"</?[A-Z]")
_DROP_SELECTOR = _DROPPED_TAGS.replace("|", ",")
_TAG_START = re.compile(r"<[A-Za-z!/?]")
_INVISIBLE = ("\u200b", "\ufeff", "\u00ad")
_CONTROL_MARKS = str.maketrans(dict.fromkeys(map(ord, "\x01\x02\x03\x04"), " "))
_BARE_BULLET = "• "
_strip = str.strip


def html_to_text(html: str | None) -> str:
    """Readable plain text from an HTML fragment or page (or from plain text).

    Scripts, styles, navigation, headers, footers and asides are dropped; paragraphs,
    headings, lists and tables are separated by one blank line, ``div``/``br``/rows by a
    line break; list items start with "• ", table cells are joined with " | "; entities
    are decoded and whitespace is collapsed within lines. Plain text input keeps its
    line breaks, with at most one blank line in a row.

    Results are memoised for the 512 most recent inputs up to 32 KB: a harvest sees the same
    description again on every run until it changes.
    """
    if not html:
        return ""
    if len(html) > _HTML_CACHE_MAX_LENGTH:
        return _html_to_text(html)
    return _html_to_text_cached(html)


_HTML_CACHE_MAX_LENGTH = 32768


@lru_cache(maxsize=512)
def _html_to_text_cached(html: str) -> str:
    return _html_to_text(html)


def _html_to_text(html: str) -> str:
    if _TAG_START.search(html) is None:
        return _plain_text(html)
    if "\x01" in html or "\x02" in html or "\x03" in html or "\x04" in html:
        html = html.translate(_CONTROL_MARKS)
    markers, cells, dropped = _MARKERS_LOWER, False, False
    if _UNUSUAL_MARKUP.search(html):
        if _UPPER_CASE_TAG.search(html):
            markers = _MARKERS_ANY_CASE
        cells = markers.cell.search(html) is not None
        dropped = markers.dropped.search(html) is not None
    html = markers.paragraph.sub(_PARAGRAPH + "<", html)
    html = markers.line.sub(_LINE + "<", html)
    html = markers.list_item.sub(_LINE + _BULLET + "<", html)
    if cells:
        html = markers.cell.sub("\\g<0>" + _CELL, html)
        html = markers.row_first_cell.sub("\\g<0>" + _LINE, html)

    tree = LexborHTMLParser(html)
    if dropped:
        for node in tree.css(_DROP_SELECTOR):
            node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    text = root.text()
    for invisible in _INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")

    # Lines are stripped, and whitespace inside a line collapsed only where there is
    # something to collapse (a line break, tab, no-break space or double space): most
    # lines have none, and splitting every line into words is the slowest step here.
    has_bullets = _BULLET in text
    paragraphs = []
    carried = False
    for chunk in text.split(_PARAGRAPH):
        pieces = chunk.split(_LINE)
        lines = [
            line if line.isprintable() and "  " not in line else " ".join(line.split())
            for line in map(_strip, pieces)
            if line
        ]
        if has_bullets and (carried or _BULLET in chunk):
            # "<li>" leaves LINE + BULLET before the item's text. A bullet left alone
            # goes to the next line; at the end of a paragraph ("<li><p>...") to the
            # next paragraph.
            lines = [
                _BARE_BULLET + line[1:].lstrip() if line[0] == _BULLET else line for line in lines
            ]
            if carried and lines:
                lines[0] = _BARE_BULLET + lines[0].removeprefix(_BARE_BULLET)
            carried = pieces[-1].strip() == _BULLET
            if _BARE_BULLET in lines:
                lines = _carry_bullets(lines)
        if lines:
            paragraphs.append("\n".join(lines))
    text = "\n\n".join(paragraphs)
    if cells:
        text = _join_cells(text)
    return text


def _carry_bullets(lines: list[str]) -> list[str]:
    """Move bullets of empty-looking items onto the line that follows them."""
    out: list[str] = []
    pending = False
    for line in lines:
        if line == _BARE_BULLET:
            pending = True
            continue
        if pending:
            line = _BARE_BULLET + line.removeprefix(_BARE_BULLET)
            pending = False
        out.append(line)
    return out


def _join_cells(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if _CELL in line:
            line = " | ".join(filter(None, map(_strip, line.split(_CELL))))
        lines.append(line)
    return "\n".join(lines)


def _plain_text(text: str) -> str:
    if "&" in text:
        text = unescape_entities(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_SPACE_BEFORE_COMMA = re.compile(r"\s+(?=[,;])")


def normalize_title(title: str) -> str:
    """The title as displayed, tidied: whitespace collapsed, no space before commas.

    Wording is kept ("Re-advertisement: ...", grades, job numbers); :func:`title_key`
    is the form for comparing titles.
    """
    for invisible in _INVISIBLE:
        if invisible in title:
            title = title.replace(invisible, "")
    return _SPACE_BEFORE_COMMA.sub("", " ".join(title.split()))


_READVERTISED = re.compile(
    r"^\s*(?:re-?advertise(?:ment|d)?|re-?issued?|re-?posted|re-?opened)\s*[:\-]\s*"
    r"|\(\s*re-?advertise(?:ment|d)?\s*\)",
    re.IGNORECASE,
)
_JOB_NUMBERS = re.compile(
    r"#\s*[A-Za-z]*\d[\w-]*"
    r"|\(\s*(?:req|requisition|job|ref|post|vacancy|va)\b[^)]*\)"
    r"|\b(?:req(?:uisition)?|job\s*(?:id|no)|post\s*(?:no|number)?|vacancy\s*(?:no|number)|ref)"
    r"\.?\s*[:#]?\s*[A-Za-z]*\d+\b"
    r"|\b\d{5,}\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 16)
def title_key(title: str) -> str:
    """A title reduced for duplicate detection: accents folded, case ignored, grade
    tokens ("P-3", "NOB"), job numbers ("#136457", "(Req12345)", "Post # 87009") and
    "Re-advertisement:" prefixes removed, punctuation dropped; word order kept. Cached:
    every run that stores new vacancies reduces the titles of all open vacancies of the
    other sources.

    >>> title_key("Re-advertisement: Programme Specialist, P-3, Nairobi #136457")
    'programme specialist nairobi'
    """
    text = title.translate(_DASHES)
    text = _READVERTISED.sub(" ", text)
    text = _JOB_NUMBERS.sub(" ", text)
    text = _grade_tables().scale_pattern.sub(" ", text)
    return " ".join(_NOT_ALNUM.sub(" ", _fold(text)).split())


# --- Change detection ------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_utc(value).isoformat()  # type: ignore[union-attr]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted((_canonical(item) for item in value), key=repr)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"content_hash cannot encode {type(value).__name__}")


def content_hash(fields: Mapping[str, object]) -> str:
    """SHA-256 (hex) of a canonical JSON form of ``fields``: keys sorted, datetimes as
    ISO 8601 in UTC (naive ones taken as UTC), ``None`` kept. Equal content gives an
    equal hash whatever the key order; any changed value changes it."""
    encoded = json.dumps(
        fields,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_canonical,
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
