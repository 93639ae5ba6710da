"""Checked field types for the district rules (django-constance's `CONSTANCE_ADDITIONAL_FIELDS`).

A rule the office mistypes in the Config page is refused there, with a message saying what is wanted,
instead of being saved and breaking the pages that read it (a malformed rate limit failing every
citizen's submission, a negative deadline dating replies in the past, a misspelt approval step
silently dropping a review). Settings import this module: the validators import the apps lazily.
"""

import re
import string
from fractions import Fraction

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
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


_SEPARATORS = re.compile(r"[,，、;；]")


def _names(value) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(str(value)) if part.strip()]


def approval_steps() -> list[tuple[str, str]]:
    """The plan's approval steps: (code, name as the reader reads it), in the usual order."""
    from topics.chain import STEP_LABEL

    return [(code, str(label)) for code, label in STEP_LABEL.items()]


def meeting_kinds() -> list[tuple[str, str]]:
    from consultations.models import MeetingKind

    return [(kind.value, str(kind.label)) for kind in MeetingKind]


def legend(choices) -> str:
    """Each code with its name: "chairs_meeting = 主席会议审议；joint_offices = 三办联席会；…"."""
    from core.i18n import join_clauses

    return join_clauses(f"{code} = {name}" for code, name in choices)


def _unknown(message, unknown: list[str], choices) -> ValidationError:
    from core.i18n import join_list

    return ValidationError(message % {"names": join_list(unknown), "known": legend(choices)})


def validate_approval_chain(value) -> None:
    """Known step names, comma-separated, each once, at least one."""
    steps = approval_steps()
    names = _names(value)
    unknown = [n for n in names if n not in dict(steps)]
    if unknown:
        raise _unknown(_("未知的审定环节：%(names)s。可填代码或名称：%(known)s。"), unknown, steps)
    if not names:
        raise ValidationError(_("请至少保留一个审定环节。"))
    if len(set(names)) != len(names):
        raise ValidationError(_("审定环节不能重复。"))


def validate_meeting_kinds(value) -> None:
    """Known meeting kinds, comma-separated (may be empty)."""
    kinds = meeting_kinds()
    unknown = [n for n in _names(value) if n not in dict(kinds)]
    if unknown:
        raise _unknown(_("未知的会议类型：%(names)s。可填代码或名称：%(known)s。"), unknown, kinds)


class CodeListWidget(forms.TextInput):
    """A text input with the codes it takes and their names below it (代码 = 名称), on the 规则设置 page
    and the admin's Config page alike."""

    choices = None  # set by CodeListField: a callable giving [(code, name)]

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.choices is None:
            return html
        return format_html(
            '{}<div class="help form-text text-break" data-testid="legend-{}">{}</div>',
            html,
            name,
            gettext("可填代码或名称：%(known)s") % {"known": legend(self.choices())},
        )


class CodeListField(forms.CharField):
    """A comma-separated list of codes (an approval chain, meeting kinds). The office may type the names
    instead (主席会议审议,三办联席会) and separate them with ，、； too: the value kept is the codes, comma-
    separated, in the order typed."""

    widget = CodeListWidget
    choices = staticmethod(list)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.choices = self.choices

    def to_python(self, value):
        from django.utils import translation

        value = super().to_python(value)
        codes: dict[str, str] = {}
        for language in (translation.get_language(), settings.LANGUAGE_CODE):
            with translation.override(language):
                for code, label in self.choices():
                    codes[code.casefold()] = code
                    codes[label.casefold()] = code
        return ",".join(codes.get(part.casefold(), part) for part in _names(value))

    def describe(self, value) -> str:
        """A stored value as the page shows it (its default): the codes, with a space to wrap at."""
        return ", ".join(_names(value))


class ApprovalChainField(CodeListField):
    choices = staticmethod(approval_steps)


class MeetingKindsField(CodeListField):
    choices = staticmethod(meeting_kinds)


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
    "approval_chain": ["core.config_fields.ApprovalChainField", {"validators": [validate_approval_chain]}],
    "meeting_kinds": [
        "core.config_fields.MeetingKindsField",
        {"validators": [validate_meeting_kinds], "required": False},
    ],
    "plan_doc_number": [TEXT, {"validators": [placeholders("prefix", "year", "seq")]}],
    "reply_letter_number": [TEXT, {"validators": [placeholders("unit", "year", "serial", "round", "round_suffix")]}],
    "text": [TEXT, {"max_length": 100}],
}
