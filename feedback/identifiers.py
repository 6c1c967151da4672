"""The personal-data scanner, now in the core (`workshops.identifiers`), named here as before.

Validation scans a submitter's amended answers with the same rules, and a plugin may not import
another plugin, so the scanner moved to the core. This module keeps the old imports working;
new code imports `workshops.identifiers`.
"""

from __future__ import annotations

from workshops.identifiers import (
    CONTEXT_CHARS,
    ELLIPSIS,
    LABELS,
    NOT_PEOPLE,
    Flag,
    context_of,
    nhs_number_is_valid,
    scan,
    scan_text,
)

__all__ = ["CONTEXT_CHARS", "ELLIPSIS", "LABELS", "NOT_PEOPLE", "Flag", "context_of",
           "nhs_number_is_valid", "scan", "scan_text"]
