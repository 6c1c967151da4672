"""The audit log: who changed what and when, for the whole suite or for one workshop.

Read-only pages on the organiser blueprint, so its guard lets in organisers and admins only.
Each page costs the same few queries however many entries there are: one for the actions, one
count, one page of entries, and one for each kind of entity those entries name (workshops,
bookings, staff...), whose names it shows in place of their ids.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length

from workshops import audit, clock
from workshops.extensions import db
from workshops.models import AuditEntry, Workshop
from workshops.organiser_fields import DateParts, OrganiserForm
from workshops.validators import searchable
from workshops.views.organiser import bp

PER_PAGE = 50


class AuditFilterForm(OrganiserForm):
    """Filters arrive in the query string, so the page can be bookmarked and shared."""

    class Meta:
        csrf = False  # a GET that changes nothing

    action = SelectField("Action", widget=GovSelect(), choices=[], filters=[searchable],
                         validate_choice=False)  # an unknown action simply matches nothing
    who = StringField("Who", widget=GovTextInput(), filters=[searchable],
                      description="Part of an email address, or ‘delegate’ or ‘system’",
                      validators=[Length(max=254, message="Who must be 254 characters or "
                                                          "fewer")])
    date_from = DateParts("From", name_in_errors="The from date", example_days=-14)
    date_to = DateParts("To", name_in_errors="The to date", example_days=0)
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.date_from.data, self.date_to.data
        if ok and start and end and end < start:
            self.date_to.errors = ["The to date must be the same as or after the from date"]
            return False
        return ok


def _filtered(query: Select, form: AuditFilterForm) -> Select:
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
    if form.who.data:
        # Contains, ignoring case: organisers remember "jo" or "council", not whole addresses.
        pattern = "%" + form.who.data.lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        query = query.where(func.lower(AuditEntry.actor_label).like(pattern, escape="\\"))
    # The dates are London days: from its midnight to the next day's.
    if form.date_from.data:
        query = query.where(AuditEntry.at >= clock.from_london(
            datetime.combine(form.date_from.data, time())))
    if form.date_to.data:
        query = query.where(AuditEntry.at < clock.from_london(
            datetime.combine(form.date_to.data + timedelta(days=1), time())))
    return query


def _mentioned(entries: list[AuditEntry]) -> set[tuple[str, int]]:
    """Every entity the entries name: what each is about, its workshop, those its details name."""
    mentioned = {(e.entity, e.entity_id) for e in entries}
    mentioned |= {("workshop", e.workshop_id) for e in entries if e.workshop_id}
    for entry in entries:
        for key, entity in audit.DETAIL_ENTITIES.items():
            value = (entry.details or {}).get(key)
            if isinstance(value, int):
                mentioned.add((entity, value))
    return mentioned


def _details(entry: AuditEntry, names: dict[tuple[str, int], str]) -> list[str]:
    """The entry's details as short readable lines ('capacity: 20 → 30')."""
    lines = []
    for key, value in sorted((entry.details or {}).items()):
        label = key.replace("_", " ")
        named = (audit.DETAIL_ENTITIES[key], value) if key in audit.DETAIL_ENTITIES else None
        if named in names:
            lines.append(f"{label}: {names[named]}")
        elif key == "changes" and isinstance(value, dict):
            for field, change in sorted(value.items()):
                if isinstance(change, list | tuple) and len(change) == 2:
                    lines.append(f"{field.replace('_', ' ')}: {change[0]} → {change[1]}")
                else:
                    lines.append(f"{field.replace('_', ' ')}: {change}")
        elif isinstance(value, list):
            lines.append(f"{label}: {', '.join(str(v) for v in value) or 'none'}")
        elif isinstance(value, dict):
            lines.append(f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(value.items())))
        else:
            lines.append(f"{label}: {audit.value_label(entry.entity, key, value)}")
    return lines


def _pagination(page: int, pages: int) -> dict | None:
    """Parameters for the GOV.UK pagination component, keeping the filters in every link."""
    if pages <= 1:
        return None
    args = request.args.to_dict(flat=False)
    args.pop("submit", None)  # the button's own value says nothing about the filters
    view_args = request.view_args or {}

    def href(number: int) -> str:
        return url_for(request.endpoint, **view_args, **{**args, "page": number})

    items: list[dict] = []
    for number in range(1, pages + 1):
        # First, last, and the current page with its neighbours; ellipses for the gaps.
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": href(number), "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    params: dict = {"items": items, "landmarkLabel": "Audit log pages"}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params


def _render(workshop: Workshop | None) -> tuple[str, int]:
    form = AuditFilterForm(formdata=request.args)
    scope = select(AuditEntry)
    if workshop is not None:
        scope = scope.where(AuditEntry.workshop_id == workshop.id)
    actions = db.session.scalars(
        scope.with_only_columns(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    form.action.choices = [SelectChoice("", "All actions"),
                           *(SelectChoice(a, audit.action_label(a)) for a in actions)]
    valid = form.validate()
    entries: list[AuditEntry] = []
    total = page = pages = 0
    names: dict[tuple[str, int], str] = {}
    if valid:
        query = _filtered(scope, form)
        total = db.session.scalar(
            query.with_only_columns(func.count(AuditEntry.id)).order_by(None)) or 0
        pages = max(1, -(-total // PER_PAGE))
        # A page past the end (an old bookmark, a shorter filtered list) shows the last one.
        page = min(max(request.args.get("page", 1, type=int), 1), pages)
        entries = list(db.session.scalars(
            query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
        names = audit.entity_names(_mentioned(entries))
    filtered = any(request.args.get(name) for name in ("action", "who")) or any(
        any(request.args.getlist(name)) for name in ("date_from", "date_to"))
    page_html = render_template(
        "organiser/audit.html", form=form, workshop=workshop, entries=entries,
        names=names, details=_details, total=total, page=page, pages=pages,
        per_page=PER_PAGE, pagination=_pagination(page, pages), filtered=filtered,
        audit_action=audit.action_label, audit_entity=audit.entity_text)
    return page_html, 200 if valid else 422


@bp.get("/audit")
def audit_log() -> tuple[str, int]:
    return _render(None)


@bp.get("/workshops/<int:workshop_id>/audit")
def workshop_audit_log(workshop_id: int) -> tuple[str, int]:
    return _render(db.get_or_404(Workshop, workshop_id))
