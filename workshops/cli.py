"""Operations from the command line: `flask --app wsgi users|demo|worker|backup|restore ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from workshops import audit
from workshops.backup_cli import backup_command, restore_command
from workshops.extensions import db
from workshops.models import Role, User
from workshops.plugins import enabled_plugins
from workshops.retention_cli import retention_group
from workshops.validators import password_problem

users = AppGroup("users", help="Manage staff accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Full name shown to colleagues.")
@click.password_option(help="Prompted for when not given.")
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create a staff account."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"{email} already has an account")
    if problem := password_problem(password):
        raise click.ClickException(problem)
    user = User(email=email, role=role, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("created user", "user", user.id, actor="command line", role=role)
    db.session.commit()
    click.echo(f"Created {role} {email}")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has workshops.")
def demo_command(if_empty: bool) -> None:
    """Load the March-April 2010 safeguarding series, with bookings and staff."""
    from workshops import demo
    from workshops.models import Workshop

    if if_empty and db.session.scalar(select(func.count()).select_from(Workshop)):
        click.echo("The database already has workshops; demo data not loaded.")
        return
    passwords = demo.load()
    for plugin in enabled_plugins(current_app).values():
        if plugin.demo is not None:
            passwords.update(plugin.demo())
    click.echo("Demo data loaded. Staff accounts (passwords shown once):")
    for email, (role, password) in passwords.items():
        click.echo(f"  {role:13} {email:40} {password}")


@click.command("worker")
@click.option("--workers", default=2, show_default=True)
def worker_command(workers: int) -> None:
    """Run the queue consumer: mail, retries, waiting-list offers, periodic tasks."""
    from workshops import signals, tasks  # noqa: F401  (tasks registers the tasks with huey)
    from workshops.queue import huey, use_app

    # Once per consumer process, before it consumes: plugins resume what a killed consumer left.
    # Each receiver is called on its own, so one that fails neither stops the others nor the
    # consumer (blinker's send would stop at the first exception).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    use_app(app)
    for receiver in signals.consumer_started.receivers_for(app):
        try:
            receiver(app)
        except Exception:
            app.logger.exception("consumer-started receiver %r failed; starting anyway", receiver)
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(retention_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
