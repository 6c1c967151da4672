"""The form that moves a booking to another workshop of its series (booking.move), shared by
the delegate's page and the organiser's."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import RadioField, SubmitField

from workshops import booking as rules
from workshops.form_widgets import GovRadios
from workshops.formatting import event_time
from workshops.models import Booking, Workshop
from workshops.row_ids import row_id
from workshops.validators import InputRequired


class MoveForm(FlaskForm):
    # The choices are the workshops open to this booking now; a stale or forged value is
    # answered by the domain's own check, beside this field.
    workshop = RadioField("Which workshop do you want to go to instead?",
                          widget=GovRadios(), validate_choice=False, coerce=str,
                          validators=[InputRequired("Choose the workshop to move to")])
    submit = SubmitField("Move my booking", widget=GovSubmitInput())


@dataclass
class MoveChoice:
    form: MoveForm
    targets: list[tuple[Workshop, int]]  # each workshop open to the move, with places left
    items: list[dict]  # the radios' hints, for the GOV.UK macro

    def submitted(self, booking: Booking, *, by_organiser: bool = False) -> Booking | None:
        """The new booking if the form was sent and the move made; otherwise None, with any
        refusal beside the choice."""
        if not (self.targets and self.form.validate_on_submit()):
            return None
        try:
            return rules.move(booking.id, row_id(self.form.workshop.data),
                              actor=current_user if by_organiser else None)
        except ValueError:  # not a workshop's id at all
            self.form.workshop.errors = ["Choose the workshop to move to"]
        except rules.BookingRefused as refusal:
            self.form.workshop.errors = [refusal.message]
        return None


def move_choice(booking: Booking, *, by_organiser: bool = False, question: str | None = None,
                button: str | None = None) -> MoveChoice:
    targets = rules.move_targets(booking, by_organiser=by_organiser)
    form = MoveForm()
    if question:
        form.workshop.label.text = question
    if button:
        form.submit.label.text = button
    form.workshop.choices = [
        (str(w.id), f"{w.region_name}: {event_time(w.starts_at, w.ends_at)}")
        for w, _places in targets]
    items = [{"hint": {"text": f"{w.venue.one_line}. {places} place"
                                f"{'' if places == 1 else 's'} left."}}
             for w, places in targets]
    return MoveChoice(form, targets, items)
