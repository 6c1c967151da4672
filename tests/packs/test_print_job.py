"""The print file as a background job: prepared once, cached until its inputs change."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from packs import jobs
from tests.conftest import login, make_staff, make_workshop
from workshops import scheduling
from workshops.extensions import db
from workshops.models import Booking, Role

NAMES = [("Siân Ó Súilleabháin", "Newcastle City Council"),
         ("Zoë Brontë", "Gateshead Council")]


def _book(workshop, name: str, organisation: str) -> Booking:
    email = re.sub(r"[^a-z]", "", name.lower()) + "@example.org"
    booking = Booking(workshop=workshop, status="confirmed", name=name, email=email,
                      email_key=email, organisation=organisation, list_consent=True)
    db.session.add(booking)
    db.session.commit()
    return booking


@pytest.fixture()
def workshop(app):
    # Workshop ids are reused once the tables are emptied: start from an empty folder.
    for path in jobs.folder().iterdir():
        path.unlink()
    made = make_workshop()
    for name, organisation in NAMES:
        _book(made, name, organisation)
    return made


def _files(workshop_id: int) -> list[Path]:
    return sorted(jobs.folder().glob(f"workshop-{workshop_id}-*.pdf"))


def _temporaries() -> list[Path]:
    return [p for p in jobs.folder().iterdir() if p.name.endswith(".tmp")]


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_prepare_download_reuse_and_rebuild(client, workshop) -> None:
    page_url = f"/packs/workshops/{workshop.id}/print"
    file_url = f"/packs/workshops/{workshop.id}/print-file.pdf"
    login(client, make_staff(Role.ORGANISER))

    # The workshop page links to the job's page.
    organiser_page = client.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert page_url in organiser_page

    page = client.get(page_url).get_data(as_text=True)
    assert "Prepare the print file" in page and 'data-state="missing"' in page
    assert client.get(file_url).status_code == 303  # nothing to download yet

    # Huey runs in immediate mode in tests: the POST builds the file there and then.
    response = client.post(page_url)
    assert response.status_code == 303
    page = client.get(page_url).get_data(as_text=True)
    assert 'data-state="ready"' in page and file_url in page
    assert 'http-equiv="refresh"' not in page

    download = client.get(file_url)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "no-store" in download.headers["Cache-Control"]
    text = _text(download.data)
    for name, _ in NAMES:
        assert name in text
    [built] = _files(workshop.id)
    status = json.loads(built.with_suffix(".json").read_text())
    assert status == {"done": 2, "total": 2, "state": "ready"}
    assert not _temporaries()

    # Nothing changed: the same file is kept, not rebuilt.
    before = built.stat().st_mtime_ns
    assert client.post(page_url).status_code == 303
    assert _files(workshop.id) == [built] and built.stat().st_mtime_ns == before

    # A booking changes: a new fingerprint, the old file is out of date and replaced.
    booking = db.session.scalar(db.select(Booking).where(Booking.name == NAMES[1][0]))
    booking.name = "Zoë Brontë-Smith"
    db.session.commit()
    page = client.get(page_url).get_data(as_text=True)
    assert "Prepare the print file" in page
    assert client.get(file_url).status_code == 303  # the stale file is never served
    client.post(page_url)
    [rebuilt] = _files(workshop.id)
    assert rebuilt != built and not built.exists()
    assert "Zoë Brontë-Smith" in _text(client.get(file_url).data)
    assert not _temporaries()

    # So does the content: the series' key messages.
    workshop.series.key_messages = "Listen first."
    db.session.commit()
    assert jobs.current(workshop)[0].pdf != rebuilt


def test_running_page_shows_progress_and_refreshes(client, workshop) -> None:
    login(client, make_staff(Role.ORGANISER))
    target, _ = jobs.current(workshop)
    target.write_status("running", 1, 2)
    page = client.get(f"/packs/workshops/{workshop.id}/print").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "1 of 2 delegates" in page and '<progress' in page
    target.status_path.unlink()


def test_print_job_is_for_organisers_only(client, workshop) -> None:
    urls = [f"/packs/workshops/{workshop.id}/print",
            f"/packs/workshops/{workshop.id}/print-file.pdf"]
    for url in urls:
        assert client.get(url).status_code in (302, 401, 403)
    login(client, make_staff(Role.SCREENER))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[0]).status_code == 403
    assert not _files(workshop.id) and not jobs.current(workshop)[0].status_path.exists()


def test_a_cancelled_workshop_has_nothing_to_print_and_says_why(client, workshop) -> None:
    organiser = make_staff(Role.ORGANISER)
    scheduling.cancel_workshop(workshop.id, actor=organiser)
    login(client, organiser)
    url = f"/packs/workshops/{workshop.id}/print"
    page = client.get(url).get_data(as_text=True)
    assert "This workshop has been cancelled, so there is nothing to print." in page
    assert "no confirmed delegates" not in page
    assert "Prepare the print file" not in page
    # A form left open from before the cancellation prepares nothing.
    assert client.post(url).status_code == 303
    assert not _files(workshop.id) and not jobs.current(workshop)[0].status_path.exists()


def test_a_finished_workshop_with_no_one_confirmed_does_not_say_yet(client, app) -> None:
    finished = make_workshop(status="finished")
    login(client, make_staff(Role.ORGANISER))
    page = client.get(f"/packs/workshops/{finished.id}/print").get_data(as_text=True)
    assert "There are no confirmed delegates, so there is nothing to print." in page
