"""The migrations build exactly the schema the models describe, on each database."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workshops.extensions import db
from workshops.plugins import schema_include_name


def test_the_migrated_schema_matches_the_models(app):
    # The tests' database is built by `flask db upgrade`'s migrations (conftest.migrated); a
    # model changed without a migration would otherwise pass every test here and break the
    # first deployment that upgrades.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": schema_include_name(app)})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_walk_ins_made_before_the_flag_are_found_in_the_audit_log(tmp_path):
    """Migration 5a7c1e9d2b34 marks as walk-ins the bookings whose "booked" audit entry names
    a staff user, as the exports used to tell them apart, and no others."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.live_server import scratch_database
    from workshops import create_app

    backend = os.environ.get("TEST_DATABASE", "sqlite")
    with scratch_database(backend, tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HUEY_IMMEDIATE": True})
        with app.app_context():
            upgrade(revision="0bc22a66c5cf")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (id, email, name, role, password_hash, active, "
                    "failed_logins, created_at) VALUES (1, 'o@example.org', 'O', 'organiser', "
                    "'', true, 0, CURRENT_TIMESTAMP)"))
                conn.execute(text(
                    "INSERT INTO themes (id, slug, name) VALUES (1, 't', 'T')"))
                conn.execute(text(
                    "INSERT INTO series (id, slug, theme_id, title, review_title, description, "
                    "key_messages, organiser_email) VALUES (1, 's', 1, 'S', '', '', '', '')"))
                conn.execute(text(
                    "INSERT INTO venues (id, name, address, town, postcode, access_info) "
                    "VALUES (1, 'V', 'A', 'T', 'NE1 5DH', '')"))
                conn.execute(text(
                    "INSERT INTO workshops (id, series_id, region, title, venue_id, starts_at, "
                    "ends_at, capacity, status, programme, per_organisation_limit, offer_hours, "
                    "booking_lock, calendar_sequence, calendar_uid, created_at, updated_at) "
                    "VALUES (1, 1, 'london', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 9, "
                    "'published', '', NULL, 48, 0, 0, 'uid', CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"))
                for booking_id, actor_id, action in [(1, None, "booked"), (2, 1, "booked"),
                                                     (3, 1, "changed details")]:
                    conn.execute(text(
                        "INSERT INTO bookings (id, workshop_id, reference, token, checkin_code, "
                        "status, name, email, email_key, job_title, organisation, "
                        "organisation_key, region, sector, access_needs, dietary_needs, "
                        "list_consent, created_at, updated_at) VALUES (:id, 1, :ref, :tok, "
                        ":code, 'confirmed', 'N', :email, :email, '', 'O', 'o', '', '', '', '', "
                        "false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                        {"id": booking_id, "ref": f"R{booking_id}", "tok": f"t{booking_id}",
                         "code": f"c{booking_id}", "email": f"{booking_id}@example.org"})
                    conn.execute(text(
                        "INSERT INTO audit_entries (at, actor_id, actor_label, action, entity, "
                        "entity_id, workshop_id, details) VALUES (CURRENT_TIMESTAMP, :actor, "
                        "'x', :action, 'booking', :id, 1, '{}')"),
                        {"actor": actor_id, "action": action, "id": booking_id})
            upgrade()
            with db.engine.connect() as conn:
                marked = conn.execute(text("SELECT id, walk_in FROM bookings ORDER BY id")).all()
            db.engine.dispose()
    # Booked by the delegate; booked at the desk; booked by the delegate, later changed by staff.
    assert [(row[0], bool(row[1])) for row in marked] == [(1, False), (2, True), (3, False)]
