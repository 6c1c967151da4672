"""The public practice library: themes, one theme's practice with search, one example, a feed.

No sign-in; everything shown comes from `library`, which reads PUBLISHED publications only and
only their public text (never the case's answers, contact details or evidence files).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from flask import Response, abort, render_template, request, url_for

from validation import library
from validation import library_bp as bp
from validation.models import Publication
from workshops import clock
from workshops.templating import SERVICE_NAME
from workshops.urls import external_url

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot hold at all, even escaped: a feed reader would reject the feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ET.register_namespace("", ATOM)  # the feed's default namespace: <feed>, not <ns0:feed>


def _theme_or_404(theme_slug: str) -> str:
    # A slug that cannot be stored (too long, control characters, a NUL that PostgreSQL would
    # refuse as a parameter) is simply not found.
    if len(theme_slug) > 80 or not theme_slug.isprintable():
        abort(404)
    name = library.theme_name(theme_slug)
    if name is None:
        abort(404)
    return name


def _page_number(raw: str | None) -> int:
    # Digits only and few of them: int() of thousands of digits is an error, not a page.
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return 1
    return max(int(raw), 1)


@bp.context_processor
def helpers() -> dict:
    return {"level_label": library.level_label, "region_name": library.region_name}


@bp.get("/")
def index() -> str:
    return render_template("library/index.html", themes=library.themes())


@bp.get("/<theme_slug>")
def theme(theme_slug: str) -> str:
    name = _theme_or_404(theme_slug)
    args = request.args
    results = library.search(
        args.get("q"), theme_slug=theme_slug, region=args.getlist("region"),
        level=args.getlist("level"), year=args.getlist("year"), topic=args.getlist("topic"),
        page=_page_number(args.get("page")))
    return render_template("library/theme.html", theme_slug=theme_slug, theme_name=name,
                           results=results, pagination=_pagination(results, theme_slug),
                           anything_published=bool(library.newest(theme_slug, limit=1)))


def _pagination(results: library.Results, theme_slug: str) -> dict | None:
    """Parameters for the GOV.UK pagination component; every link keeps the search."""
    if results.pages <= 1:
        return None
    args = {"q": results.query or None, **{k: list(v) for k, v in results.filters.items() if v}}

    def href(number: int) -> str:
        return url_for("library.theme", theme_slug=theme_slug, **args, page=number)

    page, pages = results.page, results.pages
    items: list[dict] = []
    for number in range(1, pages + 1):
        # First, last, and the current page with its neighbours; ellipses for the gaps.
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": href(number), "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict = {"items": items, "landmarkLabel": "Pages of results"}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params


@bp.get("/<theme_slug>/<slug>")
def example(theme_slug: str, slug: str) -> str:
    name = _theme_or_404(theme_slug)
    if len(slug) > 120 or not slug.isprintable():
        abort(404)
    publication = library.example(theme_slug, slug)
    if publication is None:
        abort(404)
    return render_template("library/example.html", theme_slug=theme_slug, theme_name=name,
                           publication=publication)


@bp.get("/<theme_slug>/feed.atom")
def feed(theme_slug: str) -> Response:
    name = _theme_or_404(theme_slug)
    body = atom_feed(theme_slug, name, library.newest(theme_slug))
    return Response(body, mimetype="application/atom+xml")


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _timestamp(moment: datetime | None) -> str:
    moment = moment or clock.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(theme_slug: str, theme_name: str, publications: list[Publication]) -> bytes:
    """An Atom (RFC 4287) feed of the theme's newest published examples, newest first."""
    page_url = external_url("library.theme", theme_slug=theme_slug)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = _text(text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed")
    add(root, "id", page_url)
    add(root, "title", f"{theme_name}: validated local practice")
    add(root, "subtitle", "Examples of local practice judged validated or promising by an "
                          "expert panel.")
    add(root, "updated", _timestamp(publications[0].published_at if publications else None))
    add(root, "link", rel="alternate", type="text/html", href=page_url)
    add(root, "link", rel="self", type="application/atom+xml",
        href=external_url("library.feed", theme_slug=theme_slug))
    author = add(root, "author")
    add(author, "name", SERVICE_NAME)
    for publication in publications:
        url = external_url("library.example", theme_slug=theme_slug, slug=publication.slug)
        entry = add(root, "entry")
        add(entry, "id", url)
        add(entry, "title", publication.title)
        add(entry, "updated", _timestamp(publication.published_at))
        add(entry, "published", _timestamp(publication.published_at))
        add(entry, "link", rel="alternate", type="text/html", href=url)
        add(entry, "summary", publication.summary, type="text")
        add(entry, "category", term=_text(publication.level),
            label=_text(library.level_label(publication.level)))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
