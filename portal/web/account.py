"""Account pages: sign up, confirm the email address, log in and out, forgotten and
new passwords, and the account page (password, email, consents, roles).

Thin handlers over :mod:`candidates.accounts` and :mod:`candidates.consents`; the
messages people read are translated here (the services' own messages are English).
Forms are plain POST forms with the CSRF token (see :mod:`portal.sessions`); a form
with a mistake comes back with the message next to its field (``aria-describedby``)
and status 400 (429 while sign-in is locked).

Nothing here reveals whether an address is registered: log-in answers an unknown
email and a wrong password alike, "forgot password" always says the same, and sign-up
with a registered address shows the same "check your email" page (the owner gets a
link to choose a password instead, or a new confirmation link if they never confirmed).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_time
from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from candidates import accounts, consents, privacy
from candidates.mail import Mailer, MailError, message_for
from candidates.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    PasswordPolicyError,
    check_policy,
)
from candidates.schemas import IssuedToken, UserOut
from candidates.tables import ConsentPurpose
from portal.guards import signed_in
from portal.sessions import current_user, sign_in, sign_out, signed_in_user
from portal.web.i18n import current_locale
from portal.web.i18n import gettext as _
from portal.web.pages import Now, PageController
from portal.web.setup import render

log = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")
MAX_FIELD = 1024

FieldErrors = dict[str, str]


def mailer(request: Request) -> Mailer:
    found = request.app.state.get("mailer")
    return found if found is not None else Mailer()


async def send_token_mail(request: Request, issued: IssuedToken | None) -> None:
    """Mail the link; a mail failure is logged, never shown (the answer must not depend
    on whether an account exists)."""
    if issued is None:
        return
    sender = mailer(request)
    try:
        await sender.send(message_for(issued, sender.settings))
    except MailError:
        log.exception("account mail (%s) could not be sent", issued.purpose.value)


async def form_of(request: Request) -> dict[str, str]:
    form = await request.form()
    return {
        key: value[:MAX_FIELD] if isinstance(value, str) else ""
        for key, value in form.items()
        if key != "_csrf_token"
    }


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


# --- messages -------------------------------------------------------------------------


def password_message(refusal: PasswordPolicyError) -> str:
    """The policy's refusal (:func:`candidates.passwords.check_policy`), in the reader's
    language."""
    if refusal.reason == "too_short":
        return _(
            "The password must be at least %(min)s characters long (it has %(length)s). "
            "A few unrelated words make a good one.",
            min=MIN_LENGTH,
            length=refusal.length,
        )
    if refusal.reason == "too_long":
        return _("The password must be at most %(max)s characters long.", max=MAX_LENGTH)
    if refusal.reason == "blank":
        return _("The password cannot be only spaces.")
    return _("The password cannot be your email address.")


def invalid_email_message() -> str:
    return _("Enter a valid email address, like name@example.com.")


def credentials_message() -> str:
    return _("The email address or the password is wrong.")


def throttled_message(until: datetime) -> str:
    when = format_time(until.astimezone(OSLO), format="short", locale=current_locale())
    return _(
        "Too many failed attempts to log in. Try again after %(time)s, or choose a new "
        "password with “Forgot your password?”.",
        time=when,
    )


def invalid_link_message() -> str:
    return _("This link is invalid, has expired or has already been used. Ask for a new one.")


def too_many_mails_message() -> str:
    return _("We have sent several links in the past hour. Wait a while before asking again.")


def consent_label(purpose: ConsentPurpose) -> str:
    return {
        ConsentPurpose.visible_to_staff: _("Norec staff may see my profile"),
        ConsentPurpose.vacancy_alerts: _("Send me vacancy alerts"),
        ConsentPurpose.career_follow_up: _("Follow up my career after a placement"),
        ConsentPurpose.statistics: _("Use my data in anonymous statistics"),
    }[purpose]


def consent_description(purpose: ConsentPurpose) -> str:
    return {
        ConsentPurpose.visible_to_staff: _(
            "Norec's staff can find you when they look for candidates for a vacancy."
        ),
        ConsentPurpose.vacancy_alerts: _("We email you vacancies that match your profile."),
        ConsentPurpose.career_follow_up: _(
            "We ask you now and then where your career has taken you."
        ),
        ConsentPurpose.statistics: _(
            "Your data is counted, never shown, in statistics for the Ministry of Foreign Affairs."
        ),
    }[purpose]


def role_label(role: str) -> str:
    return {
        "candidate": _("Candidate"),
        "staff": _("Norec staff"),
        "ministry": _("Ministry"),
        "admin": _("Administrator"),
    }.get(role, role)


def redirect(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def form_page(
    request: Request, template: str, *, errors: FieldErrors | None = None, **context: Any
) -> Template:
    status = 400 if errors else 200
    return render(
        request, template, status_code=status, errors=errors or {}, active="account", **context
    )


class AccountPages(PageController):
    path = "/account"

    # --- sign up and confirm ----------------------------------------------------------

    @get("/sign-up", name="sign_up")
    async def sign_up_form(self, request: Request) -> Template | Redirect:
        if current_user(request):
            return redirect("/account")
        return form_page(request, "pages/account/sign_up.html", values={})

    @post("/sign-up", name="sign_up_submit")
    async def sign_up(self, request: Request, now: Now) -> Template | Redirect:
        form = await form_of(request)
        email, password = form.get("email", "").strip(), form.get("password", "")
        errors: FieldErrors = {}
        # Every field's mistake at once, not one per attempt.
        try:
            accounts.normalise_email(email)
        except accounts.InvalidEmail:
            errors["email"] = invalid_email_message()
        try:
            check_policy(password, email=email)
        except PasswordPolicyError as refusal:
            errors["password"] = password_message(refusal)
        if errors:
            return form_page(
                request, "pages/account/sign_up.html", errors=errors, values={"email": email}
            )
        try:
            issued = await accounts.sign_up(email, password, now=now)
        except accounts.InvalidEmail:
            errors["email"] = invalid_email_message()
        except PasswordPolicyError as refusal:
            errors["password"] = password_message(refusal)
        except accounts.EmailTaken:
            # Say nothing new: the owner gets a mail that helps them in.
            issued = await accounts.resend_verification(email, now=now)
            if issued is None:
                issued = await accounts.request_password_reset(email, now=now)
            await send_token_mail(request, issued)
            return redirect("/account/check-email")
        if errors:
            return form_page(
                request, "pages/account/sign_up.html", errors=errors, values={"email": email}
            )
        await send_token_mail(request, issued)
        return redirect("/account/check-email")

    @get("/check-email", name="check_email")
    async def check_email(self, request: Request) -> Template:
        return render(request, "pages/account/check_email.html", active="account")

    @get("/verify-email", name="verify_email")
    async def verify_email_page(self, request: Request, token: FromQuery[str] = "") -> Template:
        """The emailed link shows a button: a mail scanner following the link must not
        use it up."""
        return form_page(request, "pages/account/verify_email.html", token=token[:200])

    @post("/verify-email", name="verify_email_submit")
    async def verify_email(self, request: Request, now: Now) -> Template:
        form = await form_of(request)
        try:
            await accounts.verify_email(form.get("token", ""), now=now)
        except accounts.InvalidToken:
            return render(
                request,
                "pages/account/verify_email.html",
                status_code=400,
                token="",
                link_error=invalid_link_message(),
                active="account",
            )
        return render(request, "pages/account/email_verified.html", active="account")

    # --- log in and out ---------------------------------------------------------------

    @get("/log-in", name="log_in")
    async def log_in_form(self, request: Request) -> Template | Redirect:
        if current_user(request):
            return redirect("/account")
        return form_page(request, "pages/account/log_in.html", values={})

    @post("/log-in", name="log_in_submit")
    async def log_in(self, request: Request, now: Now) -> Template | Redirect:
        form = await form_of(request)
        email, password = form.get("email", "").strip(), form.get("password", "")
        status = 400
        try:
            user = await accounts.authenticate(email, password, client_address(request), now=now)
        except accounts.LoginThrottled as exc:
            message, status = throttled_message(exc.until), 429
        except accounts.InvalidCredentials:
            message = credentials_message()
        except accounts.EmailNotVerified:
            message = _("Confirm your email address first: follow the link we sent you.")
        except accounts.AccountDisabled:
            message = _("This account is disabled. Contact Norec if you think this is a mistake.")
        else:
            await sign_in(request, user)
            return redirect("/account")
        return render(
            request,
            "pages/account/log_in.html",
            status_code=status,
            errors={"form": message},
            values={"email": email},
            active="account",
        )

    @post("/log-out", name="log_out")
    async def log_out(self, request: Request) -> Redirect:
        sign_out(request)
        return redirect("/")

    # --- forgotten password -----------------------------------------------------------

    @get("/forgot-password", name="forgot_password")
    async def forgot_password_form(self, request: Request) -> Template:
        return form_page(request, "pages/account/forgot_password.html", values={})

    @post("/forgot-password", name="forgot_password_submit")
    async def forgot_password(self, request: Request, now: Now) -> Template:
        form = await form_of(request)
        email = form.get("email", "").strip()
        try:
            accounts.normalise_email(email)
        except accounts.InvalidEmail:
            return form_page(
                request,
                "pages/account/forgot_password.html",
                errors={"email": invalid_email_message()},
                values={"email": email},
            )
        await send_token_mail(request, await accounts.request_password_reset(email, now=now))
        return render(request, "pages/account/reset_link_sent.html", active="account")

    @get("/reset-password", name="reset_password")
    async def reset_password_form(self, request: Request, token: FromQuery[str] = "") -> Template:
        return form_page(request, "pages/account/reset_password.html", token=token[:200])

    @post("/reset-password", name="reset_password_submit")
    async def reset_password(self, request: Request, now: Now) -> Template | Redirect:
        form = await form_of(request)
        token, password = form.get("token", ""), form.get("password", "")
        errors: FieldErrors = {}
        try:
            user = await accounts.reset_password(token, password, now=now)
        except accounts.InvalidToken:
            errors["form"] = invalid_link_message()
        except accounts.AccountDisabled:
            errors["form"] = _(
                "This account is disabled. Contact Norec if you think this is a mistake."
            )
        except PasswordPolicyError as refusal:
            errors["password"] = password_message(refusal)
        if errors:
            return form_page(
                request, "pages/account/reset_password.html", errors=errors, token=token
            )
        # Every session of the account ended with the reset; this browser starts anew.
        sign_out(request)
        return render(
            request, "pages/account/password_reset.html", email=user.email, active="account"
        )

    # --- the account page -------------------------------------------------------------

    async def _account_page(
        self,
        request: Request,
        user: UserOut,
        *,
        errors: FieldErrors | None = None,
        notice: str | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        given = await consents.current_consents(user.id)
        return form_page(
            request,
            "pages/account/account.html",
            errors=errors,
            notice=notice,
            values=values or {},
            user=user,
            consents=[
                {
                    "purpose": purpose.value,
                    "label": consent_label(purpose),
                    "description": consent_description(purpose),
                    "given_at": given.get(purpose),
                }
                for purpose in ConsentPurpose
            ],
            roles=[role_label(role.value) for role in user.roles],
        )

    @get("/", name="account", guards=[signed_in])
    async def account(self, request: Request) -> Template | Redirect:
        user = signed_in_user(request)
        notice = {
            "password": _("Your password is changed. Other devices have been logged out."),
            "email": _("We sent a link to the new address. Your address changes when you open it."),
            "consent": _("Your choice is saved."),
        }.get(request.query_params.get("done", ""))
        return await self._account_page(request, user, notice=notice)

    @post("/password", name="change_password", guards=[signed_in])
    async def change_password(self, request: Request, now: Now) -> Template | Redirect:
        user = signed_in_user(request)
        form = await form_of(request)
        new = form.get("new_password", "")
        errors: FieldErrors = {}
        try:
            await accounts.change_password(user.id, form.get("current_password", ""), new, now=now)
        except accounts.WrongPassword:
            errors["current_password"] = _("The current password is wrong.")
        except PasswordPolicyError as refusal:
            errors["new_password"] = password_message(refusal)
        if errors:
            return await self._account_page(request, user, errors=errors)
        # The change ended every session of the user; this one continues under a new id.
        await sign_in(request, user)
        return redirect("/account?done=password")

    @post("/email", name="change_email", guards=[signed_in])
    async def change_email(self, request: Request, now: Now) -> Template | Redirect:
        user = signed_in_user(request)
        form = await form_of(request)
        new_email = form.get("new_email", "").strip()
        try:
            issued = await accounts.request_email_change(user.id, new_email, now=now)
        except accounts.InvalidEmail:
            error = invalid_email_message()
            if new_email.lower() == user.email:
                error = _("That is already your email address.")
        except accounts.EmailTaken:
            error = _("That address cannot be used. Choose another one.")
        except accounts.TooManyMails:
            error = too_many_mails_message()
        else:
            await send_token_mail(request, issued)
            return redirect("/account?done=email")
        return await self._account_page(
            request, user, errors={"new_email": error}, values={"new_email": new_email}
        )

    @get("/confirm-email", name="confirm_email")
    async def confirm_email_page(self, request: Request, token: FromQuery[str] = "") -> Template:
        return form_page(request, "pages/account/confirm_email.html", token=token[:200])

    @post("/confirm-email", name="confirm_email_submit")
    async def confirm_email(self, request: Request, now: Now) -> Template:
        form = await form_of(request)
        try:
            user = await accounts.confirm_email_change(form.get("token", ""), now=now)
        except (accounts.InvalidToken, accounts.EmailTaken):
            return render(
                request,
                "pages/account/confirm_email.html",
                status_code=400,
                token="",
                link_error=invalid_link_message(),
                active="account",
            )
        return render(
            request, "pages/account/email_changed.html", email=user.email, active="account"
        )

    @post("/consents/{purpose:str}", name="consent", guards=[signed_in])
    async def consent(self, request: Request, purpose: FromPath[str], now: Now) -> Redirect:
        """Give or withdraw one consent in one click (``action`` = give / withdraw)."""
        user = signed_in_user(request)
        try:
            chosen = ConsentPurpose(purpose)
        except ValueError as exc:
            raise NotFoundException(detail=f"no consent purpose {purpose!r}") from exc
        form = await form_of(request)
        if form.get("action") == "give":
            await consents.give_consent(user.id, chosen, now=now)
        else:
            await consents.withdraw_consent(user.id, chosen, now=now)
        return redirect(f"/account?done=consent#consent-{chosen.value}")

    # --- "download my data" and "delete my account" -----------------------------------

    @get("/data", name="my_data", guards=[signed_in])
    async def my_data(self, request: Request, now: Now) -> Response[dict[str, Any]]:
        """Everything stored about the signed-in person, as a JSON file (audited)."""
        user = signed_in_user(request)
        data = await privacy.export_audited(user.id, actor_id=user.id, now=now)
        return Response(
            data,
            media_type=MediaType.JSON,
            headers={
                "Content-Disposition": f'attachment; filename="{export_filename(now)}"',
            },
        )

    @get("/delete", name="delete_account_form", guards=[signed_in])
    async def delete_account_form(self, request: Request) -> Template:
        return form_page(request, "pages/account/delete.html")

    @post("/delete", name="delete_account", guards=[signed_in])
    async def delete_account(self, request: Request, now: Now) -> Template:
        """Erase the account (see :func:`candidates.privacy.erase_own_account`) once the
        person has typed their password, and end this browser's session."""
        user = signed_in_user(request)
        form = await form_of(request)
        errors: FieldErrors = {}
        try:
            await privacy.erase_own_account(user.id, form.get("password", ""), now=now)
        except accounts.WrongPassword:
            errors["password"] = _("The password is wrong.")
        except privacy.LastAdmin:
            errors["form"] = _(
                "You are the last administrator. Give another person the administrator "
                "role before you delete your account."
            )
        if errors:
            return form_page(request, "pages/account/delete.html", errors=errors)
        sign_out(request)
        return render(request, "pages/account/deleted.html", active="account")


def export_filename(now: datetime) -> str:
    return f"norec-my-data-{now.astimezone(OSLO):%Y-%m-%d}.json"
