"""The pipeline page and the review team's exports: right figures, fixed cost, safe files.

Cases here are rows with a history written straight into the audit log, at known times: the
figures are about time, and the workflow itself always acts "now". The shape of each history
(actions, before and after) is the one `workflow.move` writes.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import event

from tests.conftest import login, make_staff
from tests.workshops.test_dashboard import Node, chart_rows, read_html
from validation import pipeline, workflow
from validation.models import (
    STATE_LABELS,
    Assignment,
    Case,
    CaseState,
    Level,
    Publication,
    PublicationStatus,
)
from workshops import clock
from workshops.extensions import db
from workshops.models import AuditEntry, Role, User

C = CaseState
DAY = timedelta(days=1)
# The audit action for each change, as workflow.move writes it.
ACTIONS = {(before, after): action.replace("_", " ")
           for action, moves in workflow.TRANSITIONS.items()
           for before, after in moves.items() if before is not None}
_numbers = itertools.count(1)

PAGE = "/validation/pipeline"
CSV_EXPORT = "/validation/exports/validated.csv"
JSON_EXPORT = "/validation/exports/validated.json"


def make_case(path: Sequence[tuple[float, str]] = (), *, start: datetime,
              level: str | None = None, **fields: object) -> Case:
    """A case received at `start`, then moved through `path`: (days after start, state)."""
    n = next(_numbers)
    state, since = C.RECEIVED, start
    values = {"title": f"Practice {n}", **fields}
    case = Case(submission_id=10_000 + n, reference=f"VLP-{n:04d}",
                submitter_email=f"submitter{n}@example.org", submitted_at=start,
                received_at=start, state=state, state_since=start, level=level, **values)
    db.session.add(case)
    db.session.flush()
    db.session.add(AuditEntry(at=start, actor_label="system", action="received",
                              entity="validation_case", entity_id=case.id,
                              details={"reference": case.reference}))
    for days, after in path:
        since = start + days * DAY
        db.session.add(AuditEntry(at=since, actor_label="staff@example.org",
                                  action=ACTIONS[(state, after)], entity="validation_case",
                                  entity_id=case.id, details={"before": state, "after": after}))
        if after == C.DECIDED:
            case.decided_at = since
        state = after
    case.state, case.state_since = state, since
    db.session.commit()
    return case


def member(name: str, role: Role = Role.PANEL_MEMBER, *, active: bool = True) -> User:
    user = make_staff(role, email=f"{name.split()[0].lower()}-{next(_numbers)}@example.org")
    user.name, user.active = name, active
    db.session.commit()
    return user


def assign(case: Case, user: User, *, at: datetime, scored_after: float | None = None,
           scores: tuple[int, int, int] = (2, 2, 2), level: str = Level.PROMISING,
           rationale: str = "A clear account with outcome data.") -> Assignment:
    assignment = Assignment(case_id=case.id, user_id=user.id, assigned_at=at)
    if scored_after is not None:
        assignment.adequacy, assignment.evidence, assignment.transferability = scores
        assignment.recommended_level, assignment.rationale = level, rationale
        assignment.scored_at = at + scored_after * DAY
    db.session.add(assignment)
    db.session.commit()
    return assignment


def page_of(client) -> Node:  # noqa: ANN001
    response = client.get(PAGE)
    assert response.status_code == 200
    return read_html(response.get_data(as_text=True))


def table(page: Node, table_id: str) -> list[list[str]]:
    """A table's body, as the text of each row's cells (its heading first)."""
    return [[cell.text for cell in row.children if cell.tag in ("th", "td")]
            for row in page.find("table", id=table_id).find("tbody").find_all("tr")]


@pytest.fixture()
def screener(app) -> User:
    return member("Sam Screener", Role.SCREENER)


@pytest.fixture()
def signed_in(client, screener):  # noqa: ANN001, ANN201
    login(client, screener)
    return client


# --- where cases are ---------------------------------------------------------------------------

def test_cases_are_counted_in_every_state_in_workflow_order(signed_in):
    start = clock.now() - 20 * DAY
    for path in ([], [], [(1, C.SCREENING)], [(1, C.SCREENING), (2, C.INFO_REQUESTED)],
                 [(1, C.SCREENING), (2, C.WITHDRAWN)]):
        make_case(path, start=start)
    counts = {C.RECEIVED: 2, C.SCREENING: 1, C.INFO_REQUESTED: 1, C.WITHDRAWN: 1}
    expected = [(state, STATE_LABELS[state], counts.get(state, 0)) for state in CaseState]
    assert pipeline.figures().states == expected

    page = page_of(signed_in)
    assert table(page, "cases-by-state") == [
        *([label, str(number)] for _, label, number in expected), ["All cases", "5"]]
    assert chart_rows(page, "chart-states") == [(label, str(number))
                                               for _, label, number in expected]
    # Screeners can open the queue at each state.
    assert page.find("a", href="/validation/?state=info_requested").text == (
        "More information requested")
    assert {node.attrs["data-figure"]: node.text for node in page.find_all("span")
            if "data-figure" in node.attrs} == {"total": "5", "open": "4", "decided": "0"}


# --- time in each stage ------------------------------------------------------------------------

def _timeline(start: datetime) -> None:
    """Six cases whose days in each stage are known; 'now' is twelve days after `start`."""
    # Screened, asked a question, screened again, then with the panel ever since (2 days).
    make_case([(1, C.SCREENING), (3, C.INFO_REQUESTED), (8, C.SCREENING), (10, C.WITH_PANEL)],
              start=start)
    make_case([(2, C.SCREENING), (3, C.WITH_PANEL), (7, C.DECIDED), (11, C.PUBLISHED)],
              start=start, level=Level.VALIDATED)
    # Closed at once on its decision: no time waiting for publication.
    make_case([(1, C.SCREENING), (5, C.WITH_PANEL), (7, C.DECIDED), (7, C.NOT_PUBLISHED)],
              start=start, level=Level.NOT_VALIDATED)
    make_case([], start=start + 10 * DAY)  # received two days ago, not yet screened
    make_case([(0.5, C.SCREENING), (3.5, C.WITHDRAWN)], start=start)
    make_case([(1, C.SCREENING), (2, C.WITH_PANEL), (11, C.DECIDED)], start=start,
              level=Level.VALIDATED)  # decided a day ago, not yet published


def test_time_in_stage_adds_up_visits_and_counts_cases_still_there_up_to_now(app):
    start = clock.now() - 12 * DAY
    _timeline(start)
    stages = {row.stage.state: row for row in pipeline.figures(now=start + 12 * DAY).stages}
    # received: 1, 2, 1, 2 (still there), 0.5, 1
    assert (stages[C.RECEIVED].median_days, stages[C.RECEIVED].cases,
            stages[C.RECEIVED].ongoing) == (1, 6, 1)
    # screening: 2 + 2 (two visits), 1, 4, 3, 1
    assert (stages[C.SCREENING].median_days, stages[C.SCREENING].cases) == (3, 5)
    assert (stages[C.INFO_REQUESTED].median_days, stages[C.INFO_REQUESTED].cases) == (5, 1)
    # with the panel: 2 (still there), 4, 2, 9
    assert (stages[C.WITH_PANEL].median_days, stages[C.WITH_PANEL].cases,
            stages[C.WITH_PANEL].ongoing) == (3, 4, 1)
    # decided to published: 4, and 1 for the case still waiting; the closed case is left out
    assert (stages[C.DECIDED].median_days, stages[C.DECIDED].cases,
            stages[C.DECIDED].ongoing) == (2.5, 2, 1)


def test_the_page_shows_the_medians_and_says_how_they_are_measured(signed_in):
    _timeline(clock.now() - 12 * DAY)
    page = page_of(signed_in)
    assert table(page, "stage-times") == [
        ["Waiting for screening", "1.0", "6", "1"],
        ["Screening", "3.0", "5", "0"],
        ["More information requested", "5.0", "1", "0"],
        ["With the panel", "3.0", "4", "1"],
        ["Decision to publication", "2.5", "2", "1"],
    ]
    assert page.find("h3", id="how-measured")
    assert "its visits are added together" in page.text
    assert "only practice that is to be published counts here" in page.text


def test_a_stage_no_case_has_reached_says_so(signed_in):
    make_case([(1, C.SCREENING)], start=clock.now() - 3 * DAY)
    rows = {row[0]: row for row in table(page_of(signed_in), "stage-times")}
    assert rows["With the panel"] == ["With the panel", "None yet", "0", "0"]


# --- decisions ---------------------------------------------------------------------------------

def test_shares_of_decisions_are_shown_against_the_programmes_benchmark(signed_in):
    start = clock.now() - 30 * DAY
    decided = [(1, C.SCREENING), (2, C.WITH_PANEL), (5, C.DECIDED), (5, C.NOT_PUBLISHED)]
    for level, number in ((Level.VALIDATED, 2), (Level.PROMISING, 4), (Level.EMERGING, 6),
                          (Level.NOT_VALIDATED, 8)):
        for _ in range(number):
            make_case(decided, start=start, level=level)
    make_case([(1, C.SCREENING)], start=start)  # open: not a decision

    levels = {row.level: row for row in pipeline.figures().levels}
    assert [(row.cases, row.share, row.benchmark) for row in levels.values()] == [
        (2, 10, 10), (4, 20, 15), (6, 30, None), (8, 40, None)]
    assert levels[Level.PROMISING].against_benchmark == "5 points above"

    page = page_of(signed_in)
    assert table(page, "decisions") == [
        ["Validated", "2", "10%", "About 10%", "On the benchmark"],
        ["Promising", "4", "20%", "About 15%", "5 points above"],
        ["Emerging", "6", "30%", "None set", ""],
        ["Not validated", "8", "40%", "None set", ""],
    ]
    assert chart_rows(page, "chart-levels") == [
        ("Validated", "2 (10%)"), ("Promising", "4 (20%)"), ("Emerging", "6 (30%)"),
        ("Not validated", "8 (40%)")]
    assert "over 600 submissions, about 10% were validated and 15% judged promising" in (
        page.text)


def test_few_decisions_come_with_a_warning_and_none_with_no_table(signed_in):
    page = page_of(signed_in)
    assert not page.find_all("table", id="decisions")
    assert "The panel has not decided any cases yet." in page.text
    make_case([(1, C.SCREENING), (2, C.WITH_PANEL), (3, C.DECIDED)],
              start=clock.now() - 5 * DAY, level=Level.VALIDATED)
    page = page_of(signed_in)
    assert table(page, "decisions")[0][:3] == ["Validated", "1", "100%"]
    assert "each one moves the shares by 100% or so" in page.text


@pytest.mark.parametrize(("share", "words"), [(9.6, "On the benchmark"), (11.2, "1 point above"),
                                              (4, "6 points below")])
def test_distance_from_the_benchmark_is_in_whole_points(share, words):
    assert pipeline.LevelFigure(Level.VALIDATED, "Validated", 1, share, 10).against_benchmark \
        == words


# --- the panel's workload ----------------------------------------------------------------------

def test_workload_counts_each_members_cases_and_their_time_to_score(signed_in):
    start = clock.now() - 20 * DAY
    with_panel = [(1, C.SCREENING), (2, C.WITH_PANEL)]
    first, second, third = (make_case(with_panel, start=start) for _ in range(3))
    decided = make_case([*with_panel, (9, C.DECIDED)], start=start, level=Level.PROMISING)
    ann, bob = member("Ann Expert"), member("Bob Adviser")
    chair = member("Cy Chair", Role.PANEL_CHAIR)
    member("Dee Retired", active=False)  # nothing assigned and no longer on the panel
    assigned = start + 2 * DAY
    assign(first, ann, at=assigned, scored_after=2)
    assign(second, ann, at=assigned, scored_after=4)
    assign(third, ann, at=assigned)  # still to do
    assign(decided, bob, at=assigned)  # decided without Bob's scores: nothing left to do
    assign(decided, chair, at=assigned, scored_after=1.5)

    workload = {row.member: row for row in pipeline.figures().workload}
    assert [(row.assigned, row.scored, row.outstanding, row.median_days_to_score)
            for row in workload.values()] == [(3, 2, 1, 3), (1, 0, 0, None), (1, 1, 0, 1.5)]
    assert list(workload) == ["Ann Expert", "Bob Adviser", "Cy Chair"]

    assert table(page_of(signed_in), "workload") == [
        ["Ann Expert", "3", "2", "1", "3.0"],
        ["Bob Adviser", "1", "0", "0", "None yet"],
        ["Cy Chair", "1", "1", "0", "1.5"],
    ]


def test_panel_members_with_nothing_assigned_are_listed_with_noughts(signed_in):
    member("Eve Newcomer")
    assert table(page_of(signed_in), "workload") == [["Eve Newcomer", "0", "0", "0", "None yet"]]


# --- received per month ------------------------------------------------------------------------

def test_cases_received_are_counted_by_london_month_with_quiet_months_included(signed_in):
    make_case(start=datetime(2010, 1, 15, 10, tzinfo=UTC))
    # 11:30pm UTC on 31 March 2010 is 12:30am on 1 April in London (summer time).
    make_case(start=datetime(2010, 3, 31, 23, 30, tzinfo=UTC))
    assert chart_rows(page_of(signed_in), "chart-months") == [
        ("January 2010", "1"), ("February 2010", "0"), ("March 2010", "0"), ("April 2010", "1")]


def test_with_no_cases_the_page_says_what_will_appear(signed_in):
    page = page_of(signed_in)
    assert not page.find_all("svg")
    assert "No practice has been submitted yet." in page.text
    assert "No one is on the panel yet." in page.text


# --- the cost ----------------------------------------------------------------------------------

def _queries_for(client, path: str) -> list[str]:  # noqa: ANN001
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    # Nothing cached from setting up or an earlier request: every query the page needs.
    db.session.remove()
    g.pop("_login_user", None)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statements


def _busy_pipeline(cases: int, panel: Sequence[User], start: datetime) -> None:
    paths = [[], [(1, C.SCREENING)], [(1, C.SCREENING), (2, C.INFO_REQUESTED)],
             [(1, C.SCREENING), (2, C.WITH_PANEL)],
             [(1, C.SCREENING), (2, C.WITH_PANEL), (6, C.DECIDED)],
             [(1, C.SCREENING), (2, C.WITH_PANEL), (6, C.DECIDED), (9, C.PUBLISHED)]]
    levels = list(Level)
    for n in range(cases):
        path = paths[n % len(paths)]
        reached = [state for _, state in path]
        day = start + (n % 90) * DAY
        case = make_case(path, start=day,
                         level=levels[n % len(levels)] if C.DECIDED in reached else None)
        if C.WITH_PANEL in reached:
            for offset, user in enumerate(panel[:2] if n % 2 else panel[1:]):
                scored = C.DECIDED in reached or n % 3 == 0
                assign(case, user, at=day + 2 * DAY, scored_after=1 + offset if scored else None)


def test_the_page_costs_the_same_queries_for_five_cases_and_three_hundred(signed_in):
    panel = [member(f"Expert {n}") for n in range(3)]
    ids = [user.id for user in panel]
    start = clock.now() - 120 * DAY
    _busy_pipeline(5, panel, start)
    few = _queries_for(signed_in, PAGE)

    panel = [db.session.get(User, user_id) for user_id in ids]
    _busy_pipeline(295, panel, start)
    many = _queries_for(signed_in, PAGE)

    assert len(many) == len(few), "\n\n".join(many)
    # The signed-in user, the cases, their state changes, the panel's assignments.
    assert len(many) <= 4, "\n\n".join(many)
    assert table(page_of(signed_in), "cases-by-state")[-1] == ["All cases", "300"]


# --- the review team's exports -----------------------------------------------------------------

@pytest.fixture()
def decided_cases(app) -> dict[str, Case]:
    """Validated and published; Promising, not to be published; Validated, still being
    edited; Emerging (not exported). Two members scored each; a third never did."""
    start = datetime(2010, 3, 1, 10, tzinfo=UTC)
    decided = [(1, C.SCREENING), (3, C.WITH_PANEL), (10, C.DECIDED)]
    ann, bob = member("Ann Expert"), member("=HYPERLINK(\"http://evil.example\")")
    late = member("Cal Late")
    made = {
        "published": make_case([*decided, (20, C.PUBLISHED)], start=start,
                               level=Level.VALIDATED, theme="Safeguarding",
                               region="north-east", organisation="Gateshead Council",
                               decision_rationale="+ Strong outcome data; transferable."),
        "promising": make_case([*decided, (10, C.NOT_PUBLISHED)], start=start + DAY,
                               level=Level.PROMISING, title="=SUM(A1:A9)",
                               theme="Safeguarding", region="london",
                               organisation="@Camden", decision_rationale="Some evidence."),
        "editing": make_case(decided, start=start + 2 * DAY, level=Level.VALIDATED,
                             theme="Safeguarding", region="south-west",
                             organisation="Devon County Council",
                             decision_rationale="Clear and replicable."),
        "emerging": make_case([*decided, (10, C.NOT_PUBLISHED)], start=start,
                              level=Level.EMERGING, decision_rationale="Too early."),
    }
    for case in made.values():
        case.answers = {"contact_name": "Jo Bloggs", "contact_email": "jo@example.org"}
        assign(case, ann, at=start + 3 * DAY, scored_after=2, scores=(3, 2, 3),
               level=Level.VALIDATED, rationale="Strong chronology work.")
        assign(case, bob, at=start + 3 * DAY, scored_after=3, scores=(2, 1, 2),
               level=Level.PROMISING, rationale="-Thin evidence of outcomes.")
        assign(case, late, at=start + 3 * DAY)
    for key, status in (("published", PublicationStatus.PUBLISHED),
                        ("editing", PublicationStatus.EDITING)):
        db.session.add(Publication(
            case_id=made[key].id, status=status, slug=f"practice-{key}",
            theme_slug="safeguarding", theme_name="Safeguarding", title=made[key].title,
            contact_route="Call the team on 0191 000 0000 or email team@example.org",
            level=made[key].level, year=2010))
    db.session.commit()
    return made


def _csv(client) -> list[dict[str, str]]:  # noqa: ANN001
    response = client.get(CSV_EXPORT)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="validated-practice-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_validated_and_promising_practice_with_each_members_scores(
        signed_in, decided_cases):
    rows = _csv(signed_in)
    assert [row["Reference"] for row in rows] == [
        decided_cases[key].reference for key in ("published", "promising", "editing")]
    published, promising, editing = rows
    assert published["Title"] == decided_cases["published"].title
    assert (published["Theme"], published["Region"], published["Organisation"]) == (
        "Safeguarding", "North East", "Gateshead Council")
    assert (published["Level"], published["Decided (London date)"]) == ("Validated",
                                                                         "2010-03-11")
    assert published["Published at"] == "http://localhost/practice/safeguarding/practice-published"
    # Only published examples have an address: one still being edited has none yet.
    assert promising["Published at"] == editing["Published at"] == ""
    assert [published[f"Panel member 1 {c} score (0-3)"]
            for c in ("adequacy", "evidence", "transferability")] == ["3", "2", "3"]
    assert (published["Panel member 1"], published["Panel member 1 recommended level"],
            published["Panel member 1 rationale"]) == ("Ann Expert", "Validated",
                                                       "Strong chronology work.")
    assert published["Panel member 2 evidence score (0-3)"] == "1"
    # The member who never scored said nothing: no third block of columns.
    assert "Panel member 3" not in published


def test_the_csv_cannot_run_formulas_in_a_spreadsheet(signed_in, decided_cases):
    published, promising, _ = _csv(signed_in)
    assert published["Chair's decision rationale"] == "'+ Strong outcome data; transferable."
    assert published["Panel member 2"] == "'=HYPERLINK(\"http://evil.example\")"
    assert published["Panel member 2 rationale"] == "'-Thin evidence of outcomes."
    assert (promising["Title"], promising["Organisation"]) == ("'=SUM(A1:A9)", "'@Camden")


def test_the_json_nests_the_panel_in_each_case(signed_in, decided_cases):
    response = signed_in.get(JSON_EXPORT)
    assert response.status_code == 200 and response.mimetype == "application/json"
    cases = json.loads(response.get_data(as_text=True))["cases"]
    assert [case["reference"] for case in cases] == [
        decided_cases[key].reference for key in ("published", "promising", "editing")]
    first = cases[0]
    assert {key: first[key] for key in ("level", "decided_on", "region", "publication_url")} \
        == {"level": "Validated", "decided_on": "2010-03-11", "region": "North East",
            "publication_url": "http://localhost/practice/safeguarding/practice-published"}
    assert first["panel"] == [
        {"member": "Ann Expert", "scores": {"adequacy": 3, "evidence": 2, "transferability": 3},
         "recommended_level": "Validated", "rationale": "Strong chronology work."},
        {"member": "=HYPERLINK(\"http://evil.example\")",
         "scores": {"adequacy": 2, "evidence": 1, "transferability": 2},
         "recommended_level": "Promising", "rationale": "-Thin evidence of outcomes."}]
    assert cases[1]["publication_url"] is None


@pytest.mark.parametrize("path", [CSV_EXPORT, JSON_EXPORT])
def test_exports_hold_no_contact_details(signed_in, decided_cases, path):
    text = signed_in.get(path).get_data(as_text=True)
    for case in decided_cases.values():
        assert case.submitter_email not in text
    for detail in ("jo@example.org", "Jo Bloggs", "team@example.org", "0191 000 0000",
                   "@example.org"):
        assert detail not in text


def test_each_export_is_in_the_audit_log(signed_in, screener, decided_cases):
    signed_in.get(CSV_EXPORT)
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "exported validated practice"))
    assert (entry.actor_id, entry.details) == (screener.id, {"format": "csv", "cases": 3})


def test_the_page_links_to_both_exports(signed_in):
    page = page_of(signed_in)
    assert page.find("a", href=CSV_EXPORT).attrs["download"] == ""
    assert page.find("a", href=JSON_EXPORT)


# --- who may see it ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [PAGE, CSV_EXPORT, JSON_EXPORT])
def test_signing_in_is_required(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("path", [PAGE, CSV_EXPORT, JSON_EXPORT])
@pytest.mark.parametrize(("role", "status"), [
    (Role.PANEL_MEMBER, 403), (Role.SCREENER, 200), (Role.PANEL_CHAIR, 200),
    (Role.ORGANISER, 200), (Role.ADMIN, 200)])
def test_the_programmes_staff_may_see_it_and_panel_members_may_not(app, client, path, role,
                                                                  status):
    login(client, member(f"Someone {role}", role))
    assert client.get(path).status_code == status


def test_organisers_see_the_figures_without_links_into_the_queue(app, client):
    make_case(start=clock.now() - DAY)
    login(client, member("Olu Organiser", Role.ORGANISER))
    page = page_of(client)
    assert table(page, "cases-by-state")[0] == ["Received", "1"]
    assert not [a for a in page.find_all("a") if a.attrs.get("href", "").startswith(
        "/validation/?state=")]
