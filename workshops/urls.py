"""Absolute links for emails and calendars, inside a request or in a background task."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def public_root() -> str:
    """Where the site is reached from outside a request: PUBLIC_URL, or the development server."""
    return current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=public_root()):
        return url_for(endpoint, _external=True, **values)
