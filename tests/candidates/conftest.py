"""Fixtures for the account services: a real local SMTP server and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from candidates.mail import Mailer
from portal.settings import get_settings

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def mailer(smtp) -> Mailer:
    settings = get_settings().model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp[1],
            "smtp_tls": "none",
            "mail_sender": "Norec <no-reply@norec.no>",
            "base_url": "https://portal.norec.no",
        }
    )
    return Mailer(settings)
