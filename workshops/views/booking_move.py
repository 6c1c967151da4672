"""A delegate moves their booking to another workshop of the same series (booking.move)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import RadioField, SubmitField

from workshops import booking as rules
from workshops import clock
from workshops.form_widgets import GovRadios
from workshops.formatting import event_time
from workshops.models import Workshop
from workshops.row_ids import row_id
from workshops.validators import InputRequired
from workshops.views.booking import booking_for_link, bp


class MoveForm(FlaskForm):
    # The choices are the workshops open to this booking now; a stale or forged value is
    # answered by the domain's own check, beside this field.
    workshop = RadioField("Which workshop do you want to go to instead?",
                          widget=GovRadios(), validate_choice=False, coerce=str,
                          validators=[InputRequired("Choose the workshop to move to")])
    submit = SubmitField("Move my booking", widget=GovSubmitInput())


def _choice(workshop: Workshop, places: int) -> tuple[str, str, dict]:
    """(value, label, GOV.UK radio item params) for one workshop to move to."""
    hint = f"{workshop.venue.one_line}. {places} place{'' if places == 1 else 's'} left."
    return (str(workshop.id),
            f"{workshop.region_name}: {event_time(workshop.starts_at, workshop.ends_at)}",
            {"hint": {"text": hint}})


@bp.route("/<token>/move", methods=["GET", "POST"])
def move(token: str) -> ResponseReturnValue:
    booking = booking_for_link(token)
    workshop = booking.workshop
    if booking.status not in rules.TRANSITIONS["move"] or workshop.starts_at <= clock.now():
        flash("This booking can no longer be moved to another workshop.")
        return redirect(url_for(".manage", token=token), code=303)
    targets = rules.move_targets(booking)
    form = MoveForm()
    form.workshop.choices = [_choice(w, places)[:2] for w, places in targets]
    items = [_choice(w, places)[2] for w, places in targets]
    if targets and form.validate_on_submit():
        try:
            moved = rules.move(booking.id, row_id(form.workshop.data))
        except ValueError:  # not a workshop's id at all
            form.workshop.errors = ["Choose the workshop to move to"]
        except rules.BookingRefused as refusal:
            form.workshop.errors = [refusal.message]
        else:
            flash(f"Your booking has moved to {moved.workshop.display_title}. Your booking for "
                  f"{workshop.display_title} is cancelled. We have emailed you both.", "success")
            return redirect(url_for(".confirmed", token=moved.token), code=303)
    return render_template("booking/move.html", booking=booking, workshop=workshop, form=form,
                           items=items, targets=targets), 422 if form.errors else 200
