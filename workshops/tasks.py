"""Background tasks. Each runs inside an app context from `queue.task_app()`."""

from __future__ import annotations

import logging

from huey import crontab

from workshops import mail
from workshops.queue import huey, task_app

log = logging.getLogger(__name__)


@huey.task()
def send_mail(message_id: int) -> str:
    app = task_app()
    with app.app_context():
        return mail.deliver(app, message_id)


@huey.periodic_task(crontab(minute="*"))
def flush_outbox() -> int:
    """Retries and anything whose hand-off to the queue was lost; returns how many were sent."""
    app = task_app()
    with app.app_context():
        return mail.flush(app)


@huey.periodic_task(crontab(minute="*/5"))
def expire_offers() -> int:
    """Pass places whose offers have lapsed to the next in line."""
    from workshops import booking

    app = task_app()
    with app.app_context():
        return booking.expire_offers()
