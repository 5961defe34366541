"""Every page: in each language with zero axe violations, on a phone without sideways
scrolling; the organisation and source pages show what the API knows."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from portal.web.i18n import LOCALES
from tests.browser.conftest import PHONE, DemoData, Tabs, Visit
from tests.browser.test_search import VACANCY_HREF

PAGES = {
    "home": "/",
    "search": "/vacancies",
    "search-filtered": "/vacancies?q=programme&organization=UNICEF&sort=posted",
    "vacancy": "/vacancies/{open_id}",
    "vacancy-closed": "/vacancies/{closed_id}",
    "organizations": "/organizations",
    "organization": "/organizations/UNICEF",
    "sources": "/sources",
}

# The page's width against the screen's, and the elements that stick out: boxes reaching
# past the right edge, or boxes whose content (a long word, say) is wider than they are.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 0.5
            || (el.scrollWidth > el.clientWidth + 1
                && getComputedStyle(el).overflowX === 'visible'
                && el.getBoundingClientRect().left + el.scrollWidth > width + 0.5))
        .slice(0, 5)
        .map(el => `${name(el)} "${el.textContent.trim().slice(0, 40)}"`);
    return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


def path_of(name: str, demo_data: DemoData) -> str:
    return PAGES[name].format(open_id=demo_data.open_id, closed_id=demo_data.closed_id)


@pytest.mark.parametrize("name", PAGES)
async def test_page_passes_axe_in_every_language(visit: Visit, demo_data: DemoData, name: str):
    path = path_of(name, demo_data)
    separator = "&" if "?" in path else "?"
    for lang in LOCALES:
        await visit.open(f"{path}{separator}lang={lang}")

        await expect(visit.page.locator("html")).to_have_attribute("lang", lang)
        await expect(visit.page.locator("h1")).to_have_count(1)
        await expect(visit.page.locator("main#main")).to_have_count(1)


@pytest.mark.parametrize("name", PAGES)
async def test_page_fits_a_phone_screen(tabs: Tabs, demo_data: DemoData, name: str):
    phone = await tabs.launch(viewport=PHONE, is_mobile=True, has_touch=True)

    await phone.open(path_of(name, demo_data))

    layout = await phone.page.evaluate(OVERFLOW)
    assert layout["width"] == PHONE["width"]
    assert layout["scrollWidth"] <= layout["width"], f"wider than the screen: {layout['wide']}"
    await phone.screenshot(f"phone-{name}")


async def test_organisations_lead_to_their_open_vacancies(visit: Visit, demo_data: DemoData):
    found = await visit.api("/api/vacancies", organization="UNICEF", per_page=100)
    page = visit.page
    await visit.open("/organizations")
    await visit.screenshot("organizations")

    await page.locator('#main a[href="/organizations/UNICEF"]').click()

    await page.wait_for_url(visit.url("/organizations/UNICEF"))
    await visit.check_accessibility()
    await expect(page.locator("h1")).to_contain_text("UNICEF")
    hrefs = await page.locator("#main a[href*='/vacancies/']").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    listed = {int(m.group(1)) for m in map(VACANCY_HREF.search, hrefs) if m}
    assert listed, "no vacancy listed"
    assert listed <= {item["id"] for item in found["items"]}
    assert demo_data.closed_id not in listed
    await visit.screenshot("organization")


async def test_sources_page_lists_every_source_with_its_last_run(visit: Visit):
    sources = await visit.api("/api/sources")

    await visit.open("/sources")

    main = visit.page.locator("#main")
    for source in sources:
        await expect(main).to_contain_text(source["name"])
    harvested = [s for s in sources if s["last_run"]]
    assert harvested, "the sample sources have been harvested"
    for source in harvested:
        row = main.locator("tr").filter(has_text=source["name"])
        await expect(row).to_have_count(1)
        run = source["last_run"]
        fetched_then_new = rf"(?<!\d){run['fetched']}(?!\d)[\s\S]*(?<!\d){run['new']}(?!\d)"
        await expect(row).to_contain_text(re.compile(fetched_then_new))
    await visit.screenshot("sources")
