"""Every route × every kind of visitor, generated from the URL map.

Each endpoint must match a policy below; a route added without one fails
`test_every_route_has_a_policy`, so no new page can escape the matrix. Ids in URLs name
nothing (999999): the permission check must come before the lookup, so a visitor without the
role learns nothing, not even whether the thing exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch

import pytest
from flask import g
from werkzeug.routing import IntegerConverter, Rule

from tests.conftest import login, make_staff
from workshops.models import Role
from workshops.row_ids import LARGEST

ANONYMOUS = "anonymous"
PERSONAS = [ANONYMOUS, *(role.value for role in Role)]
# Panel members read only the cases they are assigned to (tests/validation/test_case_access.py):
# not the submissions list, its exports or the list of cases.
READERS = {Role.ORGANISER, Role.SCREENER, Role.PANEL_CHAIR}
VALIDATION_STAFF = {Role.SCREENER, Role.PANEL_MEMBER, Role.PANEL_CHAIR}


@dataclass(frozen=True)
class Policy:
    kind: str  # "public", "token", "signed-in" or "roles"
    roles: frozenset[str] = frozenset()


PUBLIC = Policy("public")
TOKEN = Policy("token")  # a personal link: an unknown token is simply not found
SIGNED_IN = Policy("signed-in")


def roles(*allowed: Role) -> Policy:
    return Policy("roles", frozenset(str(r) for r in allowed))


# First match wins: the specific patterns come before the general ones.
POLICIES: list[tuple[str, Policy]] = [
    ("static", PUBLIC),
    ("public.*", PUBLIC),
    ("health.*", PUBLIC),
    ("calendar_feeds.*", PUBLIC),
    ("auth.login", PUBLIC),
    ("auth.logout", PUBLIC),
    ("auth.password", SIGNED_IN),
    ("booking.links", PUBLIC),
    ("booking.*", TOKEN),
    ("staff_invite.set_password", TOKEN),
    ("password_reset.ask", PUBLIC),
    ("password_reset.choose", TOKEN),
    ("checkin.check_in", roles(Role.ORGANISER)),
    ("organiser.*", roles(Role.ORGANISER)),
    ("staff_admin.*", roles(Role.ADMIN)),
    ("personal_data.*", roles(Role.ADMIN)),
    ("*.health", PUBLIC),
    ("packs.delegate_pack", TOKEN),
    ("packs.fillable_download", TOKEN),
    ("packs.*", roles(Role.ORGANISER)),
    ("feedback.index", PUBLIC),
    ("feedback.start", PUBLIC),
    ("feedback.booking_practice", TOKEN),
    ("feedback.invitation", TOKEN),
    ("feedback.evaluation", TOKEN),
    ("feedback.evaluation_sent", TOKEN),
    ("feedback.practice*", TOKEN),
    ("feedback.check", TOKEN),
    ("feedback.copy_pdf", TOKEN),
    ("feedback.download_evidence", TOKEN),
    ("feedback.remove_evidence", TOKEN),
    ("feedback.*_evaluations*", roles(Role.ORGANISER)),
    ("feedback.submission*", roles(*READERS)),
    ("feedback.export_*", roles(*READERS)),
    ("feedback.staff_evidence", roles(*READERS)),
    ("library.*", PUBLIC),
    ("validation.respond*", TOKEN),
    ("validation.approve*", TOKEN),
    ("validation.withdraw*", TOKEN),
    ("validation.rubric*", roles(Role.ADMIN)),
    ("validation.decision", roles(Role.PANEL_CHAIR)),
    ("validation.panel_assign", roles(Role.PANEL_CHAIR)),
    ("validation.panel_unassign", roles(Role.PANEL_CHAIR)),
    ("validation.panel_home", roles(Role.PANEL_MEMBER, Role.PANEL_CHAIR)),
    ("validation.panel_score", roles(Role.PANEL_MEMBER, Role.PANEL_CHAIR)),
    ("validation.interests", roles(Role.PANEL_MEMBER, Role.PANEL_CHAIR)),
    ("validation.publication*", roles(Role.SCREENER, Role.PANEL_CHAIR)),
    ("validation.pipeline", roles(Role.PANEL_CHAIR, Role.SCREENER, Role.ORGANISER)),
    ("validation.export_validated", roles(Role.PANEL_CHAIR, Role.SCREENER, Role.ORGANISER)),
    ("validation.queue", roles(Role.SCREENER, Role.PANEL_CHAIR)),
    ("validation.case", roles(*VALIDATION_STAFF)),
    ("validation.case_file", roles(*VALIDATION_STAFF)),
    ("validation.start", roles(Role.SCREENER)),
    ("validation.screen", roles(Role.SCREENER)),
    ("validation.close", roles(Role.SCREENER)),
    # A panel member asks only about a case assigned to them (tests/validation/test_requests).
    ("validation.request_information", roles(Role.SCREENER, Role.PANEL_CHAIR,
                                             Role.PANEL_MEMBER)),
]


def policy_for(endpoint: str) -> Policy | None:
    return next((policy for pattern, policy in POLICIES if fnmatch(endpoint, pattern)), None)


def _url(rule: Rule, row_id: int = 999999) -> str:
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():  # noqa: SLF001
        kind = type(converter).__name__
        if isinstance(converter, IntegerConverter):
            values[name] = row_id
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "csv"
        else:
            values[name] = "not-a-real-token"
    path = rule.build(values, append_unknown=False)[1]
    return path


def _any_value(rule: Rule) -> None:
    # werkzeug's AnyConverter keeps its choices in a regex; pull the first one out.
    for converter in rule._converters.values():  # noqa: SLF001
        if type(converter).__name__ == "AnyConverter" and not hasattr(converter, "items"):
            converter.items = re.findall(r"[\w-]+", converter.regex.replace("?:", ""))


def _rules(app) -> list[Rule]:  # noqa: ANN001
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        _any_value(rule)
        found.append(rule)
    return found


def test_every_route_has_a_policy(app) -> None:
    missing = sorted({r.endpoint for r in _rules(app) if policy_for(r.endpoint) is None})
    assert not missing, f"routes with no access policy in {__file__}: {missing}"


@pytest.fixture()
def clients(app) -> dict[str, object]:
    made = {ANONYMOUS: app.test_client()}
    for n, role in enumerate(Role, start=1):
        user = make_staff(role, f"matrix-{role.value}@example.org")
        # An address of its own, so the sign-in rate limit counts each persona apart.
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.9.9.{n}"
        login(client, user)
        g.pop("_login_user", None)
        made[role.value] = client
    return made


def _allowed(policy: Policy, persona: str) -> bool:
    if policy.kind != "roles":
        return True
    return persona != ANONYMOUS and (persona == Role.ADMIN or persona in policy.roles)


def _verdict(policy: Policy, persona: str, status: int, location: str) -> str | None:
    """What is wrong with this answer, or None."""
    if status >= 500:
        return f"server error {status}"
    to_login = status in (301, 302, 303) and "/staff/login" in location
    if policy.kind == "token":
        return None if status in (404, 410) else f"expected 404 for an unknown token, got {status}"
    if policy.kind == "public":
        return f"public page answered {status}" if to_login or status in (401, 403) else None
    if persona == ANONYMOUS:
        return None if to_login else f"expected a sign-in redirect, got {status} {location}"
    if policy.kind == "signed-in" or _allowed(policy, persona):
        return f"allowed role refused ({status})" if to_login or status == 403 else None
    return None if status == 403 else f"expected 403, got {status}"


def test_each_route_answers_each_visitor_as_its_policy_says(app, clients) -> None:
    problems = []
    checked = 0
    # Signing out goes last: it would sign every persona out of the rest of the matrix.
    for rule in sorted(_rules(app), key=lambda r: r.endpoint == "auth.logout"):
        policy = policy_for(rule.endpoint)
        if policy is None:
            continue
        url = _url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for persona in PERSONAS:
                client = clients[persona]
                # The test's app context (and its `g`) outlives each request: forget the user
                # Flask-Login cached there, or one persona's sign-in leaks into the next.
                g.pop("_login_user", None)
                response = client.open(url, method=method, data={})
                checked += 1
                location = response.headers.get("Location", "")
                wrong = _verdict(policy, persona, response.status_code, location)
                if wrong:
                    problems.append(f"{method} {url} ({rule.endpoint}) as {persona}: {wrong}")
    assert checked > 300
    assert not problems, "\n".join(problems)


def test_an_id_past_the_databases_range_is_not_found_on_every_route(app, clients) -> None:
    # The database refuses such a number rather than finding nothing (PostgreSQL's integer
    # ends at 2**31 - 1, SQLite binds nothing past 2**63 - 1): every route must say "not found"
    # before asking it. The admin may open every staff page, so the lookup is reached.
    problems, checked = [], 0
    for rule in _rules(app):
        if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):  # noqa: SLF001
            continue
        for number in (LARGEST + 1, 10**25):
            url = _url(rule, number)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                g.pop("_login_user", None)
                response = clients[Role.ADMIN.value].open(url, method=method, data={})
                checked += 1
                # Not a 405 where another rule has the same path for other methods either:
                # the converter's pattern stops at the ceiling, so no rule matches at all.
                if response.status_code != 404:
                    problems.append(f"{method} {url}: {response.status_code}")
    assert checked > 100
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query", [f"workshop={LARGEST + 1}", "workshop=10000000000000000000000",
                                   "page=10000000000000000000000", "workshop=-1&page=-5"])
@pytest.mark.parametrize("path", ["/feedback/submissions", "/feedback/submissions.csv",
                                  "/feedback/submissions.json"])
def test_numbers_out_of_range_in_a_query_string_are_ignored(clients, path, query) -> None:
    response = clients[Role.ADMIN.value].get(f"{path}?{query}")
    assert response.status_code == 200
