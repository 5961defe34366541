"""The account pages over HTTP, with mail through a real local SMTP server: sign-up,
confirmation, log-in, the account page, password change and reset, sessions (cookie
flags, rotation, revocation), CSRF, throttling, and the search cache staying impersonal."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from litestar import post
from litestar.params import JSONBody

from candidates import accounts, consents, sessions
from candidates.tables import ConsentPurpose, User, UserSession
from portal.app import create_app
from portal.settings import get_settings
from tests.mail_server import Inbox
from tests.portal.account_site import (
    NEW_PASSWORD,
    NOW,
    PASSWORD,
    account_client,
    csrf_token,
    link_in,
    page,
    path_of,
    submit,
    text,
)
from tests.portal.recorded_site import harvest_recorded_sources

EMAIL = "kari.nordmann@example.no"


@pytest.fixture
async def other_browser(db, smtp):
    async with account_client(smtp[1]) as c:
        yield c


def session_cookie(response: httpx.Response) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("portal_session="):
            return header
    return None


async def signed_up_and_verified(client: httpx.AsyncClient, inbox: Inbox) -> None:
    answer = await submit(client, "/account/sign-up", email=EMAIL, password=PASSWORD)
    assert answer.status_code == 303
    verify = path_of(link_in(inbox.last(EMAIL).get_content()))
    answer = await submit(client, verify, "/account/verify-email", token=verify.split("=")[1])
    assert answer.status_code == 200


async def log_in(client: httpx.AsyncClient, email: str = EMAIL, password: str = PASSWORD):
    return await submit(client, "/account/log-in", email=email, password=password)


# --- the whole flow ------------------------------------------------------------------


async def test_sign_up_verify_log_in_change_and_reset_password(
    client: httpx.AsyncClient, other_browser: httpx.AsyncClient, inbox: Inbox
):
    # Sign up: "check your email", and a mail with the confirmation link.
    answer = await submit(client, "/account/sign-up", email=EMAIL, password=PASSWORD)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account/check-email"
    shown = await client.get("/account/check-email?lang=en")
    assert text(page(shown).css_first("h1")) == "Check your email"
    verify_link = link_in(inbox.last(EMAIL).get_content())
    assert verify_link.startswith("http://portal.test/account/verify-email?token=")

    # Not yet confirmed: log-in says so.
    refused = await log_in(client)
    assert refused.status_code == 400
    assert "Confirm your email address first" in text(page(refused).css_first("#form-error"))

    # The link shows a button; pressing it confirms the address.
    token = verify_link.split("token=")[1]
    confirmed = await submit(client, path_of(verify_link), "/account/verify-email", token=token)
    assert text(page(confirmed).css_first("h1")) == "Email address confirmed"
    again = await submit(client, path_of(verify_link), "/account/verify-email", token=token)
    assert again.status_code == 400

    # Log in: the account page shows the address and roles; the header shows both.
    answer = await log_in(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/account"
    shown = await client.get("/account")
    assert shown.headers["cache-control"] == "private, no-store"
    account = page(shown)
    assert text(account.css_first("#account-email")) == EMAIL
    assert text(account.css_first("#account-roles")) == "Candidate"
    assert EMAIL in text(account.css_first("header"))
    assert account.css_first("header form[action='/account/log-out']") is not None

    # A second browser logs in too.
    assert (await log_in(other_browser)).status_code == 303
    assert (await other_browser.get("/account")).status_code == 200

    # Change the password: this browser stays in, the other one is logged out.
    changed = await submit(
        client,
        "/account",
        "/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/account?done=password"
    assert (await client.get("/account")).status_code == 200
    logged_out = await other_browser.get("/account")
    assert logged_out.status_code == 303
    assert logged_out.headers["location"] == "/account/log-in"

    # Forgot the password: a reset link by mail, which logs every session out.
    sent = await submit(client, "/account/forgot-password", email=EMAIL)
    assert sent.status_code == 200
    reset_link = link_in(inbox.last(EMAIL).get_content())
    assert reset_link.startswith("http://portal.test/account/reset-password?token=")
    final_password = "the third and final passphrase"
    reset = await submit(
        client,
        path_of(reset_link),
        "/account/reset-password",
        token=reset_link.split("token=")[1],
        password=final_password,
    )
    assert reset.status_code == 200
    assert (await client.get("/account")).headers["location"] == "/account/log-in"

    # Only the newest password works now.
    for old in (PASSWORD, NEW_PASSWORD):
        assert (await log_in(other_browser, password=old)).status_code == 400
    assert (await log_in(other_browser, password=final_password)).status_code == 303
    assert (await other_browser.get("/account")).status_code == 200


async def test_log_out_ends_the_session(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    user = await accounts.find_user_by_email(EMAIL)
    assert await sessions.count_user_sessions(user.id, now=NOW) == 1
    answer = await submit(client, "/account", "/account/log-out")
    assert answer.status_code == 303
    assert session_cookie(answer).startswith("portal_session=null")
    assert await sessions.count_user_sessions(user.id, now=NOW) == 0
    shown = page(await client.get("/vacancies"))
    assert EMAIL not in shown.html
    assert shown.css_first("header a[href='/account/log-in']") is not None


async def test_sign_up_errors_are_next_to_their_fields(client: httpx.AsyncClient):
    answer = await submit(
        client, "/account/sign-up?lang=en", "/account/sign-up", email="no-at-sign", password="short"
    )
    assert answer.status_code == 400
    tree = page(answer)
    email = tree.css_first("#field-email")
    assert email.attributes["aria-invalid"] == "true"
    assert "field-email-error" in email.attributes["aria-describedby"].split()
    assert "valid email address" in text(tree.css_first("#field-email-error"))


async def test_password_policy_message_in_norwegian(client: httpx.AsyncClient):
    answer = await submit(
        client, "/account/sign-up?lang=nb", "/account/sign-up", email=EMAIL, password="kort"
    )
    assert answer.status_code == 400
    tree = page(answer)
    password = tree.css_first("#field-password")
    assert password.attributes["aria-describedby"].split() == [
        "field-password-hint",
        "field-password-error",
    ]
    assert "12" in text(tree.css_first("#field-password-error"))
    assert await User.count() == 0


async def test_sign_up_with_a_registered_address_reveals_nothing(
    client: httpx.AsyncClient, inbox: Inbox
):
    await signed_up_and_verified(client, inbox)
    answer = await submit(client, "/account/sign-up", email=EMAIL, password=PASSWORD)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account/check-email"
    # The owner is sent a link to choose a password instead.
    assert "/account/reset-password?token=" in inbox.last(EMAIL).get_content()


async def test_forgot_password_answers_the_same_for_unknown_addresses(
    client: httpx.AsyncClient, inbox: Inbox
):
    await signed_up_and_verified(client, inbox)
    known = await submit(client, "/account/forgot-password", email=EMAIL)
    unknown = await submit(client, "/account/forgot-password", email="nobody@example.no")
    assert known.status_code == unknown.status_code == 200
    assert text(page(known).css_first("main")) == text(page(unknown).css_first("main"))
    assert all("nobody@example.no" not in rcpt for rcpt, _ in inbox.messages)


# --- throttling ------------------------------------------------------------------------


async def test_sixth_attempt_is_locked_and_unknown_email_reads_the_same(
    client: httpx.AsyncClient, inbox: Inbox
):
    await signed_up_and_verified(client, inbox)
    wrong = [await log_in(client, password=f"wrong password {n}") for n in range(5)]
    assert [r.status_code for r in wrong] == [400] * 5
    unknown = await log_in(client, email="nobody@example.no", password="wrong password x")
    message = text(page(wrong[0]).css_first("#form-error"))
    assert text(page(unknown).css_first("#form-error")) == message
    locked = await log_in(client)  # the right password, but locked out
    assert locked.status_code == 429
    message = text(page(locked).css_first("#form-error"))
    assert message.startswith("For mange mislykkede forsøk på å logge inn. Prøv igjen etter kl.")
    assert (await client.get("/account")).status_code == 303


# --- sessions --------------------------------------------------------------------------


async def test_session_cookie_flags(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    cookie = session_cookie(await log_in(client)).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert f"max-age={get_settings().session_days * 86400}" in cookie
    assert "secure" not in cookie


async def test_session_cookie_is_secure_over_https(db, smtp, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PORTAL_HTTPS", "true")
    get_settings.cache_clear()
    try:
        app = create_app(manage_database=False)
    finally:
        monkeypatch.delenv("PORTAL_HTTPS")
        get_settings.cache_clear()
    async with account_client(smtp[1], app=app, base_url="https://portal.test") as client:
        await signed_up_and_verified(client, smtp[0])
        cookie = session_cookie(await log_in(client)).lower()
        assert "; secure" in cookie
        assert "httponly" in cookie and "samesite=lax" in cookie


async def test_visitors_get_no_session(client: httpx.AsyncClient):
    answer = await client.get("/vacancies")
    assert session_cookie(answer) is None
    assert await UserSession.count() == 0


async def test_log_in_rotates_the_session_id(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    planted = "f" * 64  # an id an attacker set in the victim's browser
    client.cookies.set("portal_session", planted, domain="portal.test")
    await log_in(client)
    issued = client.cookies.get("portal_session")
    assert issued and issued != planted
    assert await sessions.load_session(planted) is None
    assert (await client.get("/account")).status_code == 200


async def test_log_in_rotates_the_csrf_token(client: httpx.AsyncClient, inbox: Inbox):
    """A token known before sign-in (an attacker who planted the cookie knows it) is
    refused after it; the next page carries a new one that works."""
    await signed_up_and_verified(client, inbox)
    before = csrf_token(await client.get("/account/log-in"))
    answer = await client.post(
        "/account/log-in", data={"_csrf_token": before, "email": EMAIL, "password": PASSWORD}
    )
    assert answer.status_code == 303
    expiring = [h for h in answer.headers.get_list("set-cookie") if h.startswith("portal_csrf=")]
    assert len(expiring) == 1 and "Max-Age=0" in expiring[0]
    assert "portal_csrf" not in client.cookies
    stale = await client.post(
        "/account/consents/statistics", data={"_csrf_token": before, "action": "give"}
    )
    assert stale.status_code == 403
    given = await submit(client, "/account", "/account/consents/statistics", action="give")
    assert given.status_code == 303


async def test_disabling_a_user_ends_their_sessions(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    user = await accounts.find_user_by_email(EMAIL)
    await accounts.disable_user(user.id, actor_id=None)
    assert await sessions.count_user_sessions(user.id, now=NOW) == 0
    assert (await client.get("/account")).status_code == 303


async def test_session_rows_hold_no_session_id(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    row = await UserSession.select().first()
    assert row["key_hash"] != client.cookies.get("portal_session")
    assert row["key_hash"] == sessions.session_key_hash(client.cookies.get("portal_session"))


async def test_expired_sessions_are_not_honoured(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    past = NOW - timedelta(days=30)
    await UserSession.update({UserSession.expires_at: past}, force=True)
    assert (await client.get("/account")).status_code == 303


async def test_activity_is_recorded_at_most_hourly(db, smtp, inbox: Inbox):
    times = [NOW]
    async with account_client(smtp[1], clock=lambda: times[-1]) as client:
        await signed_up_and_verified(client, inbox)
        await log_in(client)
        user = await accounts.find_user_by_email(EMAIL)
        times.append(NOW + timedelta(minutes=30))
        await client.get("/account")
        assert (await accounts.get_user(user.id)).last_active_at == NOW
        times.append(NOW + timedelta(hours=2))
        await client.get("/account")
        assert (await accounts.get_user(user.id)).last_active_at == times[-1]


# --- CSRF --------------------------------------------------------------------------------


async def test_post_without_csrf_token_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, inbox: Inbox
):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    user = await accounts.find_user_by_email(EMAIL)
    answer = await client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert answer.status_code == 403
    refused = await client.post(
        "/account/sign-up", data={"email": "x@example.no", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert await accounts.find_user_by_email("x@example.no") is None
    # The password is unchanged and the session still stands.
    assert (await client.get("/account")).status_code == 200
    await accounts.authenticate(EMAIL, PASSWORD, None)
    assert await sessions.count_user_sessions(user.id, now=NOW) == 1


async def test_csrf_header_is_accepted_as_htmx_sends_it(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    shown = await client.get("/account")
    token = page(shown).css_first("meta[name='csrf-token']").attributes["content"]
    user = await accounts.find_user_by_email(EMAIL)
    answer = await client.post(
        "/account/consents/vacancy_alerts",
        data={"action": "give"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert answer.status_code == 303
    assert await consents.has_consent(user.id, ConsentPurpose.vacancy_alerts)


@post("/api/test/echo", include_in_schema=False, status_code=200)
async def api_echo(data: JSONBody[dict[str, str]]) -> dict[str, str]:
    return data


async def test_unsafe_api_method_needs_the_csrf_header(db, smtp):
    """The rule for the JSON API: a browser's unsafe request (here authenticated by
    its cookies) must carry the token in the X-CSRFToken header."""
    app = create_app(manage_database=False)
    app.register(api_echo)
    async with account_client(smtp[1], app=app) as client:
        shown = await client.get("/account/log-in")
        assert (await client.post("/api/test/echo", json={"a": "b"})).status_code == 403
        token = page(shown).css_first("meta[name='csrf-token']").attributes["content"]
        answer = await client.post(
            "/api/test/echo", json={"a": "b"}, headers={"X-CSRFToken": token}
        )
        assert answer.status_code == 200
        assert answer.json() == {"a": "b"}


# --- account page ------------------------------------------------------------------------


async def test_consents_given_and_withdrawn_in_one_click(client: httpx.AsyncClient, inbox: Inbox):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    user = await accounts.find_user_by_email(EMAIL)
    given = await submit(client, "/account", "/account/consents/visible_to_staff", action="give")
    assert given.status_code == 303
    assert await consents.has_consent(user.id, ConsentPurpose.visible_to_staff)
    shown = page(await client.get("/account?lang=en"))
    item = shown.css_first("#consent-visible_to_staff")
    assert text(item.css_first("button")) == "Withdraw"
    await submit(client, "/account", "/account/consents/visible_to_staff", action="withdraw")
    assert not await consents.has_consent(user.id, ConsentPurpose.visible_to_staff)


async def test_change_email_is_confirmed_from_the_new_address(
    client: httpx.AsyncClient, inbox: Inbox
):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    new = "kari@example.org"
    answer = await submit(client, "/account", "/account/email", new_email=new)
    assert answer.status_code == 303
    confirm = link_in(inbox.last(new).get_content())
    assert (await accounts.find_user_by_email(EMAIL)) is not None
    done = await submit(
        client, path_of(confirm), "/account/confirm-email", token=confirm.split("token=")[1]
    )
    assert done.status_code == 200
    assert (await accounts.find_user_by_email(new)) is not None
    assert new in text(page(await client.get("/account")).css_first("#account-email"))


async def test_wrong_current_password_is_shown_at_its_field(
    client: httpx.AsyncClient, inbox: Inbox
):
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    answer = await submit(
        client,
        "/account",
        "/account/password",
        current_password="not my password at all",
        new_password=NEW_PASSWORD,
    )
    assert answer.status_code == 400
    field = page(answer).css_first("#field-current-password")
    assert field.attributes["aria-invalid"] == "true"
    assert field.attributes["aria-describedby"] == "field-current-password-error"


async def test_account_page_needs_a_login(client: httpx.AsyncClient):
    answer = await client.get("/account")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account/log-in"


# --- the search cache stays impersonal ----------------------------------------------------


async def test_cached_search_fragment_never_carries_a_users_email(
    client: httpx.AsyncClient, other_browser: httpx.AsyncClient, inbox: Inbox
):
    await harvest_recorded_sources()
    await signed_up_and_verified(client, inbox)
    await log_in(client)
    mine = await client.get("/vacancies?q=protection")
    assert EMAIL in mine.text  # in the header of the signed-in person's page
    anonymous_page = await other_browser.get("/vacancies?q=protection")
    anonymous_fragment = await other_browser.get(
        "/vacancies?q=protection", headers={"HX-Request": "true"}
    )
    assert EMAIL not in anonymous_page.text
    assert EMAIL not in anonymous_fragment.text
    cache = other_browser._transport.app.state.search_cache  # type: ignore[attr-defined]
    mine_fragment = await client.get("/vacancies?q=protection", headers={"HX-Request": "true"})
    assert EMAIL not in mine_fragment.text
    assert cache.hits + cache.misses >= 1
