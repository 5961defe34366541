"""Organisation rows, kept in step with the shipped alias table."""

from __future__ import annotations

from vacancies.normalize import OrganizationInfo, load_organizations
from vacancies.tables import Organization


async def sync_organizations() -> int:
    """Insert or update one Organization row per entry of the data file; returns count.

    A row an admin edited (``edited_at`` set) keeps the admin's name, kind and aliases."""
    known = {
        row["acronym"]: row
        for row in await Organization.select(
            Organization.acronym, Organization.id, Organization.edited_at
        )
    }
    for info in load_organizations():
        values = {
            Organization.name: info.name,
            Organization.kind: info.kind,
            Organization.aliases: list(info.aliases),
        }
        if info.acronym in known:
            row = known[info.acronym]
            if row["edited_at"] is None:
                await Organization.update(values).where(Organization.id == row["id"])
        else:
            await Organization.insert(
                Organization(
                    acronym=info.acronym, name=info.name, kind=info.kind, aliases=list(info.aliases)
                )
            )
    return len(load_organizations())


async def organization_ids() -> dict[str, int]:
    rows = await Organization.select(Organization.acronym, Organization.id)
    return {row["acronym"]: row["id"] for row in rows}


async def ensure_organization(info: OrganizationInfo) -> int:
    """Id of the row for ``info``, created if the table has not been synced yet."""
    row = (
        await Organization.select(Organization.id)
        .where(Organization.acronym == info.acronym)
        .first()
    )
    if row:
        return row["id"]
    created = await Organization.insert(
        Organization(
            acronym=info.acronym, name=info.name, kind=info.kind, aliases=list(info.aliases)
        )
    ).returning(Organization.id)
    return created[0]["id"]
