"""Staff sign in, with a rate limit and a lockout; sign out; change password."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from workshops import audit, clock, staff
from workshops.extensions import db, limiter
from workshops.forms import LoginForm, PasswordChangeForm
from workshops.models import User
from workshops.templating import staff_home

bp = Blueprint("auth", __name__, url_prefix="/staff")

FAILED = "The email address or password is not right, or the account is locked"


def role_required(*roles: str):  # noqa: ANN201
    """Signed-in staff with one of `roles` (admins always pass); 403 for others."""

    def decorator(view):  # noqa: ANN001, ANN202
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):  # noqa: ANN202
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _safe_next(target: str | None, user: User) -> str:
    # Only paths on this site: an absolute URL here would make us an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return staff_home(current_app, user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():  # noqa: ANN201
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        now = clock.now()
        if user and user.locked_until and user.locked_until > now:
            form.email.errors.append(FAILED)
        elif user and user.active and user.check_password(form.password.data):
            user.failed_logins = 0
            user.locked_until = None
            audit.record("signed in", "user", user.id, actor=user)
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next"), user), code=303)
        else:
            if user:
                user.failed_logins += 1
                if user.failed_logins >= current_app.config["LOGIN_LOCKOUT_ATTEMPTS"]:
                    user.locked_until = now + timedelta(
                        minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
                    user.failed_logins = 0
                    audit.record("locked out", "user", user.id, actor="system")
                db.session.commit()
            form.email.errors.append(FAILED)
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@bp.get("/logout")
def logout():  # noqa: ANN201
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("public.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():  # noqa: ANN201
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Your current password is not right")
        else:
            user = current_user._get_current_object()
            staff.change_password(user, form.new.data)
            # The session names the old password (User.get_id): this browser stays signed in
            # under the new one, every other is signed out.
            login_user(user)
            flash("Your password has been changed", "success")
            return redirect(staff_home(current_app, current_user), code=303)
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
