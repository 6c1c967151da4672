"""Sixteen examples of local practice for the demo, as they were sent in after the autumn 2009
workshops: thirteen submitted between December 2009 and February 2010, three still drafts.

They are written to give screeners and the panel something to weigh, so their quality varies on
purpose: some have strong evidence (an independent evaluation, a comparison group, before and
after figures), some are promising, some too new to show impact, and a few are thin. Two carry a
titled name (a member of staff, not a family member) that the identifying-information scan
flags and the submitter confirmed, so that screeners see what a flag looks like.

Organisations are real English bodies of the time; the practice, the people and every figure are
invented. Contact telephone numbers are in the ranges Ofcom keeps for drama.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workshops.practice_form import PRACTICE_FORM

ALL_SECTIONS: tuple[str, ...] = tuple(s.key for s in PRACTICE_FORM.sections)
THEME = "Safeguarding"  # the programme's theme: the practice library groups examples by it


def _p(text: str) -> str:
    """Paragraphs as typed into the form: the source's line wrapping undone, blank lines kept."""
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in text.strip().split("\n\n"))


@dataclass(frozen=True)
class Submitter:
    name: str
    job_title: str
    organisation: str
    sector: str  # as in workshops.models.SECTORS: decides the made-up email domain
    phone: str = ""


@dataclass(frozen=True)
class EvidenceReport:
    """A short evaluation report, attached to the submission as a PDF."""

    filename: str
    title: str
    prepared_by: str
    dated: str
    paragraphs: tuple[str, ...]
    table: tuple[tuple[str, ...], ...]  # the header row first
    note: str


@dataclass(frozen=True)
class PracticeExample:
    submitter: Submitter
    # "booking": a delegate of the autumn workshop in the example's region, starting from their
    # booking; "public": someone who did not come, starting from the public page.
    via: str
    started: datetime  # London wall-clock time, as are the two below
    answers: dict[str, str]  # by practice form key; the contact section comes from `submitter`
    submitted: datetime | None = None  # None: still a draft
    last_saved: datetime | None = None  # when a draft was last worked on
    sections: tuple[str, ...] = ALL_SECTIONS  # the sections saved so far
    report: EvidenceReport | None = None

    @property
    def region(self) -> str:
        return self.answers["region"]


# --- strong evidence -------------------------------------------------------------------------

CALDERDALE_REPORT = EvidenceReport(
    filename="FGC evaluation summary June 2009.pdf",
    title="Family group conferences for parents in drug and alcohol treatment: summary of the "
          "independent evaluation",
    prepared_by="The independent evaluation team, for Calderdale Children's Trust",
    dated="June 2009",
    paragraphs=(
        "Calderdale Council offers a family group conference to families where a parent in drug "
        "or alcohol treatment has a child on a child in need or child protection plan. This "
        "summary reports the evaluation of the first 74 families, referred between January 2007 "
        "and March 2009.",
        "Method: outcomes 12 months after the conference were taken from case files for the 74 "
        "conference families (139 children) and for a comparison group of 68 families (127 "
        "children) with similar needs referred in the year before the service began. Treatment "
        "records were provided by the adult treatment service. We interviewed 22 parents, 14 "
        "relatives and 19 professionals.",
    ),
    table=(
        ("Twelve months after referral", "Conference group", "Comparison group"),
        ("Children in non-kinship care", "21%", "43%"),
        ("Children who left home and went to relatives", "31 of 60", "14 of 71"),
        ("Placements with relatives still in place", "27 of 31", "9 of 14"),
        ("Median months parents stayed in treatment", "11", "6"),
    ),
    note="The groups were not randomly allocated and the comparison group predates other "
         "changes in local practice, so part of the difference may have other causes.",
)

SANDWELL_REPORT = EvidenceReport(
    filename="Keyworker evaluation summary 2009.pdf",
    title="One named keyworker for families who disengage: evaluation summary",
    prepared_by="Independent evaluation commissioned by Sandwell Metropolitan Borough Council",
    dated="October 2009",
    paragraphs=(
        "The keyworker team works with families referred three or more times in a year who "
        "have disengaged from at least one service. This summary covers the 52 families "
        "allocated between April 2008 and September 2009.",
        "Method: we checked the team's data against the council's social care database and "
        "school records, compared outcomes with 35 families with the same referral pattern in "
        "areas of the borough without a keyworker, and interviewed 18 parents, 9 young people "
        "and 21 professionals.",
    ),
    table=(
        ("Measure", "Keyworker families", "Comparison families"),
        ("Still engaged after six months", "44 of 52 (85%)", "not measured"),
        ("Re-referred within 12 months of closure", "13%", "41%"),
        ("Change in children on child protection plans", "down 61%", "down 12%"),
        ("Parents with substance misuse starting treatment", "27 of 36", "11 of 25"),
    ),
    note="Numbers are modest and comparison families were not randomly selected; the direction "
         "of change is consistent across every measure.",
)

DEVON_REPORT = EvidenceReport(
    filename="Graded Care Profile roll-out review.pdf",
    title="The Graded Care Profile in Devon: review of the multi-agency roll-out",
    prepared_by="Independent review for the Devon Safeguarding Children Board",
    dated="September 2009",
    paragraphs=(
        "Between April 2008 and March 2009, 420 practitioners from health, education, social "
        "care and drug and alcohol services were trained to use the Graded Care Profile. This "
        "review looked at how the profile is used and what has changed.",
        "Method: board audits of 20 neglect cases every six months compared with the 2007 "
        "baseline; council performance data on referrals and plans; interviews with 26 "
        "practitioners and 8 parents; and a second practitioner re-scoring 40 profiles to check "
        "consistency.",
    ),
    table=(
        ("Measure", "Before (2007)", "After (2009)"),
        ("Neglect referrals with specific evidence about the child's care", "28%", "71%"),
        ("Neglect referrals ending in no further action", "46%", "27%"),
        ("Children on plans for neglect for more than two years", "38", "17"),
        ("Parents' views recorded where a profile was used", "35%", "80%"),
    ),
    note="Agreement between practitioners was good for physical care and safety and weaker for "
         "love and esteem; training now includes scoring exercises.",
)

CALDERDALE = PracticeExample(
    submitter=Submitter("Gurpreet Sandhu", "Family group conference service manager",
                        "Calderdale Council", "children-social-care", "01632 960184"),
    via="booking",
    started=datetime(2009, 11, 25, 10, 40),
    submitted=datetime(2009, 12, 3, 15, 5),
    report=CALDERDALE_REPORT,
    answers={
        "title": "Family group conferences for parents in drug and alcohol treatment",
        "organisation": "Calderdale Council",
        "local_authority": "Calderdale",
        "region": "yorkshire-and-the-humber",
        "partners": _p("""
            The adult drug and alcohol treatment service refers parents and attends the
            information-sharing part of each conference; health visitors and schools contribute
            reports; an independent advocacy service supports children to take part; local
            judges and Cafcass were briefed on how family plans are presented in proceedings."""),
        "theme": THEME,
        "context": _p("""
            In 2006-07, 41% of children who became looked after in Calderdale had a parent whose
            drug or alcohol use was one of the main reasons for the decision. Many went to
            foster carers they did not know, even though relatives came forward later, often
            after proceedings had started.

            Parents in treatment told us that meetings were done to them: professionals
            outnumbered family members and plans were written in language they did not
            recognise. The adult treatment service and children's social care rarely met, and
            each held a different view of the parent's progress."""),
        "what_you_did": _p("""
            In January 2007 we extended our family group conference service so that any family
            with a child on a child in need or child protection plan, where a parent is in
            treatment for drug or alcohol misuse, is offered a conference before the local
            authority considers proceedings. We follow the model developed in New Zealand and
            adapted in the UK, in three stages.

            First, an independent coordinator, who is not a social worker on the case, spends
            four to six weeks helping the family identify everyone in their network: grandparents,
            aunts and uncles, friends and, where safe, the other parent. The coordinator meets
            each of them, explains the concerns and prepares the children, who are offered an
            advocate.

            Second, at the conference, professionals share information in plain language. The
            social worker sets out the concerns and what must change; the drug or alcohol worker
            explains the parent's treatment, including the risk of relapse. Professionals then
            leave and the family has private time to make a plan. The plan must say who will do
            what to keep the children safe, including what happens if the parent relapses.

            Third, the social worker agrees the plan unless it leaves a child at risk, and a
            review conference is held after three months.

            We have two full-time coordinators, trained in substance misuse alongside the
            treatment service's staff. The treatment service has agreed that a parent's key
            worker will attend the information-sharing stage of every conference."""),
        "outcomes_aimed": _p("""
            Fewer children in families affected by substance misuse becoming looked after, and
            more of those who must leave home living with relatives they know. Quicker decisions
            about children's long-term care. Parents staying in treatment. Children and their
            wider families taking part in the decisions that affect them."""),
        "impact": _p("""
            Between January 2007 and March 2009, 74 families with 139 children had a conference.
            All 74 made a plan, and social workers accepted 69 of them. Twelve months after the
            conference the children of 52 families (70%) were living at home or with relatives.
            Of the 60 children who could not stay at home, 31 went to live with relatives,
            against about one placement in five with relatives across the authority.

            Relapse plans were the change practitioners valued most. Grandparents and other
            relatives agreed in advance to step in if a parent started using again, so a relapse
            led to a planned response rather than an emergency placement. Parents said they felt
            listened to for the first time, and treatment workers report that parents who had a
            conference were more likely to keep their appointments."""),
        "evidence": _p("""
            The service was evaluated independently by a university social work research team,
            which reported in June 2009 (summary attached). The evaluation compared the 74
            conference families with 68 families with similar needs referred in the year before
            the service began, using case file data, and interviewed 22 parents, 14 relatives
            and 19 professionals.

            Twelve months after the conference, 21% of the children in the conference group were
            in non-kinship care, against 43% in the comparison group. Placements with relatives
            were stable: 27 of 31 were still in place a year later. According to the treatment
            service's records, parents who had a conference stayed in treatment for a median of
            11 months, against 6 months in the comparison group.

            The evaluators caution that the groups were not randomly allocated and that the
            comparison group dates from before other changes in local practice, so part of the
            difference may have other causes. We now collect the same data every quarter so that
            the results can be checked over time."""),
        "costs": _p("""
            Two full-time coordinators cost £62,000 a year including on-costs; venues, travel and
            food for families £9,500 a year; independent advocacy for children £8,000 a year. The
            set-up cost, including training and the evaluation, was £24,000, funded by the
            children's trust. A conference costs about £1,100 on average. The evaluation estimated
            that avoiding one year of a non-kinship foster placement saves about £23,000."""),
        "transferability": _p("""
            The model is well established and there is a national network of coordinators, so
            training and standards are easy to find. Another area would need coordinators who are
            independent of the case-holding team, an agreement that treatment workers attend, and
            managers who will accept a family's plan unless it is unsafe. Courts need to know what
            a family group conference plan is: we briefed local judges and Cafcass.

            If we started again we would offer conferences earlier, at the child in need stage,
            rather than waiting until concerns are serious."""),
        "summary": _p("""
            Calderdale offers a family group conference to families where a parent in drug or
            alcohol treatment has a child on a child in need or child protection plan, before
            proceedings are considered. An independent coordinator brings the wider family
            together, the treatment worker explains the parent's treatment and the risk of
            relapse, and the family makes its own plan, including who steps in if the parent
            relapses. An independent evaluation of 74 families found that after a year 21% of
            the children were in non-kinship care, against 43% of a comparison group; placements
            with relatives were stable, and parents stayed in treatment longer."""),
    },
)

SANDWELL = PracticeExample(
    submitter=Submitter("Abena Boateng", "Team manager, intensive family support",
                        "Sandwell Metropolitan Borough Council", "children-social-care",
                        "0121 496 0457"),
    via="booking",
    started=datetime(2009, 12, 7, 9, 55),
    submitted=datetime(2010, 1, 12, 16, 20),
    report=SANDWELL_REPORT,
    answers={
        "title": "One named keyworker for families who repeatedly disengage from services",
        "organisation": "Sandwell Metropolitan Borough Council",
        "local_authority": "Sandwell",
        "region": "west-midlands",
        "partners": _p("""
            Health visitors from Sandwell Primary Care Trust and the community drug team share
            information with the keyworker every week; West Midlands Police alerts the team to
            domestic incidents; housing officers and schools attend the monthly
            team-around-the-family meeting."""),
        "theme": THEME,
        "context": _p("""
            An audit in 2007 of 40 families referred to children's social care four or more
            times in two years found that each family had, on average, contact with seven
            workers from five agencies, and three changes of social worker in the same period.
            Parents described telling their story again to every new worker, and many stopped
            opening the door.

            Most of the families had more than one difficulty: parental drug or alcohol misuse
            in 26, domestic abuse in 24 and parental mental ill health in 19. Cases were opened
            and closed repeatedly without lasting change."""),
        "what_you_did": _p("""
            In April 2008 we set up a team of five keyworkers, each a qualified social worker or
            an experienced family support worker, working with no more than eight families at a
            time. A family is allocated when it has been referred three or more times in 12
            months and has disengaged from at least one service. The keyworker stays with the
            family for at least 12 months, including through child protection procedures, and is
            the single point of contact for other agencies.

            The keyworker visits at least twice a week at first, including early mornings and
            evenings, when problems are most visible. A written family agreement sets out what
            must change for the children, what support the family will get and what will happen
            if things do not improve. The approach is deliberately both supportive and firm:
            keyworkers help with debts, benefits and housing while being open about their
            concerns and the local authority's powers.

            The keyworker chairs a monthly team-around-the-family meeting and keeps a single
            chronology. Other agencies route appointments through the keyworker, who goes with
            parents to their first drug treatment or mental health appointment. Keyworkers have
            fortnightly reflective supervision with a clinical psychologist as well as case
            supervision, because working with hostile and evasive families is demanding.

            We drew on the Family Intervention Project model and on research about families who
            resist help."""),
        "outcomes_aimed": _p("""
            Families engage with services for long enough to change. Fewer re-referrals within
            12 months of a case closing. Fewer children needing child protection plans or
            becoming looked after in an emergency. Parents start and stay in drug, alcohol or
            mental health treatment. Better school attendance."""),
        "impact": _p("""
            Between April 2008 and September 2009 the team worked with 52 families with 148
            children. After six months, 44 families (85%) were still engaged; before, most of
            these families had refused contact or had their cases closed within weeks. Of the 31
            families whose work has ended, 4 were re-referred within 12 months of closure,
            against 19 of the 40 families in the 2007 audit.

            Of 36 parents with drug or alcohol problems, 27 started treatment and 19 were still
            in treatment six months later. The number of children on child protection plans fell
            from 61 at allocation to 24 at closure or latest review. Nine children became looked
            after, each following a planned assessment rather than in an emergency. Attendance
            rose by an average of nine percentage points for the 64 school-age children whose
            records we hold. Parents told the evaluator that having one worker who did not give
            up on them was what made the difference."""),
        "evidence": _p("""
            Our performance team records data on every family at allocation, at six months and at
            closure, from the council's social care database, school attendance records and the
            treatment service's returns. The baseline is the 2007 audit of 40 families with the
            same referral pattern.

            In 2009 the council commissioned an independent evaluation, which checked our data,
            compared outcomes with 35 similar families in areas of the borough without a
            keyworker, and interviewed 18 parents, 9 young people and 21 professionals. It found
            re-referral within 12 months of closure of 13% for keyworker families against 41% for
            the comparison families, and a fall in child protection plans of 61% against 12%. The
            evaluation summary is attached.

            The numbers are still modest and the comparison families were not randomly selected,
            but the direction of change is the same on every measure we use."""),
        "costs": _p("""
            Five keyworkers, a half-time team manager and fortnightly psychology supervision cost
            about £245,000 a year, roughly £9,400 per family for a year's work. The set-up cost,
            including recruitment and training, was £18,000. The evaluation estimated that fewer
            re-referrals, child protection plans and emergency placements save at least as much
            as the team costs within two years."""),
        "transferability": _p("""
            The model depends on low caseloads, a keyworker who stays with the family through
            child protection procedures, and agreement from other agencies to work through the
            keyworker. Leaders need to protect the caseloads when other teams are under
            pressure. Reflective supervision from someone outside the line management chain was
            essential for staff to stay alongside hostile families.

            If we started again, we would involve adult mental health services from the
            beginning; it took a year to agree how they would work with the team."""),
        "summary": _p("""
            Sandwell gives families who have been referred repeatedly and have disengaged from
            services one named keyworker with no more than eight families, who stays with them
            for at least a year, visits often, coordinates the other agencies and is clear about
            what must change. Of 52 families, 85% were still engaged after six months. An
            independent evaluation found that 13% were re-referred within a year of closure,
            against 41% of similar families, and that child protection plans fell by 61%.
            Keyworkers have reflective supervision with a clinical psychologist."""),
    },
)

DEVON = PracticeExample(
    submitter=Submitter("Rhiannon Price", "Senior practitioner and neglect lead",
                        "Devon County Council", "children-social-care", "01632 960427"),
    via="booking",
    started=datetime(2009, 11, 27, 14, 10),
    submitted=datetime(2009, 12, 9, 11, 35),
    report=DEVON_REPORT,
    answers={
        "title": "Using the Graded Care Profile to assess neglect across universal and "
                 "specialist services",
        "organisation": "Devon County Council",
        "local_authority": "Devon",
        "region": "south-west",
        "partners": _p("""
            NHS Devon health visitors and school nurses use the profile and co-deliver the
            training; schools and children's centres complete profiles for children they know
            well; the Devon Safeguarding Children Board sets the neglect strategy and audits the
            profile's use; the drug and alcohol service uses it with parents who have
            children."""),
        "theme": THEME,
        "context": _p("""
            Neglect is the most common reason for child protection plans in Devon, as it is
            nationally. In 2007 the safeguarding board's audit found that referrals about
            neglect were often vague ("home conditions poor"), that thresholds were applied
            differently from team to team, and that cases drifted for years because each new
            worker started afresh. Parental drug or alcohol misuse was present in about a third
            of neglect cases. Practitioners in different agencies had no shared language for
            describing the care a child received."""),
        "what_you_did": _p("""
            In 2008 the safeguarding board adopted the Graded Care Profile, a published tool
            that grades the care a child receives on a five-point scale in four areas: physical
            care, safety, love and esteem. It is completed with parents, through observation and
            discussion, and shows strengths as well as concerns.

            Between April 2008 and March 2009 we trained 420 practitioners in one-day
            multi-agency courses: health visitors, school nurses, social workers, family support
            workers, children's centre staff, designated teachers and drug and alcohol workers.
            Each course was run jointly by a social worker and a health visitor. We also trained
            30 neglect champions across the agencies, who give advice and check the quality of
            profiles.

            Practitioners in universal services use the profile when they are worried about
            neglect and attach it to their referral. Children's social care completes or updates
            a profile at the start of every assessment where neglect is a concern and at each
            review of a child protection plan, so that change, or the lack of it, can be seen
            over time. Parents receive a copy and are encouraged to use it to set their own
            goals.

            The board's neglect strategy sets out these expectations, and the board audits 20
            neglect cases every six months."""),
        "outcomes_aimed": _p("""
            Clear, well-evidenced referrals about neglect from universal services. Consistent
            thresholds between teams and agencies. Earlier action where care does not improve,
            so that fewer children stay on child protection plans for neglect for more than two
            years. Parents who understand what needs to change."""),
        "impact": _p("""
            Referrals: in the board's audits, the share of neglect referrals from universal
            services that gave specific evidence about the child's care rose from 28% in 2007 to
            71% in autumn 2009. Health visitors attached a profile to 64% of their neglect
            referrals in 2009.

            Decisions: neglect referrals ending in no further action fell from 46% to 27%, which
            suggests that referrals are better targeted. The number of children on child
            protection plans for neglect for more than two years fell from 38 in March 2007 to 17
            in March 2009.

            Practice: practitioners say the profile gives them words to use with parents and
            makes it easier to show a family what has to change. In the audits, parents' views
            were recorded in 80% of cases where a profile was used, against 35% where it was
            not."""),
        "evidence": _p("""
            The safeguarding board audits 20 neglect cases every six months with a standard tool,
            and we compare the results with the baseline audit of 2007. Referral outcomes and the
            length of plans come from the council's performance data and cover every neglect
            referral in the county from April 2007 to September 2009.

            In 2009 an independent reviewer interviewed 26 practitioners and 8 parents and had a
            second practitioner re-score 40 profiles to check consistency. Agreement was good for
            physical care and safety and weaker for love and esteem (summary attached).

            We cannot attribute every change to the profile, since other changes in practice
            happened at the same time, but practitioners consistently name it as the reason their
            referrals have improved."""),
        "costs": _p("""
            Training cost £31,000 for 21 courses (trainers, venues and materials), funded by the
            safeguarding board. Neglect champions give about two hours a month each. The profile
            is free to use once practitioners are trained. The main running cost is training new
            staff, about £6,000 a year."""),
        "transferability": _p("""
            The profile is widely used and training is available. The essentials are
            multi-agency training delivered jointly by social care and health, a board-level
            neglect strategy that makes the profile the shared language, champions who check
            quality, and regular audit.

            Scoring love and esteem consistently is the hardest part, so every course now
            includes scoring exercises. If we started again we would involve adult services,
            especially drug and alcohol workers, from the start rather than in the second
            year."""),
        "summary": _p("""
            Devon's safeguarding board made the Graded Care Profile the shared tool for assessing
            neglect across health, education, social care and drug and alcohol services, trained
            420 practitioners jointly and supports them with 30 neglect champions. Profiles are
            completed with parents and repeated at reviews, so that change is visible. Audits
            show that referrals giving specific evidence about a child's care rose from 28% to
            71%, referrals ending in no further action fell from 46% to 27%, and children on
            plans for neglect for more than two years fell from 38 to 17."""),
    },
)

# --- promising -------------------------------------------------------------------------------

LEEDS = PracticeExample(
    submitter=Submitter("Helen Sutcliffe", "Practice manager", "Leeds City Council",
                        "children-social-care", "0113 496 0372"),
    via="booking",
    started=datetime(2009, 12, 1, 13, 20),
    submitted=datetime(2009, 12, 15, 10, 50),
    answers={
        "title": "Monthly multi-agency chronology clinics for children on protection plans",
        "organisation": "Leeds City Council",
        "local_authority": "Leeds",
        "region": "yorkshire-and-the-humber",
        "partners": _p("""
            NHS Leeds health visitors and school nurses bring their records to each clinic; West
            Yorkshire Police's child abuse investigation unit contributes incident data; the
            adult drug and alcohol service and head teachers attend when a child they know is
            discussed; Leeds Safeguarding Children Board funds the training."""),
        "theme": THEME,
        "context": _p("""
            Serious case reviews in the region between 2007 and 2009 found that agencies each held
            part of the picture of a child's life but nobody had put it together. In our own audit
            of 30 child protection files in 2008, only 9 had a chronology less than three months
            old, and only 4 included information from an agency other than children's social
            care.

            Families where a parent misuses drugs or alcohol were over-represented among the cases
            where concerns had drifted: short periods of improvement hid a long-term pattern of
            neglect. Social workers knew chronologies mattered but had no time to chase other
            agencies and no forum to make sense of the information together."""),
        "what_you_did": _p("""
            Since April 2008 each of our three east Leeds child protection teams has run a
            chronology clinic once a month. A social worker brings a case where a child has been
            on a plan for more than six months, or where there have been three or more referrals
            in a year. Beforehand the social worker asks each agency for its significant events
            on a single template: the date, the source and what the event meant for the child.

            The clinic lasts 90 minutes and looks at two cases. It is chaired by a practice
            manager who does not manage the case, and attended by the social worker, their team
            manager, the health visitor or school nurse and, where relevant, an officer from the
            child abuse investigation unit and the parent's drug or alcohol worker.

            The group merges the entries into one chronology, reads it aloud in date order and
            asks three questions: what patterns do we see, what has actually changed for the
            child, and what would we expect to see by now if the plan were working? The chair
            writes the answers up in no more than a page, which goes on the child's file and to
            the next core group. The social worker keeps the merged chronology up to date and it
            is reviewed at each conference.

            Before the clinics began we trained 46 staff from all agencies in half-day sessions
            built on the serious case reviews. Parents are told that a chronology is being put
            together and are invited to add events they think are important."""),
        "outcomes_aimed": _p("""
            Every child on a plan for more than six months has a multi-agency chronology less
            than three months old. Drift is recognised earlier, so that fewer children stay on a
            plan for more than two years or return to a plan within a year of it ending. Review
            conferences make better-informed decisions, including timely moves to pre-proceedings
            work where nothing has changed."""),
        "impact": _p("""
            In the 20 months to November 2009 the clinics considered 61 cases involving 112
            children. In 23 of them the analysis led to a change of plan: in 9 the local
            authority moved to the pre-proceedings stage, in 8 a service was added (most often a
            specialist substance misuse assessment), and in 6 the plan was ended safely because
            the chronology showed lasting improvement that single reports had understated.

            Practitioners say the clinic changes what they notice. One health visitor said it was
            the first time she had seen the police entries beside her own, and realised that
            every missed appointment followed an incident the night before. Team managers report
            that review conferences are shorter and more focused because the analysis is sent out
            beforehand."""),
        "evidence": _p("""
            The baseline is our 2008 audit of 30 child protection files, using the safeguarding
            board's audit tool. We repeated it in September 2009 on 30 files chosen at random
            from the three teams: 24 had a chronology less than three months old (9 before) and
            21 included information from at least two other agencies (4 before).

            We also compared the 61 clinic cases with the 58 cases open in the same teams that
            did not go to a clinic. Among clinic cases, 7% of children returned to a plan within
            a year of it ending, against 15% in the other group. The groups were not matched and
            the numbers are small, so we treat this as encouraging rather than proof.

            Feedback forms from 83 attendances rated the clinic useful or very useful in 78. We
            have not yet asked parents systematically what they think of it."""),
        "costs": _p("""
            Each clinic takes about 10 hours of staff time across the agencies, roughly £300 at
            average salary costs, or about £10,800 a year for the three teams. Training cost
            £1,900 for trainers and venues. There is no extra post: the practice managers' time
            for chairing was found by cutting other meetings. The template and audit tool are free
            to share."""),
        "transferability": _p("""
            Any area could run the clinics. What made them work for us was the safeguarding
            board's agreement that partner agencies would release staff for 90 minutes a month, a
            chair who is not the case manager, and one template, so that every agency knows what
            to send.

            If we started again we would involve adult treatment services from the beginning; it
            took a year before they came regularly. We would also ask parents for their view of
            the chronology earlier, and record it."""),
        "summary": _p("""
            Three child protection teams in Leeds hold a monthly 90-minute clinic where social
            workers, health visitors, police and the parent's drug or alcohol worker merge their
            records into one chronology for children who have been on a plan for six months or
            more. Reading events in order and asking what has changed for the child led to a
            change of plan in 23 of 61 cases, including earlier pre-proceedings work and plans
            ended safely. Files with a current multi-agency chronology rose from 9 to 24 of 30.
            Early comparisons suggest fewer children return to a plan, but the numbers are
            small."""),
    },
)

COVENTRY = PracticeExample(
    submitter=Submitter("Katarzyna Nowak", "Parenting coordinator", "Coventry City Council",
                        "children-social-care", "01632 960613"),
    via="booking",
    started=datetime(2010, 1, 11, 11, 15),
    submitted=datetime(2010, 1, 27, 14, 40),
    answers={
        "title": "Strengthening Families Programme for parents in drug and alcohol treatment",
        "organisation": "Coventry City Council",
        "local_authority": "Coventry",
        "region": "west-midlands",
        "partners": _p("""
            The adult drug and alcohol treatment service refers parents and provides a
            co-facilitator for every group; a children's centre hosts the sessions and runs a
            crèche; the youth service leads the young people's part of each session."""),
        "theme": THEME,
        "context": _p("""
            Parents in treatment for drug or alcohol misuse were often referred to general
            parenting courses but rarely finished them: of 38 parents in treatment referred to
            parenting groups in 2007-08, only 7 completed. They told us they felt judged by other
            parents, and that the courses never touched on how substance misuse affected their
            family. Our young people's service was also seeing many 10 to 14 year olds whose
            parents were in treatment and who were starting to drink or use cannabis
            themselves."""),
        "what_you_did": _p("""
            Since October 2008 we have run the Strengthening Families Programme 10-14, a group
            programme for parents and their children aged 10 to 14, adapted for families where
            a parent is in treatment. Each programme has seven weekly evening sessions of two
            hours, beginning with a family meal. Parents and young people meet separately for
            the first hour and together for the second, when they practise family activities.

            Parents' sessions cover rules and boundaries, showing love and support, and handling
            conflict; young people's sessions cover stress, peer pressure and goals for the
            future. We added a session on talking to children honestly about a parent's drug or
            alcohol use, and a session in which each family plans what they will do if the
            parent starts using again.

            Groups take up to eight families, referred by their treatment key workers. Two
            trained facilitators run each part, one of them from the treatment service. We offer
            transport and childcare for younger children, and a facilitator rings each family
            before the early sessions."""),
        "outcomes_aimed": _p("""
            More parents in treatment complete a parenting programme. Better family
            relationships, supervision and communication. Young people delay or reduce drinking
            and drug use. Parents stay in treatment."""),
        "impact": _p("""
            Five programmes have run with 34 families; 27 families (79%) came to at least five of
            the seven sessions, compared with fewer than one in five parents in treatment
            finishing general parenting courses before. Parents report clearer rules at home and
            fewer arguments, and treatment workers say that parents who took part talk more
            openly about their children.

            Two families were referred to children's social care during a programme when
            concerns came to light; the facilitators felt the trust built in the group made
            those conversations easier."""),
        "evidence": _p("""
            Parents and young people complete the programme's standard questionnaires before the
            first session and after the last. For the 27 families who completed, the average
            parenting score rose from 3.1 to 3.9 out of 5, and young people's ratings of family
            closeness also rose. Attendance comes from registers. The treatment service's records
            show 22 of the 27 completing parents still in treatment three months after the
            programme.

            There is no comparison group and no follow-up beyond three months yet; we have
            agreed a 12-month follow-up with the treatment service."""),
        "costs": _p("""
            Each programme costs about £4,200: facilitator time (four facilitators for seven
            sessions, plus planning), meals, crèche, transport and materials. Training eight
            facilitators through the national training programme cost £6,000. The children's
            centre provides the room free of charge."""),
        "transferability": _p("""
            The programme has a manual and a UK training network, so it is straightforward to
            run as designed. Locally it depends on a strong relationship with the adult treatment
            service, so that key workers refer and a worker co-facilitates, and on evening
            sessions with practical help to attend. We would set up the follow-up data collection
            earlier if we started again."""),
        "summary": _p("""
            Coventry runs the Strengthening Families Programme 10-14 for families where a parent
            is in drug or alcohol treatment, with a treatment worker as co-facilitator, a shared
            family meal and an added session on planning for relapse. Of 34 families, 79%
            completed, against fewer than one in five parents in treatment who finished general
            parenting courses before. Parenting scores improved, and 22 of 27 completing parents
            were still in treatment three months later. Longer-term follow-up is planned."""),
    },
)

WOLVERHAMPTON = PracticeExample(
    submitter=Submitter("Sanjay Mistry", "Senior practitioner, MARAC link worker",
                        "Wolverhampton City Council", "children-social-care", "0121 496 0788"),
    via="booking",
    started=datetime(2010, 1, 18, 9, 30),
    submitted=datetime(2010, 2, 4, 12, 15),
    answers={
        "title": "A children's social care link worker at the domestic abuse MARAC",
        "organisation": "Wolverhampton City Council",
        "local_authority": "Wolverhampton",
        "region": "west-midlands",
        "partners": _p("""
            West Midlands Police chairs the MARAC and shares incident data; the independent
            domestic violence advisers represent victims; health visiting, midwifery and schools
            receive notifications; the drug and alcohol service attends when either adult is
            known to it."""),
        "theme": THEME,
        "context": _p("""
            Our multi-agency risk assessment conference (MARAC) discusses victims of domestic
            abuse at the highest risk of serious harm. A review of 120 MARAC cases in 2008 found
            that 81 involved children, but children's social care had an open case for only 34
            of them, and in 19 no one at the meeting could say how many children lived in the
            household. Actions for the children were often recorded "for information" and never
            followed up. Alcohol or drug misuse was also present in many of these
            households."""),
        "what_you_did": _p("""
            In January 2009 we appointed a senior practitioner as MARAC link worker. Before each
            fortnightly MARAC she checks every case on the agenda against the children's social
            care database and the education and health records she can see, and writes a one-page
            summary for each household with children: how many children there are and their ages,
            their schools or nurseries, and any current or past involvement with services.

            At the MARAC she makes sure every household with children has at least one action for
            the children, with a named agency and a date. Afterwards she sends a standard
            notification to the health visitor or school nurse and to the designated teacher at
            each child's school, and tracks every action until it is done. Where there is concern
            about significant harm she makes the referral to the assessment team herself, the
            same day.

            She also trains MARAC representatives on the effects of domestic abuse on children and
            joins the drug and alcohol service's team meeting each quarter."""),
        "outcomes_aimed": _p("""
            Every child in a MARAC household is identified and known to the right universal
            services. Every MARAC case with children has a specific action for them, followed
            through. Earlier assessment where children are at risk of significant harm."""),
        "impact": _p("""
            In 2009 the MARAC discussed 164 cases with children, involving 301 children. The link
            worker established the number of children in every case, and every case had at least
            one action for the children, against 40% in 2008. Schools were notified about 212
            children; head teachers told us it was the first time they had been told. After the
            MARAC, 38 children were referred for assessment and 11 became subject to child
            protection plans. Actions for children were completed on time in 87% of cases."""),
        "evidence": _p("""
            The baseline is our 2008 review of 120 MARAC cases. The link worker keeps a tracking
            spreadsheet of every action, and in November 2009 the MARAC coordinator audited a
            random sample of 40 of the year's cases against it. We have questionnaire feedback
            from 22 designated teachers.

            We do not yet know whether outcomes for children have improved, for example whether
            repeat incidents have fallen; we are working with the police to match their repeat
            incident data to the cases."""),
        "costs": _p("""
            One senior practitioner post at £42,000 a year including on-costs, from the
            children's social care budget, with a contribution from the safeguarding board for
            training. No set-up cost beyond writing the templates."""),
        "transferability": _p("""
            Any area with a MARAC could do this. It needs access to social care, health and
            education records, an information-sharing agreement that covers the notifications,
            and a link worker senior enough to challenge at the meeting. We would now add a second
            worker to cover leave and sickness."""),
        "summary": _p("""
            Wolverhampton appointed a children's social care link worker to the domestic abuse
            MARAC. She checks every case for children beforehand, makes sure each household with
            children has a specific action for them, notifies health visitors and schools, and
            tracks every action to completion. In 2009 every MARAC case with children had an
            action for them, against 40% the year before; schools were told about 212 children
            and 38 children were referred for assessment. The effect on repeat incidents is not
            yet known."""),
    },
)

TORBAY = PracticeExample(
    submitter=Submitter("Mark Pearce", "Family Intervention Project manager", "Torbay Council",
                        "children-social-care", "01632 960318"),
    via="booking",
    started=datetime(2010, 1, 6, 15, 0),
    submitted=datetime(2010, 1, 21, 10, 5),
    answers={
        "title": "Family Intervention Project for families facing eviction",
        "organisation": "Torbay Council",
        "local_authority": "Torbay",
        "region": "south-west",
        "partners": _p("""
            Housing associations refer families and pause eviction proceedings while the family
            works with the project; Devon and Cornwall Police share information on antisocial
            behaviour; the drug and alcohol service offers fast-track assessment; schools and
            the youth offending team attend family reviews."""),
        "theme": THEME,
        "context": _p("""
            A small number of families in Torbay take up a large share of police, housing and
            social care time: repeated complaints of antisocial behaviour, eviction proceedings,
            children out of school, and often drug or alcohol misuse and domestic abuse. In 2007
            we identified 45 families with this pattern. Most had been offered services many
            times but rarely engaged, and each agency worked with one member of the family in
            isolation."""),
        "what_you_did": _p("""
            Our Family Intervention Project began in 2008, following the national model. Each
            family has a dedicated key worker with no more than six families, who works with the
            whole family for six to twelve months. The key worker visits several times a week
            and draws up a contract with the family setting out the changes expected, the
            support on offer and the consequences if nothing changes, such as eviction
            proceedings going ahead.

            Support is practical as well as therapeutic: routines, getting children to school,
            money, parenting, and access to drug and alcohol treatment through a fast-track
            arrangement. The key worker coordinates all the agencies involved and holds a review
            with the family and the agencies every six weeks."""),
        "outcomes_aimed": _p("""
            Less antisocial behaviour and fewer evictions. Children attending school regularly.
            Parents engaging with drug and alcohol treatment. Fewer children needing child
            protection plans."""),
        "impact": _p("""
            The project has worked with 28 families with 81 children. Of the 19 families who have
            finished, 15 had no further complaints of antisocial behaviour in the six months
            after leaving and none were evicted. Attendance improved for most of the children.
            Of 14 parents with drug or alcohol problems, 9 engaged with treatment.

            Five children became subject to child protection plans during the work, when closer
            involvement brought to light concerns no agency had known about."""),
        "evidence": _p("""
            We record outcomes for every family on entry and exit using the national Family
            Intervention Project information system, which allows comparison with projects
            elsewhere; our results are similar to the national picture. Complaints data come
            from the police and housing associations. We have not measured outcomes beyond six
            months after exit, and there is no local comparison group."""),
        "costs": _p("""
            Three key workers, a manager and running costs: about £190,000 a year, funded by the
            national Family Intervention Project grant and the council, or roughly £8,000 per
            family."""),
        "transferability": _p("""
            The national model is well documented, with an information system and a support
            network. Success locally depends on housing providers agreeing to pause evictions,
            fast-track access to treatment and small caseloads. We would build in longer
            follow-up from the start."""),
        "summary": _p("""
            Torbay's Family Intervention Project gives families facing eviction for antisocial
            behaviour, many with parental drug or alcohol misuse, a key worker who works
            intensively with the whole family for six to twelve months under a clear contract of
            support and consequences. Of 19 families who finished, 15 had no further complaints
            in the following six months, none were evicted, and 9 of 14 parents with substance
            misuse problems engaged with treatment. Longer-term outcomes are not yet known."""),
    },
)

NEWCASTLE = PracticeExample(
    submitter=Submitter("Joanne Heslop", "Practice development manager",
                        "Newcastle City Council", "children-social-care", "0191 498 0236"),
    via="public",
    started=datetime(2010, 1, 5, 10, 25),
    submitted=datetime(2010, 1, 18, 15, 45),
    answers={
        "title": "Structured reflective supervision for child protection social workers",
        "organisation": "Newcastle City Council",
        "local_authority": "Newcastle upon Tyne",
        "region": "north-east",
        "partners": _p("""
            A clinical psychologist from the local mental health trust co-delivers the training
            and leads a quarterly group consultation for each team; the safeguarding board funds
            the training."""),
        "theme": THEME,
        "context": _p("""
            Our own case reviews, and national reviews of child deaths, kept finding that workers
            had been too optimistic about families, had accepted parents' accounts without
            checking them, or had avoided visiting families who were hostile. Social workers told
            us that supervision was mostly a check of tasks and timescales, with little room to
            think about how a family made them feel or what they might be missing. Staff turnover
            in our child protection teams was 24% in 2007-08."""),
        "what_you_did": _p("""
            From April 2008 we introduced structured supervision for all social workers and team
            managers in our child protection teams, drawing on Tony Morrison's integrated model.
            Supervision follows a four-stage cycle: the worker's experience of the case, their
            reflection on it (including feelings such as fear, hope or frustration), analysis of
            what it means for the child, and a plan. Every session must take at least one case,
            chosen by the worker, through the whole cycle.

            All 14 team managers had three days' training, with follow-up workshops after three
            and six months. Supervision is monthly, for at least 90 minutes, and is recorded on a
            template that captures the reflective discussion as well as the decisions. Team
            managers receive reflective supervision themselves, and each team has a quarterly
            consultation with a clinical psychologist on its most worrying cases, particularly
            those with hostile or evasive parents."""),
        "outcomes_aimed": _p("""
            Social workers who recognise and challenge disguised compliance and their own
            over-optimism. Clear analysis of the risk to the child in case records. Workers who
            feel supported to keep visiting hostile families. Lower staff turnover."""),
        "impact": _p("""
            A 2009 audit of supervision records found reflective discussion of at least one case
            in 78% of records, against 12% in 2007. Workers say supervision now helps them think,
            and several described changing their assessment of a family after talking through how
            the parents made them feel. Turnover in the child protection teams fell to 13% in
            2008-09. In the council's quarterly audits, the analysis in core assessments moved
            from mostly adequate to good in just over half of the assessments audited."""),
        "evidence": _p("""
            We audited 50 supervision records before (2007) and after (2009) the change against
            the same criteria. We also have the annual staff survey for 2007, 2008 and 2009 (86
            staff), turnover figures from human resources and the quarterly quality audits of
            core assessments.

            We have no direct measure of outcomes for children yet and are looking at how to link
            the quality of supervision to what happens in cases."""),
        "costs": _p("""
            Training for 14 managers cost £12,500 and the psychologist's consultation about £7,000
            a year. The main cost is managers' time: 90 minutes a month for each worker, more
            than most teams gave before."""),
        "transferability": _p("""
            The model is published and training can be bought in. It needs senior managers to
            protect supervision time when teams are busy, and support for the supervisors
            themselves. If we started again we would train every manager in the service, not only
            those in child protection."""),
        "summary": _p("""
            Newcastle introduced structured reflective supervision for child protection social
            workers: a four-stage cycle of experience, reflection, analysis and plan, trained
            managers, monthly 90-minute sessions and a quarterly consultation with a clinical
            psychologist on the most worrying cases. Reflective discussion now appears in 78% of
            supervision records, up from 12%; staff turnover fell from 24% to 13%; and the
            quality of analysis in assessments improved. Effects on children's outcomes have not
            yet been measured."""),
    },
)

# --- too new to show impact ------------------------------------------------------------------

ISLINGTON = PracticeExample(
    submitter=Submitter("Daniel Okonkwo", "Substance misuse specialist practitioner",
                        "London Borough of Islington", "children-social-care", "020 7946 0815"),
    via="public",
    started=datetime(2010, 2, 1, 14, 30),
    submitted=datetime(2010, 2, 9, 11, 20),
    answers={
        "title": "Substance misuse specialists working inside children's social care teams",
        "organisation": "London Borough of Islington",
        "local_authority": "Islington",
        "region": "london",
        "partners": _p("""
            Adult drug and alcohol treatment services second two workers to the council and
            provide their clinical supervision; the primary care trust funds one of the
            posts."""),
        "theme": THEME,
        "context": _p("""
            More than half of the families on child protection plans in the borough include a
            parent who misuses drugs or alcohol. Social workers told us they did not feel
            skilled to assess substance misuse, and referrals to adult treatment services could
            take weeks to be picked up. Treatment services, for their part, rarely knew that a
            client's children were on a plan."""),
        "what_you_did": _p("""
            Since July 2009 two experienced drug and alcohol workers, seconded from adult
            treatment services, have been based in our children in need and child protection
            teams. They make joint home visits with social workers, carry out specialist
            assessments of parents' substance use (including drug testing where agreed), and
            advise at strategy meetings and conferences. They offer brief interventions to
            parents who are not yet ready for treatment, refer directly to treatment services and
            go with the parent to the first appointment. They also run monthly training for
            social workers on substance misuse, including how to talk to parents about their
            use."""),
        "outcomes_aimed": _p("""
            Quicker, better-informed assessments of parental substance misuse. More parents
            starting treatment, and sooner. Social workers more confident about substance misuse.
            Better joint working between children's and adult services."""),
        "impact": _p("""
            In the first six months the workers were involved with 71 families. The average time
            from a social worker's concern to a specialist assessment fell from about five weeks
            to eight days, and 29 parents started treatment. Social workers report more
            confidence in talking to parents about their use. It is too early to see any effect
            on children's plans."""),
        "evidence": _p("""
            We record time to assessment and entry to treatment for every family and will compare
            them with a sample of 2008 cases drawn from case files. Forty social workers completed
            a survey at the start, which we will repeat after a year. The figures so far cover
            six months only."""),
        "costs": _p("""
            Two full-time seconded posts at about £38,000 each including on-costs, funded jointly
            by children's services and the primary care trust. Drug testing costs about £3,000 a
            year."""),
        "transferability": _p("""
            Any authority could second workers from its adult treatment services, but it needs an
            agreement between commissioners, clear arrangements for clinical supervision and
            information sharing, and desks within the teams. We will know more about the impact
            after a full year."""),
        "summary": _p("""
            Islington has placed two experienced drug and alcohol workers, seconded from adult
            treatment services, in its children in need and child protection teams. They make
            joint visits, assess parents' substance use, advise at conferences and help parents
            into treatment. In the first six months, the time from concern to specialist
            assessment fell from about five weeks to eight days and 29 parents started treatment.
            Effects on children's plans will be assessed after a year."""),
    },
)

SHEFFIELD = PracticeExample(
    submitter=Submitter("Declan Murphy", "Education welfare officer", "Sheffield City Council",
                        "children-social-care", "0114 496 0291"),
    via="booking",
    started=datetime(2010, 2, 3, 16, 5),
    submitted=datetime(2010, 2, 11, 9, 40),
    answers={
        "title": "School-based groups for pupils affected by a parent's drinking or drug use",
        "organisation": "Sheffield City Council",
        "local_authority": "Sheffield",
        "region": "yorkshire-and-the-humber",
        "partners": _p("""
            Two secondary schools host the groups and release a learning mentor; the young
            people's substance misuse service co-facilitates; school nurses help identify pupils;
            a young carers project offers holiday activities."""),
        "theme": THEME,
        "context": _p("""
            Pastoral staff told us they often knew or suspected that a pupil's parent was
            drinking heavily or using drugs, but did not know what to do with that unless it
            reached the threshold for a referral. Pupils themselves rarely raised it. Some were
            looking after younger brothers and sisters, arriving late or tired, or missing school
            to care for a parent. Most of these children are not known to children's social care,
            and our local young carers project had only two referrals from secondary schools in
            2008."""),
        "what_you_did": _p("""
            In September 2009 we started an eight-week group in two secondary schools for pupils
            in Years 8 to 10 affected by a parent's or carer's drinking or drug use. Pastoral
            staff or school nurses refer pupils, or pupils refer themselves after an assembly
            about young carers. Each group has up to eight pupils and meets for 50 minutes at
            lunchtime, run by a learning mentor and a worker from the young people's substance
            misuse service.

            Sessions cover what addiction is and why it is not the child's fault, keeping safe
            (including what to do if a parent is unconscious or there is violence at home),
            managing feelings, and who to talk to. Each pupil makes a safety plan and names one
            trusted adult in school. Parents are told about the group unless that would put the
            pupil at risk, when the designated teacher decides with the pupil. Disclosures of
            harm follow the usual child protection procedures, which the facilitators explain at
            the start of every group."""),
        "outcomes_aimed": _p("""
            Pupils understand their parent's substance misuse and know it is not their fault.
            Every pupil has a safety plan and a trusted adult in school. Better attendance and
            punctuality. Earlier identification of pupils who need children's social care or the
            young carers project."""),
        "impact": _p("""
            The first two groups finished in November 2009 with 13 pupils, 12 of whom came to at
            least six sessions. It is too early to say whether attendance or wellbeing have
            improved. During the first term three pupils were referred to children's social care
            after disclosures in the group, and five to the young carers project. Pastoral staff
            say they now feel more confident to ask pupils about home."""),
        "evidence": _p("""
            Pupils complete a short questionnaire before and after the group on their
            understanding of addiction, who they would talk to and how they feel; we have not
            analysed the results yet. We are collecting each pupil's attendance for the terms
            before and after the group and will compare them at the end of the school year. There
            is no comparison group."""),
        "costs": _p("""
            Learning mentor time (about two hours a week in each school), four hours a week of
            substance misuse worker time in total, and £300 per group for materials and
            refreshments. Set-up cost was a day's training for the facilitators, given by the
            substance misuse service."""),
        "transferability": _p("""
            Any secondary school with a learning mentor or pastoral worker could run the group
            with a local young people's substance misuse service. It needs a supportive
            designated teacher and clear agreement on handling disclosures. We will know more
            after a full year."""),
        "summary": _p("""
            Two Sheffield secondary schools run an eight-week lunchtime group for pupils affected
            by a parent's drinking or drug use, led by a learning mentor and a young people's
            substance misuse worker. Pupils learn about addiction, make a safety plan and name a
            trusted adult. The first 13 pupils finished in November 2009; three were then
            referred to children's social care and five to a young carers project. Effects on
            attendance and wellbeing will be measured at the end of the school year."""),
    },
)

CORNWALL = PracticeExample(
    submitter=Submitter("Tamsin Rowe", "Project worker", "Action for Children", "voluntary",
                        "01632 960552"),
    via="booking",
    started=datetime(2010, 2, 8, 13, 45),
    submitted=datetime(2010, 2, 16, 16, 10),
    answers={
        "title": "Peer support group for young carers whose parents misuse alcohol",
        "organisation": "Action for Children",
        "local_authority": "Cornwall",
        "region": "south-west",
        "partners": _p("""
            Cornwall Council's young carers service refers children and pays for transport;
            school learning mentors identify pupils; the adult alcohol service tells parents
            about the group."""),
        "theme": THEME,
        "context": _p("""
            Many children in Cornwall who look after a parent with an alcohol problem do not see
            themselves as young carers, and services are spread thinly across a large rural
            county. Children referred to the young carers service because of a parent's drinking
            were less likely than other young carers to come to its general activities; several
            told us they did not want other children to know why they were there."""),
        # The one titled name is a member of school staff, which the submitter confirmed: it
        # shows screeners a flag that is not a family member.
        "what_you_did": _p("""
            In September 2009 we started a fortnightly after-school group in two towns for
            children aged 8 to 13 whose parent misuses alcohol. Each group takes up to ten
            children and runs for two hours, with transport provided. Sessions mix activities and
            games with work, pitched at the children's ages, on understanding alcohol problems,
            feelings, keeping safe and who to talk to. Children can join at any time.

            At one school the learning mentor, Mrs Trevaskis, co-runs the group, which has helped
            children who were anxious about coming. A worker visits each family at home before a
            child starts, and parents are invited to a coffee morning once a term."""),
        "outcomes_aimed": _p("""
            Children understand that their parent's drinking is not their fault, feel less alone
            and know how to keep safe. Children who need more help are identified earlier.
            Parents are encouraged to seek treatment."""),
        "impact": _p("""
            It is too early to describe impact. Fifteen children have come to at least three
            sessions since September. Several parents asked for information about alcohol
            services after the coffee mornings."""),
        "evidence": _p("""
            Children complete a simple "how I feel" scale when they join and every three months;
            the first follow-up was in December and we are analysing it now. We record attendance
            and any referrals that follow. We will ask children and parents for their views at
            the end of the school year."""),
        "costs": _p("""
            About £14,000 a year for a part-time worker (18 hours a week), transport, room hire
            and activities, funded for two years by a charitable trust."""),
        "transferability": _p("""
            The group could run anywhere with a young carers service and school partners; in
            rural areas transport is essential. We will know more about what works after the
            first year."""),
        "summary": _p("""
            Action for Children runs a fortnightly after-school group in two Cornish towns for
            children aged 8 to 13 whose parent misuses alcohol, with transport, activities and
            work on understanding drinking, feelings and safety. Fifteen children have come
            regularly since September 2009. Early measures of wellbeing are being collected."""),
    },
)

# --- thin ------------------------------------------------------------------------------------

WALSALL = PracticeExample(
    submitter=Submitter("Lisa Hodgson", "Safeguarding training coordinator", "Walsall Council",
                        "lscb"),
    via="booking",
    started=datetime(2009, 12, 14, 11, 0),
    submitted=datetime(2009, 12, 14, 11, 40),
    answers={
        "title": "Neglect advice surgeries for schools",
        "organisation": "Walsall Council",
        "local_authority": "Walsall",
        "region": "west-midlands",
        "partners": "",
        "theme": THEME,
        "context": "Schools told us they were worried about neglect but were not sure when to "
                   "refer.",
        "what_you_did": "We hold a monthly advice surgery at the teachers' centre where "
                        "designated teachers can talk through any concerns about neglect with an "
                        "experienced social worker. We also gave out a leaflet on neglect.",
        "outcomes_aimed": "Better referrals from schools.",
        "impact": "The surgeries have been well attended and schools say they find them "
                  "helpful.",
        "evidence": "Attendance registers and positive comments from teachers.",
        "costs": "Social worker time, one afternoon a month.",
        "transferability": "Easy to do anywhere.",
        "summary": "Monthly neglect advice surgeries for designated teachers in Walsall with an "
                   "experienced social worker.",
    },
)

SOMERSET = PracticeExample(
    submitter=Submitter("Paul Bennett", "Named nurse for safeguarding children", "NHS Somerset",
                        "health"),
    via="booking",
    started=datetime(2010, 1, 28, 16, 30),
    submitted=datetime(2010, 1, 29, 9, 15),
    answers={
        "title": "Telling GPs about pre-birth assessments",
        "organisation": "NHS Somerset",
        "local_authority": "Somerset",
        "region": "south-west",
        "partners": "GPs, community midwives and children's social care.",
        "theme": THEME,
        "context": "GPs were often not told when an unborn baby was the subject of a pre-birth "
                   "assessment, especially where the mother was using drugs.",
        # The second titled name: a GP lead, confirmed by the submitter as not a family member.
        "what_you_did": _p("""
            We agreed with midwives and children's social care that the GP is told in writing
            whenever a pre-birth assessment starts. Dr Ashworth, the GP lead for safeguarding,
            wrote to every practice to explain the new process. The letter is scanned onto the
            mother's record."""),
        "outcomes_aimed": "GPs know about safeguarding concerns before a baby is born and can "
                          "contribute to the assessment.",
        "impact": "GPs now receive the letters and some have come to pre-birth conferences.",
        "evidence": "We have not collected data yet. A few GPs have said it is helpful.",
        "costs": "Very little: administrative time.",
        "transferability": "Any primary care trust could do this.",
        "summary": "Somerset GPs are told in writing whenever a pre-birth assessment starts, so "
                   "that they can contribute to it.",
    },
)

# --- drafts still in progress ----------------------------------------------------------------

BRADFORD = PracticeExample(
    submitter=Submitter("Farhana Hussain", "Specialist health visitor, substance misuse",
                        "Bradford District Care Trust", "health", "01632 960905"),
    via="booking",
    started=datetime(2010, 1, 19, 12, 50),
    last_saved=datetime(2010, 2, 8, 17, 25),
    sections=("about", "contact", "practice"),
    answers={
        "title": "Specialist health visiting for babies of parents who use drugs",
        "organisation": "Bradford District Care Trust",
        "local_authority": "Bradford",
        "region": "yorkshire-and-the-humber",
        "partners": "Specialist midwives refer during pregnancy; the community drug team shares "
                    "treatment information; children's centres offer groups.",
        "theme": THEME,
        "context": _p("""
            Babies born to mothers who use heroin or crack cocaine are among the most vulnerable
            children we see. Many are born early or withdraw after birth, and their parents often
            miss appointments with universal health visiting. In 2008 more than a third of these
            babies in our area missed their new birth visit or their six-to-eight-week
            check."""),
        # Left part-written, as a draft is.
        "what_you_did": _p("""
            Since January 2009 two specialist health visitors have each held a caseload of up to
            25 families where a parent is in treatment for drug use, from 28 weeks of pregnancy
            until the child is two. They visit at least fortnightly and"""),
        "outcomes_aimed": "",
    },
)

STAFFORDSHIRE = PracticeExample(
    submitter=Submitter("Andrew Rowley", "Early intervention coordinator",
                        "Staffordshire County Council", "children-social-care", "01632 960771"),
    via="booking",
    started=datetime(2010, 2, 10, 14, 5),
    last_saved=datetime(2010, 2, 10, 14, 20),
    sections=("about", "contact"),
    answers={
        "title": "Common Assessment Framework champions in primary schools",
        "organisation": "Staffordshire County Council",
        "local_authority": "Staffordshire",
        "region": "west-midlands",
        "partners": "",
    },
)

HULL = PracticeExample(
    submitter=Submitter("Kiran Shah", "Service manager, children's social care",
                        "Hull City Council", "children-social-care", "01632 960246"),
    via="booking",
    started=datetime(2010, 1, 27, 10, 10),
    last_saved=datetime(2010, 2, 18, 16, 40),
    sections=("about", "contact", "practice", "difference"),
    answers={
        "title": "Multi-agency panel for families who repeatedly disengage",
        "organisation": "Hull City Council",
        "local_authority": "Kingston upon Hull",
        "region": "yorkshire-and-the-humber",
        "partners": "Humberside Police, health visiting, the drug and alcohol service, housing "
                    "and schools each send a named manager to the monthly panel.",
        "theme": THEME,
        "context": _p("""
            A small number of families in the city are referred again and again but never engage
            for long: parents miss appointments, refuse entry or agree to plans that are never
            carried out. Our 2008 audit found that 23 families accounted for 14% of all
            re-referrals to children's social care."""),
        "what_you_did": _p("""
            Since May 2009 a monthly panel of managers from six agencies has reviewed families
            whose cases have been closed and reopened at least three times in two years. The
            panel agrees one lead professional, a single plan and the message every agency will
            give the family about what must change. Families stay on the panel's list until
            there has been six months of sustained change."""),
        "outcomes_aimed": "Fewer re-referrals; the same message from every agency; earlier "
                          "decisions about proceedings where nothing changes.",
        "impact": "So far the panel has considered 19 families. In 7 the plan led to sustained "
                  "engagement; in 4 the local authority began pre-proceedings work.",
        "evidence": "",
    },
)

# Submitted first to last, then the drafts: the order the demo replays them in.
PRACTICE: tuple[PracticeExample, ...] = (
    CALDERDALE, DEVON, LEEDS, WALSALL, SANDWELL, NEWCASTLE, TORBAY, COVENTRY, SOMERSET,
    WOLVERHAMPTON, ISLINGTON, SHEFFIELD, CORNWALL, BRADFORD, HULL, STAFFORDSHIRE,
)
