"""The workshop's print files: every delegate's pack in one PDF, name badges, a sign-in sheet.

The bulk print file renders the pages every delegate shares once per workshop, and only each
delegate's personal marks (cover block with QR code, submission code on the form pages), many
delegates to one WeasyPrint document. Each personal page becomes a Form XObject drawn over a copy
of the shared page: the shared page's content stream and fonts are referenced, never copied or
re-parsed, so a delegate costs a few small objects rather than a whole pack.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from flask import render_template
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from packs import render
from workshops.formatting import event_time
from workshops.models import Booking, Workshop

BATCH = 100  # delegates per overlay document: bounds memory for very large workshops
OVERLAY = NameObject("/PackOverlay")


def _form_pages(shared: PdfReader) -> list[int]:
    """Indexes of the practice form's pages: those whose header carries the submission code.

    Found from the shared PDF's page labels would be neater, but WeasyPrint sets none; the
    form's pages are the run that starts at the form's first page and ends before the
    evaluation, which the outline (bookmarks from the h1 headings) tells us.
    """
    starts = {}
    for item in shared.outline:
        if isinstance(item, list):
            continue
        starts[item.title] = shared.get_destination_page_number(item)
    from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM

    first, after = starts[PRACTICE_FORM.title], starts[EVALUATION_FORM.title]
    return list(range(first, after))


class _Overlayer:
    """Copies shared pages into a writer with a per-delegate overlay drawn on top."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        # Wrap the shared content in q/Q so its graphics state cannot leak into the overlay.
        self.open = self._stream(b"q\n")
        self.draw = self._stream(b"\nQ q " + OVERLAY.encode() + b" Do Q\n")

    def _stream(self, data: bytes) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(data)
        return self.writer._add_object(stream)

    def xobject(self, page) -> IndirectObject:  # noqa: ANN001
        """The overlay page as a Form XObject in the writer."""
        stream = DecodedStreamObject()
        stream.set_data(page.get_contents().get_data())
        stream.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(NumberObject(int(v)) for v in page.mediabox),
            NameObject("/Resources"): page["/Resources"].clone(self.writer),
        })
        return self.writer._add_object(stream)

    def add(self, shared_page, overlay: IndirectObject | None) -> None:  # noqa: ANN001
        # Links (the cover's contents list) would all point into the last delegate's copy.
        page = self.writer.add_page(shared_page, excluded_keys=("/Annots",))
        if overlay is None:
            return
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[OVERLAY] = overlay
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents: PdfObject = page["/Contents"]
        parts = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) \
            else [contents]
        page[NameObject("/Contents")] = ArrayObject([self.open, *parts, self.draw])


def print_file(workshop: Workshop, bookings: Iterable[Booking] | None = None,
               progress: Callable[[int, int], None] | None = None) -> bytes:
    """Every confirmed delegate's pack, by surname, each starting on an odd (right-hand) page.

    `progress(done, total)`, if given, is called once before any delegate and after each one.
    """
    people = list(bookings) if bookings is not None else render.confirmed_bookings(workshop)
    if progress is not None:
        progress(0, len(people))
    shared = PdfReader(io.BytesIO(render.render_shared(workshop)))
    form_pages = set(_form_pages(shared))
    pages = list(shared.pages)
    writer = PdfWriter()
    overlayer = _Overlayer(writer)
    width, height = pages[0].mediabox.width, pages[0].mediabox.height
    for start in range(0, len(people), BATCH):
        batch = people[start:start + BATCH]
        overlays = PdfReader(io.BytesIO(render.render_overlays([render.person(b)
                                                               for b in batch])))
        for index in range(len(batch)):
            cover = overlayer.xobject(overlays.pages[2 * index])
            code = overlayer.xobject(overlays.pages[2 * index + 1])
            for number, page in enumerate(pages):
                overlay = cover if number == 0 else code if number in form_pages else None
                overlayer.add(page, overlay)
            if len(pages) % 2:
                writer.add_blank_page(width, height)
            if progress is not None:
                progress(start + index + 1, len(people))
    writer.add_metadata({"/Title": f"Print file: {workshop.display_title}",
                         "/Author": render.SERVICE_NAME})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def badges(workshop: Workshop, bookings: Iterable[Booking] | None = None) -> bytes:
    """A4 sheets of name badges, eight to a page (2 x 4 labels of 99.1 x 67.7 mm)."""
    people = list(bookings) if bookings is not None else render.confirmed_bookings(workshop)
    cards = [{"name": b.name, "organisation": b.organisation, "reference": b.reference,
              "qr": render.qr_svg(render.checkin_url(b))} for b in people]
    html = render_template("packs/badges.html", workshop=workshop, cards=cards,
                           doc_title=f"Name badges: {workshop.display_title}")
    return render.write_pdf(html)


def signin_sheet(workshop: Workshop, bookings: Iterable[Booking] | None = None) -> bytes:
    """A table of confirmed delegates by surname, with a column to sign."""
    people = list(bookings) if bookings is not None else render.confirmed_bookings(workshop)
    html = render_template("packs/signin.html", workshop=workshop, people=people,
                           when=event_time(workshop.starts_at, workshop.ends_at),
                           doc_title=f"Sign-in sheet: {workshop.display_title}")
    return render.write_pdf(html)
