"""Data retention: delegates' details go RETENTION_MONTHS after their workshop; counts stay."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import make_workshop
from workshops import audit, booking, clock, retention, tasks
from workshops.extensions import db
from workshops.models import AuditEntry, Booking, OutboxMessage, User, Workshop

MONTH = timedelta(days=31)


def _delegate(n: int) -> booking.Delegate:
    return booking.Delegate(
        name=f"Philippa Delegate{n}", email=f"philippa{n}@example.org",
        organisation=f"Gateshead Council team {n}", job_title="Senior practitioner",
        region="north-east", sector="children-social-care", access_needs="Hearing loop",
        dietary_needs="Vegan", list_consent=True)


def _workshop_ended(months_ago: int, **overrides) -> Workshop:
    """A workshop that ended about `months_ago` months before now (a day or so either side)."""
    ends = clock.now() - timedelta(days=round(months_ago * 30.44))
    return make_workshop(starts_at=ends - timedelta(hours=6), ends_at=ends, **overrides)


def _book(workshop: Workshop, organiser: User, *numbers: int) -> list[Booking]:
    return [booking.book(workshop.id, _delegate(n), actor=organiser) for n in numbers]


def _status_counts(workshop_id: int) -> Counter:
    return Counter(db.session.scalars(
        select(Booking.status).where(Booking.workshop_id == workshop_id)))


def _everything_about(workshop_id: int) -> str:
    """Every stored word about a workshop's delegates: bookings, emails, audit details."""
    db.session.expire_all()
    bookings = db.session.scalars(select(Booking).where(Booking.workshop_id == workshop_id)).all()
    ids = [b.id for b in bookings]
    texts = [" ".join(str(getattr(b, c.key)) for c in Booking.__table__.columns)
             for b in bookings]
    for message in db.session.scalars(select(OutboxMessage)):
        if message.workshop_id == workshop_id or message.booking_id in ids:
            texts.append(" ".join(str(getattr(message, c.key))
                                  for c in OutboxMessage.__table__.columns))
    for entry in db.session.scalars(select(AuditEntry)):
        if entry.workshop_id == workshop_id or (entry.entity == "booking"
                                                and entry.entity_id in ids):
            texts.append(json.dumps(entry.details, ensure_ascii=False) + entry.actor_label)
    return "\n".join(texts)


def _assert_no_personal_data(workshop_id: int, numbers: list[int]) -> None:
    stored = _everything_about(workshop_id).lower()
    for n in numbers:
        person = _delegate(n)
        for value in (person.name, person.email, person.organisation, person.access_needs,
                      person.dietary_needs, "philippa"):
            assert value.lower() not in stored, value


# --- the rule ----------------------------------------------------------------------------

def test_old_workshop_is_erased_and_a_recent_one_is_not(app, organiser, mailbox):
    old = _workshop_ended(13, capacity=2)
    recent = _workshop_ended(11, region="london")
    first, second, waiting = _book(old, organiser, 1, 2, 3)
    booking.cancel(second.id, actor=organiser)  # the waiting delegate is offered the place
    kept = _book(recent, organiser, 9)[0]
    # An audit entry that (against the rules) mentions a delegate: erasure catches it too.
    audit.record("noted", "booking", first.id, workshop_id=old.id, actor="system",
                 note=f"Spoke to {first.name} <{first.email}>")
    db.session.commit()
    assert mailbox.messages, "the delegates were emailed, so the outbox holds their details"
    before = _status_counts(old.id)
    references = {b.id: b.reference for b in (first, second, waiting)}
    tokens = {b.token for b in (first, second, waiting)}

    assert [w.id for w in retention.due_for_erasure(clock.now())] == [old.id]
    report = retention.erase(dry_run=False)

    assert [w.workshop_id for w in report.workshops] == [old.id]
    assert report.bookings == 3 and report.workshops[0].by_status == dict(before)
    assert _status_counts(old.id) == before
    _assert_no_personal_data(old.id, [1, 2, 3])
    for erased in db.session.scalars(select(Booking).where(Booking.workshop_id == old.id)):
        assert erased.name == "Erased delegate"
        assert erased.email == erased.email_key == f"erased-{erased.id}@invalid"
        assert erased.organisation == "Erased" and erased.job_title == ""
        assert erased.access_needs == erased.dietary_needs == "" and not erased.list_consent
        # What the counts by region, sector and reference need is kept.
        assert erased.region == "north-east" and erased.sector == "children-social-care"
        assert erased.reference == references[erased.id]
        assert erased.token not in tokens, "old emails' manage links no longer open it"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.workshop_id == old.id)) == 0
    # Exports show no address for them: the placeholder is for the database, not for people.
    for erased in db.session.scalars(select(Booking).where(Booking.workshop_id == old.id)):
        assert retention.email_to_show(erased) == ""
    assert retention.email_to_show(kept) == kept.email

    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "erased personal data"))
    assert entry.workshop_id == old.id and entry.actor_label == "data retention"
    assert entry.details["bookings"] == 3 and entry.details["by_status"] == dict(before)

    # The workshop 11 months ago keeps everything.
    db.session.expire_all()
    assert db.session.get(Booking, kept.id).name == "Philippa Delegate9"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.booking_id == kept.id)) > 0


def test_time_travel_erases_once_the_period_has_passed(app, organiser):
    workshop = make_workshop()  # ten days from now
    _book(workshop, organiser, 1)
    app.config["CLOCK_OFFSET"] = 12 * MONTH  # about 12 months after it ended: not yet
    assert retention.erase().bookings == 0
    app.config["CLOCK_OFFSET"] = 13 * MONTH
    assert retention.erase().bookings == 1
    _assert_no_personal_data(workshop.id, [1])


def test_configured_period_is_used(app, organiser):
    workshop = _workshop_ended(13)
    _book(workshop, organiser, 1)
    app.config["RETENTION_MONTHS"] = 24
    assert retention.due_for_erasure(clock.now()) == []
    assert retention.erase().bookings == 0
    app.config["RETENTION_MONTHS"] = 6
    assert retention.erase().bookings == 1


def test_dry_run_changes_nothing(app, organiser):
    workshop = _workshop_ended(13)
    _book(workshop, organiser, 1, 2)
    snapshot = _everything_about(workshop.id)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    messages = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    report = retention.erase(dry_run=True)

    assert report.dry_run and report.bookings == 2
    assert report.messages == messages, "it says how many emails would go, counted once"
    assert _everything_about(workshop.id) == snapshot
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == messages


def test_running_twice_erases_nothing_the_second_time(app, organiser):
    workshop = _workshop_ended(13)
    _book(workshop, organiser, 1, 2)
    assert retention.erase().bookings == 2
    after_first = _everything_about(workshop.id)
    assert retention.due_for_erasure(clock.now()) == []
    second = retention.erase()
    assert second.bookings == 0 and second.workshops == [] and second.messages == 0
    assert _everything_about(workshop.id) == after_first
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "erased personal data")) == 1


def test_old_emails_go_whatever_they_were_about(app, organiser):
    workshop = make_workshop()
    _book(workshop, organiser, 1)
    db.session.add(OutboxMessage(message_id="<staff@test>", recipient="staff@example.org",
                                 subject="Set your password", text_body="Hello",
                                 html_body="<p>Hello</p>", status="sent"))
    db.session.commit()
    app.config["CLOCK_OFFSET"] = 12 * MONTH + timedelta(days=1)  # the workshop: not yet due
    report = retention.erase()
    assert report.workshops == [] and report.old_messages >= 2
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.get(Booking, db.session.scalar(select(Booking.id))).email == \
        "philippa1@example.org", "bookings wait for the workshop's own period"


def test_months_before_keeps_to_real_days() -> None:
    moment = datetime(2011, 3, 31, 12, tzinfo=UTC)
    assert retention.months_before(moment, 1) == datetime(2011, 2, 28, 12, tzinfo=UTC)
    assert retention.months_before(moment, 13) == datetime(2010, 2, 28, 12, tzinfo=UTC)
    assert retention.months_before(datetime(2012, 3, 29, tzinfo=UTC), 1) == \
        datetime(2012, 2, 29, tzinfo=UTC)
    assert retention.months_before(datetime(2011, 1, 15, tzinfo=UTC), 12) == \
        datetime(2010, 1, 15, tzinfo=UTC)


# --- how it is run -----------------------------------------------------------------------

def test_cli_dry_run_then_run(app, organiser):
    workshop = _workshop_ended(13)
    _book(workshop, organiser, 1, 2)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Retention period: 12 months" in dry.output
    assert "Would erase 2 bookings (2 confirmed)" in dry.output
    assert f"workshop {workshop.id}: {workshop.display_title}" in dry.output
    assert "dry run: nothing was changed" in dry.output
    assert db.session.scalar(select(Booking.name).where(Booking.workshop_id == workshop.id)) \
        .startswith("Philippa")

    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert "Erased 2 bookings (2 confirmed)" in done.output
    assert "In all: 2 bookings from 1 workshop" in done.output
    _assert_no_personal_data(workshop.id, [1, 2])

    again = runner.invoke(args=["retention", "run"])
    assert again.exit_code == 0 and "Nothing to erase." in again.output


def test_periodic_task_runs_it(app, organiser):
    workshop = _workshop_ended(14)
    _book(workshop, organiser, 1)
    tasks.erase_expired_personal_data()  # through the (immediate) queue
    _assert_no_personal_data(workshop.id, [1])
    tasks.erase_expired_personal_data()  # again: nothing more
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "erased personal data")) == 1


@pytest.mark.parametrize("months", [None, 18])
def test_privacy_notice_states_the_period(app, client, months):
    if months is not None:
        app.config["RETENTION_MONTHS"] = months
    assert app.config["RETENTION_MONTHS"] == (months or 12)
    page = client.get("/privacy").get_data(as_text=True)
    assert f"{months or 12} months after the workshop" in page


def test_what_organisers_wrote_goes_with_the_delegates(app, organiser, mailbox):
    """An organiser's message is free text that may describe a delegate: its body is erased
    with the workshop's personal data, and a subject naming a delegate goes too; the record
    that a message went, to whom (as an audience) and by whom, stays."""
    from workshops import messaging
    from workshops.models import OrganiserMessage

    old = _workshop_ended(13)
    recent = _workshop_ended(11, region="london")
    _book(old, organiser, 1, 2)
    _book(recent, organiser, 3)
    about = messaging.send_message(old, "confirmed", "Philippa Delegate1's hearing loop",
                                   "We have booked the hearing loop for Philippa.", organiser)
    plain = messaging.send_message(old, "confirmed", "Parking at the venue",
                                   "Use the station car park.", organiser)
    kept = messaging.send_message(recent, "confirmed", "Parking at the venue",
                                  "Use the station car park.", organiser)
    db.session.commit()
    ids = [about.id, plain.id, kept.id]

    retention.erase()
    db.session.expire_all()
    about, plain, kept = (db.session.get(OrganiserMessage, i) for i in ids)
    assert (about.subject, about.body) == (retention.ERASED_TEXT, retention.ERASED_TEXT)
    assert (plain.subject, plain.body) == ("Parking at the venue", retention.ERASED_TEXT)
    assert (kept.subject, kept.body) == ("Parking at the venue", "Use the station car park.")
    assert about.audience == "confirmed" and about.sent_by_id == organiser.id
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "erased personal data", AuditEntry.workshop_id == old.id))
    assert entry.details["organiser_messages_erased"] == 2
