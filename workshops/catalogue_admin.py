"""Organisers' changes to series and venues. Each writes an audit entry and commits.

Workshops have their own module (`scheduling`) because changing one can email delegates;
series and venues change only what pages show, so these functions are simpler.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from workshops import audit
from workshops.extensions import db
from workshops.models import Series, SeriesFormerSlug, Theme, User, Venue

SERIES_FIELDS = ("slug", "title", "review_title", "description", "key_messages")
VENUE_FIELDS = ("name", "address", "town", "postcode", "access_info")


class CatalogueRefused(Exception):
    """A rule said no. `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


_UNACCENTED = str.maketrans({"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
                             "ß": "ss", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th",
                             "þ": "th", "ı": "i"})


def slugify(text: str, limit: int = 80) -> str:
    """'Highly resistant families!' -> 'highly-resistant-families' (ASCII, for URLs), cut
    at `limit` characters."""
    # Dashes and other punctuation part words before the accents go: '2010–11' is '2010-11',
    # not '201011' (the en dash had simply vanished with everything else not ASCII).
    # Apostrophes join: 'Children’s' is 'childrens'. Letters that do not decompose into a
    # letter and an accent are spelt as their languages write them in ASCII.
    text = re.sub("['’‘]", "", text).translate(_UNACCENTED)
    parted = "".join(" " if unicodedata.category(c)[0] in "PZS" else c for c in text)
    ascii_text = unicodedata.normalize("NFKD", parted).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit]


def _theme(name: str) -> Theme:
    """The theme with this name, made on first use: organisers type themes, not pick ids."""
    name = " ".join(name.split())
    slug = slugify(name)
    if not slug:
        raise CatalogueRefused("Enter a theme made of letters or numbers", field="theme")
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if theme is None:
        theme = Theme(slug=slug, name=name)
        db.session.add(theme)
        db.session.flush()
    return theme


def _check_slug(slug: str, series_id: int | None) -> None:
    if not slug:
        raise CatalogueRefused("Enter a web address, like highly-resistant-families",
                               field="slug")
    clash = db.session.scalar(select(Series.id).where(Series.slug == slug))
    if clash is not None and clash != series_id:
        raise CatalogueRefused("Another series already uses this web address. Choose a "
                               "different one.", field="slug")


def _commit_or_refuse() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Two organisers chose the same slug at the same moment; the database kept one.
        db.session.rollback()
        raise CatalogueRefused("Another series already uses this web address. Choose a "
                               "different one.", field="slug") from None


def create_series(values: dict, *, actor: User) -> Series:
    """`values` holds SERIES_FIELDS and `theme` (a theme name)."""
    slug = values.get("slug") or slugify(values["title"])
    _check_slug(slug, None)
    fields = {k: values.get(k) or "" for k in SERIES_FIELDS} | {"slug": slug}
    series = Series(theme=_theme(values["theme"]), **fields)
    db.session.add(series)
    db.session.flush()
    audit.record("created series", "series", series.id, actor=actor, slug=slug)
    _commit_or_refuse()
    return series


def update_series(series_id: int, values: dict, *, actor: User) -> dict:
    """Apply an edit; returns {field: (old, new)} of what changed."""
    series = db.session.get(Series, series_id)
    if series is None:
        raise CatalogueRefused("This series does not exist.")
    values = dict(values)
    # Blank means "make one from the title", as the form's hint says.
    values["slug"] = values.get("slug") or slugify(values.get("title") or series.title)
    _check_slug(values["slug"], series.id)
    changes = {k: (getattr(series, k), values[k] or "") for k in SERIES_FIELDS
               if k in values and getattr(series, k) != (values[k] or "")}
    if "theme" in values:
        theme = _theme(values["theme"])
        if theme.id != series.theme_id:
            changes["theme"] = (series.theme.name, theme.name)
            series.theme = theme
    if not changes:
        db.session.rollback()
        return {}
    if "slug" in changes:
        _keep_former_slug(series, *changes["slug"])
    for field, (_old, new) in changes.items():
        if field != "theme":
            setattr(series, field, new)
    # Long Markdown texts would bloat the log; the field names say enough.
    audit.record("changed series", "series", series.id, actor=actor, fields=sorted(changes))
    _commit_or_refuse()
    return changes


def _keep_former_slug(series: Series, old: str, new: str) -> None:
    """Remember the address the series is leaving, so that links already sent (emails, packs,
    calendar subscriptions) still arrive; forget the one it takes, which is current now."""
    db.session.execute(delete(SeriesFormerSlug).where(SeriesFormerSlug.slug == new))
    db.session.execute(delete(SeriesFormerSlug).where(SeriesFormerSlug.slug == old))
    db.session.add(SeriesFormerSlug(series_id=series.id, slug=old))


class VenueExists(CatalogueRefused):
    """The venue is already in the list: `venue` is the one to use (or edit) instead."""

    def __init__(self, venue: Venue) -> None:
        super().__init__(f"There is already a venue called {venue.name} at {venue.postcode}",
                         field="name")
        self.venue = venue


def _venue_key(name: str, postcode: str) -> tuple[str, str]:
    """What makes two venues the same one: 'royal  station hotel' at 'ne15dh' is the Royal
    Station Hotel at NE1 5DH."""
    return " ".join(name.split()).casefold(), "".join(postcode.split()).upper()


def _refuse_a_second(name: str, postcode: str, venue_id: int | None) -> None:
    """Refuse a venue with the name and postcode of another: two identical entries left
    organisers guessing which to choose for a workshop."""
    key = _venue_key(name, postcode)
    # Postcodes compare in SQL (few venues share one); names, whose inner spacing SQLite
    # cannot tidy as PostgreSQL's regexp_replace would, compare here.
    at_postcode = db.session.scalars(
        select(Venue).where(func.upper(func.replace(Venue.postcode, " ", "")) == key[1])
        .order_by(Venue.id))
    for other in at_postcode:
        if other.id != venue_id and _venue_key(other.name, other.postcode) == key:
            raise VenueExists(other)


def create_venue(values: dict, *, actor: User) -> Venue:
    _refuse_a_second(values.get("name") or "", values.get("postcode") or "", None)
    venue = Venue(**{k: values.get(k) or "" for k in VENUE_FIELDS})
    db.session.add(venue)
    db.session.flush()
    audit.record("created venue", "venue", venue.id, actor=actor, name=venue.name)
    db.session.commit()
    return venue


def update_venue(venue_id: int, values: dict, *, actor: User) -> dict:
    """Apply an edit; returns {field: (old, new)} of what changed."""
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        raise CatalogueRefused("This venue does not exist.")
    changes = {k: (getattr(venue, k), values[k] or "") for k in VENUE_FIELDS
               if k in values and getattr(venue, k) != (values[k] or "")}
    if not changes:
        return {}
    name, postcode = (values.get(k) or getattr(venue, k) for k in ("name", "postcode"))
    if _venue_key(name, postcode) != _venue_key(venue.name, venue.postcode):
        # Only a new name or postcode can make a duplicate: a pair saved before this rule
        # can still have its address or access information corrected.
        _refuse_a_second(name, postcode, venue.id)
    for field, (_old, new) in changes.items():
        setattr(venue, field, new)
    audit.record("changed venue", "venue", venue.id, actor=actor,
                 changes={k: list(v) for k, v in changes.items()})
    db.session.commit()
    return changes
