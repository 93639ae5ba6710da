import copy
import itertools
import threading
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class ReferenceChoiceField(forms.ModelChoiceField):
    """A choice among a small reference table (towns, communities, categories), resolved from memory.

    A submitted id is looked up in this process's copy of the field's queryset, taken at most
    `REFERENCE_DATA_CACHE_SECONDS` ago (5 by default; 0 queries every time, as ModelChoiceField
    does), so a public form costs no query per choice. An id not in the copy (a row added since)
    is looked up in the database as usual, so only a row removed from the queryset in the last
    few seconds can still be chosen; the database's foreign keys refuse a deleted one.
    """

    _copies: dict = {}
    _lock = threading.Lock()
    _declared = itertools.count()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._copy_key = next(self._declared)  # every form's copy of this declared field shares it

    def __deepcopy__(self, memo):
        # Every form gets copies of its fields. ModelChoiceField's copy clones the queryset twice (a
        # third of the public form's set-up); this field never evaluates its queryset in place (the
        # choices iterate a clone, lookups filter one), so the copies share the declared one. Should
        # anything evaluate it in place all the same, the next copy starts from a fresh clone.
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        if self._queryset is not None and self._queryset._result_cache is not None:
            self._queryset = self._queryset.all()
        result._queryset = self._queryset
        result.widget.choices = result.choices
        return result

    def to_python(self, value):
        seconds = float(getattr(settings, "REFERENCE_DATA_CACHE_SECONDS", 0))
        if value in self.empty_values or seconds <= 0 or self.to_field_name:
            return super().to_python(value)
        key = (self.queryset.model._meta.label, self._copy_key)
        now = time.monotonic()
        taken, rows = self._copies.get(key, (None, None))
        if rows is None or now - taken >= seconds:
            rows = {str(obj.pk): obj for obj in self.queryset.all()}
            with self._lock:
                self._copies[key] = (now, rows)
        obj = rows.get(str(value))
        return copy.copy(obj) if obj is not None else super().to_python(value)


class DateInput(forms.DateInput):
    """An HTML date input. Its value is ISO (YYYY-MM-DD) whatever the language, as HTML requires."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """An HTML datetime-local input, valued YYYY-MM-DDTHH:MM whatever the language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


FILTER_BY_NAME = _("输入姓名筛选")


class FilterSelect(forms.Select):
    """A long list of people (or units) with a box to type part of a name (static/js/site.js).

    The script puts the box above the list and keeps only the matching options; the chosen one always
    stays, so filtering never changes what is chosen. Without the script it is the plain list.
    `attrs={"data-filter": _("输入单位名称筛选")}` words the box for a list of something else.
    """

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-filter": FILTER_BY_NAME, **(attrs or {})}, choices)


class FilterSelectMultiple(forms.SelectMultiple):
    """FilterSelect for choosing several: a click also adds or removes one name without the Ctrl key,
    and the chosen names are listed below the list (they may be scrolled or filtered out of view)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(
            {"size": 8, "data-filter": FILTER_BY_NAME, "data-filter-chosen": _("已选："), **(attrs or {})}, choices
        )


_GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


class RequiredMessagesMixin:
    """A required field left empty says which one and what to do ("请填写正文。", "请选择镇街。").

    Django's own message ("该字段是必填项。") names no field, and a form's errors are often read away
    from the field (a summary, a screen reader). The message is worded from the field's label when the
    form is validated, so fields added or relabelled in a form's __init__ are worded too. A message a
    form words itself (error_messages={"required": ...}) is kept.
    """

    def full_clean(self):
        for field in self.fields.values():
            if field.required and field.error_messages.get("required") == _GENERIC_REQUIRED:
                field.error_messages["required"] = required_message(field)
        super().full_clean()


def required_message(field: forms.Field) -> str:
    """What to say when this required field is left empty, in the words of its label."""
    widget = field.widget
    label = str(field.label or "").strip().rstrip("：:*")
    if widget.is_hidden:  # not something the user fills in: the page was incomplete or has expired
        return _("页面缺少必要的信息，请刷新页面后重试。")
    if isinstance(field, forms.FileField):
        return _("请选择要上传的%(label)s。") % {"label": label} if label else _("请选择要上传的文件。")
    if isinstance(field, forms.BooleanField):
        return _("请勾选“%(label)s”。") % {"label": label} if label else _("请勾选此项。")
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(widget, forms.Select):
        return _("请选择%(label)s。") % {"label": label} if label else _("请选择此项。")
    return _("请填写%(label)s。") % {"label": label} if label else _("请填写此项。")


# A list of boxes (or radio buttons) to tick, drawn as Bootstrap's `.form-check` rows, one per line.
# Django puts a choice widget's attrs on each option's input and, since Django 5, the class on the
# list's container too: a container classed `form-check-input` is drawn as one 16 px box with the
# names crushed inside it. These templates keep the attrs on the inputs only.
CHECK_LIST_TEMPLATE = "core/widgets/check_list.html"
CHECK_OPTION_TEMPLATE = "core/widgets/check_option.html"


def as_check_list(widget: forms.RadioSelect) -> forms.RadioSelect:
    """Draw a CheckboxSelectMultiple or RadioSelect as a vertical `.form-check` list (`.check-list`:
    a long one scrolls within a bounded height), each label beside its box and tapping it ticks it."""
    widget.template_name = CHECK_LIST_TEMPLATE
    widget.option_template_name = CHECK_OPTION_TEMPLATE
    return widget


class StyledFormMixin(RequiredMessagesMixin):
    """Bootstrap 5 classes on every widget of a form rendered by hand, and aria-invalid on fields with errors.

    Forms rendered with crispy-forms get their classes from the template pack; this is for the others.
    `widget_size = "sm"` gives the small variants (filter bars). Classes already on a widget are kept
    and never doubled. Lists of boxes or radio buttons are drawn as `.form-check` lists (`as_check_list`);
    their class (`form-check-input`, `is-invalid`) goes on each option's input only.
    """

    widget_size = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple too
                as_check_list(widget)
                css = ["form-check-input"]
            elif isinstance(widget, forms.CheckboxInput):
                css = ["form-check-input"]
            elif isinstance(widget, forms.Select):
                css = ["form-select"] + ([f"form-select-{self.widget_size}"] if self.widget_size else [])
            else:
                css = ["form-control"] + ([f"form-control-{self.widget_size}"] if self.widget_size else [])
            _add_classes(widget, css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                _add_classes(widget, ["is-invalid"])
                widget.attrs["aria-invalid"] = "true"


def _add_classes(widget, classes) -> None:
    present = widget.attrs.get("class", "").split()
    widget.attrs["class"] = " ".join(present + [c for c in classes if c not in present])


class TransitionForm(RequiredMessagesMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明/理由"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("附件"), required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


def refuse_into(form, exc: Exception) -> None:
    """Put a service refusal onto the bound form, so the page re-renders with what the user typed."""
    if isinstance(exc, DomainError):
        shown = set()
        for field, errors in (exc.fields or {}).items():
            if field in form.fields:
                for err in errors if isinstance(errors, list | tuple) else [errors]:
                    form.add_error(field, str(err))
                    shown.add(str(err))
        if str(exc.message) not in shown:  # said once beside its field is enough
            form.add_error(None, str(exc.message))
    elif isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)


def submit(request, form, call, *, success, redirect_to):
    """Validate a bound form and call one service with its cleaned data.

    Returns a redirect on success. On invalid input or a refusal it returns None, and the caller
    re-renders the same bound form (status 400), so nothing the user typed is lost. A refusal is
    said once: beside its field when it names one (site.js brings that field into view), otherwise
    in the page messages at the top (the form may not even be shown to someone refused outright).
    """
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            refuse_into(form, exc)
            general = form.errors.pop(NON_FIELD_ERRORS, None)
            if general:
                messages.error(request, " ".join(general))
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReselectFilesMixin:
    """A browser never shows again the files chosen in a form that comes back with an error: a file
    field that had files says so (请重新选择附件), instead of silently coming back empty."""

    def add_error(self, field, error):
        super().add_error(field, error)
        self._hint_reselect_files()

    def _hint_reselect_files(self) -> None:
        if getattr(self, "_files_hinted", False) or not self.is_bound or not self.files:
            return
        self._files_hinted = True
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            chosen = self.files.getlist(key) if hasattr(self.files, "getlist") else [self.files.get(key)]
            if isinstance(field, forms.FileField) and any(chosen):
                hint = _("请重新选择附件：出错后页面不能保留已选择的文件。")
                field.help_text = format_html(
                    '<strong class="text-danger" data-testid="reselect-files">{}</strong> {}', hint, field.help_text
                )
        # Validation builds (and caches) the BoundFields before any error is added, and a BoundField
        # keeps the help text it was built with, which is what the page renders.
        for name, bound in getattr(self, "_bound_fields_cache", {}).items():
            bound.help_text = self.fields[name].help_text or ""
