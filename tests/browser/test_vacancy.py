"""A vacancy's own page: reached from the results, with the way to apply at the source;
a closed vacancy stays readable and says that it is closed."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser.conftest import DemoData, Visit
from tests.browser.test_search import VACANCY_HREF


async def test_opening_a_result_shows_the_vacancy_with_its_apply_link(visit: Visit):
    page = visit.page
    await visit.open("/vacancies")
    link = page.locator("#results ol.results > li").first.locator("a[href*='/vacancies/']").first
    title = (await link.inner_text()).strip()
    vacancy_id = int(VACANCY_HREF.search(await link.get_attribute("href")).group(1))

    await link.click()

    await page.wait_for_url(visit.url(f"/vacancies/{vacancy_id}"))
    await visit.check_accessibility()
    vacancy = await visit.api(f"/api/vacancies/{vacancy_id}")
    await expect(page.locator("h1")).to_have_text(title)
    assert title == vacancy["title"]
    await expect(page.locator("#apply-link")).to_have_attribute("href", vacancy["url"])
    await expect(page.locator("#closed-notice")).to_have_count(0)
    await visit.screenshot("vacancy")


async def test_a_closed_vacancy_says_so(visit: Visit, demo_data: DemoData):
    vacancy = await visit.api(f"/api/vacancies/{demo_data.closed_id}")
    assert vacancy["status"] == "closed"

    await visit.open(f"/vacancies/{demo_data.closed_id}")

    page = visit.page
    await expect(page.locator("h1")).to_have_text(vacancy["title"])
    await expect(page.locator("#closed-notice")).to_be_visible()
    await visit.screenshot("vacancy-closed")


async def test_jpo_posts_are_found_by_their_filter_and_say_who_may_apply(visit: Visit):
    found = await visit.api("/api/vacancies", jpo="true", per_page=100)
    assert found["total"] == 2  # two UNICEF JPO posts in the recorded feed
    page = visit.page
    await visit.open("/vacancies?jpo=true")
    await expect(page.locator("#result-count")).to_have_text(f"{found['total']} stillinger")
    await visit.check_accessibility()
    await visit.screenshot("search-jpo")

    accra = next(item for item in found["items"] if "Accra" in item["title"])
    await visit.open(f"/vacancies/{accra['id']}")

    badges = page.locator("#jpo-badges")
    await expect(badges).to_contain_text("JPO")
    await expect(badges).to_contain_text("Kun for norske statsborgere")
    await visit.check_accessibility()
    await visit.screenshot("vacancy-jpo")


async def test_what_the_post_asks_for_links_each_line_to_its_words(visit: Visit):
    found = await visit.api("/api/vacancies", q="WASH Knowledge Management")
    intern = next(item for item in found["items"] if item["title"].startswith("National Intern"))
    detail = await visit.api(f"/api/vacancies/{intern['id']}")
    asked = detail["requirements"]
    assert [skill["label"] for skill in asked["skills"]] == [
        "Water, sanitation and hygiene",
        "Knowledge management",
        "Information management",
        "Data management",
    ]
    page = visit.page
    await visit.open(f"/vacancies/{intern['id']}?lang=en")
    section = page.locator("#requirements")
    await expect(section.locator("h2")).to_have_text("What the post asks for")
    await expect(section.locator("dt")).to_have_text(["Grade and contract", "Skills", "Job family"])
    await expect(section.locator("dd").nth(1).locator("li")).to_have_count(4)

    # Following a line's link brings its words into view, highlighted and focusable.
    link = section.locator("a.evidence-link").nth(0)
    target = (await link.get_attribute("href")).removeprefix("#")
    await link.click()
    mark = page.locator(f"mark#{target}")
    await expect(mark).to_be_in_viewport()
    assert page.url.endswith(f"#{target}")
    first = asked["mentions"][0]["evidence"]["text"]
    await expect(mark).to_have_text(first)
    await visit.check_accessibility()
    await visit.screenshot("vacancy-requirements")
