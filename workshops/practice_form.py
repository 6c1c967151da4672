"""The one definition of the practice submission form and of the day's evaluation form.

Plain data, no templates: the web e-form, the form printed in the delegate pack, the fillable PDF,
the panel's reading view and the exports all walk these structures, so a question, its guidance
or its limit is changed here and nowhere else. Keys are stable identifiers: stored answers are
keyed by them, so rename a label freely but never a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from email_validator import EmailNotValidError, validate_email

from workshops.models.catalogue import REGIONS
from workshops.validators import word_limit_problem


class Kind(StrEnum):
    TEXT = "text"  # one short line
    LONG = "long"  # a paragraph or more
    CHOICE = "choice"  # one of `options`
    EMAIL = "email"
    RATING = "rating"  # 1 to 5, evaluation form only
    CHECK = "check"  # a declaration the submitter ticks


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    guidance: str = ""
    required: bool = True
    kind: Kind = Kind.TEXT
    word_limit: int | None = None
    # (value, label) pairs; values are what is stored, labels what people read.
    options: tuple[tuple[str, str], ...] = ()
    # Printed answer space, in ruled lines; the e-form uses it as the textarea's rows.
    lines: int = 1
    # What to say when a required answer is missing, where "Enter the <label>" reads badly.
    missing: str = ""
    # The e-form's autocomplete token, where the answer is often the submitter's own details
    # (WCAG 1.3.5: browsers can fill it in, and assistive technology can say what it asks).
    autocomplete: str = ""
    # The e-form box's input type where it is not text: "tel" gives phones a keypad (GOV.UK's
    # telephone pattern, no format imposed). An EMAIL question's box is an email box anyway.
    input_type: str = ""

    def option_label(self, value: str) -> str:
        return dict(self.options).get(value, value)

    @property
    def missing_message(self) -> str:
        if self.missing:
            return self.missing
        label = f"{self.label[0].lower()}{self.label[1:]}"
        if self.kind == Kind.CHECK:
            return f"Confirm: {label}"
        noun = label if label.startswith("the ") else f"the {label}"  # not "the the outcomes"
        return f"{'Choose' if self.kind == Kind.CHOICE else 'Enter'} {noun}"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str = ""
    questions: tuple[Question, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: str
    intro: str
    sections: tuple[Section, ...]

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, key: str) -> Question:
        for question in self.questions():
            if question.key == key:
                return question
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [q.key for q in self.questions()]


def _long(key: str, label: str, guidance: str, words: int, *, required: bool = True,
          lines: int | None = None, missing: str = "") -> Question:
    # About one printed line per 12 words leaves room for handwriting without wasting paper.
    return Question(key=key, label=label, guidance=guidance, required=required, kind=Kind.LONG,
                    word_limit=words, lines=lines or max(4, min(16, words // 25)),
                    missing=missing)


REGION_OPTIONS: tuple[tuple[str, str], ...] = tuple(REGIONS.items())

# Answers meant to name people and places (the contact's own details, organisations, places,
# themes): not scanned for identifying information, at submission or when amended in
# validation. Everything written about the practice is.
NOT_SCANNED = frozenset({"organisation", "local_authority", "region", "contact_name",
                         "contact_role", "contact_email", "contact_phone", "theme"})

PRACTICE_FORM = FormDefinition(
    key="practice",
    title="Practice submission form",
    intro=(
        "Tell us about local practice that has made a difference to children, young people and "
        "families. A panel of sector experts reads every submission against three questions: is "
        "there enough information to understand the practice, how strong is the evidence that "
        "outcomes improved, and could another area do the same? The panel may ask you for more "
        "information, and you will always hear the outcome with its feedback. Practice the panel "
        "validates is published on the theme's web pages and feeds into the knowledge reviews."
    ),
    sections=(
        Section(
            key="about",
            title="About the practice and who runs it",
            questions=(
                Question(
                    key="title", label="Title of the practice",
                    guidance="A short, plain name a colleague elsewhere would recognise, for "
                             "example 'Multi-agency chronology clinic for neglect cases'.",
                    word_limit=15,
                ),
                Question(
                    key="organisation", label="Lead organisation",
                    guidance="The service or agency that runs the practice.",
                ),
                Question(
                    key="local_authority", label="Local authority area",
                    guidance="The council area where the practice takes place.",
                ),
                Question(
                    key="region", label="Region", kind=Kind.CHOICE, options=REGION_OPTIONS,
                ),
                Question(
                    key="partners", label="Partner agencies",
                    guidance="Other agencies involved, such as health visiting, police, schools "
                             "or voluntary groups, and what each contributes.",
                    required=False, kind=Kind.LONG, word_limit=100, lines=3,
                ),
            ),
        ),
        Section(
            key="contact",
            title="Contact for the panel",
            intro="The person the panel can ask for more information. These details are not "
                  "published.",
            questions=(
                Question(key="contact_name", label="Name", missing="Enter the contact’s name",
                         autocomplete="name"),
                Question(key="contact_role", label="Job title or role",
                         missing="Enter the contact’s job title or role",
                         autocomplete="organization-title"),
                Question(key="contact_email", label="Email address", kind=Kind.EMAIL,
                         missing="Enter the contact’s email address", autocomplete="email"),
                Question(key="contact_phone", label="Telephone", required=False,
                         autocomplete="tel", input_type="tel"),
            ),
        ),
        Section(
            key="practice",
            title="The practice",
            questions=(
                Question(
                    key="theme", label="Theme",
                    guidance="The knowledge review theme this practice relates to, for example "
                             "'Safeguarding'.",
                ),
                _long(
                    "context", "Context and need",
                    "What problem were you trying to solve, and for whom? Describe the local "
                    "picture that led to the work: the families or children concerned, gaps in "
                    "services, or what an inspection or serious case review found.",
                    250,
                ),
                _long(
                    "what_you_did", "What you did",
                    "Describe the practice so that someone who has never seen it could picture "
                    "it: who does what, with whom, how often and for how long. Say what is "
                    "different from what happened before, and name any model, tool or training "
                    "you drew on.",
                    500, missing="Enter what you did",
                ),
                _long(
                    "outcomes_aimed", "The outcomes you aimed for",
                    "What should change for children, young people or families, and for the "
                    "way agencies work together? Be specific: 'fewer re-referrals within 12 "
                    "months' says more than 'better outcomes'.",
                    200,
                ),
            ),
        ),
        Section(
            key="difference",
            title="The difference it made",
            intro="This is what the panel weighs most. Be honest about what you do not yet "
                  "know: early or partial evidence can still be judged promising.",
            questions=(
                _long(
                    "impact", "What impact it made",
                    "What has changed since the practice began? Include changes for children "
                    "and families (safety, wellbeing, engagement with services) and for "
                    "practice (decisions, timeliness, joint working).",
                    400, missing="Enter what impact it made",
                ),
                _long(
                    "evidence", "How you know it made a difference",
                    "Your evidence: the baseline you started from, the data you collected "
                    "(numbers, case audits, feedback from families or staff, independent "
                    "evaluation) and how you collected it. Say how many children or families "
                    "the figures cover and over what period.",
                    400, missing="Enter how you know it made a difference",
                ),
            ),
        ),
        Section(
            key="transfer",
            title="Resources and transferability",
            questions=(
                _long(
                    "costs", "Costs and resources",
                    "Staff time, posts, training, venues and any funding, with rough costs if "
                    "you have them. Include the set-up cost as well as the running cost.",
                    200, lines=6,
                ),
                _long(
                    "transferability", "Transferability",
                    "What would another area need to do the same: people, skills, agreements "
                    "between agencies, leadership support? What would you do differently if "
                    "you started again?",
                    300, missing="Enter what another area would need to do the same",
                ),
                _long(
                    "summary", "Summary for publication",
                    "A standalone summary of the practice and its results, written for a "
                    "practitioner in another area. If the practice is validated, this is the "
                    "text we start from when we publish it.",
                    150, lines=8, missing="Enter a summary for publication",
                ),
            ),
        ),
        Section(
            key="declarations",
            title="Declarations",
            intro="Practice examples describe work with vulnerable children and families. "
                  "Please check your text before you send it.",
            questions=(
                Question(
                    key="no_identifying_information", kind=Kind.CHECK,
                    label="The submission holds no information that could identify a child, "
                          "parent or carer.",
                    guidance="No names, exact dates, small-area place names or rare details "
                             "that, together, could point to a family.",
                ),
                Question(
                    key="case_stories_anonymised", kind=Kind.CHECK,
                    label="Any case story is anonymised, or the people in it have consented "
                          "to its use.",
                ),
                Question(
                    key="may_share_and_publish", kind=Kind.CHECK,
                    label="You may share this submission with the expert panel, and publish it "
                          "if it is validated.",
                ),
                Question(
                    key="organisation_agrees", kind=Kind.CHECK,
                    label="My organisation agrees to this submission.",
                ),
            ),
        ),
    ),
)


RATING_SCALE: tuple[tuple[str, str], ...] = (
    ("1", "Poor"), ("2", "Fair"), ("3", "Good"), ("4", "Very good"), ("5", "Excellent"),
)


def _rating(key: str, label: str) -> Question:
    return Question(key=key, label=label, kind=Kind.RATING, options=RATING_SCALE)


EVALUATION_FORM = FormDefinition(
    key="evaluation",
    title="Evaluation of the day",
    intro="Your views shape the next workshops. Please hand this page in before you leave, or "
          "fill it in online from the link we email you after the workshop.",
    sections=(
        Section(
            key="ratings",
            title="How would you rate the workshop?",
            intro="1 is poor and 5 is excellent.",
            questions=(
                _rating("content", "Content"),
                _rating("relevance", "Relevance to your practice"),
                _rating("presenters", "Presenters"),
                _rating("organisation", "Organisation of the day"),
                _rating("venue", "Venue"),
            ),
        ),
        Section(
            key="reflection",
            title="Your thoughts",
            questions=(
                _long("do_differently", "What will you do differently in your practice?",
                      "", 150, required=False, lines=4),
                _long("could_be_better", "What could have been better?", "", 150,
                      required=False, lines=4),
                _long("comments", "Any other comments", "", 150, required=False, lines=3),
            ),
        ),
    ),
)


# --- the rules an answer must keep, wherever it is typed (e-form, upload, amendment) --------

TEXT_CHARACTERS = 300  # a one-line answer


def answered(question: Question, value: Any) -> bool:
    if question.kind == Kind.CHECK:
        return value is True
    return bool(str(value or "").strip())


def answer_problem(question: Question, value: Any) -> str | None:
    """The message for an answer the definition does not allow, or None.

    Empty is allowed here: whether an answer is required is the caller's rule (a draft may be
    saved half done; screening insists).
    """
    if question.kind == Kind.CHECK or not answered(question, value):
        return None
    text = str(value).strip()
    if question.word_limit and (
            problem := word_limit_problem(question.label, text, question.word_limit)):
        return problem
    if question.kind in (Kind.TEXT, Kind.EMAIL) and len(text) > TEXT_CHARACTERS:
        return f"{question.label} must be {TEXT_CHARACTERS} characters or fewer"
    if question.kind == Kind.CHOICE and text not in dict(question.options):
        return f"Select the {question.label.lower()} from the list"
    if question.kind == Kind.EMAIL:
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return "Enter an email address in the correct format, like name@example.org"
    if question.input_type == "tel" and not _is_phone_number(text):
        return ("Enter a telephone number, like 01632 960 001, 07700 900 982 or "
                "+44 808 157 0192")
    return None


# A telephone number in any of the ways people write one (GOV.UK imposes no format): digits,
# spaces, brackets, dots and dashes, a leading +, perhaps an extension; but some digits, and
# nothing else, so a stray sentence or markup is asked about rather than passed to the panel.
_PHONE = re.compile(r"\+?[\d\s().-]+(?:\s*(?:ext\.?|extension|x)\s*\d{1,6})?", re.IGNORECASE)


def _is_phone_number(text: str) -> bool:
    return _PHONE.fullmatch(text) is not None and sum(c.isdigit() for c in text) >= 7
