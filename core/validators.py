"""Field validators shared by every app's forms and services."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A phone number as citizens type it (appeals, bookings, reply letters): 7 to 20 digits, an optional
# leading +, and single hyphens or spaces between digits ("0592-7023456", "+86 138 0000 1111").
# Counting digits, not characters: "0592-12" or "-------" is not a number.
PHONE = re.compile(r"^\+?[0-9](?:[\-\s]?[0-9]){6,19}$")
PHONE_MESSAGE = _("请填写有效的电话号码（数字，7至20位）。")


# What a form field or API field says of a NUL character (a paste from a Word or PDF file may carry one).
# Django's own message reads, in its Simplified Chinese catalogue, "empty string not allowed": wrong.
NUL_MESSAGE = _("不能包含不可见的控制字符（如 NUL），请删除后重试。")


def use_own_nul_message() -> None:
    """Every form and serializer field refuses a NUL character (ProhibitNullCharactersValidator) in our words."""
    from django.core.validators import ProhibitNullCharactersValidator

    ProhibitNullCharactersValidator.message = NUL_MESSAGE


def validate_phone(value: str) -> None:
    """Refuse a phone number that is not one (an empty value is left to `required`)."""
    if value and not PHONE.match(value.strip()):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
