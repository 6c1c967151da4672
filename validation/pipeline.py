"""The validation pipeline in figures, and the validated practice handed to the review team.

The figures read three things, whatever the number of cases: every case's state and times (one
query, so every figure on the page comes from the same moment), the audit trail of the cases'
state changes (one query), and the panel's assignments (one query). Medians need every value,
and SQLite has no median, so the few columns needed come back and Python does the sums.

How long a case spends in a stage comes from the audit trail that `workflow.move` writes: each
change records the state it left (`before`) and entered (`after`), with its time. A case's time
in a stage is the sum of its visits (a case screened, sent back to the submitter and screened
again has two visits to screening); a case still in a stage counts up to now, from `state_since`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from validation import workflow
from validation.models import (
    LEVEL_LABELS,
    STATE_LABELS,
    Assignment,
    Case,
    CaseState,
    Criterion,
    Level,
    Publication,
    PublicationStatus,
)
from validation.panel import MIN_PANEL, PANEL_ROLES
from workshops import clock
from workshops.extensions import db
from workshops.models import REGIONS, AuditEntry, User

C = CaseState
CASE_ENTITY = "validation_case"
# The audit actions of state changes, as `workflow.move` names them ("pass_to_panel" is logged
# as "pass to panel"); "receive" is logged without before and after, and `received_at` has it.
TRANSITION_ACTIONS = tuple(action.replace("_", " ") for action in workflow.TRANSITIONS
                           if action != "receive")
# The programme's own figures: over 600 submissions in about three years, roughly 10%
# validated and 15% promising. Percentages of decided cases.
BENCHMARKS: dict[Level, float] = {Level.VALIDATED: 10, Level.PROMISING: 15}
REVIEW_LEVELS = (Level.VALIDATED, Level.PROMISING)
DAY = timedelta(days=1)


# --- the stages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stage:
    state: CaseState
    label: str
    measured: str  # how, in the page's words


STAGES = (
    Stage(C.RECEIVED, "Waiting for screening",
          "from the day the submission arrived until a screener started screening it"),
    Stage(C.SCREENING, STATE_LABELS[C.SCREENING],
          "from the start of screening until the case went to the panel, was closed, was "
          "withdrawn or the submitter was asked a question"),
    Stage(C.INFO_REQUESTED, STATE_LABELS[C.INFO_REQUESTED],
          "from sending the questions until the submitter answered or withdrew"),
    Stage(C.WITH_PANEL, STATE_LABELS[C.WITH_PANEL],
          "from passing the case to the panel until the chair’s decision, leaving out "
          "any time waiting for the submitter’s answers"),
    Stage(C.DECIDED, "Decision to publication",
          "from the decision until the example was published on the theme’s pages; only "
          "practice that is to be published counts here"),
)


@dataclass(frozen=True)
class StageTime:
    stage: Stage
    cases: int  # cases that have spent any time in the stage
    ongoing: int  # of which are there now
    median_days: float | None


@dataclass(frozen=True)
class CaseTimes:
    """The columns of a case the figures need."""

    id: int
    state: str
    state_since: datetime
    received_at: datetime
    level: str | None


@dataclass(frozen=True)
class Transition:
    case_id: int
    at: datetime
    before: str | None
    after: str | None


def time_in_stages(cases: Iterable[CaseTimes], transitions: Iterable[Transition],
                   now: datetime) -> list[StageTime]:
    """Each stage's median time per case, summing a case's visits; `transitions` in order."""
    by_case: dict[int, list[Transition]] = defaultdict(list)
    for change in transitions:
        by_case[change.case_id].append(change)
    spent: dict[str, dict[int, timedelta]] = {stage.state: defaultdict(timedelta)
                                              for stage in STAGES}
    ongoing: Counter[str] = Counter()
    for case in cases:
        entered = case.received_at
        for change in by_case.get(case.id, ()):
            # A decided case that is closed (not to be published) leaves at once: it never
            # waited for publication, so it says nothing about how long publishing takes.
            counts = change.before != C.DECIDED or change.after == C.PUBLISHED
            if change.before in spent and counts:
                spent[change.before][case.id] += change.at - entered
            entered = change.at
        if case.state in spent:
            spent[case.state][case.id] += now - case.state_since
            ongoing[case.state] += 1
    return [StageTime(stage, cases=len(spent[stage.state]), ongoing=ongoing[stage.state],
                      median_days=median(t / DAY for t in spent[stage.state].values())
                      if spent[stage.state] else None)
            for stage in STAGES]


# --- decisions and the panel's workload ------------------------------------------------------

@dataclass(frozen=True)
class LevelFigure:
    level: Level
    label: str
    cases: int
    share: float  # percent of decided cases
    benchmark: float | None  # the programme's percentage, where it set one

    @property
    def against_benchmark(self) -> str:
        """'3 points above', in whole points as the page shows the percentages."""
        if self.benchmark is None:
            return ""
        points = round(self.share - self.benchmark)
        if points == 0:
            return "On the benchmark"
        return (f"{abs(points)} {'point' if abs(points) == 1 else 'points'} "
                f"{'above' if points > 0 else 'below'}")


def decisions(levels: Iterable[str | None]) -> list[LevelFigure]:
    """Decided cases by level, every level in ladder order, with its share of the decisions."""
    counts = Counter(level for level in levels if level)
    decided = sum(counts.values())
    return [LevelFigure(level, LEVEL_LABELS[level], counts[level],
                        100 * counts[level] / decided if decided else 0.0,
                        BENCHMARKS.get(level))
            for level in Level]


@dataclass(frozen=True)
class Workload:
    user_id: int
    member: str
    assigned: int
    scored: int
    outstanding: int  # not scored, on a case still with the panel
    median_days_to_score: float | None


def _workload() -> list[Workload]:
    """Every active panel member (with nothing assigned too), and anyone else ever assigned."""
    rows = db.session.execute(
        select(User.id, User.name, User.email, Assignment.assigned_at, Assignment.scored_at,
               Case.state)
        .outerjoin(Assignment, Assignment.user_id == User.id)
        .outerjoin(Case, Case.id == Assignment.case_id)
        .where(or_((User.role.in_([str(role) for role in PANEL_ROLES]) & User.active),
                   User.id.in_(select(Assignment.user_id))))
        .order_by(User.id))
    names: dict[int, str] = {}
    assigned: Counter[int] = Counter()
    outstanding: Counter[int] = Counter()
    days: dict[int, list[float]] = defaultdict(list)
    for user_id, name, email, assigned_at, scored_at, state in rows:
        names[user_id] = name or email
        if assigned_at is None:
            continue  # a member with nothing assigned: the outer join's empty row
        assigned[user_id] += 1
        if scored_at is not None:
            days[user_id].append((scored_at - assigned_at) / DAY)
        # Unscored work on a decided or withdrawn case is no longer anyone's to do.
        elif state in (C.WITH_PANEL, C.INFO_REQUESTED):
            outstanding[user_id] += 1
    return sorted((Workload(user_id, name, assigned[user_id], len(days[user_id]),
                            outstanding[user_id],
                            median(days[user_id]) if days[user_id] else None)
                   for user_id, name in names.items()),
                  key=lambda row: (row.member.casefold(), row.user_id))


# --- the whole picture -----------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    now: datetime
    states: list[tuple[CaseState, str, int]]  # every state, in workflow order
    stages: list[StageTime]
    levels: list[LevelFigure]
    workload: list[Workload]
    months: list[tuple[date, int]]  # cases received per London month, quiet months included

    @property
    def total(self) -> int:
        return sum(number for _, _, number in self.states)

    @property
    def open(self) -> int:
        return sum(number for state, _, number in self.states if state in workflow.OPEN)

    @property
    def decided(self) -> int:
        return sum(row.cases for row in self.levels)


def _transitions() -> list[Transition]:
    before = AuditEntry.details["before"].as_string()
    after = AuditEntry.details["after"].as_string()
    return [Transition(*row) for row in db.session.execute(
        select(AuditEntry.entity_id, AuditEntry.at, before, after)
        .where(AuditEntry.entity == CASE_ENTITY, AuditEntry.action.in_(TRANSITION_ACTIONS))
        .order_by(AuditEntry.entity_id, AuditEntry.at, AuditEntry.id))]


def received_by_month(received: Iterable[datetime]) -> list[tuple[date, int]]:
    """Cases received in each London calendar month, from the first to the last."""
    made = Counter(clock.london(moment).date().replace(day=1) for moment in received)
    if not made:
        return []
    months, month = [], min(made)
    while month <= max(made):
        months.append((month, made[month]))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def figures(now: datetime | None = None) -> Figures:
    """Where every case is, how long each stage takes, the decisions and the panel's load."""
    now = now or clock.now()
    cases = [CaseTimes(*row) for row in db.session.execute(
        select(Case.id, Case.state, Case.state_since, Case.received_at, Case.level))]
    by_state = Counter(case.state for case in cases)
    return Figures(
        now=now,
        states=[(state, STATE_LABELS[state], by_state[state]) for state in CaseState],
        stages=time_in_stages(cases, _transitions(), now),
        levels=decisions(case.level for case in cases),
        workload=_workload(),
        months=received_by_month(case.received_at for case in cases))


# --- the review team's export ----------------------------------------------------------------

@dataclass(frozen=True)
class MemberReview:
    member: str
    scores: dict[str, int | None]  # by criterion
    recommended_level: str
    rationale: str


@dataclass(frozen=True)
class ReviewCase:
    """A decided case at Validated or Promising, as the review team reads it: no contact
    details (the submitter's email, the publication's contact route) ever come into it."""

    reference: str
    title: str
    theme: str
    region: str
    organisation: str
    level: str
    decided_on: date | None
    rationale: str
    publication_url: str | None
    reviews: list[MemberReview]


def review_cases(example_url: Callable[[Publication], str] | None = None) -> list[ReviewCase]:
    """Validated and Promising cases, oldest decision first, with each member's scores.

    `example_url` makes a published example's public address; without it (the library not
    enabled) no address is given. Only scored assignments appear: an unscored one said nothing.
    """
    cases = db.session.scalars(
        select(Case).where(Case.level.in_([str(level) for level in REVIEW_LEVELS]))
        .options(selectinload(Case.assignments).selectinload(Assignment.user))
        .order_by(Case.decided_at, Case.id)).all()
    published = {p.case_id: p for p in db.session.scalars(
        select(Publication).where(Publication.case_id.in_([c.id for c in cases]),
                                  Publication.status == PublicationStatus.PUBLISHED))
                 } if cases else {}
    return [ReviewCase(
        reference=case.reference, title=case.title, theme=case.theme,
        region=REGIONS.get(case.region, case.region), organisation=case.organisation,
        level=case.level_label,
        decided_on=clock.london(case.decided_at).date() if case.decided_at else None,
        rationale=case.decision_rationale,
        publication_url=example_url(published[case.id])
        if example_url and case.id in published else None,
        reviews=[MemberReview(
            member=a.user.display_name, scores={c: a.score(c) for c in Criterion},
            recommended_level=LEVEL_LABELS.get(a.recommended_level, "")
            if a.recommended_level else "",
            rationale=a.rationale)
            for a in case.assignments if a.scored])
        for case in cases]


def review_table(cases: Sequence[ReviewCase]) -> tuple[list[str], list[list[object]]]:
    """The export as one row per case, with a block of columns for each panel member."""
    members = max([MIN_PANEL, *(len(case.reviews) for case in cases)])
    headers = ["Reference", "Title", "Theme", "Region", "Organisation", "Level",
               "Decided (London date)", "Chair's decision rationale", "Published at"]
    for n in range(1, members + 1):
        headers += [f"Panel member {n}",
                    *(f"Panel member {n} {criterion} score (0-3)" for criterion in Criterion),
                    f"Panel member {n} recommended level", f"Panel member {n} rationale"]
    rows: list[list[object]] = []
    for case in cases:
        row: list[object] = [case.reference, case.title, case.theme, case.region,
                             case.organisation, case.level, case.decided_on, case.rationale,
                             case.publication_url or ""]
        for n in range(members):
            if n < len(case.reviews):
                review = case.reviews[n]
                row += [review.member, *(review.scores[c] for c in Criterion),
                        review.recommended_level, review.rationale]
            else:
                row += [""] * (len(Criterion) + 3)
        rows.append(row)
    return headers, rows


def review_record(case: ReviewCase) -> dict[str, Any]:
    """One case for the JSON export: the panel as a nested list."""
    return {
        "reference": case.reference, "title": case.title, "theme": case.theme,
        "region": case.region, "organisation": case.organisation, "level": case.level,
        "decided_on": case.decided_on.isoformat() if case.decided_on else None,
        "decision_rationale": case.rationale, "publication_url": case.publication_url,
        "panel": [{"member": review.member, "scores": {str(c): review.scores[c]
                                                      for c in Criterion},
                   "recommended_level": review.recommended_level,
                   "rationale": review.rationale}
                  for review in case.reviews],
    }
