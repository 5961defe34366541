""" "Download my data" and "delete my account" in Chromium: the download is a JSON file
of the person's data, and the deletion pages pass axe with and without an error."""

from __future__ import annotations

import json
import uuid

from playwright.async_api import expect

from candidates import accounts
from candidates.tables import Role
from tests.browser.conftest import Visit
from tests.candidates.conftest import PASSWORD


async def signed_in(visit: Visit) -> str:
    email = f"data-{uuid.uuid4().hex[:8]}@example.no"
    await accounts.create_user(email, [Role.candidate], password=PASSWORD)
    await visit.log_in(email)
    return email


async def test_download_my_data(visit: Visit):
    email = await signed_in(visit)
    page = visit.page
    await visit.screenshot("account-your-data-en")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download my data").click()
    download = await download_info.value
    assert download.suggested_filename.startswith("norec-my-data-")
    data = json.loads((await download.path()).read_text(encoding="utf-8"))
    assert (data["account"]["email"], data["account"]["roles"]) == (email, ["candidate"])


async def test_delete_my_account(visit: Visit):
    email = await signed_in(visit)
    page = visit.page
    await page.get_by_role("link", name="Delete my account").click()
    await expect(page.locator("h1")).to_have_text("Delete your account")
    await visit.check_accessibility()
    await visit.screenshot("account-delete-en")

    await page.locator("#field-password").fill("not the password at all")
    await page.get_by_role("button", name="Delete my account for good").click()
    await expect(page.locator("#field-password-error")).to_have_text("The password is wrong.")
    await expect(page.locator("#field-password")).to_have_attribute("aria-invalid", "true")
    await visit.check_accessibility()

    await page.locator("#field-password").fill(PASSWORD)
    await page.get_by_role("button", name="Delete my account for good").click()
    await expect(page.locator("h1")).to_have_text("Your account is deleted")
    await expect(page.locator("header")).not_to_contain_text(email)
    await visit.check_accessibility()
    await visit.screenshot("account-deleted-en")
    assert await accounts.find_user_by_email(email) is None
