"""Every form the demo leads to, fed hostile values: never a server error.

The booking and practice forms are fuzzed one by one (test_fuzz_forms.py); the others are many,
and a new one is easy to add without a fuzz test of its own. So this crawls the demo on a
workshop's day (so that the check-in forms are there too) as the admin, who may open every
staff page; as a panel member and as the chair, who alone see the scoring and decision forms;
and with no one signed in, from the personal links the demo's emails carry (a submitter's
answers to the screener's questions, their approval of the public text, an evaluation, a new
colleague's invitation to set a password). It sends each form it finds values that have broken
forms before: a number past the database's integers, a digit int() cannot read, one word longer
than any column, a NUL (which PostgreSQL refuses in text), markup and header injection. Each
value goes into every field at once, and the worst few into one field at a time with the others
as the page filled them; each post carries the form's first button, as a browser's would.
Every refusal (422) must name the field, as GOV.UK's error summary does, with a link to it;
and no form may accept the long word: every box a person types into has a limit, and says so.
"""

from __future__ import annotations

import collections
import dataclasses
import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask, current_app
from sqlalchemy import select

from tests import demo_site
from tests.conftest import clock_at
from tests.security import FreshClient, summary_problems, visitor
from validation.models import Case, CaseState
from workshops.extensions import db

# The text attacks first: a form that ends its link's purpose (ENDINGS) takes values only until
# it accepts one.
OVERSIZED = "x" * 30_001  # more than the longest box takes (1,000 words of an answer)
HOSTILE = [OVERSIZED, "\u202e<script>alert(1)</script>", "\r\nBcc: someone@example.org",
           "a\x00b", "../../etc/passwd", "²", "9" * 25, "2147483648", "-1", ""]
ONE_FIELD = ["9" * 25, OVERSIZED, "a\x00b"]
PUBLIC_FORMS = ("/series/", "/booking/", "/practice/", "/feedback/practice/")  # fuzzed one by one
# Posted last: each ends what its page was for, and the other forms about the case with it
# (questions to the submitter take a case from the screener or the panel until answered; a
# cancelled workshop's bookings can no longer be changed).
ENDINGS = ("/withdraw", "/request", "/cancel")
PAGES_PER_SHAPE = 4  # enough pages of one kind (a past workshop has no edit form) to find its forms


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
        elif self._form is not None and tag == "button" and found.get("name") \
                and found.get("type", "submit") == "submit":
            self._form["fields"].append([found["name"], "submit", found.get("value", "")])
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
    return re.sub(r"\d+", "N", re.sub(r"/[A-Za-z0-9_.-]{20,}", "/TOKEN", path))


def _signed_in(app: Flask, passwords: demo_site.Passwords, role: str,
               address: str) -> FreshClient:
    email, password = demo_site.credentials(passwords, role)
    client = visitor(app, address)
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 303, f"the {role} could not sign in"
    return client


def _variants(fields: list[list]) -> list[list[tuple[str, str]]]:
    named = [f for f in fields if f[1] not in ("submit", "button", "file")]
    button = [(name, value) for name, kind, value in fields if kind == "submit"][:1]
    as_filled = [(name, value) for name, _, value in named if value is not None]
    every_field = [[(name, odd) for name in dict.fromkeys(f[0] for f in named)]
                   for odd in HOSTILE]
    one_field = [[(n, odd if n == name else v) for n, v in as_filled]
                 + ([] if any(n == name for n, _ in as_filled) else [(name, odd)])
                 for name in dict.fromkeys(f[0] for f in named) for odd in ONE_FIELD]
    return [variant + button for variant in every_field + one_field]


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


def _fuzz(client, action: str, form: dict, problems: list[str]) -> tuple[int, bool]:  # noqa: ANN001
    """Send the form its variants. Returns how many were sent, and whether each was refused
    for the state of what the page is about (409, 410) rather than judged on its values."""
    sent, judged = 0, False
    typed = {name for name, kind, _ in form["fields"]
             if kind not in ("hidden", "submit") and name != "csrf_token"}
    for data in _variants(form["fields"]):
        sent += 1
        answer = _send(client, form, action, data)
        shown = ", ".join(f"{n}={v[:12]!r}" for n, v in data)
        if answer.status_code >= 500:
            problems.append(f"{form['method'].upper()} {action} [{shown}]: "
                            f"{answer.status_code}")
        if answer.status_code == 422 and (
                missing := summary_problems(answer.get_data(as_text=True))):
            problems.append(f"POST {action} [{shown}]: refused without naming the field "
                            f"({'; '.join(missing)})")
        if form["method"] == "post" and answer.status_code in (301, 302, 303) \
                and (took := [n for n, v in data if v == OVERSIZED and n in typed]):
            problems.append(f"POST {action} accepted {len(OVERSIZED):,} characters in "
                            f"{', '.join(took)}")
        judged = judged or answer.status_code not in (400, 409, 410)
        if action.endswith(ENDINGS) and answer.status_code in (301, 302, 303):
            break  # it has done what it is for (a workshop cancelled): nothing is left to judge
    return sent, not judged


@dataclasses.dataclass
class Reach:
    """What the crawls have done: the forms met (by shape), the actions whose forms were judged
    on their values at least once, the requests sent, and what went wrong."""

    forms: set = dataclasses.field(default_factory=set)
    judged: set = dataclasses.field(default_factory=set)
    sent: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)


def _crawl(client, start: list[str], reach: Reach) -> None:  # noqa: ANN001
    """Follow every link from `start`, then fuzz each form not met before.

    The forms are sent once the crawl is done, so no post (a withdrawal, say) can take away
    a page before the crawl has found it; and the deeper forms behind a link go before the
    link's own, so that an answer to a request is not sent before the amendments it ends.
    A form refused every time for the state of its case (a decision before the scores are
    in) is sent again from the next page of its kind.
    """
    queue = collections.deque(start)
    seen, shapes = set(), collections.Counter()
    found: dict[tuple, list[tuple[str, dict]]] = {}
    while queue:
        parts = urlsplit(urljoin("http://workshops.test/", queue.popleft()))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc != "workshops.test" or path in seen \
                or path.endswith(demo_site.NOT_PAGES) or path.startswith("/static"):
            continue
        seen.add(path)
        shapes[_shape(parts.path)] += 1
        if shapes[_shape(parts.path)] > PAGES_PER_SHAPE and path not in start:
            continue
        response = client.get(path)
        if response.status_code >= 500:
            reach.problems.append(f"GET {path}: {response.status_code}")
        if response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        queue.extend(link for link in page.links if not link.startswith(("mailto:", "#")))
        for form in page.forms:
            action = urlsplit(urljoin(f"http://workshops.test{path}", form["action"])).path
            names = tuple(sorted({f[0] for f in form["fields"] if f[1] != "submit"}))
            shape = (form["method"], _shape(action), names)
            if not names or shape in reach.forms or action.startswith(PUBLIC_FORMS):
                continue
            if all(action != other for other, _ in found.get(shape, [])):
                found.setdefault(shape, []).append((action, form))
    reach.forms.update(found)
    for shape, instances in sorted(found.items(), key=lambda each: (
            each[1][0][0].endswith(ENDINGS), -each[1][0][0].count("/"))):
        for action, form in instances:
            count, refused = _fuzz(client, action, form, reach.problems)
            reach.sent += count
            if not refused:
                reach.judged.add(shape[1])
                break


def test_every_form_the_demo_reaches_survives_hostile_values(app: Flask) -> None:
    current_app.config["CLOCK_OFFSET"] = clock_at(demo_site.A_WORKSHOPS_DAY)
    passwords = demo_site.load(app)
    links = demo_site.personal_links()
    reach = Reach()
    staff_pages = ["/organiser/", "/validation/", "/validation/panel", "/feedback/submissions",
                   "/admin/staff/", "/", *demo_site.staff_workshop_pages()]
    # The chair's decision pages directly: the case pages that link to them are many.
    deciding = [f"/validation/cases/{case_id}/decision" for case_id in db.session.scalars(
        select(Case.id).where(Case.state == CaseState.WITH_PANEL))]
    for role, address, start in (("admin", "10.77.0.1", staff_pages),
                                 ("panel-member", "10.77.0.2", staff_pages),
                                 ("panel-chair", "10.77.0.3", deciding + staff_pages)):
        _crawl(_signed_in(app, passwords, role, address), start, reach)
    # Each client is only who its own cookie says: the crawls share the test's app context,
    # where a plain test client would go on as whoever signed in last.
    anonymous = visitor(app, "10.77.0.4")
    assert anonymous.get("/organiser/").status_code == 302, "the visitor is signed in"
    _crawl(anonymous, links, reach)
    # Enough was reached that a pass means something: the organiser's, the validation
    # staff's and the admin's forms, the check-in forms of the day among them, and the forms
    # behind each kind of personal link, each judged on its values at least once.
    assert len(reach.forms) >= 35 and reach.sent > 500, sorted(reach.judged)
    for expected in ("/organiser/workshops/N/edit", "/organiser/workshops/N/walk-in",
                     "/organiser/workshops/N/bookings/new",
                     "/validation/publications/N", "/admin/staff/invite",
                     "/validation/cases/N/score", "/validation/cases/N/decision",
                     "/validation/respond/TOKEN/section/difference",
                     "/validation/respond/TOKEN/withdraw", "/validation/approve/TOKEN",
                     "/feedback/invitation/TOKEN/evaluation", "/staff/set-password/TOKEN"):
        assert expected in reach.judged, sorted(reach.judged)
    assert not reach.problems, "\n".join(reach.problems)
