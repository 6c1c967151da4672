"""Row ids read from URLs and query strings, kept to what the database can hold.

A number past the database's integer range names no row, but handed to the driver it is an
error, not an empty result (PostgreSQL's integer stops at 2**31 - 1; SQLite cannot bind a
number past 2**63 - 1), so a mistyped or hostile link such as /organiser/workshops/9999999999
would be a 500. Past the range it is no row: a 404 for a path, and for a query string the
parameter is treated as absent.

For a path the ceiling is in the converter's pattern, not only in its check after the match:
werkzeug weighs a rule's method before its converters, so where one path has a GET rule and a
POST rule, a number that only the check refused answered a POST with "405 method not allowed"
(the GET rule's path had matched). A number the pattern refuses matches no rule: a 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Ids are Integer columns: PostgreSQL's integer, whose ceiling this is (SQLite's is higher).
LARGEST = 2**31 - 1


def digits_up_to(largest: int) -> str:
    """A regular expression for the decimal numbers 1 to `largest`, leading zeros allowed.

    One branch for every shorter length, then, digit by digit along `largest`, one for the
    numbers that share its first digits and are smaller at the next: 1 to 99, 1[0-9][0-9],
    2[0-2][0-9], 23[0-3] and 234 for 234.
    """
    top = str(largest)
    branches = [rf"[1-9]\d{{0,{len(top) - 2}}}"] if len(top) > 1 else []
    for place, digit in enumerate(top):
        lowest = 1 if place == 0 else 0
        if int(digit) > lowest:
            rest = len(top) - place - 1
            branches.append(top[:place] + f"[{lowest}-{int(digit) - 1}]"
                            + (rf"\d{{{rest}}}" if rest else ""))
    branches.append(top)
    return rf"0*(?:{'|'.join(branches)})"


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route, with the database's ceiling as its default maximum."""

    regex = digits_up_to(LARGEST)

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = LARGEST, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def row_id(value: str) -> int:
    """For `request.args.get(name, type=row_id)`: a ValueError makes the argument absent."""
    number = int(value)
    if not 0 < number <= LARGEST:
        raise ValueError(f"{value!r} is no row id")
    return number


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = RowIdConverter
