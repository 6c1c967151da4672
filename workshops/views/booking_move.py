"""A delegate moves their booking to another workshop of the same series (booking.move)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from workshops import booking as rules
from workshops.move_form import move_choice
from workshops.views.booking import booking_for_link, bp


@bp.route("/<token>/move", methods=["GET", "POST"])
def move(token: str) -> ResponseReturnValue:
    booking = booking_for_link(token)
    workshop = booking.workshop
    if not rules.movable(booking):
        flash("This booking can no longer be moved to another workshop.")
        return redirect(url_for(".manage", token=token), code=303)
    choice = move_choice(booking)
    if moved := choice.submitted(booking):
        flash(f"Your booking has moved to {moved.workshop.display_title}. Your booking for "
              f"{workshop.display_title} is cancelled. We have emailed you the new "
              "confirmation and the old booking’s cancellation.", "success")
        return redirect(url_for(".confirmed", token=moved.token), code=303)
    return render_template("booking/move.html", booking=booking, workshop=workshop,
                           form=choice.form, items=choice.items, targets=choice.targets), \
        422 if choice.form.errors else 200
