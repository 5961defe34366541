"""The match pages in Chromium: a candidate with a profile opens "My matches" and one
match, a member of staff opens a vacancy's candidates; zero axe violations, in Bokmål
and English, with screenshots for a person to look at."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from candidates import accounts, consents
from candidates.profiles import save_profile
from candidates.tables import ConsentPurpose, Role, SavedVacancy, StoredMatch
from tests.browser.conftest import Visit
from tests.candidates.conftest import PASSWORD
from tests.portal.test_match_pages import POSTS, PROFILES, add_posts
from vacancies.tables import Source, Vacancy


@pytest.fixture(scope="module")
async def posts(server) -> AsyncIterator[dict[str, int]]:
    """The four analysed posts of the pages' tests, beside the demo's vacancies (their
    deadlines are those tests' clock: in the past here, which the engine may not list,
    so they are moved to a month from now). Taken away after the module, so the other
    modules see the demo's vacancies alone (test_vacancy counts its JPO posts)."""
    found = await Vacancy.select(Vacancy.id, Vacancy.external_id).where(
        Vacancy.source == "match-test"
    )
    ids = {row["external_id"]: row["id"] for row in found} or await add_posts()
    now = datetime.now(UTC)
    for post in POSTS:
        await Vacancy.update(
            {
                Vacancy.deadline: now.replace(microsecond=0)
                + timedelta(days=post.deadline_days + 30),
                Vacancy.last_seen: now,
            }
        ).where(Vacancy.id == ids[post.key])
    yield ids
    await StoredMatch.delete().where(StoredMatch.vacancy.is_in(list(ids.values())))
    await SavedVacancy.delete().where(SavedVacancy.vacancy.is_in(list(ids.values())))
    await Vacancy.delete().where(Vacancy.source == "match-test")
    await Source.delete().where(Source.id == "match-test")


async def candidate_with_profile(profile_of: str, *, visible: bool = True) -> tuple[int, str]:
    email = f"kandidat-{uuid.uuid4().hex[:8]}@example.no"
    user = await accounts.create_user(email, [Role.candidate], password=PASSWORD)
    if visible:
        await consents.give_consent(user.id, ConsentPurpose.visible_to_staff)
    await save_profile(user.id, PROFILES[profile_of], now=datetime.now(UTC))
    return user.id, email


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_my_matches_and_one_match_pass_axe(visit: Visit, posts, lang: str):
    _, email = await candidate_with_profile("ola@example.no")
    await visit.log_in(email, lang=lang)
    await visit.open(f"/me/matches?lang={lang}")
    jpo = posts["unicef-composed-jpo-child-protection"]
    first = visit.page.locator("#eligible-matches > li").first
    await expect(first).to_have_id(f"match-{jpo}")
    await expect(first.locator(".match-reasons li")).to_have_count(8)
    await expect(first.locator("meter")).to_be_visible()
    await expect(visit.page.locator("header a[aria-current=page]")).to_have_attribute(
        "href", "/me/matches"
    )
    await visit.screenshot(f"my-matches-{lang}")

    await first.locator(f"a[href='/me/matches/{jpo}']").click()
    await expect(visit.page.locator("#components tbody tr")).to_have_count(8)
    await expect(visit.page.locator("#checks tbody tr").first).to_be_visible()
    await visit.check_accessibility()
    await visit.screenshot(f"my-match-{lang}")


async def test_posts_not_offered_pass_axe(visit: Visit, posts):
    _, email = await candidate_with_profile("kari@example.no")
    await visit.log_in(email, lang="nb")
    await visit.open("/me/matches?lang=nb")
    # JPO posts only (the demo's included), and those Kari, 38, is too old for.
    await visit.page.locator("#filter-jpo").check()
    await visit.page.locator("#filter-ineligible").check()
    await visit.page.locator("#match-filters button[type=submit]").click()
    jpo = posts["unicef-composed-jpo-child-protection"]
    await expect(
        visit.page.locator(f"#ineligible-matches #match-{jpo} .match-failed")
    ).to_be_visible()
    await visit.check_accessibility()
    await visit.screenshot("my-matches-not-offered-nb")


@pytest.mark.parametrize("lang", ["nb", "en"])
async def test_a_vacancys_candidates_pass_axe(visit: Visit, posts, lang: str):
    ola, _ = await candidate_with_profile("ola@example.no")
    kari, _ = await candidate_with_profile("kari@example.no")
    hidden, _ = await candidate_with_profile("per@example.no", visible=False)
    staff = f"staff-{uuid.uuid4().hex[:8]}@norec.no"
    await accounts.create_user(staff, [Role.staff], password=PASSWORD)
    await visit.log_in(staff, lang=lang)
    jpo = posts["unicef-composed-jpo-child-protection"]
    await visit.open(f"/staff/vacancies/{jpo}/candidates?lang={lang}")
    await expect(visit.page.locator(f"#eligible-candidates #candidate-{ola}")).to_be_visible()
    await expect(visit.page.locator(f"#ineligible-candidates #candidate-{kari}")).to_be_visible()
    await expect(visit.page.locator(f"#candidate-{hidden}")).to_have_count(0)
    await visit.screenshot(f"vacancy-candidates-{lang}")


async def test_my_matches_reflow_on_a_phone(tabs, posts):
    """WCAG 1.4.10: at 375 px nothing scrolls sideways but the tables' own regions."""
    from tests.browser.conftest import PHONE

    visit = await tabs.launch(viewport=PHONE)
    _, email = await candidate_with_profile("ola@example.no")
    await visit.log_in(email, lang="nb")
    await visit.open("/me/matches?lang=nb")
    jpo = posts["unicef-composed-jpo-child-protection"]
    await expect(visit.page.locator(f"#match-{jpo}")).to_be_visible()
    width = await visit.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    await visit.screenshot("my-matches-phone-nb")
    await visit.open(f"/me/matches/{jpo}?lang=nb")
    width = await visit.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    await visit.screenshot("my-match-phone-nb")
