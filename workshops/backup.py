"""Back up and restore everything the suite keeps: the database and the files beside it.

A backup is one gzipped tar archive:

    manifest.json          what is inside, and what the restored copy must match
    database.sqlite        SQLite: a copy made with the online backup API, or
    database.pgdump        PostgreSQL: `pg_dump --format=custom`
    files/<folder>/<name>  the evidence uploads and the packs' generated print files

The database is copied first and the files after it: a file is written before the row that
names it is committed, so every file the copied rows refer to is already on disk.
Row counts come from the copy itself (SQLite) or from the very snapshot pg_dump reads
(PostgreSQL), so the manifest agrees with the dump even while the service is writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy.engine import URL

from workshops.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# Stored names are ours (hex tokens, print-file stems); anything else in an archive is refused,
# so a crafted archive cannot write outside the folders below.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why and what to do."""


@dataclass
class Manifest:
    created_at: str
    backend: str
    alembic_revision: str | None
    tables: dict[str, int]
    files: list[dict[str, Any]] = field(default_factory=list)
    database: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        values = json.loads(data)
        if values.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {values.get('format')!r}")
        return cls(**values)


@dataclass
class RestoreReport:
    manifest: Manifest
    tables: dict[str, int]
    files: int
    lines: list[str] = field(default_factory=list)


# --- where things live --------------------------------------------------------------------

def file_folders(app: Flask) -> dict[str, Path]:
    """The folders whose files are part of a backup, by the name they have in the archive.

    The packs plugin writes its print files to `<instance>/packs`; the core names the folder
    rather than import the plugin, so a backup taken with the plugin off still keeps them.
    """
    evidence = app.config.get("EVIDENCE_FOLDER") or Path(app.instance_path) / "evidence"
    return {"evidence": Path(evidence), "packs": Path(app.instance_path) / "packs"}


def backend(app: Flask) -> str:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        return "sqlite"
    if uri.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {uri.split(':')[0]}")


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(connection: Connection) -> str | None:
    # Read directly: alembic's MigrationContext prints INFO lines into the command's output.
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _count_rows(connection: Connection, names: list[str]) -> dict[str, int]:
    return {name: connection.scalar(select(func.count()).select_from(table(name))) or 0
            for name in sorted(names)}


def _files_to_keep(app: Flask) -> Iterator[tuple[str, Path]]:
    for label, folder in file_folders(app).items():
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            # Dot-files and .part/.tmp are writes in progress; they are renamed when complete.
            if (path.is_file() and SAFE_NAME.match(path.name)
                    and path.suffix not in (".part", ".tmp")):
                yield f"{label}/{path.name}", path


# --- the database: SQLite -------------------------------------------------------------------

def _sqlite_path(app: Flask) -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _dump_sqlite(app: Flask, target: Path) -> tuple[dict[str, int], str | None]:
    # The backup API copies a consistent snapshot page by page while others keep writing.
    source = sqlite3.connect(f"file:{_sqlite_path(app)}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return _sqlite_counts(target)


def _sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
            return _count_rows(connection, names), current_revision(connection)
    finally:
        engine.dispose()


def _restore_sqlite(app: Flask, dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    # The backup API in reverse: the live file's pages are replaced under SQLite's own locks,
    # so its WAL and any other connection's view stay consistent.
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    live = sqlite3.connect(_sqlite_path(app), timeout=30)
    try:
        source.backup(live)
    finally:
        source.close()
        live.close()


# --- the database: PostgreSQL ---------------------------------------------------------------

def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment,
    never on the command line, where `ps` would show it."""
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _postgresql_tables(connection: Connection) -> list[str]:
    return [n for n in inspect(connection).get_table_names() if n != "alembic_version"]


def _dump_postgresql(app: Flask, target: Path) -> tuple[dict[str, int], str | None]:
    args, env = _libpq(db.engine.url)
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # pg_dump reads the snapshot this transaction exported, so the counts taken here
            # describe exactly the rows in the dump.
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            counts = _count_rows(connection, _postgresql_tables(connection))
            revision = current_revision(connection)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                  "--file", str(target), *args], env)
    return counts, revision


def _restore_postgresql(app: Flask, dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()  # our own idle connections would otherwise hold locks on the tables
    args, env = _libpq(db.engine.url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", *args, str(dump)], env)


# --- backup ---------------------------------------------------------------------------------

def create_backup(target: Path, app: Flask | None = None) -> Manifest:
    """Write the archive to `target` (atomically, readable by its owner only)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    kind = backend(app)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="workshops-backup-") as scratch:
        dump = Path(scratch) / f"database.{'sqlite' if kind == 'sqlite' else 'pgdump'}"
        dumper = _dump_sqlite if kind == "sqlite" else _dump_postgresql
        counts, revision = dumper(app, dump)
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"), backend=kind,
            alembic_revision=revision, tables=counts,
            database={"name": dump.name, "size": dump.stat().st_size, "sha256": _sha256(dump)})
        partial = target.with_name(f".{target.name}.partial")
        # Backups hold personal data: only the owner may read them, from the first byte.
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(dump, arcname=dump.name)
                for name, path in _files_to_keep(app):
                    try:
                        data = path.read_bytes()
                    except FileNotFoundError:  # a stale print file removed meanwhile
                        continue
                    manifest.files.append({"path": name, "size": len(data),
                                           "sha256": hashlib.sha256(data).hexdigest()})
                    _add_bytes(tar, f"files/{name}", data)
                _add_bytes(tar, MANIFEST, manifest.to_json())
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


# --- restore --------------------------------------------------------------------------------

def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive, mode="r:*") as tar:
        return Manifest.from_json(_member_bytes(tar, MANIFEST))


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BackupError(f"the archive has no {name}; is it a backup of this suite?") from None
    handle = tar.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupError(f"{name} in the archive is not a regular file")
    return handle.read()


def database_is_empty(app: Flask) -> bool:
    """Empty when no table of the models holds a row (search indexes keep rows of their own)."""
    with db.engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())
        return not any(connection.scalar(select(func.count()).select_from(t))
                       for t in db.metadata.sorted_tables if t.name in existing)


def _check_compatible(app: Flask, manifest: Manifest, *, ignore_revision: bool,
                      overwrite: bool) -> None:
    kind = backend(app)
    if manifest.backend != kind:
        raise BackupError(f"this is a {manifest.backend} backup and the database is {kind}; "
                          "restore it into a database of the same kind")
    head = head_revision()
    if manifest.alembic_revision != head and not ignore_revision:
        raise BackupError(
            f"the backup is at migration {manifest.alembic_revision} and this code's head is "
            f"{head}; restore it with the release that made it, or pass --ignore-revision "
            "and run `flask db upgrade` afterwards")
    if not overwrite and not database_is_empty(app):
        raise BackupError("the database is not empty; pass --yes to replace its contents "
                          "with the backup")


def _verified_files(tar: tarfile.TarFile, manifest: Manifest) -> Iterator[tuple[str, bytes]]:
    for entry in manifest.files:
        label, _, name = entry["path"].partition("/")
        if not SAFE_NAME.match(name) or "/" in name:
            raise BackupError(f"refusing the unsafe file name {entry['path']!r}")
        data = _member_bytes(tar, f"files/{entry['path']}")
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(f"{entry['path']} in the archive does not match its checksum")
        yield entry["path"], data


def restore_backup(archive: Path, app: Flask | None = None, *, overwrite: bool = False,
                   ignore_revision: bool = False) -> RestoreReport:
    """Check the archive whole, then replace the database and write back the files."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    folders = file_folders(app)
    with tarfile.open(archive, mode="r:*") as tar, \
            tempfile.TemporaryDirectory(prefix="workshops-restore-") as scratch:
        manifest = Manifest.from_json(_member_bytes(tar, MANIFEST))
        _check_compatible(app, manifest, ignore_revision=ignore_revision, overwrite=overwrite)
        # Every checksum is checked before anything is changed: a damaged archive changes nothing.
        dump = Path(scratch) / manifest.database["name"]
        dump.write_bytes(_member_bytes(tar, f"{manifest.database['name']}"))
        if _sha256(dump) != manifest.database["sha256"]:
            raise BackupError("the database dump in the archive does not match its checksum")
        files = dict(_verified_files(tar, manifest))
        for path in files:
            if path.partition("/")[0] not in folders:
                raise BackupError(f"the archive holds files for an unknown folder: {path}")

        lines = [f"Backup of {manifest.created_at} ({manifest.backend}, "
                 f"migration {manifest.alembic_revision})."]
        (_restore_sqlite if manifest.backend == "sqlite" else _restore_postgresql)(app, dump)
        lines.append(f"Restored the database: {len(manifest.tables)} tables, "
                     f"{sum(manifest.tables.values())} rows.")

        for path, data in files.items():
            label, _, name = path.partition("/")
            folders[label].mkdir(parents=True, exist_ok=True)
            destination = folders[label] / name
            partial = destination.with_name(f".{name}.restoring")
            partial.write_bytes(data)
            partial.replace(destination)
        counts = dict.fromkeys(folders, 0)
        for path in files:
            counts[path.partition("/")[0]] += 1
        lines.append("Restored files: " + ", ".join(
            f"{count} {label} ({folders[label]})" for label, count in counts.items()) + ".")

    found = _verify(app, manifest, folders)
    lines.append("Checked: every table's row count and every file's sha256 match the backup.")
    if manifest.alembic_revision != head_revision():
        lines.append("The backup's migration differs from this code's: run "
                     "`flask --app wsgi db upgrade` now.")
    return RestoreReport(manifest=manifest, tables=found, files=len(files), lines=lines)


def _verify(app: Flask, manifest: Manifest, folders: dict[str, Path]) -> dict[str, int]:
    with db.engine.connect() as connection:
        found = _count_rows(connection, list(manifest.tables))
    wrong = {name: (count, found[name]) for name, count in manifest.tables.items()
             if found[name] != count}
    if wrong:
        raise BackupError(f"row counts differ after restoring (expected, found): {wrong}")
    for entry in manifest.files:
        label, _, name = entry["path"].partition("/")
        path = folders[label] / name
        with contextlib.suppress(FileNotFoundError):
            if _sha256(path) == entry["sha256"]:
                continue
        raise BackupError(f"{entry['path']} was not restored intact")
    return found
