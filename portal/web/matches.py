"""Match pages: "My matches" for a candidate, one match in full, and a vacancy's ranked
candidates for Norec staff (issue 7). Thin handlers over :mod:`candidates.matching` and
the helpers of :mod:`portal.controllers.matches` (which audit what staff see).

Every sentence of a match is shown in the reader's language: the engine gives each one
as a msgid with its parameters (``gettext(message) % params``), so the pages never show
the English ``explanation`` unless the reader chose English. A score is shown as a
number in words and a ``<meter>`` beside it, never as a colour alone.
"""

from __future__ import annotations

import logging
from typing import Annotated

from babel.numbers import format_percent
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from candidates import matching
from candidates.matching.models import Match, RuleCheck, Sentence
from candidates.profiles import GRADE_CHOICES, profile_options
from candidates.tables import Role
from portal.controllers.matches import (
    DEFAULT_TOP,
    MAX_TOP,
    candidate_filters,
    vacancy_candidates,
    vacancy_filters,
)
from portal.guards import has_role
from portal.sessions import signed_in_user
from portal.web.i18n import current_locale
from portal.web.i18n import gettext as _
from portal.web.pages import Now, PageController
from portal.web.requirements import education_label, language_name
from portal.web.setup import render
from vacancies.schemas import MAX_ID
from vacancies.search import get_vacancy, list_organizations

log = logging.getLogger(__name__)

VacancyId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Choice = Annotated[str | None, QueryParameter(max_length=64)]
"""One value of a filter's drop-down ("" = any)."""
Top = Annotated[int, QueryParameter(ge=1, le=MAX_TOP)]
Flag = Annotated[bool, QueryParameter()]
"""A check box: present ("true") or absent."""


def sentence(item: Sentence) -> str:
    """A component's or a rule's sentence in the current language; the English
    sentence when the catalog's translation does not fit the parameters (a fuzzy or
    mistaken entry must cost a translation, not the page)."""
    translated = _(item.message)
    if not item.params:
        return translated
    try:
        return translated % item.params
    except (KeyError, ValueError, TypeError):
        log.warning("translation of %r does not fit its parameters", item.message)
        return item.explanation


def percent(score: float) -> str:
    """A score in [0, 1] as a whole percentage, written as the reader's language does
    ("78 %" in Norwegian, "78%" in English)."""
    return format_percent(points(score) / 100, locale=current_locale())


def points(value: float) -> int:
    """A share of the score in whole percentage points (the components' points add up to
    the score, give or take rounding)."""
    return round(value * 100)


def max_points(match: Match, weight: float) -> int:
    """The most a component of this ``weight`` can add to the score, in points."""
    total = sum(component.weight for component in match.components)
    return round(100 * weight / total) if total else 0


def check_status(check: RuleCheck) -> str:
    """A rule's result in words, so no result is told by colour alone. A rule the
    profile lacks the data for is reported as not passed and soft (it never fails a
    candidate: ``candidates/data/eligibility.toml``): "not known"."""
    if check.passed:
        return _("Met")
    return _("Not met") if check.hard else _("Not known")


def languages_label(languages: list[str]) -> str:
    """A candidate's languages ("en:C2") as "English C2, French B1" in the reader's
    language."""
    native = _("native")
    shown = []
    for item in languages:
        code, _sep, level = item.partition(":")
        shown.append(f"{language_name(code, code)} {native if level == 'native' else level}")
    return ", ".join(shown)


HELPERS = {
    "sentence": sentence,
    "percent": percent,
    "points": points,
    "max_points": max_points,
    "check_status": check_status,
    "education_label": education_label,
    "languages_label": languages_label,
}


def _picked(value: str | None) -> list[str]:
    return [value.strip()] if value and value.strip() else []


class MatchPages(PageController):
    path = "/"

    @get("/me/matches", name="my_matches", guards=[has_role(Role.candidate)])
    async def my_matches(
        self,
        request: Request,
        now: Now,
        organization: Choice = None,
        grade: Choice = None,
        region: Choice = None,
        jpo: Flag = False,
        ineligible: Flag = False,
        top: Top = DEFAULT_TOP,
    ) -> Template:
        """The candidate's best vacancies with their reasons; without a profile, where
        to make one."""
        filters = vacancy_filters(
            _picked(organization),
            _picked(grade),
            None,
            _picked(region),
            jpo_only=jpo,
            include_ineligible=ineligible,
        )
        try:
            found = await matching.matches_for_candidate(
                signed_in_user(request).id, top=top, filters=filters, today=now.date()
            )
        except matching.NoProfile:
            found = None
        organizations = [o for o in await list_organizations() if o.open_vacancies]
        return render(
            request,
            "pages/me/matches.html",
            matches=found,
            eligible=[m for m in found or [] if m.eligibility.eligible],
            ineligible=[m for m in found or [] if not m.eligibility.eligible],
            filters=filters,
            top=top,
            max_top=MAX_TOP,
            organizations=organizations,
            grades=GRADE_CHOICES,
            regions=profile_options(current_locale()).regions,
            now=now,
            active="matches",
            **HELPERS,
        )

    @get("/me/matches/{vacancy_id:int}", name="my_match", guards=[has_role(Role.candidate)])
    async def my_match(self, request: Request, vacancy_id: VacancyId, now: Now) -> Template:
        """How the candidate matches one post: every component and every check. A post
        closed since (a saved link) says so; an unknown one is 404."""
        vacancy = await get_vacancy(vacancy_id)
        if vacancy is None:
            raise NotFoundException(detail=f"no vacancy with id {vacancy_id}")
        match, profile = None, True
        try:
            match = await matching.match_pair(
                signed_in_user(request).id, vacancy_id, today=now.date()
            )
        except matching.NoProfile:
            profile = False
        except LookupError:
            pass  # closed: the engine matches open posts only, the page says it is closed
        return render(
            request,
            "pages/me/match.html",
            match=match,
            has_profile=profile,
            v=vacancy,
            now=now,
            active="matches",
            **HELPERS,
        )

    @get(
        "/staff/vacancies/{vacancy_id:int}/candidates",
        name="vacancy_candidates",
        guards=[has_role(Role.staff)],
    )
    async def vacancy_candidates(
        self,
        request: Request,
        vacancy_id: VacancyId,
        now: Now,
        eligible_only: Flag = False,
        min_score: Annotated[int, QueryParameter(ge=0, le=100)] = 0,
        language: Choice = None,
        citizenship: Choice = None,
        top: Top = DEFAULT_TOP,
    ) -> Template:
        """A vacancy's ranked, explained candidates (each one audited as seen)."""
        vacancy = await get_vacancy(vacancy_id)
        if vacancy is None:
            raise NotFoundException(detail=f"no vacancy with id {vacancy_id}")
        filters = candidate_filters(
            eligible_only, min_score / 100, _picked(language), _picked(citizenship)
        )
        try:
            found = await vacancy_candidates(
                signed_in_user(request).id, vacancy_id, filters=filters, top=top, now=now
            )
        except LookupError:
            found = []  # closed: no one is ranked for it, the page says why
        options = profile_options(current_locale())
        return render(
            request,
            "pages/staff/vacancy_candidates.html",
            v=vacancy,
            eligible=[m for m in found if m.eligibility.eligible],
            ineligible=[m for m in found if not m.eligibility.eligible],
            filters=filters,
            min_score=min_score,
            top=top,
            max_top=MAX_TOP,
            languages=options.languages,
            countries=options.countries,
            now=now,
            active="staff",
            **HELPERS,
        )
