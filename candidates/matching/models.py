"""What matching returns: pydantic models shared by the engine, the CLI, the API and the
pages. No database, no HTTP.

A score is the weighted mean of named components, each in [0, 1] and each with a
sentence saying why. Eligibility (a programme's or a grade's published rules) is
reported beside the score, never inside it.

Every sentence exists twice: ``explanation`` in English (API, CLI), and ``message`` +
``params``, from which the pages build the same sentence in the reader's language
(``gettext(message) % params``). ``message`` is a msgid marked for extraction in
``candidates/matching/explain.py``; ``params`` values are already formatted text or
numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from candidates.profile_models import ProfileIn
from vacancies.nlp.models import Requirements

ComponentName = Literal[
    "required_skills",
    "desirable_skills",
    "languages",
    "education",
    "experience",
    "job_family",
    "preferences",
    "text",
]
COMPONENTS: tuple[str, ...] = ComponentName.__args__  # type: ignore[attr-defined]

Param = str | int | float


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CandidateFacts(_Model):
    """What the matcher knows of a candidate: the profile the candidate confirmed, and
    the text of their CV for text similarity only (nothing is read from it into the
    profile without the candidate's confirmation)."""

    id: int
    profile: ProfileIn
    cv_text: str = ""


class VacancyFacts(_Model):
    """What the matcher knows of a vacancy: its stored columns and the requirements the
    pipeline read (None while not yet analysed)."""

    id: int
    title: str
    organization: str | None = None
    """Acronym."""
    grade: str | None = None
    category: str | None = None
    country: str | None = None
    duty_station: str | None = None
    deadline: datetime | None = None
    is_jpo: bool = False
    jpo_sponsors: list[str] = Field(default_factory=list)
    open_to_nationalities: list[str] = Field(default_factory=list)
    description: str = ""
    requirements: Requirements | None = None


class Sentence(_Model):
    explanation: str
    """In English."""
    message: str
    """The msgid the sentence was built from."""
    params: dict[str, Param] = Field(default_factory=dict)


class Component(Sentence):
    name: ComponentName
    score: float = Field(ge=0, le=1)
    weight: float = Field(ge=0)
    contribution: float = Field(ge=0, le=1)
    """``weight * score / sum of weights``: this component's share of the total."""


class RuleCheck(Sentence):
    rule: str
    """The rule's id in ``candidates/data/eligibility.toml`` ("jpo.nationality", "grade.P-3")."""
    programme: str | None = None
    """The programme's id ("jpo", "un_ypp", ...) or None for a grade minimum."""
    passed: bool
    hard: bool = True
    """A failed hard rule makes the candidate ineligible."""


class Eligibility(_Model):
    eligible: bool
    checks: list[RuleCheck] = Field(default_factory=list)

    @property
    def failed(self) -> list[RuleCheck]:
        return [check for check in self.checks if check.hard and not check.passed]


class Match(_Model):
    candidate_id: int
    vacancy_id: int
    score: float = Field(ge=0, le=1)
    components: list[Component]
    eligibility: Eligibility


class VacancySummary(_Model):
    """Enough of a vacancy to list it beside its score."""

    id: int
    title: str
    organization: str | None = None
    grade: str | None = None
    duty_station: str | None = None
    country: str | None = None
    deadline: datetime | None = None
    is_jpo: bool = False


class CandidateSummary(_Model):
    """Enough of a visible candidate to list them beside their score (staff only)."""

    id: int
    email: str
    education_level: str | None = None
    experience_years: float = 0.0
    languages: list[str] = Field(default_factory=list)
    """"en:C2", "fr:B1"."""


class VacancyMatch(Match):
    vacancy: VacancySummary


class CandidateMatch(Match):
    candidate: CandidateSummary


class VacancyFilters(_Model):
    """Narrow a candidate's matches."""

    organizations: list[str] = Field(default_factory=list)
    grades: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    """ISO alpha-3."""
    regions: list[str] = Field(default_factory=list)
    jpo_only: bool = False
    include_ineligible: bool = False
    """Candidates see only posts offered to them unless they ask for the rest, each with
    the rule that failed."""


class CandidateFilters(_Model):
    """Narrow a vacancy's candidates (staff). Ineligible candidates are listed unless
    ``eligible_only``: staff are never hidden a candidate silently."""

    eligible_only: bool = False
    min_score: float = Field(default=0.0, ge=0, le=1)
    languages: list[str] = Field(default_factory=list)
    """ISO 639-1 codes the candidate must speak at B2 or better."""
    citizenships: list[str] = Field(default_factory=list)


class RecomputeReport(_Model):
    candidates: int
    vacancies: int
    stored: int
    seconds: float
