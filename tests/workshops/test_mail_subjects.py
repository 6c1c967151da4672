"""Subjects arrive as they were written, whatever their length, through a real SMTP server."""

from __future__ import annotations

import pytest

from workshops import mail
from workshops.extensions import db
from workshops.models import OutboxMessage

SENDER = "Knowledge workshops <workshops@example.org>"
SUBJECTS = [
    "Place confirmed",
    # 70 to 77 characters: Python alone folds these straight after "Subject:".
    "Your views on Children living with parental substance misuse: West Midl",
    "Your views on Children living with parental substance misuse: West Midlands",
    "Reminder: Highly resistant families: North West, Wednesday 2 December 2026",
    # Longer: folded between words, as before.
    "Thank you for coming: Children living with parental substance misuse: Yorkshire and the "
    "Humber",
    "Ymgynghoriad — plant sy’n byw gyda chamddefnydd sylweddau rhieni: Gogledd Cymru a Gorllewin",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_subject_arrives_without_a_leading_space(app, mailbox, subject: str) -> None:
    row = mail.queue_mail("reader@example.org", "your_links", subject,
                          reason="a test sent it", bookings=[])
    db.session.commit()
    [message] = mailbox.to("reader@example.org")
    assert str(message["Subject"]) == subject

    raw = mail.build_email(db.session.get(OutboxMessage, row.id), SENDER).as_bytes()
    header = raw.split(b"\nSubject:", 1)[1].split(b"\nMessage-ID:", 1)[0]
    first, *rest = header.split(b"\n")
    assert first.strip(), f"nothing on the Subject line itself: {header!r}"
    assert len(b"Subject:" + first) <= 998
    if len(subject) > 77:
        assert rest, "a long subject is still folded"
        assert all(len(line) <= 78 for line in [b"Subject:" + first, *rest]), header
