"""The signed-in candidate's CV through the API: upload, the proposals read from it,
confirming them (issue 7). Thin handlers over :mod:`candidates.cv_service`.

A refused file answers with its reason code in ``extra.reason`` (see
:class:`candidates.cv.CvRefused`): 413 ``too_large``, 415 ``not_pdf_or_docx``, 400 for
``empty``, ``unreadable``, ``encrypted`` and ``no_text``. Nothing is stored then and an
earlier CV stays. Unsafe methods carry the CSRF token in the ``X-CSRFToken`` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.params import Body, JSONBody

from candidates import cv_service
from candidates.cv import CvRefused
from candidates.cv_service import StoredCv, SuggestionChoice
from candidates.profile_models import Profile
from candidates.tables import Role
from portal.clock import request_time
from portal.guards import REFUSALS, has_role
from portal.sessions import signed_in_user
from portal.settings import get_settings

UPLOAD_MARGIN = 64 * 1024
"""Room for the multipart envelope and the other fields around the file."""


def upload_limit() -> int:
    """The largest request body the upload routes accept: the CV limit plus the margin
    (the app's default limit is far smaller)."""
    return get_settings().cv_max_bytes + UPLOAD_MARGIN


class TooLarge(HTTPException):
    status_code = 413


class UnsupportedType(HTTPException):
    status_code = 415


def refusal(exc: CvRefused) -> HTTPException:
    """The HTTP answer to a refused file, with the reason code in ``extra``."""
    extra = {"reason": exc.code}
    if exc.code == "too_large":
        return TooLarge(detail=exc.message, extra=extra)
    if exc.code == "not_pdf_or_docx":
        return UnsupportedType(detail=exc.message, extra=extra)
    return ValidationException(detail=exc.message, extra=extra)


@dataclass
class CvUpload:
    file: UploadFile


async def store_upload(request: Request, upload: UploadFile) -> StoredCv:
    """Read the uploaded file (at most the limit plus one byte) and store it."""
    limit = get_settings().cv_max_bytes
    data = await upload.read(limit + 1)
    try:
        return await cv_service.upload_cv(
            signed_in_user(request).id,
            upload.filename or "",
            data,
            now=request_time(request),
            max_bytes=limit,
        )
    except cv_service.NotACandidate as exc:
        raise PermissionDeniedException(detail=str(exc)) from exc


class CvController(Controller):
    path = "/api/me/cv"
    tags = ["my profile"]
    guards = [has_role(Role.candidate)]

    @post(
        "/",
        operation_id="uploadMyCv",
        request_max_body_size=upload_limit(),
        raises=[*REFUSALS, ValidationException, TooLarge, UnsupportedType],
    )
    async def upload(
        self,
        request: Request,
        data: Annotated[CvUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> StoredCv:
        """Upload my CV (PDF or DOCX, field ``file``), replacing the earlier one. Its text
        is read and proposals made; nothing enters the profile until I apply them. The
        file's type is decided by its content; the file itself is not kept."""
        try:
            return await store_upload(request, data.file)
        except CvRefused as exc:
            raise refusal(exc) from exc

    @get("/", operation_id="getMyCv", raises=[*REFUSALS, NotFoundException])
    async def get_cv(self, request: Request) -> StoredCv:
        """My CV's text and the proposals read from it; 404 if none was uploaded."""
        found = await cv_service.get_cv(signed_in_user(request).id)
        if found is None:
            raise NotFoundException(detail="no CV uploaded")
        return found

    @delete("/", operation_id="deleteMyCv", raises=[*REFUSALS, NotFoundException])
    async def delete_cv(self, request: Request) -> None:
        """Delete my CV's text and proposals (the profile is not changed)."""
        if not await cv_service.delete_cv(signed_in_user(request).id):
            raise NotFoundException(detail="no CV uploaded")

    @post(
        "/apply",
        operation_id="applyMyCvSuggestions",
        status_code=200,
        raises=[*REFUSALS, NotFoundException, ValidationException],
    )
    async def apply(self, request: Request, data: JSONBody[SuggestionChoice]) -> Profile:
        """Add the proposals I accepted to my profile, with the values I chose. Only
        proposed items may be named (400 lists each field's problem in
        ``extra.errors``); everything else in the profile stays."""
        try:
            return await cv_service.apply_suggestions(
                signed_in_user(request).id, data, now=request_time(request)
            )
        except cv_service.NoCv as exc:
            raise NotFoundException(detail=str(exc)) from exc
        except cv_service.ChoiceRefused as exc:
            if "user" in exc.errors:
                raise PermissionDeniedException(detail=exc.errors["user"]) from exc
            raise ValidationException(
                detail="the choice was refused", extra={"errors": exc.errors}
            ) from exc
