"""What this plugin holds about a person, for an administrator answering their request for a
copy of their data or its erasure (workshops.personal_data, through
`signals.personal_data_requested` and `signals.personal_data_erasing`)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from feedback.models import Evaluation, Submission, SubmissionStatus
from workshops import retention, signals
from workshops.extensions import db
from workshops.formatting import short_day
from workshops.models import AuditEntry, Booking, User
from workshops.personal_data import Erased, Holding
from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM, Kind
from workshops.validators import email_key

ON_ERASURE = ("Unsent drafts are deleted, with their evidence files. A sent submission is kept: "
              "it is the programme's record of the practice it judged, as the privacy notice "
              "says. Its contact details are never published.")
UNSENT = (SubmissionStatus.AWAITING_EMAIL, SubmissionStatus.DRAFT)


def _answer(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


def holding(_sender: Flask, email: str) -> Holding:
    """Every submission made with `email` (already in the form bookings key it), each with
    its answers under their questions' labels."""
    submissions_made = db.session.scalars(
        select(Submission).where(func.lower(Submission.email) == email)
        .order_by(Submission.created_at, Submission.id)).all()
    records = []
    for submission in submissions_made:
        record = {"Reference": submission.reference or "Not sent yet",
                  "Status": submission.status.replace("_", " ").capitalize(),
                  "Started": short_day(submission.created_at),
                  "Sent": short_day(submission.submitted_at) if submission.submitted_at else "",
                  "Evidence files": ", ".join(f.original_name for f in submission.files)}
        for question in PRACTICE_FORM.questions():
            if question.key in submission.answers:
                value = submission.answers[question.key]
                # A choice as the form offered it ('Yorkshire and the Humber'), not its key.
                record[question.label] = (question.option_label(value)
                                          if question.kind == Kind.CHOICE and value
                                          else _answer(value))
        records.append(record)
    return Holding("Practice submissions", records, on_erasure=ON_ERASURE,
                   erasable=any(s.status in UNSENT for s in submissions_made))


def evaluations(_sender: Flask, email: str) -> Holding:
    """The person's evaluations of the days they attended: organisers see them without names,
    but each is kept with its booking, so it is the person's data and theirs to have."""
    found = db.session.scalars(
        select(Evaluation).join(Booking, Evaluation.booking_id == Booking.id)
        .where(Booking.email_key == email).order_by(Evaluation.submitted_at))
    records = []
    for evaluation in found:
        record = {"Workshop": evaluation.booking.workshop.display_title,
                  "Sent": short_day(evaluation.submitted_at)}
        for question in EVALUATION_FORM.questions():
            if question.key in evaluation.answers:
                record[question.label] = _answer(evaluation.answers[question.key])
        records.append(record)
    return Holding("Evaluations of workshops", records,
                   on_erasure="Kept, without the person: erasing the booking leaves the "
                              "answers with no name or address attached.")


def delete_drafts(drafts: list[Submission]) -> list[str]:
    """Delete `drafts` with their evidence rows; returns the stored names of their files, for the
    caller to remove once the deletion has committed (a rollback must not lose a kept file).

    Their audit entries stay, saying that a draft was started, with what named its submitter
    taken out of them: the address (also as the entries' actor), the contact name, and the
    names of the files they attached (a file's name often names a family or a colleague).
    Shared by an erasure on request (`erase_drafts`) and the retention period
    (feedback.draft_retention)."""
    files = [f.stored_name for draft in drafts for f in draft.files]
    if not drafts:
        return files
    # All the drafts' entries at once (a retention run may delete many): what named any of
    # their submitters goes from all of them, which takes nothing else away.
    about_them = (AuditEntry.entity == "submission") & AuditEntry.entity_id.in_(
        [draft.id for draft in drafts])
    entries = list(db.session.scalars(select(AuditEntry).where(about_them)))
    addresses = {email_key(draft.email) for draft in drafts}
    secrets = {*addresses, *(draft.email.strip().lower() for draft in drafts),
               *(str(draft.answers.get("contact_name") or "").strip().lower()
                 for draft in drafts),
               *(str(e.details.get("file", "")).lower() for e in entries if e.details)}
    # Short strings left out, as retention.secrets_of does: a one-letter name would wipe
    # unrelated text.
    retention.scrub_audit(about_them, {s for s in secrets if len(s) >= 4})
    for entry in entries:
        if email_key(entry.actor_label) in addresses:
            entry.actor_label = "submitter (erased)"
    for draft in drafts:
        db.session.delete(draft)  # its evidence rows go with it (the relationship's cascade)
    return files


def erase_drafts(_sender: Flask, email: str, actor: User) -> Erased:
    """Delete the unsent drafts made with `email` and their evidence (the files go once the
    erasure has committed)."""
    drafts = list(db.session.scalars(select(Submission).where(
        func.lower(Submission.email) == email, Submission.status.in_(UNSENT))))
    files = delete_drafts(drafts)
    return Erased(len(drafts), "unsent practice submission", "unsent practice submissions",
                  files=files)


def connect() -> None:
    signals.personal_data_requested.connect(holding, weak=False)
    signals.personal_data_requested.connect(evaluations, weak=False)
    signals.personal_data_erasing.connect(erase_drafts, weak=False)
