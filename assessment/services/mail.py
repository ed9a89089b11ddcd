"""Mail, when the installation has it (``MAIL_URL``): for now only "send me my private link".
No Flask here.

``MAIL_URL`` is ``smtp://user:password@host:587`` (STARTTLS when the server offers it),
``smtps://user:password@host:465`` (TLS from the start) or ``smtp://host:25`` (no login). The user
name and password may be percent-encoded. Without ``MAIL_URL`` nothing is ever sent and the pages
do not offer it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from ..domain.text import N_


class MailError(RuntimeError):
    """The mail could not be handed to the server; the message is fit to show (translated by
    the page that shows it)."""


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    tls: bool  # TLS from the start (smtps)
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> MailServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"MAIL_URL must look like smtp://user:password@host:587, not {url!r}")
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            tls=tls,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )


def send(server: MailServer, sender: str, to: str, subject: str, body: str, timeout: float = 15.0) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    try:
        if server.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with client:
            if not server.tls:
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
            if server.user:
                client.login(server.user, server.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(N_("The e-mail could not be sent just now. Copy the link instead.")) from exc
