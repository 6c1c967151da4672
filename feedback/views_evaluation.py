"""The evaluation of the day: the attendee's form behind their invitation link, and the results
organisers read for a workshop or a whole series, with their downloads.

The invitation link is the attendee's permission; the results need the organiser role. Results
pages and downloads cost the same few queries however many evaluations there are.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField

from feedback import bp, evaluations
from feedback.evaluations import EvaluationInvalid, EvaluationRefused
from feedback.models import Evaluation, Invitation
from workshops import audit, clock, spreadsheets
from workshops.charts import bar_chart
from workshops.extensions import db
from workshops.form_widgets import GovRadios
from workshops.models import Role, Series, Workshop, WorkshopStatus
from workshops.practice_form import EVALUATION_FORM, Kind, Question
from workshops.views.auth import role_required

# --- the attendee's form ----------------------------------------------------------------------


def _label(question: Question) -> str:
    return question.label if question.required else f"{question.label} (optional)"


def _field(question: Question) -> RadioField | TextAreaField:
    if question.kind == Kind.RATING:
        return RadioField(_label(question), validate_choice=False, widget=GovRadios(),
                          # "5 – Excellent", as the results and the read-only copy say it.
                          choices=[SelectChoice(value, f"{value} – {label}")
                                   for value, label in question.options])
    return TextAreaField(_label(question), description=question.guidance or None,
                         widget=GovCharacterCount())


def _form_class() -> type[FlaskForm]:
    """A field per question of EVALUATION_FORM, in its order. The form checks only the CSRF
    token: the answers are checked by `evaluations.record_evaluation`, where their rules live."""

    class EvaluationForm(FlaskForm):
        submit = SubmitField("Send evaluation", widget=GovSubmitInput())

    for question in EVALUATION_FORM.questions():
        setattr(EvaluationForm, question.key, _field(question))
    return EvaluationForm


EvaluationForm = _form_class()


def _params(question: Question) -> dict[str, Any]:
    """What the GOV.UK macro needs beyond the field."""
    if question.kind == Kind.RATING:
        # The legend's text too: the widget only supplies one when given no fieldset at all.
        return {"classes": "govuk-radios--inline",
                "hint": {"text": question.guidance} if question.guidance else None,
                "fieldset": {"legend": {"text": _label(question),
                                        "classes": "govuk-fieldset__legend--s"}}}
    return {"maxwords": question.word_limit, "rows": max(4, question.lines),
            "label": {"classes": "govuk-label--s"}}


def _invitation(token: str) -> Invitation:
    found = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if found is None:
        abort(404)
    return found


def _personal(body: str, status: int = 200) -> Response:
    # What one person said, behind their personal link: no shared cache may keep it.
    response = Response(body, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _already_sent(invitation: Invitation, evaluation: Evaluation) -> Response:
    return _personal(render_template("feedback/evaluation_sent_before.html",
                                     invitation=invitation, evaluation=evaluation,
                                     definition=EVALUATION_FORM))


@bp.route("/invitation/<token>/evaluation", methods=["GET", "POST"])
def evaluation(token: str) -> ResponseReturnValue:
    """The form, or, once sent, what they said: each attendee evaluates the day once."""
    invitation = _invitation(token)
    if (sent := evaluations.evaluation_for(invitation)) is not None:
        return _already_sent(invitation, sent)
    form = EvaluationForm()
    if form.validate_on_submit():
        try:
            evaluations.record_evaluation(
                invitation, {key: form[key].data for key in EVALUATION_FORM.keys})
        except EvaluationInvalid as invalid:
            for key, message in invalid.errors.items():
                form[key].errors = [*form[key].errors, message]
        except EvaluationRefused:
            # A second copy of the form (a double click, another tab) lost the race: the page
            # now shows the evaluation that was stored, with the reason.
            return redirect(url_for(".evaluation", token=token), code=303)
        else:
            return redirect(url_for(".evaluation_sent", token=token), code=303)
    return _personal(render_template(
        "feedback/evaluation.html", form=form, invitation=invitation, workshop=invitation.workshop,
        definition=EVALUATION_FORM, params={q.key: _params(q) for q in EVALUATION_FORM.questions()},
    ), 422 if form.errors else 200)


@bp.get("/invitation/<token>/evaluation/sent")
def evaluation_sent(token: str) -> ResponseReturnValue:
    invitation = _invitation(token)
    if evaluations.evaluation_for(invitation) is None:
        return redirect(url_for(".evaluation", token=token), code=303)
    return _personal(render_template("feedback/evaluation_confirmation.html",
                                     invitation=invitation, workshop=invitation.workshop))


# --- the organisers' results ------------------------------------------------------------------

def _charts(results: evaluations.Results) -> dict[str, Markup]:
    """A bar chart per rating question: how many gave each point of the scale."""
    charts = {}
    for rating in results.ratings:
        counts = "; ".join(f"{label}: {count}" for label, count in rating.rows)
        charts[rating.question.key] = bar_chart(
            f"{rating.question.label}: delegates giving each rating", rating.rows,
            # A full bar is everyone who answered, so bars compare across questions.
            maximum=rating.answered or None, chart_id=f"rating-{rating.question.key}",
            label_heading="Rating", value_heading="Delegates",
            summary=f"{rating.question.label}, {rating.answered} answers. {counts}.")
    return charts


def _results_page(series: Series, workshops: list[Workshop],
                  workshop: Workshop | None = None) -> str:
    results = evaluations.results([w.id for w in workshops])
    return render_template("feedback/evaluation_results.html", workshop=workshop,
                           series=series, workshops=workshops, results=results,
                           charts=_charts(results), definition=EVALUATION_FORM,
                           workshop_names={w.id: w.region_name for w in workshops})


@bp.get("/workshops/<int:workshop_id>/evaluations")
@role_required(Role.ORGANISER)
def workshop_evaluations(workshop_id: int) -> str:
    workshop = db.get_or_404(Workshop, workshop_id)
    return _results_page(workshop.series, [workshop], workshop)


def _series_workshops(series_id: int) -> tuple[Series, list[Workshop]]:
    series = db.first_or_404(select(Series).where(Series.id == series_id)
                             .options(selectinload(Series.workshops)))
    # Drafts were never held and cancelled workshops had no one to ask.
    held = [w for w in series.workshops
            if w.status not in (WorkshopStatus.DRAFT, WorkshopStatus.CANCELLED)]
    return series, held


@bp.get("/series/<int:series_id>/evaluations")
@role_required(Role.ORGANISER)
def series_evaluations(series_id: int) -> str:
    series, workshops = _series_workshops(series_id)
    return _results_page(series, workshops)


def _download(name: str, workshop_ids: list[int], fmt: str, *, entity: str, entity_id: int,
              workshop_id: int | None = None) -> Response:
    headers, rows = evaluations.export_headers(), evaluations.export_rows(workshop_ids)
    audit.record("exported evaluations", entity, entity_id, workshop_id=workshop_id,
                 format=fmt, rows=len(rows))
    db.session.commit()
    filename = f"{name}-evaluations-{clock.now():%Y-%m-%d}.{fmt}"
    if fmt == "xlsx":
        body: bytes | str = spreadsheets.xlsx_bytes(headers, rows, title="Evaluations")
        mimetype = spreadsheets.XLSX_MIMETYPE
    else:
        # The byte-order mark makes Excel read the file as UTF-8.
        body, mimetype = "\ufeff" + spreadsheets.csv_text(headers, rows), "text/csv"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
    })


@bp.get("/workshops/<int:workshop_id>/evaluations.<any(csv, xlsx):fmt>")
@role_required(Role.ORGANISER)
def workshop_evaluations_export(workshop_id: int, fmt: str) -> Response:
    workshop = db.get_or_404(Workshop, workshop_id)
    return _download(f"{workshop.series.slug}-{workshop.region}", [workshop.id], fmt,
                     entity="workshop", entity_id=workshop.id, workshop_id=workshop.id)


@bp.get("/series/<int:series_id>/evaluations.<any(csv, xlsx):fmt>")
@role_required(Role.ORGANISER)
def series_evaluations_export(series_id: int, fmt: str) -> Response:
    series, workshops = _series_workshops(series_id)
    return _download(series.slug, [w.id for w in workshops], fmt,
                     entity="series", entity_id=series.id)
