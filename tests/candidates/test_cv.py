"""Reading CV files (candidates.cv.read_cv: type by content, text, refusals) and the CV
services (candidates.cv_service: upload, read back, delete, apply the accepted proposals)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest import approx

from candidates import accounts, cv_service
from candidates.cv import DOCX_TYPE, MAX_PAGES, PDF_TYPE, CvRefused, normalise, read_cv
from candidates.cv_service import (
    ChoiceRefused,
    EducationChoice,
    LanguageChoice,
    NoCv,
    NotACandidate,
    SuggestionChoice,
)
from candidates.profile_models import LanguageSkill, ProfileIn
from candidates.profiles import get_profile, save_profile
from candidates.tables import CandidateCv, Role
from tests import cv_files
from tests.candidates.conftest import PASSWORD

LIMIT = 5 * 1024 * 1024
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def refusal(filename: str, data: bytes, max_bytes: int = LIMIT) -> CvRefused:
    with pytest.raises(CvRefused) as caught:
        read_cv(filename, data, max_bytes=max_bytes)
    return caught.value


# --- reading files ----------------------------------------------------------------------


def test_pdf_text_keeps_lines_and_is_english():
    cv = read_cv("Ingrid Haugen CV.pdf", cv_files.economist_pdf(), max_bytes=LIMIT)
    assert (cv.media_type, cv.lang, cv.pages, cv.truncated) == (PDF_TYPE, "en", 1, False)
    lines = cv.text.split("\n")
    assert lines[:4] == [
        "Ingrid Haugen",
        "Development Economist",
        "Oslo, Norway | ingrid.haugen@example.no | +47 912 34 567",
        "Nationality: Norwegian",
    ]
    assert "MSc in Development Economics, University of Oslo, 2016" in lines
    assert lines[-1] == "Econometrics, Stata, project management, monitoring and evaluation"


def test_docx_text_is_norwegian():
    cv = read_cv("cv.docx", cv_files.norwegian_docx(), max_bytes=LIMIT)
    assert (cv.media_type, cv.lang, cv.pages) == (DOCX_TYPE, "nb", None)
    assert cv.text == "\n".join(cv_files.NORWEGIAN_LINES)


def test_docx_tables_come_in_document_order():
    cv = read_cv("cv.docx", cv_files.table_docx(), max_bytes=LIMIT)
    assert cv.text.split("\n") == [
        "Ola Berg – Curriculum Vitae",
        "Languages",
        "English (C1)",
        "Spanish: fluent",
        "Norwegian – mother tongue",
        "",
        "Education",
        "PhD in Public Health, University of Bergen, 2018",
        "",
        "Work experience",
        "09/2018–08/2021: Epidemiologist, WHO, Geneva, Switzerland",
        "09/2021–present: Senior Adviser, Norwegian Institute of Public Health, Oslo",
        "",
        "References on request.",
    ]


def test_only_the_first_pages_of_a_long_pdf_are_read():
    cv = read_cv("long.pdf", cv_files.long_pdf(MAX_PAGES + 5), max_bytes=LIMIT)
    assert (cv.pages, cv.truncated) == (MAX_PAGES + 5, True)
    lines = cv.text.split("\n")
    assert lines[0] == f"Page 1 of {MAX_PAGES + 5}"
    assert lines[-1] == f"Page {MAX_PAGES} of {MAX_PAGES + 5}"


def test_the_type_comes_from_the_content_not_the_name():
    assert read_cv("cv.docx", cv_files.economist_pdf(), max_bytes=LIMIT).media_type == PDF_TYPE
    assert read_cv("cv.pdf", cv_files.norwegian_docx(), max_bytes=LIMIT).media_type == DOCX_TYPE


def test_folders_in_the_name_are_dropped():
    cv = read_cv("C:\\Users\\kari\\CV 2026.pdf", cv_files.economist_pdf(), max_bytes=LIMIT)
    assert cv.filename == "CV 2026.pdf"


@pytest.mark.parametrize(
    ("filename", "build", "code"),
    [
        ("scan.pdf", cv_files.scanned_pdf, "no_text"),
        ("locked.pdf", cv_files.encrypted_pdf, "encrypted"),
        ("photo.pdf", cv_files.png_image, "not_pdf_or_docx"),
        ("photo.docx", cv_files.png_image, "not_pdf_or_docx"),
        ("broken.docx", cv_files.corrupt_docx, "unreadable"),
        ("sheet.docx", cv_files.xlsx_named_docx, "not_pdf_or_docx"),
        ("bomb.docx", cv_files.bomb_docx, "unreadable"),
        ("empty.pdf", lambda: b"", "empty"),
        ("broken.pdf", lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "unreadable"),
    ],
)
def test_files_that_are_not_a_readable_cv_are_refused(filename, build, code):
    assert refusal(filename, build()).code == code


def test_a_file_over_the_limit_is_refused_before_reading():
    data = cv_files.economist_pdf()
    refused = refusal("cv.pdf", data, max_bytes=len(data) - 1)
    assert refused.code == "too_large"
    assert refused.message == f"The file is {len(data)} bytes; the limit is {len(data) - 1} bytes."


def test_normalise_keeps_line_breaks_and_squeezes_spaces():
    raw = "Kari\u00a0 Nordmann\r\n\r\n\r\n\r\nRådgiver\t\tNorad \x07\n  "
    assert normalise(raw) == "Kari Nordmann\n\nRådgiver Norad"


# --- services ---------------------------------------------------------------------------


@pytest.fixture
async def kari(db):
    return await accounts.create_user("kari@example.no", [Role.candidate], password=PASSWORD)


async def test_upload_stores_text_and_proposals_but_not_the_file(kari):
    stored = await cv_service.upload_cv(
        kari.id, "haugen.pdf", cv_files.economist_pdf(), now=NOW, max_bytes=LIMIT
    )
    assert (stored.filename, stored.media_type, stored.lang) == ("haugen.pdf", PDF_TYPE, "en")
    assert stored.size == len(cv_files.economist_pdf())
    assert (stored.uploaded_at, stored.reviewed_at) == (NOW, None)
    assert stored.suggestions.experience_years == 10.3
    assert await cv_service.get_cv(kari.id) == stored
    assert await get_profile(kari.id) is None  # nothing is added by itself
    columns = set(CandidateCv._meta.columns)
    assert not any(c._meta.name in {"data", "content", "file"} for c in columns)


async def test_a_refused_upload_keeps_the_earlier_cv(kari):
    first = await cv_service.upload_cv(
        kari.id, "cv.docx", cv_files.norwegian_docx(), now=NOW, max_bytes=LIMIT
    )
    with pytest.raises(CvRefused) as caught:
        await cv_service.upload_cv(
            kari.id, "scan.pdf", cv_files.scanned_pdf(), now=NOW + timedelta(1), max_bytes=LIMIT
        )
    assert caught.value.code == "no_text"
    assert await cv_service.get_cv(kari.id) == first


async def test_a_new_upload_replaces_the_cv_and_its_review(kari):
    await cv_service.upload_cv(kari.id, "a.docx", cv_files.norwegian_docx(), now=NOW)
    await cv_service.apply_suggestions(kari.id, SuggestionChoice(citizenships=["NO"]), now=NOW)
    later = NOW + timedelta(days=3)
    stored = await cv_service.upload_cv(kari.id, "b.pdf", cv_files.economist_pdf(), now=later)
    assert (stored.filename, stored.uploaded_at, stored.reviewed_at) == ("b.pdf", later, None)
    assert await CandidateCv.count() == 1


async def test_only_candidates_upload(db):
    staff = await accounts.create_user("staff@norec.no", [Role.staff], password=PASSWORD)
    with pytest.raises(NotACandidate):
        await cv_service.upload_cv(staff.id, "cv.pdf", cv_files.economist_pdf(), now=NOW)
    assert await CandidateCv.count() == 0


async def test_delete(kari):
    await cv_service.upload_cv(kari.id, "cv.pdf", cv_files.economist_pdf(), now=NOW)
    assert await cv_service.delete_cv(kari.id) is True
    assert await cv_service.get_cv(kari.id) is None
    assert await cv_service.delete_cv(kari.id) is False


async def test_apply_adds_exactly_what_was_accepted(kari):
    await cv_service.upload_cv(kari.id, "cv.pdf", cv_files.economist_pdf(), now=NOW)
    choice = SuggestionChoice(
        skills=["econometrics", "statistical-software"],
        languages=[
            LanguageChoice(code="fr", level="B1"),
            LanguageChoice(code="no", level="native"),
        ],
        education=EducationChoice(level="master", field="Development Economics", year=2016),
        experience_years=10.3,
        job_families=["econ"],
        citizenships=["no"],
    )
    profile = await cv_service.apply_suggestions(kari.id, choice, now=NOW)
    assert profile.skills == ["econometrics", "statistical-software"]
    assert profile.languages == [
        LanguageSkill(code="fr", level="B1"),
        LanguageSkill(code="no", level="native"),
    ]
    assert (profile.education_level, profile.education_field, profile.education_year) == (
        "master",
        "Development Economics",
        2016,
    )
    # pytest.approx: PostgreSQL stores the profile's years as float4 (REAL).
    assert (profile.experience_years, profile.international_years) == (approx(10.3), 0.0)
    assert (profile.job_families, profile.citizenships) == (["econ"], ["NO"])
    assert (await cv_service.get_cv(kari.id)).reviewed_at == NOW


async def test_apply_keeps_what_the_profile_held(kari):
    await save_profile(
        kari.id,
        ProfileIn(
            skills=["project-management", "gender-mainstreaming"],
            languages=[LanguageSkill(code="en", level="C2"), LanguageSkill(code="de", level="B1")],
            education_level="doctorate",
            education_field="Economics",
            experience_years=12,
            summary="Economist.",
        ),
        now=NOW,
    )
    await cv_service.upload_cv(kari.id, "cv.pdf", cv_files.economist_pdf(), now=NOW)
    choice = SuggestionChoice(
        skills=["econometrics", "project-management"],
        languages=[LanguageChoice(code="en", level="C1")],
        international_years=9.9,
    )
    profile = await cv_service.apply_suggestions(kari.id, choice, now=NOW)
    assert profile.skills == ["project-management", "gender-mainstreaming", "econometrics"]
    assert profile.languages == [
        LanguageSkill(code="en", level="C1"),
        LanguageSkill(code="de", level="B1"),
    ]
    assert (profile.education_level, profile.education_field) == ("doctorate", "Economics")
    assert (profile.experience_years, profile.international_years) == (12, approx(9.9))
    assert profile.summary == "Economist."


async def test_apply_refuses_what_the_cv_did_not_propose(kari):
    await cv_service.upload_cv(kari.id, "cv.docx", cv_files.norwegian_docx(), now=NOW)
    choice = SuggestionChoice(
        skills=["econometrics"],
        languages=[LanguageChoice(code="fr", level="B2")],
        experience_years=3,
        citizenships=["SE"],
    )
    with pytest.raises(ChoiceRefused) as caught:
        await cv_service.apply_suggestions(kari.id, choice, now=NOW)
    assert caught.value.errors == {
        "skills": "not proposed by the CV: econometrics",
        "citizenships": "not proposed by the CV: SE",
        "languages": "not proposed by the CV: fr",
    }
    assert await get_profile(kari.id) is None
    assert (await cv_service.get_cv(kari.id)).reviewed_at is None


async def test_apply_without_a_cv(kari):
    with pytest.raises(NoCv):
        await cv_service.apply_suggestions(kari.id, SuggestionChoice(), now=NOW)


async def test_a_fault_in_the_reading_keeps_the_text_and_proposes_nothing(kari, monkeypatch):
    def broken(text: str, lang: str, *, today):
        raise RuntimeError("pipeline fault")

    monkeypatch.setattr(cv_service, "propose", broken)
    stored = await cv_service.upload_cv(kari.id, "cv.pdf", cv_files.economist_pdf(), now=NOW)
    assert stored.text.startswith("Ingrid Haugen\nDevelopment Economist")
    assert stored.suggestions.is_empty()
