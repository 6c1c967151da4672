"""The expert panel: declared interests, assignments, blind scoring, the decision, the rubric.

Each change is one function here. It checks who may act and what the rules allow, takes the
case's lock, writes the audit entry and, for the decision, moves the case through
`workflow.move`, queues the submitter's email and sends `submission_decided`, all in the
caller's transaction: the views commit. Refusals are `CaseRefused`, naming the field they
belong beside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import median_low

from sqlalchemy import select, update

from validation import CASE_READERS, publication, workflow
from validation.models import (
    CRITERION_LABELS,
    LEVEL_LABELS,
    Assignment,
    Case,
    CaseState,
    Criterion,
    Level,
    PanelProfile,
    RubricDescriptor,
)
from validation.workflow import CaseRefused
from workshops import audit, clock, signals
from workshops.extensions import db
from workshops.formatting import and_list
from workshops.mail import queue_mail
from workshops.messaging import body_html
from workshops.models import Role, User
from workshops.urls import external_url

MIN_PANEL = 2  # every case is read by at least two experts; a decision needs two scores
SCORES = range(4)
PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_CHAIR)
# Words that differ between two spellings of the same body: "The Leeds City Council", "Leeds City".
NOISE_WORDS = frozenset({"the", "council"})

# What each level means, in the words the programme used with submitters.
LEVEL_MEANINGS = {
    Level.VALIDATED: "The practice has a clear rationale, shows evidence of improved outcomes, "
                     "and another area could transfer and repeat it.",
    Level.PROMISING: "The practice has clear aims and some evidence of improved outcomes, or of "
                     "changes to services that are likely to improve them.",
    Level.EMERGING: "The practice is interesting, but it is too early to show its impact.",
    Level.NOT_VALIDATED: "There is not yet real evidence that the practice improved outcomes.",
}


# --- locking and permission -----------------------------------------------------------------

def lock(case: Case) -> Case:
    """Serialise changes to one case: two chairs deciding at once, a score racing a removal.

    A no-op UPDATE of the case's row locks it on PostgreSQL and takes SQLite's write lock;
    the case is then read afresh, so the checks that follow see the committed truth.
    """
    db.session.execute(update(Case).where(Case.id == case.id).values(state=Case.state)
                       .execution_options(synchronize_session=False))
    db.session.refresh(case)  # its assignments too: they are reloaded on next use
    return case


def _require(actor: User, *roles: Role, message: str) -> None:
    if not actor.has_role(*roles):
        raise CaseRefused(message)


def not_with_panel(case: Case, doing: str) -> str | None:
    """Why `doing` cannot be done to the case now, or None while it is with the panel."""
    if case.state != CaseState.WITH_PANEL:
        return (f"You can only {doing} while the case is with the panel; it is "
                f"‘{case.state_label.lower()}’.")
    return None


def _require_with_panel(case: Case, doing: str) -> None:
    if (why := not_with_panel(case, doing)) is not None:
        raise CaseRefused(why)


def _audit(action: str, case: Case, actor: User | str | None, **details: object) -> None:
    audit.record(action, "validation_case", case.id, workshop_id=case.workshop_id, actor=actor,
                 reference=case.reference, **details)


# --- declared interests ---------------------------------------------------------------------

def organisation_key(name: str) -> str:
    """'The Leeds City Council' and 'leeds city' compare equal; '' stays empty."""
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return " ".join(word for word in words if word not in NOISE_WORDS)


def profile_of(user: User) -> PanelProfile | None:
    return db.session.scalar(select(PanelProfile).where(PanelProfile.user_id == user.id))


def declare_interests(user: User, organisation: str, local_authorities: Iterable[str]
                      ) -> PanelProfile:
    """Save what `user` declares; a new declaration replaces the old one entirely."""
    _require(user, *PANEL_ROLES, message="Only panel members declare interests.")
    organisation = " ".join(organisation.split())
    if not organisation:
        raise CaseRefused("Enter your organisation, or ‘Independent’ if you work for none",
                          field="organisation")
    authorities = list(dict.fromkeys(" ".join(line.split()) for line in local_authorities
                                     if line.strip()))
    profile = profile_of(user) or PanelProfile(user_id=user.id)
    profile.organisation, profile.local_authorities = organisation[:300], authorities
    profile.declared_at = clock.now()
    db.session.add(profile)
    db.session.flush()
    audit.record("interests declared", "validation_panel_profile", profile.id, actor=user,
                 organisation=profile.organisation, local_authorities=authorities)
    return profile


def conflict(profile: PanelProfile | None, case: Case) -> str | None:
    """Why this member may not judge this case, to follow 'they'; None if they may."""
    if profile is None:
        return "have not declared their interests yet"
    theirs, sender = organisation_key(profile.organisation), organisation_key(case.organisation)
    if theirs and theirs == sender:
        return f"work for {profile.organisation}, which sent this practice"
    area = organisation_key(case.local_authority)
    if area and any(organisation_key(name) == area for name in profile.local_authorities):
        return f"work with {case.local_authority}, where this practice takes place"
    return None


@dataclass(frozen=True)
class Candidate:
    """A panel member as the chair sees them when assigning one case."""

    user: User
    profile: PanelProfile | None
    conflict: str | None
    assignment: Assignment | None


def candidates(case: Case) -> list[Candidate]:
    members = db.session.scalars(
        select(User).where(User.role.in_([str(r) for r in PANEL_ROLES]), User.active.is_(True))
        .order_by(User.name, User.email)).all()
    profiles = {p.user_id: p for p in db.session.scalars(
        select(PanelProfile).where(PanelProfile.user_id.in_([m.id for m in members])))}
    assigned = {a.user_id: a for a in case.assignments}
    return [Candidate(m, profiles.get(m.id), conflict(profiles.get(m.id), case),
                      assigned.get(m.id)) for m in members]


# --- assignments ----------------------------------------------------------------------------

def assign(case: Case, user_ids: Iterable[int], *, actor: User) -> list[Assignment]:
    """Add members to the case's panel. All or nothing: one refusal assigns no one."""
    _require(actor, Role.PANEL_CHAIR, message="Only the panel chair assigns members.")
    case = lock(case)
    _require_with_panel(case, "assign panel members")
    wanted = list(dict.fromkeys(user_ids))
    already = {a.user_id for a in case.assignments}
    if len(already | set(wanted)) < MIN_PANEL:
        # Said the same whether none or one was ticked: the rule is two, so say two.
        raise CaseRefused("Choose at least two panel members: every case is read by two or "
                          "more", field="members")
    if not set(wanted) - already:
        raise CaseRefused("Choose a panel member to add", field="members")
    by_id = {c.user.id: c for c in candidates(case)}
    made = []
    for user_id in (i for i in wanted if i not in already):
        candidate = by_id.get(user_id)
        if candidate is None:
            raise CaseRefused("Choose people who are on the panel", field="members")
        if candidate.conflict:
            if candidate.profile is None:
                raise CaseRefused(f"{candidate.user.display_name} cannot be assigned until they "
                                  "declare their interests", field="members")
            raise CaseRefused(f"{candidate.user.display_name} cannot be assigned: they "
                              f"{candidate.conflict}", field="members")
        made.append(Assignment(case=case, user_id=user_id, assigned_by_id=actor.id,
                               assigned_at=clock.now()))
    db.session.add_all(made)
    db.session.flush()
    for assignment in made:
        member = by_id[assignment.user_id].user
        _audit("panel member assigned", case, actor, member=member.email)
        queue_mail(member.email, "validation_assigned",
                   f"Please assess practice submission {case.reference} for the panel",
                   reason="the panel chair assigned you to assess a practice submission",
                   workshop_id=case.workshop_id, case=case, chair=actor, member=member,
                   score_url=external_url("validation.panel_score", case_id=case.id))
    return made


def unassign(assignment: Assignment, *, actor: User) -> None:
    _require(actor, Role.PANEL_CHAIR, message="Only the panel chair removes members.")
    case = lock(assignment.case)
    if case.state not in (CaseState.WITH_PANEL, CaseState.INFO_REQUESTED):
        raise CaseRefused("The panel has finished with this case: its members stay on record.")
    if assignment not in case.assignments:  # removed by someone else a moment ago
        return
    if assignment.scored:
        raise CaseRefused(f"{assignment.user.display_name} has submitted scores, so they stay "
                          "on the panel for this case.")
    email = assignment.user.email
    case.assignments.remove(assignment)
    db.session.flush()
    _audit("panel member removed", case, actor, member=email)


def assignment_of(case: Case, user: User) -> Assignment | None:
    return next((a for a in case.assignments if a.user_id == user.id), None)


def may_read(case: Case, user: User) -> bool:
    """Screeners and the chair read every case; a panel member only those assigned to them."""
    return user.has_role(*CASE_READERS) or assignment_of(case, user) is not None


# --- scoring --------------------------------------------------------------------------------

def score_problems(scores: Mapping[str, int | None], rationale: str, level: str | None, *,
                   final: bool) -> dict[str, str]:
    """What is wrong with a set of scores, by field. A draft may be partial, never invalid."""
    problems: dict[str, str] = {}
    for criterion in Criterion:
        value = scores.get(criterion)
        if value is None:
            if final:
                problems[criterion] = f"Choose a score for {CRITERION_LABELS[criterion].lower()}"
        elif value not in SCORES:
            problems[criterion] = "Choose a score from 0 to 3"
    if final and not rationale.strip():
        problems["rationale"] = "Enter your rationale: what led you to these scores"
    if level is not None and level not in set(Level):
        problems["recommended_level"] = "Choose a level from the list"
    elif final and level is None:
        problems["recommended_level"] = "Choose the level you recommend"
    return problems


def save_scores(assignment: Assignment, *, scores: Mapping[str, int | None], rationale: str,
                recommended_level: str | None, final: bool, actor: User) -> Assignment:
    """Keep a member's draft, or submit it: submitted scores are final and others may see them."""
    if actor.id != assignment.user_id:
        raise CaseRefused("Only the member assigned can give these scores.")
    case = lock(assignment.case)
    if assignment not in case.assignments:
        raise CaseRefused("You are no longer on the panel for this case.")
    db.session.refresh(assignment)
    if assignment.scored:
        raise CaseRefused("You have submitted your scores for this case: they are final.")
    _require_with_panel(case, "score")
    problems = score_problems(scores, rationale, recommended_level, final=final)
    if problems:
        field, message = next(iter(problems.items()))
        raise CaseRefused(message, field=field)
    for criterion in Criterion:
        setattr(assignment, criterion, scores.get(criterion))
    assignment.rationale = rationale.strip()
    assignment.recommended_level = recommended_level
    if final:
        assignment.scored_at = clock.now()
        _audit("scores submitted", case, actor, **{c.value: scores.get(c) for c in Criterion},
               recommended_level=recommended_level)
    else:
        _audit("scores saved as draft", case, actor)
    return assignment


def visible_scores(case: Case, viewer: User) -> list[Assignment]:
    """The submitted scores `viewer` may read, so no one is swayed before giving their own.

    Anyone assigned who has not yet submitted sees none (a chair who scores is no exception);
    the chair, and members who have submitted theirs, see every submitted set.
    """
    mine = assignment_of(case, viewer)
    if mine is not None and not mine.scored:
        return []
    if mine is None and not viewer.has_role(Role.PANEL_CHAIR):
        return []
    return [a for a in case.assignments if a.scored]


def disagreements(assignments: Iterable[Assignment]) -> list[str]:
    """'Large disagreement on <criterion>: 0 to 3' wherever submitted scores are 2 or more apart."""
    found = []
    scored = [a for a in assignments if a.scored]
    for criterion in Criterion:
        values = [a.score(criterion) for a in scored if a.score(criterion) is not None]
        if len(values) >= 2 and max(values) - min(values) >= 2:
            found.append(f"Large disagreement on {CRITERION_LABELS[criterion]}: "
                         f"{min(values)} to {max(values)}")
    return found


# --- the decision ---------------------------------------------------------------------------

def decision_blocker(case: Case, chair: User | None = None) -> str | None:
    """Why the chair cannot decide yet, or None."""
    if case.state != CaseState.WITH_PANEL:
        return f"The case is ‘{case.state_label.lower()}’: only a case with the panel is decided."
    scored = sum(a.scored for a in case.assignments)
    if scored < MIN_PANEL:
        return (f"The panel needs at least {MIN_PANEL} submitted sets of scores before a "
                f"decision: {scored} so far.")
    mine = assignment_of(case, chair) if chair is not None else None
    if mine is not None and not mine.scored:
        # Deciding would show them the others' scores before they gave their own.
        return "You are on the panel for this case: submit your own scores before deciding."
    return None


def publishes(level: str, publish_promising: bool) -> bool:
    return level == Level.VALIDATED or (level == Level.PROMISING and publish_promising)


_ALL = {1: "the member", 2: "both members", 3: "all three members", 4: "all four members"}


def _scores_in_words(values: list[int], meanings: list[str]) -> str:
    """'both members gave 2. <what 2 means>' or, when they differ, each score with its meaning
    (quoting one alone, the lower, read as if the whole panel had said it)."""
    if len(set(values)) == 1:
        members = _ALL.get(len(values), f"all {len(values)} members")
        return f"{members} gave {values[0]}. {meanings[values[0]]}"
    given = and_list([str(v) for v in values])
    each = " ".join(f"{score} means: {meanings[score]}" for score in dict.fromkeys(values)
                    if meanings[score])
    return f"the members gave {given}. {each}"


def draft_feedback(case: Case, level: str, rationale: str, publish_promising: bool = False
                   ) -> str:
    """The submitter's feedback email, written from the scores: the chair edits it before it goes.

    Plain text, a blank line between paragraphs and '- ' items, as the email renders it.
    """
    scored = [a for a in case.assignments if a.scored]
    descriptors = rubric()
    lines = ["Hello,", "",
             f"Thank you for sending ‘{case.title}’ ({case.reference}) to the validated local "
             "practice programme. A panel of sector experts has read it against three criteria: "
             "adequacy of information, strength of evidence of improved outcomes, and "
             "transferability to other settings.", "",
             f"The panel's decision: {LEVEL_LABELS[Level(level)]}. {LEVEL_MEANINGS[Level(level)]}"]
    if rationale.strip():
        lines += ["", rationale.strip()]
    lines += ["", "How the panel scored it (0 to 3 for each criterion):"]
    typical: dict[Criterion, int] = {}
    for criterion in Criterion:
        values = sorted(a.score(criterion) for a in scored if a.score(criterion) is not None)
        if not values:
            continue
        typical[criterion] = median_low(values)
        lines.append(f"- {CRITERION_LABELS[criterion]}: "
                     f"{_scores_in_words(values, descriptors[criterion])}".rstrip())
    comments = [a.rationale.strip() for a in scored if a.rationale.strip()]
    if comments:
        lines += ["", "What the panel members said:"]
        lines += [f"- {comment}" for comment in comments]
    to_improve = [(c, descriptors[c][score + 1]) for c, score in typical.items() if score < 3]
    if to_improve:
        lines += ["", "What would strengthen it:"]
        lines += [f"- {CRITERION_LABELS[c]}: {text}".rstrip(": ") for c, text in to_improve]
    lines.append("")
    if publishes(level, publish_promising):
        lines.append("What happens next: we will prepare the text for the theme's web pages and "
                     "send you the final wording to approve before anything is published.")
    else:
        lines.append("What happens next: the practice will not be published this time. You are "
                     "welcome to send it again when you have more evidence of its impact.")
    return "\n".join(lines)


def decide(case: Case, *, level: str, rationale: str, feedback: str,
           publish_promising: bool = False, actor: User) -> Case:
    """The chair's decision: the state, the submitter's email, the signal, a publication."""
    _require(actor, Role.PANEL_CHAIR, message="Only the panel chair decides.")
    case = lock(case)
    blocker = decision_blocker(case, actor)
    if blocker:
        raise CaseRefused(blocker)
    if level not in set(Level):
        raise CaseRefused("Choose the level the panel gives this practice", field="level")
    if not rationale.strip():
        raise CaseRefused("Enter the reasons for the decision", field="rationale")
    if not feedback.strip():
        raise CaseRefused("Enter the feedback for the submitter", field="feedback")
    publish_promising = level == Level.PROMISING and publish_promising
    workflow.move(case, "decide", actor=actor, level=level,
                  scores=sum(a.scored for a in case.assignments))
    case.level, case.decision_rationale = level, rationale.strip()
    case.feedback_to_submitter = feedback.strip()
    case.decided_at, case.decided_by_id = clock.now(), actor.id
    case.publish_promising = publish_promising
    queue_mail(case.submitter_email, "validation_decision",
               f"The panel's decision on your practice submission {case.reference}",
               reason="you sent a practice submission to the knowledge workshops programme",
               workshop_id=case.workshop_id, case=case, level_label=LEVEL_LABELS[Level(level)],
               feedback=case.feedback_to_submitter,
               feedback_html=body_html(case.feedback_to_submitter),
               status_url=external_url("validation.respond", token=case.token))
    if publishes(level, publish_promising):
        publication.start(case, actor=actor)
    else:
        workflow.move(case, "close", actor=actor, level=level)
    signals.submission_decided.send(case, level=level)
    return case


# --- the rubric -----------------------------------------------------------------------------

def rubric() -> dict[Criterion, list[str]]:
    """What each score means for each criterion; '' where a descriptor is missing."""
    texts = {c: [""] * len(SCORES) for c in Criterion}
    for row in db.session.scalars(select(RubricDescriptor)):
        if row.criterion in texts and row.score in SCORES:
            texts[Criterion(row.criterion)][row.score] = row.descriptor
    return texts


def edit_rubric(texts: Mapping[tuple[str, int], str], *, actor: User) -> int:
    """Replace descriptors; returns how many changed. Each change is audited with both wordings."""
    _require(actor, Role.ADMIN, message="Only administrators edit the rubric.")
    rows = {(r.criterion, r.score): r for r in db.session.scalars(select(RubricDescriptor))}
    changed = 0
    for criterion in Criterion:
        for score in SCORES:
            text = " ".join((texts.get((criterion, score)) or "").split())
            if not text:
                raise CaseRefused(f"Enter what a score of {score} means for "
                                  f"{CRITERION_LABELS[criterion].lower()}",
                                  field=f"{criterion}_{score}")
            row = rows.get((criterion, score))
            if row is not None and row.descriptor == text:
                continue
            before = row.descriptor if row is not None else ""
            if row is None:
                row = RubricDescriptor(criterion=criterion.value, score=score, descriptor=text)
                db.session.add(row)
                db.session.flush()
            row.descriptor = text
            audit.record("rubric edited", "validation_rubric", row.id, actor=actor,
                         criterion=criterion.value, score=score, before=before, after=text)
            changed += 1
    return changed
