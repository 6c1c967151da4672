"""The plain-text part of every core email reads as paragraphs: its templates' block tags eat
the newline after them (trim_blocks), which had run a sentence into the workshop's details."""

from __future__ import annotations

from tests.conftest import make_staff
from tests.mail_scenarios import send_the_booking_emails, send_the_draft_deletion_warning
from workshops.models import Role


def test_the_workshops_details_and_the_footer_stand_apart_in_every_email(app, mailbox):
    make_staff(Role.ADMIN)
    send_the_booking_emails()
    send_the_draft_deletion_warning()
    problems, details_seen = [], 0
    for message in mailbox.messages:
        lines = message.get_body(("plain",)).get_content().splitlines()
        subject = str(message["Subject"])
        for n, line in enumerate(lines):
            if line.startswith("Workshop: "):
                details_seen += 1
                if lines[n - 1].strip():
                    problems.append(f"{subject}: no blank line before {line!r}, after "
                                    f"{lines[n - 1]!r}")
            if line.startswith("Booking reference: ") and lines[n + 1].strip():
                problems.append(f"{subject}: no blank line after {line!r}")
            if line == "--" and lines[n - 1].strip():
                problems.append(f"{subject}: no blank line before the footer")
    assert details_seen >= 10
    assert not problems, "\n".join(problems)
