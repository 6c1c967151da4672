"""What every template can use: the navigation, date filters, safe Markdown."""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from flask import Flask, has_request_context, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from markupsafe import Markup, escape

from workshops import clock, formatting
from workshops.config import contact_email
from workshops.models import Role, User, status_label
from workshops.plugins import NavEntry, enabled_plugins, public_links
from workshops.plugins import links as plugin_links

SERVICE_NAME = "Knowledge workshops"

CORE_NAV = [
    NavEntry("Workshops", "public.index"),
    NavEntry("Organise", "organiser.dashboard", (Role.ORGANISER,),
             home_for=(Role.ORGANISER, Role.ADMIN)),
]

_ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "h4", "blockquote",
                 "br", "hr", "code"}


_GOVUK_CLASSES = (
    ("<p>", '<p class="govuk-body">'),
    ("<ul>", '<ul class="govuk-list govuk-list--bullet">'),
    ("<ol>", '<ol class="govuk-list govuk-list--number">'),
    ("<h2>", '<h2 class="govuk-heading-m">'),
    ("<h3>", '<h3 class="govuk-heading-s">'),
    ("<a ", '<a class="govuk-link" '),
)


def lines(text: str | None) -> Markup:
    """Text typed on several lines, escaped, its line breaks as <br>: text passed as html to
    a GOV.UK macro goes through Jinja's indent filter, which puts the macro's indentation
    after every newline, and on a pre-wrap cell that showed as an indent on every line but
    the first ("Step-free access / ......Hearing loop")."""
    return Markup("<br>").join(escape(text or "").split("\n"))


def markdown(text: str | None) -> Markup:
    """Render organisers' Markdown, keeping only harmless tags, styled as GOV.UK body text."""
    html = markdown_lib.markdown(text or "")
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}})
    for tag, styled in _GOVUK_CLASSES:
        clean = clean.replace(tag, styled)
    return Markup(clean)


def email_breaks(address: str | None) -> Markup:
    """An email address that wraps, in a narrow cell, only where a reader expects it to: after
    the @ and before each dot ('someone@<wbr>example<wbr>.org'), where breaking anywhere had
    left 'someone@exampl' above 'e.org'. Each piece between is kept whole, so 'jo-anne' does
    not break after its hyphen either (and read as hyphenation, the hyphen left out). The
    pieces are escaped: an address is only ever text."""
    pieces = re.split(r"(?<=@)|(?=\.)", address or "")
    return Markup("<wbr>").join(Markup('<span class="app-nowrap">{}</span>').format(piece)
                                for piece in pieces if piece)


def nav_entries(app: Flask) -> list[NavEntry]:
    """The core's navigation then each enabled plugin's, in the order PLUGINS names them."""
    entries = list(CORE_NAV)
    for plugin in enabled_plugins(app).values():
        entries.extend(plugin.nav)
    return entries


def staff_home(app: Flask, user: User) -> str:
    """Where `user` lands after signing in: the page named home for their role, else the
    first staff page their role may open, else the public list. Without this a screener or
    panel member would land on the organisers' dashboard and be refused."""
    entries = nav_entries(app)
    for entry in entries:
        if user.role in entry.home_for:
            return url_for(entry.endpoint)
    for entry in entries:
        if entry.roles and user.has_role(*entry.roles):
            return url_for(entry.endpoint)
    return url_for("public.index")


def _navigation(app: Flask) -> list[dict]:
    visible = []
    for entry in nav_entries(app):
        if entry.roles and not (current_user.is_authenticated
                                and current_user.has_role(*entry.roles)):
            continue
        if entry.not_for and current_user.is_authenticated \
                and current_user.has_role(*entry.not_for):
            continue
        visible.append({"href": url_for(entry.endpoint), "text": entry.label, "active": False})
    # One item is current: the longest href the path falls under ("/validation/panel" is the
    # Panel's, not also the Validation queue's at "/validation/").
    under = [item for item in visible if request.path == item["href"]
             or item["href"] != "/" and request.path.startswith(item["href"])]
    if under:
        max(under, key=lambda item: len(item["href"]))["active"] = True
    if current_user.is_authenticated:
        visible.append({"href": url_for("auth.logout"), "text": "Sign out"})
    return visible


def programme_email(app: Flask) -> str:
    """The programme team's address for the public (config.contact_email)."""
    return contact_email(app.config)


def init_app(app: Flask) -> None:
    WTFormsHelpers(app)
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters["markdown"] = markdown
    app.jinja_env.filters["lines"] = lines
    app.jinja_env.filters["email_breaks"] = email_breaks
    app.jinja_env.filters["booking_status"] = status_label
    app.jinja_env.globals["event_time"] = formatting.event_time
    app.jinja_env.globals["programme_email"] = lambda: programme_email(app)
    app.jinja_env.globals["plugin_links"] = lambda kind, subject: plugin_links(app, kind,
                                                                              subject)
    app.jinja_env.globals["public_links"] = lambda: public_links(app)

    @app.context_processor
    def common() -> dict:
        offset = app.config.get("CLOCK_OFFSET")
        return {
            "service_name": SERVICE_NAME,
            "navigation": _navigation(app) if has_request_context() else [],
            "demo_now": clock.now() if offset else None,
        }

    @app.after_request
    def security_headers(response):  # noqa: ANN001, ANN202
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
