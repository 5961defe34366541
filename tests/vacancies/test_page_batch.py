"""Pages stored in batches: when a batch is handed over, what it waits for, and that
what was read is stored whatever ends the run; closing after a complete listing in
one read; the duplicate search's title test over a whole candidate list."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy
from vacancies.harvest import PageBatch
from vacancies.ingest import (
    PageOutcome,
    PreparedBatch,
    RunCounts,
    SourceIngestor,
    close_after_complete_listing,
    first_similar_title,
    similar_titles,
)
from vacancies.tables import Source, Vacancy

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def record(external_id: str, title: str = "Programme Specialist") -> ScrapedVacancy:
    return ScrapedVacancy(
        external_id=external_id,
        url=f"https://jobs.undp.org/cj_view_job.cfm?cur_job_id={external_id}",
        title=title,
        organization="UNDP",
        grade="P-3",
        duty_station="Nairobi, Kenya",
        deadline=datetime(2026, 12, 15, 23, 59, tzinfo=UTC),
        description_html="<p>Lead the country office's portfolio.</p>",
    )


def page(n: int, *ids: str, unchanged=(), rejected=()) -> ScrapedPage:
    return ScrapedPage(
        url=f"https://jobs.undp.org/listing?page={n}",
        records=[record(i) for i in ids],
        unchanged=list(unchanged),
        rejected=list(rejected),
    )


class FakeIngestor:
    """Records what PageBatch asks of the ingestor, in order; stores can be held back
    or made to fail."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.release: dict[int, asyncio.Event] = {}
        self.fail: set[int] = set()
        self.batches = 0

    async def prepare(self, pages):
        self.batches += 1
        number = self.batches
        self.events.append(f"prepare {number}: " + ",".join(p.url[-1] for p in pages))
        counts = RunCounts(fetched=sum(len(p.records) for p in pages))
        counts.new = counts.fetched
        outcome = PageOutcome(counts, {r.external_id for p in pages for r in p.records}, 0, [])
        batch = PreparedBatch(outcome)
        batch.number = number
        return batch

    async def store(self, batch):
        self.events.append(f"store {batch.number} starts")
        if batch.number in self.release:
            await self.release[batch.number].wait()
        if batch.number in self.fail:
            raise RuntimeError(f"disk full while storing batch {batch.number}")
        self.events.append(f"store {batch.number} done")
        return batch.outcome


def collect(outcomes: list[PageOutcome]):
    return outcomes.append


async def test_small_pages_are_stored_together_up_to_the_record_limit():
    ingestor, outcomes = FakeIngestor(), []
    batch = PageBatch(ingestor, collect(outcomes), max_records=5, monotonic=lambda: 0.0)
    for n, ids in enumerate([("a", "b"), ("c", "d"), ("e", "f"), ("g",)], start=1):
        await batch.add(page(n, *ids))
    await batch.finish()

    # The second batch is prepared before the first one's write had its turn.
    assert ingestor.events == [
        "prepare 1: 1,2,3",
        "prepare 2: 4",
        "store 1 starts",
        "store 1 done",
        "store 2 starts",
        "store 2 done",
    ]
    assert [o.counts.new for o in outcomes] == [6, 1]


async def test_slow_pages_are_stored_as_they_arrive():
    """Fetched politely, seconds apart: each page is handed over on arrival."""
    ingestor, outcomes, now = FakeIngestor(), [], [0.0]

    def monotonic() -> float:
        now[0] += 2.0  # two seconds between pages, as the polite client waits
        return now[0]

    batch = PageBatch(ingestor, collect(outcomes), max_records=500, monotonic=monotonic)
    for n in (1, 2, 3):
        await batch.add(page(n, f"id{n}"))
    await batch.finish()

    prepared = [e for e in ingestor.events if e.startswith("prepare")]
    assert prepared == ["prepare 1: 1", "prepare 2: 2", "prepare 3: 3"]
    assert sum(o.counts.new for o in outcomes) == 3


async def test_a_page_repeating_an_id_of_the_batch_starts_a_new_batch():
    """A listing that shifts while it is paged shows a vacancy twice: the second page
    must see the first stored, so they are not one batch."""
    ingestor, outcomes = FakeIngestor(), []
    batch = PageBatch(ingestor, collect(outcomes), max_records=500, monotonic=lambda: 0.0)
    await batch.add(page(1, "a", "b"))
    await batch.add(page(2, "b", "c"))
    await batch.finish()

    assert ingestor.events[0] == "prepare 1: 1"
    assert ingestor.events[-3:] == ["prepare 2: 2", "store 2 starts", "store 2 done"]


async def test_next_batch_is_prepared_while_the_previous_is_written():
    ingestor, outcomes = FakeIngestor(), []
    ingestor.release[1] = asyncio.Event()
    batch = PageBatch(ingestor, collect(outcomes), max_records=2, monotonic=lambda: 0.0)
    await batch.add(page(1, "a", "b"))  # handed over; its store waits
    await asyncio.sleep(0)
    adding = asyncio.ensure_future(batch.add(page(2, "c", "d")))
    await asyncio.sleep(0)  # prepared meanwhile, then it waits for store 1
    assert ingestor.events == ["prepare 1: 1", "store 1 starts", "prepare 2: 2"]
    assert not adding.done()  # one write at a time, in order

    ingestor.release[1].set()
    await adding
    await batch.finish()
    assert ingestor.events[3:] == ["store 1 done", "store 2 starts", "store 2 done"]
    assert [o.counts.new for o in outcomes] == [2, 2]


async def test_a_batch_sharing_an_id_with_the_one_being_written_waits_for_it():
    ingestor, outcomes = FakeIngestor(), []
    ingestor.release[1] = asyncio.Event()
    batch = PageBatch(ingestor, collect(outcomes), max_records=2, monotonic=lambda: 0.0)
    await batch.add(page(1, "a", "b"))
    await asyncio.sleep(0)
    adding = asyncio.ensure_future(batch.add(page(2, "b", "c")))
    await asyncio.sleep(0)
    assert ingestor.events == ["prepare 1: 1", "store 1 starts"]  # not prepared yet

    ingestor.release[1].set()
    await adding
    await batch.finish()
    assert ingestor.events == [
        "prepare 1: 1",
        "store 1 starts",
        "store 1 done",
        "prepare 2: 2",
        "store 2 starts",
        "store 2 done",
    ]


async def test_a_failed_write_is_raised_and_earlier_batches_stay_counted():
    ingestor, outcomes = FakeIngestor(), []
    ingestor.fail.add(2)
    batch = PageBatch(ingestor, collect(outcomes), max_records=1, monotonic=lambda: 0.0)
    await batch.add(page(1, "a"))
    await batch.add(page(2, "b"))
    with pytest.raises(RuntimeError, match="disk full while storing batch 2"):
        await batch.finish()
    assert [o.counts.new for o in outcomes] == [1]


async def add_source(source_id: str) -> None:
    await Source.insert(
        Source(id=source_id, name=source_id, adapter="oracle_recruiting", base_url="https://x.test")
    )


async def test_shifted_listing_counts_the_repeated_vacancy_once_as_new(db):
    """Stored through the real ingestor: page 2 repeats "b" from page 1."""
    await add_source("undp-oracle")
    outcomes: list[PageOutcome] = []
    ingestor = SourceIngestor("undp-oracle", now=NOW)
    batch = PageBatch(ingestor, outcomes.append, max_records=500)
    await batch.add(page(1, "a", "b"))
    await batch.add(
        page(2, "b", "c", rejected=[RejectedRecord(external_id="d", reason="no title")])
    )
    await batch.finish()

    totals = {key: sum(getattr(o.counts, key) for o in outcomes) for key in ("new", "unchanged")}
    assert totals == {"new": 3, "unchanged": 1}
    assert sum(o.counts.fetched for o in outcomes) == 5
    assert sum(len(o.rejections) for o in outcomes) == 1
    rows = await Vacancy.select(Vacancy.external_id).where(Vacancy.source == "undp-oracle")
    assert sorted(r["external_id"] for r in rows) == ["a", "b", "c"]


async def test_pages_before_a_failure_are_stored(db):
    await add_source("undp-oracle")
    outcomes: list[PageOutcome] = []
    batch = PageBatch(SourceIngestor("undp-oracle", now=NOW), outcomes.append)

    async def listing():
        yield page(1, "a", "b")
        yield page(2, "c")
        raise ConnectionError("connection reset on page 3")

    with pytest.raises(ConnectionError):
        try:
            async for p in listing():
                await batch.add(p)
        finally:
            await batch.finish()
    assert await Vacancy.count().where(Vacancy.source == "undp-oracle") == 3
    assert sum(o.counts.new for o in outcomes) == 3


async def test_closing_after_a_complete_listing_reads_once_and_gives_each_reason(db):
    await add_source("undp-oracle")
    ingestor = SourceIngestor("undp-oracle", now=NOW - timedelta(days=30))
    await ingestor.ingest_page(page(1, "kept", "gone", "expired"))
    await Vacancy.update({Vacancy.deadline: NOW - timedelta(hours=1)}).where(
        Vacancy.external_id == "expired"
    )

    closed = await close_after_complete_listing("undp-oracle", {"kept", "expired"}, now=NOW)

    assert closed == 2
    rows = await Vacancy.select(
        Vacancy.external_id, Vacancy.status, Vacancy.closed_reason
    ).order_by(Vacancy.external_id)
    assert [(r["external_id"], r["status"], r["closed_reason"]) for r in rows] == [
        ("expired", "closed", "deadline"),
        ("gone", "closed", "missing"),
        ("kept", "open", None),
    ]


TITLES = [
    "programme specialist nairobi",
    "programme specialist",
    "senior programme specialist nairobi kenya",
    "specialist programme nairobi",
    "finance associate",
    "associate finance",
    "ict officer",
    "programme specialist nairobi office",
    "programme analyst",
    "",
]


@pytest.mark.parametrize("key", TITLES)
def test_first_similar_title_is_the_first_that_similar_titles_accepts(key):
    expected = next((i for i, other in enumerate(TITLES) if similar_titles(key, other)), None)
    assert first_similar_title(key, TITLES) == expected
    # Order decides: the same list reversed gives the last accepted one first.
    reversed_titles = TITLES[::-1]
    expected = next((i for i, o in enumerate(reversed_titles) if similar_titles(key, o)), None)
    assert first_similar_title(key, reversed_titles) == expected


def test_first_similar_title_finds_none_in_unrelated_titles():
    assert first_similar_title("ict officer", ["finance associate", "programme analyst"]) is None
