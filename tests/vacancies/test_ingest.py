"""Ingestion: upsert, change detection, rejection, closing, cross-source duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy
from tests.helpers import vacancy_write_marks
from vacancies.ingest import SourceIngestor, close_expired, close_missing
from vacancies.normalize import resolve_organization
from vacancies.tables import Source, Vacancy

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=6)


def unicef_record(external_id: str = "591530", **changes) -> ScrapedVacancy:
    fields = {
        "external_id": external_id,
        "url": f"https://careers.pageuppeople.com/671/cw/en-us/job/{external_id}",
        "title": "Programme Specialist (Portfolio Strategist), P-3, TA (364 days), "
        "Office of Innovation-Stockholm, Sweden",
        "organization": "UNICEF",
        "grade": "P-3",
        "duty_station": "Stockholm, Sweden",
        "posted_at": datetime(2026, 11, 6, 8, 0, tzinfo=timezone(timedelta(hours=1))),
        "deadline": datetime(2026, 12, 15, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        "description_html": "<p>The UNICEF <b>Venture Fund</b> is seeking a Programme "
        "Specialist.</p><ul><li>Manage the portfolio</li><li>Track performance</li></ul>",
    }
    fields.update(changes)
    return ScrapedVacancy(**fields)


async def add_source(source_id: str, adapter: str = "rss") -> None:
    await Source.insert(
        Source(id=source_id, name=source_id, adapter=adapter, base_url=f"https://{source_id}.test/")
    )


async def ingest(source_id: str, records, *, now=NOW, rejected=(), is_last=True):
    ingestor = SourceIngestor(source_id, now=now)
    page = ScrapedPage(
        url="https://x.test/", records=list(records), rejected=list(rejected), is_last=is_last
    )
    return await ingestor.ingest_page(page)


async def stored(source_id: str, external_id: str) -> dict:
    return (
        await Vacancy.select()
        .where(Vacancy.source == source_id, Vacancy.external_id == external_id)
        .output(load_json=True)
        .first()
    )


async def test_new_record_is_stored_normalised(db):
    await add_source("unicef-rss")
    outcome = await ingest("unicef-rss", [unicef_record()])

    assert outcome.counts.as_dict() == {
        "fetched": 1,
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "closed": 0,
        "rejected": 0,
    }
    row = await stored("unicef-rss", "591530")
    assert row["title"].startswith("Programme Specialist (Portfolio Strategist), P-3")
    assert row["organization_acronym"] == "UNICEF"
    assert row["organization_name"] == resolve_organization("UNICEF").name
    assert row["grade"] == "P-3"
    assert row["category"] == "professional"
    assert row["country"] == "SWE"
    assert row["posted_at"] == datetime(2026, 11, 6, 7, 0, tzinfo=UTC)
    assert row["deadline"] == datetime(2026, 12, 16, 4, 59, tzinfo=UTC)
    assert "<" not in row["description"]
    assert "Venture Fund" in row["description"]
    assert row["status"] == "open"
    assert row["first_seen"] == NOW
    assert row["last_seen"] == NOW
    assert row["closed_at"] is None
    assert row["canonical"] is None
    assert len(row["content_hash"]) == 64


async def test_place_is_read_from_the_title_when_the_source_gives_none(db):
    await add_source("unicef-rss")
    await ingest(
        "unicef-rss",
        [
            unicef_record("titled", duty_station=None),
            unicef_record("given", duty_station="New York"),
            unicef_record("nowhere", duty_station=None, title="Chief, Supply - Emergency"),
        ],
    )

    titled = await stored("unicef-rss", "titled")
    assert (titled["duty_station"], titled["country"]) == ("Stockholm, Sweden", "SWE")
    assert titled["title"].endswith("TA (364 days), Office of Innovation-Stockholm, Sweden")
    given = await stored("unicef-rss", "given")
    assert (given["duty_station"], given["country"]) == ("New York", "USA")
    nowhere = await stored("unicef-rss", "nowhere")
    assert (nowhere["duty_station"], nowhere["country"]) == (None, None)


async def test_unchanged_record_causes_no_write(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [unicef_record("1"), unicef_record("2", title="Driver, G-3")])
    before = await vacancy_write_marks()

    outcome = await ingest(
        "unicef-rss", [unicef_record("1"), unicef_record("2", title="Driver, G-3")], now=LATER
    )

    assert outcome.counts.unchanged == 2
    assert outcome.counts.new == outcome.counts.updated == 0
    assert await vacancy_write_marks() == before


async def test_changed_record_is_updated_in_place(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [unicef_record()])
    new_deadline = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)

    outcome = await ingest("unicef-rss", [unicef_record(deadline=new_deadline)], now=LATER)

    assert (outcome.counts.new, outcome.counts.updated) == (0, 1)
    row = await stored("unicef-rss", "591530")
    assert row["deadline"] == new_deadline
    assert row["first_seen"] == NOW
    assert row["last_seen"] == LATER
    assert await Vacancy.count() == 1


@pytest.mark.parametrize(
    ("changes", "reason_part"),
    [
        ({"deadline": datetime(1900, 1, 1, tzinfo=UTC)}, "deadline"),
        ({"deadline": datetime(2999, 12, 31, tzinfo=UTC)}, "deadline"),
        ({"posted_at": datetime(2031, 1, 1, tzinfo=UTC)}, "future"),
    ],
)
async def test_absurd_dates_reject_the_record_only(db, changes, reason_part):
    await add_source("unicef-rss")
    outcome = await ingest("unicef-rss", [unicef_record("bad", **changes), unicef_record("good")])

    assert outcome.counts.new == 1
    assert outcome.counts.rejected == 1
    [rejection] = outcome.rejections
    assert rejection.external_id == "bad"
    assert reason_part in rejection.reason
    assert await stored("unicef-rss", "bad") is None
    assert await stored("unicef-rss", "good") is not None


async def test_rejected_record_leaves_stored_version_untouched(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [unicef_record()])
    before = await stored("unicef-rss", "591530")

    outcome = await ingest(
        "unicef-rss", [unicef_record(deadline=datetime(1900, 1, 1, tzinfo=UTC))], now=LATER
    )

    assert outcome.counts.rejected == 1
    assert await stored("unicef-rss", "591530") == before
    assert "591530" in outcome.seen_external_ids


async def test_record_past_its_deadline_is_stored_closed(db):
    await add_source("unicef-rss")
    expired = unicef_record(deadline=NOW - timedelta(days=2), posted_at=NOW - timedelta(days=30))
    await ingest("unicef-rss", [expired])

    row = await stored("unicef-rss", "591530")
    assert (row["status"], row["closed_reason"], row["closed_at"]) == ("closed", "deadline", NOW)


async def test_close_missing_closes_only_what_the_listing_lost(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [unicef_record("1"), unicef_record("2"), unicef_record("3")])

    closed = await close_missing("unicef-rss", {"1", "3"}, now=LATER)

    assert closed == 1
    statuses = {
        r["external_id"]: (r["status"], r["closed_reason"])
        for r in await Vacancy.select(Vacancy.external_id, Vacancy.status, Vacancy.closed_reason)
    }
    assert statuses == {"1": ("open", None), "2": ("closed", "missing"), "3": ("open", None)}
    assert await Vacancy.count() == 3


async def test_vacancy_back_in_the_listing_reopens(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [unicef_record("1")])
    await close_missing("unicef-rss", set(), now=LATER)

    outcome = await ingest("unicef-rss", [unicef_record("1")], now=LATER + timedelta(hours=6))

    assert outcome.counts.updated == 1
    row = await stored("unicef-rss", "1")
    assert (row["status"], row["closed_at"], row["closed_reason"]) == ("open", None, None)


async def test_close_expired_closes_open_vacancies_past_deadline(db):
    await add_source("unicef-rss")
    await ingest(
        "unicef-rss",
        [
            unicef_record("soon", deadline=NOW + timedelta(days=1)),
            unicef_record("later", deadline=NOW + timedelta(days=20)),
            unicef_record("none", deadline=None),
        ],
    )

    closed = await close_expired(now=NOW + timedelta(days=2))

    assert closed == 1
    row = await stored("unicef-rss", "soon")
    assert (row["status"], row["closed_reason"]) == ("closed", "deadline")
    assert (await stored("unicef-rss", "later"))["status"] == "open"
    assert (await stored("unicef-rss", "none"))["status"] == "open"


async def test_same_posting_on_two_sources_links_to_one_canonical(db):
    await add_source("unicef-rss")
    await add_source("reliefweb", adapter="reliefweb")
    await ingest("unicef-rss", [unicef_record("591530")])

    aggregated = unicef_record(
        "4133781",
        url="https://reliefweb.int/job/4133781",
        title="Programme Specialist (Portfolio Strategist), P3, Stockholm",
        organization="United Nations Children's Fund",
        deadline=datetime(2026, 12, 16, 5, 0, tzinfo=UTC),
    )
    other = unicef_record(
        "4133999",
        url="https://reliefweb.int/job/4133999",
        title="Supply Chain Officer, P-2",
        organization="UNICEF",
    )
    await ingest("reliefweb", [aggregated, other])

    original = await stored("unicef-rss", "591530")
    assert (await stored("reliefweb", "4133781"))["canonical"] == original["id"]
    assert (await stored("reliefweb", "4133999"))["canonical"] is None


async def test_duplicate_is_promoted_when_its_canonical_closes(db):
    await add_source("unicef-rss")
    await add_source("reliefweb", adapter="reliefweb")
    await ingest("unicef-rss", [unicef_record("591530")])
    await ingest("reliefweb", [unicef_record("4133781", url="https://reliefweb.int/job/4133781")])

    await close_missing("unicef-rss", set(), now=LATER)

    copy = await stored("reliefweb", "4133781")
    assert copy["canonical"] is None
    assert copy["status"] == "open"


async def test_adapter_rejections_are_counted_and_kept_in_seen(db):
    await add_source("unicef-rss")
    outcome = await ingest(
        "unicef-rss",
        [unicef_record("1")],
        rejected=[
            RejectedRecord(external_id="2", reason="rss: entry has no title"),
            RejectedRecord(external_id=None, reason="rss: entry has neither guid nor link"),
        ],
    )

    assert outcome.counts.fetched == 3
    assert outcome.counts.rejected == 2
    assert outcome.seen_external_ids == {"1", "2"}
    assert outcome.unidentified_rejections == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "Programme Specialist (Portfolio Strategist), P-3, TA (364 days), "
            "Office of Innovation-Stockholm, Sweden",
            "Programme Specialist (Portfolio Strategist), P3, Stockholm",
            True,
        ),
        ("Programme Specialist", "Programme Specialist (Education)", False),
        ("Programme Specialist (Health), P-3", "Programme Specialist (Education), P-3", False),
        ("WASH Officer, NO-B, Kabul", "WASH Officer (NOB) - Kabul", True),
    ],
)
def test_similar_titles(a, b, same):
    from vacancies.ingest import similar_titles
    from vacancies.normalize import title_key

    assert similar_titles(title_key(a), title_key(b)) is same


async def test_same_title_with_another_grade_is_not_a_duplicate(db):
    await add_source("unicef-rss")
    await add_source("reliefweb", adapter="reliefweb")
    await ingest("unicef-rss", [unicef_record("1", title="Supply Chain Officer, P-2", grade="P-2")])
    await ingest(
        "reliefweb",
        [
            unicef_record(
                "2",
                url="https://reliefweb.int/job/2",
                title="Supply Chain Officer, P-3",
                grade="P-3",
            )
        ],
    )
    assert (await stored("reliefweb", "2"))["canonical"] is None
