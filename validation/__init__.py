"""Plugin: screening, the expert panel, decisions and the public practice library.

It receives every practice submission through `submission_received` (it imports nothing from
the feedback plugin), carries it through the workflow in `workflow.py` and `panel.py`, and
publishes the best on the theme's pages (`library.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, render_template

from validation import models  # noqa: F401  (the tables, for migrations)
from validation.search import HAND_MADE_SCHEMA
from workshops.models import Role, User
from workshops.plugins import NavEntry, OnwardState, Plugin

# Staff pages (screening, the panel, decisions, the pipeline) and the submitter's own pages.
bp = Blueprint("validation", __name__, url_prefix="/validation", template_folder="templates")
# The public practice library, one page per theme.
library_bp = Blueprint("library", __name__, url_prefix="/practice", template_folder="templates")

STAFF = (Role.SCREENER, Role.PANEL_MEMBER, Role.PANEL_CHAIR)
# Who may list and read every case. Unpublished submissions describe work with vulnerable
# families (DOMAIN.md, data protection), so a panel member reads only the cases they are
# assigned to, through their panel page.
CASE_READERS = (Role.SCREENER, Role.PANEL_CHAIR)


@bp.after_request
def personal(response):  # noqa: ANN001, ANN201
    # Cases, the panel's scores and the submitter's own pages: never kept by a shared cache.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


def setup(app: Flask) -> None:
    from validation import (
        audit_names,
        personal_data,
        tasks,  # noqa: F401  (the reminder)
        workflow,
    )
    from validation.models import STATE_LABELS
    from workshops import audit, signals

    env = os.environ
    # The same folder as the feedback plugin's: a case's files sit beside its submission's.
    app.config.setdefault("EVIDENCE_FOLDER",
                          env.get("EVIDENCE_FOLDER") or str(Path(app.instance_path) / "evidence"))
    app.config.setdefault("VALIDATION_REMINDER_DAYS",
                          int(env.get("VALIDATION_REMINDER_DAYS") or 14))
    signals.submission_received.connect(workflow.receive, weak=False)
    audit.describe_actions(workflow.AUDIT_LABELS)
    for key in ("before", "after"):
        audit.describe_values("validation_case", key, STATE_LABELS)
    audit_names.connect()
    personal_data.connect()


def grants_reading(user: User, submission_id: int) -> bool:
    """Whoever may read a submission's case may read the submission (its evidence)."""
    from sqlalchemy import select

    from validation import panel
    from validation.models import Case
    from workshops.extensions import db

    case = db.session.scalar(select(Case).where(Case.submission_id == submission_id))
    return case is not None and panel.may_read(case, user)


def submission_states(submission_ids: list[int]) -> dict[int, OnwardState]:
    """Each case's state by its submission, with the submitter's personal link to it."""
    from flask import url_for
    from sqlalchemy import select

    from validation.models import STATE_LABELS, SUBMITTER_STATUS, Case, CaseState
    from workshops.extensions import db

    rows = db.session.execute(select(Case.submission_id, Case.state, Case.token)
                              .where(Case.submission_id.in_(submission_ids)))
    # Staff lists say "Screening"; the submitter's pages say what their validation page says.
    return {sid: OnwardState(STATE_LABELS.get(CaseState(state), str(state)),
                             withdrawn=state == CaseState.WITHDRAWN,
                             follow=url_for("validation.respond", token=token),
                             said_to_submitter=SUBMITTER_STATUS[CaseState(state)][0])
            for sid, state, token in rows}


def load_demo() -> dict[str, tuple[str, str]]:
    # Imported when called: the demo's stories are no use to a running site. It carries the
    # feedback demo's submissions, so PLUGINS must name feedback first (entry points do).
    from validation.demo import load

    return load()


plugin = Plugin(
    name="validation",
    title="Validation",
    blueprints=[bp, library_bp],
    nav=[NavEntry("Practice library", "library.index"),
         NavEntry("Validation", "validation.queue", CASE_READERS, home_for=(Role.SCREENER,)),
         NavEntry("Panel", "validation.panel_home", (Role.PANEL_MEMBER, Role.PANEL_CHAIR),
                  home_for=(Role.PANEL_MEMBER, Role.PANEL_CHAIR)),
         # Organisers cannot open the queue, but the programme's figures are theirs too;
         # those who can (an admin) reach them from the queue's page.
         NavEntry("Validation figures", "validation.pipeline", (Role.ORGANISER,),
                  not_for=CASE_READERS)],
    setup=setup,
    submission_states=submission_states,
    grants_reading=grants_reading,
    demo=load_demo,
    hand_made_schema=HAND_MADE_SCHEMA,
)

# The views attach themselves to `bp` and `library_bp`; importing them registers them. One
# sorted import keeps ruff's isort content as each part of the plugin adds its module here.
from validation import (  # noqa: E402, F401
    views_library,
    views_panel,
    views_pipeline,
    views_publication,
    views_screening,
    views_submitter,
)
