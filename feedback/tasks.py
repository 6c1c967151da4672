"""The feedback plugin's periodic work, run by the same queue consumer as the core's."""

from __future__ import annotations

from huey import crontab

from workshops.queue import periodic_task, task_app


@periodic_task(crontab(hour="9", minute="30"))
def remind_to_give_feedback() -> int:
    """Once a day, at a civil hour: the single reminder to those who have not responded."""
    from feedback import invitations

    app = task_app()
    with app.app_context():
        return invitations.send_reminders()
