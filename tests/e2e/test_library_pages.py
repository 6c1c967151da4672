"""The public practice library in a browser: search, filter, open an example, by keyboard too.

axe-core checks the list, the page with no results and the example page; reflow at 320 CSS
pixels is checked on the list and the example.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import Checks, overflow, screenshot, tab_to
from tests.validation.test_library import make_publication
from validation.models import Level, PublicationStatus

pytestmark = pytest.mark.browser

THEME = "safeguarding"


def _library() -> None:
    """Twelve published examples (two pages) and one that is still awaiting approval."""
    make_publication(
        "Chronology clinic for neglect cases",
        summary="A monthly multi-agency clinic built one shared chronology for every child "
                "open to neglect services, so that patterns of disguised compliance showed.",
        what_you_did="Health visitors, police, schools and social workers met monthly.\n\n"
                     "Each clinic reviewed five families and agreed one chronology.",
        impact="Drift fell: cases stepped up or down within six weeks, not six months.",
        evidence="Audit of 60 cases before and after; re-referrals fell from 31% to 18%.",
        transferability="Needs a coordinator one day a week and the partners' agreement.",
        contact_route="Write to the neglect service, Camden Council, 5 Pancras Square, London.",
        organisation="Camden Council", region="london", year=2010, topic="Neglect")
    make_publication(
        "Family group conferences for resistant families",
        summary="Independent coordinators gave families who avoided services a say in the "
                "plan for their children.", organisation="Gateshead Council",
        region="north-east", year=2009, topic="Family group conferences",
        level=Level.PROMISING)
    make_publication(
        "One dependable worker for each family",
        summary="A single key worker stayed with each family for two years, whatever the "
                "service the family needed next.", organisation="Plymouth City Council",
        region="south-west", year=2010, topic="Key workers")
    for n, (place, region) in enumerate([
            ("Leeds City Council", "yorkshire-and-the-humber"), ("Dudley Council", "west-midlands"),
            ("Norfolk County Council", "east-of-england"), ("Kent County Council", "south-east"),
            ("Derby City Council", "east-midlands"), ("Wigan Council", "north-west"),
            ("Hackney Council", "london"), ("Sunderland City Council", "north-east"),
            ("Bristol City Council", "south-west")]):
        make_publication(
            f"Reflective supervision in {place.split()[0]}",
            summary="Group reflective supervision helped staff to notice and name hostility "
                    "and avoidance, and to plan what to do next.", organisation=place,
            region=region,
            year=2009 + n % 2, topic="Supervision",
            level=Level.PROMISING if n % 3 == 0 else Level.VALIDATED)
    make_publication("Unapproved chronology wording", status=PublicationStatus.AWAITING_APPROVAL,
                     summary="A chronology the submitter has not approved yet.")


def test_a_visitor_searches_filters_and_reads_an_example(live, page: Page,
                                                         checks: Checks) -> None:
    with live.data():
        _library()

    page.goto("/practice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Validated local practice")
    checks.axe(page, "library index")
    page.get_by_role("link", name="Safeguarding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding")
    expect(page.locator("#results-count")).to_have_text("12 examples")
    expect(page.get_by_role("navigation", name="Pages of results")).to_be_visible()
    checks.axe(page, "theme list")

    # Search by keyboard: type, press Enter. Stemming: "families" finds "family".
    search = page.get_by_label("Search the practice")
    search.fill("families")
    search.press("Enter")
    expect(page.locator("#results-count")).to_have_text("3 examples matching ‘families’")
    expect(page.get_by_role("link", name="One dependable worker for each family")).to_be_visible()
    expect(page.get_by_role("link", name="Unapproved chronology wording")).to_have_count(0)

    # Filter: promising practice only, then one region; the query is kept throughout.
    search = page.get_by_label("Search the practice")
    search.fill("supervision")
    search.press("Enter")
    expect(page.locator("#results-count")).to_have_text("9 examples matching ‘supervision’")
    page.get_by_label(re.compile(r"Promising \(\d+\)")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-count")).to_have_text("3 examples matching ‘supervision’")
    expect(page.get_by_label("Search the practice")).to_have_value("supervision")
    expect(page.get_by_label(re.compile(r"Promising \(\d+\)"))).to_be_checked()
    page.get_by_label("Region").select_option("london")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-count")).to_have_text("1 example matching ‘supervision’")
    expect(page.get_by_role("link", name="Reflective supervision in Hackney")).to_be_visible()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#results-count")).to_have_text("9 examples matching ‘supervision’")

    # A phrase, then the example.
    search = page.get_by_label("Search the practice")
    search.fill('"shared chronology"')
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-count")).to_have_text(
        '1 example matching "shared chronology"')
    screenshot(page, "library-theme")
    page.get_by_role("link", name="Chronology clinic for neglect cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Chronology clinic for neglect cases")
    main = page.locator("main")
    expect(main).to_contain_text("re-referrals fell from 31% to 18%")
    expect(main).to_contain_text("5 Pancras Square")
    expect(main.get_by_role("heading", name="How they know it made a difference")).to_be_visible()
    checks.axe(page, "example")
    screenshot(page, "library-example")
    page.get_by_role("link", name="See all practice on Safeguarding").click()
    expect(page.locator("#results-count")).to_have_text("12 examples")

    # By keyboard alone: Tab to the box, type, Enter; Tab to a filter, Space, Enter.
    page.goto(f"/practice/{THEME}")
    tab_to(page, "#q")
    page.keyboard.type("supervision")
    page.keyboard.press("Enter")
    expect(page.locator("#results-count")).to_have_text("9 examples matching ‘supervision’")
    tab_to(page, "#level-2")
    page.keyboard.press("Space")
    tab_to(page, "Apply filters")
    page.keyboard.press("Enter")
    expect(page.locator("#results-count")).to_have_text("3 examples matching ‘supervision’")
    tab_to(page, "Reflective supervision in Hackney")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reflective supervision in Hackney")
    page.go_back()

    # Nothing found: advice, and axe on that page too. Hostile syntax is only words.
    search = page.get_by_label("Search the practice")
    search.fill('zebra NEAR("crossing" *')
    search.press("Enter")
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^0 examples matching"))
    expect(page.get_by_text("There is no matching practice")).to_be_visible()
    checks.axe(page, "no results")

    # The unapproved example is not there, even by its address.
    response = page.goto(f"/practice/{THEME}/practice-unapproved")
    assert response is not None and response.status == 404
    checks.assert_clean()


def test_library_pages_reflow_at_320_css_pixels(live, page: Page) -> None:
    with live.data():
        _library()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/practice/{THEME}?q=chronology")
    example = page.get_by_role("link", name="Chronology clinic for neglect cases")
    href = example.get_attribute("href")
    for path in (f"/practice/{THEME}", f"/practice/{THEME}?q=supervision&level=promising", href):
        page.goto(path)
        assert not (problem := overflow(page, 320)), problem
