"""Field validators shared by every app's forms and services."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A phone number as citizens type it: digits, +, - and spaces (appeals, bookings, reply letters).
PHONE = re.compile(r"^[0-9+\-\s]{7,20}$")
PHONE_MESSAGE = _("请填写有效的电话号码（数字，7至20位）。")


def validate_phone(value: str) -> None:
    """Refuse a phone number that is not one (an empty value is left to `required`)."""
    if value and not PHONE.match(value.strip()):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
