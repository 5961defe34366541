"""Pages of the signed-in candidate: the profile editor and saved vacancies (issue 7).

Thin handlers over :mod:`candidates.profiles`. The editor is one plain POST form that
works without JavaScript: fieldsets per topic, skills as checkboxes grouped by job
family inside ``<details>`` (a family with chosen skills starts open), languages and
duty stations as rows of selects (blank rows are ignored). A form with mistakes comes
back with status 400, the entered values, an error summary linking to each field and
each message next to its field; every problem is shown at once (the shape checks of
:class:`~candidates.profile_models.ProfileIn` and the data checks of
:func:`candidates.profiles.checked` together). The services' messages are English;
the messages people read are translated here.

Only candidates reach these pages (others get the 403 page; visitors are sent to log
in).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from babel import Locale
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from pydantic import ValidationError

from candidates import consents, profiles
from candidates.profile_models import EDUCATION_LEVELS, Profile, ProfileIn
from candidates.profiles import ProfileRefused
from candidates.tables import ConsentPurpose, Role
from portal.guards import has_role
from portal.sessions import signed_in_user
from portal.web.i18n import current_locale, fmt_date, fmt_number
from portal.web.i18n import gettext as _
from portal.web.labels import category_label, country_name, country_name_alpha2, region_name
from portal.web.pages import Now, PageController
from portal.web.setup import render
from vacancies.schemas import MAX_ID
from vacancies.tables import Organization
from vacancies.taxonomy import load_taxonomy

MIN_ROWS = 5
"""Language and duty-station rows shown at least (blank ones are ignored)."""
CITIZENSHIP_ROWS = 3
MAX_ROWS = 30
MAX_FIELD = 4000

VacancyId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]

ANCHORS = {
    "citizenships": "field-citizenship-0",
    "birth_year": "field-birth-year",
    "education_level": "field-education-level",
    "education_field": "field-education-field",
    "education_year": "field-education-year",
    "languages": "field-language-0-code",
    "experience_years": "field-experience-years",
    "international_years": "field-international-years",
    "skills": "skills-first",
    "job_families": "job-families-first",
    "organizations": "organizations-first",
    "regions": "regions-first",
    "duty_stations": "field-duty-station-0",
    "grades": "grades-first",
    "contract_types": "contract-types-first",
    "available_from": "field-available-from",
    "summary": "field-summary",
}
"""The element each field's error links to (the first control of the field)."""


def _order(name: str) -> int:
    """The field's place in the form (the error summary follows it)."""
    return list(ANCHORS).index(name) if name in ANCHORS else len(ANCHORS)


def field_label(name: str) -> str:
    return {
        "citizenships": _("Citizenship"),
        "birth_year": _("Year of birth"),
        "education_level": _("Highest level of education"),
        "education_field": _("Field of study"),
        "education_year": _("Year of the degree"),
        "languages": _("Languages"),
        "experience_years": _("Years of work experience"),
        "international_years": _("Years of international experience"),
        "skills": _("Skills"),
        "job_families": _("Job families"),
        "organizations": _("Preferred organisations"),
        "regions": _("Preferred regions"),
        "duty_stations": _("Preferred duty-station countries"),
        "grades": _("Grades"),
        "contract_types": _("Contract types"),
        "available_from": _("Available from"),
        "summary": _("Summary"),
    }.get(name, name)


def education_label(level: str) -> str:
    return {
        "secondary": _("Secondary school"),
        "bachelor": _("Bachelor's degree"),
        "master": _("Master's degree"),
        "doctorate": _("Doctorate (PhD)"),
    }.get(level, level)


def cefr_label(level: str) -> str:
    if level == "native":
        return _("Native language")
    return level


def grade_label(code: str) -> str:
    return {
        "JPO": _("JPO (Junior Professional Officer)"),
        "UNV": _("UN Volunteer"),
        "Consultant": _("Consultancy"),
        "Intern": _("Internship"),
    }.get(code, code)


def shape_message(name: str) -> str:
    """A field :class:`ProfileIn` refused, in the reader's language."""
    return {
        "birth_year": _("Enter a year of birth between 1900 and 2100, like 1994."),
        "education_year": _("Enter the year of the degree between 1940 and 2100, like 2019."),
        "experience_years": _("Enter a number of years between 0 and 70, like 4.5."),
        "international_years": _("Enter a number of years between 0 and 70, like 4.5."),
        "available_from": _("Enter a date, like 2027-02-01."),
        "summary": _("The summary can be at most 4,000 characters long."),
        "education_field": _("The field of study can be at most 200 characters long."),
        "languages": _("Choose a language and a level on every language row you fill in."),
        "citizenships": _("Choose countries from the list."),
        "duty_stations": _("Choose countries from the list."),
        "contract_types": _("Choose contract types from the list."),
        "education_level": _("Choose a level of education from the list."),
    }.get(name, _("Check this field."))


def refusal_message(name: str, english: str, values: list[str], now: datetime) -> str:
    """A field the data checks refused (:class:`ProfileRefused`), in the reader's
    language."""
    if name == "languages" and english.startswith("language listed twice"):
        return _("List each language once (Bokmål and Nynorsk both count as Norwegian).")
    if name == "birth_year":
        return _(
            "Enter your own year of birth: it must be %(year)s or earlier.",
            year=str(now.year - profiles.MIN_AGE),
        )
    if name == "education_year":
        return _("The year of the degree cannot be in the future.")
    if name == "international_years":
        return _("International experience cannot be longer than your total experience.")
    return _("Not recognised: %(values)s. Choose from the list.", values=", ".join(values))


# --- the form ---------------------------------------------------------------------------


def _values(form: Any, name: str) -> list[str]:
    return [v[:MAX_FIELD].strip() for v in form.getall(name, []) if isinstance(v, str)]


def _value(form: Any, name: str) -> str:
    found = _values(form, name)
    return found[0] if found else ""


def _filled(values: list[str]) -> list[str]:
    return [v for v in values if v]


def read_form(form: Any) -> tuple[dict[str, Any], dict[str, str], list[dict[str, str]]]:
    """The form as ProfileIn's input, the errors found reading it (language rows half
    filled in), and the language rows as entered (to show them again)."""
    errors: dict[str, str] = {}
    languages, rows = [], []
    for index in range(MAX_ROWS):
        code = _value(form, f"language-{index}-code")
        level = _value(form, f"language-{index}-level")
        if code or level:
            rows.append({"code": code, "level": level})
        if code and level:
            languages.append({"code": code, "level": level})
        elif code or level:
            errors["languages"] = shape_message("languages")
    data: dict[str, Any] = {
        "citizenships": _filled(_values(form, "citizenships")),
        "birth_year": _value(form, "birth_year") or None,
        "education_level": _value(form, "education_level") or None,
        "education_field": _value(form, "education_field"),
        "education_year": _value(form, "education_year") or None,
        "languages": languages,
        "experience_years": _value(form, "experience_years").replace(",", "."),
        "international_years": _value(form, "international_years").replace(",", "."),
        "skills": _filled(_values(form, "skills")),
        "job_families": _filled(_values(form, "job_families")),
        "organizations": _filled(_values(form, "organizations")),
        "regions": _filled(_values(form, "regions")),
        "duty_stations": _filled(_values(form, "duty_stations")),
        "grades": _filled(_values(form, "grades")),
        "contract_types": _filled(_values(form, "contract_types")),
        "available_from": _value(form, "available_from") or None,
        "summary": _value(form, "summary"),
    }
    # Empty numbers take ProfileIn's defaults (0 years), and show empty again.
    data = {k: v for k, v in data.items() if not (k.endswith("_years") and v == "")}
    return data, errors, rows


async def validate(
    data: dict[str, Any], *, now: datetime
) -> tuple[ProfileIn | None, dict[str, str]]:
    """Every problem at once: the fields ProfileIn refuses, then the data checks on the
    other fields. The profile is None when there is any problem."""
    errors: dict[str, str] = {}
    try:
        profile = ProfileIn.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(name, shape_message(name))
        try:
            profile = ProfileIn.model_validate({k: v for k, v in data.items() if k not in errors})
        except ValidationError:
            profile = ProfileIn()
    try:
        await profiles.checked(profile, now=now)
    except ProfileRefused as refused:
        errors.update(refusal_errors(refused, now, keep=errors))
    return (None if errors else profile), errors


def refusal_errors(
    refused: ProfileRefused, now: datetime, keep: dict[str, str] | None = None
) -> dict[str, str]:
    return {
        name: refusal_message(name, english, refused.values.get(name, []), now)
        for name, english in refused.errors.items()
        if name not in (keep or {})
    }


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    """What the form shows: the entered values as strings and lists of strings."""
    shown = {k: ("" if v is None else v) for k, v in data.items()}
    shown["languages"] = [
        {"code": str(item.get("code", "")), "level": str(item.get("level", ""))}
        for item in data.get("languages", [])
    ]
    return shown


def profile_values(profile) -> dict[str, Any]:
    if profile is None:
        return form_values(ProfileIn().model_dump(mode="json") | {"experience_years": ""})
    data = profile.model_dump(mode="json")

    def number(value: float) -> str:
        return f"{value:g}" if value else ""

    data["experience_years"] = number(profile.experience_years)
    data["international_years"] = number(profile.international_years)
    data["languages"] = [
        {"code": "nb" if lang.code == "no" else lang.code, "level": lang.level}
        for lang in profile.languages
    ]
    return form_values(data)


async def organisation_options() -> list[dict[str, str]]:
    rows = await Organization.select(Organization.acronym, Organization.name).order_by(
        Organization.acronym
    )
    return [{"value": r["acronym"], "label": f"{r['acronym']} – {r['name']}"} for r in rows]


def language_choices(locale: str) -> list[dict[str, str]]:
    """Languages for the rows: Norwegian offered as "nb" (stored as "no")."""
    options = profiles.profile_options(locale).languages
    return [{"value": "nb" if o.value == "no" else o.value, "label": o.label} for o in options]


class ProfilePages(PageController):
    path = "/me"
    guards = [has_role(Role.candidate)]

    async def _editor(
        self,
        request: Request,
        values: dict[str, Any],
        *,
        errors: dict[str, str] | None = None,
        notice: str | None = None,
        status_code: int = 200,
    ) -> Template:
        user = signed_in_user(request)
        locale = current_locale()
        options = profiles.profile_options(locale)
        chosen_skills = set(values.get("skills", []))
        families = [
            {
                "id": family.value,
                "label": family.label,
                "skills": [s for s in options.skills if s.family == family.value],
                "chosen": sum(
                    1
                    for s in options.skills
                    if s.family == family.value and s.value in chosen_skills
                ),
            }
            for family in options.job_families
        ]
        languages = values.get("languages", [])
        stations = values.get("duty_stations", [])
        citizenships = values.get("citizenships", [])
        errors = errors or {}
        return render(
            request,
            "pages/me/profile.html",
            status_code=status_code,
            values=values,
            errors=errors,
            error_list=[
                {
                    "anchor": ANCHORS.get(name, "profile-form"),
                    "label": field_label(name),
                    "message": message,
                }
                for name, message in sorted(errors.items(), key=lambda item: _order(item[0]))
            ],
            notice=notice,
            options=options,
            families=families,
            choices={
                "job_families": [(f.value, f.label) for f in options.job_families],
                "organizations": [(o["value"], o["label"]) for o in await organisation_options()],
                "regions": [
                    (r.value, ("— " if r.parent else "") + r.label) for r in options.regions
                ],
                "grades": [(g.value, grade_label(g.value)) for g in options.grades],
                "contract_types": [
                    (c.value, category_label(c.value)) for c in options.contract_types
                ],
            },
            language_options=language_choices(locale),
            language_rows=languages
            + [{"code": "", "level": ""}] * max(MIN_ROWS - len(languages), 2),
            station_rows=list(stations) + [""] * max(MIN_ROWS - len(stations), 2),
            citizenship_rows=list(citizenships)
            + [""] * max(CITIZENSHIP_ROWS - len(citizenships), 1),
            education_levels=[(level, education_label(level)) for level in EDUCATION_LEVELS],
            cefr_label=cefr_label,
            visible=await consents.has_consent(user.id, ConsentPurpose.visible_to_staff),
            active="profile",
        )

    @get("/profile", name="my_profile")
    async def profile(self, request: Request) -> Template:
        user = signed_in_user(request)
        notice = (
            _("Your profile is saved.") if request.query_params.get("done") == "saved" else None
        )
        found = await profiles.get_profile(user.id)
        return await self._editor(request, profile_values(found), notice=notice)

    @post("/profile", name="my_profile_save")
    async def save(self, request: Request, now: Now) -> Template | Redirect:
        user = signed_in_user(request)
        data, errors, rows = read_form(await request.form())
        profile, found = await validate(data, now=now)
        errors = {**errors, **found}
        if errors or profile is None:
            return await self._editor(
                request, form_values({**data, "languages": rows}), errors=errors, status_code=400
            )
        try:
            await profiles.save_profile(user.id, profile, now=now)
        except ProfileRefused as refused:
            errors = refusal_errors(refused, now)
            return await self._editor(
                request, form_values({**data, "languages": rows}), errors=errors, status_code=400
            )
        return Redirect("/me/profile?done=saved", status_code=303)

    # --- saved vacancies ------------------------------------------------------------------

    @get("/saved", name="my_saved")
    async def saved(self, request: Request, now: Now) -> Template:
        user = signed_in_user(request)
        notice = (
            _("The vacancy is removed from your list.")
            if request.query_params.get("done") == "removed"
            else None
        )
        return render(
            request,
            "pages/me/saved.html",
            saved=await profiles.saved_vacancies(user.id),
            notice=notice,
            now=now,
            active="saved",
        )

    @post("/saved/{vacancy_id:int}", name="save_vacancy")
    async def save_vacancy(self, request: Request, vacancy_id: VacancyId, now: Now) -> Redirect:
        user = signed_in_user(request)
        try:
            await profiles.save_vacancy(user.id, vacancy_id, now=now)
        except LookupError as exc:
            raise NotFoundException(detail=str(exc)) from exc
        return Redirect(f"/vacancies/{vacancy_id}#save-vacancy", status_code=303)

    @post("/saved/{vacancy_id:int}/remove", name="unsave_vacancy")
    async def unsave_vacancy(self, request: Request, vacancy_id: VacancyId) -> Redirect:
        user = signed_in_user(request)
        await profiles.unsave_vacancy(user.id, vacancy_id)
        form = await request.form()
        if form.get("next") == "vacancy":
            return Redirect(f"/vacancies/{vacancy_id}#save-vacancy", status_code=303)
        return Redirect("/me/saved?done=removed", status_code=303)


# --- a profile as staff read it -----------------------------------------------------------


def _join(items: list[str]) -> str:
    return ", ".join(items)


def _language_name(code: str) -> str:
    names = Locale.parse(current_locale()).languages
    name = names.get(code) or Locale.parse("en").languages.get(code) or code
    return name[:1].upper() + name[1:]


def _number(value: float) -> str:
    return fmt_number(value)


def profile_facts(profile: Profile) -> list[tuple[str, str]]:
    """The profile's filled-in fields as (label, text) lines in the reader's language
    (the staff's candidate page)."""
    taxonomy = load_taxonomy()
    facts: list[tuple[str, str]] = []

    def add(label: str, value: str) -> None:
        if value:
            facts.append((label, value))

    add(_("Citizenship"), _join([country_name_alpha2(c) for c in profile.citizenships]))
    add(_("Year of birth"), str(profile.birth_year) if profile.birth_year else "")
    education = [
        education_label(profile.education_level) if profile.education_level else "",
        profile.education_field,
        str(profile.education_year) if profile.education_year else "",
    ]
    add(_("Education"), " · ".join(part for part in education if part))
    add(
        _("Languages"),
        _join(
            [
                f"{_language_name(lang.code)} ({cefr_label(lang.level)})"
                for lang in profile.languages
            ]
        ),
    )
    if profile.experience_years or profile.international_years:
        add(
            _("Experience"),
            _(
                "%(years)s years, of which %(international)s international",
                years=_number(profile.experience_years),
                international=_number(profile.international_years),
            ),
        )

    def skill(skill_id: str) -> str:
        try:
            return taxonomy.skill(skill_id).label
        except KeyError:
            return skill_id

    def family(family_id: str) -> str:
        try:
            return taxonomy.family(family_id).label
        except KeyError:
            return family_id

    add(_("Skills"), _join([skill(s) for s in profile.skills]))
    add(_("Job families"), _join([family(f) for f in profile.job_families]))
    add(_("Preferred organisations"), _join(profile.organizations))
    add(_("Preferred regions"), _join([region_name(r) for r in profile.regions]))
    add(
        _("Preferred duty-station countries"),
        _join([country_name(c) for c in profile.duty_stations]),
    )
    add(_("Grades"), _join([grade_label(g) for g in profile.grades]))
    add(_("Contract types"), _join([category_label(c) for c in profile.contract_types]))
    add(_("Available from"), fmt_date(profile.available_from) if profile.available_from else "")
    add(_("Summary"), profile.summary)
    return facts
