"""An admin's pause of a source and edit of an organisation: they survive the catalogue
sync from the shipped files, a paused source is not harvested, and the change is
audited and seen by searches at once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from candidates import administration, audit
from portal.settings import get_settings
from scheduler import jobs
from tests.admin_helpers import organization_id
from tests.helpers import Recorded, fixture_bytes
from tests.vacancies.test_harvest import UNICEF_URL
from vacancies import catalogue_admin
from vacancies.catalogue_admin import UnknownOrganization, UnknownSource
from vacancies.harvest import harvest_locked
from vacancies.organizations import sync_organizations
from vacancies.schemas import OrganizationEdit
from vacancies.search import catalogue_version, get_organization
from vacancies.sources import sync_catalogue
from vacancies.tables import HarvestRun, OrganizationKind, Source

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
async def catalogue(db):
    await sync_catalogue(get_settings().sources_file)


async def paused_at(source_id: str):
    row = (
        await Source.select(Source.paused_at, Source.enabled).where(Source.id == source_id).first()
    )
    return row["paused_at"], row["enabled"]


async def test_a_pause_survives_the_catalogue_sync_and_is_audited(catalogue):
    assert await administration.pause_source("unicef-rss", True, actor_id=4, now=NOW)
    await sync_catalogue(get_settings().sources_file)

    assert await paused_at("unicef-rss") == (NOW, True)
    [entry] = await audit.entries(action="source_changed")
    assert (entry.actor_id, entry.subject_id, entry.detail) == (
        4,
        None,
        {"source_id": "unicef-rss", "changed": {"paused": True}},
    )


async def test_pausing_twice_changes_and_audits_once(catalogue):
    assert await administration.pause_source("unicef-rss", True, actor_id=4, now=NOW)
    assert not await administration.pause_source("unicef-rss", True, actor_id=4, now=NOW)
    assert await administration.pause_source("unicef-rss", False, actor_id=4, now=NOW)
    assert await paused_at("unicef-rss") == (None, True)
    details = [e.detail["changed"] for e in await audit.entries(action="source_changed")]
    assert details == [{"paused": False}, {"paused": True}]


async def test_an_unknown_source_cannot_be_paused(catalogue):
    with pytest.raises(UnknownSource):
        await catalogue_admin.set_source_paused("nowhere", True, now=NOW)


async def test_the_scheduled_harvest_skips_a_paused_source_and_says_so(catalogue, caplog):
    caplog.set_level("INFO", logger="scheduler.jobs")
    await administration.pause_source("unicef-rss", True, actor_id=None, now=NOW)
    recorded = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with recorded.client() as client:
        jobs.use_client(client)
        try:
            await jobs.harvest_job("unicef-rss")
        finally:
            jobs.use_client(None)
        result = await harvest_locked("unicef-rss", client)

    assert (result.skipped, result.failed, result.error) == (
        True,
        False,
        "skipped: paused by an admin",
    )
    assert recorded.requests == []
    assert await HarvestRun.count() == 0
    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "scheduler.jobs"] == [
        (logging.INFO, "harvest unicef-rss skipped: skipped: paused by an admin")
    ]


async def test_a_resumed_source_is_harvested_again(catalogue):
    await administration.pause_source("unicef-rss", True, actor_id=None, now=NOW)
    await administration.pause_source("unicef-rss", False, actor_id=None, now=NOW)
    recorded = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with recorded.client() as client:
        result = await harvest_locked("unicef-rss", client)
    assert (result.skipped, result.status.value, result.counts.new) == (False, "ok", 32)


async def test_an_organisation_edit_is_audited_raises_the_catalogue_version_and_survives_sync(
    shipped_organizations,
):
    unicef = await organization_id("UNICEF")
    version = await catalogue_version()
    edit = OrganizationEdit(
        name="UNICEF – United Nations Children's Fund",
        kind=OrganizationKind.fund_programme,
        aliases=[" Barnefondet ", "", "barnefondet", "UN Children's Fund"],
    )

    record, changed = await administration.edit_organization(unicef, edit, actor_id=9, now=NOW)

    assert changed == ["name", "aliases"]
    assert record.aliases == ["Barnefondet", "UN Children's Fund"]
    assert record.edited_at == NOW
    assert await catalogue_version() > version
    [entry] = await audit.entries(action="organization_changed")
    assert (entry.actor_id, entry.detail) == (9, {"organization_id": unicef, "fields": changed})

    await sync_organizations()
    shown = await get_organization("unicef")
    assert (shown.name, shown.kind) == (edit.name, OrganizationKind.fund_programme)


async def test_saving_an_organisation_unchanged_writes_and_audits_nothing(
    shipped_organizations,
):
    unicef = await catalogue_admin.get_organization_record(await organization_id("UNICEF"))
    version = await catalogue_version()
    edit = OrganizationEdit(name=unicef.name, kind=unicef.kind, aliases=unicef.aliases)
    record, changed = await administration.edit_organization(unicef.id, edit, actor_id=9)
    assert (changed, record.edited_at) == ([], None)
    assert await catalogue_version() == version
    assert await audit.entries(action="organization_changed") == []


async def test_an_unknown_organisation_cannot_be_edited(db):
    edit = OrganizationEdit(name="X", kind="other")
    with pytest.raises(UnknownOrganization):
        await administration.edit_organization(10**6, edit, actor_id=None)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  ", "kind": "other"}, "name"),
        ({"name": "X" * 256, "kind": "other"}, "name"),
        ({"name": "X", "kind": "ngo"}, "kind"),
        ({"name": "X", "kind": "other", "aliases": ["A" * 256]}, "aliases"),
        ({"name": "X", "kind": "other", "aliases": [f"a{n}" for n in range(51)]}, "aliases"),
    ],
)
def test_an_organisation_edit_is_validated(values, field):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as refused:
        OrganizationEdit(**values)
    assert [e["loc"][0] for e in refused.value.errors()] == [field]
