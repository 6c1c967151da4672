"""The audit log names the plugin's entities: practice by its reference and title, an
evaluation by the workshop it is of, not by ids that say nothing to an organiser."""

from __future__ import annotations

from feedback import evaluations, submissions
from tests.conftest import login, make_staff, make_workshop
from tests.feedback.support import attended, complete_answers, finish
from tests.feedback.test_evaluation import answers as evaluation_answers
from tests.workshops.test_audit_log import _entries
from workshops import formatting
from workshops.extensions import db
from workshops.models import AuditEntry, Role
from workshops.practice_form import PRACTICE_FORM


def test_practice_and_evaluations_are_named_in_the_audit_log(app, client) -> None:
    workshop = make_workshop(region="london")
    draft = submissions.draft_for_booking(attended(workshop, 1))
    values = complete_answers(title="Chronology clinic for neglect cases")
    for section in PRACTICE_FORM.sections:
        submissions.save_section(draft, section.key,
                                 {q.key: values.get(q.key) for q in section.questions})
    sent = submissions.submit(draft, flags_confirmed=True)
    untitled = submissions.draft_for_booking(attended(workshop, 2))
    invitation = finish(workshop)[0]
    evaluations.record_evaluation(invitation, evaluation_answers())
    # A draft since deleted (its submitter asked for their data to be erased) keeps its id.
    db.session.add(AuditEntry(actor_label="public", action="practice_started",
                              entity="submission", entity_id=999_999,
                              workshop_id=workshop.id, details={}))
    db.session.commit()

    login(client, make_staff(Role.ORGANISER))
    rows = _entries(client.get(f"/organiser/workshops/{workshop.id}/audit").text)

    def about(words: str) -> list[str]:
        return [row for row in rows if words in row]

    assert about(f"Submission: {sent.reference}, Chronology clinic for neglect cases"), rows
    assert about(f"Submitted Submission: {sent.reference}"), "the entry of its sending"
    # A draft has no reference until it is sent; nor, here, a title.
    assert about("Submission: Untitled practice"), rows
    assert not about(f"Submission {untitled.id}")
    assert about(f"Evaluation sent Evaluation: {workshop.display_title}, "
                 f"{formatting.day(workshop.starts_at)}"), rows
    assert about("Submission 999999"), rows
