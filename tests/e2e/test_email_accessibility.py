"""axe-core on the HTML of every kind of email the service sends, as it reached the SMTP server.

Delegates read their confirmations, offers and links in a mail client, often on a phone; the
HTML part is a page like any other and must pass the same checks. The demo sends the feedback
and validation emails; the booking ones are sent here, each by the domain function an
organiser's or a delegate's action calls. Each kind (the subject without its particulars) is
served to chromium as it arrived and checked once, at a phone's width.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, Route

from tests import demo_site
from tests.e2e.conftest import LiveServer
from tests.e2e.support import Checks
from tests.mail_scenarios import send_the_booking_emails, send_the_draft_deletion_warning
from workshops import booking

pytestmark = pytest.mark.browser

# The rules for a whole page: a mail client shows the message inside a page of its own, whose
# main landmark and first heading are the client's (the message is named by its article).
PAGE_RULES = ("landmark-one-main", "page-has-heading-one", "region")
# Each two-cell row of an email's tables whose label does not start level with its value (by
# more than a pixel), with the gap: a label centred beside a value of several lines ('Where'
# beside a venue's address, on a phone) reads as belonging to the line it faces, and so does a
# value beside a label of several lines.
LABELS_OFF_THEIR_VALUES = """() => {
  const firstLine = cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return range.getClientRects()[0].top;
  };
  return [...document.querySelectorAll('tr')].filter(row => row.cells.length === 2)
    .map(row => [row.cells[0].innerText, firstLine(row.cells[0]) - firstLine(row.cells[1])])
    .filter(([, gap]) => Math.abs(gap) > 1);
}"""


def _let_the_offer_lapse(live: LiveServer) -> None:
    """Three days on, the place offered to the second delegate has not been taken."""
    live.app.config["CLOCK_OFFSET"] = timedelta(days=3)
    with live.data():
        assert booking.expire_offers() == 1


def _kind(subject: str) -> str:
    # "... submission VLP-2010-0007", "Reminder: <workshop> on <day>": the words, not the
    # numbers, and as far as the words that tell one email from another.
    return re.sub(r"\d+", "N", " ".join(subject.split()))[:45]


def _serving(html: str) -> Callable[[Route], None]:
    def fulfil(route: Route) -> None:
        route.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"})
    return fulfil


def test_every_kind_of_email_passes_axe(live: LiveServer, new_page, checks: Checks) -> None:
    with live.data():
        demo_site.load(live.app)
        send_the_booking_emails()
        send_the_draft_deletion_warning()
    _let_the_offer_lapse(live)
    # Mail goes to the SMTP server just after each commit: wait until it stops arriving.
    count, deadline = -1, time.monotonic() + 20
    while count != len(live.mailbox.messages) and time.monotonic() < deadline:
        count = len(live.mailbox.messages)
        time.sleep(0.5)
    kinds: dict[str, str] = {}
    for message in live.mailbox.messages:
        html = message.get_body(preferencelist=("html",))
        if html is not None:
            kinds.setdefault(_kind(message["Subject"]), html.get_content())
    page: Page = new_page("reader")
    page.set_viewport_size({"width": 320, "height": 640})
    misplaced: dict[str, list] = {}
    for n, (kind, html) in enumerate(sorted(kinds.items())):
        url = live.url(f"/__e2e__/mail/{n}")
        page.route(url, _serving(html))
        page.goto(url)
        checks.axe(page, kind, without=PAGE_RULES)
        if off := page.evaluate(LABELS_OFF_THEIR_VALUES):
            misplaced[kind] = off
    # Every kind of email, the booking ones and the plugins' alike.
    for expected in ("Place confirmed", "Waiting list", "A place is free", "Booking updated",
                     "Offer expired", "Reminder: Highly resistant families",
                     "Reminder: questions about your practice",
                     "Booking cancelled", "Your workshop bookings", "Parking at the venue",
                     "Workshop changed", "Workshop cancelled", "You have been invited",
                     "Reset your password", "Your Knowledge workshops password",
                     "Thank you for coming", "Your views on", "Confirm your email",
                     "We have received your practice submission",
                     "Questions about your practice submission", "Please approve the wording",
                     "The panel's decision", "You have withdrawn",
                     "Your draft practice submission will be"):
        assert any(kind.startswith(expected) for kind in kinds), (expected, sorted(kinds))
    assert not misplaced, misplaced
    checks.assert_clean()
