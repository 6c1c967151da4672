"""`flask --app wsgi backup FILE` and `flask --app wsgi restore FILE [--yes]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from workshops import backup


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write the database, evidence uploads and print files to one archive (FILE)."""
    try:
        manifest = backup.create_backup(file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(manifest.tables.values())
    click.echo(f"Backed up the {manifest.backend} database at migration "
               f"{manifest.alembic_revision}: {len(manifest.tables)} tables, {rows} rows; "
               f"{len(manifest.files)} files.")
    click.echo(f"Wrote {file} ({file.stat().st_size} bytes, readable by its owner only).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that already holds data.")
@click.option("--ignore-revision", is_flag=True,
              help="Restore a backup made at another migration (then run `flask db upgrade`).")
def restore_command(file: Path, yes: bool, ignore_revision: bool) -> None:
    """Replace the database and files with those in a backup archive (FILE).

    Stop the web servers and queue consumers first: they would write to a database that is
    being replaced.
    """
    try:
        report = backup.restore_backup(file, current_app._get_current_object(),  # type: ignore[attr-defined]
                                       overwrite=yes, ignore_revision=ignore_revision)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines:
        click.echo(line)
