"""`flask --app wsgi packs ...`: the print files from the command line, for operations."""

from __future__ import annotations

from pathlib import Path

import click

from workshops.extensions import db
from workshops.models import Booking, Workshop


def _write(output: Path, data: bytes) -> None:
    # Written beside the target and renamed: a printer spooler never sees half a file.
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)
    click.echo(f"wrote {output} ({len(data) // 1024} KB)")


def _workshop(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise click.ClickException(f"no workshop with id {workshop_id}")
    return workshop


_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                       required=True, help="PDF file to write")


@click.group("packs")
def packs_cli() -> None:
    """Delegate packs, bulk print files, name badges and sign-in sheets."""


@packs_cli.command("one")
@click.argument("reference")
@_output
def one(reference: str, output: Path) -> None:
    """One delegate's pack, by booking reference."""
    from packs import render

    booking = db.session.scalar(db.select(Booking).where(Booking.reference == reference.upper()))
    if booking is None:
        raise click.ClickException(f"no booking with reference {reference}")
    _write(output, render.render_pack(booking))


@packs_cli.command("print")
@click.argument("workshop_id", type=int)
@_output
def print_file(workshop_id: int, output: Path) -> None:
    """Every confirmed delegate's pack in one file, by surname, for double-sided printing."""
    from packs import bulk

    _write(output, bulk.print_file(_workshop(workshop_id)))


@packs_cli.command("badges")
@click.argument("workshop_id", type=int)
@_output
def badges(workshop_id: int, output: Path) -> None:
    """Name badges for the confirmed delegates, eight to an A4 sheet."""
    from packs import bulk

    _write(output, bulk.badges(_workshop(workshop_id)))


@packs_cli.command("signin")
@click.argument("workshop_id", type=int)
@_output
def signin(workshop_id: int, output: Path) -> None:
    """The sign-in sheet: confirmed delegates by surname with a signature column."""
    from packs import bulk

    _write(output, bulk.signin_sheet(_workshop(workshop_id)))
