"""The fillable practice form: generated from the one definition, filled, and read back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from packs.fillable import (
    CHECKED,
    DamagedPdf,
    NotOurForm,
    fillable_form,
    form_version,
    read_filled_form,
)
from tests.conftest import make_workshop
from workshops import booking as rules
from workshops.models import Booking
from workshops.practice_form import PRACTICE_FORM, Kind

MULTILINE = 1 << 12  # AcroForm text-field flag (ISO 32000 table 228)
READ_ONLY = 1
URL = "http://workshops.test/booking/abc"


@pytest.fixture()
def booking(app) -> Booking:
    workshop = make_workshop()
    return rules.book(workshop.id, rules.Delegate(
        name="Siân Ó Súilleabháin", email="sian@example.org",
        organisation="Newcastle City Council"))


@pytest.fixture()
def pdf(booking: Booking) -> bytes:
    return fillable_form(booking, public_url=URL)


def _fields(data: bytes) -> dict[str, Any]:
    return PdfReader(io.BytesIO(data)).get_fields() or {}


def _answers() -> dict[str, Any]:
    """A plausible answer for every question, non-ASCII included."""
    answers: dict[str, Any] = {}
    for question in PRACTICE_FORM.questions():
        if question.kind == Kind.CHECK:
            answers[question.key] = True
        elif question.kind == Kind.CHOICE:
            answers[question.key] = question.options[-1][0]
        elif question.kind == Kind.EMAIL:
            answers[question.key] = "zoe.bronte@example.org"
        elif question.kind == Kind.LONG:
            answers[question.key] = (f"{question.label}: Siân Ó Súilleabháin and Łukasz Żółć "
                                     "ran it.\nA second line – with a dash.")
        else:
            answers[question.key] = f"Zoë Brontë ({question.key})"
    return answers


def _fill(data: bytes, answers: dict[str, Any]) -> bytes:
    """Fill the form as a PDF viewer would, with pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    values = {key: (CHECKED if value is True else value) for key, value in answers.items()}
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_every_question_is_a_field_of_the_right_type(pdf: bytes) -> None:
    fields = _fields(pdf)
    for question in PRACTICE_FORM.questions():
        field = fields[question.key]
        flags = int(field.get("/Ff", 0))
        if question.kind == Kind.CHECK:
            assert field["/FT"] == "/Btn", question.key
        elif question.kind == Kind.CHOICE:
            assert field["/FT"] in ("/Ch", "/Btn"), question.key
            offered = {str(option[0]) for option in field["/Opt"]}
            assert {value for value, _ in question.options} <= offered
        else:
            assert field["/FT"] == "/Tx", question.key
            assert bool(flags & MULTILINE) == (question.kind == Kind.LONG), question.key
    assert set(fields) == {*PRACTICE_FORM.keys, "submission_code"}


def test_submission_code_is_prefilled_and_read_only(pdf: bytes, booking: Booking) -> None:
    field = _fields(pdf)["submission_code"]
    assert field["/FT"] == "/Tx" and field["/V"] == booking.reference
    assert int(field["/Ff"]) & READ_ONLY


def test_blank_form_leaves_the_code_for_the_delegate_to_type(app) -> None:
    field = _fields(fillable_form(None, public_url=URL))["submission_code"]
    assert field.get("/V") == "" and not int(field.get("/Ff", 0)) & READ_ONLY


def test_marker_metadata_and_printed_guidance(pdf: bytes, booking: Booking) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    info = reader.metadata
    assert info["/WorkshopsForm"] == "practice"
    assert info["/WorkshopsFormVersion"] == form_version()
    assert info["/Title"].startswith(PRACTICE_FORM.title) and info["/Subject"]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert booking.name in text and URL in text
    for question in PRACTICE_FORM.questions():
        assert " ".join(question.label.split()[:4]) in text, question.key
        if question.guidance:
            assert " ".join(question.guidance.split()[:4]) in text, question.key


def test_filled_form_reads_back(pdf: bytes, booking: Booking) -> None:
    answers = _answers()
    filled = _fill(pdf, answers)
    got = read_filled_form(filled)
    assert got.pop("submission_code") == booking.reference
    assert got == answers


def test_a_blank_form_reads_back_empty(pdf: bytes) -> None:
    got = read_filled_form(pdf)
    for question in PRACTICE_FORM.questions():
        assert got[question.key] == (False if question.kind == Kind.CHECK else "")


def test_someone_elses_pdf_is_not_our_form(app) -> None:
    plain = HTML(string="<p>My practice</p><input name='title'>").write_pdf(pdf_forms=True)
    with pytest.raises(NotOurForm):
        read_filled_form(plain)
    with pytest.raises(NotOurForm):
        read_filled_form(HTML(string="<p>Just text</p>").write_pdf())


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 3],
    lambda data: b"%PDF-1.7\n" + b"\x00garbage" * 200,
    lambda data: b"PK\x03\x04 a zip file, not a PDF",
    lambda data: b"",
])
def test_damaged_files_give_a_clear_error(pdf: bytes, damage) -> None:  # noqa: ANN001
    with pytest.raises(DamagedPdf) as caught:
        read_filled_form(damage(pdf))
    assert "PDF" in str(caught.value)


def test_download_view(app, booking: Booking) -> None:
    client = app.test_client()
    response = client.get(f"/packs/booking/{booking.token}/practice-form.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert booking.reference in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert read_filled_form(response.data)["submission_code"] == booking.reference
    assert client.get(f"/packs/booking/{booking.token[:-1]}x/practice-form.pdf").status_code \
        == 404
