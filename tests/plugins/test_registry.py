"""Plugins are found by entry points, enabled by PLUGINS, and the core never imports one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import app_config
from workshops import create_app
from workshops.plugins import discover

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ("packs", "feedback", "validation")


def test_all_plugins_are_discovered_by_entry_point() -> None:
    assert set(PLUGINS) <= set(discover())


@pytest.mark.parametrize("name", PLUGINS)
def test_enabled_plugin_serves_its_health_page(client, name: str) -> None:
    response = client.get(f"/{name}/health")
    assert response.status_code == 200
    assert b"Enabled" in response.data


@pytest.mark.parametrize("name", PLUGINS)
def test_disabled_plugin_serves_no_route(migrated, smtp_server, name: str) -> None:
    others = [p for p in PLUGINS if p != name]
    app = create_app(app_config(migrated, smtp_server.port, PLUGINS=others))
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith(f"{name}.")]
    assert app.test_client().get(f"/{name}/health").status_code == 404
    for other in others:
        assert app.test_client().get(f"/{other}/health").status_code == 200


def test_unknown_plugin_is_a_clear_error(migrated, smtp_server) -> None:
    with pytest.raises(RuntimeError, match="not installed: nonesuch"):
        create_app(app_config(migrated, smtp_server.port, PLUGINS=["nonesuch"]))


def test_core_source_imports_no_plugin() -> None:
    offenders = []
    for path in (ROOT / "workshops").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in PLUGINS]
    assert offenders == []


def test_core_runs_with_no_plugin_loaded(tmp_path) -> None:
    script = (
        "import sys\n"
        "from workshops import create_app\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite',"
        " 'PLUGINS': []})\n"
        f"print(sorted(set(sys.modules) & {set(PLUGINS)!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={"INSTANCE_PATH": str(tmp_path), "PATH": ""})
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_plugin_navigation_entries_follow_roles(client) -> None:
    from tests.conftest import login, make_staff
    from workshops.models import Role

    public = client.get("/").data
    assert b'href="/validation/"' not in public and b'href="/practice/"' in public
    login(client, make_staff(Role.SCREENER))
    page = client.get("/").data
    assert b'href="/validation/"' in page and b'href="/feedback/submissions"' in page
    assert b'href="/organiser/"' not in page
    client.get("/staff/logout")
    # A panel member's way in is their own work list; they may not list every case.
    login(client, make_staff(Role.PANEL_MEMBER))
    page = client.get("/validation/panel").data
    assert b'href="/validation/panel"' in page
    assert b'href="/validation/"' not in page and b'href="/feedback/submissions"' not in page


def test_the_address_printed_in_the_packs_answers(client) -> None:
    page = client.get("/feedback/")
    assert page.status_code == 200 and b"Share your local practice" in page.data


def test_the_home_page_links_what_plugins_offer_anyone(client, migrated, smtp_server) -> None:
    # Anyone may send practice, but no public page had linked to where they can.
    share = ('<a class="govuk-link" href="/feedback/">Share your local practice, whether or not '
             'you come to a workshop</a>')
    assert share in client.get("/").text
    alone = create_app(app_config(migrated, smtp_server.port, PLUGINS=[]))
    page = alone.test_client().get("/")
    assert page.status_code == 200 and "Share your local practice" not in page.text
