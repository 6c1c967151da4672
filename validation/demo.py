"""Demo data for validation: the winter of 2009-10 as screeners, the panel and editors spent it.

`load()` runs after the feedback plugin's demo (`flask demo` calls each plugin's `demo` hook in
the order PLUGINS names them), which sent thirteen practice submissions that this plugin
received as cases. It adds the two panel members the core's one-per-role staff lack, has every
member of the panel declare their interests (one of them works with Coventry, so the chair sees
a refusal on the Coventry case's assign page), and then carries the cases through the real
workflow functions, so that every stage has something in it on the demo's "now":

    received 2, screening 2, more information requested 1, with the panel 2 (one with a single
    set of scores, one with both and a large disagreement; that one answered a screener's
    questions and amended its evidence first), decided and being copy-edited 1, awaiting the
    submitter's approval 1, published 2, not validated 1, withdrawn 1.

As in feedback/demo.py the app's clock is moved to each moment (`CLOCK_OFFSET`), so states,
audit entries, requests, scores and the outbox carry plausible dates between December 2009 and
February 2010; it is put back afterwards. Cases are found by their local authority (each of the
feedback demo's examples is from a different one), since this plugin imports nothing from that
one. Loading again does nothing once any case has left "received".
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from sqlalchemy import select

from validation import panel, publication, request_reminders, requests, screening, withdrawal
from validation.demo_text import (
    PUBLIC_TITLES,
    RATIONALES,
    SCORE_NOTES,
    SCREENER_NOTES,
    SOMERSET_QUESTIONS,
    TORBAY_ANSWER,
    TORBAY_EVIDENCE,
    TORBAY_QUESTIONS,
    WITHDRAWAL_REASON,
)
from validation.models import Case, CaseState, Level
from workshops import audit, clock
from workshops.demo_data import STAFF
from workshops.extensions import db
from workshops.models import Role, User

# London wall-clock times. The last moment replayed must precede the demo's "now" (DEMO_NOW,
# 22 February 2010 10:00 with `make run`).
PANEL_JOINED = datetime(2009, 11, 30, 10, 0)
INTERESTS_DECLARED = datetime(2009, 12, 1, 9, 30)
REPLAYED_UNTIL = datetime(2010, 2, 19, 16, 0)

At = Callable[[datetime], None]
Moment = tuple[int, ...]  # (year, month, day, hour, minute), London wall-clock time


@dataclass(frozen=True)
class Member:
    """A member of the panel (or its chair) and the interests they declare."""

    email: str
    name: str
    role: Role
    organisation: str
    local_authorities: tuple[str, ...]


# The core demo's panel member and chair, then the two members this demo adds.
OSEI = Member(STAFF["panel-member"][0], STAFF["panel-member"][1], Role.PANEL_MEMBER,
              "University of Birmingham", ("Birmingham", "Solihull"))
MARSH = Member(STAFF["panel-chair"][0], STAFF["panel-chair"][1], Role.PANEL_CHAIR,
               "University of Central Lancashire", ("Lancashire", "Blackburn with Darwen"))
MCGUIRE = Member("siobhan.mcguire@workshops.example", "Siobhán McGuire", Role.PANEL_MEMBER,
                 "NSPCC", ("Manchester", "Salford"))
# Works with Coventry: refused for the Coventry practice, which is with the panel.
KEARNEY = Member("martin.kearney@workshops.example", "Dr Martin Kearney", Role.PANEL_MEMBER,
                 "Coventry and Warwickshire Partnership NHS Trust", ("Coventry", "Warwickshire"))
NEW_MEMBERS = (MCGUIRE, KEARNEY)
PANEL = (OSEI, MARSH, MCGUIRE, KEARNEY)

# Each case by the local authority of the practice (the feedback demo's examples).
CASES = ("Calderdale", "Devon", "Walsall", "Leeds", "Sandwell", "Newcastle upon Tyne", "Torbay",
         "Coventry", "Somerset", "Wolverhampton", "Islington", "Sheffield", "Cornwall")


def load() -> dict[str, tuple[str, str]]:
    """Carry the received demo cases through the workflow; returns the panel members it made as
    {email: (role, password)}. Does nothing if any case has already left "received", if the
    feedback demo's cases are not there, or if the demo clock is earlier than the replay."""
    if clock.now() <= clock.from_london(REPLAYED_UNTIL):
        click.echo(f"The validation demo replays events up to {REPLAYED_UNTIL:%-d %B %Y}, later "
                   "than the demo clock's present (DEMO_NOW); not loaded.", err=True)
        return {}
    if db.session.scalar(select(Case.id).where(Case.state != CaseState.RECEIVED).limit(1)):
        return {}
    cases = {c.local_authority: c for c in db.session.scalars(
        select(Case).where(Case.local_authority.in_(CASES)))}
    if set(cases) != set(CASES):
        # Without the feedback demo's submissions (or with other ones) there is nothing to carry.
        click.echo("The validation demo needs the feedback demo's practice submissions; "
                   "not loaded.", err=True)
        return {}
    with _replaying() as at:
        at(clock.from_london(PANEL_JOINED))
        passwords = _new_members()
        staff = _staff()
        at(clock.from_london(INTERESTS_DECLARED))
        for member in PANEL:
            panel.declare_interests(staff[member.email], member.organisation,
                                    member.local_authorities)
        db.session.commit()
        _Replay(at, staff).run(cases)
    # Entered against the first case (an entry needs an entity), like feedback's series.
    first = min(case.id for case in cases.values())
    audit.record("loaded validation demo data", "validation_case", first, actor="demo",
                 cases=len(cases), staff=len(passwords))
    db.session.commit()
    return passwords


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


def _new_members() -> dict[str, tuple[str, str]]:
    """The two extra panel members, with fresh random passwords; existing accounts stay."""
    passwords = {}
    for member in NEW_MEMBERS:
        if db.session.scalar(select(User.id).where(User.email == member.email)):
            continue
        password = secrets.token_urlsafe(12)
        user = User(email=member.email, name=member.name, role=member.role.value,
                    created_at=clock.now())
        user.set_password(password)
        db.session.add(user)
        passwords[member.email] = (member.role.value, password)
    db.session.flush()
    return passwords


def _staff() -> dict[str, User]:
    """The panel and the screener by email (the core demo made all but the new members)."""
    emails = [m.email for m in PANEL] + [STAFF["screener"][0]]
    found = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    missing = set(emails) - set(found)
    if missing:
        raise click.ClickException(f"the core demo's staff are missing: {', '.join(missing)}")
    return found


def _london(*parts: int) -> datetime:
    return clock.from_london(datetime(*parts))


# One member's scores: who, when, (adequacy, evidence, transferability), level, rationale.
Scoring = tuple[Member, Moment, tuple[int, int, int], Level, str]


class _Replay:
    """Each case's story, told through the workflow's own functions at its own moments."""

    def __init__(self, at: At, staff: dict[str, User]) -> None:
        self.at = at
        self.screener = staff[STAFF["screener"][0]]
        self.chair = staff[MARSH.email]
        self.members = {m: staff[m.email] for m in PANEL}

    def run(self, cases: dict[str, Case]) -> None:
        c = cases
        # Published: the two strongest, decided before Christmas's backlog cleared.
        self.published(c["Calderdale"], screened=(2009, 12, 7, 9, 40),
                       passed=(2009, 12, 8, 14, 10), assigned=(2009, 12, 9, 10, 0),
                       scores=((OSEI, (2009, 12, 15, 16, 30), (3, 3, 3), Level.VALIDATED,
                                SCORE_NOTES["calderdale-osei"]),
                               (MCGUIRE, (2009, 12, 18, 11, 20), (3, 2, 3), Level.VALIDATED,
                                SCORE_NOTES["calderdale-mcguire"])),
                       decided=(2010, 1, 4, 10, 15), sent=(2010, 1, 7, 14, 30),
                       approved=(2010, 1, 11, 9, 50), topic="Parental substance misuse")
        self.published(c["Devon"], screened=(2009, 12, 10, 10, 5),
                       passed=(2009, 12, 11, 15, 20), assigned=(2009, 12, 14, 9, 30),
                       scores=((KEARNEY, (2009, 12, 21, 15, 0), (3, 2, 3), Level.VALIDATED,
                                SCORE_NOTES["devon-kearney"]),
                               (OSEI, (2010, 1, 6, 11, 45), (3, 3, 2), Level.VALIDATED,
                                SCORE_NOTES["devon-osei"])),
                       decided=(2010, 1, 12, 14, 0), sent=(2010, 1, 14, 11, 0),
                       approved=(2010, 1, 18, 16, 20), topic="Neglect")
        self.not_validated(c["Walsall"])
        self.withdrawn(c["Leeds"])
        self.awaiting_approval(c["Sandwell"])
        self.in_copy_edit(c["Newcastle upon Tyne"])
        self.disagreement(c["Torbay"])
        self.one_score_in(c["Coventry"])
        self.questions_open(c["Somerset"])
        self.screen(c["Wolverhampton"], (2010, 2, 8, 9, 50))
        self.screen(c["Islington"], (2010, 2, 18, 14, 30))
        # Sheffield and Cornwall arrived last and are still waiting in the queue.

    # --- the steps, each at its moment -------------------------------------------------------

    def screen(self, case: Case, when: Moment) -> None:
        self.at(_london(*when))
        screening.start_screening(case, self.screener)

    def to_panel(self, case: Case, screened: Moment, passed: Moment,
                 assigned: Moment, members: tuple[Member, Member],
                 note: str = "") -> None:
        self.screen(case, screened)
        self.at(_london(*passed))
        screening.pass_to_panel(case, self.screener, flags_reviewed=True, note=note)
        self.at(_london(*assigned))
        panel.assign(case, [self.members[m].id for m in members], actor=self.chair)
        db.session.commit()

    def score(self, case: Case, member: Member, when: Moment,
              scores: tuple[int, int, int], level: Level, rationale: str,
              final: bool = True) -> None:
        self.at(_london(*when))
        user = self.members[member]
        panel.save_scores(panel.assignment_of(case, user),
                          scores=dict(zip(("adequacy", "evidence", "transferability"), scores,
                                          strict=True)),
                          rationale=rationale, recommended_level=level, final=final, actor=user)
        db.session.commit()

    def decide(self, case: Case, when: Moment, level: Level, rationale: str,
               publish_promising: bool = False) -> None:
        self.at(_london(*when))
        # The chair sends the feedback the suite drafts from the scores, as most chairs did.
        feedback = panel.draft_feedback(case, level, rationale, publish_promising)
        panel.decide(case, level=level, rationale=rationale, feedback=feedback,
                     publish_promising=publish_promising, actor=self.chair)
        db.session.commit()

    def copy_edit(self, case: Case, when: Moment, topic: str,
                  send: bool = True) -> None:
        self.at(_london(*when))
        edited = publication.publication_for(case)
        values = {name: getattr(edited, name) for name in publication.LABELS}
        values["topic"] = topic
        values["title"] = PUBLIC_TITLES.get(case.local_authority, edited.title)
        publication.edit(edited, values, actor=self.screener)
        if send:
            self.at(_london(*when) + timedelta(minutes=20))
            publication.send_for_approval(edited, actor=self.screener, flags_checked=True)
        db.session.commit()

    def published(self, case: Case, *, screened: Moment, passed: Moment,
                  assigned: Moment, scores: tuple[Scoring, Scoring],
                  decided: Moment, sent: Moment, approved: Moment,
                  topic: str) -> None:
        self.to_panel(case, screened, passed, assigned, (scores[0][0], scores[1][0]))
        for member, when, values, level, rationale in scores:
            self.score(case, member, when, values, level, rationale)
        self.decide(case, decided, Level.VALIDATED, RATIONALES[case.local_authority])
        self.copy_edit(case, sent, topic)
        self.at(_london(*approved))
        publication.approve(publication.publication_for(case))
        db.session.commit()

    # --- the other stories ---------------------------------------------------------------------

    def not_validated(self, case: Case) -> None:
        self.to_panel(case, (2009, 12, 15, 9, 15), (2009, 12, 16, 11, 0), (2009, 12, 17, 10, 30),
                      (MCGUIRE, KEARNEY), note=SCREENER_NOTES["Walsall"])
        self.score(case, MCGUIRE, (2010, 1, 5, 14, 10), (1, 0, 1), Level.NOT_VALIDATED,
                   SCORE_NOTES["walsall-mcguire"])
        self.score(case, KEARNEY, (2010, 1, 8, 10, 45), (1, 0, 2), Level.NOT_VALIDATED,
                   SCORE_NOTES["walsall-kearney"])
        self.decide(case, (2010, 1, 14, 15, 30), Level.NOT_VALIDATED, RATIONALES["Walsall"])

    def withdrawn(self, case: Case) -> None:
        self.screen(case, (2009, 12, 16, 14, 0))
        self.at(_london(2010, 1, 5, 10, 20))
        withdrawal.withdraw(case, WITHDRAWAL_REASON)

    def awaiting_approval(self, case: Case) -> None:
        self.to_panel(case, (2010, 1, 13, 9, 30), (2010, 1, 14, 12, 10), (2010, 1, 15, 10, 0),
                      (OSEI, MCGUIRE))
        self.score(case, MCGUIRE, (2010, 1, 22, 17, 5), (3, 3, 2), Level.VALIDATED,
                   SCORE_NOTES["sandwell-mcguire"])
        self.score(case, OSEI, (2010, 1, 27, 9, 40), (3, 3, 3), Level.VALIDATED,
                   SCORE_NOTES["sandwell-osei"])
        self.decide(case, (2010, 2, 1, 11, 0), Level.VALIDATED, RATIONALES["Sandwell"])
        self.copy_edit(case, (2010, 2, 16, 15, 0), "Engaging resistant families")

    def in_copy_edit(self, case: Case) -> None:
        self.to_panel(case, (2010, 1, 19, 10, 0), (2010, 1, 20, 16, 0), (2010, 1, 21, 9, 15),
                      (MCGUIRE, KEARNEY))
        self.score(case, KEARNEY, (2010, 1, 28, 13, 20), (2, 2, 3), Level.PROMISING,
                   SCORE_NOTES["newcastle-kearney"])
        self.score(case, MCGUIRE, (2010, 2, 3, 16, 50), (2, 1, 3), Level.PROMISING,
                   SCORE_NOTES["newcastle-mcguire"])
        self.decide(case, (2010, 2, 9, 10, 30), Level.PROMISING, RATIONALES["Newcastle upon Tyne"],
                    publish_promising=True)
        self.copy_edit(case, (2010, 2, 18, 11, 0), "Supervision", send=False)

    def disagreement(self, case: Case) -> None:
        """Torbay: questions answered and evidence amended, then two scores far apart."""
        self.screen(case, (2010, 1, 22, 9, 45))
        self.at(_london(2010, 1, 22, 10, 20))
        requests.request_information(case, self.screener, TORBAY_QUESTIONS)
        self.at(_london(2010, 1, 26, 19, 40))
        requests.amend_section(case, "difference", {"impact": case.answers["impact"],
                                                    "evidence": TORBAY_EVIDENCE})
        self.at(_london(2010, 1, 26, 19, 55))
        requests.answer_request(case, TORBAY_ANSWER)
        self.at(_london(2010, 1, 27, 11, 0))
        screening.pass_to_panel(case, self.screener, flags_reviewed=True,
                                note=SCREENER_NOTES["Torbay"])
        self.at(_london(2010, 1, 28, 9, 50))
        panel.assign(case, [self.members[OSEI].id, self.members[KEARNEY].id], actor=self.chair)
        db.session.commit()
        self.score(case, OSEI, (2010, 2, 4, 15, 35), (3, 3, 2), Level.VALIDATED,
                   SCORE_NOTES["torbay-osei"])
        self.score(case, KEARNEY, (2010, 2, 12, 12, 5), (2, 1, 2), Level.EMERGING,
                   SCORE_NOTES["torbay-kearney"])

    def one_score_in(self, case: Case) -> None:
        """Coventry: Dr Kearney works with Coventry, so the chair chose the other two."""
        self.to_panel(case, (2010, 1, 28, 14, 0), (2010, 2, 1, 10, 30), (2010, 2, 2, 9, 20),
                      (OSEI, MCGUIRE))
        self.score(case, MCGUIRE, (2010, 2, 10, 16, 15), (2, 2, 2), Level.PROMISING,
                   SCORE_NOTES["coventry-mcguire"])
        # Dr Osei has started hers: a draft, which no one else sees.
        self.score(case, OSEI, (2010, 2, 17, 18, 30), (2, 1, 2), Level.PROMISING,
                   SCORE_NOTES["coventry-osei"], final=False)

    def questions_open(self, case: Case) -> None:
        self.screen(case, (2010, 2, 2, 10, 10))
        self.at(_london(2010, 2, 2, 11, 0))
        requests.request_information(case, self.screener, SOMERSET_QUESTIONS)
        # The daily reminder (validation/tasks.py, 9.45): its first run after 14 days' wait.
        self.at(_london(2010, 2, 17, 9, 45))
        request_reminders.send_reminders()
