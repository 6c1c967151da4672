"""Row ids in paths: the converter's own pattern stops at the database's ceiling."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from workshops.row_ids import LARGEST, digits_up_to


@given(largest=st.integers(min_value=1, max_value=10**12),
       number=st.integers(min_value=0, max_value=10**13), zeros=st.integers(0, 2))
def test_the_pattern_takes_exactly_the_numbers_from_one_to_the_largest(
        largest: int, number: int, zeros: int) -> None:
    written = "0" * zeros + str(number)
    matched = re.fullmatch(digits_up_to(largest), written) is not None
    assert matched == (1 <= number <= largest), (largest, written)


def test_the_ceiling_and_its_neighbours() -> None:
    pattern = re.compile(digits_up_to(LARGEST))
    for number in (1, 9, 10, 999_999_999, 1_000_000_000, LARGEST - 1, LARGEST):
        assert pattern.fullmatch(str(number)), number
    for written in ("0", str(LARGEST + 1), "2147483650", "9999999999", "1" + "0" * 10, "-1"):
        assert not pattern.fullmatch(written), written


def test_a_post_past_the_ceiling_beside_a_get_is_not_found(app) -> None:
    # The print job's page (GET) and its start (POST) share one path: werkzeug weighs the
    # method first, so a number refused only after the match answered the POST with a 405.
    client = app.test_client()
    assert client.post(f"/packs/workshops/{LARGEST + 1}/print").status_code == 404
    # The largest id still reaches the view, which asks the anonymous visitor to sign in.
    in_range = client.post(f"/packs/workshops/{LARGEST}/print")
    assert in_range.status_code == 302
    assert "/staff/login" in in_range.headers["Location"]
