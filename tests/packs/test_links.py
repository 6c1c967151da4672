"""The core's pages carry the packs plugin's links only while the plugin is enabled."""

from __future__ import annotations

from tests.conftest import app_config, login, make_staff, make_workshop
from workshops import booking, create_app
from workshops.models import Role


def _book(workshop):  # noqa: ANN001, ANN202
    return booking.book(workshop.id, booking.Delegate(
        name="Zoë Brontë", email="zoe@example.org", organisation="Kirklees Council"))


def test_delegate_and_organiser_pages_link_to_the_pdfs(client, app):
    workshop = make_workshop()
    made = _book(workshop)
    page = client.get(f"/booking/{made.token}").get_data(as_text=True)
    assert f"/packs/booking/{made.token}.pdf" in page
    assert f"/packs/booking/{made.token}/practice-form.pdf" in page
    login(client, make_staff(Role.ORGANISER))
    organiser_page = client.get(f"/organiser/workshops/{workshop.id}").get_data(as_text=True)
    assert f"/packs/workshops/{workshop.id}/print\"" in organiser_page
    # One delegate's pack, to print again, from their booking's page; and it opens.
    booking_page = client.get(f"/organiser/bookings/{made.id}/edit").text
    assert f'href="/packs/bookings/{made.id}.pdf">Print this delegate’s pack (PDF)' in booking_page
    pack = client.get(f"/packs/bookings/{made.id}.pdf")
    assert pack.status_code == 200 and pack.data.startswith(b"%PDF")


def test_without_the_plugin_the_links_go_and_pages_still_work(migrated, smtp_server):
    app = create_app(app_config(migrated, smtp_server.port, PLUGINS=["feedback"]))
    with app.app_context():
        from tests.conftest import _empty_tables

        _empty_tables()
        made = _book(make_workshop())
        page = app.test_client().get(f"/booking/{made.token}")
        assert page.status_code == 200 and "/packs/" not in page.get_data(as_text=True)
        organiser = app.test_client()
        login(organiser, make_staff(Role.ORGANISER))
        page = organiser.get(f"/organiser/bookings/{made.id}/edit")
        assert page.status_code == 200 and "/packs/" not in page.text
