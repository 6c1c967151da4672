"""Staff who have forgotten their password: a link by email to choose a new one.

Asking gives the same answer whether or not the address has an account, so the form cannot be
used to find out who the staff are; the page hands the address to the queue (tasks.
send_password_reset) and the consumer calls request_reset, so even the time the page takes
does not tell. An active account gets a signed link that expires after
RESET_VALID; its payload names the user and their password's stamp, so it works once: setting
a password changes the stamp. Setting a password through it also lifts a lockout (whoever
holds the mailbox may sign in) and signs out every browser still signed in with the old
password (User.get_id).

Each address gets at most SENDS_PER_HOUR links an hour, counted in the audit log, whatever the
number of machines asking: the form's rate limit is per machine, and a staff member's inbox
should not be flooded from many.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from workshops import audit, clock
from workshops.extensions import db
from workshops.mail import queue_mail
from workshops.models import AuditEntry, User
from workshops.staff import (
    InviteLinkInvalid,
    email_key,
    link_serializer,
    read_link,
    replace_password,
    tell_password_changed,
)
from workshops.urls import external_url

RESET_VALID = timedelta(hours=1)
SENDS_PER_HOUR = 3
SENT = "sent password reset link"
SALT = "staff-password-reset"  # its own: an invitation cannot be passed off as a reset link


class ResetLinkInvalid(InviteLinkInvalid):
    """The reset link cannot be used. `why` is 'expired', 'used' or 'invalid'."""


def reset_token(user: User) -> str:
    return link_serializer(SALT).dumps({"u": user.id, "p": user.password_stamp})


def _sent_this_hour(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "user", AuditEntry.entity_id == user.id,
        AuditEntry.action == SENT, AuditEntry.at > clock.now() - timedelta(hours=1))
    ) or 0


def request_reset(email: str) -> bool:
    """Email a reset link if `email` is an active account's and it has not had its links for
    this hour; whether one was sent, which the page that asked must not tell."""
    user = db.session.scalar(select(User).where(User.email == email_key(email)))
    if user is None or not user.active or _sent_this_hour(user) >= SENDS_PER_HOUR:
        return False
    expires: datetime = clock.now() + RESET_VALID
    queue_mail(
        user.email, "password_reset", "Reset your password for Knowledge workshops",
        reason="someone asked to reset the password of the staff account with this address",
        user=user, reset_url=external_url("password_reset.choose", token=reset_token(user)),
        expires=expires)
    audit.record(SENT, "user", user.id, actor="password reset form")
    db.session.commit()
    return True


def user_for_reset_token(token: str) -> User:
    """The user a reset link is for; ResetLinkInvalid if it cannot be used now (its password
    was set since, with this link or another way, or the account was deactivated)."""
    return read_link(SALT, token, RESET_VALID, ResetLinkInvalid)[0]


def reset_password(token: str, password: str) -> User:
    """Set the password of the user the link is for; the link then stops working.
    StaffRefused if the password will not do."""
    user = user_for_reset_token(token)
    if not replace_password(user, password):
        raise ResetLinkInvalid("used")
    audit.record("reset password", "user", user.id, actor=user)
    tell_password_changed(user, reset=True)
    db.session.commit()
    return user
