"""The pages speak Bokmål (default), Nynorsk and English; a person's choice is kept."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from portal.web.i18n import translations
from tests.browser.conftest import Visit


async def english_heading(visit: Visit) -> str:
    """The home page's heading in the source language (asked for without a cookie)."""
    response = await visit.context.request.get(visit.url("/"), headers={"Accept-Language": "en"})
    assert response.status == 200
    html = await response.text()
    start = html.index("<h1")
    return html[html.index(">", start) + 1 : html.index("</h1>", start)].strip()


async def test_home_page_is_in_bokmal_for_a_norwegian_browser(visit: Visit):
    await visit.open("/")

    await expect(visit.page.locator("html")).to_have_attribute("lang", "nb")
    await expect(visit.page.locator('header nav a[hreflang="nb"]')).to_have_attribute(
        "aria-current", "true"
    )


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
async def test_home_page_in_each_language(visit: Visit, lang: str):
    source_heading = await english_heading(visit)

    await visit.open(f"/?lang={lang}")

    page = visit.page
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    await expect(page.locator("h1")).to_have_text(translations(lang).gettext(source_heading))
    if lang != "en":
        await expect(page.locator("h1")).not_to_have_text(source_heading)
    await expect(page.locator(f'header nav a[hreflang="{lang}"]')).to_have_attribute(
        "aria-current", "true"
    )
    await expect(page.locator("#main")).to_be_visible()
    await visit.screenshot(f"home-{lang}")


async def test_language_switch_changes_the_page_and_is_remembered(visit: Visit):
    page = visit.page
    await visit.open("/vacancies")
    await expect(page.locator("html")).to_have_attribute("lang", "nb")
    switch = page.locator("header nav").filter(has=page.locator("a[hreflang]"))
    await expect(switch).to_have_attribute("aria-label", re.compile(r"\S"))

    await switch.locator('a[hreflang="en"]').click()

    await expect(page.locator("html")).to_have_attribute("lang", "en")
    assert visit.path.startswith("/vacancies")
    await visit.check_accessibility()
    cookies = {c["name"]: c["value"] for c in await visit.context.cookies(visit.base_url)}
    assert cookies["portal_lang"] == "en"

    # The next page, reached without any language in its URL, stays in English.
    await page.locator('header a[href="/organizations"]').click()
    await page.wait_for_url(visit.url("/organizations"))
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await visit.check_accessibility()

    # So does a later visit to the home page in the same browser.
    await visit.open("/")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator('header nav a[hreflang="en"]')).to_have_attribute(
        "aria-current", "true"
    )
