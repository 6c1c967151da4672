"""Helpers for the browser tests: axe-core, the mailbox, the keyboard, screenshots."""

from __future__ import annotations

import email.message
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import STAFF_PASSWORD, Mailbox

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "tests" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# Served by page.route under the site's own origin, so the app's CSP (script-src 'self')
# stays in force during the tests and still lets axe in.
AXE_PATH = "/__e2e__/axe.min.js"
SCREENSHOT_DIR = ROOT / "docs" / "screenshots"


# --- accessibility and the browser console ----------------------------------------------

# Our own rules, beside axe's, reported in its shape. axe passes a group of radios whose
# fieldset has no legend (each radio has its label), yet a screen reader then never hears the
# question: a template that styled the legend once dropped it on three pages. Nor does it
# object to aria-describedby naming an empty element, which govuk-frontend-wtf made for every
# checkbox or radio group without a hint (form_widgets._NoEmptyHint).
HOUSE_RULES = r"""() => {
  const found = [];
  const bad = [...document.querySelectorAll("fieldset")].filter(set => {
    const legend = set.querySelector(":scope > legend");
    return !legend || !legend.textContent.trim();
  });
  if (bad.length) found.push({
    id: "fieldset-legend", impact: "serious",
    help: "A fieldset must start with a legend that asks its question",
    helpUrl: "https://design-system.service.gov.uk/components/fieldset/",
    nodes: bad.map(set => ({target: [set.id || set.querySelector("input")?.name || "fieldset"],
                            html: set.outerHTML.slice(0, 200),
                            failureSummary: "No legend, or an empty one"}))});
  // A description that says nothing: a screen reader pauses for a hint and reads silence.
  const silent = [...document.querySelectorAll("[aria-describedby]")].flatMap(el =>
    el.getAttribute("aria-describedby").split(/\s+/).filter(Boolean)
      .map(id => document.getElementById(id))
      .filter(target => target && !target.textContent.trim())
      .map(target => ({el, target})));
  if (silent.length) found.push({
    id: "empty-description", impact: "moderate",
    help: "aria-describedby must point at text",
    helpUrl: "https://www.w3.org/TR/wai-aria-1.2/#aria-describedby",
    nodes: silent.map(({el, target}) => ({target: ["#" + target.id],
                                          html: el.outerHTML.slice(0, 200),
                                          failureSummary: "Describes it with an empty element"}))});
  return found;
}"""


@dataclass
class Checks:
    """Collects axe violations and browser errors along a journey; asserted at its end.

    Collecting rather than failing at the first page lets one run report every page's
    problems, and lets the journey's own assertions run in full.
    """

    violations: dict[str, list[dict]] = field(default_factory=dict)
    browser_errors: list[str] = field(default_factory=list)
    pages_checked: list[str] = field(default_factory=list)

    def axe(self, page: Page, label: str, *, without: tuple[str, ...] = ()) -> list[dict]:
        """Run axe-core on what `page` shows now and remember any violations under `label`.

        Every rule axe runs by default, but those named in `without`; only the violations are
        sent back, which is faster.
        """
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=AXE_PATH)
        options = {"resultTypes": ["violations"],
                   "rules": {rule: {"enabled": False} for rule in without}}
        results = page.evaluate("async options => await window.axe.run(document, options)",
                                options)
        violations = results["violations"] + page.evaluate(HOUSE_RULES)
        self.pages_checked.append(label)
        if violations:
            self.violations[label] = violations
        return violations

    def watch(self, page: Page, who: str) -> None:
        """Record CSP refusals and uncaught script errors on `page`."""
        def on_console(message) -> None:  # noqa: ANN001
            if message.type == "error" and "Content Security Policy" in message.text:
                self.browser_errors.append(f"{who} on {page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.browser_errors.append(
            f"{who} on {page.url}: uncaught {error}"))

    def report(self) -> str:
        lines = []
        for label, violations in self.violations.items():
            for violation in violations:
                lines.append(f"[{label}] {violation['id']} ({violation.get('impact')}): "
                             f"{violation['help']} - {violation['helpUrl']}")
                for node in violation["nodes"]:
                    lines.append(f"    target {node['target']}: {node['html'][:200]}")
                    summary = (node.get("failureSummary") or "").replace("\n", " ")
                    lines.append(f"        {summary[:300]}")
        lines.extend(f"browser error: {error}" for error in self.browser_errors)
        return "\n".join(lines)

    def assert_clean(self) -> None:
        assert self.pages_checked, "no page was checked with axe"
        assert not self.violations and not self.browser_errors, (
            "Accessibility violations or browser errors:\n" + self.report())


# --- signing in -------------------------------------------------------------------------

def sign_in(page: Page, email: str, password: str = STAFF_PASSWORD, *,
            then: str | None = None) -> None:
    """Sign in through the staff login form, and land on `then` (asked for as `next`) or,
    without it, anywhere but the login page."""
    page.goto("/staff/login" + (f"?next={then}" if then else ""))
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if then:
        expect(page).to_have_url(re.compile(re.escape(then) + "$"))
    else:
        # Waiting for a load state would not do: until the form's navigation begins, the
        # login page itself counts as loaded.
        expect(page, f"{email} could not sign in").not_to_have_url(re.compile("/staff/login"))


# --- reflow -----------------------------------------------------------------------------

# The innermost elements that stick out past the right edge of the viewport.
WIDEST = """() => {
  const sticking = [...document.body.querySelectorAll("*")].filter(
    el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1);
  return sticking.filter(el => !sticking.some(other => other !== el && el.contains(other)))
    .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? "." +
      String(el.className).trim().split(/\\s+/).join(".") : "") + " ("
      + Math.round(el.getBoundingClientRect().right) + "px)");
}"""


def overflow(page: Page, width: int) -> str | None:
    """None if what `page` shows fits `width` CSS pixels without scrolling sideways (WCAG
    1.4.10); otherwise how wide it is and the elements that stick out."""
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    if wide <= width:
        return None
    return f"{page.url} is {wide}px wide at {width}px: {page.evaluate(WIDEST)}"


# Tables whose own region must be scrolled sideways to show every column, by caption.
TABLES_SCROLLED = """() => [...document.querySelectorAll("main .app-table-scroll")]
  .filter(region => region.scrollWidth > region.clientWidth + 1)
  .map(region => region.getAttribute("aria-label") + " (" + region.scrollWidth + "px in "
       + region.clientWidth + "px)")"""


def tables_scrolled(page: Page) -> str | None:
    """None if every table on `page` shows all its columns without scrolling its region;
    otherwise which tables do not. Staff tables may scroll (a desk, a wide screen); the tables
    the public meet on a phone must not hide a column, such as whether places are left."""
    if scrolled := page.evaluate(TABLES_SCROLLED):
        return f"{page.url}: a table must be scrolled sideways: {', '.join(scrolled)}"
    return None


# --- mail -------------------------------------------------------------------------------

def wait_for_mail(mailbox: Mailbox, to: str, subject_starts: str,
                  timeout: float = 10.0) -> email.message.EmailMessage:
    """The message to `to` whose subject starts so; mail is sent just after each commit."""
    deadline = time.monotonic() + timeout
    while True:
        with mailbox.lock:
            found = [m for m in mailbox.messages
                     if m["To"] == to and str(m["Subject"]).startswith(subject_starts)]
        if found:
            assert len(found) == 1, f"{len(found)} messages {subject_starts!r} to {to}"
            return found[0]
        if time.monotonic() > deadline:
            with mailbox.lock:
                seen = [(m["To"], str(m["Subject"])) for m in mailbox.messages]
            raise AssertionError(f"no mail {subject_starts!r} to {to}; received {seen}")
        time.sleep(0.05)


def subjects_to(mailbox: Mailbox, to: str) -> list[str]:
    with mailbox.lock:
        return [str(m["Subject"]) for m in mailbox.messages if m["To"] == to]


def text_body(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, label: str) -> str:
    """The URL after `label:` in the plain-text part, e.g. 'Manage your booking'."""
    found = re.search(rf"{re.escape(label)}: (\S+)", text_body(message))
    assert found, f"no {label!r} link in:\n{text_body(message)}"
    return found.group(1)


def calendar_parts(message: email.message.EmailMessage) -> list[str]:
    return [part.get_content() if isinstance(part.get_content(), str)
            else part.get_content().decode()
            for part in message.walk() if part.get_content_type() == "text/calendar"]


# --- the keyboard -----------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  return el.id ? "#" + el.id : (el.innerText || el.value || el.tagName).trim();
}"""


def focused(page: Page) -> str:
    """The focused element: '#id', or its text when it has no id."""
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted: str, limit: int = 40) -> list[str]:
    """Press Tab until `wanted` (as `focused` names it) has focus; returns the stops passed."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1] == wanted:
            return stops
    raise AssertionError(f"{wanted!r} never took focus; the Tab stops were {stops}")


# --- screenshots ------------------------------------------------------------------------

def screenshot(page: Page, name: str) -> Path | None:
    """A full-page PNG in docs/screenshots/, only when SCREENSHOTS=1."""
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
