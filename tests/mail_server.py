"""A real SMTP server on loopback for tests (aiosmtpd), and what it received."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def last(self, to: str) -> EmailMessage:
        for recipients, message in reversed(self.messages):
            if to in recipients:
                return message
        raise AssertionError(f"no message to {to}; got {[r for r, _ in self.messages]}")

    def token(self, to: str) -> str:
        body = self.last(to).get_content()
        tokens = set(re.findall(r"\?token=([A-Za-z0-9_-]+)", body))
        assert len(tokens) == 1, body
        return tokens.pop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def mail_server() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on a free loopback port: its inbox and its port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
