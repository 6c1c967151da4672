"""The public practice library: publishing examples, and finding them again.

`publish()` and `unpublish()` are the only changes of a publication's public state; everything
else here reads, and reads PUBLISHED rows only: `_published()` is the one place that says so,
and every public query starts from it. Like the workflow's functions, the two changes write the
audit entry in the caller's transaction and leave the commit to the caller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from validation import search as engine
from validation.models import LEVEL_LABELS, Level, Publication, PublicationStatus
from workshops import audit, clock
from workshops.extensions import db
from workshops.models import REGIONS, Theme, User
from workshops.transitions import next_state

S = PublicationStatus
TRANSITIONS: dict[str, dict[str | None, str]] = {
    # Only wording the submitter has approved goes public.
    "publish": {S.AWAITING_APPROVAL: S.PUBLISHED},
    "unpublish": {S.PUBLISHED: S.EDITING},
}
PUBLIC_LEVELS = (Level.VALIDATED, Level.PROMISING)
PER_PAGE = 10
FEED_SIZE = 20
FACETS = ("region", "level", "year", "topic")
_MAX_LENGTH = {"region": 40, "level": 20, "topic": 120}
_YEARS = range(1900, 3000)  # outside it a year cannot be a publication's, nor overflow a column


# --- changes ----------------------------------------------------------------------------

def publish(publication: Publication, *, actor: User | str | None = None) -> Publication:
    """Put approved wording on the theme's public pages (TransitionNotAllowed otherwise)."""
    before = publication.status
    publication.status = next_state(TRANSITIONS, "publish", before)
    publication.published_at = clock.now()
    db.session.flush()
    engine.reindex(db.session, publication.id)
    audit.record("publish", "validation_publication", publication.id, actor=actor,
                 workshop_id=publication.case.workshop_id if publication.case else None,
                 before=before, after=publication.status, slug=publication.slug,
                 theme=publication.theme_slug)
    return publication


def unpublish(publication: Publication, *, actor: User | str | None = None,
              reason: str = "") -> Publication:
    """Take an example off the public pages and back to editing."""
    before = publication.status
    publication.status = next_state(TRANSITIONS, "unpublish", before)
    # It is no longer published; the audit log keeps when it was.
    publication.published_at = None
    db.session.flush()
    engine.reindex(db.session, publication.id)
    audit.record("unpublish", "validation_publication", publication.id, actor=actor,
                 workshop_id=publication.case.workshop_id if publication.case else None,
                 before=before, after=publication.status, slug=publication.slug,
                 theme=publication.theme_slug, reason=reason)
    return publication


# --- reading ----------------------------------------------------------------------------

def _published() -> Select:
    return select(Publication).where(Publication.status == S.PUBLISHED)


@dataclass(frozen=True)
class ThemeSummary:
    slug: str
    name: str
    examples: int
    latest: datetime | None


def themes() -> list[ThemeSummary]:
    """Themes with published practice, by name."""
    rows = db.session.execute(
        select(Publication.theme_slug, func.max(Publication.theme_name), func.count(),
               func.max(Publication.published_at))
        .where(Publication.status == S.PUBLISHED).group_by(Publication.theme_slug))
    found = [ThemeSummary(slug, name, count, latest) for slug, name, count, latest in rows]
    return sorted(found, key=lambda t: t.name.casefold())


def theme_name(slug: str) -> str | None:
    """The theme's name if the public may see its library: it has published practice, or it is
    one of the programme's themes (whose library is empty so far). None otherwise."""
    name = db.session.scalar(
        _published().with_only_columns(Publication.theme_name)
        .where(Publication.theme_slug == slug).order_by(Publication.published_at.desc())
        .limit(1))
    if name is None:
        name = db.session.scalar(select(Theme.name).where(Theme.slug == slug))
    return name


def example(theme_slug: str, slug: str) -> Publication | None:
    return db.session.scalar(_published().where(Publication.theme_slug == theme_slug,
                                                Publication.slug == slug))


def newest(theme_slug: str, limit: int = FEED_SIZE) -> list[Publication]:
    return list(db.session.scalars(
        _published().where(Publication.theme_slug == theme_slug)
        .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)))


# --- search -----------------------------------------------------------------------------

@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int  # examples the search would find with this value, other filters kept
    selected: bool


@dataclass
class Results:
    items: list[Publication]
    total: int
    page: int
    per_page: int
    query: str  # the query as kept (cleaned), for the search box
    ranked: bool  # ordered by relevance (a query) rather than newest first
    filters: dict[str, tuple[str, ...]]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())


FilterValue = str | int | Iterable[str | int] | None


_CLOSED = {"region": frozenset(REGIONS), "level": frozenset(str(level) for level in Level)}


def clean_filters(**raw: FilterValue) -> dict[str, tuple[str, ...]]:
    """Each facet's wanted values, as strings; what cannot be a stored value is dropped, so no
    input reaches the database that could upset it (a NUL byte, a year past any integer), and
    a region or level that is none of ours (a hand-edited address) filters nothing rather than
    hiding every result behind a choice the page's own filters cannot show."""
    cleaned: dict[str, tuple[str, ...]] = {}
    for name in FACETS:
        value = raw.get(name)
        values = [value] if isinstance(value, str | int) else list(value or ())
        kept: list[str] = []
        for item in values:
            text = str(item).strip()
            if name == "year":
                ok = text.isascii() and text.isdigit() and int(text) in _YEARS
                text = str(int(text)) if ok else text
            elif name in _CLOSED:
                ok = text in _CLOSED[name]
            else:
                ok = 0 < len(text) <= _MAX_LENGTH[name] and text.isprintable()
            if ok and text not in kept:
                kept.append(text)
        cleaned[name] = tuple(kept)
    return cleaned


def _facet_column(name: str) -> Any:
    return getattr(Publication, name)


def _apply_filters(stmt: Select, filters: dict[str, tuple[str, ...]]) -> Select:
    for name, values in filters.items():
        if values:
            wanted = [int(v) for v in values] if name == "year" else list(values)
            stmt = stmt.where(_facet_column(name).in_(wanted))
    return stmt


def search(query: str | None, *, theme_slug: str | None = None, region: FilterValue = None,
           level: FilterValue = None, year: FilterValue = None, topic: FilterValue = None,
           page: int = 1, per_page: int = PER_PAGE) -> Results:
    """Published practice matching `query` (every word, stemmed; see validation/search.py) and
    the filters, best match first (newest first without a query), one page of it; with counts
    for each filter value. Never raises for anything a visitor can type."""
    text = engine.clean(query)
    parsed = engine.parse(text)
    filters = clean_filters(region=region, level=level, year=year, topic=topic)
    dialect = db.session.get_bind().dialect.name
    base = _published()
    if theme_slug is not None:
        base = base.where(Publication.theme_slug == theme_slug)

    # Typed, but nothing searchable left ("the", "*", '""'): nothing matches, as on PostgreSQL.
    nothing_to_find = bool(text) and parsed.is_empty
    rows: list[tuple[str, ...]] = []
    if not nothing_to_find:
        matched, _ = engine.restrict(base, parsed, dialect)
        rows = [tuple(_as_text(v) for v in row) for row in db.session.execute(
            matched.with_only_columns(*(_facet_column(n) for n in FACETS)))]
    total = sum(1 for row in rows if _passes(row, filters))
    results = Results(items=[], total=total, page=1, per_page=per_page, query=text,
                      ranked=not parsed.is_empty, filters=filters)
    results.page = min(max(page, 1), results.pages)
    if total:
        stmt, rank = engine.restrict(_apply_filters(base, filters), parsed, dialect)
        order = [Publication.published_at.desc(), Publication.id.desc()]
        stmt = stmt.order_by(*([rank] if rank is not None else []), *order)
        results.items = list(db.session.scalars(
            stmt.limit(per_page).offset((results.page - 1) * per_page)))
    results.facets = _facets(base, rows, filters, searched=bool(text))
    return results


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def _passes(row: tuple[str, ...], filters: dict[str, tuple[str, ...]],
            ignoring: str | None = None) -> bool:
    return all(not filters[name] or row[i] in filters[name]
               for i, name in enumerate(FACETS) if name != ignoring)


def _facets(base: Select, rows: list[tuple[str, ...]], filters: dict[str, tuple[str, ...]],
            *, searched: bool) -> dict[str, list[FacetValue]]:
    """Every value the theme's published practice has, each counted among the matches as if
    its own facet were not filtered (so a visitor sees what choosing it instead would give)."""
    everything = rows if not searched else [
        tuple(_as_text(v) for v in row) for row in db.session.execute(
            base.with_only_columns(*(_facet_column(n) for n in FACETS)))]
    facets: dict[str, list[FacetValue]] = {}
    for i, name in enumerate(FACETS):
        counts: dict[str, int] = {}
        for row in rows:
            if _passes(row, filters, ignoring=name):
                counts[row[i]] = counts.get(row[i], 0) + 1
        values = {row[i] for row in everything if row[i]}
        if name == "level":
            values |= {str(level) for level in PUBLIC_LEVELS}
        facets[name] = [FacetValue(v, _label(name, v), counts.get(v, 0), v in filters[name])
                        for v in _ordered(name, values)]
    return facets


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(Level(level), level) if level in set(Level) else level


def region_name(region: str) -> str:
    return REGIONS.get(region, region)


def _label(name: str, value: str) -> str:
    if name == "region":
        return region_name(value)
    if name == "level":
        return level_label(value)
    return value


def _ordered(name: str, values: set[str]) -> list[str]:
    if name == "region":
        order = {key: i for i, key in enumerate(REGIONS)}
        return sorted(values, key=lambda v: (order.get(v, len(order)), v))
    if name == "level":
        order = {str(level): i for i, level in enumerate(Level)}
        return sorted(values, key=lambda v: (order.get(v, len(order)), v))
    if name == "year":
        return sorted(values, key=int, reverse=True)
    return sorted(values, key=str.casefold)
