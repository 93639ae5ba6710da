"""Field validators shared by every app's forms and services."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A phone number as citizens type it (appeals, bookings, reply letters): 7 to 20 digits, an optional
# leading +, and single hyphens or spaces between digits ("0592-7023456", "+86 138 0000 1111").
# Counting digits, not characters: "0592-12" or "-------" is not a number.
PHONE = re.compile(r"^\+?[0-9](?:[\-\s]?[0-9]){6,19}$")
PHONE_MESSAGE = _("请填写有效的电话号码（数字，7至20位）。")
# In China a number that starts with 1 (after an optional +86 or 0086) is a mobile: 11 digits, 13x to
# 19x. Fixed lines never start with 1 (7 or 8 digits, or 0 and an area code first), so "1390592" is a
# mobile with digits missing, a number nobody can call back.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
MOBILE_MESSAGE = _("以1开头的手机号码应为11位（如 138 0000 1111），请检查是否漏填或多填了数字。")
_NOT_DIGITS = re.compile(r"[^0-9]")


# What a form field or API field says of a NUL character (a paste from a Word or PDF file may carry one).
# Django's own message reads, in its Simplified Chinese catalogue, "empty string not allowed": wrong.
NUL_MESSAGE = _("不能包含不可见的控制字符（如 NUL），请删除后重试。")


def use_own_nul_message() -> None:
    """Every form and serializer field refuses a NUL character (ProhibitNullCharactersValidator) in our words."""
    from django.core.validators import ProhibitNullCharactersValidator

    ProhibitNullCharactersValidator.message = NUL_MESSAGE


def phone_error(value: str):
    """Why `value` is not a phone number one can call back (a message), or None when it is one.

    7 to 20 digits as PHONE takes them; one that starts with 1 in China (after an optional +86 or
    0086) must be an 11-digit mobile. Another country's number (+ and another code) keeps the
    general rule: its plan is not ours to check."""
    value = (value or "").strip()
    if not PHONE.match(value):
        return PHONE_MESSAGE
    digits = _NOT_DIGITS.sub("", value)
    if value.startswith("+"):
        if not digits.startswith("86"):
            return None
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if digits.startswith("1") and not MOBILE.match(digits):
        return MOBILE_MESSAGE
    return None


def validate_phone(value: str) -> None:
    """Refuse a phone number that is not one (an empty value is left to `required`)."""
    if value and (message := phone_error(value)):
        raise ValidationError(message, code="invalid_phone")
