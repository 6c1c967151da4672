"""Evidence files: the rules and storage are the core's (`workshops.uploads`), shared with the
validation plugin, which stores the files submitters add in answer to the panel's questions.
This module keeps the names the feedback plugin has always used."""

from __future__ import annotations

from workshops.uploads import (
    ACCEPTED,
    MAX_BYTES,
    MAX_FILES,
    MAX_UNPACKED,
    OLE_MAGIC,
    Refused,
    Sniffed,
    check_size,
    folder,
    path_of,
    remove,
    safe_label,
    sniff,
    store,
)

__all__ = ["ACCEPTED", "MAX_BYTES", "MAX_FILES", "MAX_UNPACKED", "OLE_MAGIC", "Refused", "Sniffed",
           "check_size", "folder", "path_of", "remove", "safe_label", "sniff", "store"]
