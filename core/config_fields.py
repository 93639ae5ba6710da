"""Checked field types for the district rules (django-constance's `CONSTANCE_ADDITIONAL_FIELDS`).

A rule the office mistypes in the Config page is refused there, with a message saying what is wanted,
instead of being saved and breaking the pages that read it (a malformed rate limit failing every
citizen's submission, a negative deadline dating replies in the past, a misspelt approval step
silently dropping a review). Settings import this module: the validators import the apps lazily.
"""

import re
import string
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_fraction(value) -> None:
    """A proportion strictly between 0 and 1, written "0.5" or "2/3"."""
    try:
        fraction = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError(_("请填写0与1之间的比例，如“0.5”或“2/3”。")) from None
    if not 0 < fraction < 1:
        raise ValidationError(_("比例须大于0、小于1，如“0.5”或“2/3”。"))


def validate_similarity(value) -> None:
    """A similarity cut above 0: at 0 any two texts count as alike (every appeal a duplicate, one cluster)."""
    if value is not None and value <= 0:
        raise ValidationError(_("相似度须大于0、不超过1：为0时任意两条文本都会被视为相似。"))


_RATE = re.compile(r"^\d+/([1-9]\d*)?[smhd]$")  # a period of 0 would fail every rate-limited request


def validate_rate(value) -> None:
    """A rate such as "10/h" (times per second, minute, hour or day; "10/5m" for five minutes)."""
    if not _RATE.match(str(value).strip()) or str(value).strip().startswith("0/"):
        raise ValidationError(_("请按“次数/时间单位”填写，如“10/h”（每小时10次）；单位可为s、m、h、d。"))


def _names(value) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()]


def validate_approval_chain(value) -> None:
    """Known step names, comma-separated, each once, at least one."""
    from topics.chain import STEP_STATE

    names = _names(value)
    unknown = [n for n in names if n not in STEP_STATE]
    if unknown:
        raise ValidationError(
            _("未知的审定环节：%(names)s。可用：%(known)s。")
            % {"names": "、".join(unknown), "known": ", ".join(STEP_STATE)}
        )
    if not names:
        raise ValidationError(_("请至少保留一个审定环节。"))
    if len(set(names)) != len(names):
        raise ValidationError(_("审定环节不能重复。"))


def validate_meeting_kinds(value) -> None:
    """Known meeting kinds, comma-separated (may be empty)."""
    from consultations.models import MeetingKind

    unknown = [n for n in _names(value) if n not in MeetingKind.values]
    if unknown:
        raise ValidationError(
            _("未知的会议类型：%(names)s。可用：%(known)s。")
            % {"names": "、".join(unknown), "known": ", ".join(MeetingKind.values)}
        )


def placeholders(*allowed: str):
    """A validator of a document-number pattern: only these {placeholders}, and well-formed braces."""

    def validate(value) -> None:
        try:
            fields = [(name, spec, conv) for _text, name, spec, conv in string.Formatter().parse(str(value))]
            used = {name for name, _spec, _conv in fields if name is not None}
            # Plain {name} only: a format spec ({seq:03d}) or conversion fails on the values the pages pass
            # (an empty sequence number while the office has not typed one yet).
            if any(spec or conv for name, spec, conv in fields if name is not None):
                used = None
            str(value).format(**{name: "" for name in allowed})
        except (ValueError, KeyError, IndexError):
            used = None
        if used is None or not used <= set(allowed):
            raise ValidationError(
                _("格式有误：只能使用 %(names)s 这些占位符（不带格式说明），花括号须成对。")
                % {"names": "、".join("{" + n + "}" for n in allowed)}
            )

    return validate


INT = "django.forms.fields.IntegerField"
FLOAT = "django.forms.fields.FloatField"
TEXT = "django.forms.fields.CharField"

FIELDS = {
    "days": [INT, {"min_value": 1, "max_value": 3650}],
    "days_or_none": [INT, {"min_value": 0, "max_value": 3650}],
    "count": [INT, {"min_value": 1, "max_value": 1_000_000}],
    "points": [INT, {"min_value": 0, "max_value": 100_000}],
    "week_of_month": [INT, {"min_value": 1, "max_value": 4}],
    "similarity": [FLOAT, {"min_value": 0.0, "max_value": 1.0, "validators": [validate_similarity]}],
    "boost": [FLOAT, {"min_value": 1.0, "max_value": 100.0}],
    "fraction": [TEXT, {"validators": [validate_fraction]}],
    "rate": [TEXT, {"validators": [validate_rate]}],
    "approval_chain": [TEXT, {"validators": [validate_approval_chain]}],
    "meeting_kinds": [TEXT, {"validators": [validate_meeting_kinds], "required": False}],
    "plan_doc_number": [TEXT, {"validators": [placeholders("prefix", "year", "seq")]}],
    "reply_letter_number": [TEXT, {"validators": [placeholders("unit", "year", "serial", "round", "round_suffix")]}],
    "text": [TEXT, {"max_length": 100}],
}
