"""Plugin: screening, the expert panel, decisions and the public practice library."""

from flask import Blueprint, render_template

from workshops.plugins import Plugin

bp = Blueprint("validation", __name__, url_prefix="/validation")


@bp.get("/health")
def health() -> str:
    return render_template("plugin_health.html", title=plugin.title, description=__doc__)


plugin = Plugin(name="validation", title="Validation", blueprints=[bp])
