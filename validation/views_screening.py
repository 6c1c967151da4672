"""Staff pages: the queue of cases, the case page (the reading view and its history), screening,
and questions to the submitter.

Views stay thin: they check the role, parse the form and call `screening` or `requests`. A
change the state table refuses (someone else moved the case first) gets a 409 page that says
what happened; a change the rules refuse shows its message beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
)
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select
from wtforms import BooleanField, SubmitField, TextAreaField

from validation import CASE_READERS, STAFF, bp, panel, requests, screening
from validation.models import STATE_LABELS, Case, CaseFile, CaseState
from validation.requests import QUESTIONS_WORD_LIMIT
from validation.screening import NOTE_WORD_LIMIT
from validation.workflow import OPEN, CaseRefused
from workshops import audit, clock, uploads
from workshops.extensions import db
from workshops.form_widgets import GovCheckbox
from workshops.models import REGIONS, AuditEntry, Role, User
from workshops.practice_form import PRACTICE_FORM, Kind
from workshops.transitions import TransitionNotAllowed
from workshops.validators import InputRequired, searchable
from workshops.views.auth import role_required

PER_PAGE = 50

# Other parts of the plugin (the panel, decisions) add to the case page without editing it:
# each function here returns extra template variables for a case, which the included
# "validation/_case_panel.html" can use.
case_page_parts: list[Callable[[Case], dict[str, Any]]] = []

# How the history thread names each audited action; anything else is shown as recorded.
HISTORY_LABELS = {
    "received": "Received from the practice form",
    "start screening": "Started screening",
    "pass to panel": "Passed to the panel",
    "request information": "Asked the submitter for more information",
    "answer to screening": "The submitter answered",
    "answer to panel": "The submitter answered",
    "reminder sent": "Reminded the submitter of the questions",
    "withdraw": "The submitter withdrew the submission",
}
# Steps of the submitter's draft answer: its files appear with the answer itself.
_NOT_IN_HISTORY = {"evidence added", "evidence removed"}


# --- forms ------------------------------------------------------------------------------------

class StartForm(FlaskForm):
    submit = SubmitField("Start screening", widget=GovSubmitInput())


class PassForm(FlaskForm):
    flags_reviewed = BooleanField(
        "I have read the possible identifying information and it can go to the panel",
        widget=GovCheckbox())
    note = TextAreaField(
        "Note to the panel (optional)", widget=GovCharacterCount(),
        description="Anything the panel should know: what you checked, what to look at "
                    "closely. The submitter does not see this.")
    submit = SubmitField("Pass to the panel", widget=GovSubmitInput())


class RequestForm(FlaskForm):
    questions = TextAreaField(
        "Your questions", widget=GovCharacterCount(),
        description="Write to the submitter in plain English. Say what is missing or unclear, "
                    "and which part of the form it is about. They can answer, change their "
                    "answers and add files.",
        validators=[InputRequired("Enter your questions for the submitter")])
    submit = SubmitField("Send the questions", widget=GovSubmitInput())


# --- shared -----------------------------------------------------------------------------------

def _case(case_id: int) -> Case:
    return db.get_or_404(Case, case_id)


def _readable_case(case_id: int) -> Case:
    """The case, if the signed-in user may read it: panel members only the ones they assess."""
    found = _case(case_id)
    if not panel.may_read(found, current_user):
        abort(403, "Panel members see only the cases the panel chair has assigned to them. "
                   "Your cases are on your panel page.")
    return found


def conflict(case: Case, what: str, error: Exception | None = None) -> tuple[str, int]:
    """The 409 page: the case moved on (another tab, another screener) before this change."""
    db.session.rollback()
    return render_template("validation/conflict.html", case=case, what=what,
                           message=getattr(error, "message", None)), 409


def _refusal_on(form: FlaskForm, refusal: CaseRefused) -> None:
    name = refusal.field if refusal.field and refusal.field in form else "submit"
    form[name].errors = [*form[name].errors, refusal.message]


def days_in_stage(case: Case, now: Any = None) -> int:
    return max(((now or clock.now()) - case.state_since).days, 0)


def highlighted(text: str, flags: list[dict[str, Any]]) -> Markup:
    """The answer with each flagged span marked, and named for screen readers.

    Flags carry offsets into the text as sent; if an amendment moved the text, the match is
    looked for again, and a flag whose text is gone is simply not marked.
    """
    spans: list[tuple[int, int, str]] = []
    for flag in flags:
        match, start = str(flag.get("match") or ""), flag.get("start")
        if not match:
            continue
        if not (isinstance(start, int) and text[start:start + len(match)] == match):
            start = text.find(match)
        if start >= 0:
            spans.append((start, start + len(match), str(flag.get("label") or "")))
    out, position = Markup(), 0
    for start, end, label in sorted(spans):
        if start < position:
            continue  # overlapping flags: the first one marks the text
        out += escape(text[position:start])
        out += Markup('<mark class="app-flag">{}</mark><span class="govuk-visually-hidden"> '
                      "(flagged: {})</span>").format(text[start:end], label)
        position = end
    return out + escape(text[position:])


def reading_view(case: Case) -> list[dict[str, Any]]:
    """The form's sections and questions with the case's answers, flags and changes."""
    flags: dict[str, list[dict[str, Any]]] = {}
    for flag in case.flags or []:
        flags.setdefault(str(flag.get("field")), []).append(flag)
    changes: dict[str, list[tuple[Any, Any]]] = {}
    for info in case.requests:
        if info.answered_at is None:
            continue
        for key, (old, _new) in (info.amendments or {}).items():
            changes.setdefault(key, []).append((info, old))
    sections = []
    for section in PRACTICE_FORM.sections:
        rows = []
        for question in section.questions:
            value = (case.answers or {}).get(question.key)
            if question.kind == Kind.CHECK:
                shown: Any = "Yes" if value is True else "No"
            elif question.kind == Kind.CHOICE and value:
                shown = question.option_label(str(value))
            else:
                shown = highlighted(str(value or ""), flags.get(question.key, []))
            rows.append({"question": question, "value": shown, "answered": bool(value),
                         "flags": flags.get(question.key, []),
                         "changes": changes.get(question.key, [])})
        sections.append({"section": section, "rows": rows,
                         "long": [r for r in rows if r["question"].kind == Kind.LONG],
                         "checks": [r for r in rows if r["question"].kind == Kind.CHECK],
                         "short": [r for r in rows
                                   if r["question"].kind not in (Kind.LONG, Kind.CHECK)]})
    return sections


def history(case: Case) -> list[dict[str, Any]]:
    """The case's thread: every audited step in order, with each request's questions and answer
    shown where it was asked and answered. Draft answers are the submitter's until sent."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "validation_case",
                                 AuditEntry.entity_id == case.id)
        .order_by(AuditEntry.at, AuditEntry.id)).all()
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in entries if e.actor_id})))}
    asked = {r.id: r for r in case.requests}
    thread = []
    for entry in entries:
        if entry.action in _NOT_IN_HISTORY:
            continue
        details = entry.details or {}
        if entry.actor_id in people:
            who = people[entry.actor_id].display_name
        elif entry.actor_label == case.submitter_email:
            who = "The submitter"
        else:
            who = "Automatic"
        info = asked.get(details.get("request_id"))
        thread.append({
            "at": entry.at, "who": who, "action": entry.action,
            "label": HISTORY_LABELS.get(entry.action, entry.action.capitalize()),
            "details": details, "request": info,
            "answered": entry.action.startswith("answer to"),
        })
    return thread


def visible_files(case: Case) -> list[CaseFile]:
    """Files staff may open: those sent with an answer (not a draft answer's)."""
    sent = {r.id for r in case.requests if r.answered_at is not None}
    return [f for f in case.files if f.request_id is None or f.request_id in sent]


# --- the queue --------------------------------------------------------------------------------

SORTS = {
    "stage": (Case.state_since.asc(), "Longest in stage first"),
    "received": (Case.received_at.desc(), "Newest first"),
    "reference": (Case.reference.asc(), "Reference"),
}


def _queue_url(**changes: Any) -> str:
    args = {k: v for k, v in request.args.items() if v}
    args.update(changes)
    return url_for(".queue", **{k: v for k, v in args.items() if v not in (None, "")})


def _pagination(page: int, pages: int) -> dict[str, Any] | None:
    if pages <= 1:
        return None
    items: list[dict[str, Any]] = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": _queue_url(page=number),
                          "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Case list pages"}
    if page > 1:
        params["previous"] = {"href": _queue_url(page=page - 1)}
    if page < pages:
        params["next"] = {"href": _queue_url(page=page + 1)}
    return params


@bp.get("/")
@role_required(*CASE_READERS)
def queue() -> str:
    """Every case by state, with counts; open cases first, longest waiting at the top.

    A search narrows every tab's count too, so a case found in another state shows where it is.
    """
    state = request.args.get("state") or "open"
    if state != "open" and state not in STATE_LABELS:
        abort(404)
    needle = searchable(request.args.get("q"))[:100]
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "stage"
    matching = []
    if needle:
        lowered = needle.lower()
        matching = [or_(func.lower(Case.reference).contains(lowered, autoescape=True),
                        func.lower(Case.title).contains(lowered, autoescape=True),
                        func.lower(Case.organisation).contains(lowered, autoescape=True))]
    counts = {state: n for state, n in db.session.execute(
        select(Case.state, func.count()).where(*matching).group_by(Case.state))}
    query = select(Case).where(*matching)
    query = query.where(Case.state.in_(OPEN)) if state == "open" \
        else query.where(Case.state == state)
    total = db.session.scalar(query.with_only_columns(func.count(Case.id))) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    cases = db.session.scalars(query.order_by(SORTS[sort][0], Case.id)
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    tabs = [{"key": "open", "label": "Open", "count": sum(counts.get(s, 0) for s in OPEN)}]
    tabs += [{"key": str(s), "label": label, "count": counts.get(s, 0)}
             for s, label in STATE_LABELS.items()]
    return render_template(
        "validation/queue.html", cases=cases, tabs=tabs, state=state, total=total, page=page,
        per_page=PER_PAGE, query=needle, sort=sort, sorts=SORTS, now=clock.now(),
        regions=REGIONS, days_in_stage=days_in_stage, pagination=_pagination(page, pages),
        state_label="Open cases" if state == "open" else STATE_LABELS[CaseState(state)])


# --- the case page ----------------------------------------------------------------------------

def _actions(case: Case) -> dict[str, bool]:
    """What the viewer's role may do to the case in its present state."""
    screener = current_user.has_role(Role.SCREENER)
    return {
        "start": case.state == CaseState.RECEIVED and screener,
        "screen": case.state == CaseState.SCREENING and screener,
        "request": requests.may_request(current_user, case),
    }


@bp.get("/cases/<int:case_id>")
@role_required(*STAFF)
def case(case_id: int) -> str:
    found = _readable_case(case_id)
    extra: dict[str, Any] = {}
    for part in case_page_parts:
        extra.update(part(found))
    return render_template(
        "validation/case.html", case=found, sections=reading_view(found),
        # What an answer said before the submitter changed it: for those who ask for changes.
        show_earlier_text=current_user.has_role(Role.SCREENER, Role.PANEL_CHAIR),
        thread=history(found), files=visible_files(found), actions=_actions(found),
        start_form=StartForm(), now=clock.now(), days=days_in_stage(found), regions=REGIONS,
        labels={q.key: q.label for q in PRACTICE_FORM.questions()},
        waiting=found.open_request if found.state == CaseState.INFO_REQUESTED else None,
        lists_cases=current_user.has_role(*CASE_READERS), **extra)


@bp.get("/cases/<int:case_id>/files/<int:file_id>")
@role_required(*STAFF)
def case_file(case_id: int, file_id: int) -> ResponseReturnValue:
    found = _readable_case(case_id)
    attached = uploads.one_of(visible_files(found), file_id)
    audit.record("evidence downloaded", "validation_case", found.id,
                 workshop_id=found.workshop_id, file=attached.original_name)
    db.session.commit()
    return uploads.send_upload(attached)


# --- screening --------------------------------------------------------------------------------

@bp.post("/cases/<int:case_id>/start")
@role_required(Role.SCREENER)
def start(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    if StartForm().validate_on_submit():
        try:
            screening.start_screening(found, current_user)
        except TransitionNotAllowed as error:
            return conflict(found, "start screening", error)
        flash(f"You are screening {found.reference}", "success")
        return redirect(url_for(".screen", case_id=found.id), code=303)
    return redirect(url_for(".case", case_id=found.id), code=303)


@bp.route("/cases/<int:case_id>/screen", methods=["GET", "POST"])
@role_required(Role.SCREENER)
def screen(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    if found.state != CaseState.SCREENING:
        return conflict(found, "screen it")
    form = PassForm()
    if form.validate_on_submit():
        try:
            screening.pass_to_panel(found, current_user,
                                    flags_reviewed=bool(form.flags_reviewed.data),
                                    note=form.note.data or "")
        except TransitionNotAllowed as error:
            return conflict(found, "pass it to the panel", error)
        except CaseRefused as refusal:
            _refusal_on(form, refusal)
        else:
            flash(f"{found.reference} is with the panel. We have emailed the submitter.",
                  "success")
            return redirect(url_for(".case", case_id=found.id), code=303)
    items = screening.checklist(found)
    return render_template(
        "validation/screen.html", case=found, form=form, checklist=items,
        problems=[i for i in items if not i.ok], note_limit=NOTE_WORD_LIMIT,
        labels={q.key: q.label for q in PRACTICE_FORM.questions()},
    ), 422 if form.errors else 200


class CloseForm(FlaskForm):
    reason = TextAreaField(
        "Why it will not go to the panel", widget=GovCharacterCount(),
        description="Say it plainly and kindly: the submitter reads this in their email.")
    submit = SubmitField("Close the submission", widget=GovSubmitInput())


@bp.route("/cases/<int:case_id>/close", methods=["GET", "POST"])
@role_required(Role.SCREENER)
def close(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    if found.state != CaseState.SCREENING:
        return conflict(found, "close it at screening")
    form = CloseForm()
    if form.validate_on_submit():
        try:
            screening.close_at_screening(found, current_user, form.reason.data or "")
        except TransitionNotAllowed as error:
            return conflict(found, "close it at screening", error)
        except CaseRefused as refusal:
            _refusal_on(form, refusal)
        else:
            flash(f"{found.reference} is closed. We have emailed the submitter why.", "success")
            return redirect(url_for(".case", case_id=found.id), code=303)
    return render_template("validation/close.html", case=found, form=form,
                           limit=screening.REASON_WORD_LIMIT), 422 if form.errors else 200


# --- more information -------------------------------------------------------------------------

@bp.route("/cases/<int:case_id>/request", methods=["GET", "POST"])
@role_required(Role.SCREENER, Role.PANEL_CHAIR, Role.PANEL_MEMBER)
def request_information(case_id: int) -> ResponseReturnValue:
    found = _readable_case(case_id)  # a panel member: only a case assigned to them
    if found.state not in (CaseState.SCREENING, CaseState.WITH_PANEL):
        return conflict(found, "ask the submitter for more information")
    if not requests.may_request(current_user, found):
        abort(403)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            requests.request_information(found, current_user, form.questions.data)
        except TransitionNotAllowed as error:
            return conflict(found, "ask the submitter for more information", error)
        except CaseRefused as refusal:
            _refusal_on(form, refusal)
        else:
            flash(f"Questions sent to the submitter of {found.reference}", "success")
            return redirect(url_for(".case", case_id=found.id), code=303)
    return render_template("validation/request.html", case=found, form=form,
                           limit=QUESTIONS_WORD_LIMIT,
                           asker=requests.who_asked(found.state)), \
        422 if form.errors else 200
