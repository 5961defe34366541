"""What the admin tests share: an admin signed in to the portal (account mail to a real
local SMTP server), and organisations put back as shipped after a test edits them (the
``db`` fixture keeps organisation rows between tests)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from candidates import accounts
from candidates.schemas import UserOut
from candidates.tables import Role
from tests.mail_server import Inbox
from tests.portal.account_site import PASSWORD, account_client, csrf_token, submit
from vacancies.organizations import sync_organizations
from vacancies.tables import Organization


@dataclass
class SignedIn:
    client: httpx.AsyncClient
    user: UserOut
    inbox: Inbox

    async def csrf(self) -> str:
        """A CSRF token for an API call, as the page's form would carry it."""
        return csrf_token(await self.client.get("/admin/users"))


async def sign_in(client: httpx.AsyncClient, email: str, *roles: Role) -> UserOut:
    user = await accounts.create_user(email, roles, password=PASSWORD)
    answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text
    return user


@pytest.fixture
async def admin(db, smtp) -> SignedIn:
    """An admin signed in, reading English."""
    async with account_client(smtp[1]) as client:
        client.headers["Accept-Language"] = "en"
        user = await sign_in(client, "admin@example.no", Role.admin)
        yield SignedIn(client, user, smtp[0])


@pytest.fixture
async def shipped_organizations(db):
    """Organisations as the shipped table has them, after the test."""
    yield
    await Organization.update({Organization.edited_at: None}, force=True)
    await sync_organizations()


async def organization_id(acronym: str) -> int:
    row = await Organization.select(Organization.id).where(Organization.acronym == acronym).first()
    return row["id"]
