"""The organisers' forms: series, venues and workshops.

Dates are typed as London wall-clock time (a GOV.UK date input plus a time field) and turned
into UTC here, so the views and the domain only ever see aware UTC datetimes.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import (
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, Regexp, StopValidation

from workshops import clock
from workshops.formatting import and_list, date_time, session_start, show_time
from workshops.models import REGIONS, Workshop
from workshops.organiser_fields import (
    DateParts,
    OrganiserForm,
    TimeOfDay,
    WholeNumber,
    london,
    lower,
)
from workshops.validators import InputRequired, strip

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The shape of a UK postcode; whether it exists is not ours to check.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


# --- series and venues -------------------------------------------------------------------

class SeriesForm(OrganiserForm):
    title = StringField("Title", widget=GovTextInput(), filters=[strip],
                        description="For example, Highly resistant families",
                        validators=[InputRequired("Enter the title of the series"),
                                    Length(max=200, message="Title must be 200 characters or "
                                           "fewer")])
    slug = StringField(
        "Web address (optional)", widget=GovTextInput(), filters=[strip, lower],
        description="Lowercase letters, numbers and hyphens, used in the address "
                    "/series/highly-resistant-families. Leave it blank to make one from the "
                    "title. If you change it, links already sent with the old address still "
                    "lead to the series.",
        validators=[Optional(), Length(max=80, message="Web address must be 80 characters or "
                                       "fewer"),
                    Regexp(SLUG_PATTERN, message="Web address must only include lowercase "
                           "letters, numbers and single hyphens, like highly-resistant-families")])
    theme = StringField("Theme", widget=GovTextInput(), filters=[strip],
                        description="For example, Safeguarding. A new name makes a new theme.",
                        validators=[InputRequired("Enter the theme"),
                                    Length(max=200, message="Theme must be 200 characters or "
                                           "fewer")])
    review_title = StringField(
        "Knowledge review title (optional)", widget=GovTextInput(), filters=[strip],
        description="The review these workshops launch",
        validators=[Optional(), Length(max=300, message="Knowledge review title must be 300 "
                                       "characters or fewer")])
    description = TextAreaField(
        "Description (optional)", widget=GovTextArea(), filters=[strip],
        description="Shown on the series page. You can use Markdown.",
        validators=[Optional(), Length(max=10000, message="Description must be 10,000 "
                                       "characters or fewer")])
    key_messages = TextAreaField(
        "Key messages (optional)", widget=GovTextArea(), filters=[strip],
        description="Printed in the delegate pack. Use Markdown: start a line with - for a "
                    "bullet, ## for a heading, and leave a blank line between paragraphs.",
        validators=[Optional(), Length(max=20000, message="Key messages must be 20,000 "
                                       "characters or fewer")])
    submit = SubmitField("Save series", widget=GovSubmitInput())


class VenueForm(OrganiserForm):
    name = StringField("Name", widget=GovTextInput(), filters=[strip],
                       description="For example, Royal Station Hotel",
                       validators=[InputRequired("Enter the name of the venue"),
                                   Length(max=200, message="Name must be 200 characters or "
                                          "fewer")])
    address = TextAreaField("Address", widget=GovTextArea(), filters=[strip],
                            description="Building and street, one part on each line",
                            validators=[InputRequired("Enter the address of the venue"),
                                        Length(max=500, message="Address must be 500 "
                                               "characters or fewer")])
    town = StringField("Town or city", widget=GovTextInput(), filters=[strip],
                       validators=[InputRequired("Enter the town or city"),
                                   Length(max=120, message="Town or city must be 120 "
                                          "characters or fewer")])
    postcode = StringField("Postcode", widget=GovTextInput(), filters=[strip],
                           validators=[InputRequired("Enter the postcode")])
    access_info = TextAreaField(
        "Access information (optional)", widget=GovTextArea(), filters=[strip],
        description="Step-free access, parking, hearing loops, the nearest station",
        validators=[Optional(), Length(max=2000, message="Access information must be 2,000 "
                                       "characters or fewer")])
    submit = SubmitField("Save venue", widget=GovSubmitInput())

    def validate_postcode(self, field: StringField) -> None:
        match = POSTCODE.match(" ".join((field.data or "").upper().split()))
        if not match:
            raise StopValidation("Enter a real postcode, like NE1 5DH")
        field.data = f"{match[1]} {match[2]}"  # stored the way it is printed


# --- workshops ---------------------------------------------------------------------------

def workshop_form_data(workshop: Workshop) -> dict:
    """A workshop's values as the forms show them: London dates and times, split."""

    def local(moment: datetime | None) -> tuple[date | None, time | None]:
        if moment is None:
            return None, None
        there = clock.london(moment)
        return there.date(), there.time().replace(tzinfo=None)

    opens, closes = local(workshop.booking_opens_at), local(workshop.booking_closes_at)
    starts, ends = local(workshop.starts_at), local(workshop.ends_at)
    return {
        "region": workshop.region, "title": workshop.title, "capacity": workshop.capacity,
        "per_organisation_limit": workshop.per_organisation_limit,
        "offer_hours": workshop.offer_hours, "programme": workshop.programme,
        "booking_opens_date": opens[0], "booking_opens_time": opens[1],
        "booking_closes_date": closes[0], "booking_closes_time": closes[1],
        "venue_id": workshop.venue_id, "start_date": starts[0], "start_time": starts[1],
        # A one-day workshop leaves the end date blank, as the form's hint asks.
        "end_date": ends[0] if ends[0] != starts[0] else None, "end_time": ends[1],
    }


# What "start from a copy" takes from another workshop of the series: what the regions of a
# series usually share. Region, title, venue and dates are each workshop's own.
COPIED_FROM_ANOTHER = ("capacity", "per_organisation_limit", "offer_hours", "programme",
                       "start_time", "end_time")


def copied_form_data(workshop: Workshop) -> dict:
    """The new workshop form's starting values, copied from `workshop`."""
    values = workshop_form_data(workshop)
    return {name: values[name] for name in COPIED_FROM_ANOTHER}


# Bounds on a workshop's dates that no real programme comes near, so that a mistyped year
# is caught rather than published.
FURTHEST_AHEAD_YEARS = 3
LONGEST_DAYS = 7


class WhenWhereForm(OrganiserForm):
    """Venue, start and end: the fields whose change sends delegates an updated invite."""

    venue_id = SelectField("Venue", widget=GovSelect(), choices=[],
                           coerce=lambda v: int(v) if v not in ("", None) else None,
                           invalid_value_message="Choose the venue from the list",
                           invalid_choice_message="Choose the venue from the list",
                           validators=[InputRequired("Choose the venue")])
    start_date = DateParts("Start date", required_message="Enter the date the workshop starts",
                           example_days=60)
    start_time = TimeOfDay("Start time", name_in_errors="the start time",
                           required_message="Enter the time the workshop starts",
                           description="London time, for example 9:30am or 14:00")
    end_date = DateParts("End date (optional)", name_in_errors="End date",
                         description="Leave it blank if the workshop ends on the day it starts")
    end_time = TimeOfDay("End time", name_in_errors="the end time",
                         required_message="Enter the time the workshop ends",
                         description="London time, for example 4pm")

    def set_venues(self, venues: list) -> None:
        self.venue_id.choices = [SelectChoice("", "Choose venue")] + [
            SelectChoice(str(v.id), f"{v.name}, {v.town}") for v in venues]

    def starts_at(self) -> datetime | None:
        return london(self.start_date.data, self.start_time.data)

    def ends_at(self) -> datetime | None:
        return london(self.end_date.data or self.start_date.data, self.end_time.data)

    def when_where_values(self) -> dict:
        return {"venue_id": self.venue_id.data, "starts_at": self.starts_at(),
                "ends_at": self.ends_at()}

    def check_when(self) -> bool:
        starts, ends = self.starts_at(), self.ends_at()
        if starts is None or ends is None or self.end_date.errors:
            return True  # the missing part already has its own message
        ok = True
        if starts <= clock.now():
            self.start_date.errors.append("The workshop must start in the future")
            ok = False
        elif starts > clock.now() + timedelta(days=365 * FURTHEST_AHEAD_YEARS):
            # A typo (9999 for 2027) would otherwise publish a workshop no one can find.
            self.start_date.errors.append(
                f"The workshop must start within {FURTHEST_AHEAD_YEARS} years")
            ok = False
        target = self.end_date if self.end_date.data else self.end_time
        if ends <= starts:
            target.errors.append("The workshop must end after it starts")
            ok = False
        elif ends - starts > timedelta(days=LONGEST_DAYS):
            target.errors.append(f"A workshop can last up to {LONGEST_DAYS} days: check the "
                                 "end date")
            ok = False
        return ok

    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_when() and ok


class WorkshopDetailsForm(OrganiserForm):
    """Everything about a workshop that delegates need not be emailed about."""

    region = SelectField("Region", widget=GovSelect(),
                         choices=[SelectChoice("", "Choose region"),
                                  *(SelectChoice(k, v) for k, v in REGIONS.items())],
                         invalid_choice_message="Choose the region from the list",
                         validators=[InputRequired("Choose the region")])
    title = StringField(
        "Title (optional)", widget=GovTextInput(), filters=[strip],
        description="Leave it blank to use the series title and the region",
        validators=[Optional(), Length(max=200, message="Title must be 200 characters or "
                                       "fewer")])
    capacity = WholeNumber("Capacity", minimum=1, maximum=5000, name_in_errors="Capacity",
                           example=40,
                           required_message="Enter how many places there are",
                           description="How many delegates can attend. Places you add are "
                                       "offered to the waiting list straight away, until the "
                                       "workshop’s day; from then on they are for people at "
                                       "the door.")
    per_organisation_limit = WholeNumber(
        "Places per organisation (optional)", minimum=1, maximum=5000,
        name_in_errors="Places per organisation", example=3,
        description="The most places one organisation can book. Leave it blank for no limit.")
    booking_opens_date = DateParts("Date booking opens (optional)",
                                   name_in_errors="Date booking opens",
                                   description="Leave it blank to open booking when you "
                                               "publish the workshop")
    booking_opens_time = TimeOfDay("Time booking opens (optional)",
                                   name_in_errors="the time booking opens",
                                   description="For example, 9am")
    booking_closes_date = DateParts("Date booking closes (optional)",
                                    name_in_errors="Date booking closes",
                                    description="Leave it blank to take bookings until the "
                                                "workshop starts")
    booking_closes_time = TimeOfDay("Time booking closes (optional)",
                                    name_in_errors="the time booking closes",
                                    description="For example, 5pm")
    offer_hours = WholeNumber(
        "Hours to accept an offered place", minimum=1, maximum=336,
        name_in_errors="Hours to accept an offered place", example=48, default=48,
        required_message="Enter how many hours people have to accept an offered place",
        description="When a place comes free, the next person on the waiting list has this "
                    "long to accept it")
    programme = TextAreaField(
        "Programme (optional)", widget=GovTextArea(), filters=[strip],
        description="One item on each line: the time, a vertical bar, then what happens. "
                    "For example, 9:30 | Registration",
        validators=[Optional(), Length(max=4000, message="Programme must be 4,000 characters "
                                       "or fewer")])

    # The start the booking window is checked against: the edit view sets the workshop's.
    reference_start: datetime | None = None

    def booking_opens_at(self) -> datetime | None:
        return london(self.booking_opens_date.data, self.booking_opens_time.data)

    def booking_closes_at(self) -> datetime | None:
        return london(self.booking_closes_date.data, self.booking_closes_time.data)

    def details_values(self) -> dict:
        return {
            "region": self.region.data, "title": self.title.data or "",
            "capacity": self.capacity.data,
            "per_organisation_limit": self.per_organisation_limit.data,
            "booking_opens_at": self.booking_opens_at(),
            "booking_closes_at": self.booking_closes_at(),
            "offer_hours": self.offer_hours.data, "programme": self.programme.data or "",
        }

    def _pair(self, day: DateParts, moment: TimeOfDay, what: str) -> bool:
        # A date without a time (or the reverse) is never guessed: the organiser says which.
        if day.errors or moment.errors:
            return False
        if day.data and not moment.data:
            moment.errors.append(f"Enter the time booking {what}")
            return False
        if moment.data and not day.data:
            day.errors.append(f"Enter the date booking {what}")
            return False
        return True

    def check_booking_window(self, starts: datetime | None) -> bool:
        ok = self._pair(self.booking_opens_date, self.booking_opens_time, "opens")
        ok = self._pair(self.booking_closes_date, self.booking_closes_time, "closes") and ok
        if not ok:
            return False
        opens, closes = self.booking_opens_at(), self.booking_closes_at()
        if opens and closes and closes <= opens:
            self.booking_closes_date.errors.append("Booking must close after it opens")
            return False
        if starts and closes and closes > starts:
            self.booking_closes_date.errors.append(
                f"Booking must close before the workshop starts ({date_time(starts)})")
            return False
        if starts and opens and opens >= starts:
            self.booking_opens_date.errors.append(
                f"Booking must open before the workshop starts ({date_time(starts)})")
            return False
        return True

    def check_limits(self) -> bool:
        limit, capacity = self.per_organisation_limit.data, self.capacity.data
        if limit and capacity and limit > capacity:
            self.per_organisation_limit.errors.append(
                "Places per organisation must not be more than the capacity")
            return False
        return True

    def check_programme(self) -> bool:
        """Every line a time (or a range) and what happens, in time order. All the lines
        that are not are named at once: fixing three took three tries when only the first
        was said."""
        wrong, starts = [], []
        for number, line in enumerate((self.programme.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            moment, bar, item = line.partition("|")
            start = session_start(moment) if bar and item.strip() else None
            if start is None:
                wrong.append(number)
            else:
                starts.append((number, start))
        if wrong:
            lines = (f"Line {wrong[0]}" if len(wrong) == 1
                     else "Lines " + and_list([str(n) for n in wrong]))
            self.programme.errors.append(
                f"{lines} of the programme must {'each ' if len(wrong) > 1 else ''}be a time, "
                "a vertical bar and what happens, like 9:30 | Registration")
            return False
        for (before, earlier), (number, later) in itertools.pairwise(starts):
            if later < earlier:
                self.programme.errors.append(
                    f"Line {number} of the programme ({show_time(later)}) comes before line "
                    f"{before} ({show_time(earlier)}): put the sessions in the order of the day")
                return False
        return True

    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        ok = self.check_limits() and ok
        ok = self.check_programme() and ok
        return self.check_booking_window(self.reference_start) and ok


class EditWorkshopForm(WorkshopDetailsForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class NewWorkshopForm(WorkshopDetailsForm, WhenWhereForm):
    submit = SubmitField("Save as draft", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The error summary lists fields in the form's order, which puts WhenWhereForm's
        # (declared first) before the region and title; the page asks for those first.
        for name in ("title", "region"):
            self._fields.move_to_end(name, last=False)

    @property
    def reference_start(self) -> datetime | None:  # type: ignore[override]
        return self.starts_at()

    @reference_start.setter
    def reference_start(self, value: datetime | None) -> None:
        pass  # a new workshop's start is whatever the form says

    def values(self) -> dict:
        return self.details_values() | self.when_where_values()


class MoveWorkshopForm(WhenWhereForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())

    # The workshop's booking window (set by the view), which must still end before the start.
    booking_opens_at: datetime | None = None
    booking_closes_at: datetime | None = None

    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        starts = self.starts_at()
        if not ok or starts is None:
            return ok
        closes, opens = self.booking_closes_at, self.booking_opens_at
        clash = ("closes", closes) if closes and closes > starts else \
            ("opens", opens) if opens and opens >= starts else None
        if clash:
            what, moment = clash
            self.start_date.errors.append(
                f"Booking {what} on {date_time(moment)}, after this new start. Change when "
                f"booking {what} first, on the ‘Edit details’ page.")
            return False
        return ok


class CancelWorkshopForm(OrganiserForm):
    """The cancellation's confirmation, with what the organisers want everyone told."""

    reason = TextAreaField(
        "Message to everyone booked (optional)", widget=GovTextArea(), filters=[strip],
        description="Why the workshop is cancelled and what happens next, for example whether "
                    "it will be rearranged. It goes in everyone’s email, with a link to the "
                    "workshops in other regions.",
        validators=[Optional(), Length(max=2000, message="The message must be 2,000 "
                                                         "characters or fewer")])
    submit = SubmitField("Yes, cancel the workshop", widget=GovSubmitInput())
