"""Every search has a feed: the page links to an Atom feed of the same search, and the
same search is offered as RSS."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import feedparser
from playwright.async_api import expect

from tests.browser.conftest import Visit
from tests.browser.test_search import query_of


async def fetch_feed(visit: Visit, url: str) -> feedparser.FeedParserDict:
    response = await visit.context.request.get(url)
    assert response.status == 200, f"GET {url}: {response.status}"
    feed = feedparser.parse(await response.body())
    assert not feed.bozo, f"{url} does not parse: {feed.bozo_exception}"
    return feed


async def test_the_feed_link_gives_the_search_as_atom_and_rss(visit: Visit):
    found = await visit.api("/api/vacancies", organization="UNICEF", per_page=100)
    titles = {item["title"] for item in found["items"]}
    # An entry links to the vacancy's page on the portal or to where it is advertised.
    links = {visit.url(f"/vacancies/{item['id']}") for item in found["items"]}
    links |= {item["url"] for item in found["items"]}
    page = visit.page
    await visit.open("/vacancies?organization=UNICEF")

    link = page.locator("#feed-link")
    await expect(link).to_be_visible()
    href = urljoin(page.url, await link.get_attribute("href"))
    assert urlsplit(href).path == "/vacancies/feed.atom"
    assert query_of(href).get("organization") == ["UNICEF"]

    atom = await fetch_feed(visit, href)

    assert atom.version == "atom10"
    assert atom.entries, "the feed has no entries"
    assert {entry.title for entry in atom.entries} <= titles
    assert {entry.link for entry in atom.entries} <= links

    rss = await fetch_feed(visit, href.replace("/feed.atom", "/feed.rss"))

    assert rss.version == "rss20"
    assert [entry.title for entry in rss.entries] == [entry.title for entry in atom.entries]
