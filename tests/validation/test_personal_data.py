"""A submitter's request for their data: what validation did with their practice is in it."""

from __future__ import annotations

import json

from tests.validation.support import case_in, sign_in
from validation.models import CaseState
from workshops.models import Role


def test_a_copy_of_a_submitters_data_holds_their_case_and_the_emails_sent_them(
        app, client) -> None:
    case = case_in(CaseState.INFO_REQUESTED)
    sign_in(client, Role.ADMIN)
    response = client.post("/admin/personal-data/copy", data={"email": case.submitter_email})
    holdings = {h["title"]: h["records"] for h in json.loads(response.data)["holdings"]}
    [record] = holdings["Validation of practice submissions"]
    assert record["Reference"] == case.reference and record["Title"] == case.title
    assert record["Status"] == "Waiting for your answer"  # the submitter's words for it
    [(asked, questions)] = [(k, v) for k, v in record.items() if k.startswith("Questions")]
    assert questions == "Please say how many families took part."
    assert record["Your answer (1)"] == "Not answered"
    # What the service wrote to them about it, by subject and why.
    subjects = [email["Subject"] for email in holdings["Emails to this address"]]
    assert any(case.reference in subject for subject in subjects), subjects
    # The page lists both, saying what erasure would do with each.
    page = client.post("/admin/personal-data/", data={"email": case.submitter_email}).text
    assert "Validation of practice submissions" in page and "Emails to this address" in page
