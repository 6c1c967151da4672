"""The validation plugin's periodic work, run by the same queue consumer as the core's."""

from __future__ import annotations

from huey import crontab

from workshops.queue import periodic_task, task_app


@periodic_task(crontab(hour="9", minute="45"))
def remind_to_answer_questions() -> int:
    """Once a day, at a civil hour: the single reminder to submitters whose answer is overdue."""
    from validation import request_reminders

    app = task_app()
    with app.app_context():
        return request_reminders.send_reminders()
