"""The administration pages in Chromium, as an admin signed in through the log-in page:
zero axe violations on each page, in English and Bokmål, and a role change, a pause and
the audit entries they leave, clicked through."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from candidates import accounts
from candidates.tables import Role
from tests.browser.conftest import Visit
from tests.candidates.conftest import PASSWORD


@pytest.fixture
async def admin_email(database) -> str:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.no"
    await accounts.create_user(email, [Role.admin], password=PASSWORD)
    return email


@pytest.mark.parametrize("lang", ["en", "nb"])
async def test_admin_pages_pass_axe(visit: Visit, admin_email: str, lang: str):
    await visit.log_in(admin_email, lang=lang)
    for path in (
        "/admin",
        "/admin/users",
        "/admin/sources",
        "/admin/organizations",
        "/admin/audit",
    ):
        await visit.open(path)
        await visit.screenshot(f"admin{path.replace('/admin', '').replace('/', '-')}-{lang}")
    await visit.open("/admin/organizations")
    await visit.page.locator("#admin-organizations tbody a").first.click()
    await expect(visit.page.locator("#field-name")).to_be_visible()
    await visit.check_accessibility()
    await visit.screenshot(f"admin-organization-{lang}")


async def test_an_admin_changes_roles_and_finds_it_in_the_audit_log(visit: Visit, admin_email: str):
    person = await accounts.create_user(
        f"person-{uuid.uuid4().hex[:8]}@example.no", [Role.candidate]
    )
    page = visit.page
    await visit.log_in(admin_email)
    await page.get_by_role("link", name="Administration").click()
    await expect(page.locator("h1")).to_have_text("Administration")
    await visit.check_accessibility()
    await page.get_by_role("link", name="Users").click()
    await visit.check_accessibility()

    await page.get_by_role("link", name=person.email).click()
    await expect(page.locator("h1")).to_have_text(person.email)
    await visit.check_accessibility()
    await page.get_by_label("Norec staff").check()
    await page.get_by_role("button", name="Save roles").click()
    await expect(page.locator("[role=status]")).to_have_text("The roles are saved.")
    await expect(page.locator("#user-roles")).to_have_text("Candidate, Norec staff")
    await visit.check_accessibility()
    await visit.screenshot("admin-user-en")

    await page.get_by_role("link", name="Audit entries for this account").click()
    first = page.locator("#audit tbody tr").first
    await expect(first.locator("td").nth(1)).to_have_text("role_granted")
    await expect(first.locator("td").nth(3)).to_have_text(str(person.id))
    await visit.check_accessibility()
    await visit.screenshot("admin-audit-user-en")


async def test_an_admin_refused_their_own_demotion_sees_why(visit: Visit, admin_email: str):
    page = visit.page
    await visit.log_in(admin_email)
    me = await accounts.find_user_by_email(admin_email)
    await visit.open(f"/admin/users/{me.id}")
    await page.get_by_label("Administrator").uncheck()
    await page.get_by_role("button", name="Save roles").click()
    await expect(page.locator("#form-error")).to_contain_text("ask another admin")
    await visit.check_accessibility()
    await visit.screenshot("admin-user-refused-en")


async def test_an_admin_pauses_and_resumes_a_source(visit: Visit, admin_email: str):
    page = visit.page
    await visit.log_in(admin_email)
    await visit.open("/admin/sources")
    row = page.locator("#admin-sources tbody tr").first
    await row.get_by_role("button", name="Pause").click()
    await expect(page.locator("[role=status]")).to_contain_text("The source is paused")
    await expect(row.get_by_role("button", name="Resume")).to_be_visible()
    await visit.check_accessibility()
    await visit.screenshot("admin-sources-paused-en")
    await row.get_by_role("button", name="Resume").click()
    await expect(row.get_by_role("button", name="Pause")).to_be_visible()
    await visit.check_accessibility()
