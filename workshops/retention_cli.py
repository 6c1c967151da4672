"""`flask --app wsgi retention run [--dry-run]`: erase personal data past the retention period
(delegates' bookings, and what plugins keep: unsent drafts of practice submissions)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from workshops import retention
from workshops.formatting import day

retention_group = AppGroup("retention", help="Erase personal data kept beyond its period.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be erased and change nothing.")
def run_command(dry_run: bool) -> None:
    """Erase delegates' details from workshops that ended more than RETENTION_MONTHS ago, and
    what plugins keep past the period (unsent drafts not changed for as long); warn the people
    whose records go soon."""
    report = retention.erase(dry_run=dry_run)
    verb = "Would erase" if dry_run else "Erased"
    click.echo(f"Retention period: {_plural(report.months, 'month')} "
               f"(workshops that ended before {day(report.cutoff)}).")
    for item in report.workshops:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(item.by_status.items()))
        click.echo(f"{verb} {_plural(item.bookings, 'booking')} ({statuses}) and "
                   f"{_plural(item.messages, 'email')} from workshop {item.workshop_id}: "
                   f"{item.title}, ended {day(item.ended_at)}")
    if report.old_messages:
        what = "Would delete" if dry_run else "Deleted"
        click.echo(f"{what} {_plural(report.old_messages, 'other email')} older than the period.")
    for part in report.plugins:
        if part.count:
            files = f" and {_plural(len(part.files), 'stored file')}" if part.files else ""
            click.echo(f"{verb} {part} not changed for {_plural(report.months, 'month')}"
                       f"{files}.")
        if part.warned:
            warned = "Would warn" if dry_run else "Warned"
            noun = part.one if part.warned == 1 else part.many
            click.echo(f"{warned} by email: {part.warned} {noun} to be deleted in "
                       f"{part.warning_days} days.")
    if not report.workshops and not report.old_messages and not report.plugins:
        click.echo("Nothing to erase.")
    else:
        others = "".join(f", {part}" for part in report.plugins if part.count)
        click.echo(f"In all: {_plural(report.bookings, 'booking')} from "
                   f"{_plural(len(report.workshops), 'workshop')}, "
                   f"{_plural(report.messages, 'email')}{others}"
                   f"{' (dry run: nothing was changed)' if dry_run else ''}.")
