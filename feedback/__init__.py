"""Plugin: practice submissions and the evaluation of the day, collected after each workshop.

It listens for `workshop_finished` (invitations), answers `personal_data_requested` (what it
holds about a person) and `retention_due` (unsent drafts past the period), sends
`submission_received` (the hand-off to whatever validation is installed) and imports nothing
from other plugins.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, render_template, url_for

from workshops.models import Role
from workshops.plugins import NavEntry, Plugin

bp = Blueprint("feedback", __name__, url_prefix="/feedback", template_folder="templates")

# Staff who read every submission received: organisers run the events, screeners and the panel
# chair validate. Not panel members: unpublished practice is about vulnerable families, so each
# member reads only what they are given to assess (DOMAIN.md, data protection).
READERS = (Role.ORGANISER, Role.SCREENER, Role.PANEL_CHAIR)


@bp.after_request
def personal(response):  # noqa: ANN001, ANN201
    # Drafts, answers, evaluations and staff views of them: never kept by a shared cache.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


def setup(app: Flask) -> None:
    from feedback import (
        amendments,
        audit_names,
        draft_retention,
        invitations,
        personal_data,
        tasks,  # noqa: F401
    )

    env = os.environ
    app.config.setdefault("EVIDENCE_FOLDER",
                          env.get("EVIDENCE_FOLDER") or str(Path(app.instance_path) / "evidence"))
    app.config.setdefault("FEEDBACK_REMINDER_DAYS", int(env.get("FEEDBACK_REMINDER_DAYS") or 7))
    amendments.connect()
    audit_names.connect()
    draft_retention.connect()
    invitations.connect()
    personal_data.connect()


def booking_links(booking) -> list[tuple[str, str]]:  # noqa: ANN001
    from feedback.links import booking_links as links

    return links(booking)


def workshop_links(workshop) -> list[tuple[str, str]]:  # noqa: ANN001
    from feedback.links import workshop_links as links

    return links(workshop)


def public_links() -> list[tuple[str, str]]:
    # Practice is not only for delegates: anyone in the sector may send it (the index says so).
    return [("Share your local practice, whether or not you come to a workshop",
             url_for("feedback.index"))]


def load_demo() -> dict[str, tuple[str, str]]:
    # Imported when called: the demo's tables of content are no use to a running site.
    from feedback.demo import load

    return load()


plugin = Plugin(
    name="feedback",
    title="Feedback",
    blueprints=[bp],
    nav=[NavEntry("Submissions", "feedback.submissions", READERS)],
    setup=setup,
    booking_links=booking_links,
    workshop_links=workshop_links,
    public_links=public_links,
    demo=load_demo,
)

# The views attach themselves to `bp`; importing them registers them.
from feedback import views_evaluation, views_practice, views_staff  # noqa: E402, F401
