"""GOV.UK widgets that govuk-frontend-wtf does not ship."""

from govuk_frontend_wtf.wtforms_widgets import GovTextInput


class GovEmailInput(GovTextInput):
    """GOV.UK's email address pattern: `type=email`, so phones offer a keyboard with an @.

    Every form carries `novalidate`, so the browser leaves the checking (and the wording of
    its messages) to the form's validators.
    """

    input_type = "email"
