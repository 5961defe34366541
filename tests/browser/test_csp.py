"""The Content-Security-Policy in a real browser: every kind of page loads without a
single violation (no inline script or style, nothing from elsewhere), and htmx still
updates the search results under it."""

from __future__ import annotations

from playwright.async_api import ConsoleMessage, expect

from tests.browser.conftest import DemoData, Visit, wait_for_htmx
from tests.browser.test_search import WORD, count_pattern, query_of

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Runs in every document before its own scripts (Playwright injects it past the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


async def watch_csp(visit: Visit) -> list[str]:
    """Console messages about the policy, for the whole visit."""
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            messages.append(message.text)

    visit.page.on("console", on_console)
    await visit.context.add_init_script(RECORD_VIOLATIONS)
    return messages


async def violations(visit: Visit) -> list[str]:
    return await visit.page.evaluate("() => window.__cspViolations")


async def test_no_page_breaks_the_content_security_policy(visit: Visit, demo_data: DemoData):
    console = await watch_csp(visit)
    pages = [
        "/",
        "/vacancies",
        "/vacancies?q=officer&sort=posted",
        f"/vacancies/{demo_data.open_id}",
        f"/vacancies/{demo_data.closed_id}",
        "/organizations",
        "/organizations/UNICEF",
        "/sources",
    ]
    for path in pages:
        response = await visit.open(path)
        assert await response.header_value("content-security-policy") == STRICT_CSP, path
        assert await violations(visit) == [], path

    for path, status in [("/no/such/page", 404), ("/vacancies?sort=random", 400)]:
        response = await visit.page.goto(visit.url(path))
        assert response is not None and response.status == status, path
        assert await response.header_value("content-security-policy") == STRICT_CSP, path
        await visit.check_accessibility()
        assert await violations(visit) == [], path

    # htmx read its configuration and injected no <style> (which the policy would block).
    assert await visit.page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    assert await visit.page.locator("style").count() == 0
    assert console == []


async def test_htmx_updates_the_results_under_the_policy(visit: Visit):
    console = await watch_csp(visit)
    found = await visit.api("/api/vacancies", q=WORD, per_page=100)
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
    assert await visit.document_marker() == marker, "the page was reloaded, not updated by htmx"
    await visit.check_accessibility()

    # A filter checkbox too (hx-trigger="change" on the form).
    await page.locator("input[name=organization]").first.check()
    await page.wait_for_url(lambda url: "organization" in query_of(url))
    await wait_for_htmx(page)
    assert await visit.document_marker() == marker, "the page was reloaded, not updated by htmx"
    await visit.check_accessibility()

    assert await violations(visit) == []
    assert console == []
