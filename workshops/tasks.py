"""Background tasks. Each runs inside an app context from `queue.task_app()`."""

from __future__ import annotations

import logging

from huey import crontab

from workshops import mail
from workshops.queue import huey, periodic_task, task_app

log = logging.getLogger(__name__)


@huey.task()
def send_mail(message_id: int) -> str:
    app = task_app()
    with app.app_context():
        return mail.deliver(app, message_id)


@periodic_task(crontab(minute="*"))
def flush_outbox() -> int:
    """Retries and anything whose hand-off to the queue was lost; returns how many were sent."""
    app = task_app()
    with app.app_context():
        return mail.flush(app)


@periodic_task(crontab(minute="*/5"))
def expire_offers() -> int:
    """Pass places whose offers have lapsed to the next in line."""
    from workshops import booking

    app = task_app()
    with app.app_context():
        return booking.expire_offers()


@periodic_task(crontab(minute="20"))
def send_reminders() -> int:
    """Email each confirmed delegate a reminder REMINDER_DAYS before their workshop; hourly,
    so that someone who books inside that window is reminded soon after. Returns how many."""
    from workshops import reminders

    app = task_app()
    with app.app_context():
        return reminders.send_due_reminders()


@periodic_task(crontab(hour="6", minute="0"))
def finish_past_workshops() -> int:
    """Finish yesterday's (and any missed) workshops, so their delegates get invited to give
    feedback; finishing again is a no-op. Returns how many were finished."""
    from workshops import attendance

    app = task_app()
    with app.app_context():
        return len(attendance.finish_past_workshops())


@periodic_task(crontab(hour="3", minute="0"))
def erase_expired_personal_data() -> int:
    """Keep the privacy notice's promise: erase delegates' details RETENTION_MONTHS after their
    workshop, at a quiet hour. Returns how many bookings were erased (none on a second run)."""
    from workshops import retention

    app = task_app()
    with app.app_context():
        return retention.erase(dry_run=False).bookings


# "Email me my links" and "Forgotten your password?" hand the whole of their work to the queue,
# so that the page that asked does the same (queue one task) for an address that is known and
# one that is not: the time it took to answer would otherwise tell them apart (a known address
# costs a query more, a row written and a commit).

@huey.task()
def send_links(email: str) -> None:
    from workshops import booking

    app = task_app()
    with app.app_context():
        booking.send_links(email)


@huey.task()
def send_password_reset(email: str) -> None:
    from workshops import password_reset

    app = task_app()
    with app.app_context():
        password_reset.request_reset(email)
