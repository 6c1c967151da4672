"""Hostile inputs an attacker (or an unlucky copy and paste) sends into every text field.

Each entry is stored verbatim or refused with a message beside its field; none may run as
script, SQL, a mail header, a path or a spreadsheet formula.
"""

from __future__ import annotations

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    '<svg onload=alert(1)>',
    "'\"><iframe src=javascript:alert(1)>",
    "{{ 7*7 }}{% raw %}",
    "[click me](javascript:alert(1))",
]

SQL = [
    "' OR 1=1--",
    "'; DROP TABLE bookings;--",
    "Robert'); DROP TABLE users;--",
    '" OR ""="',
]

HEADER_INJECTION = [
    "Jo Bloggs\r\nBcc: victim@evil.example",
    "Jo\nSubject: hijacked",
    "Jo\r\n\r\n<html>body smuggled</html>",
]

# Email fields: each of these must be refused, never sent to an extra recipient.
EMAIL_INJECTION = [
    "a@b.org\r\nBcc: x@y.org",
    "a@b.org\nCc: x@y.org",
    "a@b.org, x@y.org",
    "a@b.org%0d%0aBcc:x@y.org",
]

PATH_TRAVERSAL = [
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
]

FORMULA = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]

ODD_UNICODE = [
    "\u202eevil\u202c name",  # right-to-left override
    "zero\u200bwidth\u200d",
    "Z\u0351\u0352\u0353\u0354a\u0355\u0356lgo",  # combining marks
    "👩🏽‍💻 Siân 🇬🇧",
    "nul\x00byte",
]

OVERSIZED = ["A" * 5000]

# Text fields: everything that is not an address.
TEXT = [*XSS, *SQL, *HEADER_INJECTION, *PATH_TRAVERSAL, *FORMULA, *ODD_UNICODE, *OVERSIZED]

# Substrings that would only appear in a page if a payload had been let through unescaped.
EXECUTABLE = ["<script>alert(1)", "<img src=x onerror", "<svg onload", "<iframe src=javascript",
              'href="javascript:', "<html>body smuggled"]
