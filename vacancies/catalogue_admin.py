"""What an admin changes in the catalogue: pausing a source, editing an organisation.
Plain async services, no HTTP and no audit (the caller, :mod:`candidates.administration`,
records who did it).

- A pause is ``Source.paused_at``, not ``Source.enabled``: ``sync_catalogue`` rewrites
  ``enabled`` from sources.toml at every start, and must not undo an admin's pause.
  :func:`vacancies.harvest.harvest_locked` skips a paused source and says so.
- An edited organisation gets ``edited_at``, and ``sync_organizations`` leaves its name,
  kind and aliases alone from then on. The update raises the catalogue version (a
  trigger), so cached searches and pages show the new name and type at once. Harvests
  still recognise organisations by the shipped table (``vacancies/data/organizations.toml``):
  aliases edited here are kept with the organisation but do not change that.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vacancies.db import write_transaction
from vacancies.schemas import OrganizationEdit, OrganizationRecord
from vacancies.tables import Organization, Source


class UnknownSource(LookupError):
    """No source has this id."""


class UnknownOrganization(LookupError):
    """No organisation has this id."""


async def set_source_paused(source_id: str, paused: bool, *, now: datetime) -> bool:
    """Pause or resume a source; True if that changed anything. Raises
    :class:`UnknownSource`."""
    if "\x00" in source_id:  # no id holds one (and PostgreSQL text cannot compare it)
        raise UnknownSource(source_id)
    async with write_transaction():
        row = await Source.select(Source.paused_at).where(Source.id == source_id).first()
        if row is None:
            raise UnknownSource(source_id)
        if (row["paused_at"] is not None) == paused:
            return False
        await Source.update({Source.paused_at: now if paused else None}).where(
            Source.id == source_id
        )
    return True


def _record(row: dict[str, Any]) -> OrganizationRecord:
    return OrganizationRecord.model_validate(row)


async def list_organization_records() -> list[OrganizationRecord]:
    rows = await Organization.select().order_by(Organization.name).output(load_json=True)
    return [_record(row) for row in rows]


async def get_organization_record(organization_id: int) -> OrganizationRecord:
    """Raises :class:`UnknownOrganization`."""
    row = (
        await Organization.select()
        .where(Organization.id == organization_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise UnknownOrganization(organization_id)
    return _record(row)


async def edit_organization(
    organization_id: int, edit: OrganizationEdit, *, now: datetime
) -> tuple[OrganizationRecord, list[str]]:
    """Set name, kind and aliases; returns the organisation and the names of the fields
    that changed (none: nothing written). Raises :class:`UnknownOrganization`."""
    async with write_transaction():
        before = await get_organization_record(organization_id)
        changed = [
            name
            for name in ("name", "kind", "aliases")
            if getattr(before, name) != getattr(edit, name)
        ]
        if changed:
            await Organization.update(
                {
                    Organization.name: edit.name,
                    Organization.kind: edit.kind.value,
                    Organization.aliases: edit.aliases,
                    Organization.edited_at: now,
                }
            ).where(Organization.id == organization_id)
    if not changed:
        return before, []
    return await get_organization_record(organization_id), changed
