"""Demo data: the March–April 2010 safeguarding series, booked as it was in late February 2010.

`load()` writes the theme, the series with its key messages, nine regional workshops with venues
and programmes, a few hundred bookings and one staff account per role, then commits. The content
is the same on every run (`random.Random(2010)`); only the staff passwords are random.

Bookings are written directly rather than through `workshops.booking.book`, so that no mail is
queued. The tables of content live in `workshops.demo_data`; this module only assembles them.
How full each workshop is comes from its `fill` there: the North West workshop is full with a
waiting list, Yorkshire and the Humber has two places left, London has plenty.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from datetime import date, datetime, time, timedelta

import click
from sqlalchemy import select

from workshops import audit, clock
from workshops.booking import organisation_key
from workshops.demo_data import (
    ACCESS_NEEDS,
    DIETARY_NEEDS,
    EMAIL_DOMAINS,
    FEATURED_DELEGATES,
    JOB_TITLES,
    KEY_MESSAGES,
    NAME_GROUPS,
    NATIONAL_VOLUNTARY,
    ORGANISATIONS,
    PROGRAMME,
    SECTOR_WEIGHTS,
    SERIES,
    STAFF,
    THEME,
    WORKSHOPS,
    RegionalWorkshop,
)
from workshops.extensions import db
from workshops.models import (
    Booking,
    BookingStatus,
    Role,
    Series,
    Theme,
    User,
    Venue,
    Workshop,
    WorkshopStatus,
)

SEED = 2010
WAITING_LIST = 6  # entries behind the full workshop
NEARLY_FULL_FREE = 2  # places left at the nearly-full workshop
MAX_CANCELLED = 3  # cancelled bookings at a workshop that is not full

SET_UP_AT = datetime(2010, 1, 4, 10, 0)  # London time the organisers entered the series
BOOKING_OPENS = datetime(2010, 1, 11, 9, 0)
BOOKINGS_UNTIL = datetime(2010, 2, 22, 0, 0)  # before the moment `make run` replays (DEMO_NOW)
CLOSE_WORKING_DAYS_BEFORE = 3
OFFICE_HOURS = (time(8, 0), time(18, 30))

# Removed when an organisation name becomes a made-up email domain.
DOMAIN_NOISE = {"council", "city", "county", "borough", "metropolitan", "district", "london",
                "of", "the", "royal", "nhs", "trust", "foundation", "police", "constabulary",
                "service", "school", "primary", "care", "and"}
DOMAIN_SUFFIX = {"children-social-care": "gov", "lscb": "gov", "health": "nhs", "police": "police",
                 "education": "sch", "voluntary": "org", "other": "org"}
# Letters that NFKD does not take apart into an ASCII letter and an accent.
ASCII_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i",
                               "đ": "d", "æ": "ae"})


class DemoAlreadyLoaded(click.ClickException):
    """The series is already in the database; loading it twice would duplicate everything."""


def load() -> dict[str, tuple[str, str]]:
    """Load the series, its workshops, bookings and staff; return {email: (role, password)}."""
    if db.session.scalar(select(Series.id).where(Series.slug == SERIES["slug"])):
        raise DemoAlreadyLoaded(f"the series {SERIES['slug']!r} is already loaded")
    rng = random.Random(SEED)
    people = _People(rng)

    theme = db.session.scalar(select(Theme).where(Theme.slug == THEME["slug"])) or Theme(**THEME)
    series = Series(theme=theme, key_messages=KEY_MESSAGES, **SERIES)
    db.session.add(series)

    bookings: list[Booking] = []
    for spec in WORKSHOPS:
        workshop = _workshop(series, spec)
        db.session.add(workshop)
        bookings.extend(_bookings(rng, people, workshop, spec))
    db.session.add_all(bookings)

    passwords = _staff()
    db.session.flush()
    audit.record(
        "loaded demo data", "series", series.id, actor="demo",
        workshops=len(WORKSHOPS), bookings=len(bookings),
        full=[s.region for s in WORKSHOPS if s.fill == "full"],
        nearly_full=[s.region for s in WORKSHOPS if s.fill == "nearly-full"],
    )
    db.session.commit()
    return passwords


# --- workshops ---------------------------------------------------------------------------

def _workshop(series: Series, spec: RegionalWorkshop) -> Workshop:
    set_up = clock.from_london(SET_UP_AT)
    closes_on = _working_days_before(spec.day, CLOSE_WORKING_DAYS_BEFORE)
    return Workshop(
        series=series,
        region=spec.region,
        venue=Venue(name=spec.venue.name, address=spec.venue.address, town=spec.venue.town,
                    postcode=spec.venue.postcode, access_info=spec.venue.access_info),
        starts_at=clock.from_london(datetime.combine(spec.day, time(9, 30))),
        ends_at=clock.from_london(datetime.combine(spec.day, time(16, 0))),
        capacity=spec.capacity,
        booking_opens_at=clock.from_london(BOOKING_OPENS),
        booking_closes_at=clock.from_london(datetime.combine(closes_on, time(17, 0))),
        programme=PROGRAMME.format(chair=spec.chair, presenter=spec.presenter,
                                   practice=spec.practice, panel="; ".join(spec.panel)),
        status=WorkshopStatus.PUBLISHED,
        created_at=set_up,
        updated_at=set_up,
    )


def _working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


# --- bookings ----------------------------------------------------------------------------

def _bookings(rng: random.Random, people: _People, workshop: Workshop,
              spec: RegionalWorkshop) -> list[Booking]:
    """Confirmed places as `spec.fill` says, a waiting list if full, a few cancellations."""
    if spec.fill == "full":
        confirmed, waiting, cancelled = spec.capacity, WAITING_LIST, 0
    elif spec.fill == "nearly-full":
        confirmed, waiting, cancelled = spec.capacity - NEARLY_FULL_FREE, 0, 1
    else:
        confirmed, waiting = round(spec.capacity * spec.fill), 0
        cancelled = rng.randint(0, MAX_CANCELLED)

    start = workshop.booking_opens_at
    end = min(workshop.booking_closes_at, clock.from_london(BOOKINGS_UNTIL))
    moments = _moments(rng, start, end, confirmed + waiting + cancelled)
    # The waiting list forms once every place has gone, so it takes the latest moments.
    statuses = [BookingStatus.CONFIRMED] * confirmed + [BookingStatus.CANCELLED] * cancelled
    rng.shuffle(statuses)
    statuses += [BookingStatus.WAITING] * waiting

    featured = [name for name, region in FEATURED_DELEGATES if region == spec.region]
    made = []
    for moment, status in zip(moments, statuses, strict=True):
        booking = people.booking(spec.region, name=featured.pop() if featured else None)
        booking.workshop = workshop
        booking.status = status
        booking.created_at = booking.updated_at = moment
        if status == BookingStatus.WAITING:
            booking.waiting_since = moment
        elif status == BookingStatus.CANCELLED:
            booking.cancelled_at = booking.updated_at = min(
                moment + timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 300)), end)
        made.append(booking)
    return made


def _moments(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` sorted moments in [start, end), mostly on weekdays in office hours.

    Bookings bunch in the fortnight after booking opens and in the last week before `end`.
    """
    first, last = clock.london(start).date(), clock.london(end - timedelta(seconds=1)).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weights = [(0.15 if day.weekday() >= 5 else 1.0)
               * (3 if (day - first).days < 14 else 2 if (last - day).days < 7 else 1)
               for day in days]
    opening, closing = (datetime.combine(first, t) for t in OFFICE_HOURS)
    office_minutes = int((closing - opening).total_seconds() // 60)
    moments: list[datetime] = []
    while len(moments) < count:
        day = rng.choices(days, weights)[0]
        minute = rng.randrange(office_minutes)
        local = datetime.combine(day, OFFICE_HOURS[0]) + timedelta(minutes=minute,
                                                                   seconds=rng.randrange(60))
        moment = clock.from_london(local)
        if start <= moment < end:
            moments.append(moment)
    return sorted(moments)


class _People:
    """Invented delegates: a name, an employer in the region, a job, an unused email address."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.emails: set[str] = set()

    def booking(self, region: str, name: str | None = None) -> Booking:
        rng = self.rng
        name = name or self._name()
        self.names.add(name)
        organisation, sector = self._employer(region)
        email = self._email(name, organisation, sector)
        return Booking(
            name=name,
            email=email,
            email_key=email.strip().lower(),
            organisation=organisation,
            organisation_key=organisation_key(organisation),
            job_title=_commonest_first(rng, JOB_TITLES[sector]),
            region=region,
            sector=sector,
            access_needs=rng.choice(ACCESS_NEEDS) if rng.random() < 0.07 else "",
            dietary_needs=rng.choice(DIETARY_NEEDS) if rng.random() < 0.22 else "",
            list_consent=rng.random() < 0.7,
        )

    def _name(self) -> str:
        weights = [group[0] for group in NAME_GROUPS]
        while True:
            _, given, family = self.rng.choices(NAME_GROUPS, weights)[0]
            name = f"{self.rng.choice(given)} {self.rng.choice(family)}"
            if name not in self.names:
                return name

    def _employer(self, region: str) -> tuple[str, str]:
        local = ORGANISATIONS[region]
        sectors = [s for s in SECTOR_WEIGHTS if any(sector == s for _, sector in local)]
        sector = self.rng.choices(sectors, [SECTOR_WEIGHTS[s] for s in sectors])[0]
        choices = [org for org, org_sector in local if org_sector == sector]
        if sector == "voluntary":
            choices += [org for org in NATIONAL_VOLUNTARY if org not in choices]
        # The host authority (listed first) sends more people than its neighbours.
        weights = [3 if org == local[0][0] else 1 for org in choices]
        return self.rng.choices(choices, weights)[0], sector

    def _email(self, name: str, organisation: str, sector: str) -> str:
        words = [_ascii(word) for word in name.split()]
        local = ".".join(word for word in (words[0], "".join(words[1:])) if word)
        if self.rng.random() > 0.1:  # a few people type their address with capitals
            local = local.lower()
        domain = EMAIL_DOMAINS.get(organisation) or _domain(organisation, sector)
        email, n = f"{local}@{domain}", 1
        while email.lower() in self.emails:  # two people with one name at one employer
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email.lower())
        return email


def _commonest_first(rng: random.Random, options: tuple[str, ...]) -> str:
    return rng.choices(options, range(len(options), 0, -1))[0]


def _domain(organisation: str, sector: str) -> str:
    """'Stockton-on-Tees Borough Council' -> 'stockton-on-tees.gov.example'."""
    words = (_ascii(w).lower() for w in organisation.replace("-", " ").split())
    kept = [w for w in words if w and w not in DOMAIN_NOISE] or ["mail"]
    return f"{'-'.join(kept[:4])}.{DOMAIN_SUFFIX[sector]}.example"


def _ascii(word: str) -> str:
    """Letters and digits only, accents dropped: 'Súilleabháin' -> 'Suilleabhain'."""
    plain = unicodedata.normalize("NFKD", word.translate(ASCII_LETTERS))
    return "".join(c for c in plain if c.isascii() and c.isalnum())


# --- staff -------------------------------------------------------------------------------

def _staff() -> dict[str, tuple[str, str]]:
    """One account per role with a fresh random password; existing accounts are left alone."""
    created_at = clock.from_london(SET_UP_AT)
    passwords = {}
    for role in Role:
        email, name = STAFF[role.value]
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        password = secrets.token_urlsafe(12)
        user = User(email=email, name=name, role=role.value, created_at=created_at)
        user.set_password(password)
        db.session.add(user)
        passwords[email] = (role.value, password)
    return passwords
