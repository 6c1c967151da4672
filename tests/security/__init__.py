"""Security tests: headers, CSRF, rate limits, fuzzing, hostile inputs, logs and secrets."""

from __future__ import annotations

import re

from flask import Flask, g
from flask.testing import FlaskClient


class FreshClient(FlaskClient):
    """A test client whose every request finds out afresh who is signed in.

    The test's app context (and its `g`) outlives each request, so Flask-Login's cached user
    would otherwise leak from one client (an organiser) into the next (an anonymous visitor).
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def visitor(app: Flask, address: str) -> FreshClient:
    """A client of its own, from its own address (the rate limits count per address)."""
    app.test_client_class = FreshClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def summary_problems(page: str) -> list[str]:
    """What stops a refused form's page from saying what to fix beside the fields, as GOV.UK's
    error summary does: the summary missing, naming no field, or linking to no element here."""
    summary = re.search(r'class="govuk-error-summary".*?</ul>', page, re.S)
    if summary is None:
        return ["no error summary"]
    targets = re.findall(r'href="#([^"]+)"', summary.group(0))
    if not targets:
        return ["the error summary names no field"]
    return [f"the summary links to #{target}, not in page" for target in targets
            if f'id="{target}"' not in page]
