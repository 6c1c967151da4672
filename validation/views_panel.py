"""The panel's pages: declared interests, the panel's work list, assigning members, scoring,
the chair's decision with the drafted feedback, and the rubric.

Views parse the form, call `panel`, commit and render; the rules live in `panel.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import not_, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length

from validation import bp, panel
from validation.models import (
    CRITERION_LABELS,
    LEVEL_LABELS,
    Assignment,
    Case,
    CaseState,
    Criterion,
    Level,
    Publication,
    PublicationStatus,
)
from validation.publication import EDITORS, publication_for
from validation.workflow import CaseRefused
from workshops.extensions import db
from workshops.form_widgets import GovCheckbox, GovCheckboxes, GovRadios
from workshops.models import Role
from workshops.practice_form import PRACTICE_FORM, Kind
from workshops.validators import InputRequired
from workshops.views.auth import role_required

PANEL = (Role.PANEL_MEMBER, Role.PANEL_CHAIR)
EARLIER_SHOWN = 50
# The panel's cases: with it, or waiting for an answer to the panel's own questions (a case
# waiting for an answer to screening's questions is still screening's).
WITH_THE_PANEL = or_(Case.state == CaseState.WITH_PANEL,
                     (Case.state == CaseState.INFO_REQUESTED)
                     & (Case.asked_at_stage == CaseState.WITH_PANEL))


def _lines(value: str | None) -> str | None:
    # Browsers send CRLF; text carried in a hidden field would come back with doubled breaks.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) \
        else value


def _refuse(form: FlaskForm, refusal: CaseRefused, default: str) -> None:
    """Put the domain's message beside its field (or beside `default` when it names none)."""
    name = refusal.field if refusal.field in form else default
    form[name].errors = [*form[name].errors, refusal.message]


def _page(template: str, form: FlaskForm | None = None, **context: object) -> ResponseReturnValue:
    return render_template(template, form=form, **context), 422 if form and form.errors else 200


def _case(case_id: int) -> Case:
    return db.get_or_404(Case, case_id)


# --- what the panel part of a case page shows -------------------------------------------------

@dataclass
class PanelView:
    case: Case
    is_chair: bool
    mine: Assignment | None
    scores: list[Assignment]
    disagreements: list[str]
    blocker: str | None
    conflicts: dict[int, str]  # assignment id -> a conflict declared after assigning
    publication: Publication | None
    may_edit_publication: bool


@bp.app_template_global("panel_view")
def panel_view(case: Case) -> PanelView:
    """Everything `_case_panel.html` needs, for whoever is signed in: the case page includes it."""
    is_chair = current_user.is_authenticated and current_user.has_role(Role.PANEL_CHAIR)
    mine = panel.assignment_of(case, current_user) if current_user.is_authenticated else None
    scores = panel.visible_scores(case, current_user) if current_user.is_authenticated else []
    conflicts = {}
    if is_chair:
        for assignment in case.assignments:
            reason = panel.conflict(panel.profile_of(assignment.user), case)
            if reason:
                conflicts[assignment.id] = reason
    return PanelView(
        case=case, is_chair=is_chair, mine=mine, scores=scores,
        disagreements=panel.disagreements(scores) if is_chair else [],
        blocker=panel.decision_blocker(case, current_user if is_chair else None),
        conflicts=conflicts,
        publication=publication_for(case),
        may_edit_publication=current_user.is_authenticated and current_user.has_role(*EDITORS))


# Globals rather than a context processor: macros imported without context still see them.
for _name, _value in {"CRITERION_LABELS": CRITERION_LABELS, "LEVEL_LABELS": LEVEL_LABELS,
                      "Criterion": Criterion, "CaseState": CaseState,
                      "PublicationStatus": PublicationStatus}.items():
    bp.add_app_template_global(_value, _name)


# Free text with no word limit of its own: room for a long rationale, not for a pasted file.
LONG_TEXT = 20_000
DESCRIPTOR = 1_000  # what a score means: a sentence or two, shown beside every score


# --- declared interests ---------------------------------------------------------------------

class InterestsForm(FlaskForm):
    organisation = StringField(
        "Your organisation", widget=GovTextInput(),
        description="Where you work. Write ‘Independent’ if you work for no organisation.",
        validators=[InputRequired("Enter your organisation, or ‘Independent’ if you work for "
                                  "none"),
                    Length(max=300, message="Organisation must be 300 characters or fewer")])
    local_authorities = TextAreaField(
        "Local authorities you work with", widget=GovTextArea(), filters=[_lines],
        description="One per line: councils you work for, advise, commission or are paid by. "
                    "Leave empty if there are none.",
        validators=[Length(max=5000, message="Local authorities you work with must be 5,000 "
                                             "characters or fewer")])
    submit = SubmitField("Save your interests", widget=GovSubmitInput())


@bp.route("/interests", methods=["GET", "POST"])
@role_required(*PANEL)
def interests() -> ResponseReturnValue:
    profile = panel.profile_of(current_user)
    form = InterestsForm(data={"organisation": profile.organisation,
                               "local_authorities": "\n".join(profile.local_authorities)}
                         if profile else None)
    if form.validate_on_submit():
        try:
            panel.declare_interests(current_user, form.organisation.data,
                                    (form.local_authorities.data or "").split("\n"))
        except CaseRefused as refusal:
            _refuse(form, refusal, "organisation")
        else:
            db.session.commit()
            flash("Your interests are saved. The chair sees them when assigning cases.",
                  "success")
            return redirect(url_for(".panel_home"), code=303)
    return _page("validation/interests.html", form, profile=profile)


# --- the panel's work list ------------------------------------------------------------------

@bp.get("/panel")
@role_required(*PANEL)
def panel_home() -> str:
    # The cases still with the panel are their work; those that moved on stay theirs to read,
    # so they can see the decision their scores fed: the most recent only, since a member of
    # some years' standing has hundreds and the page should stay one page (and one read).
    theirs = select(Assignment).where(Assignment.user_id == current_user.id).join(Case) \
        .options(contains_eager(Assignment.case))
    mine = db.session.scalars(theirs.where(WITH_THE_PANEL)
                              .order_by(Case.state_since, Case.id)).all()
    before = db.session.scalars(theirs.where(not_(WITH_THE_PANEL))
                                .order_by(Case.state_since.desc(), Case.id.desc())
                                .limit(EARLIER_SHOWN)).all()
    with_panel = []
    if current_user.has_role(Role.PANEL_CHAIR):
        with_panel = db.session.scalars(
            select(Case).where(WITH_THE_PANEL)
            .options(selectinload(Case.assignments)).order_by(Case.state_since)).all()
    return render_template("validation/panel_home.html", mine=mine, cases=with_panel,
                           before=before, earlier_shown=EARLIER_SHOWN,
                           profile=panel.profile_of(current_user), blocker=panel.decision_blocker,
                           disagreements=panel.disagreements)


# --- assigning ------------------------------------------------------------------------------

class AssignForm(FlaskForm):
    members = SelectMultipleField("Choose panel members", widget=GovCheckboxes(),
                                  coerce=int, validate_choice=False)
    submit = SubmitField("Assign", widget=GovSubmitInput())


@bp.route("/cases/<int:case_id>/panel/assign", methods=["GET", "POST"])
@role_required(Role.PANEL_CHAIR)
def panel_assign(case_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    form = AssignForm()
    # Said before the chair picks anyone, rather than refused after they have.
    closed = panel.not_with_panel(case, "assign panel members")
    if closed is not None:
        return render_template("validation/panel_assign.html", form=form, case=case, people=[],
                               assigned=[], closed=closed), \
            409 if request.method == "POST" else 200
    people = [c for c in panel.candidates(case) if c.assignment is None]
    # Only those who may be assigned are offered; the rest are listed with the reason.
    form.members.choices = [SelectChoice(c.user.id, c.user.display_name) for c in people
                            if not c.conflict]
    if form.validate_on_submit():
        try:
            made = panel.assign(case, form.members.data or [], actor=current_user)
        except CaseRefused as refusal:
            db.session.rollback()
            _refuse(form, refusal, "members")
        else:
            db.session.commit()
            names = ", ".join(a.user.display_name for a in made)
            flash(f"Assigned {names}. They have been emailed, and see the case in their "
                  "panel list.", "success")
            return redirect(url_for(".case", case_id=case.id, _anchor="panel"), code=303)
        case = _case(case_id)
        people = [c for c in panel.candidates(case) if c.assignment is None]
    return _page("validation/panel_assign.html", form, case=case, people=people,
                 assigned=[c for c in panel.candidates(case) if c.assignment])


class ConfirmForm(FlaskForm):
    submit = SubmitField("Remove from this case", widget=GovSubmitInput())


@bp.route("/cases/<int:case_id>/panel/assignments/<int:assignment_id>/remove",
          methods=["GET", "POST"])
@role_required(Role.PANEL_CHAIR)
def panel_unassign(case_id: int, assignment_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.case_id != case.id:
        abort(404)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        name = assignment.user.display_name
        try:
            panel.unassign(assignment, actor=current_user)
        except CaseRefused as refusal:
            db.session.rollback()
            error = refusal.message
        else:
            db.session.commit()
            flash(f"{name} is no longer on the panel for this case.", "success")
            return redirect(url_for(".case", case_id=case.id, _anchor="panel"), code=303)
    return render_template("validation/panel_unassign.html", form=form, case=case,
                           assignment=assignment, error=error), 409 if error else 200


# --- scoring --------------------------------------------------------------------------------

def _score_field(criterion: Criterion) -> RadioField:
    return RadioField(CRITERION_LABELS[criterion], widget=GovRadios(), validate_choice=False,
                      choices=[SelectChoice(str(s), str(s)) for s in panel.SCORES])


class ScoreForm(FlaskForm):
    adequacy = _score_field(Criterion.ADEQUACY)
    evidence = _score_field(Criterion.EVIDENCE)
    transferability = _score_field(Criterion.TRANSFERABILITY)
    rationale = TextAreaField(
        "Your rationale", widget=GovTextArea(), filters=[_lines],
        description="What led you to these scores: the strengths, the gaps, and what would "
                    "strengthen the submission. The chair draws on it for the submitter’s "
                    f"feedback. Up to {LONG_TEXT:,} characters.",
        validators=[Length(max=LONG_TEXT, message=f"Your rationale must be {LONG_TEXT:,} "
                                                  "characters or fewer")])
    recommended_level = RadioField(
        "The level you recommend", widget=GovRadios(), validate_choice=False,
        choices=[SelectChoice(level.value, LEVEL_LABELS[level]) for level in Level])
    save = SubmitField("Save and come back later", widget=GovSubmitInput())
    submit = SubmitField("Submit your scores", widget=GovSubmitInput())


def _scores_from(form: ScoreForm) -> dict[str, int | None]:
    values = {}
    for criterion in Criterion:
        raw = form[criterion].data
        values[criterion] = int(raw) if raw in {str(s) for s in panel.SCORES} else None
    return values


def _scored_message(case: Case, mine: Assignment) -> str:
    others = sum(1 for a in case.assignments if a.scored and a.id != mine.id)
    if not others:
        return ("Your scores are submitted. No other member has submitted theirs yet; you will "
                "see them here when they do.")
    whose = "the other member's" if others == 1 else f"the other {others} members'"
    return f"Your scores are submitted. You can now see {whose} scores."


@bp.route("/cases/<int:case_id>/score", methods=["GET", "POST"])
@role_required(*PANEL)
def panel_score(case_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    mine = panel.assignment_of(case, current_user)
    if mine is None:
        abort(403)
    form = ScoreForm(data=None if request.method == "POST" else {
        **{c.value: str(mine.score(c)) if mine.score(c) is not None else None
           for c in Criterion},
        "rationale": mine.rationale, "recommended_level": mine.recommended_level})
    if not mine.scored and form.validate_on_submit():
        final = bool(form.submit.data)
        scores, level = _scores_from(form), form.recommended_level.data or None
        problems = panel.score_problems(scores, form.rationale.data or "", level, final=final)
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        if not problems:
            try:
                panel.save_scores(mine, scores=scores, rationale=form.rationale.data or "",
                                  recommended_level=level, final=final, actor=current_user)
            except CaseRefused as refusal:
                db.session.rollback()
                _refuse(form, refusal, "submit")
            else:
                db.session.commit()
                flash(_scored_message(case, mine) if final
                      else "Your draft is saved. Only you can see it.", "success")
                return redirect(url_for(".panel_score", case_id=case.id), code=303)
    return _page("validation/panel_score.html", form, case=case, mine=mine,
                 rubric=panel.rubric(), scores=panel.visible_scores(case, current_user),
                 definition=PRACTICE_FORM, Kind=Kind, meanings=panel.LEVEL_MEANINGS)


# --- the decision ---------------------------------------------------------------------------

class DecisionForm(FlaskForm):
    level = RadioField(
        "What level does the panel give this practice?", widget=GovRadios(),
        validate_choice=False,
        choices=[SelectChoice(level.value, LEVEL_LABELS[level]) for level in Level],
        validators=[InputRequired("Choose the level the panel gives this practice"),
                    AnyOf([level.value for level in Level],
                          message="Choose the level the panel gives this practice")])
    publish_promising = BooleanField("If promising, publish it in the practice library",
                                     widget=GovCheckbox())
    rationale = TextAreaField(
        "Reasons for the decision", widget=GovTextArea(), filters=[_lines],
        description="For the record and the submitter: how the panel weighed the scores. "
                    f"Up to {LONG_TEXT:,} characters.",
        validators=[InputRequired("Enter the reasons for the decision"),
                    Length(max=LONG_TEXT, message="Reasons for the decision must be "
                                                  f"{LONG_TEXT:,} characters or fewer")])
    feedback = TextAreaField("Feedback email to the submitter", widget=GovTextArea(),
                             filters=[_lines],
                             validators=[Length(max=LONG_TEXT, message="The feedback must be "
                                                f"{LONG_TEXT:,} characters or fewer")])
    # The draft as the service wrote it, carried with the form so that "Change the decision"
    # can tell whether the chair has edited the feedback and must not lose those edits.
    drafted = HiddenField(filters=[_lines])
    step = HiddenField()
    next = SubmitField("Continue to the feedback", widget=GovSubmitInput())
    send = SubmitField("Send the decision and feedback", widget=GovSubmitInput())
    change = SubmitField("Change the decision", widget=GovSubmitInput())
    redraft = SubmitField("Draft the feedback again", widget=GovSubmitInput())

    @property
    def feedback_edited(self) -> bool:
        """The chair has written in the feedback beyond the service's draft."""
        return bool((self.feedback.data or "").strip()) and \
            (self.feedback.data or "").strip() != (self.drafted.data or "").strip()


@bp.route("/cases/<int:case_id>/decision", methods=["GET", "POST"])
@role_required(Role.PANEL_CHAIR)
def decision(case_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    blocker = panel.decision_blocker(case, current_user)
    form = DecisionForm()
    scores = panel.visible_scores(case, current_user)
    context = dict(case=case, blocker=blocker, scores=scores,
                   disagreements=panel.disagreements(scores), meanings=panel.LEVEL_MEANINGS)
    if blocker:
        return render_template("validation/decision.html", form=form, **context), \
            409 if request.method == "POST" else 200
    if request.method == "GET" or form.change.data or not form.validate_on_submit():
        return _page("validation/decision.html", form, **context)
    publish = bool(form.publish_promising.data) and form.level.data == Level.PROMISING
    if not form.send.data or not (form.feedback.data or "").strip():
        if form.send.data:
            form.feedback.errors = ["Enter the feedback for the submitter"]
        elif form.redraft.data or not form.feedback_edited:
            form.drafted.data = panel.draft_feedback(case, form.level.data,
                                                     form.rationale.data, publish)
            form.feedback.data = form.drafted.data
        return _page("validation/decision_feedback.html", form, publish=publish, **context)
    try:
        panel.decide(case, level=form.level.data, rationale=form.rationale.data,
                     feedback=form.feedback.data, publish_promising=publish, actor=current_user)
    except CaseRefused as refusal:
        db.session.rollback()
        _refuse(form, refusal, "feedback")
        return _page("validation/decision_feedback.html", form, publish=publish, **context)
    db.session.commit()
    flash(f"Decision recorded: {LEVEL_LABELS[Level(form.level.data)]}. The feedback email "
          "is on its way to the submitter.", "success")
    return redirect(url_for(".case", case_id=case.id, _anchor="panel"), code=303)


# --- the rubric -----------------------------------------------------------------------------

def _rubric_form(texts: dict[Criterion, list[str]] | None) -> FlaskForm:
    class RubricForm(FlaskForm):
        submit = SubmitField("Save the rubric", widget=GovSubmitInput())

    for criterion in Criterion:
        for score in panel.SCORES:
            setattr(RubricForm, f"{criterion.value}_{score}", TextAreaField(
                f"Score {score}", widget=GovTextArea(), filters=[_lines],
                validators=[InputRequired(f"Enter what a score of {score} means for "
                                          f"{CRITERION_LABELS[criterion].lower()}"),
                            Length(max=DESCRIPTOR, message=f"What a score of {score} means "
                                   f"for {CRITERION_LABELS[criterion].lower()} must be "
                                   f"{DESCRIPTOR:,} characters or fewer")]))
    data = {f"{c.value}_{s}": texts[c][s] for c in Criterion for s in panel.SCORES} \
        if texts else None
    return RubricForm(data=data)


@bp.route("/rubric", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def rubric() -> ResponseReturnValue:
    form = _rubric_form(None if request.method == "POST" else panel.rubric())
    if form.validate_on_submit():
        try:
            changed = panel.edit_rubric(
                {(c.value, s): form[f"{c.value}_{s}"].data for c in Criterion
                 for s in panel.SCORES}, actor=current_user)
        except CaseRefused as refusal:
            db.session.rollback()
            _refuse(form, refusal, "submit")
        else:
            db.session.commit()
            flash("The rubric is saved: panel members see the new wording when they score."
                  if changed else "Nothing had changed, so nothing was saved.", "success")
            return redirect(url_for(".rubric"), code=303)
    return _page("validation/rubric.html", form, criteria=list(Criterion))
