"""Cross-source duplicates when two sources of one organisation are harvested at the
same time (scheduler jobs, ``portal harvest`` with several workers): each harvest reads
the organisation's pool before the other has stored its copy of the post."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from datetime import UTC, datetime

import pytest

from scrapers.records import ScrapedPage
from tests.vacancies.test_ingest import NOW, add_source, stored, unicef_record
from vacancies.db import engine
from vacancies.ingest import DuplicateIndex, SourceIngestor, close_missing, lock_organizations


def page(*records) -> ScrapedPage:
    return ScrapedPage(url="https://x.test/", records=list(records), is_last=True)


def aggregated(external_id: str = "4133781", **changes):
    """The UNICEF post of ``unicef_record`` as ReliefWeb carries it."""
    fields = {
        "url": f"https://reliefweb.int/job/{external_id}",
        "title": "Programme Specialist (Portfolio Strategist), P3, Stockholm",
        "organization": "United Nations Children's Fund",
        "deadline": datetime(2026, 12, 16, 5, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return unicef_record(external_id, **fields)


async def two_sources() -> tuple[SourceIngestor, SourceIngestor]:
    await add_source("unicef-rss")
    await add_source("reliefweb", adapter="reliefweb")
    return SourceIngestor("unicef-rss", now=NOW), SourceIngestor("reliefweb", now=NOW)


async def test_a_copy_stored_after_the_pool_was_read_is_still_linked(db):
    unicef, reliefweb = await two_sources()
    # Both harvests read UNICEF's pool (empty) before either stores.
    first = await unicef.prepare([page(unicef_record("591530"))])
    second = await reliefweb.prepare([page(aggregated())])
    assert second.new_rows[0]["canonical"] is None

    await unicef.store(first)
    outcome = await reliefweb.store(second)

    original = await stored("unicef-rss", "591530")
    assert original["canonical"] is None
    assert (await stored("reliefweb", "4133781"))["canonical"] == original["id"]
    assert outcome.counts.new == 1


async def test_what_was_stored_meanwhile_is_pooled_for_the_next_batches(db):
    unicef, reliefweb = await two_sources()
    await reliefweb.prepare([page(aggregated("1", title="Supply Chain Officer, P-2"))])
    await unicef.ingest_page(page(unicef_record("591530")))
    await reliefweb.store(await reliefweb.prepare([page(aggregated("2", title="Driver, G-2"))]))

    # The next batch finds the UNICEF post while preparing, without waiting to store.
    third = await reliefweb.prepare([page(aggregated("3"))])

    original = await stored("unicef-rss", "591530")
    assert third.new_rows[0]["canonical"] == original["id"]
    assert third.unlinked == []


async def test_copies_stored_meanwhile_that_do_not_qualify_are_not_linked(db):
    unicef, reliefweb = await two_sources()
    second = await reliefweb.prepare(
        [page(aggregated("1"), aggregated("2", title="Supply Chain Officer, P-2", grade="P-2"))]
    )
    # Stored meanwhile: another grade of the second post, and the first post, which its
    # source's next complete listing no longer carries (closed).
    await unicef.ingest_page(
        page(
            unicef_record("591530"),
            unicef_record("591531", title="Supply Chain Officer, P-2", grade="P-3"),
        )
    )
    assert await close_missing("unicef-rss", {"591531"}, now=NOW) == 1

    await reliefweb.store(second)

    assert (await stored("reliefweb", "1"))["canonical"] is None
    assert (await stored("reliefweb", "2"))["canonical"] is None


async def test_two_harvests_storing_the_same_post_at_once_link_it_once(db, monkeypatch):
    """Both transactions run at once. Each, having read what was stored meanwhile,
    waits (up to half a second) for the other to have read too: without the
    organisation lock both would then read before either commits, find nothing and
    neither would link. With it, the second waits for the first to commit."""
    unicef, reliefweb = await two_sources()
    first = await unicef.prepare([page(unicef_record("591530"))])
    second = await reliefweb.prepare([page(aggregated())])
    read = {"unicef-rss": asyncio.Event(), "reliefweb": asyncio.Event()}
    catch_up = DuplicateIndex.catch_up

    async def catch_up_then_wait(self, acronyms):
        fresh = await catch_up(self, acronyms)
        read[self.exclude_source].set()
        other = next(event for source, event in read.items() if source != self.exclude_source)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(other.wait(), 0.5)
        return fresh

    monkeypatch.setattr(DuplicateIndex, "catch_up", catch_up_then_wait)

    await asyncio.gather(unicef.store(first), reliefweb.store(second))

    a = await stored("unicef-rss", "591530")
    b = await stored("reliefweb", "4133781")
    links = {a["canonical"], b["canonical"]}
    assert links in ({None, a["id"]}, {None, b["id"]}), links
    assert (b["canonical"] == a["id"]) != (a["canonical"] == b["id"])


@pytest.mark.postgres_only  # SQLite: a read sees a snapshot, one transaction writes
async def test_reading_a_pool_waits_for_a_harvest_storing_that_organisation(db):
    """A harvest storing UNICEF vacancies holds their ids uncommitted while another
    organisation's vacancies may commit with higher ids. A pool read then, without
    waiting, would note the higher id as read and never look below it again."""
    unicef, reliefweb = await two_sources()
    await unicef.ingest_page(page(unicef_record("591530")))
    outside = contextvars.copy_context()  # the reading task's queries: not in ours
    async with engine().transaction():
        await lock_organizations(["UNICEF"])  # as a harvest's store holds it
        reading = asyncio.create_task(reliefweb.prepare([page(aggregated())]), context=outside)
        await asyncio.sleep(0.3)
        assert not reading.done()
    second = await reading

    assert second.new_rows[0]["canonical"] == (await stored("unicef-rss", "591530"))["id"]
