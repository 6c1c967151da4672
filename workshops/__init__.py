"""The core of the workshops suite: the app factory."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app from environment settings, overridden by `config` (tests pass theirs)."""
    from workshops import config as settings
    from workshops import jinja_environment, logging_setup
    from workshops.queue import instance_path

    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    # Before anything makes app.jinja_env, which is made once from this class.
    app.jinja_environment = jinja_environment.Environment
    app.config.update(settings.from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    _engine_options(app)
    _trust_proxies(app)
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    logging_setup.configure(app)
    logging.basicConfig(level=logging.INFO)
    # Their INFO is a line per page laid out or per migration plugin: noise in every log.
    for noisy in ("weasyprint", "fontTools", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    _init_extensions(app)
    _register_core(app)

    from workshops import plugins

    plugins.enable(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, believe their X-Forwarded-* headers, so that
    request.is_secure (HSTS, secure cookies) and the client's address are the real ones."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count,  # type: ignore[method-assign]
                                x_port=count, x_prefix=count)


SQLITE_NEEDED = (3, 35)  # RETURNING


def _engine_options(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith(("sqlite", "postgresql")):
        # Locking, the practice library's full-text search and the backups are written for
        # these two; anything else would fail later and less clearly.
        raise RuntimeError(f"DATABASE_URL must be a sqlite:// or postgresql:// URL, not "
                           f"{uri.partition(':')[0]}://")
    if uri.startswith("sqlite") and sqlite3.sqlite_version_info < SQLITE_NEEDED:
        # The booking lock is one UPDATE ... RETURNING: an older library would fail at the
        # first booking instead of here.
        raise RuntimeError(f"SQLite {'.'.join(map(str, SQLITE_NEEDED))} or newer is needed; "
                           f"this Python has {sqlite3.sqlite_version}")
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        # Wait for the write lock rather than fail at once; the domain retries beyond this,
        # within a budget that keeps two waits inside gunicorn's 30 s timeout.
        options.setdefault("connect_args", {"timeout": 8})
    else:
        options.setdefault("pool_pre_ping", True)
        # A row lock held too long (a stuck transaction) ends the wait with an error the
        # domain retries and then answers with the "try again" page, instead of hanging until
        # gunicorn kills the worker (booking's retries stop after their budget).
        options.setdefault("connect_args", {"options": "-c lock_timeout=4000"})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        # WAL lets readers carry on while a booking holds the write lock.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit is on disk before we answer. With WAL, NORMAL skips that sync, and a
        # power cut could take back a booking whose confirmation had already gone out (about
        # half a millisecond a commit on the development machine's disk).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    from workshops import mail, queue, write_queue
    from workshops.extensions import csrf, db, limiter, login_manager, migrate
    from workshops.models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    limiter.init_app(app)  # before CSRF: a flood of forged posts is still counted
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # A deactivated account is signed out at its next request, not only refused sign-in;
        # so is a session from before the password changed (User.get_id).
        user_id, _, stamp = session_id.partition(".")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        if user is None or not user.active or stamp != user.password_stamp:
            return None
        return user

    queue.configure(app)
    mail.init_app(app)
    write_queue.init_app()


def _register_core(app: Flask) -> None:
    from workshops import cli, errors, row_ids, templating
    from workshops.views import (
        auth,
        booking,
        calendar_feeds,
        checkin,
        health,
        organiser,
        password_reset,
        personal_data,
        public,
        staff_admin,
    )

    row_ids.init_app(app)
    for blueprint in (public.bp, booking.bp, calendar_feeds.bp, auth.bp, organiser.bp,
                      checkin.bp, staff_admin.bp, staff_admin.invite_bp, password_reset.bp,
                      personal_data.bp, health.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
