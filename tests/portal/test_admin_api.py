"""The administration API (/api/admin) as an admin's browser calls it: the session
cookie, and the CSRF token in ``X-CSRFToken`` on unsafe methods."""

from __future__ import annotations

from candidates import accounts, audit
from candidates.tables import Role
from portal.settings import get_settings
from tests.admin_helpers import SignedIn, organization_id
from tests.portal.account_site import NOW
from tests.portal.recorded_site import harvest_recorded_sources
from vacancies.sources import sync_catalogue


async def patch(admin: SignedIn, path: str, body: dict):
    return await admin.client.patch(path, json=body, headers={"X-CSRFToken": await admin.csrf()})


async def test_listing_users_pages_and_filters_by_role(admin: SignedIn):
    for n in range(3):
        await accounts.create_user(f"staff{n}@example.no", [Role.staff], now=NOW)
    answer = await admin.client.get(
        "/api/admin/users", params={"role": "staff", "per_page": 2, "page": 2}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 2, 2)
    assert [(u["email"], u["roles"], u["erased_at"]) for u in body["users"]] == [
        ("staff2@example.no", ["staff"], None)
    ]
    assert "password_hash" not in body["users"][0]


async def test_creating_a_user_mails_the_link(admin: SignedIn):
    answer = await admin.client.post(
        "/api/admin/users",
        json={"email": "Ola@Example.no", "roles": ["ministry"]},
        headers={"X-CSRFToken": await admin.csrf()},
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["user"]["email"], body["user"]["roles"], body["welcome_mail_sent"]) == (
        "ola@example.no",
        ["ministry"],
        True,
    )
    assert "/account/reset-password?token=" in admin.inbox.last("ola@example.no").get_content()
    [created] = await audit.entries(action="user_created", user_id=body["user"]["id"])
    assert created.actor_id == admin.user.id

    again = await admin.client.post(
        "/api/admin/users",
        json={"email": "ola@example.no", "roles": ["staff"]},
        headers={"X-CSRFToken": await admin.csrf()},
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "An account with that email address already exists."


async def test_unsafe_methods_need_the_csrf_header(admin: SignedIn):
    answer = await admin.client.post(
        "/api/admin/users", json={"email": "x@example.no", "roles": ["staff"]}
    )
    assert answer.status_code == 403
    assert await accounts.find_user_by_email("x@example.no") is None


async def test_patching_roles_and_disabled_audits_the_admin(admin: SignedIn):
    person = await accounts.create_user("p@example.no", [Role.candidate], now=NOW)
    answer = await patch(
        admin, f"/api/admin/users/{person.id}", {"roles": ["staff"], "disabled": True}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["roles"] == ["staff"] and body["disabled_at"] is not None
    logged = [(e.action, e.actor_id) for e in await audit.entries(subject_id=person.id, limit=3)]
    assert logged == [
        ("user_disabled", admin.user.id),
        ("role_granted", admin.user.id),
        ("role_revoked", admin.user.id),
    ]


async def test_an_admin_cannot_demote_or_disable_themselves_through_the_api(admin: SignedIn):
    me = f"/api/admin/users/{admin.user.id}"
    # All or nothing: the allowed role change is not kept when disabling is refused.
    for body in (
        {"roles": ["staff"]},
        {"disabled": True},
        {"roles": ["admin", "staff"], "disabled": True},
    ):
        answer = await patch(admin, me, body)
        assert answer.status_code == 409
        assert answer.json()["detail"].startswith("You cannot take away your own admin role")
    user = await accounts.get_user(admin.user.id)
    assert (user.roles, user.disabled) == ([Role.admin], False)


async def test_patching_an_unknown_user_or_with_a_wrong_role_is_a_client_error(admin: SignedIn):
    assert (await patch(admin, "/api/admin/users/999999", {"disabled": True})).status_code == 404
    answer = await patch(admin, f"/api/admin/users/{admin.user.id}", {"roles": ["king"]})
    assert answer.status_code == 400
    answer = await patch(admin, f"/api/admin/users/{admin.user.id}", {"superuser": True})
    assert answer.status_code == 400


async def test_the_audit_list_filters_and_continues_with_the_cursor(admin: SignedIn):
    for n in range(3):
        await audit.record(
            "source_changed", actor_id=987650, subject_id=None, detail={"n": n}, now=NOW
        )
    await audit.record("role_granted", actor_id=None, subject_id=987651, now=NOW)

    first = (
        await admin.client.get("/api/admin/audit", params={"user_id": 987650, "limit": 2})
    ).json()
    assert [e["detail"]["n"] for e in first["entries"]] == [2, 1]
    rest = (
        await admin.client.get(
            "/api/admin/audit",
            params={"user_id": 987650, "limit": 2, "before": first["next_before"]},
        )
    ).json()
    assert ([e["detail"]["n"] for e in rest["entries"]], rest["next_before"]) == ([0], None)
    granted = (
        await admin.client.get(
            "/api/admin/audit", params={"action": "role_granted", "user_id": 987651}
        )
    ).json()
    assert [(e["action"], e["subject_id"]) for e in granted["entries"]] == [
        ("role_granted", 987651)
    ]


async def test_pausing_a_source_through_the_api(admin: SignedIn):
    await sync_catalogue(get_settings().sources_file)
    answer = await patch(admin, "/api/admin/sources/unicef-rss", {"paused": True})
    assert answer.status_code == 200
    assert answer.json()["paused_at"] == "2026-11-22T12:00:00Z"
    listed = {
        s["id"]: s["paused_at"] for s in (await admin.client.get("/api/admin/sources")).json()
    }
    assert listed["unicef-rss"] == "2026-11-22T12:00:00Z"
    assert listed["reliefweb"] is None
    assert (await patch(admin, "/api/admin/sources/nowhere", {"paused": True})).status_code == 404


async def test_changing_an_organisations_kind_changes_cached_search_answers(
    admin: SignedIn, shipped_organizations
):
    await harvest_recorded_sources()
    search = {"organization": "UNICEF", "org_type": "un"}
    # UNICEF's feed (32) and one UNICEF posting on ReliefWeb
    assert (await admin.client.get("/api/vacancies", params=search)).json()["total"] == 33

    unicef = await organization_id("UNICEF")
    answer = await patch(admin, f"/api/admin/organizations/{unicef}", {"kind": "other"})

    assert answer.status_code == 200
    assert (answer.json()["kind"], answer.json()["name"]) == (
        "other",
        "United Nations Children's Fund",
    )
    assert (await admin.client.get("/api/vacancies", params=search)).json()["total"] == 0
    listed = {
        o["acronym"]: o["kind"] for o in (await admin.client.get("/api/admin/organizations")).json()
    }
    assert listed["UNICEF"] == "other"
    [entry] = await audit.entries(action="organization_changed")
    assert entry.detail == {"organization_id": unicef, "fields": ["kind"]}


async def test_an_invalid_organisation_change_is_refused(admin: SignedIn, shipped_organizations):
    unicef = await organization_id("UNICEF")
    assert (
        await patch(admin, f"/api/admin/organizations/{unicef}", {"name": ""})
    ).status_code == 400
    assert (
        await patch(admin, f"/api/admin/organizations/{unicef}", {"kind": "ngo"})
    ).status_code == 400
    assert (await patch(admin, "/api/admin/organizations/999999", {"name": "X"})).status_code == 404
    assert await audit.entries(action="organization_changed") == []
