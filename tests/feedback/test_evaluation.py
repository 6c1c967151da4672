"""The evaluation of the day: the attendee's one evaluation, and the results organisers read."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from feedback import evaluations
from feedback.evaluations import EvaluationInvalid, EvaluationRefused
from feedback.models import Evaluation, Invitation
from tests.conftest import login, make_staff, make_workshop
from tests.feedback.support import attended, finish
from workshops import booking
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, Role, Workshop
from workshops.practice_form import EVALUATION_FORM, RATING_SCALE, Kind

RATINGS = [q for q in EVALUATION_FORM.questions() if q.kind == Kind.RATING]
WRITTEN = [q for q in EVALUATION_FORM.questions() if q.kind == Kind.LONG]


def _invite(workshop: Workshop, n: int) -> Invitation:
    """A delegate booked through the domain, then invited as the plugin does after the day."""
    made = booking.book(workshop.id, booking.Delegate(
        name=f"Delegate Number{n}", email=f"d{n}@example.org", organisation=f"Council {n}"))
    invitation = Invitation(booking_id=made.id, workshop_id=workshop.id)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def answers(**overrides: Any) -> dict[str, Any]:
    """A whole evaluation as the form posts it: every rating given, every comment written."""
    values: dict[str, Any] = {q.key: "4" for q in RATINGS}
    values.update({q.key: f"{q.label} - a thoughtful answer." for q in WRITTEN})
    values.update(overrides)
    return values


@pytest.fixture()
def workshop(app) -> Workshop:
    return make_workshop()


@pytest.fixture()
def invitation(workshop: Workshop) -> Invitation:
    return _invite(workshop, 1)


@pytest.fixture()
def organiser(app):  # noqa: ANN201
    return make_staff(Role.ORGANISER)


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# --- recording --------------------------------------------------------------------------------

def test_a_valid_evaluation_is_stored_with_numbers_and_an_anonymous_audit_entry(invitation):
    stored = evaluations.record_evaluation(invitation, answers(content="5", venue="1",
                                                               unexpected="dropped"))
    db.session.expire_all()
    found = db.session.get(Evaluation, stored.id)
    assert found.booking_id == invitation.booking_id
    assert found.workshop_id == invitation.workshop_id
    assert found.answers["content"] == 5 and found.answers["venue"] == 1
    assert found.answers["comments"] == "Any other comments - a thoughtful answer."
    assert set(found.answers) == set(EVALUATION_FORM.keys), "only the definition's keys"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "evaluation"))
    assert entry.action == "evaluation sent" and entry.entity_id == found.id
    assert entry.actor_label == "delegate", "organisers read the log: no address in it"


def test_optional_comments_may_be_left_empty(invitation):
    stored = evaluations.record_evaluation(invitation, answers(**{q.key: "  " for q in WRITTEN}))
    assert all(stored.answers[q.key] == "" for q in WRITTEN)


@pytest.mark.parametrize("question", RATINGS, ids=lambda q: q.key)
def test_each_missing_rating_is_refused_with_a_message_naming_it(invitation, question):
    with pytest.raises(EvaluationInvalid) as refused:
        evaluations.record_evaluation(invitation, answers(**{question.key: ""}))
    assert list(refused.value.errors) == [question.key]
    assert refused.value.errors[question.key] == \
        f"Select a rating for {question.label[0].lower()}{question.label[1:]}"
    assert db.session.scalar(select(func.count(Evaluation.id))) == 0


@pytest.mark.parametrize("value", ["0", "6", "-1", "4.5", "excellent", 7])
def test_a_rating_off_the_scale_is_refused(invitation, value):
    with pytest.raises(EvaluationInvalid) as refused:
        evaluations.record_evaluation(invitation, answers(presenters=value))
    assert refused.value.errors == {
        "presenters": "Select a rating from 1 (poor) to 5 (excellent) for presenters"}


def test_every_point_of_the_scale_is_accepted(workshop):
    for n, (value, _) in enumerate(RATING_SCALE, start=1):
        stored = evaluations.record_evaluation(_invite(workshop, n), answers(content=value))
        assert stored.answers["content"] == int(value)


def test_comments_are_held_to_their_word_limit(invitation):
    question = WRITTEN[0]
    limit = question.word_limit
    with pytest.raises(EvaluationInvalid) as refused:
        evaluations.record_evaluation(invitation,
                                      answers(**{question.key: "word " * (limit + 1)}))
    assert refused.value.errors == {question.key: (
        f"Your answer to ‘{question.label}’ must be {limit} words or fewer "
        f"(it is {limit + 1} words)")}
    stored = evaluations.record_evaluation(invitation, answers(**{question.key: "word " * limit}))
    assert stored.answers[question.key] == " ".join(["word"] * limit)


def test_a_second_evaluation_is_refused_and_the_first_kept(invitation):
    first = evaluations.record_evaluation(invitation, answers(content="5"))
    with pytest.raises(EvaluationRefused, match="already sent your evaluation"):
        evaluations.record_evaluation(invitation, answers(content="1"))
    db.session.expire_all()
    assert db.session.scalars(select(Evaluation)).all() == [db.session.get(Evaluation, first.id)]
    assert db.session.get(Evaluation, first.id).answers["content"] == 5


def test_two_copies_sent_at_once_make_one_evaluation(app, invitation, monkeypatch):
    """Both copies find no evaluation and go on to insert: the unique constraint decides."""
    invitation_id = invitation.id
    both_checked = threading.Barrier(2, timeout=10)
    check = evaluations._existing

    def check_then_wait(booking_id: int):  # noqa: ANN202
        found = check(booking_id)
        if found is None and threading.current_thread().name.startswith("copy"):
            both_checked.wait()  # neither inserts until both have seen there is nothing yet
        return found

    monkeypatch.setattr(evaluations, "_existing", check_then_wait)
    outcomes: dict[str, str] = {}

    def send(name: str, rating: str) -> None:
        with app.app_context():
            try:
                evaluations.record_evaluation(db.session.get(Invitation, invitation_id),
                                              answers(content=rating))
                outcomes[name] = "stored"
            except EvaluationRefused as refusal:
                outcomes[name] = refusal.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(f"copy{n}", str(n)), name=f"copy{n}")
               for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == [evaluations.ALREADY_SENT, "stored"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Evaluation.id))) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.entity == "evaluation")) == 1


# --- results ----------------------------------------------------------------------------------

def test_results_count_each_point_of_the_scale_the_mean_the_rate_and_the_comments(workshop):
    invited = [_invite(workshop, n) for n in range(1, 6)]  # five invited, three answer
    for invitation, content, comment in zip(invited, ["5", "4", "4"],
                                            ["Loved it", "", "=cmd|' /C calc'!A0"],
                                            strict=False):
        evaluations.record_evaluation(invitation, answers(content=content, comments=comment))
    other = make_workshop(series=workshop.series, region="london")
    evaluations.record_evaluation(_invite(other, 9), answers(content="1"))  # not counted

    found = evaluations.results([workshop.id])
    assert (found.responses.evaluations, found.responses.asked) == (3, 5)
    assert found.responses.rate == pytest.approx(0.6)
    content = next(r for r in found.ratings if r.question.key == "content")
    assert content.counts == (0, 0, 0, 2, 1)
    assert content.mean == pytest.approx(13 / 3)
    assert content.rows[3] == ("4 – Very good", 2)
    assert [r.question.key for r in found.ratings] == [q.key for q in RATINGS]
    comments = next(c for c in found.comments if c.question.key == "comments")
    assert [c.text for c in comments.comments] == ["Loved it", "=cmd|' /C calc'!A0"]

    both = evaluations.results([workshop.id, other.id])
    assert (both.responses.evaluations, both.responses.asked) == (4, 6)
    assert next(r for r in both.ratings if r.question.key == "content").counts == (1, 0, 0, 2, 1)
    assert both.by_workshop[other.id].evaluations == 1


def test_without_invitations_the_rate_is_out_of_the_attendees(workshop):
    """A workshop finished before the plugin was enabled invited no one: its attendees were the
    people who could have answered (checked in, or all confirmed if no one was checked in)."""
    made = [booking.book(workshop.id, booking.Delegate(name=f"D {n}", email=f"a{n}@example.org",
                                                       organisation="Council"))
            for n in range(4)]
    db.session.add(Evaluation(booking_id=made[0].id, workshop_id=workshop.id,
                              answers=answers(content=3)))
    db.session.commit()
    assert evaluations.results([workshop.id]).responses.asked == 4
    made[1].checked_in_at = made[2].checked_in_at = made[1].created_at
    db.session.commit()
    found = evaluations.results([workshop.id])
    assert (found.responses.evaluations, found.responses.asked) == (1, 2)


def test_results_of_nothing(app):
    found = evaluations.results([])
    assert not found.any and found.responses.rate is None
    assert all(r.mean is None and r.answered == 0 for r in found.ratings)


def _many(workshop: Workshop, count: int) -> None:
    """`count` attendees, each invited and each with an evaluation; rows made directly, fast."""
    made = [Booking(workshop_id=workshop.id, status="confirmed", name=f"Many {n}",
                    email=f"many{n}@example.org", email_key=f"many{n}@example.org",
                    organisation="Council") for n in range(count)]
    db.session.add_all(made)
    db.session.flush()
    db.session.add_all([Invitation(booking_id=b.id, workshop_id=workshop.id) for b in made])
    db.session.add_all([Evaluation(booking_id=b.id, workshop_id=workshop.id,
                                   answers=evaluations.check_answers(
                                       answers(content=str(n % 5 + 1)))[0])
                        for n, b in enumerate(made)])
    db.session.commit()


def _statements_for(client: FlaskClient, paths: list[str]) -> list[int]:
    counts = []
    for path in paths:
        db.session.expire_all()
        with counting_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(len(statements))
    return counts


def test_results_pages_and_downloads_cost_the_same_queries_for_3_and_300_evaluations(
        client, organiser):
    login(client, organiser)
    few, many = make_workshop(capacity=400), make_workshop(capacity=400)
    _many(few, 3)
    _many(many, 300)
    few_series, many_series, many_id = few.series_id, many.series_id, many.id

    def paths(workshop_id: int, series_id: int) -> list[str]:
        return [f"/feedback/workshops/{workshop_id}/evaluations",
                f"/feedback/series/{series_id}/evaluations",
                f"/feedback/workshops/{workshop_id}/evaluations.csv",
                f"/feedback/series/{series_id}/evaluations.xlsx"]

    with_few = _statements_for(client, paths(few.id, few_series))
    with_many = _statements_for(client, paths(many.id, many_series))
    assert with_few == with_many
    assert max(with_few) <= 12
    with counting_statements() as statements:
        assert evaluations.results([many_id]).responses.evaluations == 300
    assert len(statements) == 3


# --- the attendee's pages ---------------------------------------------------------------------

def _form(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def test_the_form_is_made_from_the_definition(client, invitation):
    page = client.get(f"/feedback/invitation/{invitation.token}/evaluation")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    for question in RATINGS:
        assert ('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">\n'
                f"      {question.label}\n") in html
        assert f'id="{question.key}" name="{question.key}" type="radio" value="1"' in html
        for value, label in RATING_SCALE:
            assert f'name="{question.key}" type="radio" value="{value}"' in html
            assert f"{value} – {label}" in html
    for question in WRITTEN:
        assert f'data-maxwords="{question.word_limit}"' in html
        assert f'<textarea class="govuk-textarea govuk-js-character-count" id="{question.key}"' \
               in html
    assert html.count("govuk-radios--inline") == len(RATINGS)


def test_the_booking_page_asks_an_attendee_to_evaluate_the_day_until_they_have(client, app):
    # It had been reachable from the booking page only behind "Share your practice…".
    workshop = make_workshop()
    came = attended(workshop, 1)
    url = f"/booking/{came.token}"
    assert "Tell us what you thought of the day" not in client.get(url).text  # not yet held
    (invited,) = finish(workshop)
    page = client.get(url).text
    link = (f'<a class="govuk-link" href="/feedback/invitation/{invited.token}/evaluation">'
            "Tell us what you thought of the day</a>")
    assert link in page and page.index(link) < page.index("Share your practice online")
    client.post(f"/feedback/invitation/{invited.token}/evaluation", data=answers())
    page = client.get(url).text
    assert "Tell us what you thought of the day" not in page
    assert "Share your practice online" in page


def test_sending_the_evaluation_then_opening_the_link_again(client, invitation):
    url = f"/feedback/invitation/{invitation.token}/evaluation"
    sent = client.post(url, data=answers(content="5", comments="Brilliant <b>day</b>"))
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"{url}/sent")
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "govuk-panel--confirmation" in confirmation and "Evaluation sent" in confirmation

    again = client.get(url)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "You have already sent your evaluation" in html
    assert "<form" not in html.split('id="main-content"')[1], "no form, only what they said"
    assert "5 – Excellent" in html and "4 – Very good" in html
    assert "Brilliant &lt;b&gt;day&lt;/b&gt;" in html

    resent = client.post(url, data=answers(content="1"))
    assert resent.status_code == 200 and "You have already sent your evaluation" \
        in resent.get_data(as_text=True)
    assert 'id="not-saved"' in resent.text and 'id="not-saved"' not in html
    assert db.session.scalar(select(func.count(Evaluation.id))) == 1


def test_errors_are_summarised_and_shown_beside_each_field_keeping_what_was_typed(
        client, invitation):
    url = f"/feedback/invitation/{invitation.token}/evaluation"
    typed = answers(content=None, venue="9", presenters="2",
                    could_be_better="More time for questions " + "please " * 200)
    page = client.post(url, data=_form(typed))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#content">Select a rating for content</a>' in html
    assert '<a href="#venue">Select a rating from 1 (poor) to 5 (excellent) for venue</a>' in html
    assert '<a href="#could_be_better">Your answer to ‘What could have been better?’' in html
    assert 'id="content-error"' in html and 'id="venue-error"' in html
    assert 'id="could_be_better-error"' in html
    assert 'name="presenters" type="radio" value="2" checked' in html
    assert "More time for questions please" in html
    assert db.session.scalar(select(func.count(Evaluation.id))) == 0


def test_the_sent_page_before_sending_leads_to_the_form(client, invitation):
    url = f"/feedback/invitation/{invitation.token}/evaluation"
    response = client.get(f"{url}/sent")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)


@pytest.mark.parametrize("method, path", [
    ("get", "/feedback/invitation/not-a-real-token/evaluation"),
    ("post", "/feedback/invitation/not-a-real-token/evaluation"),
    ("get", "/feedback/invitation/not-a-real-token/evaluation/sent"),
])
def test_a_token_of_nobody_is_not_found(client, method, path):
    response = getattr(client, method)(path, data=answers())
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# --- the organisers' pages --------------------------------------------------------------------

RESULTS = [
    "/feedback/workshops/{workshop}/evaluations",
    "/feedback/series/{series}/evaluations",
    "/feedback/workshops/{workshop}/evaluations.csv",
    "/feedback/workshops/{workshop}/evaluations.xlsx",
    "/feedback/series/{series}/evaluations.csv",
    "/feedback/series/{series}/evaluations.xlsx",
]


def _path(template: str, workshop: Workshop) -> str:
    return template.format(workshop=workshop.id, series=workshop.series_id)


@pytest.mark.parametrize("path", RESULTS)
def test_results_need_a_signed_in_organiser(client, invitation, workshop, path):
    url = _path(path, workshop)
    # Holding a delegate's personal link is no permission to read everyone's answers.
    assert client.get(f"/feedback/invitation/{invitation.token}/evaluation").status_code == 200
    response = client.get(url)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("path", RESULTS)
@pytest.mark.parametrize("role", [Role.SCREENER, Role.PANEL_MEMBER, Role.PANEL_CHAIR])
def test_results_are_forbidden_to_staff_who_do_not_organise(client, workshop, path, role):
    login(client, make_staff(role))
    assert client.get(_path(path, workshop)).status_code == 403


@pytest.mark.parametrize("path", RESULTS)
@pytest.mark.parametrize("role", [Role.ORGANISER, Role.ADMIN])
def test_results_are_open_to_organisers_and_admins(client, workshop, path, role):
    login(client, make_staff(role))
    assert client.get(_path(path, workshop)).status_code == 200


@pytest.mark.parametrize("path", ["/feedback/workshops/999999/evaluations",
                                  "/feedback/series/999999/evaluations",
                                  "/feedback/workshops/999999/evaluations.csv",
                                  "/feedback/series/999999/evaluations.xlsx"])
def test_results_of_something_that_does_not_exist(client, organiser, path):
    login(client, organiser)
    assert client.get(path).status_code == 404


def test_the_results_page_shows_rate_charts_means_and_escaped_comments(client, organiser,
                                                                        workshop):
    first, second, _ = (_invite(workshop, n) for n in (1, 2, 3))
    evaluations.record_evaluation(first, answers(content="5",
                                                 comments="<script>alert(1)</script>"))
    evaluations.record_evaluation(second, answers(content="2", comments=""))
    login(client, organiser)
    html = client.get(f"/feedback/workshops/{workshop.id}/evaluations").get_data(as_text=True)
    assert "67%</span>\n  of delegates evaluated the day: 2 of 3." in html
    for question in RATINGS:
        assert f'id="rating-{question.key}"' in html, "a chart for every rating"
    assert "Mean rating <strong>3.5 out of 5</strong>, from 2 answers" in html
    assert "2 – Fair" in html and "5 – Excellent" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Delegate Number1" not in html and "d1@example.org" not in html
    assert f"/feedback/workshops/{workshop.id}/evaluations.csv" in html


def test_the_results_page_says_what_to_do_when_there_are_none(client, organiser, workshop):
    login(client, organiser)
    html = client.get(f"/feedback/workshops/{workshop.id}/evaluations").get_data(as_text=True)
    assert "No evaluations yet" in html and "not finished yet" in html
    assert "evaluations.csv" not in html


def test_the_series_page_compares_its_workshops(client, organiser, workshop):
    london = make_workshop(series=workshop.series, region="london")
    evaluations.record_evaluation(_invite(workshop, 1), answers(comments="From the north"))
    _invite(workshop, 2)
    evaluations.record_evaluation(_invite(london, 3), answers(comments="From London"))
    login(client, organiser)
    html = client.get(f"/feedback/series/{workshop.series_id}/evaluations").get_data(as_text=True)
    assert "of delegates evaluated the day: 2 of 3." in html
    assert f'href="/feedback/workshops/{workshop.id}/evaluations">North East</a>' in html
    assert f'href="/feedback/workshops/{london.id}/evaluations">London</a>' in html
    assert "50%" in html and "100%" in html
    assert "From the north" in html and "From London" in html


def _csv_rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_downloads_are_anonymous_and_formula_safe(client, organiser, workshop):
    evaluations.record_evaluation(_invite(workshop, 1), answers(
        content="5", comments="=cmd|' /C calc'!A0", do_differently="+SUM(1,1)"))
    evaluations.record_evaluation(_invite(workshop, 2), answers(content="3", comments=""))
    login(client, organiser)

    download = client.get(f"/feedback/workshops/{workshop.id}/evaluations.csv")
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    header, *rows = _csv_rows(download)
    assert header == ["Workshop", "Region", "Date", *(q.label for q in EVALUATION_FORM.questions())]
    assert len(rows) == 2
    first = dict(zip(header, rows[0], strict=True))
    assert first["Region"] == "North East" and first["Content"] == "5"
    assert first["Any other comments"] == "'=cmd|' /C calc'!A0"
    assert first["What will you do differently in your practice?"] == "'+SUM(1,1)"
    text = download.get_data(as_text=True)
    assert "Delegate Number" not in text and "@example.org" not in text

    workbook = load_workbook(io.BytesIO(
        client.get(f"/feedback/series/{workshop.series_id}/evaluations.xlsx").data))
    sheet = workbook.active
    cells = {sheet.cell(1, column).value: sheet.cell(2, column)
             for column in range(1, sheet.max_column + 1)}
    # Exactly as typed (no apostrophe shown), in a string cell marked as text: never run.
    assert cells["Any other comments"].value == "=cmd|' /C calc'!A0"
    assert cells["Any other comments"].data_type == "s", "text, never a formula"
    assert cells["Any other comments"].quotePrefix
    assert cells["What will you do differently in your practice?"].value == "+SUM(1,1)"
    assert cells["Content"].value == 5, "ratings are numbers in a workbook"
    assert sheet.max_row == 3
    assert db.session.scalar(select(func.count(AuditEntry.id))
                             .where(AuditEntry.action == "exported evaluations")) == 2
