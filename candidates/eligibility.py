"""Eligibility: the published rules of recruitment programmes (JPO, the UN and World Bank
Young Professionals programmes, UN Volunteers) and the UN's usual minimums per grade,
checked for one candidate and one post. No database, no HTTP.

The rules are data (``candidates/data/eligibility.toml``, or ``PORTAL_ELIGIBILITY_FILE``);
this module only knows the rule *kinds*: nationality, age_max, age_min, degree,
experience, and the grade minimum. Eligibility is reported beside a score, never in it.

Each check ends in one of three states:

* **passed**;
* **failed**: a failed *hard* rule makes the candidate ineligible for the post: the
  post is not offered to the candidate (who can still list it, with the reason) and
  staff see the candidate marked, never hidden;
* **unknown**: the profile lacks what the rule needs (no year of birth for an age
  limit, no education for a degree) or the post does not say (a JPO post that names
  no sponsor). The check is listed as not passed but *soft* (``hard=False``), with a
  sentence saying what to add: an incomplete profile never hides a post.

Citizenship and year of birth are read here only, by the nationality and age rules.
With only the year of birth known, the age at the deadline is the age reached in the
deadline's year or one less: a candidate exactly one year over a limit is "unknown"
(depends on the birthday), never failed.

For the matcher, :func:`rule_specs` turns a post into the concrete checks it implies
(hashable, shared by many posts) and :func:`status_vector` evaluates one check for many
candidates at once with numpy; :func:`evaluate` is the one-candidate version with its
sentence. Both read the same thresholds, and the tests hold them to the same answers.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from candidates.matching.models import Eligibility, RuleCheck, VacancyFacts
from candidates.profile_models import ProfileIn
from vacancies.nlp.models import EDUCATION_ORDER

SHIPPED_FILE = Path(__file__).with_name("data") / "eligibility.toml"

PASS, UNKNOWN, FAIL = 0, 1, 2
"""Status codes of one check (``status_vector``)."""

KINDS = frozenset({"nationality", "age_max", "age_min", "degree", "experience"})
CONDITIONS = frozenset(
    {"is_jpo", "category", "text", "not_text", "organizations", "not_organizations", "restricted"}
)
LEVEL_NAMES = {
    "secondary": "secondary education",
    "bachelor": "bachelor's degree",
    "master": "master's degree",
    "doctorate": "doctorate",
}


def _(message: str) -> str:
    """Marks a msgid for extraction (babel keyword ``_``); translated where shown."""
    return message


class RulesError(ValueError):
    """The eligibility file is unreadable or inconsistent; the message says where."""


@dataclass(frozen=True, slots=True)
class RuleDef:
    id: str
    kind: str
    hard: bool = True
    value: int | None = None
    level: str | None = None
    years: float | None = None


@dataclass(frozen=True, slots=True)
class Programme:
    id: str
    name: str
    rules: tuple[RuleDef, ...]
    is_jpo: bool | None = None
    category: str | None = None
    text: re.Pattern[str] | None = None
    not_text: re.Pattern[str] | None = None
    organizations: frozenset[str] | None = None
    not_organizations: frozenset[str] = frozenset()
    nationalities: tuple[str, ...] = ()
    sponsor: str | None = None
    restricted: bool | None = None
    """``applies_when.restricted``: the post states which nationalities may apply."""
    nationalities_from_post: bool = False
    """The nationality rule takes the post's own list (``open_to_nationalities``)."""

    def applies(self, vacancy: VacancyFacts) -> bool:
        """Every condition of ``applies_when`` holds for this post."""
        if self.is_jpo is not None and vacancy_is_jpo(vacancy) != self.is_jpo:
            return False
        if self.restricted is not None and bool(vacancy.open_to_nationalities) != self.restricted:
            return False
        if self.category is not None and vacancy.category != self.category:
            return False
        org = (vacancy.organization or "").upper()
        if self.organizations is not None and org not in self.organizations:
            return False
        if org and org in self.not_organizations:
            return False
        text = f"{vacancy.title}\n{vacancy.description}"
        if self.text is not None and not self.text.search(text):
            return False
        return not (self.not_text is not None and self.not_text.search(text))


@dataclass(frozen=True, slots=True)
class GradeMinimum:
    grade: str
    master_years: float
    bachelor_years: float
    hard: bool = True


@dataclass(frozen=True, slots=True)
class Rules:
    programmes: tuple[Programme, ...]
    grades: Mapping[str, GradeMinimum]
    source: str = ""

    def __hash__(self) -> int:
        return hash((self.programmes, tuple(self.grades), self.source))


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One concrete check a post implies: the rule with the post's values filled in.
    Posts with the same values share one spec, so many posts cost one evaluation."""

    rule: str
    programme: str | None
    programme_name: str
    kind: str
    hard: bool
    value: int | None = None
    year: int | None = None
    level: str | None = None
    years: float | None = None
    bachelor_years: float | None = None
    nationalities: tuple[str, ...] = ()
    why_unknown: str | None = None
    """Set when the post itself leaves the check open (no sponsor named, no list)."""


# --- Loading ---------------------------------------------------------------------------


def _phrases(values: Any, where: str) -> re.Pattern[str] | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise RulesError(f"{where}: expected a list of phrases")
    alternatives = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in values)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _rule(entry: Mapping[str, Any], where: str) -> RuleDef:
    kind = entry.get("kind")
    if kind not in KINDS:
        raise RulesError(f"{where}: kind must be one of {sorted(KINDS)}, not {kind!r}")
    if not isinstance(entry.get("id"), str):
        raise RulesError(f"{where}: every rule needs an id")
    level = entry.get("level")
    if kind == "degree" and level not in EDUCATION_ORDER:
        raise RulesError(f"{where}: level must be one of {sorted(EDUCATION_ORDER)}")
    value = entry.get("value")
    if kind in ("age_max", "age_min") and not isinstance(value, int):
        raise RulesError(f"{where}: an age rule needs an integer value")
    years = entry.get("years")
    if kind == "experience" and not isinstance(years, int | float):
        raise RulesError(f"{where}: an experience rule needs years")
    return RuleDef(
        id=entry["id"],
        kind=kind,
        hard=bool(entry.get("hard", True)),
        value=value,
        level=level,
        years=None if years is None else float(years),
    )


def _programme(key: str, entry: Mapping[str, Any], where: str) -> Programme:
    when = entry.get("applies_when", {})
    unknown = set(when) - CONDITIONS
    if unknown:
        raise RulesError(f"{where}: unknown applies_when condition(s) {sorted(unknown)}")
    rules = tuple(_rule(r, f"{where}.rule[{i}]") for i, r in enumerate(entry.get("rule", [])))
    orgs = when.get("organizations")
    return Programme(
        id=key,
        name=str(entry.get("name", key)),
        rules=rules,
        is_jpo=when.get("is_jpo"),
        category=when.get("category"),
        text=_phrases(when.get("text"), f"{where}.applies_when.text"),
        not_text=_phrases(when.get("not_text"), f"{where}.applies_when.not_text"),
        organizations=None if orgs is None else frozenset(o.upper() for o in orgs),
        not_organizations=frozenset(o.upper() for o in when.get("not_organizations", [])),
        nationalities=tuple(c.upper() for c in entry.get("nationalities", [])),
        sponsor=entry.get("sponsor"),
        restricted=when.get("restricted"),
        nationalities_from_post=bool(entry.get("nationalities_from_post", False)),
    )


def parse_rules(data: Mapping[str, Any], source: str = "") -> Rules:
    """Rules from the parsed TOML (see the shipped file for the format)."""
    programmes = tuple(
        _programme(key, entry, f"{source}: programme.{key}")
        for key, entry in data.get("programme", {}).items()
    )
    grades: dict[str, GradeMinimum] = {}
    for grade, entry in data.get("grade", {}).items():
        try:
            grades[grade] = GradeMinimum(
                grade=grade,
                master_years=float(entry["master_years"]),
                bachelor_years=float(entry["bachelor_years"]),
                hard=bool(entry.get("hard", True)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RulesError(
                f"{source}: grade.{grade}: needs master_years and bachelor_years"
            ) from error
    return Rules(programmes=programmes, grades=grades, source=source)


@cache
def _load(path: Path, mtime: float) -> Rules:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: cannot read the eligibility rules: {error}") from error
    return parse_rules(data, str(path))


def load_rules(path: Path | None = None) -> Rules:
    """The rules in ``path``, else ``settings.eligibility_file``, else the shipped file.
    Read again only when the file changes."""
    if path is None:
        from portal.settings import get_settings

        path = get_settings().eligibility_file or SHIPPED_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise RulesError(f"{path}: cannot read the eligibility rules: {error}") from error
    return _load(path, mtime)


# --- Which checks a post implies --------------------------------------------------------


def vacancy_is_jpo(vacancy: VacancyFacts) -> bool:
    req = vacancy.requirements
    return vacancy.is_jpo or vacancy.category == "jpo" or bool(req and req.jpo.is_jpo)


def _jpo_nationalities(vacancy: VacancyFacts) -> tuple[str, ...]:
    req = vacancy.requirements
    open_to = vacancy.open_to_nationalities or (req.jpo.nationalities if req else [])
    sponsors = vacancy.jpo_sponsors or (req.jpo.sponsors if req else [])
    return tuple(sorted({c.upper() for c in (open_to or sponsors)}))


def rule_specs(vacancy: VacancyFacts, rules: Rules, *, today: date) -> tuple[RuleSpec, ...]:
    """The checks this post implies, programmes first, then the grade minimum."""
    year = vacancy.deadline.year if vacancy.deadline else today.year
    specs: list[RuleSpec] = []
    for programme in rules.programmes:
        if programme.applies(vacancy):
            specs.extend(_programme_specs(programme, vacancy, year))
    minimum = rules.grades.get(vacancy.grade or "")
    if minimum is not None:
        specs.append(
            RuleSpec(
                rule=f"grade.{minimum.grade}",
                programme=None,
                programme_name=minimum.grade,
                kind="grade",
                hard=minimum.hard,
                years=minimum.master_years,
                bachelor_years=minimum.bachelor_years,
            )
        )
    return tuple(specs)


def _programme_specs(programme: Programme, vacancy: VacancyFacts, year: int) -> list[RuleSpec]:
    allowed = programme.nationalities
    why_unknown = None
    other_sponsor = False
    if programme.nationalities_from_post:
        allowed = tuple(sorted({c.upper() for c in vacancy.open_to_nationalities}))
    elif programme.sponsor is not None:
        allowed = _jpo_nationalities(vacancy)
        other_sponsor = bool(allowed) and programme.sponsor.upper() not in allowed
        if not allowed:
            why_unknown = "post"
    if not allowed and why_unknown is None:
        why_unknown = "list"
    specs = []
    for rule in programme.rules:
        if other_sponsor and rule.kind != "nationality":
            continue  # another country's programme: its nationality rule is what counts
        specs.append(
            RuleSpec(
                rule=f"{programme.id}.{rule.id}",
                programme=programme.id,
                programme_name=programme.name,
                kind=rule.kind,
                hard=rule.hard,
                value=rule.value,
                year=year,
                level=rule.level,
                years=rule.years,
                nationalities=allowed if rule.kind == "nationality" else (),
                why_unknown=why_unknown if rule.kind == "nationality" else None,
            )
        )
    return specs


# --- One candidate ----------------------------------------------------------------------


def _rank(level: str | None) -> int:
    return EDUCATION_ORDER.get(level or "", 0)


def _years(value: float) -> str:
    return f"{value:g}"


def status(spec: RuleSpec, profile: ProfileIn) -> int:
    """PASS, UNKNOWN or FAIL of one check for one candidate."""
    kind = spec.kind
    if kind == "nationality":
        if spec.why_unknown or not profile.citizenships:
            return UNKNOWN
        return PASS if set(profile.citizenships) & set(spec.nationalities) else FAIL
    if kind in ("age_max", "age_min"):
        if profile.birth_year is None:
            return UNKNOWN
        return _age_status(kind, spec.year - profile.birth_year, spec.value)
    rank = _rank(profile.education_level)
    if kind == "degree":
        if rank == 0:
            return UNKNOWN
        return PASS if rank >= _rank(spec.level) else FAIL
    if kind == "experience":
        return PASS if profile.experience_years >= spec.years else FAIL
    if rank == 0:  # grade
        return UNKNOWN
    years = profile.experience_years
    if rank >= EDUCATION_ORDER["master"] and years >= spec.years:
        return PASS
    if rank >= EDUCATION_ORDER["bachelor"] and years >= spec.bachelor_years:
        return PASS
    return FAIL


def _age_status(kind: str, high: int, limit: int) -> int:
    """``high``: the age reached in the deadline's year (the age at the deadline is
    ``high`` or ``high - 1``)."""
    low = high - 1
    if kind == "age_max":
        return PASS if high <= limit else FAIL if low > limit else UNKNOWN
    return PASS if low >= limit else FAIL if high < limit else UNKNOWN


def evaluate(spec: RuleSpec, profile: ProfileIn) -> RuleCheck:
    """The check with its sentence."""
    result = status(spec, profile)
    message, params = _sentence(spec, profile, result)
    return RuleCheck(
        rule=spec.rule,
        programme=spec.programme,
        passed=result == PASS,
        hard=spec.hard and result != UNKNOWN,
        explanation=message % params,
        message=message,
        params=params,
    )


def check(profile: ProfileIn, vacancy: VacancyFacts, rules: Rules, *, today: date) -> Eligibility:
    """Every check the post implies for this candidate; eligible unless a hard one failed."""
    return eligibility_of(profile, rule_specs(vacancy, rules, today=today))


def eligibility_of(profile: ProfileIn, specs: Sequence[RuleSpec]) -> Eligibility:
    checks = [evaluate(spec, profile) for spec in specs]
    return Eligibility(eligible=not any(c.hard and not c.passed for c in checks), checks=checks)


# --- Sentences --------------------------------------------------------------------------

MESSAGES: dict[str, str] = {
    "nationality.post": _(
        "%(programme)s: the post does not say which country's nationals may apply."
    ),
    "nationality.list": _(
        "%(programme)s: the portal does not have this year's list of participating "
        "countries; check it on the programme's site."
    ),
    "nationality.unknown": _(
        "%(programme)s: open only to nationals of %(countries)s. "
        "Add your citizenship to your profile."
    ),
    "nationality.pass": _(
        "%(programme)s: open to nationals of %(countries)s; you are a citizen of %(yours)s."
    ),
    "nationality.fail": _(
        "%(programme)s: open only to nationals of %(countries)s; your profile gives %(yours)s."
    ),
    "age_max.missing": _(
        "%(programme)s: age limit %(limit)s at the deadline. "
        "Add your year of birth to your profile."
    ),
    "age_max.unknown": _(
        "%(programme)s: age limit %(limit)s at the deadline; born in %(birth_year)s, you are "
        "%(age_low)s or %(age)s then, depending on your birthday."
    ),
    "age_max.pass": _(
        "%(programme)s: age limit %(limit)s at the deadline; born in %(birth_year)s, you are "
        "at most %(age)s then."
    ),
    "age_max.fail": _(
        "%(programme)s: age limit %(limit)s at the deadline; born in %(birth_year)s, you are "
        "at least %(age_low)s then."
    ),
    "age_min.missing": _(
        "%(programme)s: minimum age %(limit)s at the deadline. "
        "Add your year of birth to your profile."
    ),
    "age_min.unknown": _(
        "%(programme)s: minimum age %(limit)s at the deadline; born in %(birth_year)s, you "
        "are %(age_low)s or %(age)s then, depending on your birthday."
    ),
    "age_min.pass": _(
        "%(programme)s: minimum age %(limit)s at the deadline; born in %(birth_year)s, you "
        "are at least %(age_low)s then."
    ),
    "age_min.fail": _(
        "%(programme)s: minimum age %(limit)s at the deadline; born in %(birth_year)s, you "
        "are at most %(age)s then."
    ),
    "degree.unknown": _(
        "%(programme)s asks for at least a %(level)s. Add your education to your profile."
    ),
    "degree.pass": _("%(programme)s asks for at least a %(level)s; you have a %(yours)s."),
    "degree.fail": _(
        "%(programme)s asks for at least a %(level)s; your profile gives a %(yours)s."
    ),
    "experience.pass": _(
        "%(programme)s asks for at least %(years)s years of relevant experience; "
        "you have %(yours)s."
    ),
    "experience.fail": _(
        "%(programme)s asks for at least %(years)s years of relevant experience; "
        "your profile gives %(yours)s."
    ),
    "grade.unknown": _(
        "A %(grade)s post usually asks for a master's degree and %(master_years)s years of "
        "experience, or a bachelor's degree and %(bachelor_years)s years. "
        "Add your education to your profile."
    ),
    "grade.pass": _(
        "You meet the usual minimum for a %(grade)s post (a master's degree and "
        "%(master_years)s years of experience, or a bachelor's degree and "
        "%(bachelor_years)s years): you have a %(level)s and %(yours)s years."
    ),
    "grade.fail": _(
        "You do not meet the usual minimum for a %(grade)s post (a master's degree and "
        "%(master_years)s years of experience, or a bachelor's degree and "
        "%(bachelor_years)s years): you have a %(level)s and %(yours)s years."
    ),
}
"""Every sentence of a check, by ``kind.outcome``."""

OUTCOME = {PASS: "pass", UNKNOWN: "unknown", FAIL: "fail"}


def _sentence(spec: RuleSpec, profile: ProfileIn, result: int) -> tuple[str, dict]:
    """The msgid and its parameters for one check's outcome."""
    outcome = OUTCOME[result]
    params: dict[str, str | int | float] = {"programme": spec.programme_name}
    kind = spec.kind
    yours = LEVEL_NAMES.get(profile.education_level or "", "")
    if kind == "nationality":
        params |= {
            "countries": ", ".join(spec.nationalities),
            "yours": ", ".join(profile.citizenships),
        }
        outcome = spec.why_unknown or outcome
    elif kind in ("age_max", "age_min"):
        params["limit"] = spec.value
        if profile.birth_year is None:
            outcome = "missing"
        else:
            high = spec.year - profile.birth_year
            params |= {"birth_year": profile.birth_year, "age": high, "age_low": high - 1}
    elif kind == "degree":
        params |= {"level": LEVEL_NAMES[spec.level], "yours": yours}
    elif kind == "experience":
        params |= {"years": _years(spec.years), "yours": _years(profile.experience_years)}
    else:
        params = {
            "grade": spec.programme_name,
            "master_years": _years(spec.years),
            "bachelor_years": _years(spec.bachelor_years),
            "yours": _years(profile.experience_years),
            "level": yours,
        }
    return MESSAGES[f"{kind}.{outcome}"], params


# --- Many candidates at once (the matcher) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidateArrays:
    """What the rules read of many candidates, as arrays (one entry per candidate)."""

    citizenships: tuple[frozenset[str], ...]
    birth_year: np.ndarray
    """float, NaN when not given."""
    education_rank: np.ndarray
    """int, 0 when not given."""
    experience: np.ndarray

    @classmethod
    def of(cls, profiles: Sequence[ProfileIn]) -> CandidateArrays:
        return cls(
            citizenships=tuple(frozenset(p.citizenships) for p in profiles),
            birth_year=np.array(
                [np.nan if p.birth_year is None else p.birth_year for p in profiles], dtype=float
            ),
            education_rank=np.array([_rank(p.education_level) for p in profiles], dtype=np.int8),
            experience=np.array([p.experience_years for p in profiles], dtype=float),
        )


def status_vector(spec: RuleSpec, c: CandidateArrays) -> np.ndarray:
    """:func:`status` of one check for every candidate (int8: PASS, UNKNOWN, FAIL)."""
    n = len(c.experience)
    out = np.full(n, PASS, dtype=np.int8)
    kind = spec.kind
    if kind == "nationality":
        if spec.why_unknown:
            out[:] = UNKNOWN
            return out
        allowed = frozenset(spec.nationalities)
        for i, mine in enumerate(c.citizenships):
            out[i] = UNKNOWN if not mine else PASS if mine & allowed else FAIL
        return out
    if kind in ("age_max", "age_min"):
        high = spec.year - c.birth_year
        low = high - 1
        if kind == "age_max":
            out[low > spec.value] = FAIL
            out[(high > spec.value) & (low <= spec.value)] = UNKNOWN
        else:
            out[high < spec.value] = FAIL
            out[(low < spec.value) & (high >= spec.value)] = UNKNOWN
        out[np.isnan(c.birth_year)] = UNKNOWN
        return out
    rank = c.education_rank
    if kind == "degree":
        out[rank < _rank(spec.level)] = FAIL
    elif kind == "experience":
        out[c.experience < spec.years] = FAIL
        return out
    else:
        ok = ((rank >= EDUCATION_ORDER["master"]) & (c.experience >= spec.years)) | (
            (rank >= EDUCATION_ORDER["bachelor"]) & (c.experience >= spec.bachelor_years)
        )
        out[~ok] = FAIL
    out[rank == 0] = UNKNOWN
    return out
