""" "Download my data" and "delete my account", on the account pages and in the API
(/api/me), with the consents API and the mail quota that keeps the account pages from
being used to flood a mailbox."""

from __future__ import annotations

import json

import httpx
import pytest

from candidates import accounts, audit, consents
from candidates.audit import AuditAction
from candidates.tables import ConsentPurpose, Role, User, UserSession
from tests.mail_server import Inbox
from tests.portal.account_site import (
    NOW,
    PASSWORD,
    account_client,
    page,
    submit,
    text,
)

EMAIL = "kari.nordmann@example.no"


@pytest.fixture
async def kari(db):
    return await accounts.create_user(EMAIL, [Role.candidate], password=PASSWORD)


async def log_in(client: httpx.AsyncClient, email: str = EMAIL) -> None:
    answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text


async def api_token(client: httpx.AsyncClient) -> dict[str, str]:
    """The CSRF header a page's script sends, with the token from the page's <meta>."""
    shown = page(await client.get("/account"))
    return {"X-CSRFToken": shown.css_first("meta[name='csrf-token']").attributes["content"]}


# --- pages -----------------------------------------------------------------------------


async def test_the_account_page_offers_download_and_deletion(client, kari):
    await log_in(client)
    shown = page(await client.get("/account", params={"lang": "en"}))
    section = shown.css_first("section[aria-labelledby='data-heading']")
    links = {text(a): a.attributes["href"] for a in section.css("a")}
    assert links == {"Download my data": "/account/data", "Delete my account": "/account/delete"}


async def test_download_my_data_is_a_json_file_of_everything_and_is_audited(client, kari):
    await consents.give_consent(kari.id, ConsentPurpose.vacancy_alerts, now=NOW)
    await log_in(client)
    answer = await client.get("/account/data")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="norec-my-data-2026-11-22.json"'
    )
    assert answer.headers["cache-control"] == "private, no-store"
    data = answer.json()
    assert data["account"]["email"] == EMAIL
    assert data["account"]["roles"] == ["candidate"]
    assert [c["purpose"] for c in data["consents"]] == ["vacancy_alerts"]
    [entry] = await audit.entries(action=AuditAction.personal_data_exported)
    assert (entry.actor_id, entry.subject_id) == (kari.id, kari.id)


async def test_a_wrong_password_deletes_nothing(client, kari):
    await log_in(client)
    answer = await submit(client, "/account/delete", password="not my password at all")
    assert answer.status_code == 400
    error = page(answer).css_first("#field-password-error")
    assert text(error) == "Passordet er feil."
    assert (await accounts.get_user(kari.id)).email == EMAIL
    assert (await client.get("/account")).status_code == 200  # still signed in


async def test_delete_my_account_erases_it_and_ends_every_session(client, smtp, kari):
    async with account_client(smtp[1]) as phone:
        await log_in(phone)
        await log_in(client)
        answer = await submit(
            client, "/account/delete?lang=en", "/account/delete", password=PASSWORD
        )
        assert answer.status_code == 200
        assert text(page(answer).css_first("h1")) == "Your account is deleted"
        # The header no longer shows the person as signed in.
        assert EMAIL not in answer.text
        assert (await client.get("/account")).status_code == 303
        assert (await phone.get("/account")).status_code == 303
    row = await User.select().where(User.id == kari.id).first()
    assert row["email"] == f"erased-{kari.id}@erased.invalid"
    assert row["password_hash"] is None
    assert await UserSession.count() == 0
    assert await accounts.find_user_by_email(EMAIL) is None
    [entry] = await audit.entries(action=AuditAction.user_erased)
    assert (entry.actor_id, entry.subject_id, entry.detail) == (
        kari.id,
        kari.id,
        {"reason": "request", "roles": ["candidate"]},
    )
    # The address is free for a new sign-up.
    again = await submit(client, "/account/sign-up", email=EMAIL, password=PASSWORD)
    assert again.status_code == 303
    assert (await accounts.find_user_by_email(EMAIL)).id != kari.id


async def test_the_last_administrator_cannot_delete_their_account(client, db):
    admin = await accounts.create_user("admin@norec.no", [Role.admin], password=PASSWORD)
    await log_in(client, "admin@norec.no")
    answer = await submit(client, "/account/delete?lang=en", "/account/delete", password=PASSWORD)
    assert answer.status_code == 400
    assert text(page(answer).css_first("#form-error")) == (
        "You are the last administrator. Give another person the administrator role "
        "before you delete your account."
    )
    assert (await accounts.get_user(admin.id)).email == "admin@norec.no"


async def test_visitors_are_sent_to_log_in(client):
    for path in ("/account/data", "/account/delete"):
        answer = await client.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/account/log-in")


# --- API ------------------------------------------------------------------------------


async def test_the_api_needs_a_session(client):
    answer = await client.get("/api/me")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "sign in first"


async def test_me_and_consents_through_the_api(client, kari):
    await log_in(client)
    me = (await client.get("/api/me")).json()
    assert (me["id"], me["email"], me["roles"], me["consents"]) == (
        kari.id,
        EMAIL,
        ["candidate"],
        {},
    )
    given = await client.put("/api/me/consents/statistics", headers=await api_token(client))
    assert given.status_code == 200
    assert given.json()["consents"] == {"statistics": "2026-11-22T12:00:00Z"}
    assert await consents.has_consent(kari.id, ConsentPurpose.statistics)
    withdrawn = await client.delete("/api/me/consents/statistics", headers=await api_token(client))
    assert (withdrawn.status_code, withdrawn.json()["consents"]) == (200, {})
    assert not await consents.has_consent(kari.id, ConsentPurpose.statistics)


async def test_a_consent_change_without_the_csrf_header_changes_nothing(client, kari):
    await log_in(client)
    answer = await client.put("/api/me/consents/statistics")
    assert answer.status_code == 403
    assert not await consents.has_consent(kari.id, ConsentPurpose.statistics)


async def test_an_unknown_purpose_is_a_clear_400(client, kari):
    await log_in(client)
    answer = await client.put("/api/me/consents/marketing", headers=await api_token(client))
    assert answer.status_code == 400
    assert "purpose" in json.dumps(answer.json())


async def test_export_through_the_api_is_audited(client, kari):
    await log_in(client)
    answer = await client.get("/api/me/data")
    assert answer.status_code == 200
    assert answer.json()["account"]["email"] == EMAIL
    assert answer.headers["cache-control"] == "private, no-store"
    [entry] = await audit.entries(action=AuditAction.personal_data_exported)
    assert entry.actor_id == kari.id


async def test_erasure_through_the_api(client, kari):
    await log_in(client)
    wrong = await client.post(
        "/api/me/erasure", json={"password": "nope nope nope"}, headers=await api_token(client)
    )
    assert (wrong.status_code, wrong.json()["detail"]) == (403, "the password is wrong")
    assert (await accounts.get_user(kari.id)).email == EMAIL
    missing = await client.post("/api/me/erasure", json={}, headers=await api_token(client))
    assert missing.status_code == 400
    done = await client.post(
        "/api/me/erasure", json={"password": PASSWORD}, headers=await api_token(client)
    )
    assert (done.status_code, done.json()) == (200, {"erased_at": "2026-11-22T12:00:00Z"})
    assert (await client.get("/api/me")).status_code == 401
    assert (await accounts.get_user(kari.id)).email == f"erased-{kari.id}@erased.invalid"


async def test_the_last_administrator_gets_409_from_the_api(client, db):
    await accounts.create_user("admin@norec.no", [Role.admin], password=PASSWORD)
    await log_in(client, "admin@norec.no")
    answer = await client.post(
        "/api/me/erasure", json={"password": PASSWORD}, headers=await api_token(client)
    )
    assert answer.status_code == 409


# --- mail quota --------------------------------------------------------------------------


async def test_forgot_password_mails_at_most_five_links_an_hour(db, smtp, kari):
    inbox = smtp[0]
    clock = {"now": NOW}
    async with account_client(smtp[1], clock=lambda: clock["now"]) as client:
        for _ in range(7):
            answer = await submit(client, "/account/forgot-password", email=EMAIL)
            assert answer.status_code == 200  # the same page every time
        assert len(inbox.messages) == 5
        # Only the newest link works.
        newest = inbox.token(EMAIL)
        assert [await _works(t) for t in _tokens(inbox)] == [False] * 4 + [True]
        assert newest == _tokens(inbox)[-1]
        clock["now"] = NOW + accounts.MAIL_QUOTA_WINDOW
        await submit(client, "/account/forgot-password", email=EMAIL)
        assert len(inbox.messages) == 6


def _tokens(inbox: Inbox) -> list[str]:
    import re

    return [
        re.search(r"\?token=([A-Za-z0-9_-]+)", message.get_content()).group(1)
        for _, message in inbox.messages
    ]


async def _works(token: str) -> bool:
    try:
        await accounts._valid_token(token, accounts.TokenPurpose.reset_password, NOW)
    except accounts.InvalidToken:
        return False
    return True


async def test_change_email_says_when_the_quota_is_reached(client, smtp, kari):
    await log_in(client)
    for number in range(5):
        answer = await submit(
            client, "/account", "/account/email", new_email=f"k{number}@example.no"
        )
        assert answer.status_code == 303
    refused = await submit(client, "/account?lang=en", "/account/email", new_email="k9@example.no")
    assert refused.status_code == 400
    assert text(page(refused).css_first("#field-new-email-error")) == (
        "We have sent several links in the past hour. Wait a while before asking again."
    )
    assert len(smtp[0].messages) == 5


async def test_a_refused_request_logs_no_traceback(client, caplog):
    """A visitor asking a guarded route is routine, not an error worth a stack trace."""
    assert (await client.get("/api/me")).status_code == 401
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_the_profile_and_saved_vacancies_are_downloaded_and_erased(client, kari):
    from candidates import profiles
    from candidates.tables import CandidateProfile, SavedVacancy
    from tests.candidates.test_profiles import KARI, add_vacancy

    await profiles.save_profile(kari.id, KARI, now=NOW)
    vacancy = await add_vacancy("Health Specialist, P-3, Nairobi")
    await profiles.save_vacancy(kari.id, vacancy, now=NOW)
    await log_in(client)
    data = (await client.get("/api/me/data")).json()
    [profile] = data["profile"]
    assert profile["skills"] == ["epidemiology", "project-management", "monitoring-evaluation"]
    assert profile["available_from"] == "2027-02-01"
    assert data["saved_vacancies"] == [
        {
            "vacancy_id": vacancy,
            "title": "Health Specialist, P-3, Nairobi",
            "saved_at": "2026-11-22T12:00:00+00:00",
        }
    ]
    assert (data["cv"], data["matches"]) == ([], [])
    done = await client.post(
        "/api/me/erasure", json={"password": PASSWORD}, headers=await api_token(client)
    )
    assert done.status_code == 200
    assert await CandidateProfile.count() == 0
    assert await SavedVacancy.count() == 0
