"""The audit log names the plugin's entities: a case and a publication by reference and
title, a panel member's declared interests by the member, a rubric descriptor by criterion
and score, not by ids that say nothing to whoever reads the log."""

from __future__ import annotations

from tests.conftest import login
from tests.validation.test_panel import person, seed_rubric
from tests.validation.test_publication import validated
from tests.workshops.test_audit_log import _entries
from validation import panel
from workshops.extensions import db
from workshops.models import AuditEntry, Role


def test_cases_publications_interests_and_the_rubric_are_named_in_the_audit_log(
        app, client) -> None:
    seed_rubric()
    chair = person(Role.PANEL_CHAIR, "Carol Chair")
    published = validated(chair, title="Chronology clinic for neglect cases")
    reference = published.case.reference
    admin = person(Role.ADMIN, "Ada Admin", None)
    texts = {(c.value, s): d for c, scores in panel.rubric().items() for s, d in enumerate(scores)}
    texts[("evidence", 2)] = "Some evidence of improved outcomes, measured once."
    panel.edit_rubric(texts, actor=admin)
    # A case since gone keeps the wording it had.
    db.session.add(AuditEntry(actor_label="system", action="received", entity="validation_case",
                              entity_id=999_999, details={}))
    db.session.commit()

    login(client, admin)
    rows = _entries(client.get("/organiser/audit").text)

    def about(words: str) -> list[str]:
        return [row for row in rows if words in row]

    assert about(f"Received Validation case: {reference}, Chronology clinic for neglect "
                 "cases"), rows
    assert about(f"Publication started Validation publication: {reference}, Chronology "
                 "clinic for neglect cases"), rows
    assert about("Interests declared Validation panel profile: Ann Expert"), rows
    assert about("Rubric edited Validation rubric: Strength of evidence of improved outcomes, "
                 "score 2"), rows
    assert about("Validation case 999999"), rows
