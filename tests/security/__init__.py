"""Security tests: headers, CSRF, rate limits, fuzzing, hostile inputs, logs and secrets."""

from __future__ import annotations

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
