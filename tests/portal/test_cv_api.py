"""The CV through the API (/api/me/cv): upload (multipart), read back, delete, apply the
accepted proposals; refused files answer with their reason code and store nothing."""

from __future__ import annotations

import httpx
import pytest

from candidates.tables import CandidateCv, Role
from portal.settings import get_settings
from tests import cv_files
from tests.admin_helpers import sign_in
from tests.portal.account_site import account_client, csrf_token

PDF = "application/pdf"


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def headers(self) -> dict[str, str]:
        return {"X-CSRFToken": csrf_token(await self.client.get("/account"))}

    async def upload(self, filename: str, data: bytes, media_type: str = PDF) -> httpx.Response:
        return await self.client.post(
            "/api/me/cv", files={"file": (filename, data, media_type)}, headers=await self.headers()
        )

    async def apply(self, choice: dict) -> httpx.Response:
        return await self.client.post("/api/me/cv/apply", json=choice, headers=await self.headers())


@pytest.fixture
async def api(db, smtp):
    async with account_client(smtp[1]) as client:
        await sign_in(client, "ingrid@example.no", Role.candidate)
        yield Api(client)


async def test_upload_answers_the_stored_cv_with_its_proposals(api):
    answer = await api.upload("haugen.pdf", cv_files.economist_pdf())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["filename"], body["media_type"], body["lang"]) == ("haugen.pdf", PDF, "en")
    assert body["reviewed_at"] is None
    s = body["suggestions"]
    assert [x["code"] for x in s["languages"]] == ["no", "en", "fr", "sw"]
    assert s["education"]["evidence"] == "MSc in Development Economics, University of Oslo, 2016"
    assert (s["experience_years"], s["international_years"]) == (10.3, 9.9)
    assert (await api.client.get("/api/me/cv")).json() == body


async def test_get_without_a_cv_is_404(api):
    answer = await api.client.get("/api/me/cv")
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("filename", "build", "status", "reason"),
    [
        ("photo.pdf", cv_files.png_image, 415, "not_pdf_or_docx"),
        ("sheet.docx", cv_files.xlsx_named_docx, 415, "not_pdf_or_docx"),
        ("scan.pdf", cv_files.scanned_pdf, 400, "no_text"),
        ("locked.pdf", cv_files.encrypted_pdf, 400, "encrypted"),
        ("broken.docx", cv_files.corrupt_docx, 400, "unreadable"),
        ("empty.pdf", lambda: b"", 400, "empty"),
    ],
)
async def test_refused_files_answer_their_reason_and_keep_the_earlier_cv(
    api, filename, build, status, reason
):
    first = await api.upload("cv.docx", cv_files.norwegian_docx(), "application/octet-stream")
    assert first.status_code == 201
    answer = await api.upload(filename, build())
    assert answer.status_code == status, answer.text
    assert answer.json()["extra"] == {"reason": reason}
    assert (await api.client.get("/api/me/cv")).json() == first.json()


async def test_a_file_over_the_cv_limit_is_413(api):
    limit = get_settings().cv_max_bytes
    oversize = cv_files.economist_pdf() + b"\n%" + b"x" * limit
    answer = await api.upload("huge.pdf", oversize)
    assert answer.status_code == 413
    assert answer.json()["extra"] == {"reason": "too_large"}
    assert await CandidateCv.count() == 0


async def test_a_body_far_over_the_route_limit_is_413(api):
    limit = get_settings().cv_max_bytes
    answer = await api.upload("huge.pdf", b"%PDF-" + b"x" * (limit + 200_000))
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]
    assert await CandidateCv.count() == 0


async def test_apply_then_the_profile_holds_exactly_the_accepted_items(api):
    await api.upload("haugen.pdf", cv_files.economist_pdf())
    answer = await api.apply(
        {
            "skills": ["econometrics"],
            "languages": [{"code": "fr", "level": "B1"}],
            "experience_years": 10.3,
            "international_years": 9.9,
        }
    )
    assert answer.status_code == 200, answer.text
    profile = (await api.client.get("/api/me/profile")).json()
    assert profile["skills"] == ["econometrics"]
    assert profile["languages"] == [{"code": "fr", "level": "B1"}]
    # pytest.approx: PostgreSQL stores the profile's years as float4 (REAL).
    years = (profile["experience_years"], profile["international_years"])
    assert years == (pytest.approx(10.3), pytest.approx(9.9))
    assert (profile["education_level"], profile["citizenships"]) == (None, [])
    assert (await api.client.get("/api/me/cv")).json()["reviewed_at"] is not None


async def test_apply_refuses_items_not_proposed(api):
    await api.upload("haugen.pdf", cv_files.economist_pdf())
    answer = await api.apply({"skills": ["epidemiology"]})
    assert answer.status_code == 400
    assert answer.json()["extra"] == {"errors": {"skills": "not proposed by the CV: epidemiology"}}
    assert (await api.client.get("/api/me/profile")).status_code == 404


async def test_apply_without_a_cv_is_404(api):
    assert (await api.apply({})).status_code == 404


async def test_delete(api):
    await api.upload("haugen.pdf", cv_files.economist_pdf())
    answer = await api.client.delete("/api/me/cv", headers=await api.headers())
    assert answer.status_code == 204
    assert (await api.client.get("/api/me/cv")).status_code == 404
    again = await api.client.delete("/api/me/cv", headers=await api.headers())
    assert again.status_code == 404


async def test_upload_needs_the_csrf_header(api):
    answer = await api.client.post(
        "/api/me/cv", files={"file": ("cv.pdf", cv_files.economist_pdf(), PDF)}
    )
    assert answer.status_code == 403
    assert await CandidateCv.count() == 0


async def test_staff_and_visitors_are_refused(db, smtp):
    async with account_client(smtp[1]) as client:
        assert (await client.get("/api/me/cv")).status_code == 401
        await sign_in(client, "staff@norec.no", Role.staff)
        assert (await client.get("/api/me/cv")).status_code == 403
