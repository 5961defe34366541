"""Hardening of the web process: security headers on every response, the secret key
rule, and the request size limits.

The headers are added by a ``before_send`` hook: Litestar calls it for every message the
app sends, so pages, the API, static files and error answers (a 404 for a path no route
matches, a 500) all carry them, which route-level ``response_headers`` would not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from portal.settings import Settings

MIN_SECRET_KEY_LENGTH = 32

# Our pages load scripts and styles only from this origin (/static, /vendor), have no
# inline script, style or event-handler attribute, and htmx is told not to inject its
# indicator <style> (base.html's htmx-config). Designsystemet's stylesheets draw icons as
# data: SVG images.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The OpenAPI reference (Scalar, rendered by Litestar) is a third-party app loaded from
# jsDelivr; it styles itself at run time and shows the Litestar favicon. Only its HTML
# pages get this policy: scripts still only from a named origin, never inline or eval.
SCHEMA_UI_PATHS = frozenset({"/schema", "/schema/", "/schema/scalar"})
SCHEMA_UI_CDN = "https://cdn.jsdelivr.net"
SCHEMA_UI_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {SCHEMA_UI_CDN}",
        f"style-src 'self' 'unsafe-inline' {SCHEMA_UI_CDN}",
        "img-src 'self' data: https:",
        "font-src 'self' data: https:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    # Links out to the organisations' career sites send our origin, never the path and
    # query (a candidate's search terms stay here).
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # frame-ancestors 'none' for browsers that predate it.
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

HSTS = "max-age=31536000; includeSubDomains"


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers every response carries (without the path-dependent CSP)."""
    headers = dict(SECURITY_HEADERS)
    if settings.https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def content_security_policy(path: str) -> str:
    return SCHEMA_UI_CONTENT_SECURITY_POLICY if path in SCHEMA_UI_PATHS else CONTENT_SECURITY_POLICY


def security_headers_hook(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """A ``before_send`` hook adding the security headers to every HTTP response; a
    header a handler set itself is left as it is."""
    fixed = [(name.lower(), value) for name, value in security_headers(settings).items()]

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in fixed:
            if name not in headers:
                headers.add(name, value)
        if "content-security-policy" not in headers:
            headers.add("content-security-policy", content_security_policy(scope["path"]))

    return add_security_headers


class ConfigurationError(RuntimeError):
    """The settings are not safe to serve with; the message says which and how to fix."""


def check_secret_key(settings: Settings) -> None:
    """``PORTAL_SECRET_KEY`` (at least 32 characters) is required unless
    ``PORTAL_DEV_MODE=true``; a key that is given must be long enough in any mode."""
    key = settings.secret_key
    generate = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if key is None or not key.strip():
        if settings.dev_mode:
            return
        raise ConfigurationError(
            "PORTAL_SECRET_KEY is not set. Set it to a random string of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters (e.g. `{generate}`), kept out of the "
            "repository; or set PORTAL_DEV_MODE=true on a development machine."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"PORTAL_SECRET_KEY is too short ({len(key)} characters): it needs at least "
            f"{MIN_SECRET_KEY_LENGTH} (e.g. `{generate}`)."
        )
