"""Searching vacancies: full text, filters, pages. With scripts, htmx swaps the results
in place and puts the search in the URL; without scripts, the form does the same with
full page loads. What the page lists is what the JSON API finds for the same search.
The filters sit beside the results on wide screens and are folded away (a disclosure,
closed until opened) on phones; a status region announces the new count after an update."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE, Tabs, Visit, wait_for_htmx

# A word a handful of the sample vacancies contain: all its hits fit on one page.
WORD = "climate"
VACANCY_HREF = re.compile(r"/vacancies/(\d+)$")


async def result_ids(page: Page) -> list[int]:
    """The vacancies listed in #results, in order."""
    hrefs = await page.locator("#results ol.results > li").evaluate_all(
        """items => items.map(li => {
            const link = [...li.querySelectorAll('a[href]')]
                .find(a => /\\/vacancies\\/\\d+$/.test(new URL(a.href).pathname));
            return link ? new URL(link.href).pathname : null;
        })"""
    )
    assert None not in hrefs, f"a result without a link to its vacancy: {hrefs}"
    return [int(VACANCY_HREF.search(href).group(1)) for href in hrefs]


def count_pattern(total: int) -> re.Pattern[str]:
    return re.compile(rf"(^|\D){total}(\D|$)")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def vacancies(total: int) -> str:
    """The result count as the page says it in Bokmål (the tabs' language)."""
    return f"{total} stilling" if total == 1 else f"{total} stillinger"


async def test_search_page_lists_open_vacancies_closing_first(visit: Visit):
    page = visit.page
    await visit.open("/vacancies")

    form = page.locator("form#filters[role=search]")
    await expect(form).to_have_attribute("action", "/vacancies")
    await expect(form).to_have_attribute("method", re.compile("^get$", re.IGNORECASE))
    await expect(page.locator("[aria-live]")).to_have_count(0)
    await expect(page.locator("[role=status]")).to_have_count(1)
    await expect(page.locator("#search-status[role=status]")).to_have_text("")
    await expect(page.locator("select[name=sort]")).to_have_value("deadline")
    listed = await result_ids(page)
    found = await visit.api("/api/vacancies", sort="deadline", per_page=len(listed))
    assert listed == [item["id"] for item in found["items"]]
    await expect(page.locator("#result-count")).to_have_text(count_pattern(found["total"]))
    await visit.screenshot("search")


async def test_typing_a_word_updates_the_results_without_reloading_the_page(visit: Visit):
    found = await visit.api("/api/vacancies", q=WORD, per_page=100)
    assert 0 < found["total"] < 20, "the sample data should give one page of hits"
    page = visit.page
    await visit.open("/vacancies")
    before = await page.locator("#results").inner_html()
    marker = await visit.mark_document()

    await page.locator("#q").press_sequentially(WORD)
    await page.locator("#q").press("Enter")

    await page.wait_for_url(lambda url: query_of(url).get("q") == [WORD])
    await expect(page.locator("#result-count")).to_have_text(count_pattern(found["total"]))
    await wait_for_htmx(page)
    assert await page.locator("#results").inner_html() != before
    assert await visit.document_marker() == marker, "the page was reloaded"
    assert set(await result_ids(page)) == {item["id"] for item in found["items"]}
    await expect(page.locator("#q")).to_have_value(WORD)
    await visit.check_accessibility()
    await visit.screenshot("search-word")


async def test_a_checked_filter_narrows_the_results_and_shows_its_count(visit: Visit):
    found = await visit.api("/api/vacancies", organization="IDB", per_page=100)
    assert 0 < found["total"] < 20
    page = visit.page
    await visit.open("/vacancies")
    marker = await visit.mark_document()
    checkbox = page.locator('#filters input[type=checkbox][name=organization][value="IDB"]')
    label = await checkbox.evaluate("box => box.labels[0].textContent")
    assert count_pattern(found["total"]).search(label), f"no count in the label {label!r}"

    await checkbox.check()

    await page.wait_for_url(lambda url: query_of(url).get("organization") == ["IDB"])
    await expect(page.locator("#result-count")).to_have_text(count_pattern(found["total"]))
    await wait_for_htmx(page)
    assert await visit.document_marker() == marker, "the page was reloaded"
    assert set(await result_ids(page)) == {item["id"] for item in found["items"]}
    await expect(checkbox).to_be_checked()
    await expect(checkbox).to_be_focused()
    await expect(page.locator("#search-status")).to_have_text(vacancies(found["total"]))
    await expect(page.locator("#results-main")).not_to_have_attribute("aria-busy", "true")
    await visit.check_accessibility()
    await visit.screenshot("search-filtered")

    # Back to the unfiltered list, from htmx's history: not left marked as updating.
    await page.go_back()

    await page.wait_for_url(lambda url: "organization" not in query_of(url))
    await expect(checkbox).not_to_be_checked()
    await expect(page.locator("#results-main")).not_to_have_attribute("aria-busy", "true")
    await expect(page.locator("#filter-panel")).to_have_attribute("open", "")
    assert await visit.document_marker() == marker, "the page was reloaded"
    await visit.check_accessibility()


async def test_next_page_continues_the_list(visit: Visit):
    page = visit.page
    await visit.open("/vacancies")
    first = await result_ids(page)
    sort = await page.locator("select[name=sort]").input_value()
    everything = await visit.api("/api/vacancies", sort=sort, per_page=len(first))
    assert everything["total"] > len(first), "the sample data should fill more than a page"

    await page.locator('a[rel="next"]').click()

    await page.wait_for_url(lambda url: query_of(url).get("page") == ["2"])
    await wait_for_htmx(page)
    second_page = await visit.api("/api/vacancies", sort=sort, per_page=len(first), page=2)
    assert await result_ids(page) == [item["id"] for item in second_page["items"]]
    previous = page.locator('a[rel="prev"]')
    await expect(previous).to_have_count(1)
    assert query_of(await previous.get_attribute("href")).get("page", ["1"]) == ["1"]
    # The link followed is gone: the focus goes to the count, which is read out there.
    await expect(page.locator("#result-count")).to_be_focused()
    await expect(page.locator("#search-status")).to_have_text("")
    await visit.check_accessibility()


async def test_a_search_url_can_be_bookmarked(visit: Visit):
    found = await visit.api("/api/vacancies", q="programme", organization="UNICEF", per_page=100)
    assert 0 < found["total"] < 20
    page = visit.page

    await visit.open("/vacancies?q=programme&organization=UNICEF")

    await expect(page.locator("#q")).to_have_value("programme")
    await expect(page.locator('#filters input[name=organization][value="UNICEF"]')).to_be_checked()
    await expect(page.locator("#result-count")).to_have_text(count_pattern(found["total"]))
    assert set(await result_ids(page)) == {item["id"] for item in found["items"]}


async def test_search_works_without_javascript(tabs: Tabs):
    checker = await tabs.launch()
    plain = await tabs.launch(checker=checker, java_script_enabled=False)
    found = await plain.api("/api/vacancies", q=WORD, per_page=100)
    page = plain.page
    await plain.open("/vacancies")

    await page.locator("#q").fill(WORD)
    async with page.expect_navigation():
        await page.locator("#q").press("Enter")

    assert query_of(page.url).get("q") == [WORD]
    assert urlsplit(page.url).path == "/vacancies"
    await expect(page.locator("#result-count")).to_have_text(count_pattern(found["total"]))
    assert set(await result_ids(page)) == {item["id"] for item in found["items"]}
    await plain.check_accessibility()


# --- The filters: beside the results on wide screens, folded away on phones -------------


async def test_on_a_wide_screen_the_filters_are_shown_without_a_toggle(visit: Visit):
    page = visit.page
    await visit.open("/vacancies")

    panel = page.locator("#filters details#filter-panel")
    await expect(panel).to_have_attribute("open", "")
    await expect(panel.locator("summary")).to_be_hidden()
    await expect(panel.locator("#facet-groups h2")).to_be_visible()
    checkbox = panel.locator('input[name=organization][value="IDB"]')
    await expect(checkbox).to_be_visible()
    # Beside the results, to their left.
    filters, results = page.locator("#facet-groups"), page.locator("#results-main")
    assert (await filters.bounding_box())["x"] < (await results.bounding_box())["x"]

    await checkbox.check()

    await page.wait_for_url(lambda url: query_of(url).get("organization") == ["IDB"])
    await wait_for_htmx(page)
    await expect(panel).to_have_attribute("open", "")
    await expect(panel.locator("summary")).to_be_hidden()
    await expect(checkbox).to_be_visible()
    await visit.check_accessibility()


async def test_on_a_phone_the_filters_are_folded_away_above_the_results(tabs: Tabs):
    # With motion: the filters slide open, and "Show results" must fold them at once.
    phone = await tabs.launch(
        viewport=PHONE, is_mobile=True, has_touch=True, reduced_motion="no-preference"
    )
    page = phone.page
    found = await phone.api("/api/vacancies", organization="IDB", per_page=100)
    await phone.open("/vacancies")

    panel = page.locator("#filters details#filter-panel")
    toggle = panel.locator("summary")
    checkbox = panel.locator('input[name=organization][value="IDB"]')
    first = page.locator("#results ol.results > li").first
    await expect(panel).not_to_have_attribute("open", re.compile(".*"))
    await expect(toggle).to_have_text("Filtrer")
    await expect(page.locator("#facet-groups")).to_be_hidden()
    # The first vacancy starts on the first screen: its title is there without scrolling.
    await expect(first.locator("h3")).to_be_in_viewport(ratio=1)
    assert await page.evaluate("window.scrollY") == 0
    await phone.screenshot("phone-search-filters-closed")

    await toggle.tap()

    await expect(panel).to_have_attribute("open", "")
    await expect(checkbox).to_be_visible()
    await phone.check_accessibility()
    await phone.screenshot("phone-search-filters-open")

    await checkbox.tap()

    await page.wait_for_url(lambda url: query_of(url).get("organization") == ["IDB"])
    await wait_for_htmx(page)
    await expect(page.locator("#search-status")).to_have_text(vacancies(found["total"]))
    await expect(panel).to_have_attribute("open", "")
    await expect(checkbox).to_be_checked()
    await expect(checkbox).to_be_visible()
    await expect(checkbox).to_be_focused()
    await expect(toggle).to_have_text("Filtrer (1 valgt)")
    await phone.check_accessibility()
    await phone.screenshot("phone-search-filters-chosen")

    # "Show results" folds the filters away and takes the reader to the results.
    await page.locator("#show-results").tap()

    await wait_for_htmx(page)
    await expect(panel).not_to_have_attribute("open", re.compile(".*"))
    await expect(page.locator("#result-count")).to_be_focused()
    await expect(page.locator("#result-count")).to_be_in_viewport()
    await expect(page.locator("#result-count")).to_have_text(vacancies(found["total"]))
    await expect(first.locator("h3")).to_be_in_viewport()
    assert set(await result_ids(page)) == {item["id"] for item in found["items"]}
    await phone.check_accessibility()


async def test_the_filters_toggle_works_with_the_keyboard(visit: Visit):
    page = visit.page
    await page.set_viewport_size(PHONE)
    await visit.open("/vacancies")
    panel = page.locator("#filter-panel")
    await expect(panel).not_to_have_attribute("open", re.compile(".*"))

    await page.locator("#filter-panel > summary").focus()
    await page.keyboard.press("Enter")

    first = page.locator("#facet-groups input").first
    await expect(panel).to_have_attribute("open", "")
    await expect(first).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(first).to_be_focused()
    await page.keyboard.press("Space")

    await wait_for_htmx(page)
    await expect(panel).to_have_attribute("open", "")
    await expect(first).to_be_focused()
    await expect(first).to_be_checked()
    await visit.check_accessibility()


async def test_filters_work_without_javascript_on_a_phone(tabs: Tabs):
    checker = await tabs.launch(viewport=PHONE)
    plain = await tabs.launch(
        checker=checker, java_script_enabled=False, viewport=PHONE, is_mobile=True
    )
    found = await plain.api("/api/vacancies", organization="IDB", per_page=100)
    page = plain.page
    await plain.open("/vacancies")
    panel = page.locator("#filter-panel")
    await expect(panel).not_to_have_attribute("open", re.compile(".*"))
    await expect(page.locator("#results ol.results > li h3").first).to_be_in_viewport(ratio=1)

    await panel.locator("summary").click()
    await page.locator('#facet-groups input[name=organization][value="IDB"]').check()
    async with page.expect_navigation():
        await page.locator("#show-results").click()

    assert query_of(page.url).get("organization") == ["IDB"]
    await expect(page.locator("#result-count")).to_have_text(vacancies(found["total"]))
    assert set(await result_ids(page)) == {item["id"] for item in found["items"]}
    await expect(panel.locator("summary")).to_have_text("Filtrer (1 valgt)")
    await plain.check_accessibility()


async def test_filters_work_without_javascript_on_a_wide_screen(tabs: Tabs):
    checker = await tabs.launch()
    plain = await tabs.launch(checker=checker, java_script_enabled=False)
    page = plain.page
    await plain.open("/vacancies")
    panel = page.locator("#filter-panel")
    toggle = panel.locator("summary")
    # Without scripts nothing opens it: the toggle shows until it is used.
    await expect(toggle).to_be_visible()

    await toggle.click()

    await expect(panel).to_have_attribute("open", "")
    await expect(toggle).to_be_hidden()
    await expect(
        page.locator('#facet-groups input[name=organization][value="IDB"]')
    ).to_be_visible()
