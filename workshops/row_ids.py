"""Row ids read from URLs and query strings, kept to what the database can hold.

A number past the database's integer range names no row, but handed to the driver it is an
error, not an empty result (PostgreSQL's integer stops at 2**31 - 1; SQLite cannot bind a
number past 2**63 - 1), so a mistyped or hostile link such as /organiser/workshops/9999999999
would be a 500. Past the range it is no row: a 404 for a path, and for a query string the
parameter is treated as absent.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Ids are Integer columns: PostgreSQL's integer, whose ceiling this is (SQLite's is higher).
LARGEST = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route, with the database's ceiling as its default maximum."""

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
