"""Plugin: practice submissions and the evaluation of the day, collected after each workshop."""

from flask import Blueprint, render_template

from workshops.models import Role
from workshops.plugins import NavEntry, Plugin

bp = Blueprint("feedback", __name__, url_prefix="/feedback", template_folder="templates")


@bp.get("/")
def index() -> str:
    """The address printed in every delegate pack, under the practice form."""
    return render_template("feedback/index.html")


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


plugin = Plugin(
    name="feedback",
    title="Feedback",
    blueprints=[bp],
    nav=[NavEntry("Submissions", "feedback.health", (Role.ORGANISER, Role.SCREENER))],
)
