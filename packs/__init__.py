"""Plugin: personalised delegate packs, bulk print files, badges and sign-in sheets."""

from flask import Blueprint, Flask, Response, abort, redirect, render_template, send_file, url_for
from werkzeug.wrappers import Response as BaseResponse

from packs.cli import packs_cli
from packs.fillable_views import fillable_download
from packs.responses import pdf_response
from workshops.extensions import db
from workshops.models import Booking, BookingStatus, Role, Workshop, WorkshopStatus
from workshops.plugins import Plugin
from workshops.views.auth import role_required
from workshops.views.booking import booking_for_link

bp = Blueprint("packs", __name__, url_prefix="/packs", template_folder="templates")


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


def _confirmed(booking: Booking | None) -> Booking:
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        abort(404)
    return booking


@bp.get("/booking/<token>.pdf")
def delegate_pack(token: str) -> Response:
    """The delegate's own pack: the unguessable booking token is the permission."""
    from packs import render

    booking = _confirmed(booking_for_link(token))
    return pdf_response(render.render_pack(booking), f"delegate-pack-{booking.reference}.pdf")


# The fillable practice form (packs/fillable.py), for people who prefer to answer offline.
bp.add_url_rule("/booking/<token>/practice-form.pdf", view_func=fillable_download)


# The print file is built by a background job (packs/jobs.py) from its own page; the synchronous
# print.pdf below stays for scripts and small workshops.


@bp.get("/bookings/<int:booking_id>.pdf")
@role_required(Role.ORGANISER)
def any_pack(booking_id: int) -> Response:
    from packs import render

    booking = _confirmed(db.session.get(Booking, booking_id))
    return pdf_response(render.render_pack(booking), f"delegate-pack-{booking.reference}.pdf")


@bp.get("/workshops/<int:workshop_id>/print.pdf")
@role_required(Role.ORGANISER)
def print_file(workshop_id: int) -> Response:
    from packs import bulk

    return pdf_response(
        bulk.print_file(db.get_or_404(Workshop, workshop_id)), f"packs-workshop-{workshop_id}.pdf"
    )


@bp.get("/workshops/<int:workshop_id>/print")
@role_required(Role.ORGANISER)
def print_job(workshop_id: int) -> str:
    """The print file's state: not built (a button), being built (a progress bar), ready."""
    from packs import jobs
    from workshops.forms import ConfirmForm

    workshop = db.get_or_404(Workshop, workshop_id)
    target, _ = jobs.current(workshop)
    return render_template(
        "packs/print_job.html", workshop=workshop, status=target.status(), form=ConfirmForm()
    )


@bp.post("/workshops/<int:workshop_id>/print")
@role_required(Role.ORGANISER)
def print_job_start(workshop_id: int) -> BaseResponse:
    from packs import jobs
    from workshops.forms import ConfirmForm

    workshop = db.get_or_404(Workshop, workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)  # only a missing or stale CSRF token gets here
    target, _ = jobs.current(workshop)
    # A cancelled workshop has no packs to print; its page says so (a stale form may still post).
    if workshop.status != WorkshopStatus.CANCELLED and target.status()["state"] not in (
            "ready", "running"):
        # Shown as running at once, even before a worker picks the job up: "running" with no
        # owner means queued (the worker names itself when it starts building).
        target.write_status("running", 0, target.total)
        jobs.build_print_file(workshop.id)
    return redirect(url_for("packs.print_job", workshop_id=workshop.id), 303)


@bp.get("/workshops/<int:workshop_id>/print-file.pdf")
@role_required(Role.ORGANISER)
def print_job_file(workshop_id: int) -> BaseResponse:
    """The ready print file; while there is none (or it is out of date), its page."""
    from packs import jobs

    workshop = db.get_or_404(Workshop, workshop_id)
    target, _ = jobs.current(workshop)
    try:
        response = send_file(
            target.pdf,
            mimetype="application/pdf",
            download_name=f"packs-workshop-{workshop_id}.pdf",
            max_age=0,
        )
    except FileNotFoundError:
        return redirect(url_for("packs.print_job", workshop_id=workshop.id), 303)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/workshops/<int:workshop_id>/badges.pdf")
@role_required(Role.ORGANISER)
def badges(workshop_id: int) -> Response:
    from packs import bulk

    return pdf_response(
        bulk.badges(db.get_or_404(Workshop, workshop_id)), f"badges-workshop-{workshop_id}.pdf"
    )


@bp.get("/workshops/<int:workshop_id>/signin.pdf")
@role_required(Role.ORGANISER)
def signin_sheet(workshop_id: int) -> Response:
    from packs import bulk

    return pdf_response(
        bulk.signin_sheet(db.get_or_404(Workshop, workshop_id)),
        f"signin-workshop-{workshop_id}.pdf",
    )


def _booking_links(booking: Booking) -> list[tuple[str, str]]:
    if booking.status != BookingStatus.CONFIRMED:
        return []
    return [
        ("Download your delegate pack (PDF)", url_for("packs.delegate_pack", token=booking.token)),
        (
            "Download the practice form to fill in offline (PDF)",
            url_for("packs.fillable_download", token=booking.token),
        ),
    ]


def _staff_booking_links(booking: Booking) -> list[tuple[str, str]]:
    # One delegate's pack, to print again (a large-print request, a lost copy).
    if booking.status != BookingStatus.CONFIRMED:
        return []
    return [("Print this delegate’s pack (PDF)",
             url_for("packs.any_pack", booking_id=booking.id))]


def _workshop_links(workshop: Workshop) -> list[tuple[str, str]]:
    return [
        (
            "Print file: every delegate's pack (PDF)",
            url_for("packs.print_job", workshop_id=workshop.id),
        ),
        ("Name badges (PDF)", url_for("packs.badges", workshop_id=workshop.id)),
        ("Sign-in sheet (PDF)", url_for("packs.signin_sheet", workshop_id=workshop.id)),
    ]


def setup(app: Flask) -> None:
    # The consumer only knows tasks whose modules were imported: without this the print job
    # is queued by the page but never run by `flask worker` ("not found in TaskRegistry").
    from packs import jobs
    from workshops import signals

    # A starting consumer queues again the print files a killed one was building. Connected
    # for this app only (the signals are process-wide; other apps may run without packs).
    signals.consumer_started.connect(jobs.resume_interrupted, sender=app, weak=False)


plugin = Plugin(
    name="packs",
    title="Delegate packs",
    blueprints=[bp],
    cli=packs_cli,
    setup=setup,
    booking_links=_booking_links,
    staff_booking_links=_staff_booking_links,
    workshop_links=_workshop_links,
    link_order=10,  # what a delegate needs before the day, and an organiser before printing
)
