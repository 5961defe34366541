"""The account pages in Chromium: zero axe violations in Bokmål and English (with and
without form errors shown), and a whole sign-up, confirmation and log-in."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Visit
from tests.mail_server import Inbox

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize(
    "path", ["/account/log-in", "/account/sign-up", "/account/forgot-password"]
)
async def test_account_forms_pass_axe(visit: Visit, path: str, lang: str):
    await visit.open(f"{path}?lang={lang}")
    await visit.screenshot(f"account-{path.rsplit('/', 1)[1]}-{lang}")


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_sign_up_errors_pass_axe(visit: Visit, lang: str):
    await visit.open(f"/account/sign-up?lang={lang}")
    await visit.page.get_by_label(re.compile("E-postadresse|Email address")).fill("not-an-address")
    await visit.page.locator("#field-password").fill("short")
    await visit.page.locator("main button[type=submit]").click()
    await expect(visit.page.locator("#field-password-error")).to_be_visible()
    await expect(visit.page.locator("#field-email")).to_have_attribute("aria-invalid", "true")
    await visit.check_accessibility()
    await visit.screenshot(f"account-sign-up-errors-{lang}")


async def test_log_in_error_passes_axe(visit: Visit):
    await visit.open("/account/log-in?lang=en")
    await visit.page.locator("#field-email").fill("nobody@example.no")
    await visit.page.locator("#field-password").fill("wrong password here")
    await visit.page.locator("main button[type=submit]").click()
    await expect(visit.page.locator("#form-error")).to_contain_text(
        "The email address or the password is wrong."
    )
    await visit.check_accessibility()


async def test_sign_up_confirm_and_log_in(visit: Visit, inbox: Inbox):
    email = f"browser-{uuid.uuid4().hex[:8]}@example.no"
    page = visit.page
    await visit.open("/account/sign-up")
    await page.locator("#field-email").fill(email)
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("main button[type=submit]").click()
    await expect(page.locator("h1")).to_have_text("Sjekk e-posten din")
    await visit.check_accessibility()

    link = re.search(r"https?://\S+\?token=[\w-]+", inbox.last(email).get_content()).group(0)
    await visit.open(link.removeprefix(visit.base_url))
    await page.get_by_role("button", name="Bekreft e-postadressen min").click()
    await expect(page.locator("h1")).to_have_text("E-postadressen er bekreftet")
    await visit.check_accessibility()

    await page.get_by_role("link", name="Logg inn").last.click()
    await visit.check_accessibility()
    await page.locator("#field-email").fill(email)
    await page.locator("#field-password").fill(PASSWORD)
    await page.locator("main button[type=submit]").click()
    await expect(page.locator("#account-email")).to_have_text(email)
    await expect(page.locator("header")).to_contain_text(email)
    await visit.check_accessibility()
    await visit.screenshot("account-page-nb")

    # One click gives a consent; the page says so and offers to withdraw it.
    await page.locator("#consent-vacancy_alerts button").click()
    await expect(page.locator("#consent-vacancy_alerts button")).to_have_text("Trekk tilbake")
    await visit.check_accessibility()

    await page.get_by_role("button", name="Logg ut").click()
    await expect(page.locator("header")).not_to_contain_text(email)
    await visit.check_accessibility()
