"""The CV page in Chromium: a candidate uploads a PDF through the file input, sees the
proposals with the CV's words, ticks some, adds them, and the profile holds exactly the
ticked items; a refused file is shown with its reason. Every page passes axe."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.async_api import expect

from candidates import accounts
from candidates.tables import Role
from tests import cv_files
from tests.browser.conftest import Visit
from tests.candidates.conftest import PASSWORD


async def candidate(visit: Visit, lang: str = "en") -> str:
    email = f"cv-{uuid.uuid4().hex[:8]}@example.no"
    await accounts.create_user(email, [Role.candidate], password=PASSWORD)
    await visit.log_in(email, lang=lang)
    return email


async def test_upload_review_and_add_the_ticked_proposals(visit: Visit, tmp_path: Path):
    await candidate(visit)
    page = visit.page
    await visit.open("/me/cv")
    await expect(page.locator("h1")).to_have_text("Your CV")
    await visit.screenshot("cv-empty-en")

    pdf = tmp_path / "Ingrid Haugen CV.pdf"
    pdf.write_bytes(cv_files.economist_pdf())
    await page.locator("#field-file").set_input_files(pdf)
    await page.get_by_role("button", name="Upload and read").click()
    await expect(page.locator("[role=status]")).to_have_text(
        "Your CV was read. Check the proposals below."
    )
    await visit.check_accessibility()
    await expect(page.locator("#skill-econometrics")).not_to_be_checked()
    await expect(page.locator("#skill-statistical-software-why")).to_have_text(
        "From your CV: Stata"
    )
    await visit.screenshot("cv-proposals-en")

    await page.get_by_label("Econometrics").check()
    await page.get_by_label("Poverty analysis").check()
    await page.locator("#language-fr").check()
    await page.locator("#field-level-fr").select_option("C1")
    await page.locator("#citizenship-no").check()
    await page.get_by_role("button", name="Add the selected to my profile").click()
    await expect(page.locator("[role=status]")).to_have_text(
        "The selected proposals were added to your profile. Go to your profile"
    )
    await visit.check_accessibility()

    profile = await visit.api("/api/me/profile")
    assert profile["skills"] == ["poverty-analysis", "econometrics"]  # in the page's order
    assert profile["languages"] == [{"code": "fr", "level": "C1"}]
    assert profile["citizenships"] == ["NO"]
    assert (profile["education_level"], profile["experience_years"]) == (None, 0.0)
    assert profile["job_families"] == []


async def test_a_refused_file_is_explained(visit: Visit, tmp_path: Path):
    await candidate(visit, lang="nb")
    page = visit.page
    await visit.open("/me/cv")
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(cv_files.png_image())
    await page.locator("#field-file").set_input_files(fake)
    await page.get_by_role("button", name="Last opp og les").click()
    await expect(page.locator("#field-file-error")).to_have_text(
        "Filen er verken en PDF eller et Word-dokument (DOCX). Lagre CV-en som PDF eller "
        "DOCX og last den opp på nytt."
    )
    await expect(page.locator("#field-file")).to_have_attribute("aria-invalid", "true")
    await visit.check_accessibility()
    await visit.screenshot("cv-refused-nb")


async def test_the_read_text_is_shown_in_a_details(visit: Visit, tmp_path: Path):
    await candidate(visit)
    page = visit.page
    await visit.open("/me/cv")
    docx = tmp_path / "cv.docx"
    docx.write_bytes(cv_files.norwegian_docx())
    await page.locator("#field-file").set_input_files(docx)
    await page.get_by_role("button", name="Upload and read").click()
    await expect(page.locator("#proposed-languages")).to_be_visible()
    await page.locator("#cv-text summary").click()
    await expect(page.locator("#cv-text .cv-text__body")).to_contain_text("Norsk: morsmål")
    await visit.check_accessibility()
    await visit.screenshot("cv-text-en")
