"""Plugin: screening, the expert panel, decisions and the public practice library."""

from flask import Blueprint, render_template

from workshops.models import Role
from workshops.plugins import NavEntry, Plugin

bp = Blueprint("validation", __name__, url_prefix="/validation")


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


plugin = Plugin(
    name="validation",
    title="Validation",
    blueprints=[bp],
    nav=[
        NavEntry(
            "Validation", "validation.health", (Role.SCREENER, Role.PANEL_MEMBER, Role.PANEL_CHAIR)
        )
    ],
)
