"""The tables behind `feedback.demo`: the autumn 2009 series, its venues and what delegates wrote.

The series launched an earlier knowledge review on the same Safeguarding theme as the core demo's
spring 2010 series, so that a demo has a workshop that has already happened: evaluated, with
practice sent in afterwards. Venues are real conference venues of 2009, in three regions and
different from the 2010 ones; speakers are invented people. The practice examples themselves
are in `feedback.demo_practice`.
"""

from __future__ import annotations

from datetime import date

from workshops.demo_data import PRACTICE_1, PRACTICE_2, RegionalWorkshop, VenueData

SERIES = {
    "slug": "parental-substance-misuse",
    "title": "Children living with parental substance misuse",
    "review_title": "Improving outcomes for children living with parental substance misuse",
    "description": """\
A free one-day workshop in three regions to launch the knowledge review on improving outcomes
for children whose parents misuse drugs or alcohol.

The day is for **practitioners and managers in children's and adult services alike**: social
workers, health visitors, midwives, school staff, police officers, drug and alcohol workers and
the voluntary sector. The review's central message is that children's services and adult
treatment services need each other, so please come with a colleague from the other side if you
can.

At the workshop you will:

- hear what the research says about the effects of parental drug and alcohol misuse on
  children, and what helps, from one of the review's authors;
- work through the review's messages with practitioners from across your region;
- find out how to put forward your own **validated local practice**, using the form in your
  delegate pack.

Lunch and refreshments are provided. Please cancel through your booking link if you can no
longer come, so that someone on the waiting list can have your place.
""",
}

KEY_MESSAGES = """\
## Key messages

### The children behind the statistics
National estimates, such as those in the Advisory Council on the Misuse of Drugs' *Hidden Harm*
report, put the number of children living with a parent who has a serious drug problem in the
hundreds of thousands, and far more live with a parent who drinks harmfully. Most of these
children are not known to children's social care. Many are known to schools, health visitors,
GPs and adult treatment services, which is where the chance to help them first arises.

### How parental substance misuse affects children
Drug or alcohol misuse does not always mean that a child is harmed, but it can shape every part
of a child's life:

- **before birth**, through exposure in pregnancy and, for some babies, withdrawal after birth;
- **in daily care**, when routines, meals, supervision and school attendance depend on whether
  a parent is using;
- **emotionally**, through unpredictability, secrecy, shame and, for many children, caring for
  a parent or younger brothers and sisters;
- **through what comes with it**: substance misuse seldom comes alone. Domestic abuse, mental ill
  health, debt and poor housing often come with it, and together they sharply raise the risk to
  the child.

### What helps
- **Ask about the children.** Adult treatment services should know whether their clients have
  children, who looks after them, and what happens to them when the parent is using.
- **Look at the child, not only the parent's treatment.** A clean drug test or a kept appointment
  is good news, but the measure of progress is what has changed for the child.
- **Work across the divide.** Joint assessments, shared plans and treatment workers at core
  groups and conferences help children's and adult services see the same family.
- **Plan for relapse.** Recovery is rarely a straight line. Plans should say in advance who will
  keep the child safe if a parent starts using again.
- **Hear children directly.** Children often know more than adults think and want someone to
  talk to. Young carers' services and school-based support can reach them early.
- **Support the wider family.** Grandparents and other relatives often step in; they need
  information, practical help and sometimes financial support.
- **Keep a long view.** Chronologies show patterns of improvement and relapse that single
  incidents hide, and help practitioners act before drift sets in.

### Your part
If your service has helped children in these families, and can show the difference it made,
tell us about it on the validated local practice form in your pack: what you did, what impact
it made and how you know.
"""

# The review's authors for this series; the validated local practice team is the programme's
# own and the same as in spring 2010.
AUTHOR_A = "Dr Fiona Treharne, lead author of the review"
AUTHOR_B = "Professor Kamal Siddiqui, co-author of the review"

WORKSHOPS: tuple[RegionalWorkshop, ...] = (
    RegionalWorkshop(
        region="yorkshire-and-the-humber", day=date(2009, 11, 10), capacity=50, fill=0.86,
        venue=VenueData(
            "National Railway Museum", "Leeman Road", "York", "YO26 4XJ",
            "The conference rooms are reached by lift from the museum's main entrance on Leeman "
            "Road, and the museum is step-free throughout, with accessible toilets near the "
            "conference rooms. A portable induction loop is available. York station is a "
            "five-minute walk; the museum's pay-and-display car park has blue-badge bays."),
        chair="Margaret Lowther, Independent Chair, North Yorkshire Safeguarding Children Board",
        presenter=AUTHOR_A, practice=PRACTICE_1,
        panel=("Detective Sergeant Karen Holroyd, North Yorkshire Police",
               "Dr Samuel Achebe, Consultant in Addiction Psychiatry, Leeds Partnerships NHS "
               "Foundation Trust",
               "Bev Sowerby, Hidden Harm Coordinator, Kirklees Council")),
    RegionalWorkshop(
        region="west-midlands", day=date(2009, 11, 12), capacity=60, fill=0.8,
        venue=VenueData(
            "Ricoh Arena", "Phoenix Way", "Coventry", "CV6 6GE",
            "The conference suites are on the first floor, reached by lift from the main "
            "reception, with accessible toilets on the same floor and an induction loop in the "
            "main suite. Parking on site is free, with blue-badge bays beside the entrance. "
            "Taxis from Coventry station take about fifteen minutes."),
        chair="Rajinder Dhillon, Head of Safeguarding, Coventry City Council",
        presenter=AUTHOR_B, practice=PRACTICE_2,
        panel=("Detective Inspector Gavin Price, West Midlands Police",
               "Yvonne Clarke, Specialist Midwife for Substance Misuse, University Hospitals "
               "Coventry and Warwickshire NHS Trust",
               "Marcus Doyle, Family Services Manager, Addaction")),
    RegionalWorkshop(
        region="south-west", day=date(2009, 11, 19), capacity=45, fill=0.82,
        venue=VenueData(
            "Sandy Park Conference Centre", "Sandy Park Way", "Exeter", "EX2 7NN",
            "All conference rooms are step-free from the main entrance, with a lift to the "
            "upper floor, accessible toilets on both floors and an induction loop in the main "
            "suite. Free parking on site, including blue-badge bays, next to junction 30 of the "
            "M5. Digby and Sowton station is about fifteen minutes' walk."),
        chair="Jenny Pascoe, Chair, Devon Safeguarding Children Board",
        presenter=AUTHOR_A, practice=PRACTICE_1,
        panel=("Detective Sergeant Rob Trewin, Devon and Cornwall Police",
               "Dr Hilary Moss, Designated Doctor for Child Protection, NHS Devon",
               "Sally Chapple, Young Carers Service Manager, Cornwall Council")),
)

PROGRAMME = """\
9:30 | Registration and coffee
10:00 | Welcome and introductions – {chair}
10:15 | Children living with parental substance misuse: what the review found – {presenter}
11:00 | Questions on the findings
11:15 | Coffee
11:30 | Validated local practice: what the panel looks for, and how to submit your own practice \
with the form in your delegate pack – {practice}
12:00 | Workshop discussions: seeing the child behind the parent's treatment plan
12:45 | Lunch
13:30 | Workshop discussions: joint working between adult treatment services and children's \
services
14:30 | Panel question and answer session – {panel}
15:45 | Summary, evaluation forms and next steps
16:00 | Close"""

# What delegates wrote on the evaluation form. Each comment is used once at most, so that no two
# people wrote the same words; venue remarks go only to the workshop they are about.
DO_DIFFERENTLY = (
    "Ask every parent in treatment about their children: who they are, who looks after them and "
    "what happens to them when the parent is using. And write it down.",
    "Start a proper chronology for the two families on my caseload where drink keeps coming up, "
    "and share it with the health visitor.",
    "Talk to the children themselves about what happens at home when a parent has been "
    "drinking, instead of relying on the parents' account.",
    "Invite the drug service key worker to core group meetings as a matter of course. I had "
    "never thought of doing it.",
    "Stop treating a clean drug test as the end of the story. I will ask what is different for "
    "the child.",
    "Use the review summary at our next team meeting and look at how we record substance misuse "
    "in assessments.",
    "Contact our young carers service. I did not know they worked with children of parents who "
    "drink.",
    "Plan for relapse from the start rather than treating it as a failure when it happens.",
    "Make sure grandparents who are looking after children know what support they can ask for.",
    "Challenge more when a parent says the drinking is under control and there is no evidence "
    "either way.",
    "Look again at our pre-birth referral pathway with the specialist midwife.",
    "Share the key messages with our school's pastoral team. We see these children every day "
    "and often miss it.",
    "Use supervision to talk about how these families make me feel, not just about tasks and "
    "timescales.",
    "Put forward our family group conference work as validated practice. I think we have the "
    "figures.",
    "Check whether our adult treatment service's assessment asks about children at all.",
    "Make sure that children present at drug-related incidents are recorded and passed on to "
    "children's social care.",
    "Ask about fathers and partners as well as mothers.",
    "Read the full review, not just the summary, and pass it round the team.",
)

COULD_BE_BETTER = (
    "More time for the group discussions; the morning felt rushed.",
    "The slides were hard to read from the back of the room.",
    "More on what works with fathers. Almost everything was about mothers.",
    "A copy of the slides in the pack would have saved a lot of frantic note-taking.",
    "More about alcohol. Most examples were about heroin and crack, but alcohol is what we see "
    "most.",
    "Less research detail and more practical examples from other local authorities.",
    "I would have liked a session on talking to children directly.",
    "The afternoon overran and I had to leave before the panel.",
    "Social care dominated the table discussions; more health and school staff would have "
    "helped.",
    "Some of the panel answers were too general.",
    "It would help to have the practice form sent out electronically before the day.",
)

VENUE_REMARKS: dict[str, tuple[str, ...]] = {
    "yorkshire-and-the-humber": (
        "The room got very warm after lunch.",
        "Signs from the station to the conference entrance could be clearer.",
    ),
    "west-midlands": (
        "The arena is hard to reach by public transport. A shuttle from the station would help.",
        "The room was too big for the numbers and the sound was poor at the back.",
        "Lunch was served a long way from the workshop room.",
    ),
    "south-west": (
        "Good venue, but a long way to come from west Cornwall without a car.",
        "The lunch queue was very long.",
    ),
}

COMMENTS = (
    "One of the most useful days I have been to this year. Thank you.",
    "Very good to meet colleagues from other agencies across the region.",
    "The review summary is excellent and I will use it with students on placement.",
    "Please run something similar for foster carers and kinship carers.",
    "The presenter clearly knew the research and answered questions honestly.",
    "A good mix of research and practice.",
    "I hope the validated practice will be easy to find online.",
    "Well organised and the pack was very useful.",
)
