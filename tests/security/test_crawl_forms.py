"""Every staff form the demo leads to, fed hostile values: never a server error.

The public forms are fuzzed one by one (test_fuzz_forms.py); the staff forms are many, and a
new one is easy to add without a fuzz test of its own. So this crawls the demo as the admin
(who may open every staff page) and as a panel member (who alone sees the scoring forms of
their cases), on a workshop's day so that the check-in forms are there too, and sends each
form it finds values that have broken forms before: a number past the database's integers, a
digit int() cannot read, one word longer than any column, a NUL (which PostgreSQL refuses in
text), markup and header injection. Each value goes into every field at
once, and the worst few into one field at a time with the others as the page filled them.
"""

from __future__ import annotations

import collections
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask, current_app

from tests.conftest import clock_at
from workshops import demo
from workshops.plugins import enabled_plugins

HOSTILE = ["9" * 25, "2147483648", "²", "-1", "x" * 20_000, "a\x00b", "",
           "\u202e<script>alert(1)</script>", "\r\nBcc: someone@example.org", "../../etc/passwd"]
ONE_FIELD = ["9" * 25, "x" * 20_000, "a\x00b"]
PUBLIC_FORMS = ("/series/", "/booking/", "/practice/")  # fuzzed one by one
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".json", ".ics", ".atom", "/logout")
PAGES_PER_SHAPE = 4  # enough pages of one kind (a past workshop has no edit form) to find its forms
A_WORKSHOPS_DAY = datetime(2010, 3, 2, 10, 30, tzinfo=UTC)  # the demo's North East workshop


class _Page(HTMLParser):
    """The links on a page and its forms: action, method, enctype and (name, type, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "a" and found.get("href"):
            self.links.append(found["href"])
        elif tag == "form":
            self._form = {"action": found.get("action", ""),
                          "method": found.get("method", "get").lower(),
                          "multipart": found.get("enctype") == "multipart/form-data",
                          "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") \
                and found.get("name"):
            kind = found.get("type", "text") if tag == "input" else tag
            if kind in ("checkbox", "radio") and "checked" not in found:
                value = None  # sent only if ticked
            else:
                value = found.get("value", "")
            self._form["fields"].append([found["name"], kind, value])
            self._select = self._form["fields"][-1] if tag == "select" else None
        elif tag == "option" and self._select is not None \
                and ("selected" in found or not self._select[2]):
            self._select[2] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _shape(path: str) -> str:
    # Ids and tokens vary; the page they lead to does not.
    return re.sub(r"\d+", "N", re.sub(r"/[A-Za-z0-9_-]{20,}", "/TOKEN", path))


def _demo_passwords(app: Flask) -> dict[str, tuple[str, str]]:
    passwords = demo.load()
    for plugin in enabled_plugins(app).values():
        if plugin.demo is not None:
            passwords.update(plugin.demo())
    return passwords


def _signed_in(app: Flask, passwords: dict[str, tuple[str, str]], role: str,
               address: str):  # noqa: ANN202
    email, (_, password) = next((e, p) for e, p in passwords.items() if p[0] == role)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 303, f"the {role} could not sign in"
    return client


def _variants(fields: list[list]) -> list[list[tuple[str, str]]]:
    named = [f for f in fields if f[1] not in ("submit", "button", "file")]
    as_filled = [(name, value) for name, _, value in named if value is not None]
    every_field = [[(name, odd) for name in dict.fromkeys(f[0] for f in named)]
                   for odd in HOSTILE]
    one_field = [[(n, odd if n == name else v) for n, v in as_filled]
                 + ([] if any(n == name for n, _ in as_filled) else [(name, odd)])
                 for name in dict.fromkeys(f[0] for f in named) for odd in ONE_FIELD]
    return every_field + one_field


def _send(client, form: dict, action: str, data: list[tuple[str, str]]):  # noqa: ANN001, ANN202
    if form["method"] == "get":
        return client.get(action, query_string=data)
    body: dict = collections.defaultdict(list)
    for name, value in data:
        body[name].append(value)
    if form["multipart"]:
        for name, kind, _ in form["fields"]:
            if kind == "file":
                body[name] = (io.BytesIO(b"not a real file"), "hostile.txt")
    return client.post(action, data=dict(body))


def _crawl(client, forms: set, problems: list[str]) -> int:  # noqa: ANN001
    """Follow every link from the staff start pages; fuzz each form not met before. Returns
    the number of requests the forms were sent."""
    queue = collections.deque(["/organiser/", "/validation/", "/validation/panel",
                               "/feedback/submissions", "/admin/staff/", "/"])
    seen, shapes, sent = set(), collections.Counter(), 0
    while queue:
        parts = urlsplit(urljoin("http://workshops.test/", queue.popleft()))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc != "workshops.test" or path in seen or path.endswith(NOT_PAGES) \
                or path.startswith("/static"):
            continue
        seen.add(path)
        shapes[_shape(parts.path)] += 1
        if shapes[_shape(parts.path)] > PAGES_PER_SHAPE:
            continue
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"GET {path}: {response.status_code}")
        if response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        queue.extend(link for link in page.links if not link.startswith(("mailto:", "#")))
        for form in page.forms:
            action = urlsplit(urljoin(f"http://workshops.test{path}", form["action"])).path
            names = tuple(sorted({f[0] for f in form["fields"] if f[1] not in ("submit",)}))
            shape = (form["method"], _shape(action), names)
            if not names or shape in forms or action.startswith(PUBLIC_FORMS):
                continue
            forms.add(shape)
            for data in _variants(form["fields"]):
                sent += 1
                answer = _send(client, form, action, data)
                if answer.status_code >= 500:
                    shown = ", ".join(f"{n}={v[:12]!r}" for n, v in data)
                    problems.append(f"{form['method'].upper()} {action} [{shown}]: "
                                    f"{answer.status_code}")
    return sent


def test_every_staff_form_the_demo_reaches_survives_hostile_values(app: Flask) -> None:
    current_app.config["CLOCK_OFFSET"] = clock_at(A_WORKSHOPS_DAY)
    passwords = _demo_passwords(app)
    forms: set = set()
    problems: list[str] = []
    # The admin opens every staff page; a panel member also has the scoring forms of the cases
    # assigned to them, which no one else sees.
    sent = _crawl(_signed_in(app, passwords, "admin", "10.77.0.1"), forms, problems)
    sent += _crawl(_signed_in(app, passwords, "panel-member", "10.77.0.2"), forms, problems)
    # Enough was reached that a pass means something: the organiser's, the validation
    # staff's and the admin's forms, the check-in forms of the day among them.
    actions = {shape[1] for shape in forms}
    assert len(forms) >= 25 and sent > 400, sorted(actions)
    for expected in ("/organiser/workshops/N/edit", "/organiser/workshops/N/walk-in",
                     "/validation/publications/N", "/admin/staff/invite",
                     "/validation/cases/N/score"):
        assert expected in actions, sorted(actions)
    assert not problems, "\n".join(problems)
