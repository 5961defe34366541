"""What the extraction pipeline returns: pydantic models, stored as JSON on the vacancy row.

Every piece of evidence is a character span of the *prepared* text (see
:func:`vacancies.nlp.prepare_text`): ``text == prepared[start:end]``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EducationLevel = Literal["secondary", "bachelor", "master", "doctorate"]
LanguageLevel = Literal["fluent", "working", "basic"]
Need = Literal["required", "desirable"]
Scope = Literal["national", "international"]
SectionKind = Literal[
    "background",
    "responsibilities",
    "competencies",
    "education",
    "experience",
    "languages",
    "qualifications",
    "skills",
    "application",
    "other",
]
MentionKind = Literal["grade", "contract", "duration"]

EDUCATION_ORDER: dict[str, int] = {"secondary": 1, "bachelor": 2, "master": 3, "doctorate": 4}
"""Education levels from lowest to highest."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Model):
    start: int
    end: int
    text: str


class Section(_Model):
    kind: SectionKind
    heading: str
    """The heading as written ("" for the text before the first heading)."""
    start: int
    end: int


class LanguageRequirement(_Model):
    code: str
    """ISO 639-1 ("no" for Norwegian)."""
    name: str
    """English name."""
    level: LanguageLevel | None = None
    need: Need = "required"
    evidence: Evidence


class EducationRequirement(_Model):
    level: EducationLevel
    fields: list[str] = Field(default_factory=list)
    need: Need = "required"
    evidence: Evidence


class InLieu(_Model):
    level: EducationLevel
    extra_years: int | None = None
    evidence: Evidence


class ExperienceRequirement(_Model):
    min_years: int
    field: str | None = None
    scope: Scope | None = None
    need: Need = "required"
    degree: EducationLevel | None = None
    """The degree this requirement goes with ("Master's degree with 5 years ...")."""
    evidence: Evidence


class Mention(_Model):
    kind: MentionKind
    value: str
    evidence: Evidence


class JpoRequirement(_Model):
    is_jpo: bool = False
    sponsors: list[str] = Field(default_factory=list)
    nationalities: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class SkillMatch(_Model):
    id: str
    label: str
    family: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class FamilyScore(_Model):
    id: str
    label: str
    score: float


class SdgTag(_Model):
    goal: int
    label: str
    evidence: list[Evidence] = Field(default_factory=list)


class Requirements(_Model):
    version: str
    """``PIPELINE_VERSION`` + "+" + taxonomy fingerprint: differs when results are stale."""
    lang: str
    sections: list[Section] = Field(default_factory=list)
    languages: list[LanguageRequirement] = Field(default_factory=list)
    education: list[EducationRequirement] = Field(default_factory=list)
    education_min: EducationLevel | None = None
    in_lieu: InLieu | None = None
    experience: list[ExperienceRequirement] = Field(default_factory=list)
    experience_min_years: int | None = None
    mentions: list[Mention] = Field(default_factory=list)
    jpo: JpoRequirement = Field(default_factory=JpoRequirement)
    skills: list[SkillMatch] = Field(default_factory=list)
    job_families: list[FamilyScore] = Field(default_factory=list)
    sdgs: list[SdgTag] = Field(default_factory=list)
    truncated: bool = False
