"""The pipeline page (where cases are, how long each stage takes, decisions against the
programme's benchmark, the panel's workload) and the review team's exports of validated and
promising practice.

The figures are worked out in `pipeline`; this module draws the charts and writes the files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from flask import Response, current_app, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from validation import STAFF, bp, pipeline
from validation.models import Publication
from workshops import audit, charts, clock, spreadsheets
from workshops.extensions import db
from workshops.models import Role
from workshops.views.auth import role_required

# Those who run the programme: screeners and the chair move cases on, organisers report on it.
# Panel members see their own cases, not everyone's.
READERS = (Role.PANEL_CHAIR, Role.SCREENER, Role.ORGANISER)


def _month(month: date) -> str:
    return f"{month:%B %Y}"


def _charts(figures: pipeline.Figures) -> dict[str, Markup]:
    decided = figures.decided

    def with_share(value: float) -> str:
        return f"{value:,.0f} ({100 * value / decided:.0f}%)" if decided else f"{value:,.0f}"

    return {
        "states": charts.bar_chart(
            "Cases by state", [(label, number) for _, label, number in figures.states]
            if figures.total else [],
            chart_id="chart-states", label_heading="State", value_heading="Cases",
            empty_message="No practice has been submitted yet."),
        "levels": charts.bar_chart(
            "Decisions by level", [(row.label, row.cases) for row in figures.levels]
            if decided else [],
            value_format=with_share, chart_id="chart-levels", label_heading="Level",
            value_heading="Decisions (share)",
            empty_message="The panel has not decided any cases yet."),
        "months": charts.line_chart(
            "Cases received, by month",
            [(_month(month), number) for month, number in figures.months],
            chart_id="chart-months", label_heading="Month", value_heading="Cases received",
            empty_message="No practice has been submitted yet."),
    }


@bp.get("/pipeline", endpoint="pipeline")
@role_required(*READERS)
def pipeline_page() -> str:
    figures = pipeline.figures()
    # Organisers see the figures but not the queue behind them.
    return render_template("validation/pipeline.html", figures=figures, charts=_charts(figures),
                           queue_links=current_user.has_role(*STAFF))


# --- the review team's exports ---------------------------------------------------------------

def _example_url() -> Callable[[Publication], str] | None:
    """Public addresses of published examples, if the practice library is serving them."""
    if "library.example" not in current_app.view_functions:
        return None
    return lambda publication: url_for("library.example", theme_slug=publication.theme_slug,
                                       slug=publication.slug, _external=True)


@bp.get("/exports/validated.<any(csv, json):file_format>", endpoint="export_validated")
@role_required(*READERS)
def export_validated(file_format: str) -> Response:
    cases = pipeline.review_cases(_example_url())
    # The panel's unpublished judgements, with their names, leave the service: the log says who.
    audit.record("exported validated practice", "validation_export", 0, format=file_format,
                 cases=len(cases))
    db.session.commit()
    if file_format == "json":
        body = json.dumps({"generated_at": clock.now().isoformat(timespec="seconds"),
                           "cases": [pipeline.review_record(case) for case in cases]},
                          indent=2, ensure_ascii=False)
        mimetype = "application/json"
    else:
        # The byte-order mark makes Excel read the file as UTF-8; csv_text makes each cell safe.
        body = "\ufeff" + spreadsheets.csv_text(*pipeline.review_table(cases))
        mimetype = "text/csv"
    name = f"validated-practice-{clock.now():%Y-%m-%d}.{file_format}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store"})
