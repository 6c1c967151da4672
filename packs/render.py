"""Delegate packs as PDFs with WeasyPrint: one personalised pack, and the pieces bulk printing uses.

The pack's layout never depends on who it is for: the personal marks (the cover's name block and
QR code, the submission code at the top of each form page) sit at fixed places. So bulk printing
can render the shared pages once per workshop and lay each delegate's marks over them (bulk.py),
and the result looks exactly like the pack a delegate downloads.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import current_app, render_template
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from workshops.extensions import db
from workshops.formatting import day, event_time
from workshops.models import Booking, BookingStatus, Workshop
from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM, RATING_SCALE
from workshops.templating import SERVICE_NAME, markdown
from workshops.urls import external_url, public_root

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
# Fake origin for the pack's relative links: resolved by our fetcher, never by the network.
BASE_URL = STATIC.as_uri() + "/"
PDF_VARIANT = "pdf/ua-1"  # tagged PDF so screen readers can read the downloaded pack


class RestrictedFetcher(URLFetcher):
    """Serves only data: URIs and files inside the suite's own static folders; refuses the rest.

    Organisers' Markdown reaches the pack, so an <img src="file:///etc/passwd"> or a web address
    must not make the server read its disk or call out to the network. WeasyPrint logs the refusal
    and renders the page without the resource.
    """

    def __init__(self, roots: tuple[Path, ...] | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = tuple(r.resolve() for r in (roots or _static_roots()))

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                return URLFetcherResponse(url, path.read_bytes(),
                                          {"Content-Type": _content_type(path)})
        raise ValueError(f"packs fetch only the suite's static files; refused {url[:80]}")


def _content_type(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
            ".jpg": "image/jpeg", ".woff2": "font/woff2", ".ttf": "font/ttf"}.get(
        path.suffix.lower(), "application/octet-stream")


def _static_roots() -> tuple[Path, ...]:
    roots = [STATIC]
    try:
        if current_app.static_folder:
            roots.append(Path(current_app.static_folder))
    except RuntimeError:  # no app context: the plugin's own files only
        pass
    return tuple(roots)


@cache
def _stylesheet() -> CSS:
    # Parsed once per process: every pack, overlay, badge sheet and sign-in sheet shares it.
    return CSS(url=BASE_URL + "pack.css", url_fetcher=RestrictedFetcher((STATIC,)))


def write_pdf(html: str, *, variant: str | None = None) -> bytes:
    """Render our own HTML with the restricted fetcher and the pack stylesheet."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=RestrictedFetcher())
    options: dict = {"stylesheets": [_stylesheet()]}
    if variant:
        options["pdf_variant"] = variant
    return document.write_pdf(**options)


# --- what goes into a pack -----------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """The personal marks of one delegate's pack."""

    name: str
    organisation: str
    reference: str
    qr_svg: Markup


def checkin_url(booking: Booking) -> str:
    """What the QR code on the cover and badge opens: one tap checks the delegate in."""
    return external_url("checkin.check_in", code=booking.checkin_code)


def qr_svg(data: str) -> Markup:
    qr = segno.make(data, error="m", micro=False)
    # No fixed size: the stylesheet scales it; dark modules only, no background to overprint.
    return Markup(qr.svg_inline(scale=1, border=2, omitsize=True, light=None, title=None))


def person(booking: Booking) -> Person:
    return Person(name=booking.name, organisation=booking.organisation,
                  reference=booking.reference, qr_svg=qr_svg(checkin_url(booking)))


def online_form_url() -> str:
    # The feedback plugin will serve the e-form here; packs only print the address.
    return f"{public_root().rstrip('/')}/feedback/"


def sort_key(booking: Booking) -> tuple[str, str]:
    """Surname first, ignoring accents and case, so Ó Súilleabháin files under S."""

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    return fold(booking.surname), fold(booking.name)


def confirmed_bookings(workshop: Workshop) -> list[Booking]:
    rows = db.session.scalars(db.select(Booking).where(
        Booking.workshop_id == workshop.id, Booking.status == BookingStatus.CONFIRMED)).all()
    return sorted(rows, key=sort_key)


def listed_delegates(workshop: Workshop) -> list[Booking]:
    """Only confirmed delegates who agreed to appear on the list."""
    return [b for b in confirmed_bookings(workshop) if b.list_consent]


def document_title(workshop: Workshop) -> str:
    return f"Delegate pack: {workshop.display_title}, {day(workshop.starts_at)}"


def pack_html(workshop: Workshop, who: Person | None) -> str:
    """The whole pack; `who=None` leaves the personal marks out (the shared pages)."""
    series = workshop.series
    return render_template(
        "packs/pack.html",
        workshop=workshop,
        person=who,
        doc_title=document_title(workshop),
        author=series.theme.name + " knowledge programme" if series.theme else SERVICE_NAME,
        theme=series.theme.name if series.theme else "",
        when=event_time(workshop.starts_at, workshop.ends_at),
        day=day(workshop.starts_at),
        programme=workshop.programme_items,
        key_messages=markdown(series.key_messages) if series.key_messages.strip() else "",
        form=PRACTICE_FORM,
        evaluation=EVALUATION_FORM,
        rating_scale=RATING_SCALE,
        online_url=online_form_url(),
        delegates=listed_delegates(workshop),
    )


def render_pack(booking: Booking) -> bytes:
    """One delegate's complete pack, tagged, as they download it."""
    return write_pdf(pack_html(booking.workshop, person(booking)), variant=PDF_VARIANT)


def render_shared(workshop: Workshop) -> bytes:
    """The pack without personal marks: rendered once per workshop for bulk printing."""
    return write_pdf(pack_html(workshop, None))


def render_overlays(people: list[Person]) -> bytes:
    """Two pages per person, in order: the cover overlay and the form-page overlay."""
    return write_pdf(render_template("packs/stamps.html", people=people))
