"""Backup and restore: everything comes back, byte for byte, and nothing is overwritten unasked."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback import submissions
from tests.conftest import _empty_tables
from tests.feedback.support import attended
from workshops import backup
from workshops.extensions import db
from workshops.models.outbox import OutboxMessage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def app_overrides(tmp_path: Path) -> dict:
    return {"EVIDENCE_FOLDER": str(tmp_path / "evidence")}


@pytest.fixture()
def print_file(app) -> Path:  # noqa: ANN001
    """A generated print file where the packs plugin keeps them."""
    path = Path(app.instance_path) / "packs" / f"workshop-1-{uuid.uuid4().hex[:20]}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF + b"% print file\n")
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture()
def realistic(app, workshop, print_file: Path) -> dict:  # noqa: ANN001
    """A workshop with bookings (and their outbox mail) and a practice submission with evidence."""
    for n in range(3):
        attended(workshop, n)
    draft = submissions.confirm_email(submissions.start_public("lead@example.gov.uk"))
    attached = submissions.add_evidence(draft, "report.pdf", PDF)
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) >= 3
    return {"evidence": Path(app.config["EVIDENCE_FOLDER"]) / attached.stored_name,
            "print_file": print_file}


def every_row() -> dict[str, list]:
    with db.engine.connect() as connection:
        return {t.name: sorted(map(repr, connection.execute(select(t)).all()))
                for t in db.metadata.sorted_tables}


def run(app, *args: str):  # noqa: ANN001, ANN201
    return app.test_cli_runner().invoke(args=list(args))


def test_restore_brings_back_every_row_and_every_file(app, realistic, tmp_path: Path) -> None:  # noqa: ANN001
    rows_before = every_row()
    files_before = {name: path.read_bytes() for name, path in realistic.items()}
    archive = tmp_path / "backup.tar.gz"

    result = run(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o077 == 0  # personal data: the owner's eyes only
    manifest = backup.read_manifest(archive)
    assert manifest.alembic_revision == backup.head_revision()
    assert manifest.tables["bookings"] == 3
    assert {f["path"].split("/")[0] for f in manifest.files} == {"evidence", "packs"}

    _empty_tables()
    for path in realistic.values():
        path.unlink()
    assert all(not rows for rows in every_row().values())

    result = run(app, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "Restored the database" in result.output
    assert "every file's sha256" in result.output
    assert every_row() == rows_before
    assert {name: path.read_bytes() for name, path in realistic.items()} == files_before


def test_restore_refuses_to_overwrite_data_unless_told(app, realistic, tmp_path: Path) -> None:  # noqa: ANN001
    archive = tmp_path / "backup.tar.gz"
    assert run(app, "backup", str(archive)).exit_code == 0
    rows_before = every_row()
    realistic["evidence"].unlink()

    refused = run(app, "restore", str(archive))
    assert refused.exit_code != 0
    assert "not empty" in refused.output and "--yes" in refused.output
    assert not realistic["evidence"].exists()  # nothing was touched

    result = run(app, "restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert every_row() == rows_before
    assert realistic["evidence"].read_bytes() == PDF


def _rewrite(archive: Path, target: Path, change) -> None:  # noqa: ANN001
    """Copy the archive, letting `change(name, data)` alter each member's bytes."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_restore_refuses_another_migration_unless_told(app, realistic, tmp_path: Path) -> None:  # noqa: ANN001
    archive, older = tmp_path / "backup.tar.gz", tmp_path / "older.tar.gz"
    assert run(app, "backup", str(archive)).exit_code == 0

    def older_revision(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "alembic_revision": "0123456789ab"}).encode()

    _rewrite(archive, older, older_revision)
    _empty_tables()
    refused = run(app, "restore", str(older))
    assert refused.exit_code != 0
    assert "0123456789ab" in refused.output and "--ignore-revision" in refused.output
    assert all(not rows for rows in every_row().values())

    result = run(app, "restore", str(older), "--ignore-revision")
    assert result.exit_code == 0, result.output
    assert "db upgrade" in result.output


def test_a_damaged_file_in_the_archive_changes_nothing(app, realistic, tmp_path: Path) -> None:  # noqa: ANN001
    archive, damaged = tmp_path / "backup.tar.gz", tmp_path / "damaged.tar.gz"
    assert run(app, "backup", str(archive)).exit_code == 0
    _rewrite(archive, damaged,
             lambda name, data: data + b"x" if name.startswith("files/evidence/") else data)
    _empty_tables()

    refused = run(app, "restore", str(damaged))
    assert refused.exit_code != 0
    assert "checksum" in refused.output
    assert all(not rows for rows in every_row().values())
