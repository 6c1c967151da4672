"""Charts drawn on the server as SVG: no JavaScript, and every figure also given as a table.

Each chart is a <figure>: the picture, an `<svg role="img">` named by its <title> and summed up
in one sentence by its <desc>; then, for anyone who cannot see it or wants the exact numbers,
the same figures in a GOV.UK table inside a details component.

The SVG has a viewBox and width="100%", so it fills its column and keeps its proportions. The
page's Content-Security-Policy refuses inline styles, so everything is drawn with presentation
attributes (fill, font-size...), which it allows. Every piece of text goes in through
`Markup.format`, which escapes it: labels are what delegates typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from markupsafe import Markup

# GOV.UK Frontend 6's colours: text 19:1 and brand blue 5.2:1 against white, so the bars pass
# the 3:1 asked of graphics and the labels the 4.5:1 asked of text.
TEXT_COLOUR = "#0b0c0c"
SECONDARY_TEXT_COLOUR = "#484949"
BAR_COLOUR = "#1d70b8"
TRACK_COLOUR = "#d2e2f1"  # the bar colour tinted 80%: the rest of the way to full
GRID_COLOUR = "#cecece"
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", "Helvetica Neue", Arial, sans-serif'

WIDTH = 640  # viewBox units: one per CSS pixel in a two-thirds column on a desktop
LABEL_SIZE = 19  # GOV.UK's body text size
SMALL_SIZE = 16
CHAR_WIDTH = 0.6  # a lower-case letter's width in a wide sans-serif font, in ems (for layout)
_CHAR_EMS = {**dict.fromkeys("0123456789", 0.64), "%": 0.95, " ": 0.32,
             **dict.fromkeys(".,:;'’!|il", 0.3), **dict.fromkeys("mwMW", 0.95)}

EMPTY_MESSAGE = "There are no figures to show yet."


# --- numbers and words ---------------------------------------------------------------------

def format_number(value: float, unit: str = "") -> str:
    """1234 -> '1,234'; 12.5 -> '12.5'; a unit follows: '85%' or '12 delegates'."""
    text = f"{round(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if not unit:
        return text
    return f"{text} {unit}" if unit[0].isalnum() else f"{text}{unit}"


def _formatter(unit: str, value_format: Callable[[float], str] | None) -> Callable[[float], str]:
    return value_format or (lambda value: format_number(value, unit))


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of the text's width: no font metrics on the server, and the
    browser's sans-serif may be a wide one (DejaVu Sans on many Linux desktops)."""
    ems = sum(_CHAR_EMS.get(char, 0.72 if char.isupper() else CHAR_WIDTH) for char in text)
    return ems * size * (1.1 if bold else 1)


def _fit(text: str, width: float, size: float) -> str:
    """`text`, cut short with an ellipsis if it would run past `width` (the table has it all)."""
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _value_heading(unit: str) -> str:
    # "delegates" names the column; a symbol such as "%" does not.
    return unit.strip().capitalize() if unit.strip()[:1].isalpha() else "Value"


def _slug(text: str) -> str:
    return "chart-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figures")


def _n(value: float) -> str:
    # Coordinates to a tenth of a unit: shorter markup, no visible difference.
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- the parts every chart shares ----------------------------------------------------------

def _table(title: str, rows: Sequence[tuple[str, str]], label_heading: str,
           value_heading: str) -> Markup:
    body = Markup("").join(
        Markup('<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
               '{}</th><td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
               ).format(label, value)
        for label, value in rows)
    return Markup(
        '<details class="govuk-details">'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        'Show the figures as a table<span class="govuk-visually-hidden">: {title}</span>'
        '</span></summary><div class="govuk-details__text">'
        '<table class="govuk-table govuk-!-margin-bottom-0">'
        '<caption class="govuk-table__caption govuk-visually-hidden">{title}</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">{label_heading}</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
        '{value_heading}</th></tr></thead>'
        '<tbody class="govuk-table__body">{body}</tbody></table></div></details>'
    ).format(title=title, label_heading=label_heading, value_heading=value_heading, body=body)


def _figure(chart_id: str, title: str, picture: Markup, table: Markup) -> Markup:
    return Markup(
        '<figure class="app-chart govuk-!-margin-0 govuk-!-margin-bottom-8" id="{id}">'
        '<figcaption class="govuk-heading-s govuk-!-margin-bottom-3">{title}</figcaption>'
        '{picture}{table}</figure>'
    ).format(id=chart_id, title=title, picture=picture, table=table)


def _empty(chart_id: str, title: str, message: str) -> Markup:
    return _figure(chart_id, title, Markup('<p class="govuk-body">{}</p>').format(message),
                   Markup(""))


def _svg(chart_id: str, title: str, summary: str, height: float, shapes: Markup) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        'width="100%" aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'font-family="{font}" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{summary}</desc>'
        '{shapes}</svg>'
    ).format(width=WIDTH, height=_n(height), id=chart_id, font=FONT_FAMILY, text=TEXT_COLOUR,
             title=title, summary=summary, shapes=shapes)


# --- bar chart -----------------------------------------------------------------------------

def _bar_summary(title: str, rows: Sequence[tuple[str, float]],
                 show: Callable[[float], str]) -> str:
    if len(rows) == 1:
        return f"{title}: {rows[0][0]}, {show(rows[0][1])}."
    largest = max(rows, key=lambda row: row[1])
    smallest = min(rows, key=lambda row: row[1])
    return (f"{title}: {len(rows)} bars; the largest is {largest[0]}, {show(largest[1])}, "
            f"and the smallest is {smallest[0]}, {show(smallest[1])}.")


def bar_chart(title: str, rows: Sequence[tuple[str, float]], *, maximum: float | None = None,
              unit: str = "", value_format: Callable[[float], str] | None = None,
              chart_id: str | None = None, label_heading: str = "",
              value_heading: str = "", summary: str | None = None,
              empty_message: str = EMPTY_MESSAGE,
              remainder: tuple[str, float] | None = None) -> Markup:
    """A horizontal bar chart, one bar per row, in the order given; and its figures as a table.

    `maximum` is the value a full-width bar stands for (100 for percentages); a pale track
    behind each bar then shows how far it is from full. By default the largest value is full
    width, and no track is drawn (it would mean nothing). Each label sits above its bar, so
    long names (organisations) need no room beside the bars; the value follows the bar's end.

    `remainder` ("All other organisations", say) comes last, with its value but no bar, and
    takes no part in the scale: the sum of a long tail would dwarf the bars it follows.
    """
    chart_id = chart_id or _slug(title)
    if not rows and remainder is None:
        return _empty(chart_id, title, empty_message)
    show = _formatter(unit, value_format)
    shown = [show(value) for _, value in rows]
    top = max(maximum or 0, *(value for _, value in rows), 0) or 1
    # Room after the longest bar for the widest value, so no value is ever clipped.
    value_room = max((_text_width(text, LABEL_SIZE, bold=True) for text in shown), default=0) + 12
    track = WIDTH - value_room
    bar_height, label_gap, row_gap = 26, 8, 18
    row_height = LABEL_SIZE + label_gap + bar_height + row_gap
    shapes = []
    for index, ((label, value), text) in enumerate(zip(rows, shown, strict=True)):
        y = index * row_height
        bar_y = y + LABEL_SIZE + label_gap
        length = track * max(value, 0) / top
        shapes.append(Markup(
            '<text x="0" y="{label_y}" font-size="{size}">{label}</text>'
            '{track}<rect x="0" y="{bar_y}" width="{length}" height="{bar_h}" fill="{bar_fill}"/>'
            '<text x="{value_x}" y="{value_y}" font-size="{size}" font-weight="bold">'
            '{value}</text>'
        ).format(label_y=_n(y + LABEL_SIZE - 4), size=LABEL_SIZE,
                 label=_fit(label, WIDTH, LABEL_SIZE), bar_y=_n(bar_y),
                 track=Markup('<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>').format(
                     _n(bar_y), _n(track), bar_height, TRACK_COLOUR) if maximum else "",
                 bar_h=bar_height, length=_n(length),
                 bar_fill=BAR_COLOUR, value_x=_n(length + 8),
                 value_y=_n(bar_y + bar_height / 2 + LABEL_SIZE * 0.35), value=text))
    table_rows = [(label, text) for (label, _), text in zip(rows, shown, strict=True)]
    height = len(rows) * row_height - row_gap
    description = summary or (_bar_summary(title, rows, show) if rows else title + ".")
    if remainder is not None:
        label, value = remainder
        y = len(rows) * row_height
        shapes.append(Markup(
            '<text x="0" y="{label_y}" font-size="{size}">{label}</text>'
            '<text x="0" y="{value_y}" font-size="{size}" font-weight="bold">{value}</text>'
        ).format(label_y=_n(y + LABEL_SIZE - 4), size=LABEL_SIZE,
                 label=_fit(label, WIDTH, LABEL_SIZE),
                 value_y=_n(y + LABEL_SIZE + label_gap + bar_height / 2 + LABEL_SIZE * 0.35),
                 value=show(value)))
        height = (len(rows) + 1) * row_height - row_gap
        table_rows.append((label, show(value)))
        if not summary:
            description += f" {label}: {show(value)}, not drawn as a bar."
    picture = _svg(chart_id, title, description, height, Markup("").join(shapes))
    table = _table(title, table_rows, label_heading or "Item",
                   value_heading or _value_heading(unit))
    return _figure(chart_id, title, picture, table)


# --- line chart ----------------------------------------------------------------------------

def nice_ticks(top: float, most: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`."""
    if top <= 0:
        return [0, 1]
    rough = top / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= rough)
    if step < 1 and float(top).is_integer():
        step = 1  # counts: no half-bookings on the axis
    count = math.ceil(top / step)
    return [round(step * i, 10) for i in range(count + 1)]


def _line_summary(title: str, points: Sequence[tuple[str, float]],
                  show: Callable[[float], str]) -> str:
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"{title}: {first[0]}, {show(first[1])}."
    highest = max(points, key=lambda point: point[1])
    return (f"{title}: {len(points)} points from {first[0]} to {last[0]}, starting at "
            f"{show(first[1])} and ending at {show(last[1])}; the highest is "
            f"{show(highest[1])}, at {highest[0]}.")


def _x_label_indexes(count: int, spacing: float, label_width: float) -> list[int]:
    """Which points get an x-axis label: as many as fit without touching, always the first."""
    step = max(1, math.ceil((label_width + 16) / spacing)) if spacing else 1
    chosen = list(range(0, count, step))
    # The last point matters most (the latest figure): label it, making room if need be.
    if chosen[-1] != count - 1:
        if (count - 1 - chosen[-1]) * spacing < label_width + 16 and len(chosen) > 1:
            chosen.pop()
        chosen.append(count - 1)
    return chosen


def line_chart(title: str, points: Sequence[tuple[str, float]], *, unit: str = "",
               chart_id: str | None = None, label_heading: str = "",
               value_heading: str = "", summary: str | None = None,
               value_format: Callable[[float], str] | None = None,
               empty_message: str = EMPTY_MESSAGE) -> Markup:
    """A line through evenly spaced points (weeks, say), from zero up; and a table of them.

    The y axis has round gridlines; x labels are thinned so they never overlap, and the last
    point is always labelled with its value.
    """
    chart_id = chart_id or _slug(title)
    if not points:
        return _empty(chart_id, title, empty_message)
    show = _formatter(unit, value_format)
    ticks = nice_ticks(max(value for _, value in points))
    tick_labels = [format_number(tick) for tick in ticks]
    labels = [_fit(label, 200, SMALL_SIZE) for label, _ in points]
    label_width = max(_text_width(label, SMALL_SIZE) for label in labels)
    left = max(max(_text_width(text, SMALL_SIZE) for text in tick_labels) + 12,
               label_width / 2 + 2)
    right = label_width / 2 + 4
    top_margin, plot_height, bottom_margin = 36, 240, 40
    plot_width = WIDTH - left - right
    spacing = plot_width / (len(points) - 1) if len(points) > 1 else 0

    def x_at(index: int) -> float:
        return left + (index * spacing if len(points) > 1 else plot_width / 2)

    def y_at(value: float) -> float:
        return top_margin + plot_height * (1 - max(value, 0) / ticks[-1])

    shapes = []
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = y_at(tick)
        shapes.append(Markup(
            '<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="{grid}" '
            'stroke-width="1"/><text x="{label_x}" y="{text_y}" font-size="{size}" '
            'text-anchor="end" fill="{colour}">{text}</text>'
        ).format(left=_n(left), right=_n(WIDTH - right), y=_n(y), grid=GRID_COLOUR,
                 label_x=_n(left - 8), text_y=_n(y + SMALL_SIZE * 0.35), size=SMALL_SIZE,
                 colour=SECONDARY_TEXT_COLOUR, text=text))
    axis_y = y_at(0)
    shapes.append(Markup('<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="{colour}" '
                         'stroke-width="2"/>').format(left=_n(left), right=_n(WIDTH - right),
                                                      y=_n(axis_y), colour=TEXT_COLOUR))
    for index in _x_label_indexes(len(points), spacing, label_width):
        shapes.append(Markup(
            '<line x1="{x}" x2="{x}" y1="{y1}" y2="{y2}" stroke="{colour}" stroke-width="2"/>'
            '<text x="{x}" y="{text_y}" font-size="{size}" text-anchor="middle" '
            'fill="{colour}">{label}</text>'
        ).format(x=_n(x_at(index)), y1=_n(axis_y), y2=_n(axis_y + 6), colour=TEXT_COLOUR,
                 text_y=_n(axis_y + 6 + SMALL_SIZE + 4), size=SMALL_SIZE,
                 label=labels[index]))
    coordinates = " ".join(f"{_n(x_at(i))},{_n(y_at(value))}"
                           for i, (_, value) in enumerate(points))
    shapes.append(Markup('<polyline points="{points}" fill="none" stroke="{colour}" '
                         'stroke-width="3" stroke-linejoin="round"/>'
                         ).format(points=coordinates, colour=BAR_COLOUR))
    if len(points) <= 40:  # beyond that the markers merge into a thick line
        shapes.extend(Markup('<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>').format(
            x=_n(x_at(i)), y=_n(y_at(value)), colour=BAR_COLOUR)
            for i, (_, value) in enumerate(points))
    last_x, last_y = x_at(len(points) - 1), y_at(points[-1][1])
    shapes.append(Markup('<text x="{x}" y="{y}" font-size="{size}" font-weight="bold" '
                         'text-anchor="{anchor}">{value}</text>').format(
        x=_n(last_x), y=_n(last_y - 12), size=LABEL_SIZE,
        anchor="end" if len(points) > 1 else "middle", value=show(points[-1][1])))
    height = top_margin + plot_height + bottom_margin
    picture = _svg(chart_id, title, summary or _line_summary(title, points, show), height,
                   Markup("").join(shapes))
    table = _table(title, [(label, show(value)) for label, value in points],
                   label_heading or "Point", value_heading or _value_heading(unit))
    return _figure(chart_id, title, picture, table)
