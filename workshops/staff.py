"""Staff accounts, as administrators manage them: invite, change role, deactivate, reactivate.

Every change goes through one function here, which writes the audit entry. Two rules hold
under any concurrency: an administrator cannot deactivate themselves, and the last active
administrator cannot be removed (demoted or deactivated). The second is checked with the
administrators' rows locked (see `_lock_admins`), so two administrators demoting each other at
the same moment cannot both succeed.

An invitation is a signed, expiring link. Its payload names the user, a digest of their
password hash and when they were invited, so it stops working once a password has been set
with it (single use) or a newer invitation has been sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from workshops import audit, clock
from workshops.extensions import db
from workshops.mail import queue_mail
from workshops.models import Role, User
from workshops.models.users import hash_password
from workshops.urls import external_url
from workshops.validators import email_key, password_problem

INVITE_VALID = timedelta(days=7)
EMAIL_MAX = 254


class StaffRefused(Exception):
    """A rule said no. `field` names the form field the message belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InviteLinkInvalid(Exception):
    """The set-password link cannot be used. `why` is 'expired', 'used' or 'invalid'."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def role_with_article(role: str) -> str:
    """'an organiser', 'a panel member': for sentences that say what someone is."""
    label = role_label(role).lower()
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"


# --- the rules ---------------------------------------------------------------------------

def _lock_admins() -> None:
    """Serialise every change that could leave no administrator.

    A no-op UPDATE of every administrator's row: on PostgreSQL it locks those rows (a rival
    transaction waits, then sees the committed roles), on SQLite it takes the database's write
    lock. The count that follows is then the truth until this transaction ends.
    """
    db.session.execute(update(User).where(User.role == Role.ADMIN)
                       .values(role=User.role).execution_options(synchronize_session=False))


def active_admins() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True))) or 0


def _staff(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise StaffRefused("This member of staff does not exist.")
    return user


def _keep_an_admin(user: User) -> None:
    """Refuse if `user` is the only active administrator. The caller holds `_lock_admins`."""
    if user.role == Role.ADMIN and user.active and active_admins() <= 1:
        raise StaffRefused(
            f"{user.display_name} is the only active administrator. Make someone else an "
            "administrator first, so that someone can still manage staff.", field="role")


# --- invitations -------------------------------------------------------------------------

class _ClockSigner(TimestampSigner):
    # Links age by the service's clock, so the demo's shifted clock and tests agree with it.
    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def link_serializer(salt: str) -> URLSafeTimedSerializer:
    """Signs the payloads of links emailed to staff; each kind of link has its own salt, so
    one kind cannot be passed off as another."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt,
                                  signer=_ClockSigner)


def _invited_stamp(user: User) -> str:
    return user.invited_at.isoformat() if user.invited_at else ""


def invite_token(user: User) -> str:
    return link_serializer("staff-invite").dumps({"u": user.id, "p": user.password_stamp,
                                "i": _invited_stamp(user)})


def invite_expires(user: User) -> datetime | None:
    return user.invited_at + INVITE_VALID if user.invited_at else None


def read_link(salt: str, token: str, valid: timedelta,
              invalid: type[InviteLinkInvalid] = InviteLinkInvalid) -> tuple[User, dict]:
    """The user a signed link emailed to staff names, and its payload; `invalid` ('expired',
    'invalid', 'deactivated' or 'used') if it cannot be used now. Every such link carries the
    password's stamp, so it is used up once a password is set."""
    try:
        payload = link_serializer(salt).loads(token, max_age=int(valid.total_seconds()))
    except SignatureExpired:
        raise invalid("expired") from None
    except BadSignature:
        raise invalid("invalid") from None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise invalid("invalid")
    if not user.active:
        raise invalid("deactivated")
    if payload.get("p") != user.password_stamp:
        raise invalid("used")
    return user, payload


def user_for_token(token: str) -> User:
    """The user a set-password link is for; InviteLinkInvalid if it cannot be used now."""
    user, payload = read_link("staff-invite", token, INVITE_VALID)
    if payload.get("i") != _invited_stamp(user):
        raise InviteLinkInvalid("used")  # a newer invitation replaced it
    return user


def _send_invite(user: User, actor: User) -> None:
    user.invited_at = clock.now()
    queue_mail(
        user.email, "staff_invite", "You have been invited to Knowledge workshops",
        reason="an administrator invited you to join the staff of Knowledge workshops",
        user=user, inviter=actor.display_name, role=role_with_article(user.role),
        set_password_url=external_url("staff_invite.set_password", token=invite_token(user)),
        expires=invite_expires(user))


def invite(email: str, name: str, role: str, *, actor: User) -> User:
    """Make an account with no password yet and email a link to set one."""
    key = email_key(email)
    if not key or "@" not in key or len(key) > EMAIL_MAX:
        raise StaffRefused("Enter an email address in the correct format, like "
                           "name@example.org", field="email")
    if role not in {r.value for r in Role}:
        raise StaffRefused("Choose a role", field="role")
    if db.session.scalar(select(User.id).where(User.email == key)):
        raise StaffRefused("There is already a staff account with this email address. Find "
                           "it in the list of staff to change it.", field="email")
    user = User(email=key, name=name.strip(), role=role, password_hash="", active=True)
    db.session.add(user)
    db.session.flush()
    _send_invite(user, actor)
    audit.record("invited staff", "user", user.id, actor=actor, role=role)
    db.session.commit()
    return user


def resend_invite(user_id: int, *, actor: User) -> User:
    """A new link for someone who has not set a password yet; older links stop working."""
    user = _staff(user_id)
    if user.password_hash:
        raise StaffRefused(f"{user.display_name} has already set a password.")
    if not user.active:
        raise StaffRefused(f"{user.display_name}’s account is deactivated. Reactivate it "
                           "first.")
    _send_invite(user, actor)
    audit.record("resent invitation", "user", user.id, actor=actor)
    db.session.commit()
    return user


def replace_password(user: User, password: str) -> bool:
    """Give `user` this password and lift any lockout, for the holder of a link emailed to
    them; False (and the transaction rolled back) if the password changed since the link
    was read: two tabs, one password. StaffRefused if the password will not do."""
    if problem := password_problem(password):
        raise StaffRefused(problem, field="new")
    changed = db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
    return bool(changed)


def tell_password_changed(user: User, *, reset: bool) -> None:
    """Email the account's owner that its password changed (queued with the change): if it was
    not them, they learn of it at once and can take the account back."""
    queue_mail(
        user.email, "password_changed", "Your Knowledge workshops password was changed",
        reason="the password of the staff account with this address was changed",
        user=user, reset=reset, when=clock.now(),
        reset_url=external_url("password_reset.ask"))


def change_password(user: User, password: str) -> None:
    """A signed-in member of staff chooses a new password (the form has checked the old one
    and the new one's rules)."""
    user.set_password(password)
    audit.record("changed password", "user", user.id, actor=user)
    tell_password_changed(user, reset=False)
    db.session.commit()


def set_password(token: str, password: str) -> User:
    """Set the password of the user the link is for; the link then stops working."""
    user = user_for_token(token)
    if not replace_password(user, password):
        raise InviteLinkInvalid("used")
    audit.record("set password from invitation", "user", user.id, actor=user)
    db.session.commit()
    return user


# --- roles and access --------------------------------------------------------------------

def change_role(user_id: int, role: str, *, actor: User) -> bool:
    """Give someone another role; False if it was already theirs."""
    if role not in {r.value for r in Role}:
        raise StaffRefused("Choose a role", field="role")
    db.session.rollback()  # the lock must be this transaction's first statement (SQLite)
    _lock_admins()
    user = _staff(user_id)
    if user.role == role:
        db.session.rollback()
        return False
    if role != Role.ADMIN:
        _keep_an_admin(user)
    old = user.role
    user.role = role
    audit.record("changed role", "user", user.id, actor=actor, changes={"role": [old, role]})
    db.session.commit()
    return True


def deactivate(user_id: int, *, actor: User) -> User:
    """Stop someone signing in. Nothing they did is removed; they can be reactivated."""
    if user_id == actor.id:
        raise StaffRefused("You cannot deactivate your own account. Ask another "
                           "administrator to do it.")
    db.session.rollback()
    _lock_admins()
    user = _staff(user_id)
    if not user.active:
        db.session.rollback()
        return user
    _keep_an_admin(user)
    user.active = False
    audit.record("deactivated staff", "user", user.id, actor=actor)
    db.session.commit()
    return user


def reactivate(user_id: int, *, actor: User) -> User:
    user = _staff(user_id)
    if user.active:
        return user
    user.active = True
    # A fresh start: the lockout counter may have been left part-way by the old account.
    user.failed_logins, user.locked_until = 0, None
    audit.record("reactivated staff", "user", user.id, actor=actor)
    db.session.commit()
    return user
