"""Designed error pages: every error a user can meet has a page that says what to do next."""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError

from workshops.booking import BookingBusy
from workshops.extensions import db
from workshops.templating import staff_home
from workshops.uploads import MAX_BYTES

log = logging.getLogger(__name__)

# For the public only: staff reach their pages through the service, not through emailed links.
PERSONAL_LINKS = ("Links to your booking or your practice submission are personal: use the one "
                  "in your email.")
PAGES = {
    400: ("Sorry, there is a problem with your request",
          "The page could not understand what was sent. Go back and try again."),
    403: ("You do not have permission to see this page",
          "If you think you should, ask an administrator to check your role."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you pasted the web address, "
          "check you copied the entire address."),
    405: ("Sorry, that action is not allowed here",
          "The page does not accept that kind of request. Go back and use the page’s buttons."),
    409: ("This changed while you were working on it",
          "It was changed or removed at the same moment, so what you sent was not saved. Go "
          "back, reload the page and check what is there now."),
    413: ("The file is too large",
          f"Files must be smaller than {MAX_BYTES // (1024 * 1024)} MB. Nothing from this upload "
          "was saved; anything you saved before it is still there. Go back and choose a "
          "smaller file."),
    429: ("Too many attempts",
          "You have tried too many times in a short while. Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service",
          "Try again later. What you entered has not been lost if you saw a confirmation."),
    503: ("Sorry, the service is busy",
          "Many people are using the service right now and your request could not be "
          "completed. Nothing was booked or changed. Go back and try again."),
}


def render_error(code: int, description: str | None = None) -> tuple[str, int]:
    title, advice = PAGES.get(code, PAGES[500])
    # A refused upload or form: the page it came from is where to try again.
    back = request.path if code == 413 and request.method == "POST" else None
    # Signed-in staff go on from their own start page, not the public list of workshops.
    # Not after a server error: finding the user may need the database that just failed.
    home = None
    if code < 500 and current_user.is_authenticated:
        home = staff_home(current_app, current_user)
    if code == 404 and home is None and not description:
        advice = f"{advice} {PERSONAL_LINKS}"
    return render_template("errors/error.html", code=code, title=title,
                           advice=description or advice, back=back, home=home), code


# The C0 controls but tab, LF and CR (NUL, BEL, ESC...), DEL and the C1 controls (U+0080 to
# U+009F), and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069).
INVISIBLE_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean(value: str) -> str:
    return INVISIBLE_CONTROLS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")


def init_app(app: Flask) -> None:
    @app.before_request
    def drop_invisible_controls():  # noqa: ANN202
        # PostgreSQL cannot take a NUL as a text parameter (a 500). A personal link with one
        # names nothing. In a form it is invisible and means nothing (pasted from a broken
        # document, say), so it is dropped and the rest is judged as typed: refusing the whole
        # form had lost everything the person had written for a character they cannot see.
        # The same for the bidirectional overrides and isolates: they make "Zoë evil" show as
        # "Zoë live" in a staff list or an email, and no one types them to write a name; and
        # for the other control characters (a BEL pasted into a name had been printed in its
        # emails and on its badge), but the tab and the line breaks a text box holds.
        # And a text box's line breaks arrive as CRLF: stored as \n, so that every later use
        # (an address joined into one line, a calendar's LOCATION) sees one kind.
        if "\x00" in request.path:
            return render_error(404)
        if request.method == "POST" and any(
                INVISIBLE_CONTROLS.search(value) or "\r" in value
                for values in request.form.listvalues() for value in values):
            request.form = ImmutableMultiDict(
                [(name, _clean(value)) for name, value in request.form.items(multi=True)])
        return None

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        return render_error(400, "The form had expired or was sent from another page. "
                                 "Go back, reload the page and try again.")

    @app.errorhandler(BookingBusy)
    def busy(error: BookingBusy):  # noqa: ANN202
        return render_error(503)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError):  # noqa: ANN202
        # A row this request changes was deleted between reading and writing it (a draft
        # the retention run deleted as its owner saved it): a conflict, not a fault.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        if error.code and error.code < 400:
            return error
        # A view may say why it refuses with abort(403, "..."). Only a 403: werkzeug raises the
        # others itself, some with wording of its own that is not written for users.
        said = error.description if isinstance(error, Forbidden) \
            and error.description != Forbidden.description else None
        return render_error(error.code or 500, said)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # noqa: ANN202
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(InternalServerError.code)
