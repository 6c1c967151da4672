"""Plugin: personalised delegate packs, bulk print files, badges and sign-in sheets."""

from flask import Blueprint, render_template

from workshops.models import Role
from workshops.plugins import NavEntry, Plugin

bp = Blueprint("packs", __name__, url_prefix="/packs")


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


plugin = Plugin(
    name="packs",
    title="Delegate packs",
    blueprints=[bp],
    nav=[NavEntry("Packs", "packs.health", (Role.ORGANISER,))],
)
