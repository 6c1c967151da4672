"""The public practice library: publishing, search on both backends, the public pages, the feed.

Every promise here runs on SQLite and on PostgreSQL (TEST_DATABASE=postgresql): the same data
and the same queries must give the same results on both, which is what makes the two search
engines one search.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.conftest import app_config
from validation import library, search
from validation.models import Case, CaseState, Level, Publication, PublicationStatus
from workshops import create_app
from workshops.extensions import db
from workshops.models import AuditEntry, Theme
from workshops.transitions import TransitionNotAllowed

THEME = "safeguarding"
ATOM = "{http://www.w3.org/2005/Atom}"
# What the submitter told the panel privately: none of it may reach a public page.
PRIVATE = {"contact_name": "Philippa Quartermaine", "contact_email": "p.quartermaine@example.org",
           "contact_phone": "07700 900461", "contact_role": "Secret squirrel lead"}
SUBMITTER_EMAIL = "submitter.private@example.org"
EVIDENCE_NAME = "family-case-notes-unredacted.pdf"
EVIDENCE_URL = "/feedback/staff/evidence/abcdef123456"

_numbers = itertools.count(1)


# --- making data ------------------------------------------------------------------------

def make_case(**overrides: Any) -> Case:
    n = next(_numbers)
    values: dict[str, Any] = dict(
        submission_id=10_000 + n, reference=f"VLP-T{n:05d}", submitter_email=SUBMITTER_EMAIL,
        title=f"Case {n}", theme="Safeguarding", region="london",
        organisation="Camden Council", submitted_at=datetime(2010, 4, 1, 12, tzinfo=UTC),
        state=CaseState.DECIDED, level=Level.VALIDATED,
        answers={**PRIVATE, "title": f"Case {n}"},
        evidence=[{"name": EVIDENCE_NAME, "kind": "pdf", "size": 1000, "url": EVIDENCE_URL}],
    )
    values.update(overrides)
    case = Case(**values)
    db.session.add(case)
    return case


def make_publication(title: str, *, status: str = PublicationStatus.PUBLISHED,
                     published_at: datetime | None = None, **overrides: Any) -> Publication:
    """A publication row written directly (as the brief's data set-up says), committed."""
    n = next(_numbers)
    values: dict[str, Any] = dict(
        slug=f"practice-{n}", theme_slug=THEME, theme_name="Safeguarding", title=title,
        summary="A summary.", what_you_did="", impact="", evidence="", transferability="",
        contact_route="Write to the children's services duty team at the council.",
        organisation="Camden Council", region="london", level=Level.VALIDATED, topic="",
        year=2010)
    values.update(overrides)
    if status == PublicationStatus.PUBLISHED and published_at is None:
        published_at = datetime(2010, 5, 1, 9, tzinfo=UTC) + timedelta(minutes=n)
    publication = Publication(case=make_case(), status=status, published_at=published_at,
                              **values)
    db.session.add(publication)
    db.session.commit()
    return publication


@pytest.fixture()
def collection(app) -> dict[str, Publication]:
    """A small library: six published examples, two not yet public, one on another theme."""
    made = {
        "conferences": make_publication(
            "Family group conferences for resistant families",
            summary="Family group conferences gave parents a say in the plan.",
            what_you_did="Independent coordinators ran conferences within four weeks.",
            region="north-east", organisation="Gateshead Council", year=2009,
            topic="Family group conferences", level=Level.PROMISING),
        "chronology": make_publication(
            "Chronology clinic for neglect cases",
            summary="A monthly clinic built one multi-agency chronology per child.",
            what_you_did="Health visitors, police and schools met with social workers.",
            impact="Drift in neglect cases fell; reflective supervision followed each clinic.",
            region="london", organisation="Camden Council", year=2010, topic="Neglect"),
        "supervision": make_publication(
            "Reflective supervision for social workers",
            summary="Group reflective supervision helped staff notice disguised compliance.",
            region="london", organisation="Islington Council", year=2010, topic="Supervision"),
        "worker": make_publication(
            "One dependable worker for each family",
            summary="A single key worker stayed with the family for two years.",
            evidence="Re-referrals halved over two years against a baseline.",
            region="south-west", organisation="Plymouth City Council", year=2010,
            topic="Key workers"),
        "apart": make_publication(
            "Practice audits in schools",
            summary="Supervision of designated teachers was reflective in tone and "
                    "held every term.",
            region="west-midlands", organisation="Dudley Council", year=2009, topic="Schools"),
        "accent": make_publication(
            "Café-based drop-in for fathers",
            summary="Fathers met workers at a café; naïve assumptions about dads were tested.",
            region="yorkshire-and-the-humber", organisation="Leeds City Council", year=2010,
            topic="Fathers"),
        "editing": make_publication(
            "Draft: chronology family meetings", status=PublicationStatus.EDITING,
            summary="Families and chronology: not yet approved.", topic="Drafts"),
        "awaiting": make_publication(
            "Awaiting: family chronology panels", status=PublicationStatus.AWAITING_APPROVAL,
            summary="Families and chronology: waiting for the submitter.", topic="Waiting"),
        "elsewhere": make_publication(
            "Family support in early years", theme_slug="early-years",
            theme_name="Early years", summary="Family support for under-fives."),
    }
    return made


def titles(results: library.Results) -> set[str]:
    return {p.title for p in results.items}


# --- the query language (no database) ---------------------------------------------------

@pytest.mark.parametrize(("typed", "fts5", "websearch"), [
    ("families", '("families")', "families"),
    ("chronology neglect", '("chronology" AND "neglect")', "chronology neglect"),
    ('"reflective supervision"', '("reflective supervision")', '"reflective supervision"'),
    ("chronology or dependable", '("chronology") OR ("dependable")', "chronology or dependable"),
    ("family -conference", '(("family") NOT ("conference"))', "family -conference"),
    ("the family of", '("family")', "family"),
    ('"work with the family"', '("work with the family")', '"work with the family"'),
    ("multi-agency", '("multi agency")', '"multi agency"'),
    ("children's", '("children")', "children"),
    ('NEAR(a b) AND title:x* ^y', '("near" AND "b" AND "title x" AND "y")', 'near b "title x" y'),
    ("Zoë", '("zoë")', "zoë"),
])
def test_a_query_is_rendered_for_each_engine_without_its_syntax(
        typed: str, fts5: str, websearch: str) -> None:
    query = search.parse(typed)
    assert query.to_fts5() == fts5
    assert query.to_websearch() == websearch


@pytest.mark.parametrize("typed", ["", "   ", "the", '"', '""', "*", "()", "-", "-family",
                                   "AND OR NOT", "or", "\x00", "%_\\"])
def test_a_query_with_nothing_to_search_for_is_empty(typed: str) -> None:
    assert search.parse(typed).is_empty


def test_a_very_long_query_is_cut_short() -> None:
    query = search.parse("family " * 5000)
    assert sum(len(terms) for terms in query.alternatives) <= search.MAX_TERMS
    assert len(search.clean("x" * 5000)) == search.MAX_QUERY_LENGTH


# --- publishing -------------------------------------------------------------------------

def test_publish_puts_approved_wording_on_the_public_pages_and_audits_it(app, client) -> None:
    publication = make_publication("Chronology clinic", summary="Multi-agency chronologies.",
                                   status=PublicationStatus.AWAITING_APPROVAL)
    assert library.search("chronology", theme_slug=THEME).total == 0

    library.publish(publication, actor="submitter@example.org")
    db.session.commit()

    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.published_at is not None
    assert titles(library.search("chronologies", theme_slug=THEME)) == {"Chronology clinic"}
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.entity == "validation_publication", AuditEntry.entity_id == publication.id))
    assert entry.action == "publish" and entry.actor_label == "submitter@example.org"
    assert entry.details["before"] == "awaiting_approval"
    page = client.get(f"/practice/{THEME}/{publication.slug}")
    assert page.status_code == 200
    # Readers have somewhere to write: the organisation's route, and the programme team.
    assert "Write to the children&#39;s services duty team" in page.text
    assert 'href="mailto:workshops@example.org?subject=About%3A%20Chronology%20clinic"' \
        in page.text


@pytest.mark.parametrize("status", [PublicationStatus.EDITING, PublicationStatus.PUBLISHED])
def test_only_wording_awaiting_approval_can_be_published(app, status: str) -> None:
    publication = make_publication("Not ready", status=status)
    with pytest.raises(TransitionNotAllowed):
        library.publish(publication)


def test_unpublish_takes_an_example_off_the_public_pages(app, client) -> None:
    publication = make_publication("Chronology clinic", summary="Chronologies.")
    assert library.search("chronology").total == 1

    library.unpublish(publication, actor="chair@example.org", reason="Identifying detail")
    db.session.commit()

    assert publication.status == PublicationStatus.EDITING
    assert publication.published_at is None
    assert library.search("chronology").total == 0
    assert client.get(f"/practice/{THEME}/{publication.slug}").status_code == 404
    with pytest.raises(TransitionNotAllowed):
        library.unpublish(publication)


def test_the_index_follows_every_write_not_only_publish(app) -> None:
    """Rows changed or deleted by any code path never leave the search stale."""
    publication = make_publication("Chronology clinic", summary="Chronologies.")
    publication.title = "Genogram clinic"
    db.session.commit()
    assert library.search("chronology").total == 1  # the summary still says it
    assert titles(library.search("genogram")) == {"Genogram clinic"}

    db.session.execute(text("UPDATE validation_publications SET status = 'editing'"))
    db.session.commit()
    assert library.search("genogram").total == 0

    db.session.execute(text("UPDATE validation_publications SET status = 'published'"))
    db.session.commit()
    assert library.search("genogram").total == 1

    db.session.delete(publication)
    db.session.commit()
    assert library.search("genogram").total == 0
    if db.engine.dialect.name == "sqlite":
        left = db.session.scalar(text(f"SELECT count(*) FROM {search.FTS_TABLE}"))
        assert left == 0


def test_the_search_index_is_in_place(app) -> None:
    """SQLite: the triggers that keep the index (a table rebuild would drop them silently).
    PostgreSQL: the GIN index, used by the query the library writes."""
    if db.engine.dialect.name == "sqlite":
        triggers = set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'validation_publications'")))
        assert {f"validation_publications_fts_{n}" for n in ("insert", "update", "delete")} \
            <= triggers
        return
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    parsed = search.parse("family")
    stmt, _ = search.restrict(select(Publication.id), parsed, "postgresql")
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_validation_publications_search" in plan, plan
    db.session.rollback()


# --- search: the same results on both backends ------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    # Stemming: "families" finds "family", "conference" finds "conferences".
    ("families", {"Family group conferences for resistant families",
                  "One dependable worker for each family"}),
    ("conference", {"Family group conferences for resistant families"}),
    # A phrase needs its words together: "Practice audits" has both words apart.
    ('"reflective supervision"', {"Chronology clinic for neglect cases",
                                  "Reflective supervision for social workers"}),
    ("reflective supervision", {"Chronology clinic for neglect cases",
                                "Reflective supervision for social workers",
                                "Practice audits in schools"}),
    # Several words: all of them.
    ("chronology neglect", {"Chronology clinic for neglect cases"}),
    ("chronology dependable", set()),
    ("chronology or dependable", {"Chronology clinic for neglect cases",
                                  "One dependable worker for each family"}),
    ("family -conferences", {"One dependable worker for each family"}),
    # Stop words are dropped alike on both backends.
    ("the dependable worker", {"One dependable worker for each family"}),
    # Every column is searched: organisation, topic, evidence.
    ("Plymouth", {"One dependable worker for each family"}),
    ("re-referrals baseline", {"One dependable worker for each family"}),
    ("café", {"Café-based drop-in for fathers"}),
    ("zebra", set()),
])
def test_search_finds_the_same_practice_on_both_backends(
        collection, typed: str, expected: set[str]) -> None:
    results = library.search(typed, theme_slug=THEME)
    assert titles(results) == expected
    assert results.total == len(expected)


def test_only_published_practice_is_ever_found(collection) -> None:
    for typed in ("chronology", "families", "draft", "awaiting", "waiting", ""):
        found = library.search(typed)
        assert all(p.status == PublicationStatus.PUBLISHED for p in found.items), typed
        assert not {"Draft: chronology family meetings",
                    "Awaiting: family chronology panels"} & titles(found)


def test_the_theme_narrows_the_search(collection) -> None:
    assert "Family support in early years" in titles(library.search("family"))
    assert "Family support in early years" not in titles(library.search("family",
                                                                        theme_slug=THEME))
    assert titles(library.search("family", theme_slug="early-years")) == {
        "Family support in early years"}


def test_a_title_match_ranks_above_a_match_in_the_text(collection) -> None:
    found = library.search("supervision", theme_slug=THEME)
    assert found.ranked
    assert found.items[0].title == "Reflective supervision for social workers"


def test_without_a_query_the_newest_come_first(collection) -> None:
    found = library.search("", theme_slug=THEME)
    assert not found.ranked
    dates = [p.published_at for p in found.items]
    assert dates == sorted(dates, reverse=True)
    assert found.total == 6


@pytest.mark.parametrize("typed", [
    '"', '""', '"family', 'family"', "AND", "OR", "NOT", "NEAR", "family AND", "OR family",
    "NOT family", "family NOT", "*", "family*", "*family", "(", ")", "(family", "family)",
    "NEAR(family chronology)", "family NEAR/2 chronology", "title:family", "{title}: family",
    "^family", "+family", "-", "--family", "-family", "family -", "\x00", "family\x00",
    "'; DROP TABLE validation_publications; --", "%", "_", "\\", "\\\"", "'", "''",
    "Zoë", "家庭", "семья", "👪 family", "\u202efamily", "ﬁ", "a" * 10_000, '"' * 501,
    "family " * 2000, "(" * 300 + "family", "&|!<->:*", "family <-> chronology",
    "family & chronology | !neglect", "family:*", "'family'", "``",
])
def test_no_input_makes_search_fail(collection, client, typed: str) -> None:
    results = library.search(typed, theme_slug=THEME)
    assert results.total == len(results.items) or results.total > results.per_page
    response = client.get(f"/practice/{THEME}", query_string={"q": typed})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%", "q=%%", "q&q=a&q=b",
                                 "level=%00&year=%FF"])
def test_malformed_query_strings_are_not_errors(collection, client, raw: str) -> None:
    assert library.search("\ud800 family", theme_slug=THEME).total >= 0
    assert client.get(f"/practice/{THEME}?{raw}").status_code == 200


def test_a_query_of_nothing_searchable_finds_nothing(collection) -> None:
    for typed in ("the", '""', "*", "-family"):
        assert library.search(typed, theme_slug=THEME).total == 0


# --- filters, facets and pages ----------------------------------------------------------

def test_filters_narrow_the_results_and_facets_count_the_alternatives(collection) -> None:
    found = library.search("", theme_slug=THEME, region="london")
    assert titles(found) == {"Chronology clinic for neglect cases",
                             "Reflective supervision for social workers"}
    regions = {f.value: (f.count, f.selected) for f in found.facets["region"]}
    # Each region counts what choosing it instead would find: its own filter set aside.
    assert regions["london"] == (2, True)
    assert regions["north-east"] == (1, False)
    assert {f.value: f.count for f in found.facets["year"]} == {"2010": 2, "2009": 0}
    assert [f.label for f in found.facets["level"]] == ["Validated", "Promising"]

    assert titles(library.search("", theme_slug=THEME, level="promising")) == {
        "Family group conferences for resistant families"}
    assert len(library.search("", theme_slug=THEME, year=2009).items) == 2
    assert titles(library.search("", theme_slug=THEME, topic="Neglect")) == {
        "Chronology clinic for neglect cases"}
    assert library.search("", theme_slug=THEME, level=["validated", "promising"]).total == 6
    assert titles(library.search("supervision", theme_slug=THEME, year="2009")) == {
        "Practice audits in schools"}


def test_facets_offer_only_what_published_practice_has(collection) -> None:
    facets = library.search("", theme_slug=THEME).facets
    assert "Drafts" not in {f.value for f in facets["topic"]}
    assert "Waiting" not in {f.value for f in facets["topic"]}
    assert [f.value for f in facets["year"]] == ["2010", "2009"]
    assert facets["region"][0].label == "North East"  # in the regions' usual order


@pytest.mark.parametrize("filters", [
    {"region": "\x00"}, {"region": "x" * 500}, {"year": "99999999999999999999999"},
    {"year": "-1"}, {"year": "２０１０"}, {"year": "twenty"}, {"level": "'; --"},
    {"topic": "\x00Neglect"}, {"topic": "y" * 10_000}, {"region": ["london", "\x00"]},
])
def test_filter_values_that_cannot_be_stored_are_ignored(collection, client,
                                                         filters: dict) -> None:
    library.search("family", theme_slug=THEME, **filters)
    assert client.get(f"/practice/{THEME}", query_string=filters).status_code == 200


def test_a_region_or_level_that_is_not_ours_filters_nothing(collection) -> None:
    """A hand-edited address ('West Midlands' for west-midlands): the page's filters could
    not show that choice, so it must not hide every result behind it."""
    everything = library.search(None, theme_slug=THEME).total
    assert everything
    for odd in ({"region": "West Midlands"}, {"level": "gold"}):
        found = library.search(None, theme_slug=THEME, **odd)
        assert found.total == everything and not any(found.filters.values())


def test_results_come_a_page_at_a_time(app, client) -> None:
    for n in range(23):
        make_publication(f"Family practice number {n}", summary="Family work.")
    first = library.search("family", theme_slug=THEME)
    assert (first.total, first.pages, len(first.items)) == (23, 3, 10)
    last = library.search("family", theme_slug=THEME, page=3)
    assert len(last.items) == 3 and (last.first, last.last) == (21, 23)
    assert library.search("family", theme_slug=THEME, page=99).page == 3
    seen = {p.id for page in (1, 2, 3)
            for p in library.search("family", theme_slug=THEME, page=page).items}
    assert len(seen) == 23

    page = client.get(f"/practice/{THEME}", query_string={"q": "family", "page": "2"}).text
    assert "Showing 11 to 20" in page
    assert "q=family&amp;page=3" in page
    for odd in ("abc", "-1", "0", "9" * 5000, "1e9", "²"):
        response = client.get(f"/practice/{THEME}", query_string={"q": "family", "page": odd})
        assert response.status_code == 200, odd


# --- the public pages -------------------------------------------------------------------

def test_the_library_lists_themes_with_published_practice(collection, client) -> None:
    page = client.get("/practice/").text
    assert "Safeguarding" in page and "Early years" in page
    assert "6 examples" in page and "1 example," in page


def test_the_library_links_to_sharing_practice_where_it_can_be_sent(
        client, migrated, smtp_server) -> None:
    # It had sent readers to a workshop, though anyone may send practice without coming to one.
    page = client.get("/practice/").text
    assert ('<a class="govuk-link" href="/feedback/">Share your local practice, whether or not '
            'you come to a workshop</a>') in page
    assert "to find out how to submit it" not in page
    # With no plugin taking practice from the public, the workshops are the way still.
    without = create_app(app_config(migrated, smtp_server.port, PLUGINS=["packs", "validation"]))
    page = without.test_client().get("/practice/").text
    assert "to find out how to submit it" in page and "Share your local practice" not in page


def test_a_theme_with_nothing_published_is_not_listed(app, client) -> None:
    make_publication("Hidden", status=PublicationStatus.EDITING, theme_slug="hidden-theme",
                     theme_name="Hidden theme")
    assert "Hidden theme" not in client.get("/practice/").text
    assert client.get("/practice/hidden-theme").status_code == 404
    assert client.get("/practice/hidden-theme/feed.atom").status_code == 404


def test_a_programme_theme_without_practice_yet_says_so(app, client) -> None:
    db.session.add(Theme(slug="neglect", name="Neglect"))
    db.session.commit()
    page = client.get("/practice/neglect")
    assert page.status_code == 200
    assert "No practice has been published on this theme yet" in page.text


def test_the_theme_page_lists_searches_and_filters(collection, client) -> None:
    page = client.get(f"/practice/{THEME}")
    assert page.status_code == 200
    assert "6 examples" in page.text
    assert "Chronology clinic for neglect cases" in page.text
    assert '<link rel="alternate" type="application/atom+xml"' in page.text
    assert f'href="/practice/{THEME}/feed.atom"' in page.text

    found = client.get(f"/practice/{THEME}", query_string={"q": '"reflective supervision"',
                                                            "region": "london"}).text
    assert "2 examples matching &#34;reflective supervision&#34;</h2>" in found
    assert "Best matches first" in found
    # A quote left open is not a phrase: said back like any other search.
    opened = client.get(f"/practice/{THEME}", query_string={"q": '"reflective'}).text
    assert "matching ‘&#34;reflective’</h2>" in opened
    assert "Clear filters" in found

    none = client.get(f"/practice/{THEME}", query_string={"q": "zebra"}).text
    assert "0 examples matching" in none
    assert "There is no matching practice" in none
    assert "checking your spelling" in none


def test_an_example_shows_its_public_text(collection, client) -> None:
    publication = collection["worker"]
    page = client.get(f"/practice/{THEME}/{publication.slug}")
    assert page.status_code == 200
    for shown in ("One dependable worker for each family", "Re-referrals halved",
                  "Plymouth City Council", "South West", "2010", "Validated",
                  "children&#39;s services duty team", f'href="/practice/{THEME}"'):
        assert shown in page.text, shown


@pytest.mark.parametrize("status", [PublicationStatus.EDITING,
                                    PublicationStatus.AWAITING_APPROVAL])
def test_nothing_unpublished_is_reachable(collection, client, status: str) -> None:
    hidden = collection["editing" if status == PublicationStatus.EDITING else "awaiting"]
    assert client.get(f"/practice/{THEME}/{hidden.slug}").status_code == 404
    for path, query in ((f"/practice/{THEME}", {}), (f"/practice/{THEME}", {"q": "chronology"}),
                        (f"/practice/{THEME}", {"topic": hidden.topic}),
                        (f"/practice/{THEME}/feed.atom", {}), ("/practice/", {})):
        body = client.get(path, query_string=query).text
        assert hidden.title not in body, path
        assert hidden.slug not in body, path
        assert hidden.topic not in body, path


def test_no_personal_data_or_evidence_file_reaches_a_public_page(collection, client) -> None:
    pages = ["/practice/", f"/practice/{THEME}", f"/practice/{THEME}/feed.atom",
             f"/practice/{THEME}?q=family", "/practice/early-years"]
    pages += [f"/practice/{p.theme_slug}/{p.slug}" for p in collection.values()
              if p.status == PublicationStatus.PUBLISHED]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.text
        for private in (*PRIVATE.values(), SUBMITTER_EMAIL, EVIDENCE_NAME, EVIDENCE_URL,
                        "/validation/"):
            assert private not in body, (path, private)
        # The one feedback page linked is its public start, for anyone to send practice.
        assert re.findall(r"/feedback/[^\s\"<]*", body) in ([], ["/feedback/"]), path


@pytest.mark.parametrize("path", [
    "/practice/no-such-theme", f"/practice/{THEME}/no-such-example",
    "/practice/no-such-theme/feed.atom", "/practice/%00", f"/practice/{THEME}/%00",
    "/practice/" + "x" * 5000, f"/practice/{THEME}/" + "y" * 5000,
])
def test_what_is_not_there_is_not_found(collection, client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_public_needs_no_sign_in(collection, client) -> None:
    for path in ("/practice/", f"/practice/{THEME}", f"/practice/{THEME}/feed.atom",
                 f"/practice/{THEME}/{collection['worker'].slug}"):
        assert client.get(path).status_code == 200, path


# --- the feed ---------------------------------------------------------------------------

def test_the_feed_is_valid_atom_of_the_newest_practice(app, client) -> None:
    for n in range(23):
        make_publication(f"Example {n} <&> \"quoted\"", summary=f"Summary {n} & more\x01.")
    make_publication("Unpublished example", status=PublicationStatus.AWAITING_APPROVAL)
    response = client.get(f"/practice/{THEME}/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"

    feed = ET.fromstring(response.data)  # parses: the text was escaped, \x01 dropped
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    alternate = feed.find(f"{ATOM}link[@rel='alternate']")
    assert alternate.get("href") == f"http://localhost/practice/{THEME}"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == library.FEED_SIZE
    assert entries[0].findtext(f"{ATOM}title") == 'Example 22 <&> "quoted"'
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{required}"), required
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link.get("href").startswith(f"http://localhost/practice/{THEME}/practice-")
    assert b"Unpublished example" not in response.data
    assert entries[0].findtext(f"{ATOM}summary") == "Summary 22 & more."


def test_the_feed_of_a_theme_without_practice_is_empty_but_valid(app, client) -> None:
    db.session.add(Theme(slug="neglect", name="Neglect"))
    db.session.commit()
    feed = ET.fromstring(client.get("/practice/neglect/feed.atom").data)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated")
