"""TRUSTED_PROXIES: X-Forwarded-Proto is believed from our proxy only, so HSTS follows it."""

from __future__ import annotations

import pytest

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


@pytest.fixture()
def app_overrides(request) -> dict:  # noqa: ANN001
    return {"TRUSTED_PROXIES": 1} if "behind" in request.node.name else {}


def test_behind_a_trusted_proxy_https_is_believed(client) -> None:  # noqa: ANN001
    response = client.get("/", headers=FORWARDED)
    assert "Strict-Transport-Security" in response.headers


def test_without_trusted_proxies_forwarded_headers_are_ignored(client) -> None:  # noqa: ANN001
    response = client.get("/", headers=FORWARDED)
    assert "Strict-Transport-Security" not in response.headers
