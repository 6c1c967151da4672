"""Staff management by administrators: invitations over real SMTP, roles, deactivation."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import STAFF_PASSWORD, Mailbox, login, mailed_path, make_staff, sign_in_status
from workshops import clock, staff
from workshops.extensions import db
from workshops.formatting import short_day
from workshops.models import AuditEntry, Role, User

NEW_PASSWORD = "a brand new long passphrase"


@pytest.fixture()
def admin(app) -> User:
    return make_staff(Role.ADMIN)


@pytest.fixture()
def signed_in(client: FlaskClient, admin: User) -> FlaskClient:
    login(client, admin)
    return client


def _as(client: FlaskClient) -> FlaskClient:
    """`client`, ready for a request as its own user.

    The test's app context is shared by every request, and Flask-Login caches the signed-in
    user in its `g`: without this, one client's request would run as the previous client's user.
    """
    g.pop("_login_user", None)
    return client


def _fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _invite(client: FlaskClient, **overrides) -> object:
    data = {"name": "Priya Shah", "email": "Priya.Shah@Example.org", "role": "organiser"}
    data.update(overrides)
    return client.post("/admin/staff/invite", data=data)


def _actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- invitations -------------------------------------------------------------------------

def test_invitation_sets_a_password_that_signs_in_once(app, signed_in, admin, mailbox, client):
    response = _invite(signed_in)
    assert response.status_code == 303
    invited = db.session.scalar(select(User).where(User.email == "priya.shah@example.org"))
    assert invited.role == "organiser" and invited.password_hash == ""
    assert invited.invited_at is not None
    [entry] = _actions("invited staff")
    assert entry.entity_id == invited.id and entry.actor_id == admin.id

    link = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    [message] = mailbox.to("priya.shah@example.org")
    plain = message.get_body(("plain",)).get_content()
    assert "A admin has invited you to Knowledge workshops as an organiser" in plain
    assert "because an administrator invited you to join the staff" in plain
    client.get("/staff/logout")
    # No password yet: none signs in.
    assert sign_in_status(client, "priya.shah@example.org", "any password at all") == 422

    page = client.get(link)
    assert page.status_code == 200 and b"Set your password" in page.data
    response = client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/login"
    assert _fresh(invited.id).check_password(NEW_PASSWORD)
    assert _actions("set password from invitation")

    assert sign_in_status(client, "priya.shah@example.org", NEW_PASSWORD) == 303
    assert client.get("/organiser/").status_code == 200
    client.get("/staff/logout")

    again = client.get(link)
    assert again.status_code == 410 and b"This link has already been used" in again.data
    reuse = client.post(link, data={"new": "someone else entirely", "confirm":
                                    "someone else entirely"})
    assert reuse.status_code == 410
    assert _fresh(invited.id).check_password(NEW_PASSWORD), "the used link changed nothing"


def test_an_expired_link_is_refused_with_a_page_that_says_what_to_do(app, signed_in, mailbox,
                                                                     client):
    _invite(signed_in)
    link = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    app.config["CLOCK_OFFSET"] = staff.INVITE_VALID + timedelta(minutes=1)
    for response in (client.get(link),
                     client.post(link, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})):
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert "<h1 class=\"govuk-heading-l\">This link has expired</h1>" in page
        assert "Ask the administrator who invited you to send a new invitation" in page
    invited = db.session.scalar(select(User).where(User.email == "priya.shah@example.org"))
    assert invited.password_hash == ""


def test_a_tampered_link_is_not_found(app, signed_in, mailbox, client):
    _invite(signed_in)
    link = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 404 and b"This link is not right" in response.data


def test_a_new_invitation_replaces_the_old_link(app, signed_in, mailbox, client):
    _invite(signed_in)
    old = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    invited = db.session.scalar(select(User).where(User.email == "priya.shah@example.org"))
    app.config["CLOCK_OFFSET"] = timedelta(seconds=2)  # a later invitation, however quick
    assert signed_in.post(f"/admin/staff/{invited.id}/resend-invite").status_code == 303
    assert len(mailbox.to("priya.shah@example.org")) == 2
    new = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    assert new != old
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_someone_deactivated_before_setting_a_password_is_told_so_at_each_step(
        app, signed_in, mailbox, client):
    _invite(signed_in, role="screener")
    link = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    invited = db.session.scalar(select(User).where(User.email == "priya.shah@example.org"))
    ask = signed_in.get(f"/admin/staff/{invited.id}/deactivate").text
    assert "has not set a password yet. Their invitation link will stop working" in ask
    assert "their password will work again" not in ask
    signed_in.post(f"/admin/staff/{invited.id}/deactivate")
    page = _as(client).get(link)
    assert page.status_code == 410 and "This account has been deactivated" in page.text
    assert "already been used" not in page.text
    ask = _as(signed_in).get(f"/admin/staff/{invited.id}/reactivate").text
    assert "will be a screener again. They have not set a password yet" in ask
    done = signed_in.post(f"/admin/staff/{invited.id}/reactivate", follow_redirects=True).text
    assert "They have not set a password yet: send them a new invitation." in done
    assert "sign in again with their password" not in done


def test_set_password_validates_like_changing_a_password(app, signed_in, mailbox, client):
    _invite(signed_in)
    link = mailed_path(mailbox, "priya.shah@example.org", "Set your password")
    response = client.post(link, data={"new": "short", "confirm": "different"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Password must be 12 characters or more" in page and 'id="new-error"' in page
    assert "Passwords must match" in page and 'id="confirm-error"' in page
    empty = client.post(link, data={})
    assert "Enter a new password" in empty.get_data(as_text=True)
    pasted = client.post(link, data={"new": "y" * 257, "confirm": "y" * 257})
    assert pasted.status_code == 422
    assert "Password must be 256 characters or fewer" in pasted.get_data(as_text=True)
    longest = client.post(link, data={"new": "y" * 256, "confirm": "y" * 256})
    assert longest.status_code == 303, "256 characters is still a password"


def test_invite_form_validates_beside_its_fields(app, signed_in, admin):
    response = _invite(signed_in, name="", email="not an email", role="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, message in (("name", "Enter their full name"),
                           ("email", "Enter an email address in the correct format"),
                           ("role", "Choose a role")):
        assert f'id="{field}-error"' in page and message in page
    taken = _invite(signed_in, email=admin.email.upper())
    assert taken.status_code == 422
    assert "There is already a staff account with this email address" in taken.get_data(
        as_text=True)


# --- the list ----------------------------------------------------------------------------

def test_list_shows_each_persons_role_status_and_last_invite(app, signed_in, mailbox):
    make_staff(Role.SCREENER, "sam@example.org")
    _invite(signed_in)
    page = signed_in.get("/admin/staff/").get_data(as_text=True)
    for text in ("priya.shah@example.org", "Priya Shah", "sam@example.org", "Screener",
                 "Organiser", ">Invited<", ">Active<", "Never", "3 people", "Last signed in"):
        assert text in page.replace("\n", "").replace("  ", ""), text


def test_the_list_says_when_each_person_last_signed_in(app, signed_in, admin):
    make_staff(Role.SCREENER, "sam@example.org")  # never signed in
    page = signed_in.get("/admin/staff/?sort=email").get_data(as_text=True)
    rows = {email: re.search(rf"{re.escape(email)}</td>(.*?)</tr>", page, re.S).group(1)
            for email in (admin.email, "sam@example.org")}
    # The admin signed in for this test, today; Sam never has.
    assert rows[admin.email].rstrip().endswith(f">{short_day(clock.now())}</td>"), rows
    assert rows["sam@example.org"].rstrip().endswith(">Never</td>"), rows


def test_the_list_sorts_by_status_and_by_last_sign_in(app, signed_in, admin, mailbox):
    make_staff(Role.SCREENER, "sam@example.org")  # active, never signed in
    _invite(signed_in)  # invited: no password yet
    gone = make_staff(Role.ORGANISER, "gone@example.org")
    staff.deactivate(gone.id, actor=admin)
    db.session.commit()

    def order(query: str) -> list[str]:
        page = signed_in.get(f"/admin/staff/?{query}").text
        return re.findall(r"<td class=\"govuk-table__cell\">([^<@]+@example\.org)</td>", page)

    by_status = order("sort=status")
    assert by_status.index("priya.shah@example.org") > by_status.index("sam@example.org")
    assert by_status[-1] == "gone@example.org"
    assert order("sort=status&dir=desc")[0] == "gone@example.org"
    # The admin signed in for this test; everyone else never has: they come first, oldest.
    assert order("sort=signed_in")[-1] == admin.email
    assert order("sort=signed_in&dir=desc")[0] == admin.email
    page = signed_in.get("/admin/staff/?sort=status").text
    assert "sorted active first" in page


def test_list_is_searchable_sortable_and_paginated(app, signed_in):
    for n in range(30):
        make_staff(Role.ORGANISER, f"person{n:02d}@example.org")
    first = signed_in.get("/admin/staff/?sort=email").get_data(as_text=True)
    assert "Showing 1 to 25 of 31 people" in first
    assert "person00@example.org" in first and "person29@example.org" not in first
    assert 'aria-label="Staff list pages"' in first
    last = signed_in.get("/admin/staff/?sort=email&page=2").get_data(as_text=True)
    assert "person29@example.org" in last and "person00@example.org" not in last
    backwards = signed_in.get("/admin/staff/?sort=email&dir=desc").get_data(as_text=True)
    assert backwards.index("person29@") < backwards.index("person28@")
    assert 'aria-sort="descending"' in backwards
    # What a screen reader hears of the sorted column: its own order, no other column's.
    assert ", sorted Z to A</span>" in backwards and "newest" not in backwards
    by_invite = signed_in.get("/admin/staff/?sort=invited").get_data(as_text=True)
    assert ", sorted oldest first</span>" in by_invite
    found = signed_in.get("/admin/staff/?q=SON07").get_data(as_text=True)
    assert "person07@example.org" in found and "person08@example.org" not in found
    none = signed_in.get("/admin/staff/?q=nobody%25").get_data(as_text=True)
    assert "No one matches" in none


# --- roles and access --------------------------------------------------------------------

def test_an_admin_changes_someones_role(app, signed_in, client, admin):
    sam = make_staff(Role.SCREENER, "sam@example.org")
    response = signed_in.post(f"/admin/staff/{sam.id}", data={"role": "panel-chair"})
    assert response.status_code == 303
    assert _fresh(sam.id).role == "panel-chair"
    [entry] = _actions("changed role")
    assert entry.details == {"changes": {"role": ["screener", "panel-chair"]}}
    assert entry.actor_id == admin.id
    page = signed_in.get(f"/admin/staff/{sam.id}").get_data(as_text=True)
    assert "is now a panel chair" in page


def test_a_deactivated_person_cannot_sign_in_and_is_signed_out(app, signed_in, admin):
    sam = make_staff(Role.ORGANISER, "sam@example.org")
    other = app.test_client()
    login(_as(other), sam)
    assert other.get("/organiser/").status_code == 200
    page = _as(signed_in).get(f"/admin/staff/{sam.id}/deactivate").get_data(as_text=True)
    assert "will no longer be able to sign in" in page
    assert _fresh(sam.id).active, "the confirmation page changes nothing"
    assert signed_in.post(f"/admin/staff/{sam.id}/deactivate").status_code == 303
    assert not _fresh(sam.id).active
    assert _actions("deactivated staff")
    assert _as(other).get("/organiser/").status_code == 302, "their session ends at once"
    assert sign_in_status(_as(app.test_client()), "sam@example.org", STAFF_PASSWORD) == 422

    assert _as(signed_in).post(f"/admin/staff/{sam.id}/reactivate").status_code == 303
    assert _fresh(sam.id).active and _actions("reactivated staff")
    assert sign_in_status(_as(app.test_client()), "sam@example.org", STAFF_PASSWORD) == 303


def test_an_admin_cannot_deactivate_themselves(app, signed_in, admin):
    response = signed_in.post(f"/admin/staff/{admin.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert "Yes, deactivate the account" not in response.text  # no button only to be refused
    assert _fresh(admin.id).active
    with pytest.raises(staff.StaffRefused, match="your own account"):
        staff.deactivate(admin.id, actor=admin)


def test_the_last_admin_cannot_be_removed(app, signed_in, admin):
    response = signed_in.post(f"/admin/staff/{admin.id}", data={"role": "organiser"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="role-error"' in page and "is the only active administrator" in page
    assert _fresh(admin.id).role == "admin"
    # A deactivated administrator does not count: they cannot manage anyone.
    dormant = make_staff(Role.ADMIN, "dormant@example.org")
    staff.deactivate(dormant.id, actor=admin)
    with pytest.raises(staff.StaffRefused, match="only active administrator"):
        staff.change_role(admin.id, "organiser", actor=admin)
    # With a second active administrator, either may step down, but not both.
    second = make_staff(Role.ADMIN, "second@example.org")
    assert staff.change_role(second.id, "organiser", actor=admin)
    with pytest.raises(staff.StaffRefused, match="only active administrator"):
        staff.change_role(admin.id, "organiser", actor=admin)
    third = make_staff(Role.ADMIN, "third@example.org")
    staff.deactivate(third.id, actor=admin)
    with pytest.raises(staff.StaffRefused, match="only active administrator"):
        staff.deactivate(admin.id, actor=third)  # even by someone else
    assert _fresh(admin.id).role == "admin" and _fresh(admin.id).active


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app):
    first = make_staff(Role.ADMIN, "first@example.org")
    second = make_staff(Role.ADMIN, "second@example.org")
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def demote(target_id: int, actor_id: int) -> None:
        with app.app_context():
            actor = db.session.get(User, actor_id)
            start.wait(timeout=10)
            try:
                staff.change_role(target_id, "organiser", actor=actor)
                outcomes[target_id] = "demoted"
            except staff.StaffRefused:
                outcomes[target_id] = "refused"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=demote, args=(second.id, first.id)),
               threading.Thread(target=demote, args=(first.id, second.id))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["demoted", "refused"]
    db.session.expire_all()
    assert staff.active_admins() == 1


def test_an_admin_who_steps_down_loses_the_staff_pages(app, signed_in, admin):
    make_staff(Role.ADMIN, "second@example.org")
    response = signed_in.post(f"/admin/staff/{admin.id}", data={"role": "organiser"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert signed_in.get("/admin/staff/").status_code == 403


def test_the_dashboard_links_to_staff_for_admins_only(app, signed_in, client):
    assert b'href="/admin/staff/"' in signed_in.get("/organiser/").data
    organiser = app.test_client()
    login(_as(organiser), make_staff(Role.ORGANISER))
    assert b'href="/admin/staff/"' not in organiser.get("/organiser/").data


# --- access ------------------------------------------------------------------------------

def _routes(someone: User) -> list[tuple[str, str]]:
    return [("GET", "/admin/staff/"), ("GET", "/admin/staff/invite"),
            ("POST", "/admin/staff/invite"),
            ("GET", f"/admin/staff/{someone.id}"), ("POST", f"/admin/staff/{someone.id}"),
            ("POST", f"/admin/staff/{someone.id}/resend-invite"),
            ("GET", f"/admin/staff/{someone.id}/deactivate"),
            ("POST", f"/admin/staff/{someone.id}/deactivate"),
            ("GET", f"/admin/staff/{someone.id}/reactivate"),
            ("POST", f"/admin/staff/{someone.id}/reactivate")]


ATTEMPT = {"role": "admin", "name": "Mallory", "email": "mallory@example.org"}


def test_anonymous_visitors_are_sent_to_sign_in_on_every_staff_page(app, client, mailbox):
    someone = make_staff(Role.SCREENER, "sam@example.org")
    for method, url in _routes(someone):
        response = client.open(url, method=method, data=ATTEMPT)
        assert response.status_code == 302, (method, url)
        assert "/staff/login" in response.headers["Location"], (method, url)
    _nothing_changed(someone, mailbox)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_everyone_but_admins_gets_403_on_every_staff_page(app, client, mailbox, role):
    someone = make_staff(Role.SCREENER, "sam@example.org")
    login(client, make_staff(role, "not-an-admin@example.org"))
    for method, url in _routes(someone):
        assert client.open(url, method=method, data=ATTEMPT).status_code == 403, (method, url)
    _nothing_changed(someone, mailbox)


def _nothing_changed(someone: User, mailbox: Mailbox) -> None:
    found = _fresh(someone.id)
    assert found.role == "screener" and found.active
    assert db.session.scalar(select(User).where(User.email == "mallory@example.org")) is None
    assert not mailbox.messages
