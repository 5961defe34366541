"""Sign-in sessions: Litestar's server-side sessions over a store in the database, the
signed-in user of a request, and CSRF protection.

- **Store** (:class:`DatabaseSessionStore`): rows of ``user_session`` (see
  :mod:`candidates.sessions`), keyed by the SHA-256 of the session id, with an absolute
  expiry (``PORTAL_SESSION_DAYS``, default 7) and the signed-in user's id, so every
  session of a user can be ended (password reset or change, disabling).
- **Cookie** ``portal_session``: HttpOnly, SameSite=Lax, Secure with ``PORTAL_HTTPS``,
  Max-Age the session's lifetime. A session is only written when its content changes
  (signing in or out), so anonymous visitors never get a session or a cookie, and the
  database is read, not written, on a signed-in person's requests.
- **Rotation**: signing in always starts a new session id (the old one is deleted), so
  an id planted before sign-in (session fixation) is worth nothing after it; the
  response also expires the CSRF cookie (:func:`rotate_csrf_cookie`), so the next page
  gets a new token and a token known before sign-in is worth nothing either.
- **CSRF** (:func:`csrf_config`): every unsafe method (POST, PUT, PATCH, DELETE) on
  every route, pages and ``/api`` alike, needs the token: forms carry it as the hidden
  ``_csrf_token`` field (``csrf_input`` in the templates), htmx and other scripts send it
  in the ``X-CSRFToken`` header (``/static/csrf.js`` reads it from the page's
  ``<meta name="csrf-token">``). The rule for the JSON API: a browser authenticated by
  the session cookie must send the header on unsafe methods; a request without the
  token is refused with 403 before any handler runs.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from candidates import accounts
from candidates import sessions as session_rows
from candidates.schemas import UserOut
from portal.settings import Settings

SESSION_COOKIE = "portal_session"
SESSION_STORE = "sessions"
USER_ID = "user_id"
"""The session key holding the signed-in user's id."""
TOUCH_EVERY = timedelta(hours=1)
"""``last_active_at`` is updated at most this often."""
NOT_SESSION_PATHS = ["^/static/", "^/vendor/", "^/health$", "^/schema"]

CSRF_COOKIE = "portal_csrf"
_NEW_ID = "portal.session.new_id"
_ROTATE_CSRF = "portal.csrf.rotate"
_LOADED = "portal.session.loaded"


class DatabaseSessionStore(Store):
    """Litestar's store interface over ``user_session`` (the session middleware is its
    only user: values are the JSON it serialises)."""

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        text = value.decode() if isinstance(value, bytes) else value
        seconds = (
            int(expires_in.total_seconds()) if isinstance(expires_in, timedelta) else expires_in
        )
        try:
            user_id = json.loads(text).get(USER_ID)
        except (ValueError, AttributeError):
            user_id = None
        await session_rows.save_session(
            key,
            text,
            user_id=user_id if isinstance(user_id, int) else None,
            expires_at=session_rows.expiry(seconds or 24 * 3600),
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = await session_rows.load_session(key)
        return found[0].encode() if found else None

    async def delete(self, key: str) -> None:
        await session_rows.end_session(key)

    async def delete_all(self) -> None:
        await session_rows.end_all_sessions()

    async def exists(self, key: str) -> bool:
        return await session_rows.load_session(key) is not None

    async def expires_in(self, key: str) -> int | None:
        found = await session_rows.load_session(key)
        if found is None:
            return None
        return int((found[1] - datetime.now(UTC)).total_seconds())


class PortalSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, writing only when the session changed, never
    for an empty one, and with a new id when the handler asked for one (sign-in)."""

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[_LOADED] = data
        return dict(data)

    def get_session_id(self, connection: ASGIConnection) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        return new_id or super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        state = connection.scope.get("state", {})
        cookie_id = connection.cookies.get(self.config.key)
        has_cookie = bool(cookie_id) and cookie_id != "null"
        store = self.config.get_store_from_app(connection.scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        if scope_session is Empty or not scope_session:
            if has_cookie:
                await self.delete(cookie_id, store=store)
                cookie = Cookie(value="null", key=self.config.key, expires=0, **cookie_params)
                headers.add("Set-Cookie", cookie.to_header(header=""))
            return
        rotated = _NEW_ID in state
        if not rotated and has_cookie and scope_session == state.get(_LOADED):
            return  # unchanged: nothing to write, the cookie stands
        session_id = self.get_session_id(connection)
        await self.set(session_id, self.serialize_data(scope_session, connection.scope), store)
        cookie = Cookie(value=session_id, key=self.config.key, **cookie_params)
        headers.add("Set-Cookie", cookie.to_header(header=""))


class PortalSessionConfig(ServerSideSessionConfig):
    _backend_class = PortalSessionBackend  # type: ignore[assignment]


def session_config(settings: Settings) -> PortalSessionConfig:
    return PortalSessionConfig(
        key=SESSION_COOKIE,
        store=SESSION_STORE,
        max_age=settings.session_days * 24 * 3600,
        renew_on_access=False,
        secure=settings.https,
        httponly=True,
        samesite="lax",
        exclude=NOT_SESSION_PATHS,
    )


def csrf_config(settings: Settings, secret: str) -> CSRFConfig:
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        header_name="x-csrftoken",
        cookie_secure=settings.https,
        cookie_httponly=True,  # scripts read the token from the page's <meta>, not the cookie
        cookie_samesite="lax",
        exclude=["^/static/", "^/vendor/", "^/health$"],
    )


def csrf_secret(settings: Settings) -> str:
    """``PORTAL_SECRET_KEY``; in development mode without one, a random secret per
    process (forms then need reloading after a restart)."""
    return settings.secret_key or _dev_secret()


@cache
def _dev_secret() -> str:
    return secrets.token_urlsafe(48)


# --- signing in and out, the current user ---------------------------------------------


async def sign_in(request: Request, user: UserOut) -> None:
    """Start a new session for ``user``: the old session (and its id) is dropped."""
    old_id = request.cookies.get(SESSION_COOKIE)
    if old_id and old_id != "null":
        await session_rows.end_session(old_id)
    request.scope.setdefault("state", {})[_NEW_ID] = secrets.token_hex(32)
    request.set_session({USER_ID: user.id})
    request.state.user = user
    request.scope["state"][_ROTATE_CSRF] = True


def rotate_csrf_cookie(settings: Settings):
    """A ``before_send`` hook: the response to a sign-in expires the CSRF cookie."""
    expired = Cookie(
        key=CSRF_COOKIE,
        value="",
        max_age=0,
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    ).to_header(header="")

    async def hook(message: Message, scope) -> None:
        if message["type"] == "http.response.start" and scope.get("state", {}).get(_ROTATE_CSRF):
            MutableScopeHeaders.from_message(message).add("set-cookie", expired)

    return hook


def sign_out(request: Request) -> None:
    request.clear_session()
    request.state.user = None


async def load_user(request: Request, now: datetime) -> UserOut | None:
    """The signed-in user of the request (with roles), or None. A session whose user is
    gone or disabled is ended. Activity is recorded at most once an hour."""
    session = request.scope.get("session")
    if not session or session is Empty:
        return None
    user_id = session.get(USER_ID)
    if not isinstance(user_id, int):
        return None
    try:
        user = await accounts.get_user(user_id)
    except accounts.UnknownUser:
        user = None
    if user is None or user.disabled:
        request.clear_session()
        return None
    if user.last_active_at is None or now - user.last_active_at >= TOUCH_EVERY:
        await accounts.touch(user.id, now=now)
    return user


async def request_user(request: Request, now: datetime) -> UserOut | None:
    """The signed-in user, loaded once per request: by a guard (guards run before the
    before-request hook) or by the hook."""
    if not hasattr(request.state, "user"):
        request.state.user = await load_user(request, now)
    return request.state.user


def signed_in_user(request: Request) -> UserOut:
    """The user on a route guarded by :func:`~portal.guards.signed_in` or
    :func:`~portal.guards.has_role` (which loaded it)."""
    user = current_user(request)
    assert user is not None, "route without a guard that signs the user in"
    return user


def current_user(request: Request) -> UserOut | None:
    """The user :func:`load_user` found for this request (None for visitors, and on
    pages answered before the session was read, like a 404 for an unknown path)."""
    return getattr(request.state, "user", None)
