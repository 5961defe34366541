"""Every route of the app, with who may reach it: a visitor, or a signed-in user (of any
role, or of given roles). The test enumerates the app's routes, so a route added without
an entry here fails, and asks each one as a visitor and as a user of each role.

"Reached" means the handler answered (200, a redirect elsewhere, a 400 for an empty
form, a 404 for an unknown id). "Refused" means the guard answered: the log-in page
(303 to /account/log-in) for pages, 401 for the API, 403 for a user without the role.
"""

from __future__ import annotations

import httpx
import pytest
from litestar import get

from candidates import accounts
from candidates.tables import Role
from portal.app import create_app
from portal.guards import has_role
from portal.web.pages import PageController
from tests.portal.account_site import PASSWORD, account_client, csrf_token, submit

PUBLIC = "public"
SIGNED_IN = "signed in"
ADMIN = frozenset({Role.admin})
STAFF = frozenset({Role.staff})
"""Norec staff only: candidates' personal data is not an admin's business (least
privilege); an admin who also works with candidates holds both roles."""
CANDIDATE = frozenset({Role.candidate})
"""A candidate's own profile, saved vacancies, CV and matches."""
STATISTICS = frozenset({Role.ministry, Role.staff, Role.admin})
"""Aggregated statistics: ministry officials, and Norec's own people."""

Rule = str | frozenset[Role]

ACCESS: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/api/vacancies"): PUBLIC,
    ("GET", "/api/vacancies/{vacancy_id:int}"): PUBLIC,
    ("GET", "/api/sources"): PUBLIC,
    ("GET", "/api/sources/{source_id:str}/runs"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/vacancies"): PUBLIC,
    ("GET", "/vacancies/{vacancy_id:int}"): PUBLIC,
    ("GET", "/vacancies/feed.atom"): PUBLIC,
    ("GET", "/vacancies/feed.rss"): PUBLIC,
    ("GET", "/organizations"): PUBLIC,
    ("GET", "/organizations/{acronym:str}"): PUBLIC,
    ("GET", "/sources"): PUBLIC,
    ("GET", "/static/{file_path:path}"): PUBLIC,
    ("HEAD", "/static/{file_path:path}"): PUBLIC,
    ("GET", "/vendor/{file_path:path}"): PUBLIC,
    ("HEAD", "/vendor/{file_path:path}"): PUBLIC,
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/scalar"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    ("GET", "/schema/{path:str}"): PUBLIC,
    ("GET", "/account/sign-up"): PUBLIC,
    ("POST", "/account/sign-up"): PUBLIC,
    ("GET", "/account/check-email"): PUBLIC,
    ("GET", "/account/verify-email"): PUBLIC,
    ("POST", "/account/verify-email"): PUBLIC,
    ("GET", "/account/log-in"): PUBLIC,
    ("POST", "/account/log-in"): PUBLIC,
    ("POST", "/account/log-out"): PUBLIC,
    ("GET", "/account/forgot-password"): PUBLIC,
    ("POST", "/account/forgot-password"): PUBLIC,
    ("GET", "/account/reset-password"): PUBLIC,
    ("POST", "/account/reset-password"): PUBLIC,
    ("GET", "/account/confirm-email"): PUBLIC,
    ("POST", "/account/confirm-email"): PUBLIC,
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("POST", "/account/email"): SIGNED_IN,
    ("POST", "/account/consents/{purpose:str}"): SIGNED_IN,
    ("GET", "/account/data"): SIGNED_IN,
    ("GET", "/account/delete"): SIGNED_IN,
    ("POST", "/account/delete"): SIGNED_IN,
    ("GET", "/api/me"): SIGNED_IN,
    ("GET", "/api/me/data"): SIGNED_IN,
    ("PUT", "/api/me/consents/{purpose:str}"): SIGNED_IN,
    ("DELETE", "/api/me/consents/{purpose:str}"): SIGNED_IN,
    ("POST", "/api/me/erasure"): SIGNED_IN,
    ("GET", "/admin"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("GET", "/admin/users/{user_id:int}"): ADMIN,
    ("POST", "/admin/users/{user_id:int}/roles"): ADMIN,
    ("POST", "/admin/users/{user_id:int}/state"): ADMIN,
    ("GET", "/admin/sources"): ADMIN,
    ("POST", "/admin/sources/{source_id:str}/paused"): ADMIN,
    ("GET", "/admin/organizations"): ADMIN,
    ("GET", "/admin/organizations/{organization_id:int}"): ADMIN,
    ("POST", "/admin/organizations/{organization_id:int}"): ADMIN,
    ("GET", "/admin/audit"): ADMIN,
    ("GET", "/api/admin/users"): ADMIN,
    ("POST", "/api/admin/users"): ADMIN,
    ("PATCH", "/api/admin/users/{user_id:int}"): ADMIN,
    ("GET", "/api/admin/audit"): ADMIN,
    ("GET", "/api/admin/sources"): ADMIN,
    ("PATCH", "/api/admin/sources/{source_id:str}"): ADMIN,
    ("GET", "/api/admin/organizations"): ADMIN,
    ("PATCH", "/api/admin/organizations/{organization_id:int}"): ADMIN,
    ("GET", "/staff/candidates"): STAFF,
    ("GET", "/staff/candidates/{candidate_id:int}"): STAFF,
    ("GET", "/staff/candidates/{candidate_id:int}/data"): STAFF,
    ("GET", "/api/staff/candidates"): STAFF,
    ("GET", "/api/staff/candidates/{candidate_id:int}"): STAFF,
    ("GET", "/statistics"): STATISTICS,
    ("GET", "/api/statistics"): STATISTICS,
    ("GET", "/api/me/profile"): CANDIDATE,
    ("PUT", "/api/me/profile"): CANDIDATE,
    ("DELETE", "/api/me/profile"): CANDIDATE,
    ("GET", "/api/me/saved"): CANDIDATE,
    ("PUT", "/api/me/saved/{vacancy_id:int}"): CANDIDATE,
    ("DELETE", "/api/me/saved/{vacancy_id:int}"): CANDIDATE,
    ("GET", "/me/profile"): CANDIDATE,
    ("POST", "/me/profile"): CANDIDATE,
    ("GET", "/me/saved"): CANDIDATE,
    ("POST", "/me/saved/{vacancy_id:int}"): CANDIDATE,
    ("POST", "/me/saved/{vacancy_id:int}/remove"): CANDIDATE,
    ("GET", "/api/me/cv"): CANDIDATE,
    ("POST", "/api/me/cv"): CANDIDATE,
    ("DELETE", "/api/me/cv"): CANDIDATE,
    ("POST", "/api/me/cv/apply"): CANDIDATE,
    ("GET", "/me/cv"): CANDIDATE,
    ("POST", "/me/cv"): CANDIDATE,
    ("POST", "/me/cv/apply"): CANDIDATE,
    ("POST", "/me/cv/delete"): CANDIDATE,
    ("GET", "/api/me/matches"): CANDIDATE,
    ("GET", "/api/me/matches/{vacancy_id:int}"): CANDIDATE,
    ("GET", "/me/matches"): CANDIDATE,
    ("GET", "/me/matches/{vacancy_id:int}"): CANDIDATE,
    ("GET", "/staff/vacancies/{vacancy_id:int}/candidates"): STAFF,
    ("GET", "/api/staff/vacancies/{vacancy_id:int}/candidates"): STAFF,
    ("GET", "/api/staff/candidates/{candidate_id:int}/matches"): STAFF,
}

SAMPLE_PARAMETERS = {
    "{vacancy_id:int}": "1",
    "{source_id:str}": "reliefweb",
    "{acronym:str}": "UNICEF",
    "{file_path:path}": "portal.css",
    "{path:str}": "openapi.yaml",
    "{purpose:str}": "vacancy_alerts",
    "{user_id:int}": "1",
    "{organization_id:int}": "1",
    "{candidate_id:int}": "1",
}

ROLES = [None, *Role]
"""None: a visitor who is not signed in."""


def app_routes() -> set[tuple[str, str]]:
    app = create_app(manage_database=False)
    return {
        (method, route.path)
        for route in app.routes
        for method in getattr(route, "methods", ())
        if method != "OPTIONS"
    }


def test_every_route_has_an_access_rule():
    routes = app_routes()
    assert sorted(routes - ACCESS.keys()) == [], "routes without an access rule here"
    assert sorted(ACCESS.keys() - routes) == [], "rules for routes that no longer exist"


def concrete(path: str) -> str:
    for template, value in SAMPLE_PARAMETERS.items():
        path = path.replace(template, value)
    if path.startswith("/vendor/"):
        path = "/vendor/htmx.org/dist/htmx.min.js"
    assert "{" not in path, f"no sample value for a parameter of {path}"
    return path


def allowed(rule: Rule, role: Role | None) -> bool:
    if rule == PUBLIC:
        return True
    if rule == SIGNED_IN:
        return role is not None
    assert isinstance(rule, frozenset), rule
    return role in rule


def refused(method: str, path: str, response: httpx.Response) -> bool:
    if path.startswith("/api/"):
        return response.status_code in (401, 403)
    if response.status_code == 403 and method == "POST":
        # Every page names its CSRF token (<meta name="csrf-token">): only the
        # middleware's own refusal says this.
        return "csrf token verification failed" not in response.text.lower()
    location = response.headers.get("location", "")
    return response.status_code == 403 or (
        response.status_code == 303 and location.startswith("/account/log-in")
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda r: "visitor" if r is None else r.value)
async def test_each_role_reaches_exactly_what_its_rule_allows(db, smtp_port, role):
    async with account_client(smtp_port) as client:
        if role is not None:
            email = f"matrix-{role.value}@example.no"
            await accounts.create_user(email, [role], password=PASSWORD)
            answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
            assert answer.status_code == 303, answer.text
        token = csrf_token(await client.get("/account/forgot-password"))
        outcomes = {}
        # Logging out last: it ends the session the other requests rely on.
        for method, path in sorted(ACCESS, key=lambda route: route[1] == "/account/log-out"):
            url = concrete(path)
            response = await client.request(
                method, url, headers={"X-CSRFToken": token}, follow_redirects=False
            )
            assert response.status_code < 500, (method, url, response.status_code)
            outcomes[(method, path)] = refused(method, path, response)
    expected = {route: not allowed(rule, role) for route, rule in ACCESS.items()}
    wrong = {route: outcomes[route] for route in ACCESS if outcomes[route] != expected[route]}
    assert wrong == {}, "True: refused where it should be reached; False: the reverse"


class AdminOnly(PageController):
    path = "/test-admin-only"

    @get("/", guards=[has_role(Role.admin)])
    async def page(self) -> str:
        return "admin page"


@pytest.mark.parametrize(
    ("role", "status", "shows"),
    [
        (None, 303, ""),
        (Role.candidate, 403, "Not available to your account"),
        (Role.staff, 403, "Not available to your account"),
        (Role.admin, 200, "admin page"),
    ],
    ids=["visitor", "candidate", "staff", "admin"],
)
async def test_a_role_guard_sends_visitors_to_log_in_and_refuses_other_roles(
    db, smtp_port, role, status, shows
):
    app = create_app(manage_database=False)
    app.register(AdminOnly)
    async with account_client(smtp_port, app=app) as client:
        if role is not None:
            email = f"guard-{role.value}@example.no"
            await accounts.create_user(email, [role], password=PASSWORD)
            answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
            assert answer.status_code == 303
        response = await client.get("/test-admin-only", params={"lang": "en"})
    assert response.status_code == status
    if status == 303:
        assert response.headers["location"] == "/account/log-in"
    assert shows in response.text
