"""Keyboard-only use: the skip link comes first, and a search can be made and a vacancy
opened without a mouse, with the focus visible on the way."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import Visit
from tests.browser.test_search import WORD, query_of

# More than the header, the filters and a page of results hold (bounds the Tab walks).
MAX_TAB_STOPS = 200


async def tab_to(page: Page, selector: str) -> Locator:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(MAX_TAB_STOPS):
        await page.keyboard.press("Tab")
        if await page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return page.locator(":focus")
    raise AssertionError(f"{selector} not reached in {MAX_TAB_STOPS} Tab presses")


async def focus_is_visible(element: Locator) -> bool:
    """The focused element draws an outline or a ring (box-shadow)."""
    return await element.evaluate(
        """el => {
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== 'none';
        }"""
    )


async def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(visit: Visit):
    page = visit.page
    await visit.open("/")

    await page.keyboard.press("Tab")

    skip = page.locator(":focus")
    await expect(skip).to_have_attribute("href", "#main")
    # Hidden until focused (clipped to a pixel), then shown in full at the top.
    await expect(skip).to_be_in_viewport()
    box = await skip.bounding_box()
    assert box is not None
    assert box["width"] > 40
    assert box["height"] > 20

    await page.keyboard.press("Enter")

    await expect(page.locator("main#main")).to_be_focused()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.closest('main') !== null")


async def test_search_and_open_a_vacancy_with_the_keyboard_only(visit: Visit):
    found = await visit.api("/api/vacancies", q=WORD, per_page=100)
    page = visit.page
    await visit.open("/vacancies")

    search = await tab_to(page, "#q")
    assert await focus_is_visible(search)
    await page.keyboard.type(WORD)
    await page.keyboard.press("Enter")

    await page.wait_for_url(lambda url: query_of(url).get("q") == [WORD])
    await expect(page.locator("#results ol.results > li")).to_have_count(found["total"])
    await visit.check_accessibility()

    link = await tab_to(page, "#results ol.results > li a[href*='/vacancies/']")
    assert await focus_is_visible(link)
    title = (await link.inner_text()).strip()
    await page.keyboard.press("Enter")

    await page.wait_for_url(lambda url: "/vacancies/" in url and "?" not in url)
    await expect(page.locator("h1")).to_have_text(title)
    await visit.check_accessibility()
