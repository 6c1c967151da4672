"""Long words stay on the page: a web address in the key messages, the longest real names.

Read back with poppler's pdftotext, which gives every word's box: a word that does not break
runs past the margin (off the paper, or into the next column of a table or sheet of badges).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from packs import bulk, render
from tests.conftest import make_workshop
from tests.packs.test_packs import _book
from workshops.extensions import db

POINTS_PER_MM = 72 / 25.4
ADDRESS = ("https://www.example.org/publications/safeguarding/highly-resistant-families/"
           "effective-practice-in-working-with-highly-resistant-families-full-report.pdf")
LONGEST_NAME = ("Hubert Blaine Wolfeschlegelsteinhausenbergerdorffwelchevoralternwaren"
                "gewissenhaftschaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzen")
ORGANISATION = "Wolverhampton Safeguarding Children Partnership " + "(Multi-Agency)" * 8


def _words_past_the_margin(pdf: bytes, margin_mm: float, tmp_path: Path) -> list[str]:
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", str(source), "-"], check=True,
                           capture_output=True, text=True).stdout
    past = []
    for page in re.finditer(r'<page width="([\d.]+)".*?</page>', boxes, re.S):
        edge = float(page.group(1)) - margin_mm * POINTS_PER_MM + 1
        past += [m.group(2)[:40] for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>',
            page.group(0)) if float(m.group(1)) > edge]
    return past


@pytest.fixture()
def long_words(app):
    workshop = make_workshop()
    workshop.series.key_messages = f"## Read more\n\n- The full review: {ADDRESS}"
    db.session.commit()
    # Sorted by surname, the long name comes second: the right-hand badge, the last row.
    return _book(workshop, LONGEST_NAME, ORGANISATION, True), \
        _book(workshop, "Ann Short", "Leeds City Council", True)


def test_a_pack_keeps_long_words_on_the_page(long_words, tmp_path: Path) -> None:
    pdf = render.render_pack(long_words[0])
    assert _words_past_the_margin(pdf, 18, tmp_path) == []
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "effective-practice" in text and long_words[0].reference in text


def test_badges_and_the_sign_in_sheet_keep_long_words_on_the_page(long_words,
                                                                   tmp_path: Path) -> None:
    workshop = long_words[0].workshop
    assert _words_past_the_margin(bulk.badges(workshop), 4.6, tmp_path) == []
    assert _words_past_the_margin(bulk.signin_sheet(workshop), 18, tmp_path) == []


def test_a_chinese_name_prints_in_a_font_that_has_it(app, tmp_path: Path) -> None:
    """DejaVu has no CJK glyphs: without a fallback font 'Li Wei 李伟' printed as 'Li Wei □□'."""
    made = _book(make_workshop(), "Li Wei 李伟", "Manchester City Council", True)
    source = tmp_path / "pack.pdf"
    source.write_bytes(render.render_pack(made))
    fonts = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True,
                           text=True).stdout
    assert "WenQuanYi" in fonts or "Noto" in fonts and "CJK" in fonts, fonts
    text = subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Li Wei 李伟" in text
