"""The tables behind `workshops.demo`: the 2010 safeguarding series, its venues and delegates.

Everything here is written for the demo. Venues are real conference venues of 2010; speakers and
delegates are invented people; organisations are real English bodies of the time. Every email
address the demo makes is under the reserved `.example` top-level domain, so nobody is mailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

THEME = {"slug": "safeguarding", "name": "Safeguarding"}

ORGANISER_EMAIL = "organiser@workshops.example"

SERIES = {
    "slug": "highly-resistant-families",
    "title": "Protecting children in highly resistant families",
    "review_title": (
        "Effective practice to protect children living in ‘highly resistant’ families"
    ),
    "description": """\
A free one-day workshop in each of England's nine regions to launch the new knowledge review on
protecting children whose families resist, evade or only appear to accept help.

The day is for **everyone who works to keep children safe**: local-authority children's social
care, health, police, schools, the voluntary sector and safeguarding-board staff. Bring a
colleague from another agency if you can; the discussions work best when several services are at
the table.

At the workshop you will:

- hear the review's findings from one of its authors;
- discuss, with practitioners from across your region, what helps when a family will not engage;
- learn how to put forward your own **validated local practice**, using the form in your
  delegate pack, so that what works in your area can inform the next review.

Lunch and refreshments are provided. Places are limited, so please book only if you can attend
and cancel through your booking link if your plans change.
""",
}

KEY_MESSAGES = """\
## Key messages

### Who the review is about
The review looks at families where children are, or may be, suffering significant harm and the
adults around them keep services at arm's length, or appear to go along with plans while nothing
changes for the child. “Resistance” describes a pattern in the working relationship, not a
label for a family, and it can coexist with real love for the children.

### What resistance looks like
The research describes a spectrum rather than one behaviour:

- **Ambivalence**: parents who want help one week and refuse it the next, often because accepting
  it means facing something painful or frightening.
- **Denial or avoidance**: missed appointments, closed doors, minimising injuries or neglect, or
  moving home and changing services.
- **Disguised compliance**: the most difficult to spot. Parents cooperate on the surface, tell
  workers what they want to hear and complete the visible tasks, so that attention drifts away
  from the child's actual experience. Judge progress by change in the child's life, not by
  attendance or agreement.
- **Violence or hostility**: threats, intimidation or aggression towards workers, which can leave
  practitioners frightened, avoiding visits or unconsciously taking the family's side.

### Circumstances that often come together
Many of these families live with several difficulties at once: domestic abuse, parental substance
misuse, mental ill health, learning disability, poverty and poor housing. Many parents had harmful
childhoods and long, unhappy histories with services, which colours how they see the next worker
to knock on the door.

### What helps practitioners
- **Keep the child in view.** See children on their own, listen to them and ask what a day in
  their life is like. Plans should be measured against what changes for the child.
- **Build a multi-agency chronology.** Single incidents can each look minor. A shared, up-to-date
  chronology from every agency shows patterns of harm, drift and repeated “fresh starts” that no
  single service can see.
- **Use reflective supervision.** Working with hostility and deception affects judgement.
  Regular supervision that asks how the worker feels, what they are afraid of and what they may
  not be seeing is a safeguard, not a luxury.
- **Offer a dependable long-term relationship.** Families who have been let down respond best to
  one consistent, honest worker who stays long enough to be trusted, is clear about concerns and
  authority, and still shows warmth and respect.
- **Be clear and act on evidence.** Explain what must change, by when and what will happen if it
  does not, then follow through. Authoritative practice is both firm and fair.
- **Look after the workforce.** Manageable caseloads, safe arrangements for visits and managers
  who take reported fear seriously make it possible to stay alongside these families.

### The questions the review set out to answer
1. What forms does resistance take, and how does it show itself?
2. What are the circumstances and characteristics of these families?
3. What challenges do they raise for practice?
4. Which services, treatments and interventions are effective?

### Your part
Research tells only part of the story. If your service has helped a resistant family make lasting
change and you can show the difference it made, tell us about it on the validated local practice
form in your pack: what you did, what impact it made and how you know.
"""


@dataclass(frozen=True)
class VenueData:
    name: str
    address: str
    town: str
    postcode: str
    access_info: str


@dataclass(frozen=True)
class RegionalWorkshop:
    region: str
    day: date
    capacity: int
    # Share of places confirmed: a fraction, or "full" / "nearly-full".
    fill: float | str
    venue: VenueData
    chair: str  # "Name, role" for each speaker
    presenter: str
    practice: str
    panel: tuple[str, ...]


# The review's authors share the launch tour; the research partner's practice team explains VLP.
AUTHOR_A = "Dr Ruth Okonjo, lead author of the review"
AUTHOR_B = "Dr Martin Fairbairn, co-author of the review"
AUTHOR_C = "Dr Ananya Bose, co-author of the review"
PRACTICE_1 = "Joanna Pike, validated local practice team"
PRACTICE_2 = "Gareth Morgan-Lewis, validated local practice team"

WORKSHOPS: tuple[RegionalWorkshop, ...] = (
    RegionalWorkshop(
        region="north-east", day=date(2010, 3, 2), capacity=70, fill=0.56,
        venue=VenueData(
            "Centre for Life", "Times Square", "Newcastle upon Tyne", "NE1 4EP",
            "The conference suite is on the first floor, reached by lift from the main entrance "
            "on Times Square. Step-free throughout, with accessible toilets on every floor and an "
            "induction loop in the main room. Newcastle Central Station is a five-minute walk; "
            "there is a pay-and-display car park beside the building with blue-badge bays."),
        chair="Alan Crossley, Chair, Gateshead Local Safeguarding Children Board",
        presenter=AUTHOR_A, practice=PRACTICE_1,
        panel=("Detective Inspector Sue Rowell, Northumbria Police",
               "Bernadette Heslop, Designated Nurse, NHS Gateshead",
               "Kwame Mensah, Service Manager, Newcastle City Council")),
    RegionalWorkshop(
        region="north-west", day=date(2010, 3, 4), capacity=80, fill="full",
        venue=VenueData(
            "Manchester Conference Centre", "Weston Building\nSackville Street", "Manchester",
            "M1 3BB",
            "Level access from Sackville Street, with lifts to all meeting rooms and accessible "
            "toilets on each floor. The main room has an induction loop. Manchester Piccadilly "
            "station is a ten-minute walk; there is no parking on site, but the NCP on Charles "
            "Street has blue-badge spaces."),
        chair="Shabana Iqbal, Assistant Director, Safeguarding, Manchester City Council",
        presenter=AUTHOR_B, practice=PRACTICE_2,
        panel=("Detective Sergeant Paul Whitworth, Greater Manchester Police",
               "Dr Eleri Pritchard, Named Doctor, Alder Hey Children's NHS Foundation Trust",
               "Marcia Grant, Children's Services Manager, Barnardo’s North West")),
    RegionalWorkshop(
        region="yorkshire-and-the-humber", day=date(2010, 3, 9), capacity=100, fill="nearly-full",
        venue=VenueData(
            "Royal Armouries Conference Centre", "Armouries Drive", "Leeds", "LS10 1LT",
            "All conference rooms are step-free from the main entrance, with lifts, accessible "
            "toilets and a portable induction loop. A free shuttle runs from Leeds station; the "
            "multi-storey car park next to the museum has accessible bays on the ground floor."),
        chair="Hamza Rahman, Independent Chair, Leeds Safeguarding Children Board",
        presenter=AUTHOR_C, practice=PRACTICE_1,
        panel=("Detective Inspector Claire Atkinson, West Yorkshire Police",
               "Niamh Doherty, Head of Safeguarding, Bradford District Care Trust",
               "Jürgen Müller, Practice Development Manager, Action for Children")),
    RegionalWorkshop(
        region="east-midlands", day=date(2010, 3, 11), capacity=60, fill=0.48,
        venue=VenueData(
            "East Midlands Conference Centre", "University Park\nBeeston Lane", "Nottingham",
            "NG7 2RJ",
            "Single-storey conference hall with level access from the car park, which is free "
            "and has blue-badge bays by the entrance. Induction loop in the main hall; accessible "
            "toilets beside reception. Buses from Nottingham city centre stop at the university "
            "entrance, a short walk away."),
        chair="Ian Marshall, Service Director, Nottinghamshire County Council",
        presenter=AUTHOR_A, practice=PRACTICE_2,
        panel=("Detective Sergeant Manjit Sandhu, Nottinghamshire Police",
               "Folake Adebayo, Designated Nurse, NHS Nottingham City",
               "Rhiannon Jenkins, Head of Safeguarding, Leicester City Council")),
    RegionalWorkshop(
        region="west-midlands", day=date(2010, 3, 16), capacity=120, fill=0.62,
        venue=VenueData(
            "Austin Court", "80 Cambridge Street", "Birmingham", "B1 2NP",
            "Step-free entry from the canal-side entrance, lifts to every floor and accessible "
            "toilets throughout; the auditorium has an induction loop. Birmingham New Street is "
            "fifteen minutes' walk. Limited blue-badge parking can be reserved through the "
            "organiser; public car parks are nearby on Cambridge Street."),
        chair="Delroy Francis, Director of Children's Services, Sandwell Metropolitan "
              "Borough Council",
        presenter=AUTHOR_B, practice=PRACTICE_1,
        panel=("Detective Inspector Harjit Singh, West Midlands Police",
               "Dr Gráinne Ó Ceallaigh, Designated Doctor, Birmingham Children's Hospital",
               "Louise Armstrong, Team Manager, Birmingham City Council")),
    RegionalWorkshop(
        region="east-of-england", day=date(2010, 3, 18), capacity=80, fill=0.41,
        venue=VenueData(
            "Robinson College Conference Centre", "Grange Road", "Cambridge", "CB3 9AN",
            "The Umney Theatre and breakout rooms are step-free from the Grange Road entrance, "
            "with a lift to the dining hall and accessible toilets on the ground floor. An "
            "induction loop is fitted in the theatre. Parking is very limited: please ask for a "
            "blue-badge space when you book. Buses run from Cambridge station to the city centre."),
        chair="Catrin Llewellyn, Head of Safeguarding, Norfolk County Council",
        presenter=AUTHOR_C, practice=PRACTICE_2,
        panel=("Detective Sergeant Neil Dobson, Norfolk Constabulary",
               "Sunita Mistry, Named Nurse, Cambridge University Hospitals",
               "Oluwaseun Adeyemi, Service Manager, NSPCC")),
    RegionalWorkshop(
        region="south-west", day=date(2010, 3, 23), capacity=75, fill=0.52,
        venue=VenueData(
            "Engineers' House", "The Promenade\nClifton Down", "Bristol", "BS8 3NB",
            "The main conference room is on the ground floor with a ramp at the side entrance; "
            "the first-floor rooms are reached by lift. Accessible toilet on the ground floor and "
            "a portable induction loop. Free parking on site, including blue-badge bays. Clifton "
            "Down station is ten minutes' walk."),
        chair="Dafydd Price, Chair, Bristol Safeguarding Children Board",
        presenter=AUTHOR_A, practice=PRACTICE_1,
        panel=("Detective Inspector Alison Fenwick, Avon and Somerset Constabulary",
               "Inês Gonçalves, Named Nurse, University Hospitals Bristol",
               "Tom Charlton, Team Manager, Devon County Council")),
    RegionalWorkshop(
        region="london", day=date(2010, 4, 13), capacity=120, fill=0.34,
        venue=VenueData(
            "Friends House", "173 Euston Road", "London", "NW1 2BJ",
            "Step-free access from the Euston Road entrance, with lifts to all floors and "
            "accessible toilets on each level; the Light and the meeting rooms have induction "
            "loops. Opposite Euston station (mainline and Underground). There is no parking; the "
            "nearest blue-badge bays are on Gordon Street."),
        chair="Ngozi Okafor, Head of Safeguarding, London Borough of Hackney",
        presenter=AUTHOR_B, practice=PRACTICE_2,
        panel=("Detective Inspector Mark Thompson, Metropolitan Police Service",
               "Dr Mei Chen, Consultant Paediatrician, Great Ormond Street Hospital",
               "Siobhán Byrne, Family Support Manager, The Children’s Society")),
    RegionalWorkshop(
        region="south-east", day=date(2010, 4, 15), capacity=90, fill=0.66,
        venue=VenueData(
            "Hilton Brighton Metropole", "Kings Road", "Brighton", "BN1 2FU",
            "Level access from the Kings Road entrance, lifts to the conference floors and "
            "accessible toilets next to every suite; the Clarence Suite has an induction loop. "
            "Brighton station is fifteen minutes' walk or a short bus ride. The hotel car park "
            "is pay-on-exit with blue-badge spaces near the lift."),
        chair="Joanne Hughes, Director of Specialist Children's Services, Kent County Council",
        presenter=AUTHOR_C, practice=PRACTICE_1,
        panel=("Detective Sergeant Imran Khan, Sussex Police",
               "Helen Wood, Designated Nurse, NHS Brighton and Hove",
               "François Lefèvre, Area Manager, Family Action")),
)

# Every workshop follows the same day; {names} come from the table above.
PROGRAMME = """\
9:30 | Registration and coffee
10:00 | Welcome and introductions – {chair}
10:15 | What we know about protecting children in highly resistant families: the review's \
findings – {presenter}
11:00 | Questions on the findings
11:15 | Coffee
11:30 | Validated local practice: what it is, and how to submit your own practice with the \
form in your delegate pack – {practice}
12:00 | Workshop discussions: recognising disguised compliance; keeping the child in view
12:45 | Lunch
13:30 | Workshop discussions: chronologies, supervision and staying alongside a family
14:30 | Panel question and answer session – {panel}
15:45 | Summary, evaluation forms and next steps
16:00 | Close"""

# (organisation, sector) per region: the delegates' employers.
ORGANISATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "north-east": (
        ("Gateshead Council", "children-social-care"),
        ("Newcastle City Council", "children-social-care"),
        ("Sunderland City Council", "children-social-care"),
        ("Durham County Council", "children-social-care"),
        ("Northumberland County Council", "children-social-care"),
        ("North Tyneside Council", "children-social-care"),
        ("South Tyneside Council", "children-social-care"),
        ("Middlesbrough Council", "children-social-care"),
        ("Stockton-on-Tees Borough Council", "children-social-care"),
        ("NHS Gateshead", "health"),
        ("Newcastle upon Tyne Hospitals NHS Foundation Trust", "health"),
        ("Northumberland, Tyne and Wear NHS Foundation Trust", "health"),
        ("Northumbria Police", "police"),
        ("Durham Constabulary", "police"),
        ("Kenton School", "education"),
        ("Whickham School", "education"),
        ("Gateshead Local Safeguarding Children Board", "lscb"),
        ("Children North East", "voluntary"),
        ("Northumbria Probation Trust", "other"),
    ),
    "north-west": (
        ("Manchester City Council", "children-social-care"),
        ("Salford City Council", "children-social-care"),
        ("Liverpool City Council", "children-social-care"),
        ("Lancashire County Council", "children-social-care"),
        ("Cheshire West and Chester Council", "children-social-care"),
        ("Stockport Metropolitan Borough Council", "children-social-care"),
        ("Trafford Council", "children-social-care"),
        ("Bolton Council", "children-social-care"),
        ("Blackpool Council", "children-social-care"),
        ("Cumbria County Council", "children-social-care"),
        ("NHS Manchester", "health"),
        ("Alder Hey Children's NHS Foundation Trust", "health"),
        ("Pennine Care NHS Foundation Trust", "health"),
        ("Greater Manchester Police", "police"),
        ("Merseyside Police", "police"),
        ("Lancashire Constabulary", "police"),
        ("Parrs Wood High School", "education"),
        ("Manchester Academy", "education"),
        ("Manchester Safeguarding Children Board", "lscb"),
        ("Barnardo’s North West", "voluntary"),
        ("Cafcass", "other"),
    ),
    "yorkshire-and-the-humber": (
        ("Leeds City Council", "children-social-care"),
        ("City of Bradford Metropolitan District Council", "children-social-care"),
        ("Sheffield City Council", "children-social-care"),
        ("Kirklees Council", "children-social-care"),
        ("Wakefield Council", "children-social-care"),
        ("Calderdale Council", "children-social-care"),
        ("Hull City Council", "children-social-care"),
        ("North Yorkshire County Council", "children-social-care"),
        ("Doncaster Metropolitan Borough Council", "children-social-care"),
        ("Rotherham Metropolitan Borough Council", "children-social-care"),
        ("City of York Council", "children-social-care"),
        ("NHS Leeds", "health"),
        ("Leeds Teaching Hospitals NHS Trust", "health"),
        ("Sheffield Children's NHS Foundation Trust", "health"),
        ("Bradford District Care Trust", "health"),
        ("West Yorkshire Police", "police"),
        ("South Yorkshire Police", "police"),
        ("Humberside Police", "police"),
        ("Allerton Grange School", "education"),
        ("Carr Manor High School", "education"),
        ("Leeds Safeguarding Children Board", "lscb"),
        ("Action for Children", "voluntary"),
        ("West Yorkshire Probation Trust", "other"),
    ),
    "east-midlands": (
        ("Nottinghamshire County Council", "children-social-care"),
        ("Nottingham City Council", "children-social-care"),
        ("Derbyshire County Council", "children-social-care"),
        ("Derby City Council", "children-social-care"),
        ("Leicestershire County Council", "children-social-care"),
        ("Leicester City Council", "children-social-care"),
        ("Lincolnshire County Council", "children-social-care"),
        ("Northamptonshire County Council", "children-social-care"),
        ("NHS Nottingham City", "health"),
        ("Nottingham University Hospitals NHS Trust", "health"),
        ("Leicestershire Partnership NHS Trust", "health"),
        ("Nottinghamshire Police", "police"),
        ("Derbyshire Constabulary", "police"),
        ("Leicestershire Constabulary", "police"),
        ("The Bluecoat School, Nottingham", "education"),
        ("Nottinghamshire Safeguarding Children Board", "lscb"),
        ("Home-Start Nottingham", "voluntary"),
        ("Government Office for the East Midlands", "other"),
    ),
    "west-midlands": (
        ("Birmingham City Council", "children-social-care"),
        ("Coventry City Council", "children-social-care"),
        ("Wolverhampton City Council", "children-social-care"),
        ("Sandwell Metropolitan Borough Council", "children-social-care"),
        ("Walsall Council", "children-social-care"),
        ("Dudley Metropolitan Borough Council", "children-social-care"),
        ("Solihull Metropolitan Borough Council", "children-social-care"),
        ("Staffordshire County Council", "children-social-care"),
        ("Stoke-on-Trent City Council", "children-social-care"),
        ("Warwickshire County Council", "children-social-care"),
        ("Worcestershire County Council", "children-social-care"),
        ("Telford & Wrekin Council", "children-social-care"),
        ("Birmingham Children's Hospital NHS Foundation Trust", "health"),
        ("Heart of Birmingham Teaching Primary Care Trust", "health"),
        ("Sandwell Primary Care Trust", "health"),
        ("West Midlands Police", "police"),
        ("Staffordshire Police", "police"),
        ("West Mercia Police", "police"),
        ("Small Heath School", "education"),
        ("Birmingham Safeguarding Children Board", "lscb"),
        ("Barnardo’s West Midlands", "voluntary"),
        ("Cafcass", "other"),
    ),
    "east-of-england": (
        ("Norfolk County Council", "children-social-care"),
        ("Suffolk County Council", "children-social-care"),
        ("Cambridgeshire County Council", "children-social-care"),
        ("Peterborough City Council", "children-social-care"),
        ("Essex County Council", "children-social-care"),
        ("Hertfordshire County Council", "children-social-care"),
        ("Bedford Borough Council", "children-social-care"),
        ("Luton Borough Council", "children-social-care"),
        ("Southend-on-Sea Borough Council", "children-social-care"),
        ("Thurrock Council", "children-social-care"),
        ("NHS Norfolk", "health"),
        ("Cambridge University Hospitals NHS Foundation Trust", "health"),
        ("NHS Suffolk", "health"),
        ("Norfolk Constabulary", "police"),
        ("Cambridgeshire Constabulary", "police"),
        ("Essex Police", "police"),
        ("Hertfordshire Constabulary", "police"),
        ("Parkside Community College", "education"),
        ("Norfolk Safeguarding Children Board", "lscb"),
        ("NSPCC", "voluntary"),
        ("Government Office for the East of England", "other"),
    ),
    "london": (
        ("London Borough of Hackney", "children-social-care"),
        ("London Borough of Tower Hamlets", "children-social-care"),
        ("London Borough of Haringey", "children-social-care"),
        ("London Borough of Camden", "children-social-care"),
        ("London Borough of Lambeth", "children-social-care"),
        ("London Borough of Southwark", "children-social-care"),
        ("London Borough of Newham", "children-social-care"),
        ("London Borough of Islington", "children-social-care"),
        ("Royal Borough of Greenwich", "children-social-care"),
        ("Westminster City Council", "children-social-care"),
        ("London Borough of Croydon", "children-social-care"),
        ("London Borough of Barnet", "children-social-care"),
        ("Great Ormond Street Hospital for Children NHS Trust", "health"),
        ("Homerton University Hospital NHS Foundation Trust", "health"),
        ("South London and Maudsley NHS Foundation Trust", "health"),
        ("Tavistock and Portman NHS Foundation Trust", "health"),
        ("Metropolitan Police Service", "police"),
        ("Mossbourne Community Academy", "education"),
        ("Haverstock School", "education"),
        ("City and Hackney Safeguarding Children Board", "lscb"),
        ("The Children’s Society", "voluntary"),
        ("Coram", "voluntary"),
        ("London Probation Trust", "other"),
    ),
    "south-east": (
        ("Kent County Council", "children-social-care"),
        ("Surrey County Council", "children-social-care"),
        ("Hampshire County Council", "children-social-care"),
        ("East Sussex County Council", "children-social-care"),
        ("West Sussex County Council", "children-social-care"),
        ("Brighton & Hove City Council", "children-social-care"),
        ("Medway Council", "children-social-care"),
        ("Oxfordshire County Council", "children-social-care"),
        ("Buckinghamshire County Council", "children-social-care"),
        ("Reading Borough Council", "children-social-care"),
        ("Southampton City Council", "children-social-care"),
        ("Portsmouth City Council", "children-social-care"),
        ("Milton Keynes Council", "children-social-care"),
        ("NHS Brighton and Hove", "health"),
        ("Brighton and Sussex University Hospitals NHS Trust", "health"),
        ("Sussex Partnership NHS Foundation Trust", "health"),
        ("NHS Eastern and Coastal Kent", "health"),
        ("Kent Police", "police"),
        ("Sussex Police", "police"),
        ("Thames Valley Police", "police"),
        ("Hampshire Constabulary", "police"),
        ("Varndean School", "education"),
        ("Brighton & Hove Local Safeguarding Children Board", "lscb"),
        ("Family Action", "voluntary"),
        ("Cafcass", "other"),
    ),
    "south-west": (
        ("Devon County Council", "children-social-care"),
        ("Bristol City Council", "children-social-care"),
        ("Cornwall Council", "children-social-care"),
        ("Somerset County Council", "children-social-care"),
        ("Gloucestershire County Council", "children-social-care"),
        ("Plymouth City Council", "children-social-care"),
        ("Torbay Council", "children-social-care"),
        ("North Somerset Council", "children-social-care"),
        ("South Gloucestershire Council", "children-social-care"),
        ("Bath & North East Somerset Council", "children-social-care"),
        ("Wiltshire Council", "children-social-care"),
        ("Dorset County Council", "children-social-care"),
        ("NHS Bristol", "health"),
        ("University Hospitals Bristol NHS Foundation Trust", "health"),
        ("NHS Devon", "health"),
        ("Royal Cornwall Hospitals NHS Trust", "health"),
        ("Avon and Somerset Constabulary", "police"),
        ("Devon and Cornwall Police", "police"),
        ("Gloucestershire Constabulary", "police"),
        ("Cotham School", "education"),
        ("Bristol Safeguarding Children Board", "lscb"),
        ("NSPCC", "voluntary"),
        ("Action for Children", "voluntary"),
    ),
}

# Organisations that send people to every region's workshop, as well as their local offices.
NATIONAL_VOLUNTARY = ("NSPCC", "Barnardo’s", "Action for Children", "The Children’s Society")

# Made-up email domains where the one derived from the name would be unclear (see demo.py).
EMAIL_DOMAINS = {
    "Metropolitan Police Service": "met.police.example",
    "City of London Police": "city-of-london.police.example",
    "London Probation Trust": "london-probation.org.example",
    "South London and Maudsley NHS Foundation Trust": "slam.nhs.example",
    "Great Ormond Street Hospital for Children NHS Trust": "gosh.nhs.example",
    "Government Office for the East Midlands": "go-em.gov.example",
    "Government Office for the East of England": "go-east.gov.example",
}

# How often each sector's employers are picked: most delegates work in children's social care.
SECTOR_WEIGHTS = {
    "children-social-care": 46, "health": 17, "police": 8, "education": 10, "voluntary": 11,
    "lscb": 5, "other": 3,
}

# Commonest first: the demo picks earlier titles more often.
JOB_TITLES: dict[str, tuple[str, ...]] = {
    "children-social-care": (
        "Social worker", "Senior practitioner", "Team manager", "Senior social worker",
        "Family support worker", "Practice manager", "Independent reviewing officer",
        "Child protection conference chair", "Service manager",
        "Early intervention coordinator", "Quality assurance manager",
        "Workforce development officer", "Head of safeguarding", "Assistant director",
    ),
    "health": (
        "Health visitor", "School nurse", "Named nurse for safeguarding children",
        "Community paediatrician", "Named midwife", "CAMHS clinical psychologist",
        "Substance misuse nurse", "Designated nurse for safeguarding children",
        "Designated doctor for child protection",
    ),
    "police": (
        "Detective constable, child abuse investigation unit",
        "Detective sergeant, public protection unit",
        "Detective inspector, public protection unit", "Domestic abuse liaison officer",
    ),
    "education": (
        "Designated teacher for child protection", "Education welfare officer",
        "Parent support adviser", "Learning mentor", "Deputy head teacher", "Head teacher",
    ),
    "voluntary": (
        "Family support worker", "Project worker", "Project manager", "Outreach worker",
        "Parenting practitioner", "Children’s services manager", "Practice development manager",
    ),
    "lscb": (
        "LSCB business manager", "Safeguarding training coordinator", "Policy officer",
        "Serious case review officer",
    ),
    "other": (
        "Family court adviser", "Probation officer", "Children and families policy adviser",
    ),
}

# (weight, given names, family names): names are drawn within one group so they sit together.
NAME_GROUPS: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (46,
     ("Sarah", "David", "Claire", "Helen", "Gareth", "Karen", "Emma", "Paul", "Michelle",
      "Andrew", "Rachel", "Simon", "Joanne", "Mark", "Lisa", "Stephen", "Nicola", "James",
      "Louise", "Zoë", "Chloë", "Jessica", "Gemma", "Craig", "Lindsey", "Dawn", "Ian", "Julie",
      "Alison", "Neil", "Hannah", "Tom", "Renée", "Bernadette", "Graham", "Lesley"),
     ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Robinson", "Wright", "Thompson",
      "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes",
      "Marshall", "Brontë", "Armstrong", "Dobson", "Heslop", "Fenwick", "Charlton",
      "Atkinson", "Ashworth", "Pearce", "Sutcliffe", "Rowley", "Bennett", "Hodgson")),
    (5,
     ("Siân", "Rhiannon", "Gethin", "Dafydd", "Catrin", "Owain", "Eleri", "Rhys", "Ffion"),
     ("Evans", "Davies", "Lloyd", "Price", "Pritchard", "Morgan", "Jenkins", "Llewellyn")),
    (7,
     ("Siobhán", "Seán", "Ciarán", "Niamh", "Aoife", "Pádraig", "Gráinne", "Áine", "Siân",
      "Declan", "Orla"),
     ("Ó Súilleabháin", "O'Brien", "Murphy", "Kelly", "Ó Ceallaigh", "Byrne", "Doherty",
      "McCarthy", "Mac Giolla")),
    (15,
     ("Priya", "Rajesh", "Gurpreet", "Harjit", "Manjit", "Sunita", "Anil", "Imran", "Shabana",
      "Nasreen", "Tariq", "Hamza", "Aisha", "Mohammed", "Farhana", "Sanjay", "Deepa", "Kiran",
      "Asif", "Rukhsana", "Navdeep"),
     ("Patel", "Khan", "Ahmed", "Hussain", "Ali", "Shah", "Singh", "Sandhu", "Chowdhury",
      "Rahman", "Mistry", "Sharma", "Iqbal", "Malik", "Gill", "Bhatti")),
    (11,
     ("Oluwaseun", "Chidi", "Ngozi", "Kwame", "Abena", "Kemi", "Tendai", "Amara", "Delroy",
      "Marcia", "Winston", "Beverley", "Yewande", "Chinedu", "Folake", "Kofi"),
     ("Okafor", "Adeyemi", "Mensah", "Osei", "Okonkwo", "Campbell", "Francis", "Adebayo",
      "Boateng", "Nwosu", "Grant", "Thomas", "Moyo", "Clarke")),
    (5,
     ("Łukasz", "Piotr", "Tomasz", "Krzysztof", "Paweł", "Agnieszka", "Małgorzata",
      "Katarzyna", "Joanna", "Magdalena"),
     ("Żółć", "Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Zając", "Kaczmarek")),
    (6,
     ("José", "Inês", "François", "Søren", "Jürgen", "Ana", "Jiří", "Elif", "Nikos", "Mehmet",
      "Dragana", "Begoña", "Hélène"),
     ("García", "Gonçalves", "Lefèvre", "Müller", "Jovanović", "Yılmaz", "Papadopoulos",
      "Ødegaard", "Peña", "Novák", "Kovačević")),
    (5,
     ("Mei", "Wei", "Hui", "Minh", "Thu", "Ji-woo", "Yuki", "Lin"),
     ("Chen", "Wong", "Li", "Nguyễn", "Tran", "Kim", "Zhang", "Lau")),
)

# People the demo always includes, with the region whose workshop they book.
FEATURED_DELEGATES: tuple[tuple[str, str], ...] = (
    ("Siân Ó Súilleabháin", "north-east"),
    ("Łukasz Żółć", "north-west"),
    ("Zoë Brontë", "yorkshire-and-the-humber"),
)

ACCESS_NEEDS = (
    "Wheelchair user: I need step-free access and a space at the end of a row.",
    "I use a hearing aid; please make sure the induction loop is switched on.",
    "British Sign Language interpreter, please.",
    "Large-print copy of the delegate pack (18 point).",
    "I have a blue badge and would like a parking space if one is available.",
    "I may need to leave the room briefly during sessions (medical condition).",
)

DIETARY_NEEDS = (
    "Vegetarian", "Vegetarian", "Vegan", "Halal", "Gluten-free", "Kosher",
    "Nut allergy (severe): no nuts, please", "Dairy-free", "No pork", "Pescatarian",
)

# One account per staff role: role -> (email, name).
STAFF: dict[str, tuple[str, str]] = {
    "admin": ("admin@workshops.example", "Priya Raman"),
    "organiser": (ORGANISER_EMAIL, "Gwen Ellison"),
    "screener": ("screener@workshops.example", "Tomasz Wójcik"),
    "panel-member": ("panel-member@workshops.example", "Dr Abena Osei"),
    "panel-chair": ("panel-chair@workshops.example", "Professor Helen Marsh"),
}
