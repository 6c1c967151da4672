"""The end-to-end fixtures: the real app on a live port, Debian's chromium, axe-core.

The server is the app as it runs in production - CSRF on, its Content-Security-Policy sent -
in a background thread, against the same database and SMTP server as the rest of the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import Mailbox, SMTPServer, _empty_tables, app_config
from tests.e2e.support import AXE_PATH, AXE_SOURCE, Checks
from workshops import create_app
from workshops.extensions import db, limiter

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
TIMEOUT_MS = 10_000
# Assertions wait as long as actions do (Playwright's own default for them is 5 s): a machine
# busy with other tests once took longer than that to answer a form's post.
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class LiveServer:
    app: Flask
    base_url: str
    mailbox: Mailbox | None = None

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @contextmanager
    def data(self) -> Iterator[None]:
        """An app context for setting up or reading data; its session is closed after."""
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()


@pytest.fixture(scope="session")
def live_server(migrated: str, smtp_server: SMTPServer) -> Iterator[LiveServer]:
    app = create_app(app_config(migrated, smtp_server.port, WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Links in mail sent outside a request (set-up through the domain) point here too.
    app.config["PUBLIC_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, base_url=base_url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture()
def live(live_server: LiveServer, mailbox: Mailbox) -> Iterator[LiveServer]:
    """The live server with empty tables, an empty mailbox and no rate limits spent (every
    browser signs in from 127.0.0.1); a test that moves its clock has it put back to the real
    time afterwards."""
    limiter.reset()
    with live_server.data():
        _empty_tables()
    live_server.mailbox = mailbox
    yield live_server
    live_server.mailbox = None
    live_server.app.config["CLOCK_OFFSET"] = None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def checks() -> Checks:
    return Checks()


@pytest.fixture()
def new_page(browser: Browser, live: LiveServer, checks: Checks) -> Iterator[Callable[..., Page]]:
    """Open a page in a browser context of its own: one per person in a journey."""
    contexts = []

    def serve_axe(route: Route) -> None:
        route.fulfill(status=200, body=AXE_SOURCE,
                      headers={"Content-Type": "application/javascript; charset=utf-8"})

    def open_page(who: str = "delegate") -> Page:
        context = browser.new_context(base_url=live.base_url, locale="en-GB",
                                      timezone_id="Europe/London",
                                      viewport={"width": 1024, "height": 768})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route(live.url(AXE_PATH), serve_axe)
        contexts.append(context)
        page = context.new_page()
        checks.watch(page, who)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()
