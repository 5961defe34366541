"""Fixtures of the portal's HTTP tests."""

from __future__ import annotations

import pytest

from tests.portal.account_site import account_client


@pytest.fixture
async def client(db, smtp):
    """A browser on the portal (the app on the test's loop), account mail to ``smtp``."""
    async with account_client(smtp[1]) as c:
        yield c
