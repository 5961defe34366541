"""The administration pages (/admin) as an admin uses them: users and roles, sources,
organisations and the audit log. Who may reach them at all is the route matrix's
business (tests/portal/test_route_matrix.py)."""

from __future__ import annotations

from candidates import accounts, audit
from candidates.privacy import erase_user
from candidates.tables import Role
from portal.settings import get_settings
from tests.admin_helpers import SignedIn, organization_id, sign_in
from tests.portal.account_site import NOW, PASSWORD, account_client, page, submit, text
from tests.portal.recorded_site import harvest_recorded_sources
from vacancies.sources import sync_catalogue
from vacancies.tables import Source


async def test_the_overview_links_to_each_section(admin: SignedIn):
    response = await admin.client.get("/admin")
    assert response.status_code == 200
    links = [a.attributes["href"] for a in page(response).css("main a")]
    assert links == ["/admin/users", "/admin/sources", "/admin/organizations", "/admin/audit"]
    assert page(response).css_first("a[aria-current='page']").attributes["href"] == "/admin"


# --- users ------------------------------------------------------------------------------


async def test_the_user_list_shows_roles_and_state_and_filters_by_role(admin: SignedIn):
    staff = await accounts.create_user("staff@example.no", [Role.staff], now=NOW)
    gone = await accounts.create_user("gone@example.no", [Role.candidate], password=PASSWORD)
    await erase_user(gone.id, now=NOW)

    tree = page(await admin.client.get("/admin/users"))
    rows = [[text(cell) for cell in row.css("th, td")] for row in tree.css("#users tbody tr")]
    assert rows[0][:4] == ["admin@example.no", "Administrator", "Yes", "Active"]
    assert rows[1] == [f"Erased account {gone.id}", "", "No", "Erased", "–"]
    assert rows[2] == ["staff@example.no", "Norec staff", "Yes", "No password yet", "–"]
    assert text(tree.css_first("#user-count")) == "3 users"
    assert tree.css_first(f"#user-{gone.id} a") is None
    assert tree.css_first(f"#user-{staff.id} a").attributes["href"] == f"/admin/users/{staff.id}"

    filtered = page(await admin.client.get("/admin/users", params={"role": "staff"}))
    assert [text(r.css_first("th")) for r in filtered.css("#users tbody tr")] == [
        "staff@example.no"
    ]
    assert (await admin.client.get("/admin/users", params={"role": "king"})).status_code == 400


async def test_the_user_list_is_paginated(admin: SignedIn, monkeypatch):
    monkeypatch.setattr("portal.web.admin.USERS_PER_PAGE", 2)
    for n in range(3):
        await accounts.create_user(f"u{n}@example.no", [Role.candidate])
    second = page(await admin.client.get("/admin/users", params={"page": 2}))
    assert [text(r.css_first("th")) for r in second.css("#users tbody tr")] == [
        "u1@example.no",
        "u2@example.no",
    ]
    assert text(second.css_first(".admin-pages")) == "Previous Page 2 of 2"


async def test_creating_a_user_mails_the_welcome_and_audits_the_admin(admin: SignedIn):
    response = await submit(
        admin.client,
        "/admin/users",
        email="New.Person@Example.no",
        roles=["staff", "ministry"],
    )
    user = await accounts.find_user_by_email("new.person@example.no")
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/users/{user.id}?done=created"
    assert (user.roles, user.verified, user.has_password) == (
        [Role.ministry, Role.staff],
        True,
        False,
    )
    mail = admin.inbox.last("new.person@example.no")
    assert "/account/reset-password?token=" in mail.get_content()
    entries = await audit.entries(subject_id=user.id)
    assert {(e.action, e.actor_id) for e in entries} == {
        ("user_created", admin.user.id),
        ("role_granted", admin.user.id),
    }

    shown = page(await admin.client.get(response.headers["location"]))
    assert text(shown.css_first("[role=status]")).startswith("The account is created.")
    assert text(shown.css_first("#user-roles")) == "Ministry, Norec staff"


async def test_a_set_password_link_from_the_welcome_mail_works(admin: SignedIn):
    await submit(admin.client, "/admin/users", email="p@example.no", roles=["candidate"])
    link = admin.inbox.token("p@example.no")
    async with account_client(0) as other:
        answer = await submit(
            other,
            f"/account/reset-password?token={link}",
            token=link,
            password="a brand new passphrase",
        )
        assert answer.status_code == 200
    user = await accounts.authenticate("p@example.no", "a brand new passphrase", None)
    assert user.email == "p@example.no"


async def test_creating_a_user_explains_each_mistake(admin: SignedIn):
    await accounts.create_user("taken@example.no", [Role.candidate])
    response = await submit(admin.client, "/admin/users", email="not an address")
    tree = page(response)
    assert response.status_code == 400
    assert text(tree.css_first("#field-email-error")) == (
        "Enter a valid email address, like name@example.com."
    )
    assert text(tree.css_first("#roles-error")) == "Choose at least one role."
    assert tree.css_first("#field-email").attributes["value"] == "not an address"

    taken = await submit(admin.client, "/admin/users", email="taken@example.no", roles="staff")
    assert taken.status_code == 400
    assert text(page(taken).css_first("#field-email-error")) == (
        "An account with that email address already exists."
    )
    forged = await submit(admin.client, "/admin/users", email="x@example.no", roles="king")
    assert forged.status_code == 400
    assert await accounts.find_user_by_email("x@example.no") is None


async def test_changing_roles_with_the_checkboxes_is_audited_with_the_admin(admin: SignedIn):
    person = await accounts.create_user("person@example.no", [Role.candidate])
    path = f"/admin/users/{person.id}"
    form = page(await admin.client.get(path))
    checked = [i.attributes["value"] for i in form.css("input[name=roles][checked]")]
    assert checked == ["candidate"]

    response = await submit(admin.client, path, f"{path}/roles", roles=["staff", "candidate"])

    assert response.status_code == 303
    assert (await accounts.get_user(person.id)).roles == [Role.candidate, Role.staff]
    granted = await audit.entries(subject_id=person.id, action="role_granted")
    assert [(e.actor_id, e.detail) for e in granted] == [
        (admin.user.id, {"role": "staff"}),
        (None, {"role": "candidate"}),  # at creation, not again
    ]

    await submit(admin.client, path, f"{path}/roles")  # every box unchecked
    assert (await accounts.get_user(person.id)).roles == []


async def test_an_admin_cannot_remove_their_own_admin_role_or_disable_themselves(admin: SignedIn):
    path = f"/admin/users/{admin.user.id}"
    refused = await submit(admin.client, path, f"{path}/roles", roles="staff")
    assert refused.status_code == 400
    assert text(page(refused).css_first("#form-error")) == (
        "You cannot take away your own admin role or disable yourself: ask another admin."
    )
    refused = await submit(admin.client, path, f"{path}/state", action="disable")
    assert refused.status_code == 400
    user = await accounts.get_user(admin.user.id)
    assert (user.roles, user.disabled) == ([Role.admin], False)
    assert (await admin.client.get("/admin")).status_code == 200


async def test_disabling_ends_the_persons_sessions_and_enabling_lets_them_in(admin: SignedIn):
    async with account_client(0) as other:
        person = await sign_in(other, "person@example.no", Role.staff)
        assert (await other.get("/account")).status_code == 200
        path = f"/admin/users/{person.id}"

        response = await submit(admin.client, path, f"{path}/state", action="disable")
        assert response.headers["location"] == f"{path}?done=disabled"
        assert (await other.get("/account")).headers["location"] == "/account/log-in"
        shown = page(await admin.client.get(path))
        assert text(shown.css_first("#user-state")).startswith("Disabled since")

        await submit(admin.client, path, f"{path}/state", action="enable")
        assert not (await accounts.get_user(person.id)).disabled
    actions = [e.action for e in await audit.entries(subject_id=person.id, limit=2)]
    assert actions == ["user_enabled", "user_disabled"]


async def test_an_erased_account_is_shown_as_a_tombstone_without_forms(admin: SignedIn):
    gone = await accounts.create_user("gone@example.no", [Role.staff])
    await erase_user(gone.id, now=NOW)
    path = f"/admin/users/{gone.id}"
    tree = page(await admin.client.get(path))
    assert text(tree.css_first("h1")) == f"Erased account {gone.id}"
    assert text(tree.css_first("#user-state")).startswith("Erased")
    assert tree.css("main form") == []
    assert "gone@example.no" not in tree.html

    refused = await admin.client.post(
        f"{path}/roles", data={"_csrf_token": await admin.csrf(), "roles": "staff"}
    )
    assert refused.status_code == 400
    assert text(page(refused).css_first("#form-error")) == (
        "This account was erased: it cannot be changed."
    )
    assert (await accounts.get_user(gone.id)).roles == []


async def test_an_unknown_user_is_not_found(admin: SignedIn):
    assert (await admin.client.get("/admin/users/999999")).status_code == 404
    response = await submit(admin.client, "/admin/users", "/admin/users/999999/state")
    assert response.status_code == 404


# --- sources ----------------------------------------------------------------------------


async def test_pausing_a_source_on_the_page_survives_the_catalogue_sync(admin: SignedIn):
    await sync_catalogue(get_settings().sources_file)
    response = await submit(
        admin.client, "/admin/sources", "/admin/sources/unicef-rss/paused", action="pause"
    )
    assert response.headers["location"] == "/admin/sources?done=paused#source-unicef-rss"

    await sync_catalogue(get_settings().sources_file)
    row = await Source.select(Source.paused_at).where(Source.id == "unicef-rss").first()
    assert row["paused_at"] == NOW
    tree = page(await admin.client.get("/admin/sources?done=paused"))
    cells = [text(c) for c in tree.css("#source-unicef-rss td")]
    assert cells[0] == "rss"
    assert cells[-1].startswith("Paused") and cells[-1].endswith("Resume")
    assert text(tree.css_first("[role=status]")).startswith("The source is paused")
    public = page(await admin.client.get("/sources", params={"lang": "en"}))
    meta = text(public.css_first("#source-unicef-rss .source-meta"))
    assert meta == "unicef-rss · adapter rss · paused by an administrator"
    [entry] = await audit.entries(action="source_changed")
    assert (entry.actor_id, entry.detail) == (
        admin.user.id,
        {"source_id": "unicef-rss", "changed": {"paused": True}},
    )

    await submit(
        admin.client, "/admin/sources", "/admin/sources/unicef-rss/paused", action="resume"
    )
    row = await Source.select(Source.paused_at).where(Source.id == "unicef-rss").first()
    assert row["paused_at"] is None


async def test_pausing_an_unknown_source_is_not_found(admin: SignedIn):
    response = await submit(admin.client, "/admin/sources", "/admin/sources/nowhere/paused")
    assert response.status_code == 404


# --- organisations ----------------------------------------------------------------------


async def test_renaming_an_organisation_shows_on_its_public_page(
    admin: SignedIn,
    shipped_organizations,
):
    await harvest_recorded_sources()
    unicef = await organization_id("UNICEF")
    before = page(await admin.client.get("/organizations/UNICEF"))
    assert text(before.css_first("h1")) == "United Nations Children's Fund (UNICEF)"
    path = f"/admin/organizations/{unicef}"
    form = page(await admin.client.get(path))
    assert form.css_first("#field-name").attributes["value"] == "United Nations Children's Fund"

    response = await submit(
        admin.client,
        path,
        name="UNICEF – for every child",
        kind="fund_programme",
        aliases="Barnefondet\n\nUN Children's Fund\n",
    )

    assert response.headers["location"] == f"{path}?done=saved"
    after = page(await admin.client.get("/organizations/UNICEF"))
    assert text(after.css_first("h1")) == "UNICEF – for every child (UNICEF)"
    shown = page(await admin.client.get(response.headers["location"]))
    assert text(shown.css_first("#field-aliases")) == "Barnefondet UN Children's Fund"
    [entry] = await audit.entries(action="organization_changed")
    assert (entry.actor_id, entry.detail) == (
        admin.user.id,
        {"organization_id": unicef, "fields": ["name", "aliases"]},
    )


async def test_an_invalid_organisation_form_comes_back_with_the_reasons(
    admin: SignedIn,
    shipped_organizations,
):
    path = f"/admin/organizations/{await organization_id('UNDP')}"
    response = await submit(admin.client, path, name="  ", kind="ngo", aliases="UN Dev")
    tree = page(response)
    assert response.status_code == 400
    assert text(tree.css_first("#field-name-error")) == "Enter a name of at most 255 characters."
    assert text(tree.css_first("#field-kind-error")) == "Choose a type from the list."
    assert text(tree.css_first("#field-aliases")) == "UN Dev"
    assert await audit.entries(action="organization_changed") == []


async def test_the_organisation_list_links_to_each_edit_form(admin: SignedIn):
    tree = page(await admin.client.get("/admin/organizations"))
    unicef = await organization_id("UNICEF")
    row = tree.css_first(f"#org-{unicef}")
    assert [text(c) for c in row.css("th, td")] == [
        "United Nations Children's Fund",
        "UNICEF",
        "UN fund or programme",
        "–",
    ]
    assert row.css_first("a").attributes["href"] == f"/admin/organizations/{unicef}"
    assert (await admin.client.get("/admin/organizations/999999")).status_code == 404


# --- audit log --------------------------------------------------------------------------


async def test_the_audit_log_filters_by_action_and_user_newest_first(admin: SignedIn):
    for _ in range(3):
        await audit.record("source_changed", actor_id=admin.user.id, subject_id=None, now=NOW)
    await audit.record("role_granted", actor_id=None, subject_id=987654, detail={"role": "staff"})

    everything = page(await admin.client.get("/admin/audit"))
    actions = [text(r.css("td")[1]) for r in everything.css("#audit tbody tr")]
    assert actions[:4] == ["role_granted", "source_changed", "source_changed", "source_changed"]

    granted = page(await admin.client.get("/admin/audit", params={"action": "role_granted"}))
    rows = [[text(c) for c in r.css("td")][1:] for r in granted.css("#audit tbody tr")]
    assert rows[0] == ["role_granted", "system", "987654", '{"role": "staff"}']
    assert all(row[0] == "role_granted" for row in rows)

    for_one = page(await admin.client.get("/admin/audit", params={"user": 987654}))
    assert len(for_one.css("#audit tbody tr")) == 1
    bad = await admin.client.get("/admin/audit", params={"action": "rewrite_history"})
    assert bad.status_code == 400


async def test_the_audit_log_pages_older_entries_by_id(admin: SignedIn, monkeypatch):
    monkeypatch.setattr("portal.web.admin.AUDIT_PER_PAGE", 2)
    for n in range(3):
        await audit.record(
            "source_changed", actor_id=None, subject_id=None, detail={"n": n}, now=NOW
        )
    first = page(await admin.client.get("/admin/audit?action=source_changed"))
    assert [text(r.css("td")[4]) for r in first.css("#audit tbody tr")] == ['{"n": 2}', '{"n": 1}']
    older = first.css_first("#audit-older").attributes["href"]
    second = page(await admin.client.get(older))
    assert [text(r.css("td")[4]) for r in second.css("#audit tbody tr")] == ['{"n": 0}']
    assert second.css_first("#audit-older") is None
    assert "action=source_changed" in older


async def test_nothing_in_the_admin_area_edits_or_deletes_audit_entries(admin: SignedIn):
    from portal.app import create_app

    paths = {
        (method, route.path)
        for route in create_app(manage_database=False).routes
        for method in getattr(route, "methods", ())
        if "audit" in route.path
    }
    assert paths == {
        ("GET", "/admin/audit"),
        ("OPTIONS", "/admin/audit"),
        ("GET", "/api/admin/audit"),
        ("OPTIONS", "/api/admin/audit"),
    }


async def test_admin_pages_are_private_and_translated(admin: SignedIn):
    response = await admin.client.get("/admin/users", params={"lang": "nb"})
    assert response.headers["cache-control"] == "private, no-store"
    assert text(page(response).css_first("h1")) == "Brukere"
