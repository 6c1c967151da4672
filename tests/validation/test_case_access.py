"""Who may read an unpublished submission: screeners and the chair every case, a panel member
only the cases they are assigned to (DOMAIN.md: restrict who can read unpublished submissions).

The role-level answers for every route are in tests/test_access_matrix.py; these tests need a
real case, an assignment and a file, so they are here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.validation.support import PDF, case_in, staff
from tests.validation.test_panel import as_, person, signed_in, text
from validation import panel, requests, views_panel, withdrawal
from validation.models import CaseState
from workshops.extensions import db
from workshops.models import AuditEntry, Role


def _assigned_case():  # noqa: ANN202
    chair = staff(Role.PANEL_CHAIR, "chair")
    assessor = person(Role.PANEL_MEMBER, "Ann Assessor", "NSPCC")
    second = person(Role.PANEL_MEMBER, "Sam Second", "Barnardo's")
    other = person(Role.PANEL_MEMBER, "Olu Other", "Independent")
    case = case_in(CaseState.WITH_PANEL, files=1, title="Family group conferences in Leeds")
    panel.assign(case, [assessor.id, second.id], actor=chair)
    # The chair asks for more; the answer brings a file, which the case page serves itself.
    requests.request_information(case, chair, "Please send the audit.")
    requests.add_file(case, "audit.pdf", PDF)
    requests.answer_request(case, "The audit is attached.")
    db.session.commit()
    return case, assessor, other


def test_a_panel_member_reads_the_case_they_assess_and_its_files(app) -> None:
    case, assessor, _ = _assigned_case()
    client = signed_in(app, assessor)
    page = as_(client).get(f"/validation/cases/{case.id}")
    assert page.status_code == 200
    body = text(page)
    assert "Family group conferences in Leeds" in body
    # Their way back is their own work list, not a list of every case.
    assert 'href="/validation/panel"' in body and "All cases" not in body
    # The evidence sent with the submission, served by the feedback plugin that holds it.
    evidence = case.evidence[0]["url"].removeprefix("http://workshops.test")
    assert evidence.startswith("/feedback/submissions/") and evidence in body
    download = as_(client).get(evidence)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    answered = as_(client).get(f"/validation/cases/{case.id}/files/{case.files[0].id}")
    assert answered.status_code == 200 and answered.data == PDF


def test_a_panel_member_cannot_read_a_case_they_do_not_assess(app) -> None:
    case, _, other = _assigned_case()
    client = signed_in(app, other)
    page = as_(client).get(f"/validation/cases/{case.id}")
    assert page.status_code == 403
    assert "Family group conferences in Leeds" not in text(page)
    assert "You do not have permission to see this page" in text(page)
    # Said why, and where their own cases are.
    assert "see only the cases the panel chair has assigned to them" in text(page)
    assert 'href="/validation/panel">Go to your start page' in text(page)
    evidence = case.evidence[0]["url"].removeprefix("http://workshops.test")
    download = as_(client).get(evidence)
    assert download.status_code == 403 and not download.data.startswith(b"%PDF")
    answered = as_(client).get(f"/validation/cases/{case.id}/files/{case.files[0].id}")
    assert answered.status_code == 403 and answered.data != PDF
    # Nothing was handed over, so nothing is recorded as downloaded.
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(["evidence downloaded", "evidence_downloaded"]))) == 0


def test_a_panel_member_cannot_list_cases_or_submissions(app) -> None:
    case, assessor, _ = _assigned_case()
    client = signed_in(app, assessor)
    for path in ("/validation/", "/feedback/submissions", "/feedback/submissions.csv",
                 "/feedback/submissions.json",
                 f"/feedback/submissions/{case.submission_id}"):
        response = as_(client).get(path)
        assert response.status_code == 403, path
        assert b"Family group conferences in Leeds" not in response.data, path
    # Their navigation offers only what they may open: their panel page.
    home = text(as_(client).get("/validation/panel"))
    assert 'href="/validation/"' not in home and 'href="/feedback/submissions"' not in home
    assert "Family group conferences in Leeds" in home


def test_screeners_and_the_chair_read_every_case(app) -> None:
    case, _, _ = _assigned_case()
    for role in (Role.SCREENER, Role.PANEL_CHAIR):
        client = signed_in(app, staff(role))
        assert "Family group conferences in Leeds" in text(as_(client).get("/validation/"))
        page = as_(client).get(f"/validation/cases/{case.id}")
        assert page.status_code == 200 and "All cases" in text(page)


def test_a_member_finds_the_cases_they_assessed_once_they_move_on(app) -> None:
    case, assessor, other = _assigned_case()
    client = signed_in(app, assessor)
    home = text(as_(client).get("/validation/panel"))
    assert "Family group conferences in Leeds" in home and "Cases you assessed before" not in home
    withdrawal.withdraw(case)
    db.session.commit()
    home = text(as_(client).get("/validation/panel"))
    earlier = home.split("Cases you assessed before", 1)[1]
    assert "Family group conferences in Leeds" in earlier and "Withdrawn" in earlier
    assert as_(client).get(f"/validation/cases/{case.id}").status_code == 200
    # Someone who never had it sees nothing of it.
    assert "Family group conferences in Leeds" not in text(
        as_(signed_in(app, other)).get("/validation/panel"))


def test_a_members_earlier_cases_are_the_most_recent_few(app, monkeypatch) -> None:
    # A member of some years' standing has hundreds; the page lists the latest, newest first.
    monkeypatch.setattr(views_panel, "EARLIER_SHOWN", 2)
    chair = staff(Role.PANEL_CHAIR, "chair")
    assessor = person(Role.PANEL_MEMBER, "Ann Assessor", "NSPCC")
    second = person(Role.PANEL_MEMBER, "Sam Second", "Barnardo's")
    titles = ["Oldest practice", "Middle practice", "Newest practice"]
    for day, title in enumerate(titles, start=1):
        case = case_in(CaseState.WITH_PANEL, title=title)
        panel.assign(case, [assessor.id, second.id], actor=chair)
        withdrawal.withdraw(case)
        case.state_since = datetime(2010, 5, day, tzinfo=UTC)
    still_open = case_in(CaseState.WITH_PANEL, title="Open practice")
    panel.assign(still_open, [assessor.id, second.id], actor=chair)
    db.session.commit()
    home = text(as_(signed_in(app, assessor)).get("/validation/panel"))
    mine, earlier = home.split("Cases you assessed before", 1)
    assert "Open practice" in mine and "Open practice" not in earlier
    assert "The 2 most recent." in earlier
    assert earlier.index("Newest practice") < earlier.index("Middle practice")
    assert "Oldest practice" not in home
