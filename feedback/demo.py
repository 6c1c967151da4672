"""Demo data for the feedback side: a series that has already happened, and what followed it.

`load()` runs after the core demo (`flask demo` calls it through the plugin's `demo` hook) and
adds the autumn 2009 safeguarding series on parental substance misuse: three regional workshops
held in November 2009, their delegates (most checked in, a few no-shows), and then what came
after each day, replayed through the plugin's own domain functions:

- the workshop finished the next morning (`scheduling.finish_workshop`, which invites everyone
  who came), about 60% of attendees evaluating the day, and one reminder a week later;
- sixteen practice submissions, fourteen from delegates and two from members of the public:
  thirteen sent between December 2009 and February 2010 (three with an evaluation report
  attached as a PDF) and three still drafts. Sending one hands it to validation, if installed.

While it replays, the app's clock is moved to each moment in turn (`CLOCK_OFFSET`, as the tests
move it), so everything the domain functions stamp - invitations, evaluations, references,
receipts, audit entries - carries the date it would have had. The clock is put back afterwards.
Mail is queued through the outbox like any other: with `make run` the worker delivers the
invitations, reminders and receipts to the local mail catcher, whose links lead to the
delegate's evaluation and practice pages.

The content is the same on every run (`random.Random(2009)`). Loading twice adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

import click
from flask import current_app, render_template
from sqlalchemy import select

from feedback import evaluations, invitations, submissions
from feedback.demo_data import (
    COMMENTS,
    COULD_BE_BETTER,
    DO_DIFFERENTLY,
    KEY_MESSAGES,
    PROGRAMME,
    SERIES,
    VENUE_REMARKS,
    WORKSHOPS,
)
from feedback.demo_practice import PRACTICE, EvidenceReport, PracticeExample, Submitter
from feedback.models import Invitation, Submission
from workshops import audit, clock, scheduling
from workshops.booking import organisation_key
from workshops.demo import _ascii, _domain, _moments, _People, _working_days_before
from workshops.demo_data import THEME, RegionalWorkshop
from workshops.extensions import db
from workshops.models import (
    Booking,
    BookingStatus,
    Series,
    Theme,
    Venue,
    Workshop,
    WorkshopStatus,
)
from workshops.practice_form import Kind

SEED = 2009
# London wall-clock times.
SET_UP_AT = datetime(2009, 9, 7, 10, 0)
BOOKING_OPENS = datetime(2009, 9, 14, 9, 0)
CLOSE_WORKING_DAYS_BEFORE = 3
# The last moment replayed: it must come before whatever `clock.now()` says when loading.
REPLAYED_UNTIL = datetime(2010, 2, 19, 18, 0)
# When the periodic tasks run (workshops/tasks.py, feedback/tasks.py): past workshops are
# finished at 6am the next day; the feedback reminder goes at 9.30; booking reminders at :20.
FINISH_AT = time(6, 0)
FEEDBACK_REMINDER_AT = time(9, 30)
BOOKING_REMINDER_MINUTE = 20
BOOKING_REMINDER_DAYS = 7

CANCELLED = (1, 3)  # bookings cancelled before the day, per workshop
NO_SHOWS = (2, 5)
LATE_ARRIVALS = 0.1
EVALUATED = (0.56, 0.64)  # the share of attendees who evaluated the day, per workshop
AFTER_REMINDER = 0.3  # of those, the share who did so only once reminded

# Rating weights for 1 to 5 by how the day went for someone: mostly 4s and 5s, some 3s,
# the odd 2. A venue that was awkward to reach is rated as if one mood lower.
MOODS = {"pleased": (0, 1, 6, 36, 57), "content": (0, 3, 20, 55, 22),
         "lukewarm": (1, 14, 47, 32, 6)}
MOOD_SHARES = (45, 44, 11)
ONE_LOWER = {"pleased": "content", "content": "lukewarm", "lukewarm": "lukewarm"}
AWKWARD_VENUES = {"west-midlands"}  # see VENUE_REMARKS
WRITES = {"do_differently": 0.4, "could_be_better": 0.25, "comments": 0.15}

At = Callable[[datetime], None]


def load() -> dict[str, tuple[str, str]]:
    """Add the finished autumn 2009 series, its evaluations and practice; makes no staff
    accounts, so returns {}. Does nothing if the series is already there, or if the clock says
    it is not yet February 2010 (DEMO_NOW earlier than the events replayed)."""
    if clock.now() <= clock.from_london(REPLAYED_UNTIL):
        # Skipped rather than refused: `flask demo` has already loaded the core's part and
        # still has to print the staff passwords, which are shown only once.
        click.echo(f"The feedback demo replays events up to {REPLAYED_UNTIL:%-d %B %Y}, later "
                   "than the demo clock's present (DEMO_NOW); not loaded.", err=True)
        return {}
    if db.session.scalar(select(Series.id).where(Series.slug == SERIES["slug"])):
        return {}
    rng = random.Random(SEED)
    with _replaying() as at:
        at(clock.from_london(SET_UP_AT))
        workshops = _series()
        submitters = _delegates(rng, workshops)
        db.session.commit()
        piles = _comment_piles(rng, workshops)
        for workshop in workshops:
            _after_the_day(rng, at, workshop, piles[workshop.id])
        for example in PRACTICE:
            _practice(rng, at, example, submitters)
    series = workshops[0].series
    audit.record("loaded feedback demo data", "series", series.id, actor="demo",
                 workshops=len(workshops), practice=len(PRACTICE))
    db.session.commit()
    return {}


@contextmanager
def _replaying() -> Iterator[At]:
    """Yields `at(moment)`, which sets the app's clock to that (aware) moment from now on."""
    config = current_app.config
    saved = config.get("CLOCK_OFFSET")

    def at(moment: datetime) -> None:
        config["CLOCK_OFFSET"] = moment - datetime.now(UTC)

    try:
        yield at
    finally:
        config["CLOCK_OFFSET"] = saved


# --- the series and its delegates ------------------------------------------------------------

def _series() -> list[Workshop]:
    theme = db.session.scalar(select(Theme).where(Theme.slug == THEME["slug"])) or Theme(**THEME)
    series = Series(theme=theme, key_messages=KEY_MESSAGES, **SERIES)
    workshops = [_workshop(series, spec) for spec in WORKSHOPS]
    db.session.add_all([series, *workshops])
    return workshops


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
        # Published, as it was all autumn: finishing it is replayed through the domain.
        status=WorkshopStatus.PUBLISHED,
        created_at=set_up,
        updated_at=set_up,
    )


def _delegates(rng: random.Random, workshops: list[Workshop]) -> dict[str, Booking]:
    """Every workshop's bookings and who came; returns the practice submitters' bookings."""
    people = _People(rng)
    submitters: dict[str, Booking] = {}
    for workshop, spec in zip(workshops, WORKSHOPS, strict=True):
        featured = [e.submitter for e in PRACTICE
                    if e.via == "booking" and e.region == workshop.region]
        bookings = _bookings(rng, people, workshop, spec, featured)
        db.session.add_all(bookings)
        mine = {b.name: b for b in bookings if b.name in {s.name for s in featured}}
        _attendance(rng, workshop, [b for b in bookings if b.status == BookingStatus.CONFIRMED],
                    keep=set(mine.values()))
        submitters.update(mine)
    return submitters


def _bookings(rng: random.Random, people: _People, workshop: Workshop, spec: RegionalWorkshop,
              featured: list[Submitter]) -> list[Booking]:
    confirmed = round(spec.capacity * float(spec.fill))
    cancelled = rng.randint(*CANCELLED)
    moments = _moments(rng, workshop.booking_opens_at, workshop.booking_closes_at,
                       confirmed + cancelled)
    statuses = [BookingStatus.CONFIRMED] * confirmed + [BookingStatus.CANCELLED] * cancelled
    rng.shuffle(statuses)
    still_to_book = list(featured)
    made = []
    for moment, status in zip(moments, statuses, strict=True):
        if status == BookingStatus.CONFIRMED and still_to_book:
            booking = _featured_booking(people, still_to_book.pop(0), spec.region)
        else:
            booking = people.booking(spec.region)
        booking.workshop = workshop
        booking.status = status
        booking.created_at = booking.updated_at = moment
        if status == BookingStatus.CANCELLED:
            booking.cancelled_at = booking.updated_at = min(
                moment + timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 300)),
                workshop.booking_closes_at)
        made.append(booking)
    return made


def _featured_booking(people: _People, submitter: Submitter, region: str) -> Booking:
    email = address_of(submitter)
    people.names.add(submitter.name)
    people.emails.add(email.lower())
    return Booking(name=submitter.name, email=email, email_key=email.lower(),
                   organisation=submitter.organisation,
                   organisation_key=organisation_key(submitter.organisation),
                   job_title=submitter.job_title, region=region, sector=submitter.sector,
                   list_consent=True)


def address_of(submitter: Submitter) -> str:
    """The made-up address the core demo would give this person: first.last@domain.example."""
    first, *rest = (_ascii(word) for word in submitter.name.split())
    return f"{first}.{''.join(rest)}@{_domain(submitter.organisation, submitter.sector)}".lower()


def _attendance(rng: random.Random, workshop: Workshop, confirmed: list[Booking],
                keep: set[Booking]) -> None:
    """The week before and the day: reminders sent, arrivals checked in, no-shows marked."""
    reminders_from = workshop.starts_at - timedelta(days=BOOKING_REMINDER_DAYS)
    missing = set(rng.sample([b for b in confirmed if b not in keep], rng.randint(*NO_SHOWS)))
    doors_open = workshop.starts_at - timedelta(minutes=35)
    after_lunch = workshop.starts_at + timedelta(hours=3, minutes=50)
    for booking in confirmed:
        booking.reminder_sent_at = _next_run(max(booking.created_at, reminders_from))
        if booking in missing:
            booking.no_show_at = after_lunch
            booking.updated_at = after_lunch
            continue
        late = rng.random() < LATE_ARRIVALS
        booking.checked_in_at = doors_open + timedelta(
            minutes=rng.randint(60, 150) if late else rng.randint(0, 50),
            seconds=rng.randrange(60))
        booking.updated_at = booking.checked_in_at


def _next_run(moment: datetime) -> datetime:
    """The hourly booking-reminder run at or after `moment`."""
    run = moment.replace(minute=BOOKING_REMINDER_MINUTE, second=0, microsecond=0)
    return run if run >= moment else run + timedelta(hours=1)


# --- after the day: invitations, evaluations, the reminder -----------------------------------

def _comment_piles(rng: random.Random, workshops: list[Workshop]) -> dict[int, dict[str, list]]:
    """Each workshop's own share of the written comments, so no two people wrote the same."""
    piles: dict[int, dict[str, list]] = {w.id: {} for w in workshops}
    for key, texts in (("do_differently", DO_DIFFERENTLY), ("could_be_better", COULD_BE_BETTER),
                       ("comments", COMMENTS)):
        dealt = rng.sample(texts, len(texts))
        for n, workshop in enumerate(workshops):
            piles[workshop.id][key] = dealt[n::len(workshops)]
    for workshop in workshops:
        remarks = list(VENUE_REMARKS.get(workshop.region, ()))
        piles[workshop.id]["could_be_better"] += remarks
        rng.shuffle(piles[workshop.id]["could_be_better"])
    return piles


def _after_the_day(rng: random.Random, at: At, workshop: Workshop,
                   pile: dict[str, list]) -> None:
    day = clock.london(workshop.starts_at).date()
    at(clock.from_london(datetime.combine(day + timedelta(days=1), FINISH_AT)))
    scheduling.finish_workshop(workshop.id, actor="system")
    invited = list(db.session.scalars(
        select(Invitation).where(Invitation.workshop_id == workshop.id).order_by(Invitation.id)))
    invited_at = invited[0].invited_at
    remind_days = int(current_app.config.get("FEEDBACK_REMINDER_DAYS", 7))
    reminder_run = clock.from_london(datetime.combine(
        clock.london(invited_at + timedelta(days=remind_days)).date(), FEEDBACK_REMINDER_AT))

    evaluators = rng.sample(invited, round(len(invited) * rng.uniform(*EVALUATED)))
    late = round(len(evaluators) * AFTER_REMINDER)
    early_moments = _moments(rng, invited_at + timedelta(hours=2), reminder_run,
                             len(evaluators) - late)
    late_moments = _moments(rng, reminder_run + timedelta(minutes=5),
                            reminder_run + timedelta(days=6), late)
    for moment, invitation in zip(early_moments, evaluators[late:], strict=True):
        at(moment)
        evaluations.record_evaluation(invitation, _evaluation(rng, workshop.region, pile))
    at(reminder_run)
    # It reminds everyone invited a week ago who has not answered: this workshop's delegates
    # only, since the earlier workshops' were reminded before and the later ones are not over.
    invitations.send_reminders()
    for moment, invitation in zip(late_moments, evaluators[:late], strict=True):
        at(moment)
        evaluations.record_evaluation(invitation, _evaluation(rng, workshop.region, pile))


def _evaluation(rng: random.Random, region: str, pile: dict[str, list]) -> dict[str, str]:
    mood = rng.choices(list(MOODS), MOOD_SHARES)[0]
    answers: dict[str, str] = {}
    for question in evaluations.RATINGS:
        felt = ONE_LOWER[mood] if question.key == "venue" and region in AWKWARD_VENUES else mood
        answers[question.key] = rng.choices("12345", MOODS[felt])[0]
    for key, chance in WRITES.items():
        # Someone lukewarm about the day is likelier to say what could have been better.
        if key == "could_be_better" and mood == "lukewarm":
            chance *= 3
        if pile[key] and rng.random() < chance:
            answers[key] = pile[key].pop()
    return answers


# --- practice --------------------------------------------------------------------------------

def _practice(rng: random.Random, at: At, example: PracticeExample,
              submitters: dict[str, Booking]) -> Submission:
    start = clock.from_london(example.started)
    end = clock.from_london(example.submitted or example.last_saved or example.started)
    at(start)
    if example.via == "public":
        submission = submissions.start_public(address_of(example.submitter))
        at(start + timedelta(minutes=rng.randint(2, 9)))  # the emailed link, opened
        submissions.confirm_email(submission)
    else:
        submission = submissions.draft_for_booking(submitters[example.submitter.name])
    moments = _sittings(rng, start, end, len(example.sections),
                        sending=example.submitted is not None)
    for key, moment in zip(example.sections, moments, strict=True):
        at(moment)
        submissions.save_section(submission, key, _section_answers(example, key,
                                                                   submission.email))
        if key == "difference" and example.report is not None:
            at(moment + timedelta(minutes=rng.randint(3, 12)))
            submissions.add_evidence(submission, example.report.filename,
                                     report_pdf(example.report))
    if example.submitted is not None:
        at(end)
        # The examples that name someone with a title were confirmed by their submitters.
        submissions.submit(submission, flags_confirmed=True)
    return submission


def _sittings(rng: random.Random, start: datetime, end: datetime, count: int,
              sending: bool) -> list[datetime]:
    """When each of `count` sections was saved: the first two in the first sitting, the last
    at `end` (or just before sending), the others spread over the days between."""
    first = start + timedelta(minutes=rng.randint(1, 4))
    last = end - timedelta(minutes=rng.randint(2, 5)) if sending else end
    if count == 1:
        return [first]
    if count == 2:
        return [first, last]
    second = min(first + timedelta(minutes=rng.randint(2, 6)), last)
    between = count - 3
    if last - second > timedelta(days=1):
        middle = _moments(rng, second + timedelta(hours=1), last - timedelta(hours=1), between)
    else:
        step = (last - second) / (between + 1)
        middle = [second + step * (n + 1) for n in range(between)]
    return [first, second, *middle, last]


def _section_answers(example: PracticeExample, key: str, email: str) -> dict[str, object]:
    section = submissions.section(key)
    submitter = example.submitter
    answers: dict[str, object] = {
        **example.answers, "contact_name": submitter.name, "contact_role": submitter.job_title,
        "contact_email": email, "contact_phone": submitter.phone}
    return {q.key: True if q.kind == Kind.CHECK else answers.get(q.key, "")
            for q in section.questions}


def report_pdf(report: EvidenceReport) -> bytes:
    """A short evaluation report as a PDF, the kind of evidence submitters attach."""
    from weasyprint import HTML  # slow to import; only needed here and for receipts

    html = render_template("feedback/demo_evidence_report.html", report=report)
    return HTML(string=html).write_pdf()
