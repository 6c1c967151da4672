"""Requests for more information and the submitter's answer (the reminder is in
`request_reminders.py`, withdrawal in `withdrawal.py`).

    screening / with_panel --request_information--> info_requested
    info_requested --answer_to_screening--> screening   (when screening asked)
    info_requested --answer_to_panel--> with_panel      (when the panel asked)

While a request is open the submitter works on it through their personal link: a draft answer,
amendments to their text answers and extra evidence files are kept on the open `InfoRequest`
and reach the case only when they send the answer, so staff never judge a half-made change.
Amended text is scanned for identifying information as the e-form's text was at submission: the
submitter changes what is flagged or confirms it identifies nobody before the answer can go, and
the confirmed flags then join the case's, for screeners, the panel and the public text's editors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email

from validation import workflow
from validation.models import Case, CaseFile, CaseState, InfoRequest
from validation.screening import answer_problem, changing
from validation.workflow import CaseRefused
from workshops import audit, clock, signals, uploads
from workshops.extensions import db
from workshops.identifiers import scan
from workshops.mail import queue_mail
from workshops.models import Role, User
from workshops.practice_form import NOT_SCANNED, PRACTICE_FORM, Kind, Question, Section
from workshops.transitions import next_state
from workshops.urls import external_url
from workshops.validators import word_limit_problem

QUESTIONS_WORD_LIMIT = 500
ANSWER_WORD_LIMIT = 1000
REASON_WORD_LIMIT = 200
# What a submitter may rewrite while answering: their prose and contact details. Declarations
# and the region stay as sent; a changed declaration would be a new submission.
AMENDABLE = (Kind.TEXT, Kind.LONG, Kind.EMAIL)
CONFIRM_FLAGS = ("Check the highlighted text in ‘{label}’ and confirm it does not identify a "
                 "child, parent or carer, or change it")
# Answers the case also keeps in columns of its own (the queue lists them).
_CASE_COLUMNS = {"title": 300, "organisation": 300, "local_authority": 200}
REASON = "you sent a practice submission to the knowledge workshops programme"


class AnswerInvalid(Exception):
    """Answers that break the form's rules; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def who_asked(stage: str) -> str:
    """How the submitter is told who is asking: screening is "we", the panel is the panel."""
    return "the expert panel" if stage == CaseState.WITH_PANEL else "the screening team"


def clean_text(value: Any) -> str:
    # As the e-form stores text: Windows line endings normalised, outer space trimmed.
    return str(value or "").replace("\r\n", "\n").strip()


def limit_words(text: str, limit: int, label: str, field: str) -> None:
    if problem := word_limit_problem(label, text, limit):
        raise CaseRefused(problem, field=field)


# --- asking -------------------------------------------------------------------------------------

def may_request(user: User, case: Case) -> bool:
    """Screeners ask while they screen; once the case is with the panel, the panel asks: its
    chair, or a member assigned to the case (the answer goes to whoever asked)."""
    if case.state == CaseState.SCREENING:
        return user.has_role(Role.SCREENER)
    if case.state == CaseState.WITH_PANEL:
        return user.has_role(Role.PANEL_CHAIR) or any(
            a.user_id == user.id for a in case.assignments)
    return False


def request_information(case: Case, actor: User, questions: str) -> InfoRequest:
    """Put questions to the submitter; the case waits for them and returns where it was."""
    questions = clean_text(questions)
    with changing(case):
        # The table first, so a case in the wrong state is refused as such, whoever asks.
        next_state(workflow.TRANSITIONS, "request_information", case.state)
        if not may_request(actor, case):
            raise CaseRefused("Only screeners can ask for more information while a case is "
                              "screened, and only the panel (its chair, or a member assigned "
                              "to the case) once it is with the panel.")
        if not questions:
            raise CaseRefused("Enter your questions for the submitter", field="questions")
        limit_words(questions, QUESTIONS_WORD_LIMIT, "Questions", "questions")
        stage = case.state
        request = InfoRequest(stage=stage, asked_by_id=actor.id, questions=questions,
                              asked_at=clock.now())
        case.requests.append(request)
        db.session.flush()
        workflow.move(case, "request_information", actor=actor, request_id=request.id,
                      stage=stage)
        case.asked_at_stage = stage
        queue_mail(
            case.submitter_email, "validation_info_request",
            f"Questions about your practice submission {case.reference}",
            reason=REASON, workshop_id=case.workshop_id, case=case, request=request,
            asker=who_asked(stage), respond_url=external_url("validation.respond",
                                                             token=case.token),
        )
    return request


# --- the submitter's work on an open request ----------------------------------------------------

def open_request(case: Case) -> InfoRequest:
    """The request the submitter is answering; refused when there is none to answer."""
    request = case.open_request
    if case.state != CaseState.INFO_REQUESTED or request is None:
        raise CaseRefused("There are no questions waiting for an answer on this submission.")
    return request


def amendable(question: Question) -> bool:
    return question.kind in AMENDABLE


def amendable_sections() -> list[Section]:
    return [s for s in PRACTICE_FORM.sections if any(amendable(q) for q in s.questions)]


def amendable_section(key: str) -> Section:
    """The section, if it has answers a submitter may change; KeyError otherwise."""
    for section in amendable_sections():
        if section.key == key:
            return section
    raise KeyError(key)


def current_answers(case: Case) -> dict[str, Any]:
    """The case's answers with the open request's amendments applied: what the submitter sees."""
    answers = dict(case.answers or {})
    request = case.open_request if case.state == CaseState.INFO_REQUESTED else None
    if request is not None:
        answers.update({key: new for key, (_old, new) in (request.amendments or {}).items()})
    return answers


def amendment_problem(question: Question, value: str) -> str | None:
    """The form's own rule (required, word limit) plus a well-formed address for email."""
    if problem := answer_problem(question, value):
        return problem
    if question.kind == Kind.EMAIL and value:
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return "Enter an email address in the correct format, like name@example.org"
    return None


def scanned(question: Question) -> bool:
    return question.kind in (Kind.TEXT, Kind.LONG) and question.key not in NOT_SCANNED


def _finding(flag: Mapping[str, Any]) -> tuple[str, str, str]:
    # One finding wherever the text moves: offsets change with every edit around it.
    return str(flag.get("field")), str(flag.get("kind")), str(flag.get("match"))


def amendment_flags(case: Case, request: InfoRequest) -> list[dict[str, Any]]:
    """Identifying information in the request's amended answers that the case does not hold
    yet, in the form's order, each marked "confirmed" if the submitter has confirmed it.

    Found afresh from the amendments each time, so the stored flags only carry confirmations:
    a finding the submitter has not seen cannot be confirmed, however the text was changed.
    """
    amendments = request.amendments or {}
    fields = [q.key for q in PRACTICE_FORM.questions() if scanned(q) and q.key in amendments]
    held = {_finding(flag) for flag in case.flags or []}  # confirmed earlier: not asked again
    confirmed = {_finding(flag) for flag in request.flags or [] if flag.get("confirmed")}
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for flag in scan({key: clean_text(amendments[key][1]) for key in fields}, fields):
        finding = _finding(flag.to_dict())
        if finding not in held and finding not in found:
            found[finding] = {**flag.to_dict(), "confirmed": finding in confirmed}
    return list(found.values())


def _flags_still_in(held: list[dict[str, Any]], answers: Mapping[str, Any],
                    amendments: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The case's flags that an amendment has not written out, moved to where their text now
    stands, and how many went. A flag whose text the submitter took out would otherwise go on
    being listed, counted and warned about for the rest of the case."""
    kept: list[dict[str, Any]] = []
    for flag in held:
        field = str(flag.get("field"))
        if field not in amendments:
            kept.append(flag)
            continue
        text, match = clean_text(answers.get(field)), str(flag.get("match") or "")
        at = text.find(match) if match else -1
        if at >= 0:
            kept.append({**flag, "start": at, "end": at + len(match)})
    return kept, len(held) - len(kept)


def amend_section(case: Case, section_key: str, values: Mapping[str, Any], *,
                  flags_confirmed: bool = False) -> list[str]:
    """Keep the submitter's changes to one section on the open request; returns the keys that
    now differ from what they first sent. Nothing is kept if any answer breaks a rule.

    The amended answers are scanned; `flags_confirmed` confirms the section's findings that the
    page showed (those found before this change), never one the change has just brought in.
    """
    section = amendable_section(section_key)
    questions = [q for q in section.questions if amendable(q)]
    cleaned = {q.key: clean_text(values.get(q.key)) for q in questions}
    errors = {q.key: problem for q in questions
              if (problem := amendment_problem(q, cleaned[q.key]))}
    if errors:
        raise AnswerInvalid(errors)
    with changing(case):
        request = open_request(case)
        keys = {q.key for q in questions}
        shown = {_finding(f) for f in amendment_flags(case, request) if f["field"] in keys}
        amendments = dict(request.amendments or {})
        for question in questions:
            original = (case.answers or {}).get(question.key)
            if cleaned[question.key] == clean_text(original):
                amendments.pop(question.key, None)
            else:
                amendments[question.key] = [original, cleaned[question.key]]
        request.amendments = amendments  # a new dict: JSON columns notice reassignment only
        flags = amendment_flags(case, request)
        if flags_confirmed:
            for flag in flags:
                flag["confirmed"] = flag["confirmed"] or _finding(flag) in shown
        request.flags = flags
    return [q.key for q in questions if q.key in amendments]


def save_draft(case: Case, answer: str) -> None:
    """Keep a half-written answer, so leaving the page (to change a section) loses nothing."""
    answer = clean_text(answer)
    limit_words(answer, ANSWER_WORD_LIMIT, "Your answer", "answer")
    with changing(case):
        open_request(case).answer = answer


def evidence_count(case: Case) -> int:
    """Files the case holds: those sent with the submission and those added since."""
    return len(case.evidence or []) + len(case.files)


def add_file(case: Case, filename: str, data: bytes) -> CaseFile:
    """Attach a file to the open request; it reaches staff with the answer."""
    with changing(case):
        request = open_request(case)
        if evidence_count(case) >= uploads.MAX_FILES:
            raise CaseRefused(f"A submission can hold up to {uploads.MAX_FILES} files, including "
                              "those you sent with it. Remove a file you added before you add "
                              "another.", field="file")
        try:
            uploads.check_size(len(data))
            sniffed = uploads.sniff(data, filename)
        except uploads.Refused as refusal:
            raise CaseRefused(str(refusal), field="file") from None
        label = uploads.safe_label(filename)
        if "." not in label:
            label = f"{label}.{sniffed.extension}"
        stored_name, _digest = uploads.store(data)
        try:
            attached = CaseFile(request_id=request.id, stored_name=stored_name,
                                original_name=label, media_type=sniffed.media_type,
                                kind=sniffed.kind, size=len(data), uploaded_at=clock.now())
            case.files.append(attached)
            audit.record("evidence added", "validation_case", case.id,
                         workshop_id=case.workshop_id, actor=case.submitter_email,
                         reference=case.reference, file=label, size=len(data))
            db.session.flush()
        except BaseException:
            uploads.remove(stored_name)  # no row will point at it
            raise
    return attached


def removable(case: Case, attached: CaseFile) -> bool:
    """Only files added for the open request: what staff have already seen stays."""
    request = case.open_request if case.state == CaseState.INFO_REQUESTED else None
    return request is not None and attached.request_id == request.id


def remove_file(case: Case, file_id: int) -> str:
    """Take a file added for the open request off it; returns its name."""
    with changing(case):
        request = open_request(case)
        attached = next((f for f in case.files if f.id == file_id), None)
        if attached is None or attached.request_id != request.id:
            raise CaseRefused("That file cannot be removed.")
        stored_name, label = attached.stored_name, attached.original_name
        case.files.remove(attached)  # delete-orphan: the row goes with it
        audit.record("evidence removed", "validation_case", case.id,
                     workshop_id=case.workshop_id, actor=case.submitter_email,
                     reference=case.reference, file=label)
    uploads.remove(stored_name)  # after the commit: a rollback must not lose a kept file
    return label


def answer_request(case: Case, answer: str) -> InfoRequest:
    """Send the answer: amendments are applied, and the case returns to the stage that asked."""
    answer = clean_text(answer)
    with changing(case):
        if case.state != CaseState.INFO_REQUESTED:
            next_state(workflow.TRANSITIONS, "answer_to_screening", case.state)  # refuses
        request = open_request(case)
        errors: dict[str, str] = {}
        if not answer:
            errors["answer"] = "Enter your answer to the questions"
        elif problem := word_limit_problem("Your answer", answer, ANSWER_WORD_LIMIT):
            errors["answer"] = problem
        amendments = dict(request.amendments or {})
        for key, (_old, new) in amendments.items():
            # Checked when saved; again here, in case the form's limits changed meanwhile.
            if problem := amendment_problem(PRACTICE_FORM.question(key), new):
                errors[key] = problem
        # Found again here too: the scan may have learnt since the text was saved.
        flags = amendment_flags(case, request)
        for flag in flags:
            if not flag["confirmed"]:
                label = PRACTICE_FORM.question(flag["field"]).label
                errors.setdefault(flag["field"], CONFIRM_FLAGS.format(label=label))
        if errors:
            raise AnswerInvalid(errors)
        answers = dict(case.answers or {})
        for key, (_old, new) in amendments.items():
            answers[key] = new
            if key in _CASE_COLUMNS:
                setattr(case, key, str(new)[:_CASE_COLUMNS[key]])
        case.answers = answers
        kept, cleared = _flags_still_in(case.flags or [], answers, amendments)
        # New lists: JSON columns notice reassignment only.
        case.flags = [*kept,
                      *({k: v for k, v in flag.items() if k != "confirmed"} for flag in flags)]
        request.flags = flags
        request.answer = answer
        request.answered_at = clock.now()
        stage = case.asked_at_stage or request.stage
        action = "answer_to_panel" if stage == CaseState.WITH_PANEL else "answer_to_screening"
        added = [f.original_name for f in case.files if f.request_id == request.id]
        workflow.move(case, action, actor=case.submitter_email, request_id=request.id,
                      amended=sorted(amendments), files=added, flags=len(flags),
                      flags_cleared=cleared)
        case.asked_at_stage = None
        if amendments:
            # The submission itself (the feedback plugin's) takes the changes too, so that no
            # page or export goes on showing text the submitter was asked to take out.
            signals.submission_amended.send(
                case.submission_id, answers={key: new for key, (_old, new) in amendments.items()},
                flags=list(case.flags))
        queue_mail(
            case.submitter_email, "validation_answer_received",
            f"We have your answer about practice submission {case.reference}",
            reason=REASON, workshop_id=case.workshop_id, case=case, request=request,
            asker=who_asked(request.stage), amended=[PRACTICE_FORM.question(k).label
                                                     for k in sorted(amendments)],
            files=added, status_url=external_url("validation.respond", token=case.token),
        )
        asker = db.session.get(User, request.asked_by_id) if request.asked_by_id else None
        if asker is not None and asker.active:
            queue_mail(
                asker.email, "validation_answer_to_staff",
                f"The submitter of {case.reference} has answered your questions",
                reason="you asked a submitter for more information about their practice",
                workshop_id=case.workshop_id, case=case, request=request,
                amended=[PRACTICE_FORM.question(k).label for k in sorted(amendments)],
                files=added, case_url=external_url("validation.case", case_id=case.id),
            )
    return request
