"""Mail: an SMTP sender (aiosmtplib) and the account messages.

Messages are plain text, Norwegian Bokmål first and English below, so one message
serves everyone before we know a person's language. Links point at the pages the HTTP
layer serves under the paths below, with the token as the ``token`` query parameter.

Settings (``PORTAL_*``): ``SMTP_HOST`` (localhost), ``SMTP_PORT`` (25), ``SMTP_TLS``
(``none``; ``starttls`` upgrades after connecting, ``tls`` is implicit TLS, usually port
465), ``SMTP_USERNAME``/``SMTP_PASSWORD`` (optional), ``MAIL_SENDER``, ``BASE_URL``.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiosmtplib

from candidates.schemas import IssuedToken
from candidates.tables import TokenPurpose
from portal.settings import Settings, get_settings

VERIFY_EMAIL_PATH = "/account/verify-email"
RESET_PASSWORD_PATH = "/account/reset-password"  # noqa: S105 (a path)
CONFIRM_EMAIL_PATH = "/account/confirm-email"

_OSLO = ZoneInfo("Europe/Oslo")


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


class Mailer:
    """Sends messages through the SMTP server named in the settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        if "From" not in message:
            message["From"] = s.mail_sender
        if "Date" not in message:
            message["Date"] = formatdate(usegmt=True)
        if "Message-ID" not in message:
            domain = parseaddr(s.mail_sender)[1].rpartition("@")[2] or None
            message["Message-ID"] = make_msgid(domain=domain)
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                use_tls=s.smtp_tls == "tls",
                start_tls=s.smtp_tls == "starttls",
                timeout=s.smtp_timeout,
            )
        except aiosmtplib.SMTPException as exc:
            raise MailError(f"could not send mail via {s.smtp_host}:{s.smtp_port}: {exc}") from exc


def link(path: str, token: str, settings: Settings | None = None) -> str:
    base = (settings or get_settings()).base_url.rstrip("/")
    return f"{base}{path}?{urlencode({'token': token})}"


def _local_time(when: datetime) -> str:
    return when.astimezone(_OSLO).strftime("%d.%m.%Y %H:%M")


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject
    message.set_content(body)
    return message


def verify_email_message(issued: IssuedToken, settings: Settings | None = None) -> EmailMessage:
    assert issued.purpose is TokenPurpose.verify_email
    url = link(VERIFY_EMAIL_PATH, issued.token, settings)
    until = _local_time(issued.expires_at)
    return _message(
        issued.email,
        "Bekreft e-postadressen din / Confirm your email address – Norec",
        f"""Hei,

Bekreft e-postadressen din for Norecs rekrutteringsportal ved å åpne denne lenken:

{url}

Lenken gjelder til {until} (norsk tid) og kan brukes én gang. Hvis du ikke har
opprettet en konto, kan du se bort fra denne e-posten.

---

Hello,

Confirm your email address for Norec's recruitment portal by opening this link:

{url}

The link is valid until {until} (Norwegian time) and works once. If you did not
create an account, you can ignore this email.

Norec
""",
    )


def reset_password_message(issued: IssuedToken, settings: Settings | None = None) -> EmailMessage:
    assert issued.purpose is TokenPurpose.reset_password
    url = link(RESET_PASSWORD_PATH, issued.token, settings)
    until = _local_time(issued.expires_at)
    return _message(
        issued.email,
        "Velg nytt passord / Choose a new password – Norec",
        f"""Hei,

Noen (forhåpentligvis du) har bedt om å velge et nytt passord for kontoen din i
Norecs rekrutteringsportal. Åpne lenken for å velge passord:

{url}

Lenken gjelder til {until} (norsk tid) og kan brukes én gang. Hvis du ikke ba om
dette, kan du se bort fra e-posten: passordet ditt er uendret.

---

Hello,

Someone (hopefully you) asked to choose a new password for your account on Norec's
recruitment portal. Open the link to choose it:

{url}

The link is valid until {until} (Norwegian time) and works once. If you did not ask
for this, ignore this email: your password has not changed.

Norec
""",
    )


def change_email_message(issued: IssuedToken, settings: Settings | None = None) -> EmailMessage:
    assert issued.purpose is TokenPurpose.change_email
    url = link(CONFIRM_EMAIL_PATH, issued.token, settings)
    until = _local_time(issued.expires_at)
    return _message(
        issued.email,
        "Bekreft ny e-postadresse / Confirm your new email address – Norec",
        f"""Hei,

Du har bedt om å bruke denne e-postadressen for kontoen din i Norecs
rekrutteringsportal. Bekreft ved å åpne lenken:

{url}

Lenken gjelder til {until} (norsk tid) og kan brukes én gang. Inntil du bekrefter,
bruker kontoen den gamle adressen.

---

Hello,

You asked to use this email address for your account on Norec's recruitment portal.
Confirm by opening the link:

{url}

The link is valid until {until} (Norwegian time) and works once. Until you confirm,
the account keeps its old address.

Norec
""",
    )


def welcome_message(issued: IssuedToken, settings: Settings | None = None) -> EmailMessage:
    """For an account an operator created: choose a password through a reset token."""
    assert issued.purpose is TokenPurpose.reset_password
    url = link(RESET_PASSWORD_PATH, issued.token, settings)
    until = _local_time(issued.expires_at)
    return _message(
        issued.email,
        "Din konto i Norecs rekrutteringsportal / Your account on Norec's recruitment portal",
        f"""Hei,

Norec har opprettet en konto til deg i rekrutteringsportalen. Velg et passord ved å
åpne denne lenken:

{url}

Lenken gjelder til {until} (norsk tid) og kan brukes én gang.

---

Hello,

Norec has created an account for you on the recruitment portal. Choose a password by
opening this link:

{url}

The link is valid until {until} (Norwegian time) and works once.

Norec
""",
    )


def inactivity_warning_message(
    to: str, erase_after: datetime, settings: Settings | None = None
) -> EmailMessage:
    """The warning before the inactive-account purge erases an account
    (candidates/privacy.py): signing in before ``erase_after`` keeps it."""
    base = (settings or get_settings()).base_url.rstrip("/") + "/"
    day = erase_after.astimezone(_OSLO).strftime("%d.%m.%Y")
    return _message(
        to,
        "Kontoen din slettes snart / Your account will soon be deleted – Norec",
        f"""Hei,

Du har ikke logget inn i Norecs rekrutteringsportal på lenge. For å ikke lagre
personopplysninger lenger enn nødvendig sletter vi kontoer som ikke er i bruk.

Kontoen din og opplysningene om deg blir slettet etter {day}. Vil du beholde
kontoen, logger du inn før det:

{base}

Vil du at den skal slettes, trenger du ikke gjøre noe.

---

Hello,

You have not signed in to Norec's recruitment portal for a long time. So as not to
keep personal data longer than needed, we delete accounts that are not in use.

Your account and the data about you will be deleted after {day}. To keep the
account, sign in before then:

{base}

If you want it deleted, you need not do anything.

Norec
""",
    )


def message_for(issued: IssuedToken, settings: Settings | None = None) -> EmailMessage:
    """The message that carries ``issued`` to its address."""
    builders = {
        TokenPurpose.verify_email: verify_email_message,
        TokenPurpose.reset_password: reset_password_message,
        TokenPurpose.change_email: change_email_message,
    }
    return builders[issued.purpose](issued, settings)
