"""Likely personal data in practice text: what could identify a child, parent or carer.

Submitters declare that their text identifies nobody; this scan helps them keep that promise.
The feedback plugin runs it before a practice submission is sent, and the validation plugin
runs it again on the answers a submitter amends when asked for more information; the flags
travel with the case so that screeners, the panel and the editors of the public text see what
was found. It looks for patterns (names with titles, dates of birth, postcodes, phone numbers,
NHS numbers, a named school with a child’s age) and is deliberately plain: standard library
`re` only, no Flask, no database, so the e-form, the panel's reading view and the exports can
all call it. It lives in the core because plugins may not import one another.

It favours specificity over recall. A submitter warned about every year and statistic stops
reading the warnings, so the ordinary numbers of practice writing (years, counts, percentages,
cohort age ranges, meeting dates, service names) must pass silently. It is an aid to the
declaration and to the screeners, never a guarantee that a text is anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

CONTEXT_CHARS = 40
ELLIPSIS = "…"

LABELS: dict[str, str] = {
    "titled_name": "A person’s name with a title, such as Mrs Patel",
    "date_of_birth": "A date of birth",
    "postcode": "A full postcode",
    "phone": "A phone number",
    "email": "An email address",
    "nhs_number": "An NHS number",
    "school_with_age": "A named school together with a child’s age or school year",
    "named_child_with_age": "A person’s name together with their age",
    "address": "A house number and street name",
}

# When two findings cover exactly the same text, the earlier kind here wins: it says more
# about why the text matters (an NHS number is more telling than "a phone number").
_PRECEDENCE = ("nhs_number", "email", "date_of_birth", "postcode", "phone", "address",
               "school_with_age", "named_child_with_age", "titled_name")


@dataclass(frozen=True)
class Flag:
    kind: str
    label: str
    field: str
    start: int
    end: int
    match: str
    context: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flag:
        # Stored flags outlive this code: ignore keys a later version may add.
        return cls(kind=str(data["kind"]), label=str(data["label"]), field=str(data["field"]),
                   start=int(data["start"]), end=int(data["end"]), match=str(data["match"]),
                   context=str(data["context"]))


@dataclass(frozen=True)
class _Found:
    kind: str
    start: int
    end: int


# --- words ------------------------------------------------------------------------------------

def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_NAME_WORD = r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Master)"

# Capitalised words that start sentences or name groups of people rather than a person:
# "When Jack, aged 7" is about Jack; "Children aged 5" is about nobody in particular.
_NOT_NAMES = _words("""
    a an the and or but so if as at by for from in into of on onto to with within without after
    before during following since until while when where whilst once then later today initially
    eventually although because though however also only even just both all each every another
    other some many most few several any anyone everyone someone those these this that there
    here we they she he it her his their our my its you i one two three children child young
    people boys boy girls girl pupils pupil students student learners families family parents
    parent carers carer siblings sibling babies baby infants infant toddlers toddler teenagers
    teenager adolescents adults adult participants respondents mothers mother fathers father
    mums mum dads dad women men brother sister son daughter twins grandmother grandfather gran
    nan grandad aunt uncle stepfather stepmother partner year years reception key stage phase
    wave group groups cohort cohorts tier level section table figure chart appendix case cases
    total referrals sessions session week weeks month months day days quarter age ages aged
    under over grade ofsted approach programme project model service services team partnership
    panel board centre centres conference pilot scheme initiative framework toolkit plan network
    forum unit trust council authority school schools academy nursery college university
    hospital clinic ward court police office study review report act star profile start agency
    foundation charity
""")

# Months (April, May and June are also names) and days: "April (32), May (41)" are counts.
_CALENDAR = _words("""
    january february march april may june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday
""")

# English local authority areas (2009) and regions, by their last word: "Kirklees (12) and
# Calderdale (8)" counts referrals by area. Chelsea is left out; it is also a girl's name.
_PLACES = _words("""
    hartlepool middlesbrough cleveland tees darlington durham northumberland tyne tyneside
    gateshead sunderland halton warrington darwen blackburn blackpool cheshire chester cumbria
    lancashire bolton bury manchester oldham rochdale salford stockport tameside trafford wigan
    knowsley liverpool sefton helens wirral hull yorkshire lincolnshire york barnsley doncaster
    rotherham sheffield bradford calderdale kirklees leeds wakefield derby derbyshire leicester
    leicestershire rutland nottingham nottinghamshire northamptonshire herefordshire telford
    wrekin shropshire stoke trent staffordshire warwickshire birmingham coventry dudley sandwell
    solihull walsall wolverhampton worcestershire peterborough luton bedford bedfordshire
    cambridgeshire essex hertfordshire norfolk suffolk southend thurrock london camden greenwich
    hackney hammersmith fulham islington kensington lambeth lewisham southwark hamlets
    wandsworth westminster barking dagenham barnet bexley brent bromley croydon ealing enfield
    haringey harrow havering hillingdon hounslow kingston thames merton newham redbridge
    richmond sutton waltham medway bracknell berkshire reading slough maidenhead wokingham
    keynes brighton hove portsmouth southampton wight buckinghamshire sussex hampshire kent
    oxfordshire surrey bath somerset bristol gloucestershire swindon wiltshire bournemouth poole
    dorset plymouth torbay devon cornwall scilly exeter england wales scotland midlands humber
""")

# Capitalised words that follow a title in headings and titles of things, not in names.
_NOT_SURNAMES = _words("""
    men out appointments appointment school schools meetings sessions visits plan plans class
    classes chef key copy data list record records deadlines opportunities chances education the
    a an and of in on at for to with index file files trainer practitioner degree
""")

# Organisations and characters whose names begin with a title (checked case-blind, with
# straight apostrophes): a children's charity or a signing presenter is not a family member.
NOT_PEOPLE = ("dr barnardo", "dr foster", "mr men", "little miss", "dr seuss", "mr tumble")

# Postcode areas of the United Kingdom; anything else that looks like a postcode is not one.
_POSTCODE_AREAS = _words("""
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE
    LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL
    SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
""")

_COUNTED_BY = _CALENDAR | _PLACES

# --- patterns ---------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")

# A run that starts like a UK number; the digit count is checked afterwards, which is what
# keeps "2007-2009", "0-19 service" and "1,234 referrals" out.
_PHONE = re.compile(r"""
    (?<![\w+/.])
    (?: \+44\s?(?:\(0\)\s?)?\d{2,5} | \(0\d{1,4}\) | 0\d{1,4} )
    (?: [\s-]?\d{2,4} ){1,3}
    (?![\w/])
""", re.VERBOSE)

_NHS_NUMBER = re.compile(r"(?<![\w.,/+-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w/-])")

_POSTCODE = re.compile(
    r"(?<![\w])(?:" + "|".join(sorted(_POSTCODE_AREAS, key=len, reverse=True)) + r")"
    r"\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}(?![\w])", re.IGNORECASE)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")  # "the M6 2nd junction" is not a postcode

_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![\d/-]|\.\d)"
    r"|\d{4}-\d{2}-\d{2}(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH},?\s+(?:\d{{4}}|'?\d{{2}})(?!\d)"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?!\d))"
)
# Only a date introduced as a birth date is flagged; "on 3 March 2009 the board agreed" is not.
_DATE_OF_BIRTH = re.compile(
    r"(?i:\bborn(?:\s+on)?|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth|\bbirth\s?date|\bbirthday)"
    r"(?:\s+(?:is|was|of|on))?\s*[:=\-–]?\s*(?:the\s+)?"
    rf"(?P<value>{_DATE})"
)

_STREET = (r"(?:(?:Street|Road|Avenue|Lane|Drive|Close|Crescent|Court|Way|Place|Grove|Gardens"
           r"|Terrace|Walk|Square|Mews|Row|Rise|Parade|Hill|View|Green|Vale|Park|Gate|Yard"
           r"|Wharf|Quay|Fold|Croft|Chase|Boulevard)\b|(?:St|Rd|Ave)\b\.?)")
_BUILDING = r"(?:House|Court|Tower|Towers|Lodge|Buildings|Mansions|Flats)"
_FLAT = r"(?:Flat|Apartment|Apt\.?|Unit)\s+\d{1,4}[A-Za-z]?"
_STREET_NAME = r"(?:[A-Z][a-z'’]+\s+){1,3}"
_ADDRESS = re.compile(
    rf"(?<![\w,.£$%/-])(?:{_FLAT},?\s+)?(?P<number>\d{{1,4}}[A-Za-z]?),?\s+{_STREET_NAME}"
    rf"{_STREET}"
    rf"|\b{_FLAT},?\s+{_STREET_NAME}(?:{_STREET}|{_BUILDING})\b"
)

_TITLED_NAME = re.compile(
    rf"(?<![\w])(?P<title>{_TITLE})\.?\s+(?P<name>(?:[A-Z]\.?\s+){{0,2}}{_NAME_WORD}"
    rf"(?:\s+{_NAME_WORD})?)(?![\w])")

# An age that belongs to one person: "aged 7", not "aged 5 to 11" or "aged 16 and over".
_NOT_A_RANGE = (r"(?!(?:\s*years?)?\s*(?:-|–|to|and|or)\s*\d)"
                r"(?!(?:\s*years?)?\s*(?:\+|plus|(?:and|or)\s+(?:over|under|above|below|older"
                r"|younger)))")
_AGE_AFTER_NAME = (
    rf",?\s+aged?\s+\d{{1,2}}\b{_NOT_A_RANGE}"
    rf"|,\s+(?:a|an)\s+\d{{1,2}}[-\s]year[-\s]old\b(?!s)"
    rf"|,\s+who\s+(?:is|was)\s+(?:now\s+)?\d{{1,2}}\b(?:\s+years?\s+old)?{_NOT_A_RANGE}(?!\s*%)"
    # A bare number could as well be a count: these two are checked for a list of counts.
    r"|(?P<count_like>,\s+\d{1,2}(?=,(?!\d))"
    r"|\s*\(\s*(?:aged?\s+)?\d{1,2}(?:\s*(?:years?|yrs?)(?:\s+old)?)?\s*\))"
)
_NAMED_WITH_AGE = re.compile(
    rf"(?<![\w'’])(?P<name>(?:{_TITLE}\.?\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})"
    rf"(?:{_AGE_AFTER_NAME})")
# Counts by place: "from Leeds (14), Bradford (9)" or "from Plymouth, 22, and Exeter, 17"
# list numbers, not ages.
_COUNT_LIST_BEFORE = re.compile(
    r"\b(?:from|in|at|across|within|by|to|of|between|into|for)\s+"
    r"(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*(?:\s*\(\d{1,4}%?\)|,\s*\d{1,4})"
    r"\s*(?:,|and|&)\s*)*$")

# A child's age or year group, as opposed to a cohort ("Year 6 pupils", "children aged 5-11").
_CHILD_AGE = (
    rf"(?:aged?\s+\d{{1,2}}\b{_NOT_A_RANGE}"
    r"|\d{1,2}[-\s]year[-\s]old\b(?!s)"
    r"|(?:Year|Yr\.?)\s*\d{1,2}\b(?=\s*(?:[,.;:)]|$|\s(?:pupil|student|girl|boy|child|learner"
    r"|at|in|from|of|when|and|who|class)\b))"
    r"|Reception(?=\s*(?:[,.;:)]|$|\s(?:pupil|child|class|at|in|from)\b)))"
)
_SCHOOL = (
    r"(?:St\.?\s+|Saint\s+)?[A-Z][A-Za-z'’-]+(?:\s+(?:[A-Z][A-Za-z'’-]+|&|and|of|the)){0,4}?"
    r"(?:\s+C(?:\.|\s)?\s?of\s?E\.?|\s+CE|\s+RC)?"
    r"\s+(?:(?:Secondary|Grammar|Middle|First|Special|Community)\s+(?:School|Academy)"
    r"|(?:Primary|Junior|Infants?|Nursery|High)(?:\s+(?:School|Academy))?"
    r"|School|Academy|College|Pupil\s+Referral\s+Unit)"
    r"(?!\s+(?:Care|Trust|Mental|Health|Schools|Team|Services?|Partnership|Network|Forum))"
    r"(?![\w'’])"
)
_AGE_TO_SCHOOL_GAP = (r"(?:[\s,]+(?:a|an|the|pupil|student|girl|boy|child|learner|who|was|is"
                      r"|attending|attends|attended|at|from|in|on|roll|currently|then|still"
                      r"|now|he|she|goes|went|to|enrolled|registered)){0,6}[\s,]+")
_SCHOOL_TO_AGE_GAP = (r"(?:[\s,]+(?:a|an|the|pupil|student|girl|boy|child|learner|who|where"
                      r"|was|is|he|she|currently|now|then|still|in|and)){0,6}[\s,]+")
_SCHOOL_WITH_AGE = re.compile(
    rf"\b{_CHILD_AGE}{_AGE_TO_SCHOOL_GAP}{_SCHOOL}"
    rf"|(?<![\w'’]){_SCHOOL}{_SCHOOL_TO_AGE_GAP}{_CHILD_AGE}")


# --- detectors --------------------------------------------------------------------------------

def _every(kind: str, pattern: re.Pattern[str]) -> Callable[[str], Iterator[_Found]]:
    def detect(text: str) -> Iterator[_Found]:
        for m in pattern.finditer(text):
            yield _Found(kind, m.start(), m.end())
    return detect


def _phones(text: str) -> Iterator[_Found]:
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if m.group().startswith("+"):
            national = digits[2:]
            if national.startswith("0"):  # "+44 (0)161 ..."
                national = national[1:]
            ok = len(national) in (9, 10) and national[0] in "12378"
        else:
            ok = len(digits) in (10, 11) and digits[1] in "12378"
        if ok:
            yield _Found("phone", m.start(), m.end())


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11: the tenth digit checks the other nine, so most typos and counts fail it."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[_Found]:
    for m in _NHS_NUMBER.finditer(text):
        if nhs_number_is_valid(m.group(1) + m.group(3) + m.group(4)):
            yield _Found("nhs_number", m.start(), m.end())


def _postcodes(text: str) -> Iterator[_Found]:
    for m in _POSTCODE.finditer(text):
        inward = m.group()[-3:]
        if _ORDINAL.fullmatch(inward):  # lower-case ordinals only; "M1 1ST" stays a postcode
            continue
        yield _Found("postcode", m.start(), m.end())


def _dates_of_birth(text: str) -> Iterator[_Found]:
    for m in _DATE_OF_BIRTH.finditer(text):
        if _plausible_numeric_date(m.group("value")):
            # The date alone is flagged: taking it out leaves "born on" readable.
            yield _Found("date_of_birth", m.start("value"), m.end("value"))


def _plausible_numeric_date(value: str) -> bool:
    parts = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})", value)
    if not parts:
        return True  # ISO or written month: the pattern already constrains it
    day, month = int(parts.group(1)), int(parts.group(2))
    return 1 <= day <= 31 and 1 <= month <= 12


def _addresses(text: str) -> Iterator[_Found]:
    for m in _ADDRESS.finditer(text):
        number = m.group("number")
        # "In 2009 Holly Park opened": a year is not a house number.
        if number and len(number) == 4 and 1800 <= int(number) <= 2099:
            continue
        yield _Found("address", m.start(), m.end())


def _is_named_thing(text: str, start: int) -> bool:
    """Whether the name of a known organisation or character runs through `start`."""
    lowered = text.replace("’", "'").lower()
    for name in NOT_PEOPLE:
        at = lowered.find(name, max(0, start - len(name)))
        if at != -1 and at <= start < at + len(name):
            return True
    return False


def _titled_names(text: str) -> Iterator[_Found]:
    for m in _TITLED_NAME.finditer(text):
        # Initials are skipped: "Mrs A. Khan" is named by Khan, not by the article-like "A".
        first = next(w for w in m.group("name").split() if len(w.strip(".")) > 1)
        if first.lower() in _NOT_SURNAMES or _is_named_thing(text, m.start()):
            continue
        yield _Found("titled_name", m.start(), m.end())


def _named_with_age(text: str) -> Iterator[_Found]:
    for m in _NAMED_WITH_AGE.finditer(text):
        words = m.group("name").split()
        start = m.start("name")
        if words[-1].lower() in _NOT_NAMES:  # "Children aged 7"
            continue
        # Drop sentence openers and relationship words: "When Jack, aged 7" flags "Jack, ...".
        while len(words) > 1 and words[0].lower() in _NOT_NAMES | _CALENDAR:
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        if m.group("count_like") and (
                words[-1].lower() in _COUNTED_BY
                or _COUNT_LIST_BEFORE.search(text[max(0, start - 200):start])):
            continue
        yield _Found("named_child_with_age", start, m.end())


_DETECTORS = (_every("email", _EMAIL), _nhs_numbers, _dates_of_birth, _postcodes, _phones,
              _addresses, _every("school_with_age", _SCHOOL_WITH_AGE), _named_with_age,
              _titled_names)


# --- putting it together ----------------------------------------------------------------------

def _most_specific(found: list[_Found]) -> list[_Found]:
    """Keep a finding unless a wider one already covers it, or one of its kind overlaps it.

    Findings of different kinds that only partly overlap are both kept: in "Jack, aged 7, at
    St Mary's Primary" the name and the school are separate things to take out.
    """
    kept: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.start - f.end, _PRECEDENCE.index(f.kind), f.start)):
        covered = any(k.start <= f.start and f.end <= k.end for k in kept)
        same_kind = any(k.kind == f.kind and k.start < f.end and f.start < k.end for k in kept)
        if not covered and not same_kind:
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


def context_of(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """The match with about `chars` characters either side, cut at a word, on one line."""
    left_from, right_to = max(0, start - chars), min(len(text), end + chars)
    left, right = text[left_from:start], text[end:right_to]
    if left_from > 0:
        # Drop a part-word, unless that would throw the whole window away.
        space = None if text[left_from - 1].isspace() else re.search(r"\s", left)
        left = ELLIPSIS + (left[space.end():] if space and space.end() < len(left) else left)
    if right_to < len(text):
        space = None if text[right_to].isspace() else re.search(r"\s\S*$", right)
        right = (right[:space.start()] if space and space.start() > 0 else right) + ELLIPSIS
    return re.sub(r"\s+", " ", left + text[start:end] + right).strip()


def scan_text(field: str, text: str) -> list[Flag]:
    """Everything in one answer that looks like personal data, in order of position."""
    if not text:
        return []
    found = [f for detect in _DETECTORS for f in detect(text)]
    return [
        Flag(kind=f.kind, label=LABELS[f.kind], field=field, start=f.start, end=f.end,
             match=text[f.start:f.end], context=context_of(text, f.start, f.end))
        for f in _most_specific(found)
    ]


def scan(answers: Mapping[str, Any], fields: Iterable[str] | None = None) -> list[Flag]:
    """Flags across a submission's answers, in the order of `fields` (default: the answers').

    Answers that are not text (a ticked declaration, a chosen region) are skipped.
    """
    flags: list[Flag] = []
    for field in (answers.keys() if fields is None else fields):
        value = answers.get(field)
        if isinstance(value, str):
            flags.extend(scan_text(field, value))
    return flags
