"""What to propose for a candidate's profile from the text of their CV (pure library: no
database, no HTTP).

The CV goes through the same spaCy pipeline as vacancies (:func:`vacancies.nlp.extract`):
its skills (taxonomy ids), job families, languages, education and sections. A CV is not
a vacancy, so some things are read differently here, with words from
``candidates/data/cv_reading.toml``:

* **Languages** get a CEFR level as CVs write it: an explicit code on the line wins
  ("French (B2)"), else the level words ("English – native" -> native, "Spanish:
  fluent" -> C1, "basic" -> A2, "Norsk: morsmål" -> native). A language found with no
  level word is proposed without a level: the candidate chooses one. Only languages
  named in a languages section, or on a line that states a level, are proposed.
* **Education**: the highest degree the pipeline found, with its field (the first
  subject named after the degree that is not an institution) and year (the last year on
  its line).
* **Experience**: date ranges ("2016–2019", "March 2019 – present", "01/2020–06/2022")
  in the CV's experience sections only (never education dates). A period counts whole
  months: "01/2020–06/2022" is January 2020 to June 2022 inclusive (30 months); a bare
  start year starts in January and a bare end year ends the period before that year
  begins ("2016–2019" is three years; "2019–2019" is the year 2019); "present" runs to
  the current month of ``today``. Months covered by several periods count once.
  **International years** are the months of periods whose entry (from its date range to
  the next one) names a country other than Norway (in English or Norwegian, as CLDR
  spells it), a duty station outside Norway (``vacancies/data/duty_stations.toml``:
  "Nairobi", "Geneva") or an international organisation of the portal's list
  (``vacancies/data/organizations.toml``, by acronym or name).
* **Citizenship** only when a line says so ("Nationality: Norwegian" -> NO).

Every proposal carries its evidence, the CV's own words it came from. Nothing is
invented: a text in which nothing is found gives empty proposals.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from vacancies.nlp.models import EDUCATION_ORDER, EducationLevel, Requirements, Section

DATA = Path(__file__).with_name("data") / "cv_reading.toml"
VACANCY_DATA = Path(__file__).parent.parent / "vacancies" / "data"

CvLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]


class SkillSuggestion(BaseModel):
    id: str
    label: str
    evidence: list[str] = Field(description="the CV's words that named the skill")


class LanguageSuggestion(BaseModel):
    code: str = Field(description="ISO 639-1 ('no' for Norwegian)")
    name: str
    level: CvLevel | None = Field(description="None when the CV names no level")
    evidence: str


class EducationSuggestion(BaseModel):
    level: EducationLevel
    field: str
    year: int | None
    evidence: str


class Period(BaseModel):
    start: date
    """The first day of the first month."""
    end: date
    """The first day of the last month counted."""
    international: bool
    evidence: str
    """The entry's first line, with its dates."""


class FamilySuggestion(BaseModel):
    id: str
    label: str
    score: float
    evidence: list[str] = Field(description="labels of the skills that point to it")


class CitizenshipSuggestion(BaseModel):
    code: str = Field(description="ISO 3166-1 alpha-2")
    evidence: str


class CvSuggestions(BaseModel):
    """What the CV proposes; nothing of it is in the profile until the candidate
    accepts it."""

    skills: list[SkillSuggestion] = Field(default_factory=list)
    languages: list[LanguageSuggestion] = Field(default_factory=list)
    education: EducationSuggestion | None = None
    experience_years: float | None = None
    international_years: float | None = None
    periods: list[Period] = Field(default_factory=list)
    job_families: list[FamilySuggestion] = Field(default_factory=list)
    citizenships: list[CitizenshipSuggestion] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not (
            self.skills
            or self.languages
            or self.education
            or self.periods
            or self.job_families
            or self.citizenships
        )


def propose(text: str, lang: str, *, today: date | None = None) -> CvSuggestions:
    """The proposals read from a CV's text (``lang`` "en" or "nb"); ``today`` ends the
    periods that run to the present (default: today's date)."""
    from vacancies.nlp import extract, prepare_text

    prepared = prepare_text(text)
    if not prepared.strip():
        return CvSuggestions()
    found = extract(prepared, lang)
    periods = read_periods(prepared, found.sections, today or date.today())
    return CvSuggestions(
        skills=_skills(found),
        languages=_languages(prepared, found),
        education=_education(found),
        experience_years=_years(periods) if periods else None,
        international_years=(_years([p for p in periods if p.international]) if periods else None),
        periods=periods,
        job_families=_families(found),
        citizenships=read_citizenships(prepared),
    )


# --- data -----------------------------------------------------------------------------


@cache
def _data() -> dict:
    with DATA.open("rb") as handle:
        return tomllib.load(handle)


def _words(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _level_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    levels = {w.lower(): level for level, ws in _data()["language_levels"].items() for w in ws}
    return re.compile(rf"(?<!\w)(?:{_words(list(levels))})(?!\w)", re.IGNORECASE), levels


_CEFR = re.compile(r"(?<![\w-])([ABC][12])(?![\w-])")


# --- skills and families --------------------------------------------------------------


def _skills(found: Requirements) -> list[SkillSuggestion]:
    return [
        SkillSuggestion(
            id=skill.id,
            label=skill.label,
            evidence=_distinct(e.text for e in skill.evidence),
        )
        for skill in found.skills
    ]


def _distinct(texts: Iterable[str]) -> list[str]:
    """The texts in order, each once whatever its case ("Development Economist" and
    "Development economist" are one piece of evidence)."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(text.casefold(), text)
    return list(seen.values())


def _families(found: Requirements) -> list[FamilySuggestion]:
    minimum = float(_data()["family_min_score"])
    return [
        FamilySuggestion(
            id=family.id,
            label=family.label,
            score=family.score,
            evidence=[s.label for s in found.skills if s.family == family.id],
        )
        for family in found.job_families
        if family.score >= minimum
    ]


# --- languages --------------------------------------------------------------------------


def _line_at(text: str, start: int, end: int) -> str:
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return text[first : last if last >= 0 else len(text)].strip()


def _in_kind(sections: list[Section], kind: str, offset: int) -> bool:
    return any(s.kind == kind and s.start <= offset < s.end for s in sections)


def language_level(line: str, name_evidence: str = "") -> CvLevel | None:
    """The CEFR level a CV line gives a language, or None when it names none."""
    rest = line.replace(name_evidence, " ", 1) if name_evidence else line
    cefr = _CEFR.search(rest)
    if cefr:
        return cefr.group(1)  # type: ignore[return-value]
    pattern, levels = _level_pattern()
    word = pattern.search(rest)
    return levels[word.group(0).lower()] if word else None  # type: ignore[return-value]


def _languages(text: str, found: Requirements) -> list[LanguageSuggestion]:
    out: dict[str, LanguageSuggestion] = {}
    for item in found.languages:
        ev = item.evidence
        line = _line_at(text, ev.start, ev.end)
        language_words = _language_words(line, item.name, ev.text)
        level = language_level(language_words)
        if level is None and not _in_kind(found.sections, "languages", ev.start):
            continue
        if item.code in out and out[item.code].level is not None:
            continue
        out[item.code] = LanguageSuggestion(
            code=item.code, name=item.name, level=level, evidence=language_words
        )
    return list(out.values())


def _language_words(line: str, name: str, evidence: str) -> str:
    """The part of a line about one language: a line listing several ("English (C1),
    French (B2)") is cut at the commas or semicolons around the language's name."""
    parts = [p.strip() for p in re.split(r"[;,|•·]", line) if p.strip()]
    if len(parts) <= 1:
        return line
    key = evidence.split()[0].lower() if evidence.split() else name.lower()
    for part in parts:
        if key in part.lower() or name.lower() in part.lower():
            return part
    return line


# --- education --------------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
_INSTITUTION = re.compile(
    r"\b(?:universit\w*|college|school|høgskole\w*|høyskole\w*|institut\w*|academy|"
    r"akademi\w*|NTNU|NHH|BI|UiO|UiB|UiT|NMBU|OsloMet)\b",
    re.IGNORECASE,
)


def _education(found: Requirements) -> EducationSuggestion | None:
    items = sorted(
        found.education,
        key=lambda e: (EDUCATION_ORDER[e.level], _last_year(e.evidence.text) or 0),
        reverse=True,
    )
    if not items:
        return None
    best = items[0]
    fields = [f for f in best.fields if not _YEAR.fullmatch(f) and not _INSTITUTION.search(f)]
    return EducationSuggestion(
        level=best.level,
        field=fields[0] if fields else "",
        year=_last_year(best.evidence.text),
        evidence=best.evidence.text,
    )


def _last_year(text: str) -> int | None:
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


# --- experience -------------------------------------------------------------------------


@cache
def _range_pattern() -> tuple[re.Pattern[str], dict[str, int]]:
    months = {w: int(m) for m, ws in _data()["months"].items() for w in ws}
    month = rf"(?:{_words(list(months))})\.?"
    year = r"(?:19[5-9]\d|20\d\d)"
    one = rf"(?:(?P<{{p}}m>{month})\s+(?P<{{p}}y>{year})|(?P<{{p}}n>0?[1-9]|1[0-2])\s*[/.]\s*(?P<{{p}}ny>{year})|(?P<{{p}}b>{year}))"  # noqa: E501
    present = _words(_data()["dates"]["present"])
    pattern = (
        r"(?<![\w/.])"
        + one.format(p="s")
        + r"\s*(?:[-–—]|\bto\b|\btil\b|\buntil\b)\s*(?:"
        + one.format(p="e")
        + rf"|(?P<present>{present}))(?![\w/])"
    )
    return re.compile(pattern, re.IGNORECASE), months


def _month(match: re.Match[str], prefix: str, months: dict[str, int]) -> tuple[int, int, bool]:
    """(year, month, bare year) of one end of a range."""
    if match.group(f"{prefix}m"):
        name = match.group(f"{prefix}m").lower().rstrip(".")
        return int(match.group(f"{prefix}y")), months[name], False
    if match.group(f"{prefix}n"):
        return int(match.group(f"{prefix}ny")), int(match.group(f"{prefix}n")), False
    return int(match.group(f"{prefix}b")), 1, True


def _span(match: re.Match[str], months: dict[str, int], today: date) -> tuple[int, int] | None:
    """First and last month (as year * 12 + month - 1) of a range; None if backwards."""
    sy, sm, _ = _month(match, "s", months)
    start = sy * 12 + sm - 1
    if match.group("present"):
        end = today.year * 12 + today.month - 1
    else:
        ey, em, bare = _month(match, "e", months)
        end = ey * 12 + em - 1
        if bare:
            end = max(end - 1, sy * 12 + 11) if ey == sy else end - 1
    end = min(end, today.year * 12 + today.month - 1)
    return (start, end) if end >= start else None


def read_periods(text: str, sections: list[Section], today: date) -> list[Period]:
    """The periods of the experience sections, each marked international or not."""
    pattern, months = _range_pattern()
    periods: list[Period] = []
    for section in sections:
        if section.kind != "experience":
            continue
        body = text[section.start : section.end]
        matches = list(pattern.finditer(body))
        for i, match in enumerate(matches):
            span = _span(match, months, today)
            if span is None:
                continue
            entry_end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
            entry = body[match.start() : entry_end]
            periods.append(
                Period(
                    start=date(span[0] // 12, span[0] % 12 + 1, 1),
                    end=date(span[1] // 12, span[1] % 12 + 1, 1),
                    international=is_international(entry),
                    evidence=_line_at(body, match.start(), match.end()),
                )
            )
    return periods


def _years(periods: list[Period]) -> float:
    months: set[int] = set()
    for p in periods:
        first = p.start.year * 12 + p.start.month - 1
        last = p.end.year * 12 + p.end.month - 1
        months.update(range(first, last + 1))
    return round(len(months) / 12, 1)


_NOT_ABROAD = frozenset({"NO", "SJ", "BV", "EU", "EZ", "UN", "ZZ", "QO"})
"""Norway and its territories, and CLDR's groupings that are no country."""


@cache
def _abroad() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Countries other than Norway (CLDR names in English and Norwegian) and the duty
    stations of ``vacancies/data/duty_stations.toml`` outside Norway ("Nairobi"), both
    case-sensitive; international organisations (acronyms case-sensitive, names in any
    case)."""
    from babel import Locale

    from vacancies.normalize import load_organizations

    names: set[str] = set()
    for locale in ("en", "nb"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_ABROAD:
                names.add(name)
    with (VACANCY_DATA / "duty_stations.toml").open("rb") as handle:
        stations = tomllib.load(handle)["stations"]
    names.update(city for city, country in stations.items() if country != "NOR")
    acronyms: set[str] = set()
    for org in load_organizations():
        names.update(n for n in (org.name, *org.aliases) if len(n) >= 8)
        acronyms.add(org.acronym)
    return (
        re.compile(rf"(?<!\w)(?:{_words(sorted(acronyms))})(?!\w)"),
        re.compile(rf"(?<!\w)(?:{_words(sorted(names))})(?!\w)", re.IGNORECASE),
    )


def is_international(entry: str) -> bool:
    """Whether a CV entry names a country other than Norway or an international
    organisation (see the module docstring)."""
    acronyms, names = _abroad()
    return bool(acronyms.search(entry) or names.search(entry))


# --- citizenship ------------------------------------------------------------------------


@cache
def _citizenship_patterns() -> tuple[re.Pattern[str], dict[str, str]]:
    from babel import Locale

    section = _data()["citizenship"]
    label = re.compile(rf"^\s*(?:{_words(section['labels'])})\s*:?\s*(.+)$", re.IGNORECASE)
    countries: dict[str, str] = {}
    for locale in ("en", "nb"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                countries[name.lower()] = code
    for code, words in section["adjectives"].items():
        for word in words:
            countries[word.lower()] = code
    return label, countries


def read_citizenships(text: str) -> list[CitizenshipSuggestion]:
    """Citizenships a line states ("Nationality: Norwegian", "Statsborgerskap: norsk og
    svensk"); none when the CV does not say."""
    label, countries = _citizenship_patterns()
    found: dict[str, CitizenshipSuggestion] = {}
    for line in text.splitlines():
        match = label.match(line)
        if not match:
            continue
        for part in re.split(r"\s*(?:,|/|;|\band\b|\bog\b|&)\s*", match.group(1)):
            code = countries.get(part.strip(" .").lower())
            if code and code not in found:
                found[code] = CitizenshipSuggestion(code=code, evidence=line.strip())
    return list(found.values())
