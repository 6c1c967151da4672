"""Practice submissions: every change of a submission goes through a function here.

States and the actions between them (anything else is refused by `next_state`):

    awaiting_email --confirm_email--> draft --save/attach/import--> draft --submit--> submitted

Submitting writes the reference, the audit entry and the receipt (with its PDF) in one
transaction, and sends `submission_received`: the hand-off to validation, whichever plugin
provides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import url_for
from sqlalchemy import select, update

from feedback import evidence
from feedback.models import (
    REFERENCE_PREFIX,
    EvidenceFile,
    Invitation,
    Source,
    Submission,
    SubmissionStatus,
)
from workshops import audit, clock, signals
from workshops.extensions import db
from workshops.mail import queue_mail
from workshops.models import Booking
from workshops.practice_form import (
    NOT_SCANNED,
    PRACTICE_FORM,
    Kind,
    Question,
    Section,
    answer_problem,
    answered,
)
from workshops.practice_pdf import SUBMISSION_CODE, FillableFormError, read_filled_form
from workshops.transitions import next_state
from workshops.urls import external_url

if TYPE_CHECKING:
    from workshops.identifiers import Flag

S = SubmissionStatus
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "start_public": {None: S.AWAITING_EMAIL},
    "start_invited": {None: S.DRAFT},
    "confirm_email": {S.AWAITING_EMAIL: S.DRAFT, S.DRAFT: S.DRAFT},
    "edit": {S.DRAFT: S.DRAFT},
    "submit": {S.DRAFT: S.SUBMITTED},
}



class SubmissionRefused(Exception):
    """A change the rules do not allow; `message` is for the submitter, `field` where to show it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SectionInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def section(key: str) -> Section:
    for found in PRACTICE_FORM.sections:
        if found.key == key:
            return found
    raise KeyError(key)


# --- starting ---------------------------------------------------------------------------------

def start_public(email: str) -> Submission:
    """Anyone may send practice: first they prove the address is theirs by opening a link."""
    submission = Submission(email=email.strip(), answers={"contact_email": email.strip()},
                            status=next_state(TRANSITIONS, "start_public", None))
    db.session.add(submission)
    db.session.flush()
    audit.record("practice_started", "submission", submission.id, actor="public", source="site")
    queue_mail(submission.email, "feedback_confirm_email", "Confirm your email to share practice",
               reason="you asked to share local practice with the knowledge workshops programme",
               link=external_url("feedback.practice", token=submission.token))
    db.session.commit()
    return submission


def confirm_email(submission: Submission) -> Submission:
    if submission.status == S.AWAITING_EMAIL:
        submission.status = next_state(TRANSITIONS, "confirm_email", submission.status)
        # Coming back to it is a change: its retention period (feedback.draft_retention)
        # runs from here, not from the day the address was typed in.
        submission.updated_at = clock.now()
        audit.record("email_confirmed", "submission", submission.id, actor=submission.email)
        db.session.commit()
    return submission


def _prefill(booking: Booking) -> dict[str, Any]:
    workshop = booking.workshop
    return {
        "organisation": booking.organisation,
        "region": workshop.region if workshop else booking.region,
        "contact_name": booking.name,
        "contact_role": booking.job_title,
        "contact_email": booking.email,
        "theme": workshop.series.theme.name if workshop else "",
    }


def draft_for_booking(booking: Booking) -> Submission:
    """The delegate's draft in progress, or a new one filled in from their booking.

    Whoever holds the booking's (or invitation's) link got it at the booking's address, so the
    address needs no confirming.
    """
    existing = db.session.scalar(
        select(Submission).where(Submission.booking_id == booking.id,
                                 Submission.status == S.DRAFT)
        .order_by(Submission.id.desc()).limit(1))
    if existing is not None:
        return existing
    submission = Submission(
        email=booking.email, booking_id=booking.id, workshop_id=booking.workshop_id,
        answers={k: v for k, v in _prefill(booking).items() if v},
        status=next_state(TRANSITIONS, "start_invited", None))
    db.session.add(submission)
    db.session.flush()
    audit.record("practice_started", "submission", submission.id, workshop_id=booking.workshop_id,
                 actor=booking.email, source="booking")
    db.session.commit()
    return submission


def draft_for_invitation(invitation: Invitation) -> Submission:
    return draft_for_booking(invitation.booking)


def submissions_for_booking(booking: Booking) -> list[Submission]:
    return list(db.session.scalars(
        select(Submission).where(Submission.booking_id == booking.id).order_by(Submission.id)))


# --- editing ----------------------------------------------------------------------------------

def _editable(submission: Submission) -> None:
    if submission.status == S.SUBMITTED:
        raise SubmissionRefused(f"This submission was sent on "
                                f"{clock.london(submission.submitted_at):%-d %B %Y} and can no "
                                "longer be changed.")
    next_state(TRANSITIONS, "edit", submission.status)


def check_answer(question: Question, value: Any) -> str | None:
    """The form's own rule for an answer (`workshops.practice_form.answer_problem`)."""
    return answer_problem(question, value)

def _clean(question: Question, value: Any) -> Any:
    if question.kind == Kind.CHECK:
        return bool(value)
    # Normalise line endings so word counts and the PDF agree with what was typed.
    return str(value or "").replace("\r\n", "\n").strip()


def save_section(submission: Submission, section_key: str, values: Mapping[str, Any]) -> None:
    """Store one section's answers. Invalid answers raise SectionInvalid and nothing is stored:
    the page shows the messages beside what was typed, so nothing is lost either."""
    _editable(submission)
    found = section(section_key)
    errors = {q.key: message for q in found.questions
              if (message := check_answer(q, values.get(q.key)))}
    if errors:
        raise SectionInvalid(errors)
    answers = dict(submission.answers)
    for question in found.questions:
        answers[question.key] = _clean(question, values.get(question.key))
    submission.answers = answers
    if section_key not in submission.sections_saved:
        submission.sections_saved = [*submission.sections_saved, section_key]
    submission.updated_at = clock.now()
    db.session.commit()


def section_state(submission: Submission, found: Section) -> str:
    """The task list's status: "Completed", "In progress" or "Not yet started".

    Only a section the submitter has saved can be "Completed": one filled in for them (the
    contact details, from their booking) is "In progress" until they have checked it.
    """
    answered = [q for q in found.questions if _answered(q, submission.answers.get(q.key))]
    saved = found.key in submission.sections_saved
    if not saved and not answered:
        return "Not yet started"
    if saved and all(_answered(q, submission.answers.get(q.key)) or not q.required
           for q in found.questions) and not any(
            check_answer(q, submission.answers.get(q.key)) for q in found.questions):
        return "Completed"
    return "In progress"


def filled_in_for_them(submission: Submission, found: Section) -> bool:
    """Whether the section has answers the submitter has not saved: those copied from their
    booking when the draft was made (draft_for_booking; an uploaded form counts as saved).
    The task list and the section say so, or "In progress" beside "0 of 6" reads as a
    mistake."""
    return found.key not in submission.sections_saved and any(
        _answered(q, submission.answers.get(q.key)) for q in found.questions)


def _answered(question: Question, value: Any) -> bool:
    return answered(question, value)

CONFIRM_FLAGS = ("Check the highlighted text and confirm it does not identify a child, parent or "
                 "carer, or change it")


def problems(submission: Submission) -> dict[str, str]:
    """Everything that stops this submission being sent, keyed by question."""
    found: dict[str, str] = {}
    for question in PRACTICE_FORM.questions():
        value = submission.answers.get(question.key)
        if message := check_answer(question, value):
            found[question.key] = message
        elif question.required and not _answered(question, value):
            found[question.key] = question.missing_message
    return found


def flags(submission: Submission) -> list[Flag]:
    from workshops.identifiers import scan

    fields = [q.key for q in PRACTICE_FORM.questions()
              if q.kind in (Kind.TEXT, Kind.LONG) and q.key not in NOT_SCANNED]
    texts = {key: str(submission.answers.get(key) or "") for key in fields}
    return scan(texts, fields)


# --- evidence ---------------------------------------------------------------------------------

def add_evidence(submission: Submission, filename: str, data: bytes) -> EvidenceFile:
    _editable(submission)
    if len(submission.files) >= evidence.MAX_FILES:
        raise SubmissionRefused(f"You can attach up to {evidence.MAX_FILES} files. Remove one "
                                "before you add another.", field="file")
    try:
        evidence.check_size(len(data))
        sniffed = evidence.sniff(data, filename)
    except evidence.Refused as refusal:
        raise SubmissionRefused(str(refusal), field="file") from None
    stored_name, digest = evidence.store(data)
    label = evidence.safe_label(filename)
    if "." not in label:
        label = f"{label}.{sniffed.extension}"
    attached = EvidenceFile(stored_name=stored_name, original_name=label,
                            media_type=sniffed.media_type, kind=sniffed.kind, size=len(data),
                            sha256=digest)
    submission.files.append(attached)
    submission.updated_at = clock.now()
    audit.record("evidence_added", "submission", submission.id,
                 workshop_id=submission.workshop_id, actor=submission.email,
                 file=label, size=len(data))
    db.session.commit()
    return attached


def remove_evidence(submission: Submission, file_id: int) -> str:
    """Take a file off the draft; returns its name, for the page to say which went."""
    _editable(submission)
    attached = next((f for f in submission.files if f.id == file_id), None)
    if attached is None:
        raise SubmissionRefused("That file is not attached to this submission.")
    stored_name = attached.stored_name
    submission.files.remove(attached)
    submission.updated_at = clock.now()
    audit.record("evidence_removed", "submission", submission.id,
                 workshop_id=submission.workshop_id, actor=submission.email,
                 file=attached.original_name)
    db.session.commit()
    evidence.remove(stored_name)  # after the commit: a rollback must not lose a kept file
    return attached.original_name


# --- the filled-in fillable PDF ---------------------------------------------------------------

def import_filled_form(submission: Submission, data: bytes) -> list[str]:
    """Copy the answers of an uploaded fillable PDF into the draft; returns the keys filled.

    The submitter then checks and completes them online: nothing is submitted from a PDF alone.
    """
    _editable(submission)
    try:
        answers = read_filled_form(data)
    except FillableFormError as error:
        raise SubmissionRefused(str(error), field="file") from None
    code = str(answers.pop(SUBMISSION_CODE, "") or "").strip().upper()
    own = submission.booking.reference if submission.booking else None
    if code and code != own:
        if own is None and db.session.scalar(select(Booking.id).where(Booking.reference == code)):
            raise SubmissionRefused(
                f"This form was made for a delegate's booking ({code}). Use the link in that "
                "delegate's email to upload it, or fill in the form online here.",
                field="file")
        if own is not None:
            raise SubmissionRefused(
                f"This form belongs to another booking ({code}), not yours ({own}). Upload the "
                "form you downloaded from your own booking page.", field="file")
    filled: dict[str, Any] = {}
    for question in PRACTICE_FORM.questions():
        value = answers.get(question.key)
        if question.kind == Kind.CHECK:
            if value:
                filled[question.key] = True
        elif str(value or "").strip():
            filled[question.key] = _clean(question, value)
    if not filled:
        raise SubmissionRefused("This form has no answers in it yet. Fill it in, save it and "
                                "upload it again.", field="file")
    submission.answers = {**submission.answers, **filled}
    touched = {s.key for s in PRACTICE_FORM.sections
               if any(q.key in filled for q in s.questions)}
    submission.sections_saved = sorted({*submission.sections_saved, *touched})
    submission.source = Source.UPLOAD
    submission.updated_at = clock.now()
    audit.record("form_uploaded", "submission", submission.id,
                 workshop_id=submission.workshop_id, actor=submission.email,
                 answers=len(filled))
    db.session.commit()
    return list(filled)


# --- submitting -------------------------------------------------------------------------------

def reference_for(submission: Submission) -> str:
    # The id is unique and never reused, so the reference needs no counter of its own.
    return f"{REFERENCE_PREFIX}-{clock.london(clock.now()).year}-{submission.id:04d}"


def submit(submission: Submission, *, flags_confirmed: bool = False) -> Submission:
    """Send the submission on: checks, reference, receipt with PDF, signal - all or nothing."""
    if submission.status == S.SUBMITTED:
        raise SubmissionRefused(f"You already sent this submission, reference "
                                f"{submission.reference}. It cannot be sent twice.")
    next_state(TRANSITIONS, "submit", submission.status)
    if missing := problems(submission):
        raise SubmissionRefused(next(iter(missing.values())), field=next(iter(missing)))
    found = flags(submission)
    if found and not flags_confirmed:
        raise SubmissionRefused(CONFIRM_FLAGS, field="flags_confirmed")
    # A conditional update, so that two clicks (or two tabs) cannot both submit.
    claimed = db.session.execute(
        update(Submission).where(Submission.id == submission.id,
                                 Submission.status == S.DRAFT)
        .values(status=S.SUBMITTED).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise SubmissionRefused("This submission has already been sent. It cannot be sent twice.")
    db.session.refresh(submission)
    submission.reference = reference_for(submission)
    submission.submitted_at = clock.now()
    submission.flags = [flag.to_dict() for flag in found]
    submission.flags_confirmed = bool(found)
    audit.record("submitted", "submission", submission.id, workshop_id=submission.workshop_id,
                 actor=submission.email, reference=submission.reference, flags=len(found),
                 files=len(submission.files))
    _queue_receipt(submission)
    # Receivers get the evidence as links this plugin serves to validation staff, so they
    # need none of its tables or storage.
    signals.submission_received.send(submission, evidence=[
        {"name": f.original_name, "kind": f.kind, "size": f.size,
         "url": external_url("feedback.staff_evidence", submission_id=submission.id,
                             file_id=f.id)}
        for f in submission.files])
    db.session.commit()
    return submission


def _queue_receipt(submission: Submission) -> None:
    from feedback.receipt import receipt_pdf

    # Only to the address that was confirmed (or came from the booking): a contact address typed
    # into the form is unproven, and the receipt carries the whole submission.
    queue_mail(
            submission.email, "feedback_receipt",
            f"We have received your practice submission {submission.reference}",
            reason="you sent a practice submission to the knowledge workshops programme",
            workshop_id=submission.workshop_id,
            booking_id=submission.booking_id,
            attachment=(f"{submission.reference}.pdf", "application/pdf", receipt_pdf(submission)),
            submission=submission,
            status_url=external_url("feedback.practice", token=submission.token),
    )


def status_url(submission: Submission) -> str:
    return url_for("feedback.practice", token=submission.token)
