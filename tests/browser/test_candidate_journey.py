"""The whole journey of issue 7 in Chromium, as a person makes it: sign up and confirm
the address, consent to be visible to Norec, upload a CV, confirm what was read from it,
see explained matches; then a member of staff opens one of those posts and finds the
candidate in its ranked, explained list. Every page passes axe."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.async_api import expect

from candidates import accounts
from candidates.tables import Role
from tests import cv_files
from tests.browser.conftest import Visit
from tests.browser.test_matches import posts  # noqa: F401 (the analysed posts, a fixture)
from tests.candidates.conftest import PASSWORD
from tests.mail_server import Inbox


async def sign_up(visit: Visit, inbox: Inbox, email: str) -> None:
    page = visit.page
    await visit.open("/account/sign-up?lang=en")
    await page.locator("#field-email").fill(email)
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("main button[type=submit]").click()
    await expect(page.locator("h1")).to_have_text("Check your email")
    await visit.check_accessibility()
    link = re.search(r"https?://\S+\?token=[\w-]+", inbox.last(email).get_content()).group(0)
    await visit.open(link.removeprefix(visit.base_url))
    await page.get_by_role("button", name="Confirm my email address").click()
    await expect(page.locator("h1")).to_have_text("Email address confirmed")
    await visit.check_accessibility()


@pytest.mark.usefixtures("posts")
async def test_register_upload_confirm_see_matches_and_staff_sees_the_candidate(
    visit: Visit,
    inbox: Inbox,
    tmp_path: Path,
):
    email = f"journey-{uuid.uuid4().hex[:8]}@example.no"
    page = visit.page
    await sign_up(visit, inbox, email)
    await visit.log_in(email)
    await page.locator("#consent-visible_to_staff button").click()
    await expect(page.locator("#consent-visible_to_staff button")).to_have_text("Withdraw")
    await visit.check_accessibility()

    # The CV: every proposal is offered unticked; "Add all proposals" takes them all.
    await visit.open("/me/cv")
    pdf = tmp_path / "Ingrid Haugen CV.pdf"
    pdf.write_bytes(cv_files.economist_pdf())
    await page.locator("#field-file").set_input_files(pdf)
    await page.get_by_role("button", name="Upload and read").click()
    await expect(page.locator("[role=status]")).to_have_text(
        "Your CV was read. Check the proposals below."
    )
    await visit.check_accessibility()
    assert await page.locator("main input[type=checkbox]:checked").count() == 0
    await page.get_by_role("button", name="Add all proposals").click()
    await expect(page.locator("[role=status]")).to_contain_text(
        "The selected proposals were added to your profile."
    )
    await visit.check_accessibility()
    profile = await visit.api("/api/me/profile")
    assert profile["education_level"] == "master"
    assert profile["citizenships"] == ["NO"]
    assert {"code": "fr", "level": "B2"} in profile["languages"]
    assert len(profile["skills"]) == 13
    assert round(profile["experience_years"], 1) == 10.3

    # My matches: ranked, each with its eight reasons.
    await visit.open("/me/matches")
    first = page.locator("#eligible-matches > li").first
    await expect(first.locator(".match-reasons li")).to_have_count(8)
    vacancy_id = int((await first.get_attribute("id")).removeprefix("match-"))
    await visit.screenshot("journey-my-matches-en")

    # A member of staff finds the candidate in that post's list, with reasons.
    user = await accounts.find_user_by_email(email)
    staff_email = f"journey-staff-{uuid.uuid4().hex[:8]}@example.no"
    await accounts.create_user(staff_email, [Role.staff], password=PASSWORD)
    await visit.context.clear_cookies()
    await visit.log_in(staff_email)
    await visit.open(f"/staff/vacancies/{vacancy_id}/candidates?top=50&lang=en")
    entry = page.locator(f"#candidate-{user.id}")
    await expect(entry.locator(f"a[href='/staff/candidates/{user.id}']")).to_have_count(1)
    await expect(entry.locator(".match-reasons li")).to_have_count(8)
    await visit.screenshot("journey-staff-candidates-en")
