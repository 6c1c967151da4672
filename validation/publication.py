"""Publishing a decided case: staff copy-edit the public text, the submitter approves it.

    decide (Validated, or Promising with "publish") -> start(): a Publication in EDITING
    editing --send_for_approval--> awaiting_approval --approve--> published (library.publish)
                                   awaiting_approval --request_change--> editing

Only the submitter's approval publishes, through `_go_live` and so the library's `publish`.
Every step is audited against the publication; the submitter's change requests are kept in
those audit entries, and staff read them there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from validation import library, workflow
from validation.models import LEVEL_LABELS, Case, CaseState, Publication, PublicationStatus
from validation.workflow import CaseRefused
from workshops import audit, clock, identifiers
from workshops.catalogue_admin import slugify
from workshops.extensions import db
from workshops.formatting import and_list
from workshops.mail import queue_mail
from workshops.models import AuditEntry, Role, User
from workshops.transitions import TransitionNotAllowed, next_state
from workshops.urls import external_url
from workshops.validators import CHARACTERS_PER_WORD, too_many_words, words

P = PublicationStatus
EDITORS = (Role.SCREENER, Role.PANEL_CHAIR)
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "start": {None: P.EDITING},
    "send_for_approval": {P.EDITING: P.AWAITING_APPROVAL},
    "request_change": {P.AWAITING_APPROVAL: P.EDITING},
    # awaiting_approval -> published is the library's own change (`library.publish`).
}

# The public text, in reading order: (field, label, word limit, message when it is empty, or
# None if it may be). The limits are the practice form's own, so the published text is no
# longer than what the submitter could send.
PUBLIC_TEXT: tuple[tuple[str, str, int | None, str | None], ...] = (
    ("title", "Title", 15, "Enter a title"),
    ("summary", "Summary", 150, "Enter a summary"),
    ("what_you_did", "What they did", 500, "Enter what they did"),
    # The labels are the library page's headings (library/example.html), so the editor's
    # preview reads as the public page will.
    ("impact", "The impact it made", 400, "Enter the impact it made"),
    ("evidence", "How they know it made a difference", 400,
     "Enter how they know it made a difference"),
    ("transferability", "Using it in another area", 300,
     "Enter what another area would need to do the same"),
    ("organisation", "Organisation", 30, "Enter the organisation"),
    ("theme_name", "Theme", 15, "Enter the theme"),
    ("topic", "Topic", 10, None),
    ("contact_route", "How to get in touch", 60, "Enter how readers can get in touch"),
)
LABELS = {name: label for name, label, _, _ in PUBLIC_TEXT}
# The practice form's private contact details: never part of the public text.
PERSONAL = {"contact_name": "The contact's name", "contact_email": "The contact's email address",
            "contact_phone": "The contact's telephone number"}
CHANGE_REQUESTED = "publication change requested"
AUDIT_ACTIONS = {"send_for_approval": "publication sent for approval",
                 "request_change": CHANGE_REQUESTED}


def _lock(publication: Publication) -> Publication:
    """Serialise the steps on one publication (an approval racing an edit, a double click)."""
    db.session.execute(update(Publication).where(Publication.id == publication.id)
                       .values(status=Publication.status)
                       .execution_options(synchronize_session=False))
    db.session.refresh(publication)
    return publication


def _move(publication: Publication, action: str, actor: User | str, **details: Any) -> None:
    before = publication.status
    try:
        publication.status = next_state(TRANSITIONS, action, before)
    except TransitionNotAllowed:
        raise CaseRefused(STATUS_REFUSALS.get(before, "This step is not possible now.")) from None
    audit.record(AUDIT_ACTIONS[action], "validation_publication",
                 publication.id, workshop_id=publication.case.workshop_id, actor=actor,
                 reference=publication.case.reference, before=before, after=publication.status,
                 **details)


STATUS_REFUSALS = {
    P.EDITING: "The text is being edited: it has not been sent for approval.",
    P.AWAITING_APPROVAL: "The submitter is reading this wording: it cannot change until they "
                         "approve it or ask for a change.",
    P.PUBLISHED: "This practice is already published.",
}


def _require_editor(actor: User) -> None:
    if not actor.has_role(*EDITORS):
        raise CaseRefused("Only screeners and the panel chair edit practice for publication.")


# --- starting -------------------------------------------------------------------------------

def start(case: Case, *, actor: User) -> Publication:
    """The public text, first drafted from the submitter's own answers."""
    answers = case.answers or {}
    theme = case.theme.strip() or "Local practice"

    def answer(key: str) -> str:
        return str(answers.get(key) or "").strip()

    publication = Publication(
        case=case, slug=slug_for(case.title, case.id), theme_name=theme[:200],
        theme_slug=slugify(theme) or "local-practice", title=case.title,
        summary=answer("summary"), what_you_did=answer("what_you_did"),
        impact=answer("impact"), evidence=answer("evidence"),
        transferability=answer("transferability"), organisation=case.organisation,
        region=case.region, level=case.level or "", topic="",
        year=clock.london(case.decided_at or clock.now()).year,
        # The organisation's route, never the contact's own details: those were given to the
        # panel, not to the public.
        contact_route=f"Contact {case.organisation or 'the team'} through the programme team",
        edited_by_id=None,
    )
    publication.status = next_state(TRANSITIONS, "start", None)
    db.session.add(publication)
    db.session.flush()
    audit.record("publication started", "validation_publication", publication.id,
                 workshop_id=case.workshop_id, actor=actor, reference=case.reference,
                 level=publication.level)
    return publication


SLUG_WORDS_MAX = 80


def slug_for(title: str, case_id: int) -> str:
    """The public address of a practice: its title's words, ended at a word rather than
    inside one ("...-and-specialist-servic-2" read as a typo), then the case id, which keeps
    two practices with the same title apart."""
    # One character over, to see whether the limit falls between words or inside one.
    words = slugify(title, limit=SLUG_WORDS_MAX + 1)
    if len(words) > SLUG_WORDS_MAX:
        # A single word longer than the limit (a pasted address) is cut where it must be.
        words = words.rsplit("-", 1)[0] if "-" in words else words[:SLUG_WORDS_MAX]
    return f"{words.strip('-') or 'practice'}-{case_id}"


# --- copy-editing ---------------------------------------------------------------------------

def text_problems(values: Mapping[str, str]) -> dict[str, str]:
    problems = {}
    for name, label, limit, empty in PUBLIC_TEXT:
        value = (values.get(name) or "").strip()
        # Words can be very long, so a word limit bounds the characters too; and the short
        # fields' columns have a length of their own, which PostgreSQL enforces on saving.
        column = getattr(Publication.__table__.c[name].type, "length", None)
        characters = min(filter(None, (column, limit and limit * CHARACTERS_PER_WORD)),
                         default=None)
        if empty and not value:
            problems[name] = empty
        elif limit and (count := words(value)) > limit:
            problems[name] = too_many_words(label, limit, count)
        elif characters and len(value) > characters:
            problems[name] = f"{label} must be {characters:,} characters or fewer"
    return problems


def topics_in_use(limit: int = 12) -> list[str]:
    """The topics other practice already carries, most used first: the library filters by them."""
    count = func.count(Publication.id)
    return list(db.session.scalars(
        select(Publication.topic).where(Publication.topic != "")
        .group_by(Publication.topic).order_by(count.desc(), Publication.topic).limit(limit)))


def _spelt_already(column: Any, same: Any, publication: Publication) -> str | None:
    return db.session.scalar(select(column).where(same, Publication.id != publication.id)
                             .order_by(Publication.id).limit(1))


def topic_as_used(topic: str, publication: Publication) -> str:
    """`topic` spelt as other practice already spells it, ignoring case and spacing, so that
    'Neglect' and 'neglect ' make one filter in the library, not two."""
    topic = " ".join(topic.split())
    if not topic:
        return ""
    return _spelt_already(Publication.topic, func.lower(Publication.topic) == topic.lower(),
                          publication) or topic


def theme_as_used(theme: str, publication: Publication) -> str:
    """`theme` spelt as the other practice on its page spells it: one page, one heading. An
    editor typing 'safeguarding' for 'Safeguarding' had renamed the theme for every example
    on it (the page takes its heading from the newest)."""
    theme = " ".join(theme.split())
    if not theme:
        return ""
    return _spelt_already(Publication.theme_name, Publication.theme_slug == slugify(theme),
                          publication) or theme


def edit(publication: Publication, values: Mapping[str, str], *, actor: User) -> list[str]:
    """Save the editor's wording; returns the names of the fields that changed."""
    _require_editor(actor)
    publication = _lock(publication)
    if publication.status != P.EDITING:
        raise CaseRefused(STATUS_REFUSALS[publication.status])
    problems = text_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise CaseRefused(message, field=field)
    changed = []
    for name, _, _, _ in PUBLIC_TEXT:
        value = (values.get(name) or "").strip()
        if name == "topic":
            value = topic_as_used(value, publication)
        elif name == "theme_name":
            value = theme_as_used(value, publication)
        if getattr(publication, name) != value:
            setattr(publication, name, value)
            changed.append(name)
    if "title" in changed:  # not public yet, so the address may still follow the title
        publication.slug = slug_for(publication.title, publication.case_id)
    if "theme_name" in changed:
        publication.theme_slug = slugify(publication.theme_name) or "local-practice"
    publication.edited_by_id = actor.id
    audit.record("publication edited", "validation_publication", publication.id,
                 workshop_id=publication.case.workshop_id, actor=actor,
                 reference=publication.case.reference, fields=changed)
    return changed


@dataclass(frozen=True)
class Leftover:
    """Identifying detail that the public text still holds."""

    label: str  # what kind of detail
    match: str  # the text itself
    fields: tuple[str, ...]  # where it still appears
    personal: bool  # the contact's own details: never published


def leftovers(publication: Publication) -> list[Leftover]:
    """Identifying detail in the public text: the contact's own details, the case's flags
    still there, and whatever the scan finds in the text as it now stands.

    The contact's details and the flags are matched as plain substrings (ignoring case): the
    flags came from the scan of the submission as sent. The text is scanned again because
    copy-editing writes new words, and a name or address typed in while editing must be
    caught before the submitter is asked to approve it.
    """
    texts = {name: (getattr(publication, name) or "").lower() for name in LABELS}
    found: dict[str, Leftover] = {}

    def look(label: str, match: str, personal: bool) -> None:
        needle = match.strip().lower()
        if len(needle) < 2 or needle in found:
            return
        fields = tuple(LABELS[name] for name, text in texts.items() if needle in text)
        if fields:
            found[needle] = Leftover(label, match.strip(), fields, personal)

    answers = publication.case.answers or {}
    for key, label in PERSONAL.items():
        look(label, str(answers.get(key) or ""), True)
    for flag in publication.case.flags or []:
        look(str(flag.get("label") or "Possible identifying detail"), str(flag.get("match", "")),
             False)
    public = {name: getattr(publication, name) or "" for name in LABELS}
    for flag in identifiers.scan(public, LABELS):
        look(flag.label, flag.match, False)
    return list(found.values())


def personal_refusal(personal: list[Leftover]) -> str:
    """Why text holding the contact's own details cannot go: every detail, and where it is."""
    each = [f"{item.label.lower()} (‘{item.match}’) from {', '.join(item.fields).lower()}"
            for item in personal]
    return f"Remove {and_list(each)}: {'it is' if len(each) == 1 else 'they are'} never published."


def send_for_approval(publication: Publication, *, actor: User, flags_checked: bool = False
                      ) -> Publication:
    """Email the submitter a personal link to read the final wording and approve it."""
    _require_editor(actor)
    publication = _lock(publication)
    if publication.status != P.EDITING:
        raise CaseRefused(STATUS_REFUSALS[publication.status])
    problems = text_problems({name: getattr(publication, name) for name in LABELS})
    if problems:
        raise CaseRefused(f"Finish editing first: {next(iter(problems.values())).lower()}")
    left = leftovers(publication)
    personal = [item for item in left if item.personal]
    if personal:
        raise CaseRefused(personal_refusal(personal))
    if left and not flags_checked:
        raise CaseRefused("Confirm you have checked the highlighted text: it does not identify "
                          "a child, parent or carer", field="flags_checked")
    publication.sent_for_approval_at = clock.now()
    publication.edited_by_id = actor.id
    _move(publication, "send_for_approval", actor, flags_left=len(left))
    case = publication.case
    queue_mail(case.submitter_email, "validation_approval",
               f"Please approve the wording of your practice before we publish it "
               f"({case.reference})",
               reason="your practice submission was chosen for publication and we need your "
                      "approval of the wording",
               workshop_id=case.workshop_id, case=case, publication=publication,
               level_label=LEVEL_LABELS.get(publication.level, publication.level),
               approve_url=external_url("validation.approve", token=case.token))
    return publication


# --- the submitter's answer -----------------------------------------------------------------

def approve(publication: Publication) -> Publication:
    """The submitter approves the wording: the practice goes into the library at once."""
    publication = _lock(publication)
    case = publication.case
    if publication.status != P.AWAITING_APPROVAL:
        raise CaseRefused(STATUS_REFUSALS.get(publication.status, "There is nothing to approve."))
    # PUBLISHED too: the library may have taken an example down for a correction.
    if case.state not in (CaseState.DECIDED, CaseState.PUBLISHED):
        raise CaseRefused("This practice can no longer be published.")
    publication.approved_at = clock.now()
    audit.record("publication approved", "validation_publication", publication.id,
                 workshop_id=case.workshop_id, actor=case.submitter_email,
                 reference=case.reference)
    _go_live(publication, actor=case.submitter_email)
    if case.state == CaseState.DECIDED:
        workflow.move(case, "publish", actor=case.submitter_email, publication=publication.slug)
    return publication


def request_change(publication: Publication, comment: str) -> Publication:
    """Back to the editors, with what the submitter wants changed."""
    comment = comment.strip()
    if not comment:
        raise CaseRefused("Say what you would like us to change", field="comment")
    publication = _lock(publication)
    _move(publication, "request_change", publication.case.submitter_email, comment=comment)
    # The editor who sent the wording hears at once; the list of publications marks it too.
    editor = db.session.get(User, publication.edited_by_id) if publication.edited_by_id else None
    if editor is not None and editor.active:
        case = publication.case
        queue_mail(editor.email, "validation_change_requested",
                   f"{case.reference}: the submitter asked for a change to the wording",
                   reason="you sent a practice's wording to its submitter for approval",
                   workshop_id=case.workshop_id, case=case, comment=comment,
                   edit_url=external_url("validation.publication_edit",
                                         publication_id=publication.id))
    return publication


@dataclass(frozen=True)
class ChangeRequest:
    at: Any
    comment: str
    open: bool  # asked since the text was last sent, so the editors still have to act on it


def change_requests(publication: Publication) -> list[ChangeRequest]:
    """The submitter's change requests, newest first."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "validation_publication",
                                 AuditEntry.entity_id == publication.id,
                                 AuditEntry.action == CHANGE_REQUESTED)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
    waiting = publication.status == P.EDITING
    return [ChangeRequest(e.at, str(e.details.get("comment", "")), waiting and i == 0)
            for i, e in enumerate(entries)]


def _go_live(publication: Publication, *, actor: str) -> None:
    """Put the practice on the theme's public pages: the library owns that change."""
    library.publish(publication, actor=actor)


def publication_for(case: Case) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.case_id == case.id))
