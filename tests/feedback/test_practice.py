"""Practice submissions: invitations, the e-form, evidence, the fillable PDF upload, submitting."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, update
from weasyprint import HTML

from feedback import evaluations, invitations, submissions
from feedback.models import EvidenceFile, Invitation, Submission, SubmissionStatus
from feedback.submissions import SectionInvalid, SubmissionRefused
from packs.fillable import fillable_form
from tests.conftest import delegate_form, login, make_staff, make_workshop
from tests.feedback.support import (
    attended,
    complete_answers,
    fill_pdf,
    finish,
    into_the_past,
    section_post,
)
from workshops import booking, checkin, clock, scheduling, signals
from workshops.extensions import db
from workshops.models import AuditEntry, Role
from workshops.practice_form import EVALUATION_FORM, PRACTICE_FORM, Kind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture()
def app_overrides(tmp_path: Path) -> dict:
    return {"EVIDENCE_FOLDER": str(tmp_path / "evidence")}


@pytest.fixture()
def invited(app):
    workshop = make_workshop()
    first, second = attended(workshop, 1), attended(workshop, 2)
    made = finish(workshop)
    return workshop, first, second, made


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _draft(booking) -> Submission:  # noqa: ANN001
    return submissions.draft_for_booking(booking)


def _fill_all(client, submission: Submission, answers: dict) -> None:  # noqa: ANN001
    for section in PRACTICE_FORM.sections:
        response = client.post(f"/feedback/practice/{submission.token}/section/{section.key}",
                               data=section_post(section.key, answers))
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]


# --- invitations ------------------------------------------------------------------------------

def test_finishing_a_workshop_invites_each_attendee_once(invited, mailbox) -> None:
    workshop, first, second, made = invited
    assert [i.booking_id for i in made] == [first.id, second.id]
    mail = [m for m in mailbox.to(first.email) if "Thank you for coming" in m["Subject"]]
    assert len(mail) == 1
    body = mail[0].get_body(("plain",)).get_content()
    assert f"/feedback/invitation/{made[0].token}" in body
    assert f"/feedback/invitation/{made[0].token}/evaluation" in body
    # Finishing twice is refused by the workshop's state table, and invite() is idempotent.
    assert invitations.invite(workshop, [first, second]) == []


def test_an_arrival_copied_in_after_the_finish_is_invited_then_and_once(app, mailbox) -> None:
    workshop = make_workshop()
    first, second = attended(workshop, 1), attended(workshop, 2)
    organiser = make_staff(Role.ORGANISER)
    into_the_past(workshop)
    checkin.check_in(first.id, actor=organiser)
    scheduling.finish_workshop(workshop.id)
    assert [m["Subject"] for m in mailbox.to(second.email)
            if "Thank you for coming" in m["Subject"]] == []
    # The second name on the paper sheet is copied in the next day.
    checkin.check_in(second.id, actor=organiser)
    checkin.check_in(second.id, actor=organiser)  # a second tap changes nothing
    invited = db.session.scalars(select(Invitation).where(
        Invitation.workshop_id == workshop.id).order_by(Invitation.id)).all()
    assert [i.booking_id for i in invited] == [first.id, second.id]
    thanks = [m for m in mailbox.to(second.email) if "Thank you for coming" in m["Subject"]]
    assert len(thanks) == 1
    assert f"/feedback/invitation/{invited[1].token}" in thanks[0].get_body(
        ("plain",)).get_content()
    assert len([m for m in mailbox.to(first.email) if "Thank you" in m["Subject"]]) == 1


def test_undoing_a_check_in_after_the_finish_leaves_the_invitation(app, mailbox) -> None:
    """The core takes back the arrival; what the plugin did on it is its own and stays."""
    workshop = make_workshop()
    first = attended(workshop, 1)
    organiser = make_staff(Role.ORGANISER)
    into_the_past(workshop)
    checkin.check_in(first.id, actor=organiser)
    scheduling.finish_workshop(workshop.id)
    mailbox.clear()
    assert not checkin.undo_check_in(first.id, actor=organiser).already
    db.session.expire_all()
    assert db.session.scalar(select(Invitation.booking_id).where(
        Invitation.workshop_id == workshop.id)) == first.id
    assert mailbox.to(first.email) == []  # nothing is said about it


def test_the_after_the_workshop_page_shows_what_the_delegate_has_done(client, invited,
                                                                      mailbox) -> None:
    _, first, _, made = invited
    body = [m for m in mailbox.to(first.email) if "Thank you for coming" in m["Subject"]][0]
    assert f"/booking/{first.token}" in body.get_body(("plain",)).get_content()
    url = f"/feedback/invitation/{made[0].token}"
    before = client.get(url).text
    assert "Evaluate the workshop" in before and 'id="evaluated"' not in before
    assert f'href="/booking/{first.token}"' in before  # where the offline form is
    answers = {q.key: (q.options[-1][0] if q.kind == Kind.RATING else "")
               for q in EVALUATION_FORM.questions()}
    evaluations.record_evaluation(made[0], answers)
    _, sent = _sent_submission(first)
    db.session.commit()
    after = client.get(url).text
    assert 'id="evaluated"' in after and "You sent your evaluation on" in after
    assert f"Sent {sent.reference}" in after


def test_before_the_day_the_page_is_about_sharing_practice_not_after_the_workshop(
        client) -> None:
    booked = booking.book(make_workshop().id, booking.Delegate(
        name="Ada Early", email="ada@example.org", organisation="Leeds City Council"))
    page = client.get(f"/feedback/booking/{booked.token}").text
    assert "<h1 class=\"govuk-heading-l\">Share your practice</h1>" in page
    assert "After the workshop" not in page and "Evaluate" not in page
    assert "download the practice form from" in page
    # Once cancelled, the booking page has no form to download: the page does not send them
    # there for one (sharing practice online is still open to them).
    booking.cancel(booked.id)
    page = client.get(f"/feedback/booking/{booked.token}").text
    assert "download the practice form from" not in page and "Fill in the form online" in page


def test_one_reminder_to_those_who_have_not_responded(app, invited, mailbox) -> None:
    workshop, first, second, made = invited
    _, sent = _sent_submission(first)
    mailbox.clear()
    assert invitations.send_reminders() == 0  # not yet due
    for invitation in made:
        invitation.invited_at = clock.now() - __import__("datetime").timedelta(days=8)
    db.session.commit()
    assert invitations.send_reminders() == 1  # the one who sent practice is not reminded
    assert invitations.send_reminders() == 0  # and no one twice
    assert len(mailbox.to(second.email)) == 1 and mailbox.to(first.email) == []
    said = mailbox.to(second.email)[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "only reminder" in said
    # Each request a paragraph of its own (the template's {% if %} had eaten the blank lines).
    assert ".\n\nTell us what you thought of the day" in said
    assert "/evaluation\n\nShare a practice example" in said


# --- starting from the public site ------------------------------------------------------------

def test_only_a_delegates_draft_offers_to_take_back_the_fillable_pdf(client, invited) -> None:
    public = submissions.confirm_email(submissions.start_public("ana@example.org"))
    delegate = _draft(invited[1])
    db.session.commit()
    assert "/upload" not in client.get(f"/feedback/practice/{public.token}").text
    assert f"/feedback/practice/{delegate.token}/upload" in client.get(
        f"/feedback/practice/{delegate.token}").text


def test_public_start_confirms_the_address_first(client, mailbox) -> None:
    response = client.post("/feedback/practice/start", data={"email": "ana@example.org"})
    assert response.status_code == 200 and b"Check your email" in response.data
    found = db.session.scalar(select(Submission))
    assert found.status == SubmissionStatus.AWAITING_EMAIL
    body = mailbox.to("ana@example.org")[0].get_body(("plain",)).get_content()
    assert f"/feedback/practice/{found.token}" in body
    # Nothing can be downloaded before the address is confirmed ...
    assert client.get(f"/feedback/practice/{found.token}/copy.pdf").status_code == 404
    # ... and opening the link confirms it and shows the task list.
    page = client.get(f"/feedback/practice/{found.token}")
    assert b"Your practice submission" in page.data
    db.session.expire_all()
    assert db.session.get(Submission, found.id).status == SubmissionStatus.DRAFT


def test_public_start_validates_the_address(client) -> None:
    response = client.post("/feedback/practice/start", data={"email": "not an address"})
    assert response.status_code == 422
    assert b"Enter an email address in the correct format" in response.data
    assert db.session.scalar(select(Submission)) is None


def test_every_address_question_gives_the_booking_forms_example(client, invited) -> None:
    # The practice forms had said name@example.gov.uk where booking says name@example.org.
    def example(page: str) -> list[str]:
        return re.findall(r"in the correct format, like (\S+@[\w.]+\w)", page)

    workshop = make_workshop()
    booking_page = client.post(f"/series/{workshop.series.slug}/{workshop.region}/book",
                               data=delegate_form(email="not an address")).text
    start_page = client.post("/feedback/practice/start", data={"email": "not an address"}).text
    draft = _draft(invited[1])
    contact_page = client.post(
        f"/feedback/practice/{draft.token}/section/contact",
        data=section_post("contact", complete_answers(contact_email="not an address"))).text
    # Each in the error summary and beside the field.
    assert len(example(booking_page)) == 2
    assert example(start_page) == example(contact_page) == example(booking_page)


def test_unknown_links_are_not_found(client) -> None:
    for url in ("/feedback/practice/nope", "/feedback/invitation/nope",
                "/feedback/booking/nope", "/feedback/practice/nope/check"):
        assert client.get(url).status_code == 404, url


# --- the e-form ---------------------------------------------------------------------------------

def test_invited_draft_is_prefilled_from_the_booking(client, invited) -> None:
    _, first, _, made = invited
    response = client.post(f"/feedback/invitation/{made[0].token}")
    assert response.status_code == 303
    draft = db.session.scalar(select(Submission))
    assert response.headers["Location"].endswith(f"/feedback/practice/{draft.token}")
    assert draft.answers["contact_name"] == first.name
    assert draft.answers["organisation"] == first.organisation
    assert draft.answers["region"] == "north-east"
    # Coming back through the invitation finds the same draft, not a second one.
    client.post(f"/feedback/invitation/{made[0].token}")
    assert db.session.scalar(select(db.func.count()).select_from(Submission)) == 1


def test_sections_save_as_you_go_and_show_on_the_task_list(client, invited) -> None:
    draft = _draft(invited[1])
    url = f"/feedback/practice/{draft.token}"
    assert "Not yet started" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/section/practice",
                data={"theme": "Neglect", "context": "Referrals were rising."})
    page = client.get(url).get_data(as_text=True)
    assert "In progress" in page
    db.session.expire_all()
    assert db.session.get(Submission, draft.id).answers["context"] == "Referrals were rising."
    # The section page shows what was saved: leaving and coming back loses nothing.
    assert "Referrals were rising." in client.get(f"{url}/section/practice").get_data(as_text=True)


def test_details_filled_in_from_the_booking_are_completed_only_once_checked(client,
                                                                           invited) -> None:
    draft = _draft(invited[1])
    contact = next(s for s in PRACTICE_FORM.sections if s.key == "contact")
    assert draft.answers["contact_name"] and draft.answers["contact_email"]
    url = f"/feedback/practice/{draft.token}"
    page = client.get(url).get_data(as_text=True)
    assert "You have completed 0 of" in page and "In progress" in page
    assert submissions.section_state(draft, contact) == "In progress"
    # Looked at and saved as they were filled in: now it is done.
    response = client.post(f"{url}/section/contact", data={
        q.key: draft.answers.get(q.key) or "" for q in contact.questions})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert "You have completed 1 of" in client.get(url).get_data(as_text=True)


def _task_rows(page: str) -> dict[str, tuple[str, str]]:
    """The task list as a submitter reads it: each task's name, its status and its hint."""
    rows = {}
    for item in page.split('<li class="govuk-task-list__item')[1:]:
        name = re.search(r'govuk-task-list__link"[^>]*>(.*?)</a>', item, re.S)
        status = re.search(r'govuk-task-list__status"[^>]*>(.*?)</div>', item, re.S)
        hint = re.search(r'govuk-task-list__hint">(.*?)</div>', item, re.S)
        words = [" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""
                 for found in (name, status, hint)]
        rows[words[0]] = (words[1], words[2])
    return rows


def test_a_new_draft_says_which_answers_were_filled_in_from_the_booking(client,
                                                                        invited) -> None:
    """'In progress' beside 'You have completed 0 of 6 sections' had read as a mistake to
    someone who had not yet done anything: the page says where those answers came from."""
    draft = _draft(invited[1])
    url = f"/feedback/practice/{draft.token}"
    page = client.get(url).text
    assert "You have completed 0 of 6 sections." in page
    assert ("We have filled in some answers from your booking. The sections they are in show "
            "as ‘In progress’ until you check the answers and press ‘Save and continue’.") in page
    from_booking = ("In progress", "Some answers filled in from your booking: check them")
    rows = _task_rows(page)
    assert [rows[title] for title in ("About the practice and who runs it",
                                      "Contact for the panel", "The practice")] == \
        [from_booking] * 3
    assert rows["Declarations"] == ("Not yet started", "")
    inset = "We have filled in some of these answers from your booking. Check them"
    assert inset in client.get(f"{url}/section/contact").text
    assert inset not in client.get(f"{url}/section/declarations").text

    # Checked and saved: completed, and no longer said to be waiting for a check.
    contact = next(s for s in PRACTICE_FORM.sections if s.key == "contact")
    client.post(f"{url}/section/contact",
                data={q.key: draft.answers.get(q.key) or "" for q in contact.questions})
    page = client.get(url).text
    assert "You have completed 1 of 6 sections." in page
    assert _task_rows(page)["Contact for the panel"] == ("Completed", "")
    assert inset not in client.get(f"{url}/section/contact").text


def test_the_contact_fields_say_what_they_ask_so_a_browser_can_fill_them(client,
                                                                          invited) -> None:
    # WCAG 1.3.5: the contact is often the submitter, whose details the browser already has.
    draft = _draft(invited[1])
    page = client.get(f"/feedback/practice/{draft.token}/section/contact").get_data(as_text=True)
    inputs = {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*name="(\w+)"[^>]*>', page)}
    for name, token in (("contact_name", "name"), ("contact_role", "organization-title"),
                        ("contact_email", "email"), ("contact_phone", "tel")):
        assert f'autocomplete="{token}"' in inputs[name], inputs[name]
    # GOV.UK's email and telephone patterns: phones offer a keyboard with @, or a keypad.
    for name, kind in (("contact_name", "text"), ("contact_email", "email"),
                       ("contact_phone", "tel")):
        assert f'type="{kind}"' in inputs[name], inputs[name]


def test_the_eform_asks_what_the_printed_form_asks_in_order(client, invited) -> None:
    draft = _draft(invited[1])
    for section in PRACTICE_FORM.sections:
        page = client.get(f"/feedback/practice/{draft.token}/section/{section.key}")
        text = page.get_data(as_text=True)
        positions = [text.find(f'name="{q.key}"') for q in section.questions]
        assert all(p > 0 for p in positions) and positions == sorted(positions), section.key
        for q in section.questions:
            if q.guidance:
                assert q.guidance.replace("'", "&#39;") in text, q.key
            if q.word_limit and q.kind == "long":
                assert f'data-maxwords="{q.word_limit}"' in text, q.key


def test_word_limits_are_enforced_and_the_text_kept(client, invited) -> None:
    draft = _draft(invited[1])
    limit = PRACTICE_FORM.question("context").word_limit
    too_long = " ".join(["word"] * (limit + 1))
    response = client.post(f"/feedback/practice/{draft.token}/section/practice",
                           data={"context": too_long, "theme": "Neglect"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f"must be {limit} words or fewer (it is {limit + 1} words)" in text
    assert too_long in text and 'value="Neglect"' in text  # nothing typed is lost
    db.session.expire_all()
    assert "context" not in db.session.get(Submission, draft.id).answers
    pasted = "w" * (limit * 30 + 1)  # one "word": within the words, not the characters
    response = client.post(f"/feedback/practice/{draft.token}/section/practice",
                           data={"context": pasted, "theme": "Neglect"})
    assert response.status_code == 422
    assert f"must be {limit * 30:,} characters or fewer" in response.get_data(as_text=True)


def test_choices_and_emails_are_checked(invited) -> None:
    draft = _draft(invited[1])
    with pytest.raises(SectionInvalid) as invalid:
        submissions.save_section(draft, "about", {"region": "atlantis"})
    assert "region" in invalid.value.errors
    with pytest.raises(SectionInvalid) as invalid:
        submissions.save_section(draft, "contact", {"contact_email": "nope"})
    assert "contact_email" in invalid.value.errors
    for phone in ("01422 123456 <b>", "call me", "123", "0113 496 0000 or email"):
        with pytest.raises(SectionInvalid) as invalid:
            submissions.save_section(draft, "contact", {"contact_phone": phone})
        assert invalid.value.errors["contact_phone"].startswith("Enter a telephone number, like")
    for phone in ("0113 496 0000", "+44 (0)113 496-0000", "07700.900.461", "0113 496 0000 ext 12",
                  "01632960001x3"):
        submissions.save_section(draft, "contact", {"contact_phone": phone})


def test_sections_say_what_is_optional_and_a_short_answers_limit(client, invited) -> None:
    draft = _draft(invited[1])
    about = client.get(f"/feedback/practice/{draft.token}/section/about").text
    assert "Partner agencies (optional)" in about
    assert "Title of the practice (optional)" not in about
    assert "Up to 15 words." in about
    contact = client.get(f"/feedback/practice/{draft.token}/section/contact").text
    assert "Telephone (optional)" in contact and "Name (optional)" not in contact


def test_check_page_lists_what_is_missing(client, invited) -> None:
    draft = _draft(invited[1])
    response = client.post(f"/feedback/practice/{draft.token}/check", data={})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Enter what you did" in text and "Enter how you know it made a difference" in text
    assert "Enter the how" not in text and "Enter the what" not in text
    assert "Enter the outcomes you aimed for" in text and "the the" not in text
    assert db.session.get(Submission, draft.id).status == SubmissionStatus.DRAFT


def test_sending_with_gaps_and_unchecked_flags_lists_every_problem_in_page_order(
        client, invited) -> None:
    draft = _draft(invited[1])
    answers = complete_answers(context="Jayden Smith, aged 2, of 14 Elm Road, was referred.")
    for key in ("evidence", "costs", "transferability", "summary"):
        answers[key] = ""
    _fill_all(client, draft, answers)
    response = client.post(f"/feedback/practice/{draft.token}/check", data={"submit": "y"})
    assert response.status_code == 422
    summary = re.search(r'govuk-error-summary.*?</ul>', response.text, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    assert [href for href, _ in links] == [
        "#answer-evidence", "#answer-costs", "#answer-transferability", "#answer-summary",
        "#flags_confirmed"]
    assert links[0][1] == "Enter how you know it made a difference"
    assert "#submit" not in summary
    assert 'id="flags_confirmed-error"' in response.text


# --- submitting -----------------------------------------------------------------------------

def _sent_submission(booking, answers=None):  # noqa: ANN001, ANN202
    draft = _draft(booking)
    for section in PRACTICE_FORM.sections:
        values = {q.key: (answers or complete_answers()).get(q.key) for q in section.questions}
        submissions.save_section(draft, section.key, values)
    return draft, submissions.submit(draft)


def test_submit_gives_a_reference_receipt_with_pdf_and_the_signal(client, invited,
                                                                  mailbox) -> None:
    _, first, _, _ = invited
    draft = _draft(first)
    _fill_all(client, draft, complete_answers())
    received = []
    with signals.submission_received.connected_to(
            lambda sender, **_: received.append(sender.reference)):
        response = client.post(f"/feedback/practice/{draft.token}/check", data={})
    assert response.status_code == 303
    db.session.expire_all()
    sent = db.session.get(Submission, draft.id)
    year = clock.london(clock.now()).year
    assert sent.reference == f"VLP-{year}-{sent.id:04d}" and received == [sent.reference]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submission sent" in page and sent.reference in page
    receipt = mailbox.to(first.email)[-1]
    assert sent.reference in receipt["Subject"]
    pdfs = [p for p in receipt.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    text = "".join(page.extract_text() for page in
                   PdfReader(io.BytesIO(pdfs[0].get_content())).pages)
    assert sent.reference in text and "Chronology clinic for neglect cases" in text
    assert "What you did" in text
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "submitted"))


def test_a_sent_submission_cannot_be_sent_or_changed_again(client, invited) -> None:
    draft, sent = _sent_submission(invited[1])
    with pytest.raises(SubmissionRefused, match="already sent"):
        submissions.submit(sent)
    response = client.post(f"/feedback/practice/{sent.token}/check", data={})
    assert response.status_code == 303  # to the status page, with a message
    response = client.post(f"/feedback/practice/{sent.token}/section/about",
                           data={"title": "Changed after sending"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Submission, sent.id).answers["title"] != "Changed after sending"
    with pytest.raises(SubmissionRefused):
        submissions.save_section(db.session.get(Submission, sent.id), "about", {"title": "x"})


def test_a_stale_second_submit_is_refused(invited) -> None:
    """Two tabs: the other one sent it a moment ago; this one still holds the draft."""
    draft = _draft(invited[1])
    for section in PRACTICE_FORM.sections:
        submissions.save_section(draft, section.key,
                                 {q.key: complete_answers().get(q.key) for q in section.questions})
    assert draft.status == SubmissionStatus.DRAFT  # what this tab still believes
    db.session.execute(update(Submission).where(Submission.id == draft.id)
                       .values(status=SubmissionStatus.SUBMITTED)
                       .execution_options(synchronize_session=False))
    with pytest.raises(SubmissionRefused, match="already been sent"):
        submissions.submit(draft)
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "submitted")) == 0


def test_declarations_must_all_be_ticked(invited) -> None:
    answers = complete_answers(organisation_agrees=False)
    draft = _draft(invited[1])
    for section in PRACTICE_FORM.sections:
        submissions.save_section(draft, section.key,
                                 {q.key: answers.get(q.key) for q in section.questions})
    with pytest.raises(SubmissionRefused) as refused:
        submissions.submit(draft)
    assert refused.value.field == "organisation_agrees"


def test_identifying_text_must_be_fixed_or_confirmed(client, invited) -> None:
    answers = complete_answers(what_you_did="We worked with Mrs Patel and her son, aged 7, "
                                            "at home in NE1 5DH every week.")
    draft = _draft(invited[1])
    _fill_all(client, draft, answers)
    response = client.post(f"/feedback/practice/{draft.token}/check", data={})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "<mark>Mrs Patel</mark>" in text and "<mark>NE1 5DH</mark>" in text
    assert "confirm it does not identify" in text
    assert re.search(r"We found \d+ things that often identify people", text)
    one = complete_answers(what_you_did="We worked with Mrs Patel at home every week.")
    client.post(f"/feedback/practice/{draft.token}/section/practice",
                data=section_post("practice", one))
    text = client.post(f"/feedback/practice/{draft.token}/check", data={}).text
    assert "We found 1 thing that often identifies people" in text
    # Fixing the text clears the flags ...
    fixed = complete_answers(what_you_did="We worked with a mother and her young son at home.")
    client.post(f"/feedback/practice/{draft.token}/section/practice",
                data=section_post("practice", fixed))
    assert client.post(f"/feedback/practice/{draft.token}/check", data={}).status_code == 303


def test_confirmed_flags_travel_with_the_submission(client, invited) -> None:
    answers = complete_answers(impact="Mrs Patel told us the visits helped.")
    draft = _draft(invited[1])
    _fill_all(client, draft, answers)
    response = client.post(f"/feedback/practice/{draft.token}/check",
                           data={"flags_confirmed": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    sent = db.session.get(Submission, draft.id)
    assert sent.flags_confirmed and sent.flags[0]["match"] == "Mrs Patel"
    assert sent.flags[0]["field"] == "impact"


# --- evidence ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "kind"), [
    ("report.pdf", PDF, "PDF"),
    ("chart.png", PNG, "PNG image"),
    ("notes.docx", _docx(), "Word document"),
    ("renamed.txt", PDF, "PDF"),  # judged by content, not by name
])
def test_evidence_types_are_judged_by_content(client, invited, name, data, kind) -> None:
    draft = _draft(invited[1])
    response = client.post(f"/feedback/practice/{draft.token}/evidence",
                           data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    attached = db.session.scalar(select(EvidenceFile))
    assert attached.kind == kind and attached.size == len(data)
    stored = Path(current_app.config["EVIDENCE_FOLDER"]) / attached.stored_name
    assert stored.read_bytes() == data and name not in attached.stored_name
    download = client.get(f"/feedback/practice/{draft.token}/evidence/{attached.id}")
    assert download.data == data and download.headers["Content-Disposition"].startswith(
        "attachment")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("virus.pdf", b"MZ\x90\x00 this is a program", "must be a PDF, Word"),
    ("page.html", b"<html><script>alert(1)</script>", "must be a PDF, Word"),
    ("empty.pdf", b"", "empty"),
    ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
])
def test_bad_evidence_gets_a_clear_message(client, invited, name, data, message) -> None:
    draft = _draft(invited[1])
    response = client.post(f"/feedback/practice/{draft.token}/evidence",
                           data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(EvidenceFile)) is None


def _upload_form(page: str) -> str:
    start = page.index('<form method="post" enctype="multipart/form-data"')
    return page[start:page.index("</form>", start)]


def test_continue_sends_the_file_chosen_with_it(client, invited) -> None:
    # Continue had been a link beside the form: a file chosen and not yet uploaded was lost.
    draft = _draft(invited[1])
    url = f"/feedback/practice/{draft.token}/evidence"
    form = _upload_form(client.get(url).text)
    assert re.search(r'name="go_on" class="govuk-button"[^>]*>\s*Continue\s*<', form)
    response = client.post(url, data={"file": (io.BytesIO(PDF), "audit.pdf"),
                                      "go_on": "y"})
    assert response.status_code == 303
    assert response.location.endswith(f"/feedback/practice/{draft.token}")
    task_list = client.get(response.location).text
    assert "‘audit.pdf’ attached" in task_list and "1 attached" in task_list
    # With nothing chosen, Continue simply goes on; a refused file keeps them on the page.
    response = client.post(url, data={"go_on": "y"})
    assert response.status_code == 303
    assert response.location.endswith(f"/feedback/practice/{draft.token}")
    response = client.post(url, data={"file": (io.BytesIO(b"MZ\x90\x00"), "tool.pdf"),
                                      "go_on": "y"})
    assert response.status_code == 422 and "must be a PDF, Word" in response.text
    assert [f.original_name for f in _draft(invited[1]).files] == ["audit.pdf"]


def test_a_zip_bomb_posing_as_word_is_refused(invited) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (210 * 1024 * 1024))
    with pytest.raises(SubmissionRefused, match="unpacks"):
        submissions.add_evidence(_draft(invited[1]), "bomb.docx", out.getvalue())


def test_at_most_five_files_and_removal(client, invited) -> None:
    draft = _draft(invited[1])
    for n in range(5):
        submissions.add_evidence(draft, f"r{n}.pdf", PDF)
    with pytest.raises(SubmissionRefused, match="up to 5 files"):
        submissions.add_evidence(draft, "sixth.pdf", PDF)
    first = draft.files[0]
    path = Path(current_app.config["EVIDENCE_FOLDER"]) / first.stored_name
    page = client.get(f"/feedback/practice/{draft.token}/evidence").get_data(as_text=True)
    assert "Files attached (5 of 5)" in page and 'enctype="multipart/form-data"' not in page
    assert "the most files a submission can hold" in page
    # Each file has its own Remove button; the first one's form is the one we press.
    removes = re.findall(r'<form method="post" action="([^"]+/remove)"', page)
    assert len(removes) == 5 and f"/evidence/{first.id}/remove" in removes[0]
    response = client.post(removes[0])
    assert response.status_code == 303 and not path.exists()
    db.session.expire_all()
    assert len(db.session.get(Submission, draft.id).files) == 4
    page = client.get(f"/feedback/practice/{draft.token}/evidence").get_data(as_text=True)
    assert "Files attached (4 of 5)" in page and 'enctype="multipart/form-data"' in page
    assert f"{first.original_name} removed" in page  # says which went
    assert f"/evidence/{first.id}/remove" not in page


def test_evidence_is_served_only_to_its_submitter_and_staff(client, invited) -> None:
    draft, sent = None, None
    first_draft = _draft(invited[1])
    attached = submissions.add_evidence(first_draft, "report.pdf", PDF)
    other = _draft(invited[2])
    # Another submitter's link does not reach it; nor does a guess at the file id.
    assert client.get(f"/feedback/practice/{other.token}/evidence/{attached.id}").status_code \
        == 404
    # Staff see it only once the submission is sent.
    staff_url = f"/feedback/submissions/{first_draft.id}/evidence/{attached.id}"
    assert client.get(staff_url).status_code == 302  # to sign in
    login(client, make_staff(Role.SCREENER))
    assert client.get(staff_url).status_code == 404
    for section in PRACTICE_FORM.sections:
        submissions.save_section(first_draft, section.key,
                                 {q.key: complete_answers().get(q.key) for q in section.questions})
    submissions.submit(first_draft)
    assert client.get(staff_url).data == PDF
    assert (draft, sent) == (None, None)


# --- the filled-in fillable PDF ---------------------------------------------------------------

def test_uploaded_fillable_form_becomes_a_draft_to_check(client, invited) -> None:
    _, first, _, _ = invited
    answers = complete_answers(title="Family group conferences at the front door")
    pdf = fill_pdf(fillable_form(first, public_url="http://x"), answers)
    draft = _draft(first)
    response = client.post(f"/feedback/practice/{draft.token}/upload",
                           data={"file": (io.BytesIO(pdf), "practice-form.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/check")
    db.session.expire_all()
    imported = db.session.get(Submission, draft.id)
    assert imported.answers["title"] == "Family group conferences at the front door"
    assert imported.answers["organisation_agrees"] is True
    assert imported.status == SubmissionStatus.DRAFT and imported.source == "upload"
    assert submissions.problems(imported) == {}


def test_a_filled_form_saved_without_its_document_information_is_still_ours(client,
                                                                          invited) -> None:
    _, first, _, _ = invited
    filled = fill_pdf(fillable_form(first, public_url="http://x"),
                      complete_answers(title="Chronology clinic"))
    # As some tools save it: the same fields, written afresh without the information dictionary.
    rewritten = PdfWriter()
    rewritten.append(PdfReader(io.BytesIO(filled)))
    rewritten.set_need_appearances_writer(True)
    out = io.BytesIO()
    rewritten.write(out)
    assert "/WorkshopsForm" not in (PdfReader(io.BytesIO(out.getvalue())).metadata or {})
    draft = _draft(first)
    response = client.post(f"/feedback/practice/{draft.token}/upload",
                           data={"file": (io.BytesIO(out.getvalue()), "practice-form.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.text[:3000]
    db.session.expire_all()
    assert db.session.get(Submission, draft.id).answers["title"] == "Chronology clinic"


def test_another_delegates_form_is_refused(client, invited) -> None:
    _, first, second, _ = invited
    pdf = fill_pdf(fillable_form(second, public_url="http://x"), complete_answers())
    draft = _draft(first)
    response = client.post(f"/feedback/practice/{draft.token}/upload",
                           data={"file": (io.BytesIO(pdf), "form.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f"another booking ({second.reference})" in text
    db.session.expire_all()
    assert "what_you_did" not in db.session.get(Submission, draft.id).answers


@pytest.mark.parametrize(("data", "message"), [
    (HTML(string="<p>A council's leaflet</p>").write_pdf(), "not the practice submission form"),
    (PDF, "damaged"),
    (b"%PDF-1.7\n garbage garbage", "damaged"),
    (b"", "The selected file is empty"),
    (b"PK\x03\x04 a zip", "not a PDF"),
])
def test_wrong_or_damaged_pdfs_get_a_clear_message(client, invited, data, message) -> None:
    draft = _draft(invited[1])
    response = client.post(f"/feedback/practice/{draft.token}/upload",
                           data={"file": (io.BytesIO(data), "form.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


# --- staff: reading and exports ---------------------------------------------------------------

def test_staff_read_and_export_submissions(client, invited) -> None:
    _, sent = _sent_submission(invited[1], complete_answers(title="=HYPERLINK(\"http://x\")"))
    _draft(invited[2])  # a draft is never shown to staff
    assert client.get("/feedback/submissions").status_code == 302
    login(client, make_staff(Role.ORGANISER))
    listing = client.get("/feedback/submissions").get_data(as_text=True)
    assert sent.reference in listing and "1 received" in listing
    page = client.get(f"/feedback/submissions/{sent.id}").get_data(as_text=True)
    assert "What you did" in page
    exported = client.get("/feedback/submissions.json").get_json()
    assert [s["reference"] for s in exported["submissions"]] == [sent.reference]
    assert exported["submissions"][0]["answers"]["title"] == '=HYPERLINK("http://x")'
    csv_text = client.get("/feedback/submissions.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and sent.reference in csv_text
    # Every submitter's contact details left the service twice: both are in the audit log.
    assert db.session.scalars(select(AuditEntry.details["format"].as_string()).where(
        AuditEntry.action == "exported practice submissions")).all() == ["json", "csv"]


def test_delegates_and_other_staff_cannot_read_submissions(client, invited) -> None:
    _, sent = _sent_submission(invited[1])
    login(client, make_staff(Role.PANEL_CHAIR, "chair@example.org"))
    assert client.get(f"/feedback/submissions/{sent.id}").status_code == 200
    client.get("/staff/logout")
    # A panel member reads only the cases assigned to them, in validation: not this list.
    login(client, make_staff(Role.PANEL_MEMBER, "panel@example.org"))
    for url in ("/feedback/submissions", f"/feedback/submissions/{sent.id}",
                "/feedback/submissions.csv", "/feedback/submissions.json"):
        assert client.get(url).status_code == 403, url
    client.get("/staff/logout")
    for url in ("/feedback/submissions", f"/feedback/submissions/{sent.id}",
                "/feedback/submissions.csv", "/feedback/submissions.json"):
        assert client.get(url).status_code == 302, url
