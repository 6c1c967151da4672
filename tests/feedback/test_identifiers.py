"""The personal-data scan: sensitive to what identifies a family, silent on ordinary practice prose.

The corpus is written the way social workers and early-help managers write submissions. Each
positive names the kind it must raise and the exact text flagged; each negative must raise
nothing at all, because a warning on every year and statistic teaches submitters to ignore it.
"""

from __future__ import annotations

import pytest

from feedback.identifiers import Flag, nhs_number_is_valid, scan, scan_text


def _found(text: str) -> list[tuple[str, str]]:
    return [(flag.kind, flag.match) for flag in scan_text("what_you_did", text)]


POSITIVES = [
    # (id, sentence, kind, matched text)
    ("title-surname",
     "At the first core group Mrs Patel said she felt judged by every agency in the room.",
     "titled_name", "Mrs Patel"),
    ("title-dot-full-name",
     "The allocated worker, Mr. John Smith, visited weekly for six months.",
     "titled_name", "Mr. John Smith"),
    ("title-irish-surname",
     "Dr O'Neill, the family's GP, joined the strategy discussion by phone.",
     "titled_name", "Dr O'Neill"),
    ("title-miss-teacher",
     "Miss Hughes, his class teacher, kept a daily log of how he presented each morning.",
     "titled_name", "Miss Hughes"),
    ("title-initial-surname",
     "Mrs A. Khan, the children's grandmother, offered to have them at weekends.",
     "titled_name", "Mrs A. Khan"),
    ("title-doctor-possessive",
     "Concerns were first raised at Dr Ahmed's surgery when the baby missed two immunisations.",
     "titled_name", "Dr Ahmed"),
    ("dob-born-on-written",
     "The youngest child (born on 3 March 2004) had missed every health review since birth.",
     "date_of_birth", "3 March 2004"),
    ("dob-abbreviation-numeric",
     "Referral received from the health visitor: DOB 03/03/2004, no previous involvement.",
     "date_of_birth", "03/03/2004"),
    ("dob-date-of-birth-dotted",
     "Her date of birth: 3.3.04 had been recorded differently on the health and social care "
     "systems.", "date_of_birth", "3.3.04"),
    ("dob-dotted-abbreviation",
     "Child B (d.o.b. 12/11/2001) was the subject of a child protection plan for neglect.",
     "date_of_birth", "12/11/2001"),
    ("dob-born-ordinal",
     "Child C, born 14th February 2006, was placed with her grandmother under a special "
     "guardianship order.", "date_of_birth", "14th February 2006"),
    ("dob-ends-sentence",
     "The referral gave the baby's details as Born: 01.02.2005.",
     "date_of_birth", "01.02.2005"),
    ("postcode-manchester",
     "The family moved to a privately rented flat in M1 1AE shortly after the conference.",
     "postcode", "M1 1AE"),
    ("postcode-london",
     "Sessions ran from the community centre, postcode SW1A 2AA, on Tuesday evenings.",
     "postcode", "SW1A 2AA"),
    ("postcode-lower-case",
     "Mum's new tenancy is in b15 2tt, so the case transferred to the south locality team.",
     "postcode", "b15 2tt"),
    ("phone-mobile",
     "Mum asked that the key worker only ring her on 07700 900123 after 6pm.",
     "phone", "07700 900123"),
    ("phone-mobile-international",
     "Dad, who works away, gave +44 7700 900123 as the best number for core group calls.",
     "phone", "+44 7700 900123"),
    ("phone-landline",
     "Grandparents could call the duty desk on 0161 496 0000 at any time.",
     "phone", "0161 496 0000"),
    ("phone-london-brackets",
     "The aunt's home number, (020) 7946 0018, was shared with the out-of-hours team.",
     "phone", "(020) 7946 0018"),
    ("phone-international-with-zero",
     "Contact for the foster carer: +44 (0)113 496 0123.",
     "phone", "+44 (0)113 496 0123"),
    ("email-personal",
     "Her personal email, sarah.jones84@example.com, was copied onto the referral form.",
     "email", "sarah.jones84@example.com"),
    ("nhs-number",
     "His NHS number 943 476 5919 was added to the chronology so that records could be matched.",
     "nhs_number", "943 476 5919"),
    ("school-age-before",
     "The first referral was a 9-year-old at St Mary's Primary who was often found asleep in "
     "class.", "school_with_age", "9-year-old at St Mary's Primary"),
    ("school-year-group-pupil",
     "The head of year raised concerns about a Year 6 pupil at Oakfield Primary School who had "
     "stopped eating lunch.", "school_with_age", "Year 6 pupil at Oakfield Primary School"),
    ("school-year-group-high",
     "She was in Year 10 at Hillside High School when the concerns first arose.",
     "school_with_age", "Year 10 at Hillside High School"),
    ("school-then-age",
     "He attends Brookfield Academy and is aged 14, the oldest of five.",
     "school_with_age", "Brookfield Academy and is aged 14"),
    ("name-comma-aged",
     "Jack, aged 7, was the only one of the children who would talk to the worker.",
     "named_child_with_age", "Jack, aged 7"),
    ("name-bracketed-age",
     "Chloe (14) told her mentor that she was frightened to go home at weekends.",
     "named_child_with_age", "Chloe (14)"),
    ("name-commas-age",
     "Her eldest, Tom, 15, had been excluded twice before the team got involved.",
     "named_child_with_age", "Tom, 15"),
    ("name-year-old-after-opener",
     "When Liam, a 6-year-old with speech delay, started nursery his mother stopped coming.",
     "named_child_with_age", "Liam, a 6-year-old"),
    ("name-that-is-a-month",
     "April, aged 6, was the youngest and was often left with her older brothers.",
     "named_child_with_age", "April, aged 6"),
    ("name-parent-age",
     "Mum Sarah (32) and her partner had both been looked after as children.",
     "named_child_with_age", "Sarah (32)"),
    ("name-who-is",
     "Her brother, Kyle, who is 12, was acting as a young carer for their mother.",
     "named_child_with_age", "Kyle, who is 12"),
    ("address-house",
     "The family's home at 12 Acacia Avenue was visited unannounced on three occasions.",
     "address", "12 Acacia Avenue"),
    ("address-flat-and-house",
     "They moved into Flat 3, 45 High Street, above the takeaway, in the winter.",
     "address", "Flat 3, 45 High Street"),
    ("address-flat-in-block",
     "Mum and the three children were living in Flat 7, Kestrel House on the Beechwood estate.",
     "address", "Flat 7, Kestrel House"),
]

NEGATIVES = [
    # (id, sentence)
    ("year-range", "Between 2007 and 2009 referrals to the service rose by 40%."),
    ("statistics", "Re-referrals within 12 months fell from 1,200 to 950 over 2007-2009."),
    ("cohort-age-range", "The programme worked with children aged 5 to 11 and their parents."),
    ("cohort-aged-over", "Young people aged 16 and over were offered a key worker of their "
                         "choice."),
    ("cohort-aged-under", "Mothers aged under 20 were offered the Family Nurse Partnership."),
    ("barnardos", "We commissioned Barnardo's to run the group, with Dr Barnardo's staff "
                  "co-facilitating the first sessions."),
    ("family-nurse-partnership", "The Family Nurse Partnership offers intensive home visiting "
                                 "to first-time young mothers."),
    ("year-6-programme", "Our Year 6 transition programme runs in the summer term for every "
                         "child moving to secondary school."),
    ("year-6-programme-at-school", "The Year 6 transition programme at Oakfield Primary School "
                                   "was extended to the whole cluster in 2009."),
    ("cohort-years-across-schools", "We worked with 35 children in Years 5 and 6 across four "
                                    "primary schools."),
    ("reception-staff", "Reception class teachers in all 12 primary schools completed the "
                        "training."),
    ("meeting-date", "On 3 March 2009 the board agreed to fund the pilot for a further year."),
    ("month-year", "In March 2009 we began sharing chronologies across health and children's "
                   "social care."),
    ("cohort-born-on-or-after", "Children born on or after 1 September 2004 were eligible for "
                                "a funded nursery place."),
    ("local-authorities", "Leeds City Council and Bradford Metropolitan District Council "
                          "jointly funded the post."),
    ("section-47", "Section 47 enquiries fell by a third once the consultation line opened."),
    ("referral-count", "The team received 1,234 referrals in 2008-09, of which 312 went on to "
                       "an initial assessment."),
    ("0-19-service", "The 0-19 service brings health visitors and school nurses into one team."),
    ("ofsted", "Ofsted's unannounced inspection in 2009 judged contact and referral arrangements "
               "adequate."),
    ("nhs-trust", "The NHS Trust seconded a named nurse for safeguarding to the team two days a "
                  "week."),
    ("motorway-m62", "Families living near the M62 corridor were hardest to reach by bus."),
    ("motorway-a1m", "Outreach workers covered the villages along the A1(M) between Darlington "
                     "and Durham."),
    ("motorway-m1", "The M1 motorway cuts the estate off from the town centre."),
    ("percentages", "Of the 48 families, 31 (65%) were still engaged after six months."),
    ("anonymised-child", "Child A, aged 7, was referred by the school nurse after repeated "
                         "absences."),
    ("mr-men-books", "The Mr Men books were used with younger siblings to talk about feelings."),
    ("mr-tumble", "Staff learned Makaton signs from Mr Tumble to use with the younger children."),
    ("birthday-party", "We held a birthday party on 14 February 2009 to mark the centre's "
                       "first year."),
    ("project-born", "The project was born in April 2007 out of a serious case review."),
    ("title-case-heading", "Why Families Miss Appointments: A Text Reminder Pilot"),
    ("counts-by-place", "Referrals came from Leeds (14), Bradford (9) and Wakefield (6)."),
    ("monthly-counts", "Referrals to the clinic: April (32), May (41) and June (38)."),
    ("counts-by-area", "Kirklees (12) and Calderdale (8) took part in the first year."),
    ("counts-in-commas", "Families from Plymouth, 22, and Exeter, 17, joined the groups."),
    ("programme-counts", "Staff trained in Signs of Safety (18) and the Solihull Approach "
                         "(12)."),
    ("cohort-at-named-school", "Year 6 pupils at Oakfield Primary School visited their new "
                               "school twice before the summer."),
    ("year-range-at-named-school", "Children in Years 3 to 6 at Oakfield Primary School took "
                                   "part."),
    ("key-stage", "Key Stage 2 attainment improved by 12 percentage points between 2006 and "
                  "2009."),
    ("year-before-name", "In 2008 Holly Park Children's Centre opened a drop-in for fathers."),
    ("group-sizes", "Sessions ran twice a week for 10 weeks, with 8 to 12 parents in each "
                    "group."),
    ("waiting-times", "Tier 3 CAMHS waiting times fell from 18 weeks to 6 weeks."),
    ("costs", "Costs were £45,000 in year one and £38,500 thereafter, from the Area Based "
              "Grant."),
    ("workshop-date", "Delegates from the North West and Yorkshire and the Humber attended on "
                      "24 March 2010."),
    ("case-reference", "The ICS case reference 123 456 7890 links the chronology to the "
                       "assessment."),
]


@pytest.mark.parametrize(("text", "kind", "match"), [p[1:] for p in POSITIVES],
                         ids=[p[0] for p in POSITIVES])
def test_flags_identifying_detail(text: str, kind: str, match: str) -> None:
    assert (kind, match) in _found(text)


@pytest.mark.parametrize("text", [n[1] for n in NEGATIVES], ids=[n[0] for n in NEGATIVES])
def test_leaves_ordinary_practice_writing_alone(text: str) -> None:
    assert _found(text) == []


def test_corpus_is_large_enough_to_mean_something() -> None:
    assert len(POSITIVES) >= 25 and len(NEGATIVES) >= 25
    assert {kind for _, _, kind, _ in POSITIVES} == {
        "titled_name", "date_of_birth", "postcode", "phone", "email", "nhs_number",
        "school_with_age", "named_child_with_age", "address"}


def test_a_whole_anonymised_submission_raises_nothing() -> None:
    answers = {
        "title": "Multi-Agency Chronology Clinic for Neglect Cases",
        "partners": "Calderdale and Huddersfield NHS Foundation Trust (health visiting and "
                    "school nursing), West Yorkshire Police, Barnardo's, Home-Start and the "
                    "0-19 Healthy Child Programme.",
        "context": "In 2007-08 the Local Safeguarding Children Board's audit of 40 neglect cases "
                   "found that chronologies were missing or out of date in 29 (72.5%). A serious "
                   "case review published in March 2008 (Child D) found that no agency had seen "
                   "the whole picture.",
        "what_you_did": "From 1 April 2008 we ran a fortnightly chronology clinic. Each clinic "
                        "takes 3 cases; the allocated social worker, health visitor or school "
                        "nurse, and a teacher from the child's school bring their records. Cases "
                        "are prioritised where there have been 2 or more re-referrals within 12 "
                        "months, or where a child aged under 5 is subject to a plan. In Year 1 "
                        "we held 24 clinics; by Year 2 the model was used in all 3 localities. "
                        "Young people aged 14 and over were invited to part of the clinic.",
        "impact": "Re-referrals within 12 months fell from 23% (2007-08) to 14% (2009-10). Of "
                  "112 families seen, 81 (72%) engaged with the plan by the third review.",
        "evidence": "Baseline: audit of 40 cases, March 2008. Follow-up audit by the University "
                    "of Huddersfield in January 2010; Outcome Star scores for 46 families (mean "
                    "4.1 to 6.3); data from ICS, 1 April 2008 to 31 March 2010.",
        "costs": "Senior practitioner time: 0.4 FTE (approx £18,000 a year). Training for 120 "
                 "staff: £9,500, funded by the Area Based Grant.",
    }
    assert scan(answers) == []


def test_offsets_point_at_the_match_and_labels_are_plain_english() -> None:
    text = "Mum can be reached on 07700 900123 after 6pm."
    [flag] = scan_text("impact", text)
    assert flag.field == "impact"
    assert text[flag.start:flag.end] == flag.match == "07700 900123"
    assert flag.label == "A phone number"


def test_context_is_cut_at_words_with_ellipses() -> None:
    text = ("The service began as a small pilot in one locality and was later extended to the "
            "whole authority. Mrs Patel said at the review that the worker's persistence was what "
            "finally made the difference for her and her children over the two years.")
    [flag] = scan_text("impact", text)
    assert flag.context.startswith("…") and flag.context.endswith("…")
    assert "Mrs Patel" in flag.context
    inner = flag.context.strip("…")
    assert inner == inner.strip() and inner in text  # whole words, nothing invented
    assert len(flag.context) <= 2 * 40 + len(flag.match) + 2


def test_context_has_no_ellipsis_where_the_text_ends() -> None:
    [flag] = scan_text("impact", "Mrs Patel agreed.")
    assert flag.context == "Mrs Patel agreed."


def test_context_puts_a_multi_line_answer_on_one_line() -> None:
    [flag] = scan_text("story", "Week one:\nMrs Patel\nrefused entry.")
    assert flag.context == "Week one: Mrs Patel refused entry."


def test_flag_round_trips_through_a_dict() -> None:
    [flag] = scan_text("evidence", "Jack, aged 7, was the only one who would talk to us.")
    stored = flag.to_dict()
    assert stored == {"kind": "named_child_with_age", "label": flag.label, "field": "evidence",
                      "start": 0, "end": 12, "match": "Jack, aged 7", "context": flag.context}
    assert Flag.from_dict(stored) == flag
    assert Flag.from_dict(stored | {"added_later": True}) == flag


def test_scan_reports_fields_in_the_order_asked_then_by_position() -> None:
    answers = {
        "impact": "Chloe (14) is now attending every day.",
        "context": "Mrs Patel was referred by Dr Ahmed in the spring.",
        "title": "Multi-agency chronology clinic",
        "declaration": True,  # a ticked box, not text
    }
    flags = scan(answers, fields=["context", "title", "missing", "declaration", "impact"])
    assert [(f.field, f.match) for f in flags] == [
        ("context", "Mrs Patel"), ("context", "Dr Ahmed"), ("impact", "Chloe (14)")]
    assert [f.field for f in scan(answers)] == ["impact", "context", "context"]


def test_nhs_number_needs_a_valid_check_digit() -> None:
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert _found("NHS number 943 476 5919 on file.") == [("nhs_number", "943 476 5919")]
    assert _found("NHS number 943-476-5919 on file.") == [("nhs_number", "943-476-5919")]
    assert _found("NHS number 9434765919 on file.") == [("nhs_number", "9434765919")]
    assert _found("NHS number 943 476 5918 on file.") == []


def test_overlapping_matches_keep_the_most_specific() -> None:
    # The title and name sit inside the name-with-age finding, which says more.
    assert _found("Mrs Khan, aged 34, had no contact with her own family.") == [
        ("named_child_with_age", "Mrs Khan, aged 34")]


def test_partly_overlapping_findings_of_different_kinds_are_both_kept() -> None:
    assert _found("Jack, aged 7, at St Mary's Primary, was often late.") == [
        ("named_child_with_age", "Jack, aged 7"),
        ("school_with_age", "aged 7, at St Mary's Primary")]


def test_a_whole_case_story_raises_each_detail_once() -> None:
    story = ("Mrs Patel moved with Chloe (14) to 12 Acacia Avenue, M1 1AE, in 2008. "
             "She can be reached on 07700 900123. In 2009 the team received 1,234 referrals.")
    assert [kind for kind, _ in _found(story)] == [
        "titled_name", "named_child_with_age", "address", "postcode", "phone"]


def test_empty_answers_raise_nothing() -> None:
    assert scan_text("impact", "") == []
    assert scan({}) == []
