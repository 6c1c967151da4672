"""The demo data: what someone trying the suite sees after `flask --app wsgi demo`."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from workshops import clock, demo
from workshops.extensions import db
from workshops.models import (
    HOLDS_PLACE,
    REGIONS,
    SECTORS,
    AuditEntry,
    Booking,
    BookingStatus,
    Role,
    Series,
    User,
    Workshop,
)

BST_STARTS = datetime(2010, 3, 28, 1, 0, tzinfo=UTC)


def _places(workshop: Workshop) -> Counter:
    return Counter(db.session.scalars(
        select(Booking.status).where(Booking.workshop_id == workshop.id)))


def test_nine_published_workshops_one_per_region_in_spring_2010(app):
    demo.load()
    workshops = db.session.scalars(select(Workshop).order_by(Workshop.starts_at)).all()
    assert sorted(w.region for w in workshops) == sorted(REGIONS)
    assert {w.status for w in workshops} == {"published"}
    for workshop in workshops:
        local = clock.london(workshop.starts_at)
        assert datetime(2010, 3, 1) <= local.replace(tzinfo=None) < datetime(2010, 5, 1)
        assert local.weekday() < 5
        assert (local.hour, local.minute) == (9, 30)
        assert (clock.london(workshop.ends_at).hour, workshop.ends_at.minute) == (16, 0)
        assert 60 <= workshop.capacity <= 120
        assert workshop.booking_opens_at < workshop.booking_closes_at < workshop.starts_at
        assert workshop.venue.postcode and workshop.venue.access_info
        assert workshop.programme_items[0] == ("9:30am", "Registration and coffee")
    before = [w for w in workshops if w.starts_at < BST_STARTS]
    after = [w for w in workshops if w.starts_at > BST_STARTS]
    assert before and after
    assert all((w.starts_at.hour, w.starts_at.minute) == (9, 30) for w in before)  # GMT
    assert all((w.starts_at.hour, w.starts_at.minute) == (8, 30) for w in after)  # BST


def test_one_full_with_waiting_list_one_nearly_full_none_over(app):
    demo.load()
    full, nearly_full = [], []
    for workshop in db.session.scalars(select(Workshop)):
        places = _places(workshop)
        taken = sum(places[s] for s in HOLDS_PLACE)
        assert taken <= workshop.capacity
        if taken == workshop.capacity:
            full.append((workshop.region, places[BookingStatus.WAITING]))
        elif taken == workshop.capacity - 2:
            nearly_full.append(workshop.region)
        else:
            assert places[BookingStatus.WAITING] == 0
            assert 0.3 <= taken / workshop.capacity <= 0.7, workshop.region
    assert len(full) == 1 and full[0][1] >= 1
    assert len(nearly_full) == 1
    assert full[0][0] != "london" != nearly_full[0]


def test_waiting_list_is_in_order_after_the_confirmed_places(app):
    demo.load()
    waiting = db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.WAITING).order_by(Booking.waiting_since)).all()
    last_confirmed = db.session.scalar(select(func.max(Booking.created_at)).where(
        Booking.workshop_id == waiting[0].workshop_id,
        Booking.status == BookingStatus.CONFIRMED))
    assert len({b.waiting_since for b in waiting}) == len(waiting)
    assert waiting[0].waiting_since > last_confirmed


def test_bookings_look_like_real_delegates(app):
    demo.load()
    bookings = db.session.scalars(select(Booking)).all()
    assert 300 <= len(bookings) <= 1000
    for b in bookings:
        assert b.organisation.strip() and b.name.strip() and b.job_title
        assert b.email_key == b.email.strip().lower()
        assert b.email_key.split("@")[1].endswith(".example")
        assert b.sector in SECTORS and b.region == b.workshop.region
        assert datetime(2010, 1, 11, tzinfo=UTC) <= b.created_at < datetime(2010, 3, 1,
                                                                           tzinfo=UTC)
        assert b.created_at < b.workshop.booking_closes_at
    names = {b.name for b in bookings}
    assert {"Siân Ó Súilleabháin", "Łukasz Żółć", "Zoë Brontë"} <= names
    organisations = {b.organisation for b in bookings}
    assert {"Gateshead Council", "London Borough of Hackney", "NSPCC"} <= organisations
    consent = sum(b.list_consent for b in bookings) / len(bookings)
    assert 0.6 <= consent <= 0.8
    assert any(b.access_needs for b in bookings) and any(b.dietary_needs for b in bookings)


def test_staff_one_per_role_with_working_passwords(app):
    passwords = demo.load()
    users = db.session.scalars(select(User)).all()
    assert sorted(u.role for u in users) == sorted(r.value for r in Role)
    assert set(passwords) == {u.email for u in users}
    for user in users:
        role, password = passwords[user.email]
        assert role == user.role and user.name
        assert user.check_password(password)


def test_series_key_messages_and_audit(app):
    demo.load()
    series = db.session.scalar(select(Series))
    assert series.slug == "highly-resistant-families"
    assert series.theme.slug == "safeguarding"
    assert "‘highly resistant’" in series.review_title
    messages = series.key_messages.lower()
    for theme in ("disguised compliance", "ambivalence", "chronolog", "reflective supervision"):
        assert theme in messages
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "loaded demo data"))
    assert (entry.entity, entry.entity_id, entry.actor_label) == ("series", series.id, "demo")


def test_same_content_each_time_except_passwords(app):
    first = demo.load()
    snapshot = [(b.name, b.email, b.organisation, b.status, b.created_at)
                for b in db.session.scalars(select(Booking).order_by(Booking.id))]
    from tests.conftest import _empty_tables

    _empty_tables()
    second = demo.load()
    again = [(b.name, b.email, b.organisation, b.status, b.created_at)
             for b in db.session.scalars(select(Booking).order_by(Booking.id))]
    assert snapshot == again
    assert set(first) == set(second) and first != second


def test_loading_twice_is_refused(app):
    demo.load()
    with pytest.raises(demo.DemoAlreadyLoaded):
        demo.load()


def test_cli_if_empty_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "organiser@workshops.example" in first.output
    # Enabled plugins add their own demo workshops after the core's nine.
    workshops = db.session.scalar(select(func.count()).select_from(Workshop))
    bookings = db.session.scalar(select(func.count()).select_from(Booking))
    assert workshops >= 9

    second = runner.invoke(args=["demo", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "not loaded" in second.output
    assert db.session.scalar(select(func.count()).select_from(Workshop)) == workshops
    assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings


def test_nothing_happened_after_the_moment_make_run_replays(app):
    demo.load()
    # scripts/run.sh sets DEMO_NOW to 22 February 2010, 10am: the demo's past must precede it.
    replayed = datetime(2010, 2, 22, 10, 0, tzinfo=UTC)
    latest = db.session.scalar(select(func.max(Booking.created_at)))
    latest_wait = db.session.scalar(select(func.max(Booking.waiting_since)))
    assert latest < replayed and latest_wait < replayed
