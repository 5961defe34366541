"""The profile editor and saved vacancies in Chromium: a candidate fills in the form and
saves it, corrects a mistake through the error summary, and saves a vacancy from its
page; zero axe violations on every page shown."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from candidates import accounts, profiles
from candidates.tables import Role
from tests.browser.conftest import DemoData, Visit
from tests.candidates.conftest import PASSWORD


async def candidate(visit: Visit, lang: str) -> int:
    email = f"kandidat-{uuid.uuid4().hex[:8]}@example.no"
    user = await accounts.create_user(email, [Role.candidate], password=PASSWORD)
    await visit.log_in(email, lang=lang)
    return user.id


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_a_candidate_fills_in_and_saves_the_profile(visit: Visit, lang: str):
    user_id = await candidate(visit, lang)
    await visit.open(f"/me/profile?lang={lang}")
    page = visit.page
    await visit.screenshot(f"profile-empty-{lang}")

    await page.locator("#field-citizenship-0").select_option("NO")
    await page.locator("#field-birth-year").fill("1994")
    await page.locator("#field-education-level").select_option("master")
    await page.locator("#field-education-field").fill("Public health")
    await page.locator("#field-education-year").fill("2019")
    await page.locator("#field-language-0-code").select_option("nb")
    await page.locator("#field-language-0-level").select_option("native")
    await page.locator("#field-language-1-code").select_option("en")
    await page.locator("#field-language-1-level").select_option("C1")
    await page.locator("#field-experience-years").fill("6")
    await page.locator("#field-international-years").fill("3,5")
    await page.locator("#family-health > summary").click()
    await page.locator("#skill-epidemiology").check()
    await page.locator("#skill-public-health").check()
    await page.locator("#job-families-health").check()
    await page.locator("#regions-sub-saharan-africa").check()
    await page.locator("#field-duty-station-0").select_option("KEN")
    await page.locator("#grades-p-2").check()
    await page.locator("#contract-types-jpo").check()
    await page.locator("#field-available-from").fill("2027-02-01")
    await page.locator("#field-summary").fill("Epidemiologist with field work in Kenya.")
    await page.locator("#save-profile").click()

    await expect(page.locator("#profile-notice")).to_be_visible()
    assert visit.path == "/me/profile?done=saved"
    await visit.check_accessibility()
    await expect(page.locator("#skill-epidemiology")).to_be_checked()
    await expect(page.locator("#field-international-years")).to_have_value("3.5")
    await visit.screenshot(f"profile-saved-{lang}")

    saved = await profiles.get_profile(user_id)
    assert saved.skills == ["epidemiology", "public-health"]
    assert [(lang.code, lang.level) for lang in saved.languages] == [
        ("no", "native"),
        ("en", "C1"),
    ]
    assert (saved.citizenships, saved.duty_stations) == (["NO"], ["KEN"])
    assert (saved.grades, saved.contract_types) == (["P-2"], ["jpo"])
    assert saved.international_years == 3.5


async def test_a_mistake_is_summarised_and_linked_to_its_field(visit: Visit):
    user_id = await candidate(visit, "en")
    await visit.open("/me/profile?lang=en")
    page = visit.page
    await page.locator("#field-birth-year").fill("1850")
    await page.locator("#field-language-0-code").select_option("fr")
    await page.locator("#field-summary").fill("Kept after the error.")
    await page.locator("#save-profile").click()

    summary = page.locator("#error-summary")
    await expect(summary.locator("a")).to_have_count(2)
    await expect(summary.locator("a").first).to_have_text(
        "Year of birth: Enter a year of birth between 1900 and 2100, like 1994."
    )
    await visit.check_accessibility()
    await expect(page.locator("#field-summary")).to_have_value("Kept after the error.")
    await visit.screenshot("profile-errors-en")
    await summary.locator("a").first.click()
    await expect(page.locator("#field-birth-year")).to_be_focused()
    assert await profiles.get_profile(user_id) is None

    await page.locator("#field-birth-year").fill("1990")
    await page.locator("#field-language-0-level").select_option("B2")
    await page.locator("#save-profile").click()
    await expect(page.locator("#profile-notice")).to_be_visible()
    await visit.check_accessibility()
    assert (await profiles.get_profile(user_id)).birth_year == 1990


async def test_saving_a_vacancy_from_its_page(visit: Visit, demo_data: DemoData):
    await candidate(visit, "nb")
    await visit.open(f"/vacancies/{demo_data.open_id}?lang=nb")
    page = visit.page
    button = page.locator("#save-vacancy button")
    await expect(button).to_have_text("Lagre")
    await button.click()
    await expect(page.locator("#save-vacancy button")).to_have_text("Lagret (fjern)")
    await visit.check_accessibility()
    await visit.screenshot("vacancy-saved-nb")

    await page.locator("#saved-list-link").click()
    await expect(page.locator("h1")).to_have_text("Lagrede stillinger")
    await expect(page.locator(f"#saved-{demo_data.open_id}")).to_be_visible()
    await visit.check_accessibility()
    await visit.screenshot("saved-vacancies-nb")

    await page.locator(f"#saved-{demo_data.open_id} button").click()
    await expect(page.locator("#saved-notice")).to_be_visible()
    await expect(page.locator("#saved-empty")).to_be_visible()
    await visit.check_accessibility()


async def test_staff_see_the_profile_and_the_cv_text(visit: Visit):
    from candidates import consents
    from candidates.tables import CandidateCv, ConsentPurpose
    from tests.candidates.test_profiles import KARI

    email = f"kandidat-{uuid.uuid4().hex[:8]}@example.no"
    kari = await accounts.create_user(email, [Role.candidate])
    await consents.give_consent(kari.id, ConsentPurpose.visible_to_staff)
    await profiles.save_profile(kari.id, KARI, now=kari.created_at)
    await CandidateCv.insert(
        CandidateCv(
            user=kari.id,
            filename="kari.pdf",
            media_type="application/pdf",
            size=30000,
            text="Kari Nordmann\nEpidemiologist, Norwegian Institute of Public Health",
            lang="en",
            suggestions={},
            uploaded_at=kari.created_at,
        )
    )
    staff = f"staff-{uuid.uuid4().hex[:8]}@norec.no"
    await accounts.create_user(staff, [Role.staff], password=PASSWORD)
    await visit.log_in(staff, lang="nb")
    await visit.open(f"/staff/candidates/{kari.id}?lang=nb")
    page = visit.page
    await expect(page.locator("#candidate-profile")).to_contain_text("Epidemiology")
    await page.locator("#candidate-cv > summary").click()
    await expect(page.locator("#candidate-cv pre")).to_be_visible()
    await visit.check_accessibility()
    await visit.screenshot("staff-candidate-profile-nb")
