"""The CV page: upload a CV, review what was read from it, confirm or edit (issue 7).

Thin handlers over :mod:`candidates.cv_service`. Nothing read from a CV enters the
profile by itself: every proposal is an unticked checkbox with the CV's words that
support it, the levels and years can be edited, and only what the candidate ticks is
added ("Add all" adds everything shown, as edited). A refused file (wrong type, too
large, no text...) comes back on the page with the reason, stores nothing and leaves an
earlier CV in place.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template
from pydantic import ValidationError

from candidates import cv_service
from candidates.cv import CvRefused
from candidates.cv_reading import CvSuggestions
from candidates.cv_service import StoredCv, SuggestionChoice
from candidates.profile_models import CEFR_LEVELS, EDUCATION_LEVELS
from candidates.tables import Role
from portal.controllers.cv import upload_limit
from portal.guards import has_role
from portal.sessions import signed_in_user
from portal.settings import get_settings
from portal.web.i18n import current_locale
from portal.web.i18n import gettext as _
from portal.web.pages import Now, PageController
from portal.web.setup import apply_locale, render

MAX_FIELD = 200


def refusal_message(code: str, max_bytes: int) -> str:
    """Why a file was refused, in the reader's language (by :class:`CvRefused` code)."""
    megabytes = max_bytes / (1024 * 1024)
    return {
        "too_large": _("The file is too large. The limit is %(size)s MB.", size=_number(megabytes)),
        "empty": _("The file is empty. Choose your CV and try again."),
        "not_pdf_or_docx": _(
            "The file is neither a PDF nor a Word document (DOCX). Save your CV as PDF or "
            "DOCX and upload it again."
        ),
        "unreadable": _("The file is damaged and cannot be read. Save it again and retry."),
        "encrypted": _(
            "The PDF is protected by a password. Save it without protection and upload it again."
        ),
        "no_text": _(
            "We could not read any text in the file. It may be a scanned image. Upload a "
            "PDF with text in it, or a Word document."
        ),
        "missing": _("Choose a file to upload."),
    }[code]


def _number(value: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(round(value, 1), locale=current_locale())


def education_label(level: str) -> str:
    return {
        "secondary": _("Upper secondary school"),
        "bachelor": _("Bachelor's degree"),
        "master": _("Master's degree"),
        "doctorate": _("Doctorate (PhD)"),
    }.get(level, level)


def level_label(level: str) -> str:
    return _("Native language") if level == "native" else level


def language_name(code: str) -> str:
    locale = Locale.parse(current_locale())
    name = locale.languages.get(code) or code
    return name[:1].upper() + name[1:]


def _view(stored: StoredCv | None) -> dict[str, Any]:
    return {
        "cv": stored,
        "s": stored.suggestions if stored else CvSuggestions(),
        "cefr_levels": CEFR_LEVELS,
        "education_levels": EDUCATION_LEVELS,
        "education_label": education_label,
        "level_label": level_label,
        "language_name": language_name,
        "max_megabytes": _number(get_settings().cv_max_bytes / (1024 * 1024)),
    }


def _page(
    request: Request,
    stored: StoredCv | None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str | None = None,
    form: Any = None,
    done: str | None = None,
) -> Template:
    return render(
        request,
        "pages/me/cv.html",
        status_code=status_code,
        errors=errors or {},
        notice=notice,
        form=form,
        done=done,
        active="profile",
        **_view(stored),
    )


def _float(value: str) -> float | None:
    try:
        return float(value.replace(",", ".").strip())
    except ValueError:
        return None


def choice_from_form(form: Any, suggestions: CvSuggestions) -> tuple[dict, dict[str, str]]:
    """The candidate's choice as :class:`SuggestionChoice` data, and one message per field
    whose edited value is not valid. "Add all" (``all``) accepts every proposal."""
    take_all = form.get("all") == "1"

    def ticked(name: str) -> list[str]:
        return [v for v in form.getall(name, []) if isinstance(v, str)]

    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        "skills": [s.id for s in suggestions.skills] if take_all else ticked("skill"),
        "job_families": (
            [f.id for f in suggestions.job_families] if take_all else ticked("family")
        ),
        "citizenships": (
            [c.code for c in suggestions.citizenships] if take_all else ticked("citizenship")
        ),
        "languages": [],
    }
    codes = [s.code for s in suggestions.languages] if take_all else ticked("language")
    for code in codes:
        level = str(form.get(f"level-{code}", ""))
        if level not in CEFR_LEVELS:
            errors[f"level-{code}"] = _(
                "Choose a level for %(language)s.", language=language_name(code)
            )
        else:
            data["languages"].append({"code": code, "level": level})
    if suggestions.education and (take_all or form.get("education") == "1"):
        level = str(form.get("education_level", ""))
        year = str(form.get("education_year", "")).strip()
        if level not in EDUCATION_LEVELS:
            errors["education_level"] = _("Choose the level of your education.")
        if year and not (year.isdigit() and 1940 <= int(year) <= 2100):
            errors["education_year"] = _("Write the year as four digits, like 2016.")
        data["education"] = {
            "level": level,
            "field": str(form.get("education_field", ""))[:MAX_FIELD].strip(),
            "year": int(year) if year.isdigit() else None,
        }
    for name in ("experience_years", "international_years"):
        if getattr(suggestions, name) is None or not (take_all or form.get(name) == "1"):
            continue
        value = _float(str(form.get(f"{name}_value", "")))
        if value is None or not 0 <= value <= 70:
            errors[f"{name}_value"] = _("Write a number of years between 0 and 70.")
        else:
            data[name] = round(value, 1)
    return data, errors


def too_large_page(request: Request, exc: RequestEntityTooLarge) -> Template:
    """An upload far over the limit, refused before the handler ran (so before the
    request's language was chosen): the page with the reason."""
    apply_locale(request)
    message = refusal_message("too_large", get_settings().cv_max_bytes)
    return _page(request, None, errors={"file": message}, status_code=413)


class CvPages(PageController):
    path = "/me/cv"
    guards = [has_role(Role.candidate)]
    exception_handlers = {
        **PageController.exception_handlers,
        RequestEntityTooLarge: too_large_page,
    }

    @get("/", name="my_cv")
    async def show(self, request: Request) -> Template:
        stored = await cv_service.get_cv(signed_in_user(request).id)
        done = request.query_params.get("done", "")
        notice = {
            "uploaded": _("Your CV was read. Check the proposals below."),
            "applied": _("The selected proposals were added to your profile."),
            "deleted": _("Your CV was deleted. Your profile is unchanged."),
        }.get(done)
        return _page(request, stored, notice=notice, done=done if notice else None)

    @post("/", name="my_cv_upload", request_max_body_size=upload_limit())
    async def upload(self, request: Request, now: Now) -> Template | Redirect:
        user_id = signed_in_user(request).id
        form = await request.form()
        upload = form.get("file")
        limit = get_settings().cv_max_bytes
        code: str
        if not isinstance(upload, UploadFile) or not upload.filename:
            code = "missing"
        else:
            data = await upload.read(limit + 1)
            try:
                await cv_service.upload_cv(user_id, upload.filename, data, now=now, max_bytes=limit)
            except CvRefused as exc:
                code = exc.code
            else:
                return Redirect("/me/cv?done=uploaded", status_code=303)
        status = {"too_large": 413, "not_pdf_or_docx": 415}.get(code, 400)
        stored = await cv_service.get_cv(user_id)
        return _page(
            request, stored, errors={"file": refusal_message(code, limit)}, status_code=status
        )

    @post("/apply", name="my_cv_apply")
    async def apply(self, request: Request, now: Now) -> Template | Redirect:
        user_id = signed_in_user(request).id
        stored = await cv_service.get_cv(user_id)
        if stored is None:
            return Redirect("/me/cv", status_code=303)
        form = await request.form()
        data, errors = choice_from_form(form, stored.suggestions)
        if not errors:
            try:
                choice = SuggestionChoice.model_validate(data)
                await cv_service.apply_suggestions(user_id, choice, now=now)
            except (ValidationError, cv_service.ChoiceRefused, ValidationException):
                errors = {"form": _("The proposals could not be added. Check your choices.")}
            else:
                return Redirect("/me/cv?done=applied", status_code=303)
        return _page(request, stored, errors=errors, status_code=400, form=form)

    @post("/delete", name="my_cv_delete")
    async def delete(self, request: Request) -> Redirect:
        await cv_service.delete_cv(signed_in_user(request).id)
        return Redirect("/me/cv?done=deleted", status_code=303)
