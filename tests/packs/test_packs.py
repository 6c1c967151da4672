"""Delegate packs, print files, badges and sign-in sheets: read back with pypdf."""

from __future__ import annotations

import io
import logging
import re
import subprocess

import pytest
from pypdf import PdfReader

from packs import bulk, render
from packs.cli import packs_cli
from tests.conftest import login, make_staff, make_workshop
from workshops import booking as bookings
from workshops.extensions import db
from workshops.models import Booking, Role
from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM

NAMES = [
    ("Siân Ó Súilleabháin", "Newcastle City Council", True),
    ("Łukasz Żółć", "Northumbria Police", False),  # did not consent to the delegate list
    ("Zoë Brontë", "Gateshead Council", True),
]


def _book(workshop, name: str, organisation: str, consent: bool,
          status: str = "confirmed") -> Booking:
    email = re.sub(r"[^a-z]", "", name.lower()) + "@example.org"
    booking = Booking(workshop=workshop, status=status, name=name, email=email,
                      email_key=email, organisation=organisation, job_title="Social worker",
                      list_consent=consent)
    db.session.add(booking)
    db.session.commit()
    return booking


@pytest.fixture()
def delegates(app) -> list[Booking]:
    workshop = make_workshop()
    workshop.series.key_messages = (
        "## Forms of resistance\n\n- **Disguised compliance**\n- Ambivalence\n\n"
        "<script>alert(1)</script>![x](file:///etc/passwd)")
    db.session.commit()
    booked = [_book(workshop, *row) for row in NAMES]
    _book(workshop, "Wendy Waiting", "Durham County Council", True, status="waiting")
    return booked


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_one_pack_is_personal_complete_and_tagged(delegates: list[Booking]) -> None:
    sian = delegates[0]
    pdf = render.render_pack(sian)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    whole = _squash(" ".join(pages))

    assert "Siân Ó Súilleabháin" in pages[0]
    assert sian.reference in pages[0]
    assert "Newcastle City Council" in pages[0]
    assert re.search(r"\w+day \d+ \w+ \d{4}, 9:30am to 4pm", pages[0])
    assert "Registration" in whole and "Welcome" in whole  # the programme
    assert "Disguised compliance" in whole
    assert "alert(1)" not in whole  # organisers' Markdown is sanitised

    # The form's questions, in the order the definition gives them.
    positions = [whole.find(_squash(q.label)) for q in PRACTICE_FORM.questions()]
    assert -1 not in positions, [q.label for q, p in zip(PRACTICE_FORM.questions(), positions,
                                                          strict=True) if p == -1]
    assert positions == sorted(positions)
    for label in ("What you did", "What impact it made", "How you know it made a difference"):
        assert label in whole
    assert f"Your submission code: {sian.reference}" in whole
    assert "http://workshops.test/feedback/" in whole
    # An optional question with a word limit says both in one bracket.
    assert "(optional, up to 100 words)" in whole and ") (" not in whole
    for q in EVALUATION_FORM.questions():
        assert _squash(q.label) in whole

    # The delegate list: confirmed and consenting only.
    listing = next(p for p in pages if "Delegate list" in p and "agreed to share" in p)
    assert "Zoë Brontë" in listing and "Siân Ó Súilleabháin" in listing
    assert "Żółć" not in listing and "Wendy Waiting" not in listing

    # Cover, programme, key messages, form, evaluation, delegate list, two pages of notes.
    shared = PdfReader(io.BytesIO(render.render_shared(sian.workshop)))
    assert len(reader.pages) == len(shared.pages)
    assert 12 <= len(reader.pages) <= 16
    assert reader.metadata.title.startswith("Delegate pack:")
    assert reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA-1)


def test_the_fetcher_refuses_the_disk_and_the_network(app, caplog) -> None:
    fetcher = render.RestrictedFetcher()
    for url in ("file:///etc/passwd", "http://example.org/x.png", "https://example.org/x.css",
                render.BASE_URL + "../__init__.py"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert b"@page" in fetcher.fetch(render.BASE_URL + "pack.css").read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"

    html = ('<p>Before</p><img src="file:///etc/passwd"><img src="http://example.org/x.png">'
            '<link rel="stylesheet" href="file:///etc/passwd"><p>After</p>')
    with caplog.at_level(logging.WARNING):
        pdf = render.write_pdf(html)
    text = _text(pdf)[0]
    assert "Before" in text and "After" in text and "root:" not in text
    assert "refused" in caplog.text


def test_the_packs_access_information_reads_as_the_public_page_does(app) -> None:
    workshop = make_workshop()
    workshop.venue.access_info = ("Step-free access via the river entrance.\n\n"
                                  "<script>alert('x')</script>\n\nNearest station: Central.")
    db.session.commit()
    made = bookings.book(workshop.id, bookings.Delegate(
        name="Ada Lovelace", email="ada@example.org", organisation="Leeds City Council"))
    text = "\n".join(_text(render.render_pack(made)))
    # Its paragraphs kept apart, and markup cleaned as on the web, not printed.
    assert "river entrance.\nNearest station: Central." in text
    assert "<script>" not in text and "alert(" not in text


def _word_boxes(pdf: bytes, page: int, tmp_path) -> list[tuple[str, float, float, float]]:
    """(word, left, right, top) of each word on a page, in points, as poppler lays them out."""
    source = tmp_path / "pack.pdf"
    source.write_bytes(pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(source),
                            "-"], check=True, capture_output=True, text=True).stdout
    return [(m[4], float(m[1]), float(m[3]), float(m[2])) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)]


def test_the_programme_prints_its_times_one_way(app, tmp_path) -> None:
    workshop = make_workshop(programme=(
        "9:30 | Registration\n10:00–11:15 | Welcome\n12:00 | Lunch\n1pm | Workshops\n"
        "13:45 | Panel\n12:30 | Out of order\n16:00 | Close"))
    made = bookings.book(workshop.id, bookings.Delegate(
        name="Ada Lovelace", email="ada@example.org", organisation="Leeds City Council"))
    pdf = render.render_pack(made)
    page = next(n for n, text in enumerate(_text(pdf), start=1) if "Programme for the day" in
                text and "Registration" in text)
    words = _word_boxes(pdf, page, tmp_path)
    _, session_column, _, head = next(box for box in words if box[0] == "Session")
    end = next(top for word, _, _, top in words if word == "Getting")
    time_column = [(word, right) for word, left, right, top in words
                   if head < top < end and left < session_column]
    assert [word for word, _ in time_column] == [
        "9:30am", "10am", "to", "11:15am", "midday", "1pm", "1:45pm", "12:30", "4pm"]
    # A range wraps within its column, rather than printing over the session beside it.
    assert all(right < session_column for _, right in time_column)


def test_print_file_sorted_by_surname_with_odd_page_starts(delegates: list[Booking]) -> None:
    workshop = delegates[0].workshop
    pdf = bulk.print_file(workshop)
    pages = _text(pdf)
    starts = [i for i, text in enumerate(pages) if "Booking reference" in text]
    # Brontë, Súilleabháin (accents ignored), Żółć; the waiting-list entry gets no pack.
    order = [next(n for n, _, _ in NAMES if n in pages[i]) for i in starts]
    assert order == ["Zoë Brontë", "Siân Ó Súilleabháin", "Łukasz Żółć"]
    assert all(i % 2 == 0 for i in starts)  # 0-based even = a right-hand page
    size = starts[1]  # one pack, padded to an even number of pages
    assert len(pages) == 3 * size
    if len(PdfReader(io.BytesIO(render.render_pack(delegates[0]))).pages) % 2:
        assert pages[size - 1].strip() == ""  # the inserted blank page
    # Each delegate's own code on their form pages, nobody else's.
    for booking, start in zip(sorted(delegates, key=render.sort_key), starts, strict=True):
        own = " ".join(pages[start:start + size])
        assert f"Your submission code: {booking.reference}" in own
        others = [b.reference for b in delegates if b is not booking]
        assert not any(ref in own for ref in others)


def test_badges_and_signin_sheet(delegates: list[Booking]) -> None:
    workshop = delegates[0].workshop
    badges = _squash(" ".join(_text(bulk.badges(workshop))))
    for name, organisation, _ in NAMES:
        assert name in badges and organisation in badges
    assert "Wendy Waiting" not in badges

    sheet = _squash(" ".join(_text(bulk.signin_sheet(workshop))))
    assert "Signature" in sheet
    positions = [sheet.find(name) for name in ("Zoë Brontë", "Siân Ó Súilleabháin", "Łukasz")]
    assert -1 not in positions and positions == sorted(positions)


def test_delegate_downloads_only_their_own_pack(delegates: list[Booking], client) -> None:
    sian = delegates[0]
    response = client.get(f"/packs/booking/{sian.token}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "Siân Ó Súilleabháin" in _text(response.data)[0]
    assert "no-store" in response.headers["Cache-Control"]

    assert client.get("/packs/booking/made-up-token.pdf").status_code == 404
    assert client.get(f"/packs/booking/{sian.token[:-1]}x.pdf").status_code == 404
    waiting = db.session.scalar(db.select(Booking).where(Booking.status == "waiting"))
    assert client.get(f"/packs/booking/{waiting.token}.pdf").status_code == 404


def test_print_files_are_for_organisers_only(delegates: list[Booking], client) -> None:
    workshop_id = delegates[0].workshop_id
    urls = [f"/packs/workshops/{workshop_id}/{name}.pdf" for name in ("print", "badges",
                                                                     "signin")]
    for url in urls + [f"/packs/bookings/{delegates[0].id}.pdf"]:
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        assert response.mimetype != "application/pdf"

    login(client, make_staff(Role.SCREENER))
    assert client.get(urls[0]).status_code == 403
    client.get("/staff/logout")

    login(client, make_staff(Role.ORGANISER))
    for url in urls[1:]:  # the print file itself is exercised above; keep the suite quick
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data.startswith(b"%PDF")
    assert client.get("/packs/workshops/999999/badges.pdf").status_code == 404


def test_cli_writes_a_pack(delegates: list[Booking], app, tmp_path) -> None:
    output = tmp_path / "pack.pdf"
    result = app.test_cli_runner().invoke(
        packs_cli, ["signin", str(delegates[0].workshop_id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")
    result = app.test_cli_runner().invoke(packs_cli, ["one", "NOSUCHREF", "-o", str(output)])
    assert result.exit_code != 0 and "no booking" in result.output
