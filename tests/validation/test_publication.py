"""Preparing validated practice for the library: copy-editing, the redaction helper, the
submitter's approval by emailed link (and the change-request loop), publishing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import Mailbox, login
from tests.validation.support import FLAGGED_TEXT, case_in
from tests.validation.test_panel import (
    as_,
    mail_to,
    panel_case,
    person,
    score,
    seed_rubric,
    signed_in,
    text,
)
from validation import library, panel, publication
from validation.models import Case, CaseState, Level, Publication, PublicationStatus
from validation.publication import PUBLIC_TEXT, CaseRefused
from workshops.extensions import db
from workshops.models import AuditEntry, Role, User

APPROVAL = "Please approve the wording"


@pytest.fixture()
def chair(app) -> User:
    seed_rubric()
    return person(Role.PANEL_CHAIR, "Carol Chair")


@pytest.fixture()
def editor(app) -> User:
    return person(Role.SCREENER, "Sam Screener", None)


def validated(chair: User, **answers: object) -> Publication:
    """A case two members scored and the chair validated: its publication, in EDITING."""
    case = panel_case(**answers)
    first = person(Role.PANEL_MEMBER, "Ann Expert", "NSPCC")
    second = person(Role.PANEL_MEMBER, "Bob Expert", "Barnardo's")
    panel.assign(case, [first.id, second.id], actor=chair)
    db.session.commit()
    score(case, first, evidence=3, level=Level.VALIDATED)
    score(case, second, level=Level.VALIDATED)
    panel.decide(case, level=Level.VALIDATED, rationale="Clear outcomes.",
                 feedback="Well done.", actor=chair)
    db.session.commit()
    return publication.publication_for(case)


def form_of(found: Publication, **changes: str) -> dict[str, str]:
    data = {name: getattr(found, name) or "" for name, *_ in PUBLIC_TEXT}
    data.update(changes)
    return data


def approval_path(mailbox: Mailbox, to: str) -> str:
    message = mail_to(mailbox, to, APPROVAL)[-1]
    found = re.search(r"Read and approve the wording: https?://[^/\s]+(/\S+)",
                      message.get_body(("plain",)).get_content())
    assert found, message.get_body(("plain",)).get_content()
    return found.group(1)


def audit_actions(found: Publication) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "validation_publication", AuditEntry.entity_id == found.id)
        .order_by(AuditEntry.id)))


# --- copy-editing ---------------------------------------------------------------------------

def test_the_redact_helper_shows_flagged_text_until_it_is_edited_out(app, chair, editor) -> None:
    found = validated(chair, flagged=True)
    assert found.what_you_did == FLAGGED_TEXT and found.case.flags
    client = signed_in(app, editor)
    url = f"/validation/publications/{found.id}"
    page = text(as_(client).get(url))
    assert 'id="leftovers"' in page and "<mark>Mrs Patel</mark>" in page
    assert "Still in: What they did" in page
    response = as_(client).post(url, data=form_of(
        found, what_you_did=FLAGGED_TEXT.replace("Mrs Patel", "the health visitor")
        .replace(", the health visitor,", "")))
    assert response.status_code == 303
    page = text(as_(client).get(url))
    assert 'id="leftovers"' not in page and "The check finds nothing" in page
    assert "publication edited" in audit_actions(found)


def test_identifying_text_written_while_editing_is_caught_before_it_is_sent(app, chair,
                                                                           editor) -> None:
    """The submission's flags are of the text as sent; an editor's new words are checked
    too, or a name typed in while copy-editing would reach the submitter's approval unseen."""
    found = validated(chair)
    assert not publication.leftovers(found)
    client = as_(signed_in(app, editor))
    url = f"/validation/publications/{found.id}"
    added = f"{found.what_you_did} One mother, Mrs Jenkins of 14 Hill Road, said it helped."
    assert client.post(url, data=form_of(found, what_you_did=added)).status_code == 303
    page = text(client.get(url))
    assert "<mark>Mrs Jenkins</mark>" in page and "<mark>14 Hill Road</mark>" in page
    refused = client.post(f"{url}/send", data={})
    assert refused.status_code == 422
    assert "Confirm you have checked the highlighted text" in text(refused)
    db.session.expire_all()
    assert db.session.get(Publication, found.id).status == PublicationStatus.EDITING


@pytest.mark.parametrize(("changes", "messages"), [
    ({"summary": "word " * 151, "impact": " "},
     {"summary": "Summary must be 150 words or fewer (it is 151 words)",
      "impact": "Enter the impact it made"}),
    # One very long "word": within the word limit, past the column. PostgreSQL refused it on
    # saving (a 500); SQLite kept it.
    ({"title": "x" * 301, "organisation": "y" * 5000},
     {"title": "Title must be 300 characters or fewer",
      "organisation": "Organisation must be 300 characters or fewer"}),
    # The long fields have no column length: their word limit bounds the characters.
    ({"summary": "s" * 4_501}, {"summary": "Summary must be 4,500 characters or fewer"}),
])
def test_limits_and_required_fields_are_checked_beside_each_field(app, chair, editor, changes,
                                                                  messages) -> None:
    found = validated(chair)
    saved = {name: getattr(found, name) for name in changes}
    response = as_(signed_in(app, editor)).post(f"/validation/publications/{found.id}",
                                                data=form_of(found, **changes))
    assert response.status_code == 422
    body = text(response)
    for name, message in messages.items():
        assert message in body and f'href="#{name}"' in body
    db.session.expire_all()
    stored = db.session.get(Publication, found.id)
    assert {name: getattr(stored, name) for name in changes} == saved


def test_after_a_refusal_the_word_counts_are_of_the_editors_text(app, chair, editor) -> None:
    found = validated(chair)
    response = as_(signed_in(app, editor)).post(f"/validation/publications/{found.id}",
                                                data=form_of(found, title="word " * 16,
                                                             impact=" "))
    assert response.status_code == 422
    assert "Up to 15 words (it has 16)." in text(response)


def test_a_topic_takes_the_spelling_already_in_use(app, chair, editor) -> None:
    first, second = validated(chair), validated(chair)
    publication.edit(first, form_of(first, topic="Neglect"), actor=editor)
    db.session.commit()
    client = signed_in(app, editor)
    page = text(as_(client).get(f"/validation/publications/{second.id}"))
    assert "In use already: Neglect." in page
    as_(client).post(f"/validation/publications/{second.id}",
                     data=form_of(second, topic="  neglect "))
    db.session.expire_all()
    assert db.session.get(Publication, second.id).topic == "Neglect"
    publication.edit(first, form_of(first, topic="Early  help"), actor=editor)
    assert first.topic == "Early help"


def test_a_theme_takes_the_spelling_of_its_page_so_one_edit_cannot_rename_it(
        app, chair, editor) -> None:
    first, second = validated(chair), validated(chair)
    spelt = first.theme_name
    assert spelt != spelt.lower() and second.theme_slug == first.theme_slug
    publication.edit(second, form_of(second, theme_name=f" {spelt.lower()} "), actor=editor)
    assert second.theme_name == spelt and second.theme_slug == first.theme_slug
    publication.edit(second, form_of(second, theme_name="Early  help"), actor=editor)
    assert (second.theme_name, second.theme_slug) == ("Early help", "early-help")


def test_the_contacts_own_details_are_never_sent_for_approval(app, chair, editor) -> None:
    found = validated(chair)
    answers = found.case.answers
    address, phone = answers["contact_email"], "0113 496 0000"
    answers = {**answers, "contact_phone": phone}
    found.case.answers = answers
    publication.edit(found, form_of(found, contact_route=f"Email {address}",
                                    summary=f"{found.summary} Ring {phone}."), actor=editor)
    db.session.commit()
    with pytest.raises(CaseRefused, match="Remove the contact's email address .* and the "
                                          "contact's telephone number .*they are never published"):
        publication.send_for_approval(found, actor=editor, flags_checked=True)
    # The page says so before anyone ticks anything, naming both, with no form to send.
    page = text(as_(signed_in(app, editor)).get(f"/validation/publications/{found.id}/send"))
    assert 'id="personal"' in page and address in page and phone in page
    assert 'name="flags_checked"' not in page and "Finish editing" in page


def test_edits_not_yet_saved_are_saved_on_the_way_to_sending(app, chair, editor) -> None:
    found = validated(chair)
    client = signed_in(app, editor)
    response = as_(client).post(f"/validation/publications/{found.id}", data={
        **form_of(found, title="Chronology clinics for neglect"), "send": "y"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/validation/publications/{found.id}/send")
    db.session.expire_all()
    assert db.session.get(Publication, found.id).title == "Chronology clinics for neglect"
    refused = as_(client).post(f"/validation/publications/{found.id}", data={
        **form_of(found, impact=" "), "send": "y"})
    assert refused.status_code == 422 and "Enter the impact it made" in text(refused)


def test_flags_left_in_the_text_must_be_confirmed_before_sending(app, chair, editor,
                                                                 mailbox: Mailbox) -> None:
    found = validated(chair, flagged=True)
    client = signed_in(app, editor)
    url = f"/validation/publications/{found.id}/send"
    page = text(as_(client).get(url))
    assert "Mrs Patel" in page and "I have checked the highlighted text" in page
    refused = as_(client).post(url, data={})
    assert refused.status_code == 422
    assert "Confirm you have checked the highlighted text" in text(refused)
    assert as_(client).post(url, data={"flags_checked": "y"}).status_code == 303
    assert mail_to(mailbox, found.case.submitter_email, APPROVAL)


def test_only_screeners_and_the_chair_edit(app, chair) -> None:
    found = validated(chair)
    member = person(Role.PANEL_MEMBER, "Mo Member")
    with pytest.raises(CaseRefused, match="Only screeners and the panel chair"):
        publication.edit(found, form_of(found), actor=member)


# --- the submitter's approval ---------------------------------------------------------------

def test_the_submitter_asks_for_a_change_then_approves_and_it_is_published(
        app, chair, editor, mailbox: Mailbox) -> None:
    found = validated(chair)
    case_id, submitter = found.case_id, found.case.submitter_email
    staff = signed_in(app, editor)
    as_(staff).post(f"/validation/publications/{found.id}", data=form_of(
        found, title="Chronology clinics for neglect", topic="neglect"))
    assert as_(staff).post(f"/validation/publications/{found.id}/send").status_code == 303
    db.session.expire_all()
    assert db.session.get(Publication, found.id).status == PublicationStatus.AWAITING_APPROVAL
    path = approval_path(mailbox, submitter)
    assert path == f"/validation/approve/{found.case.token}"
    waiting = text(app.test_client().get(f"/validation/respond/{found.case.token}"))
    assert 'id="approve-link"' in waiting and f'href="{path}"' in waiting
    # While the submitter reads it, the wording does not change under them.
    with pytest.raises(CaseRefused, match="The submitter is reading this wording"):
        publication.edit(db.session.get(Publication, found.id), form_of(found), actor=editor)
    db.session.rollback()

    visitor = app.test_client()  # the submitter: no account, only the link
    page = as_(visitor).get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "Chronology clinics for neglect" in text(page) and "Validated" in text(page)
    no_comment = as_(visitor).post(path, data={"change": "y", "comment": " "})
    assert no_comment.status_code == 422
    assert "Say what you would like us to change" in text(no_comment)
    assert 'href="#comment"' in text(no_comment)
    asked = as_(visitor).post(path, data={"change": "y",
                                          "comment": "Please call it a multi-agency clinic."})
    assert asked.status_code == 303
    assert "We are making the changes you asked for" in text(as_(visitor).get(path))
    db.session.expire_all()
    assert db.session.get(Publication, found.id).status == PublicationStatus.EDITING

    # The editor who sent it is told, and the list says a change is asked for.
    [told] = mail_to(mailbox, editor.email, f"{found.case.reference}: the submitter asked")
    body = told.get_body(("plain",)).get_content()
    assert "Please call it a multi-agency clinic." in body
    assert f"/validation/publications/{found.id}" in body
    listed = text(as_(staff).get("/validation/publications"))
    assert "Change asked for" in listed
    # Staff see the request, make the change and send it again.
    page = text(as_(staff).get(f"/validation/publications/{found.id}"))
    assert 'id="change-request"' in page and "Please call it a multi-agency clinic." in page
    found = db.session.get(Publication, found.id)
    as_(staff).post(f"/validation/publications/{found.id}", data=form_of(
        found, title="Multi-agency chronology clinics for neglect"))
    mailbox.clear()
    assert as_(staff).post(f"/validation/publications/{found.id}/send").status_code == 303
    page = text(as_(staff).get(f"/validation/publications/{found.id}"))
    assert 'id="change-request"' not in page and "Earlier change requests" in page

    approved = as_(visitor).post(approval_path(mailbox, submitter), data={"approve": "y"})
    assert approved.status_code == 303
    assert "Your practice is published" in text(as_(visitor).get(path))
    db.session.expire_all()
    found = db.session.get(Publication, found.id)
    assert found.status == PublicationStatus.PUBLISHED and found.approved_at and found.published_at
    assert db.session.get(Case, case_id).state == CaseState.PUBLISHED
    assert library.example(found.theme_slug, found.slug).id == found.id
    assert found.slug.startswith("multi-agency-chronology-clinics-for-neglect-")
    public = app.test_client().get(f"/practice/{found.theme_slug}/{found.slug}")
    assert public.status_code == 200 and "Multi-agency chronology clinics" in text(public)
    # The submitter's own status page leads to it.
    status = text(as_(visitor).get(f"/validation/respond/{found.case.token}"))
    assert 'id="published-link"' in status
    assert f'href="/practice/{found.theme_slug}/{found.slug}"' in status
    assert audit_actions(found) == [
        "publication started", "publication edited", "publication sent for approval",
        "publication change requested", "publication edited", "publication sent for approval",
        "publication approved", "publish"]
    # Approving twice changes nothing.
    again = as_(visitor).post(path, data={"approve": "y"})
    assert again.status_code == 200 and "Your practice is published" in text(again)


def test_an_approval_link_opens_only_its_own_cases_publication(app, chair) -> None:
    found = validated(chair)
    other = case_in(CaseState.WITH_PANEL)  # no publication: its link approves nothing
    visitor = app.test_client()
    assert visitor.get(f"/validation/approve/{other.token}").status_code == 404
    assert visitor.post(f"/validation/approve/{other.token}",
                        data={"approve": "y"}).status_code == 404
    assert visitor.get("/validation/approve/not-a-token").status_code == 404
    db.session.expire_all()
    assert db.session.get(Publication, found.id).status == PublicationStatus.EDITING


def test_a_link_before_the_text_is_sent_approves_nothing(app, chair) -> None:
    found = validated(chair)
    visitor = app.test_client()
    response = visitor.post(f"/validation/approve/{found.case.token}", data={"approve": "y"})
    assert response.status_code == 200 and "Approve the wording" not in text(response)
    db.session.expire_all()
    assert db.session.get(Publication, found.id).status == PublicationStatus.EDITING
    with pytest.raises(CaseRefused):
        publication.approve(db.session.get(Publication, found.id))


# --- who may open each page -----------------------------------------------------------------

STAFF_PAGES = ("/validation/publications", "/validation/publications/{id}",
               "/validation/publications/{id}/send")


@pytest.mark.parametrize(("who", "allowed"), [
    ("anonymous", False), ("organiser", False), ("panel-member", False), ("screener", True),
    ("panel-chair", True), ("admin", True)])
def test_publication_pages_are_for_screeners_and_the_chair(app, client, chair, who: str,
                                                           allowed: bool) -> None:
    found = validated(chair)
    if who != "anonymous":
        login(as_(client), person(Role(who), f"Visitor {who}", None))
    for path in STAFF_PAGES:
        url = path.format(id=found.id)
        response = as_(client).get(url)
        if allowed:
            assert response.status_code == 200, url
        elif who == "anonymous":
            assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, url
    assert as_(client).post(f"/validation/publications/{found.id}/send").status_code in \
        ((303,) if allowed else (302, 403))
    assert as_(client).get("/validation/publications/999999").status_code == \
        (404 if allowed else 302 if who == "anonymous" else 403)


@pytest.mark.parametrize(("title", "expected"), [
    ("The Graded Care Profile: assessing neglect across universal and specialist services "
     "in three local authorities",
     "the-graded-care-profile-assessing-neglect-across-universal-and-specialist-7"),
    ("Family group conferences", "family-group-conferences-7"),
    ("x" * 150, "x" * 80 + "-7"),
    ("!!!", "practice-7"),
])
def test_a_practice_address_ends_at_a_word(title: str, expected: str) -> None:
    assert publication.slug_for(title, 7) == expected
