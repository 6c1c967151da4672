"""Fixtures for the core's tests: an organiser, and a client signed in as them."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import login, make_staff
from workshops.models import Role, User


@pytest.fixture()
def organiser(app) -> User:  # noqa: ANN001
    return make_staff(Role.ORGANISER)


@pytest.fixture()
def signed_in(client: FlaskClient, organiser: User) -> FlaskClient:
    login(client, organiser)
    return client
