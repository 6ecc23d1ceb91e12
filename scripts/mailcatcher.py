"""The mail catcher of `make run`: prints every email it receives as a reader would see it.

aiosmtpd's own Debugging handler prints the raw message, where a French or Ukrainian
subject is MIME-encoded (=?utf-8?b?...?=) and a body may be base64. This handler prints
the decoded headers, the text body and the names of the attachments. Procfile.dev runs it:

    python -m aiosmtpd -n -l 127.0.0.1:1025 -c scripts.mailcatcher.Printer
"""

import email
import email.policy
import sys
from typing import TextIO

HEADERS = ["From", "To", "Cc", "Reply-To", "Subject"]


def readable(raw: bytes) -> str:
    """The message's headers, text body and attachment names, decoded."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # A folded header may start with the space of its first continuation line.
    lines = [f"{name}: {str(message[name]).strip()}" for name in HEADERS if message[name]]
    body = message.get_body(preferencelist=("plain", "html"))
    lines += ["", body.get_content().rstrip() if body else "(no text body)"]
    attachments = [part.get_filename() or part.get_content_type()
                   for part in message.iter_attachments()]
    if attachments:
        lines += ["", "Attachments: " + ", ".join(attachments)]
    return "\n".join(lines)


class Printer:
    """An aiosmtpd handler (`-c scripts.mailcatcher.Printer`) that accepts and prints."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    async def handle_DATA(self, server, session, envelope) -> str:
        print("---------- email ----------", file=self.stream)
        print(readable(envelope.content), file=self.stream)
        print("---------- end of email ----------", file=self.stream, flush=True)
        return "250 Message accepted for delivery"
