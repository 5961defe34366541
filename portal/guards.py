"""Who may reach a route: Litestar guards, declared on every handler that is not public.

``signed_in`` lets through a signed-in, enabled user; ``has_role(...)`` one who holds
one of the roles. A visitor who is not signed in gets 401 from the API and is sent to
the log-in page by the pages (``PageController``'s handler); a signed-in user without
the role gets 403. ``tests/portal/test_route_matrix.py`` lists every route with who may
reach it, so a new route without its guard fails the suite.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from candidates.tables import Role
from portal.clock import request_time
from portal.sessions import request_user

REFUSALS = [NotAuthorizedException, PermissionDeniedException]
"""What a guard answers (401 for a visitor, 403 without the role): ``raises=`` of the
guarded API operations, so the schema documents them."""


async def _user(connection: ASGIConnection):
    return await request_user(connection, request_time(connection))  # type: ignore[arg-type]


async def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if await _user(connection) is None:
        raise NotAuthorizedException(detail="sign in first")


def has_role(*roles: Role):
    """A guard letting through users holding any of ``roles``."""
    wanted = set(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = await _user(connection)
        if user is None:
            raise NotAuthorizedException(detail="sign in first")
        if not wanted & set(user.roles):
            raise PermissionDeniedException(detail="your roles do not allow this")

    guard.__name__ = f"has_role({', '.join(sorted(r.value for r in roles))})"
    return guard
