"""A candidate's CV: upload (text read, proposals made, row stored), read back, delete, and
the candidate's choice among the proposals merged into their profile (plain async
services over Piccolo tables; no HTTP).

Only the text and the proposals are stored (``candidate_cv``), never the file. A refused
upload (:class:`candidates.cv.CvRefused`) stores nothing, so an earlier CV stays. The
proposals change nothing until :func:`apply_suggestions`: it adds exactly the items the
candidate accepted, each of which must be among the proposals, with the values the
candidate chose (a language's level, the years); everything else in the profile stays.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import anyio
from pydantic import BaseModel, Field, ValidationError

from candidates.cv import CvText, read_cv
from candidates.cv_reading import CvSuggestions, propose
from candidates.profile_models import CefrLevel, Profile, ProfileIn
from candidates.tables import CandidateCv
from vacancies.analysis import PIPELINE_LOCK
from vacancies.db import write_transaction
from vacancies.nlp.models import EducationLevel

log = logging.getLogger(__name__)


class NotACandidate(PermissionError):
    """Only an active account with the candidate role keeps a CV."""


class NoCv(LookupError):
    """The user has no CV whose proposals could be applied."""


class ChoiceRefused(ValueError):
    """The choice names something the CV did not propose, or the profile refuses it;
    ``errors`` maps each field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class StoredCv(BaseModel):
    """A candidate's CV as stored: its text and what was proposed from it."""

    filename: str
    media_type: str
    size: int = Field(description="bytes of the uploaded file (which is not kept)")
    text: str
    lang: str
    suggestions: CvSuggestions
    uploaded_at: datetime
    reviewed_at: datetime | None = Field(
        description="when the candidate last applied (or declined) the proposals"
    )


class LanguageChoice(BaseModel):
    code: str = Field(min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$")
    level: CefrLevel


class EducationChoice(BaseModel):
    level: EducationLevel
    field: str = Field(default="", max_length=200)
    year: int | None = Field(default=None, ge=1940, le=2100)


class SuggestionChoice(BaseModel):
    """What the candidate accepted of the proposals, with the values they chose. Lists
    hold ids or codes of proposed items; a field left out (or null) adds nothing."""

    skills: list[str] = Field(default_factory=list, max_length=200)
    languages: list[LanguageChoice] = Field(default_factory=list, max_length=30)
    education: EducationChoice | None = Field(
        default=None, description="replaces the profile's education"
    )
    experience_years: float | None = Field(default=None, ge=0, le=70)
    international_years: float | None = Field(default=None, ge=0, le=70)
    job_families: list[str] = Field(default_factory=list, max_length=50)
    citizenships: list[str] = Field(default_factory=list, max_length=10)


# --- upload, read, delete ---------------------------------------------------------------


def read_and_propose(filename: str, data: bytes, *, max_bytes: int, now: datetime):
    """:func:`read_cv` and :func:`propose` (CPU work, for a worker thread)."""
    with PIPELINE_LOCK:  # the vacancies' pipeline, shared with their analysis
        cv = read_cv(filename, data, max_bytes=max_bytes)
        try:
            suggestions = propose(cv.text, cv.lang, today=now.date())
        except Exception:
            # A fault in the reading must not lose the upload: the text is kept and shown,
            # with no proposals (never invented ones), and the fault is logged.
            log.exception("proposals could not be read from a CV (%s)", cv.media_type)
            suggestions = CvSuggestions()
        return cv, suggestions


async def upload_cv(
    user_id: int, filename: str, data: bytes, *, now: datetime, max_bytes: int | None = None
) -> StoredCv:
    """Read the file and store its text and proposals, replacing any earlier CV (whose
    review is then undone: ``reviewed_at`` is None). Raises :class:`CvRefused` (nothing
    stored, an earlier CV kept) or :class:`NotACandidate`."""
    from candidates.profiles import is_candidate

    if not await is_candidate(user_id):
        raise NotACandidate("only an active account with the candidate role can upload a CV")
    if max_bytes is None:
        from portal.settings import get_settings

        max_bytes = get_settings().cv_max_bytes
    cv, suggestions = await anyio.to_thread.run_sync(
        lambda: read_and_propose(filename, data, max_bytes=max_bytes, now=now)
    )
    await _store(user_id, cv, suggestions, now)
    stored = await get_cv(user_id)
    assert stored is not None
    return stored


async def _store(user_id: int, cv: CvText, suggestions: CvSuggestions, now: datetime) -> None:
    columns: dict[Any, Any] = {
        CandidateCv.filename: cv.filename,
        CandidateCv.media_type: cv.media_type,
        CandidateCv.size: cv.size,
        CandidateCv.text: cv.text,
        CandidateCv.lang: cv.lang,
        CandidateCv.suggestions: suggestions.model_dump(mode="json"),
        CandidateCv.uploaded_at: now,
        CandidateCv.reviewed_at: None,
    }
    async with write_transaction():
        if await CandidateCv.exists().where(CandidateCv.user == user_id):
            await CandidateCv.update(columns).where(CandidateCv.user == user_id)
        else:
            await CandidateCv.insert(
                CandidateCv(user=user_id, **{c._meta.name: v for c, v in columns.items()})
            )


async def get_cv(user_id: int) -> StoredCv | None:
    row = await CandidateCv.select().where(CandidateCv.user == user_id).output(load_json=True)
    if not row:
        return None
    data = row[0]
    return StoredCv(
        filename=data["filename"],
        media_type=data["media_type"],
        size=data["size"],
        text=data["text"],
        lang=data["lang"],
        suggestions=CvSuggestions.model_validate(data["suggestions"] or {}),
        uploaded_at=data["uploaded_at"],
        reviewed_at=data["reviewed_at"],
    )


async def delete_cv(user_id: int) -> bool:
    """Remove the CV's text and proposals; False if there was none."""
    if not await CandidateCv.exists().where(CandidateCv.user == user_id):
        return False
    await CandidateCv.delete().where(CandidateCv.user == user_id)
    return True


# --- applying the candidate's choice --------------------------------------------------


def check_choice(suggestions: CvSuggestions, choice: SuggestionChoice) -> dict[str, str]:
    """One error per field naming what the CV did not propose (empty when all is well)."""
    errors: dict[str, str] = {}

    def unknown(field: str, chosen: list[str], proposed: list[str]) -> None:
        extra = [item for item in chosen if item not in proposed]
        if extra:
            errors[field] = f"not proposed by the CV: {', '.join(extra)}"

    unknown("skills", choice.skills, [s.id for s in suggestions.skills])
    unknown("job_families", choice.job_families, [f.id for f in suggestions.job_families])
    unknown("citizenships", [c.upper() for c in choice.citizenships],
            [c.code for c in suggestions.citizenships])  # fmt: skip
    unknown(
        "languages", [c.code for c in choice.languages], [s.code for s in suggestions.languages]
    )
    if choice.education is not None and suggestions.education is None:
        errors["education"] = "the CV proposed no education"
    if choice.experience_years is not None and suggestions.experience_years is None:
        errors["experience_years"] = "the CV proposed no years of experience"
    if choice.international_years is not None and suggestions.international_years is None:
        errors["international_years"] = "the CV proposed no international years"
    return errors


def merge(current: ProfileIn, choice: SuggestionChoice) -> ProfileIn:
    """The profile with the accepted items added: lists keep what they held and gain the
    new items; a chosen language replaces that language's level; chosen education and
    years replace the profile's."""
    data = current.model_dump()
    data["skills"] = list(dict.fromkeys([*current.skills, *choice.skills]))
    data["job_families"] = list(dict.fromkeys([*current.job_families, *choice.job_families]))
    data["citizenships"] = list(
        dict.fromkeys([*current.citizenships, *(c.upper() for c in choice.citizenships)])
    )
    chosen = {c.code: c.level for c in choice.languages}
    languages = [
        {"code": item.code, "level": chosen.pop(item.code, item.level)}
        for item in current.languages
    ]
    data["languages"] = languages + [{"code": c, "level": lv} for c, lv in chosen.items()]
    if choice.education is not None:
        data["education_level"] = choice.education.level
        data["education_field"] = choice.education.field
        data["education_year"] = choice.education.year
    if choice.experience_years is not None:
        data["experience_years"] = choice.experience_years
    if choice.international_years is not None:
        data["international_years"] = choice.international_years
    return ProfileIn.model_validate(data)


async def apply_suggestions(user_id: int, choice: SuggestionChoice, *, now: datetime) -> Profile:
    """Add what the candidate accepted to their profile and mark the CV reviewed.

    Raises :class:`NoCv`, :class:`ChoiceRefused` (something not proposed, or refused by
    the profile's checks: nothing is written then)."""
    from candidates.profiles import ProfileRefused, get_profile, save_profile

    stored = await get_cv(user_id)
    if stored is None:
        raise NoCv("there is no CV to take proposals from")
    errors = check_choice(stored.suggestions, choice)
    if errors:
        raise ChoiceRefused(errors)
    current = await get_profile(user_id)
    base = (
        ProfileIn.model_validate(current.model_dump(include=set(ProfileIn.model_fields)))
        if current is not None
        else ProfileIn()
    )
    try:
        merged = merge(base, choice)
        profile = await save_profile(user_id, merged, now=now)
    except ValidationError as exc:
        raise ChoiceRefused(
            {".".join(str(p) for p in e["loc"]) or "profile": e["msg"] for e in exc.errors()}
        ) from exc
    except ProfileRefused as exc:
        raise ChoiceRefused(exc.errors) from exc
    await CandidateCv.update({CandidateCv.reviewed_at: now}).where(CandidateCv.user == user_id)
    return profile
