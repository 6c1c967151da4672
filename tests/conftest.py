"""Shared fixtures: a real database (SQLite or PostgreSQL), a real SMTP server, the app.

TEST_DATABASE=postgresql runs everything against the server at 127.0.0.1:5432 in a database
made for this run and dropped after it; the default is an SQLite file in a temporary folder.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

_RUN_DIR = Path(tempfile.mkdtemp(prefix="workshops-tests-"))
# Before the app is imported: huey makes its queue file in the instance folder at import.
os.environ["INSTANCE_PATH"] = str(_RUN_DIR / "instance")
os.environ.pop("REDIS_URL", None)
os.environ.pop("DEMO_NOW", None)

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import event  # noqa: E402

from tests.live_server import free_port, scratch_database  # noqa: E402
from workshops import create_app  # noqa: E402
from workshops.extensions import db, limiter  # noqa: E402
from workshops.models import Role, Series, Theme, User, Venue, Workshop  # noqa: E402

STAFF_PASSWORD = "correct horse battery staple"


# --- the database -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with scratch_database(os.environ.get("TEST_DATABASE", "sqlite"), _RUN_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    """The schema, built by the migrations themselves (so every run tests them)."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "HUEY_IMMEDIATE": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


# --- mail -------------------------------------------------------------------------------

@dataclass
class Mailbox:
    """What the SMTP server received, parsed."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


class SMTPServer:
    def __init__(self, *, smtputf8: bool = True) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None
        self.smtputf8 = smtputf8

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def mailbox(smtp_server: SMTPServer) -> Mailbox:
    if smtp_server.controller is None:  # a test stopped it to simulate an outage
        smtp_server.start()
    smtp_server.mailbox.clear()
    return smtp_server.mailbox


@pytest.fixture(scope="session")
def plain_smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer(smtputf8=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def plain_mailbox(app: Flask, plain_smtp_server: SMTPServer) -> Mailbox:
    """The mailbox of a server that, like most (the demo's among them), does not offer
    SMTPUTF8, so takes no address with letters outside ASCII; the app sends through it for
    the test (its settings are put back after it)."""
    app.config["MAIL_PORT"] = plain_smtp_server.port
    plain_smtp_server.mailbox.clear()
    return plain_smtp_server.mailbox


# --- the app ----------------------------------------------------------------------------

def app_config(database_url: str, smtp_port: int, **overrides) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "HUEY_IMMEDIATE": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_DEFAULT_SENDER": "Knowledge workshops <workshops@example.org>",
        "RATELIMIT_ENABLED": True,  # the limiter is one object shared by every app: keep it on
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_URL": "http://workshops.test",
        # Every email a test sends is rendered strictly: a name its template uses but was not
        # given fails the test instead of vanishing from the text (workshops.mail).
        "MAIL_STRICT_TEMPLATES": True,
        # The same hashing code with its cost turned down: scrypt's deliberate slowness, paid
        # for every staff account the tests make and sign in, was a third of the suite's time.
        # tests/security/test_logs_and_secrets.py holds the shipped setting to scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **overrides,
    }


def _empty_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture()
def app_overrides() -> dict:
    """Override in a test module to change the app's settings."""
    return {}


# Settings the app reads on each request rather than when it is built: a test may set them on
# an app it shares with other tests (they are put back after it).
_READ_PER_REQUEST = frozenset({"EVIDENCE_FOLDER"})


@pytest.fixture(scope="session")
def shared_apps(migrated: str, smtp_server: SMTPServer) -> Iterator[Callable[[dict], Flask]]:
    """Apps shared by the tests that would build them with the same settings.

    Building one (every route compiled, every plugin registered) cost a test more than most
    tests do. Their connections are closed at the end, before the scratch database is dropped.
    """
    apps: dict[tuple, Flask] = {}

    def get(overrides: dict) -> Flask:
        built_with = {k: v for k, v in overrides.items() if k not in _READ_PER_REQUEST}
        key = tuple(sorted((k, repr(v)) for k, v in built_with.items()))
        if key not in apps:
            apps[key] = create_app(app_config(migrated, smtp_server.port, **built_with))
        return apps[key]

    yield get
    for built in apps.values():
        with built.app_context():
            db.engine.dispose()


@pytest.fixture()
def app(shared_apps: Callable[[dict], Flask], mailbox: Mailbox, app_overrides: dict):
    """The app, with empty tables, the settings of `app_overrides` and no rate limits spent.

    Whatever a test changes in its app's settings is put back after it.
    """
    app = shared_apps(app_overrides)
    settings = dict(app.config)
    app.config.update({k: v for k, v in app_overrides.items() if k in _READ_PER_REQUEST})
    limiter.reset()
    try:
        with app.app_context():
            _empty_tables()
            yield app
            db.session.remove()
    finally:
        app.config.clear()
        app.config.update(settings)


@pytest.fixture()
def client(app):
    return app.test_client()


# --- data -------------------------------------------------------------------------------

def make_workshop(**overrides) -> Workshop:
    """A published workshop ten days from now, with a series and venue of its own."""
    series = overrides.pop("series", None)
    if series is None:
        theme = db.session.scalar(db.select(Theme).where(Theme.slug == "safeguarding")) \
            or Theme(slug="safeguarding", name="Safeguarding")
        series = Series(slug=f"series-{uuid.uuid4().hex[:6]}", theme=theme,
                        title="Highly resistant families", review_title="Effective practice",
                        description="Workshops launching the review.")
    venue = overrides.pop("venue", None) or Venue(
        name="Royal Station Hotel", address="Neville Street", town="Newcastle upon Tyne",
        postcode="NE1 5DH", access_info="Step-free access from the station entrance.")
    starts = overrides.pop("starts_at", datetime.now(UTC).replace(
        hour=9, minute=30, second=0, microsecond=0) + timedelta(days=10))
    values = dict(series=series, region="north-east", venue=venue, starts_at=starts,
                  ends_at=starts + timedelta(hours=6, minutes=30), capacity=20,
                  status="published", programme="9:30 | Registration\n10:00 | Welcome")
    values.update(overrides)
    workshop = Workshop(**values)
    db.session.add(workshop)
    db.session.commit()
    return workshop


def clock_at(moment: datetime) -> timedelta:
    """The CLOCK_OFFSET that puts the app's clock at `moment`. Measured from the real time, not
    from clock.now(), which already includes whatever offset is set."""
    return moment - datetime.now(UTC)


def an_hour_into(workshop: Workshop) -> timedelta:
    """The CLOCK_OFFSET that puts the app's clock an hour into `workshop`.

    Measured from the workshop's own start, not as "ten days and an hour": make_workshop's
    workshops start at 9:30 UTC, so a fixed offset lands before the start when the tests run
    after midnight and after the end when they run late in the afternoon.
    """
    return clock_at(workshop.starts_at + timedelta(hours=1))


def doors_open(workshop: Workshop) -> timedelta:
    """The CLOCK_OFFSET for half an hour before `workshop` starts: people are arriving, so
    check-in is open, but the workshop has not started (no-shows cannot be marked yet)."""
    return clock_at(workshop.starts_at - timedelta(minutes=30))


@pytest.fixture()
def workshop(app) -> Workshop:
    return make_workshop()


def make_staff(role: Role | str, email: str | None = None) -> User:
    user = User(email=email or f"{role}@example.org", role=str(role), name=f"A {role}")
    user.set_password(STAFF_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def sign_in_status(client, email: str, password: str) -> int:  # noqa: ANN001
    """The status of a sign-in through the real form: 303 signed in, 422 refused."""
    from flask import g

    g.pop("_login_user", None)  # one app context serves every client: forget the last user
    return client.post("/staff/login", data={"email": email, "password": password}).status_code


def mailed_path(mailbox: Mailbox, to: str, label: str) -> str:
    """The path of the link after `label:` in the newest plain-text email to `to` that has
    one (emails give each link on a line of its own, after its label)."""
    for message in reversed(mailbox.to(to)):
        plain = message.get_body(("plain",)).get_content()
        if found := re.search(rf"{re.escape(label)}: https?://[^/\s]+(/\S+)", plain):
            return found.group(1)
    raise AssertionError(f"no {label!r} link in the mail to {to}")


def login(client, user: User) -> None:
    """Sign in through the real form (CSRF is off in the test client's app only if set)."""
    response = client.post("/staff/login", data={"email": user.email,
                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 303, response.data[:500]


@contextlib.contextmanager
def outbox_as_committed() -> Iterator[list[tuple]]:
    """Every outbox row a commit inside the block writes, as (subject, text_body, html_body,
    calendar, template, context) at that commit: before the queue's worker has touched it."""
    seen: list[tuple] = []

    def before_commit(session) -> None:  # noqa: ANN001
        seen.extend((r.subject, r.text_body, r.html_body, r.calendar, r.template, r.context)
                    for r in session.info.get("outbox_new", []))

    event.listen(db.session, "before_commit", before_commit)
    try:
        yield seen
    finally:
        event.remove(db.session, "before_commit", before_commit)


def rows_in(*models: type) -> tuple[int, ...]:
    """How many rows each model's table holds now."""
    from sqlalchemy import func, select

    from workshops.extensions import db

    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


class HeldQueue:
    """The tasks queued while the queue is held (queue_held), as a consumer would find them."""

    def names(self) -> list[str]:
        from workshops.queue import huey

        return [task.name for task in huey.pending()]

    def run_all(self) -> None:
        """Run what is queued, as a consumer would, and what those tasks queue in turn."""
        from workshops.queue import huey

        while (task := huey.dequeue()) is not None:
            huey.execute(task)


@contextlib.contextmanager
def queue_held() -> Iterator[HeldQueue]:
    """Tasks queued inside the block wait in the queue (this test process's own file) rather
    than running at once, as the rest of the suite's do."""
    from workshops.queue import huey

    huey.immediate = False
    huey.flush()
    try:
        yield HeldQueue()
    finally:
        huey.flush()
        huey.immediate = True


def delegate_form(**overrides) -> dict:
    data = {
        "name": "Siân Ó Súilleabháin",
        "email": "sian@example.org",
        "job_title": "Team manager",
        "organisation": "Newcastle City Council",
        "region": "north-east",
        "sector": "children-social-care",
        "access_needs": "",
        "dietary_needs": "Vegetarian",
        "list_consent": "y",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def pytest_unconfigure(config) -> None:  # noqa: ANN001
    """The run's SQLite files, queue and instance folder go with it."""
    import shutil

    shutil.rmtree(_RUN_DIR, ignore_errors=True)
