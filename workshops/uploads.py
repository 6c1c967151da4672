"""Uploaded files (evidence for practice submissions): what we accept, judged by content and
never by name, and where the bytes live.

Files are stored outside the web root, under `EVIDENCE_FOLDER`, named by a random token; the
original name is kept only as a label. Whatever serves them must check who is asking and send
them as downloads, so a file can never run as a page of this site. Both the feedback plugin
(evidence sent with a submission) and the validation plugin (evidence added in answer to the
panel's questions) store files here, so a submission's files share one rule and one folder.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from flask import Response, abort, current_app, send_file

# Files one practice submission may carry over its whole life, the originals and any added
# in answer to questions: enough for a report, data and feedback, not an archive.
MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office formats
# A zip that unpacks to more than this is treated as a bomb, not an Office document.
MAX_UNPACKED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    kind: str  # what people call it
    extension: str


class Refused(Exception):
    """The file cannot be accepted; the message is for the person uploading it."""


ACCEPTED = "PDF, Word, Excel, PowerPoint, JPEG, PNG or GIF"

_OOXML = {
    "word/": Sniffed(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document", "docx"),
    "xl/": Sniffed(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel spreadsheet", "xlsx"),
    "ppt/": Sniffed(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation", "pptx"),
}


def _ooxml(data: bytes) -> Sniffed | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if "[Content_Types].xml" not in names:
                return None
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise Refused("This file unpacks to far more than its size and cannot be "
                              "accepted. Save it again from Word, Excel or PowerPoint.")
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, sniffed in _OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return sniffed
    return None


def _ole(data: bytes, name: str) -> Sniffed | None:
    # The old formats share one container; the stream names inside tell them apart.
    if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
        return Sniffed("application/msword", "Word document", "doc")
    if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k\x00" in data:
        return Sniffed("application/vnd.ms-excel", "Excel spreadsheet", "xls")
    if b"P\x00o\x00w\x00e\x00r\x00P\x00o\x00i\x00n\x00t" in data:
        return Sniffed("application/vnd.ms-powerpoint", "PowerPoint presentation", "ppt")
    return None


def sniff(data: bytes, name: str = "") -> Sniffed:
    """What the file really is, from its first bytes; `Refused` for anything we do not take."""
    if not data:
        raise Refused("The selected file is empty.")
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "PDF", "pdf")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "PNG image", "png")
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "JPEG image", "jpg")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "GIF image", "gif")
    if data.startswith(b"PK\x03\x04") and (found := _ooxml(data)):
        return found
    if data.startswith(OLE_MAGIC) and (found := _ole(data, name)):
        return found
    raise Refused(f"The selected file must be a {ACCEPTED} file. "
                  "Its contents do not match any of these, whatever its name says.")


def folder() -> Path:
    path = Path(current_app.config["EVIDENCE_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise Refused(f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)} MB.")


def store(data: bytes) -> tuple[str, str]:
    """Write the bytes under a fresh random name; returns (stored name, sha256)."""
    stored_name = secrets.token_hex(24)
    target = folder() / stored_name
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a reader never sees half a file
    return stored_name, hashlib.sha256(data).hexdigest()


def path_of(stored_name: str) -> Path:
    # Stored names are ours (hex), but never trust a value that reached the database.
    if not stored_name.isalnum():
        raise FileNotFoundError(stored_name)
    return folder() / stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def safe_label(name: str) -> str:
    """The original name as a label: no path, no control characters, a sane length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or "evidence"
    return cleaned[:200]


def send(stored_name: str, media_type: str, download_name: str) -> Response:
    """A stored upload as a download, or the 404 page if its file is gone.

    Always an attachment under its own type, never cached: an uploaded file never renders as a
    page of this site, and it may hold personal data.
    """
    try:
        path = path_of(stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=media_type, as_attachment=True,
                         download_name=download_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


class StoredUpload(Protocol):
    """A row that records one upload: feedback's evidence files, validation's case files."""

    id: int
    stored_name: str
    media_type: str
    original_name: str


U = TypeVar("U", bound=StoredUpload)


def one_of(files: Iterable[U], file_id: int) -> U:
    """The upload `file_id` among `files` (the ones this visitor may see), or the 404 page:
    someone else's file is answered as if it did not exist."""
    found = next((f for f in files if f.id == file_id), None)
    if found is None:
        abort(404)
    return found


def send_upload(upload: StoredUpload) -> Response:
    """`send` for an upload's row, under the name it was uploaded with."""
    return send(upload.stored_name, upload.media_type, upload.original_name)
