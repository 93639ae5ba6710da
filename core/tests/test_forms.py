"""core.forms: a public form's choices resolved from a per-process copy; a service refusal put onto a form."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.forms import DateInput, ReferenceChoiceField, StyledFormMixin
from district.models import Town

pytestmark = pytest.mark.django_db


class TownForm(forms.Form):
    town = ReferenceChoiceField(queryset=Town.objects.all())


@pytest.fixture(autouse=True)
def no_copy_from_another_test():
    # Tests roll their rows back and reuse ids; a process's copy would outlive that (a real one would not).
    ReferenceChoiceField._copies.clear()
    yield
    ReferenceChoiceField._copies.clear()


def _clean(value):
    form = TownForm({"town": value})
    with CaptureQueriesContext(connection) as queries:
        valid = form.is_valid()
    return form, valid, len(queries)


def test_chosen_rows_come_from_the_copy_once_it_is_taken(settings):
    settings.REFERENCE_DATA_CACHE_SECONDS = 60
    a, b = Town.objects.create(name="大同街道"), Town.objects.create(name="祥平街道")
    form, valid, queries = _clean(a.pk)
    assert valid and form.cleaned_data["town"] == a and queries == 1  # the copy is taken
    form, valid, queries = _clean(b.pk)
    assert valid and form.cleaned_data["town"].name == "祥平街道" and queries == 0
    # Each form gets its own object: changing it does not change the next form's.
    form.cleaned_data["town"].name = "changed"
    assert _clean(b.pk)[0].cleaned_data["town"].name == "祥平街道"


def test_a_row_added_after_the_copy_is_found_and_a_wrong_id_is_refused(settings):
    settings.REFERENCE_DATA_CACHE_SECONDS = 60
    Town.objects.create(name="大同街道")
    _clean(Town.objects.get().pk)
    new = Town.objects.create(name="新民镇")
    form, valid, queries = _clean(new.pk)
    assert valid and form.cleaned_data["town"] == new and queries == 1
    form, valid, _ = _clean(999999)
    assert not valid and form.errors["town"] == [TownForm.base_fields["town"].error_messages["invalid_choice"]]
    form, valid, _ = _clean("not-a-number")
    assert not valid and "town" in form.errors


def test_without_a_copy_every_submission_queries(settings):
    settings.REFERENCE_DATA_CACHE_SECONDS = 0
    town = Town.objects.create(name="大同街道")
    assert _clean(town.pk)[2] == 1
    assert _clean(town.pk)[2] == 1


def test_forms_share_the_declared_queryset_yet_list_a_town_added_since(settings):
    settings.REFERENCE_DATA_CACHE_SECONDS = 60
    Town.objects.create(name="大同街道")
    first = TownForm()
    assert first.fields["town"].queryset is TownForm.base_fields["town"].queryset  # no clone per form
    assert [label for _pk, label in first.fields["town"].choices][1:] == ["大同街道"]
    Town.objects.create(name="新民镇")
    assert [label for _pk, label in TownForm().fields["town"].choices][1:] == ["大同街道", "新民镇"]


def test_a_declared_queryset_evaluated_in_place_is_not_handed_on_with_its_rows(settings):
    Town.objects.create(name="大同街道")
    list(TownForm().fields["town"].queryset)  # e.g. a template looping over field.queryset
    Town.objects.create(name="新民镇")
    assert sorted(t.name for t in TownForm().fields["town"].queryset) == ["大同街道", "新民镇"]


def test_a_refusal_is_said_once_beside_its_field_and_at_the_top_only_when_it_says_more():
    from django import forms as django_forms

    from core.exceptions import Refused
    from core.forms import refuse_into

    class F(django_forms.Form):
        due = django_forms.CharField()

    form = F({"due": "2020-01-01"})
    assert form.is_valid()
    refuse_into(form, Refused("办理期限不能早于今天。", fields={"due": "办理期限不能早于今天。"}))
    assert form.errors["due"] == ["办理期限不能早于今天。"] and not form.non_field_errors()
    other = F({"due": "2020-01-01"})
    assert other.is_valid()
    refuse_into(other, Refused("请检查填写的内容。", fields={"due": ["不能早于今天。"]}))
    assert other.errors["due"] == ["不能早于今天。"] and other.non_field_errors() == ["请检查填写的内容。"]


class FilterBar(StyledFormMixin, forms.Form):
    widget_size = "sm"

    when = forms.DateField(widget=DateInput())
    town = forms.ModelChoiceField(queryset=Town.objects.all(), widget=forms.Select(attrs={"class": "form-select"}))
    mine = forms.BooleanField(required=False)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_inputs_show_a_saved_date_in_every_language_even_without_the_project_formats(settings, language):
    # Browsers show a date input's value only when it is ISO; a localised "2027/05/01" shows an empty
    # box, and a save then erases the date. The widget must not depend on the language's formats.
    from datetime import date, datetime

    from django.utils import translation

    from core.forms import DateTimeInput

    settings.FORMAT_MODULE_PATH = None
    with translation.override(language):
        assert 'value="2027-05-01"' in DateInput().render("d", date(2027, 5, 1))
        assert 'value="2027-05-01T09:30"' in DateTimeInput().render("t", datetime(2027, 5, 1, 9, 30))
        assert 'type="date"' in DateInput().render("d", None)


def test_styled_widgets_get_bootstraps_classes_once_and_errors_are_marked():
    form = FilterBar({"when": "not a date", "town": ""})
    assert not form.is_valid()
    html = str(form["town"])
    assert html.count("form-select") == 2  # form-select (given once by hand, not doubled) and form-select-sm
    assert "form-select-sm" in html and 'aria-invalid="true"' in html and "is-invalid" in html
    assert "form-control form-control-sm is-invalid" in str(form["when"])
    assert "form-check-input" in str(form["mine"]) and "is-invalid" not in str(form["mine"])


# Every form a person fills in, from each app's forms module. The Open311 interface's two forms are
# machine input answered in that specification's own error format ("service_code: ..."), not a page.
NOT_FILLED_IN_BY_PEOPLE = {"open311.forms.ServiceRequestForm", "open311.forms.RequestQueryForm"}


def _project_forms() -> list[type]:
    from importlib import import_module
    from importlib.util import find_spec
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    found = []
    for config in apps.get_app_configs():
        if Path(config.path).parent != Path(settings.BASE_DIR) or not find_spec(f"{config.name}.forms"):
            continue
        module = import_module(f"{config.name}.forms")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
                and f"{obj.__module__}.{obj.__qualname__}" not in NOT_FILLED_IN_BY_PEOPLE
            ):
                found.append(obj)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _empty_form(cls):
    from django.contrib.auth.forms import SetPasswordForm

    from accounts.models import User

    extra = {
        "insight.forms.PeriodForm": {"years": [2022], "default_year": 2022},
        "insight.forms.RankingForm": {"years": [2022], "default_year": 2022},
        "accounts.forms.LiaisonLeaveForm": {"last_one": True},
    }.get(f"{cls.__module__}.{cls.__qualname__}", {})
    if f"{cls.__module__}.{cls.__qualname__}" == "district.forms.DistrictRulesPageForm":
        from constance.utils import get_values

        extra = {"initial": get_values()}  # the rules as they stand, as the page builds it
    args = (User(username="someone"),) if issubclass(cls, SetPasswordForm) else ()
    return cls(*args, data={}, files={}, **extra)


@pytest.mark.parametrize("form_class", _project_forms(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_an_empty_required_field_says_which_field_it_is(form_class):
    """Django's own "该字段是必填项。" names no field; every form a person fills in says which one and what to do."""
    from django.utils import translation

    with translation.override("zh-hans"):
        generic = str(forms.Field.default_error_messages["required"])
        form = _empty_form(form_class)
        form.is_valid()
        said = {name: [str(m) for m in form.errors.get(name, [])] for name in form.fields}
    assert generic == "该字段是必填项。"
    assert [(name, messages) for name, messages in said.items() if generic in messages] == []
    for name, field in form.fields.items():
        if field.required and not field.disabled and not isinstance(field, forms.NullBooleanField):
            assert said[name], name  # an empty required field is refused, in words of its own


def test_the_forms_people_fill_in_are_all_found():
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in _project_forms()}
    assert {"intake.forms.AppealForm", "opinions.forms.ReportForm", "accounts.forms.LoginForm"} <= names
    assert len(names) > 60


def test_required_messages_are_worded_from_the_label_and_hand_written_ones_are_kept(cast):
    from accounts.forms import NewPasswordForm
    from consultations.forms import MaterialForm
    from grassroots.forms import MicroConsultationForm
    from intake.forms import AppealForm
    from opinions.forms import ReportEditForm, ReportForm
    from proposals.forms import ReplyForm

    appeal = AppealForm(data={})
    appeal.is_valid()
    assert appeal.errors["town"] == ["请选择所在镇街。"]
    assert appeal.errors["title"] == ["请填写标题，用一句话概括您反映的问题。"]  # its own words, kept
    report = ReportForm(data={"title": "关于加强老旧小区加装电梯的建议"})
    report.is_valid()
    assert report.errors["body"] == ["请填写正文。"]
    micro = MicroConsultationForm(data={})
    micro.is_valid()
    assert micro.errors["department"] == ["请选择参加部门。"] and micro.errors["residents"] == ["请填写参加的居民。"]
    reply = ReplyForm(data={})
    reply.is_valid()
    assert reply.errors["reply_class"] == ["请选择答复类别（如A、B、C类）。"]
    password = NewPasswordForm(cast.member, data={})  # labelled in __init__
    password.is_valid()
    assert password.errors["new_password1"] == ["请填写新密码。"]
    upload = MaterialForm(data={}, files={})
    upload.is_valid()
    assert upload.errors["upload"] == ["请选择要上传的文件。"]
    edit = ReportEditForm(data={"title": "标题", "body": "正文"})  # the page's hidden version is missing
    edit.is_valid()
    assert edit.errors["version"] == ["页面缺少必要的信息，请刷新页面后重试。"]


def test_a_form_back_with_an_error_says_its_chosen_files_must_be_chosen_again():
    """A browser never shows chosen files again: the page says so beside the file field."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from core.forms import MultipleFileField, RequiredMessagesMixin, ReselectFilesMixin

    class Visit(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
        note = forms.CharField(label="记录")
        files = MultipleFileField(label="照片和文件", required=False, help_text="可多选")

    chosen = MultiValueDict({"files": [SimpleUploadedFile("现场.jpg", b"x")]})
    form = Visit(data={"note": ""}, files=chosen)
    assert not form.is_valid()
    rendered = str(form["files"].help_text)  # what the template shows
    assert 'data-testid="reselect-files"' in rendered and "可多选" in rendered
    untouched = Visit(data={"note": ""}, files=MultiValueDict())
    assert not untouched.is_valid()
    assert "reselect-files" not in str(untouched["files"].help_text)


def test_a_nul_character_is_refused_in_our_words_by_forms_and_serializers():
    """Django's Simplified Chinese catalogue words "Null characters are not allowed." as "empty string
    not allowed", which tells the user a filled-in field is empty."""
    from django import forms
    from rest_framework import serializers

    class Form(forms.Form):
        title = forms.CharField()

    class Serializer(serializers.Serializer):
        title = serializers.CharField()

    form, payload = Form({"title": "粘贴\x00的标题"}), Serializer(data={"title": "粘贴\x00的标题"})
    assert not form.is_valid() and not payload.is_valid()
    expected = ["不能包含不可见的控制字符（如 NUL），请删除后重试。"]
    assert form.errors["title"] == expected and [str(m) for m in payload.errors["title"]] == expected


# ---- lists of boxes to tick ---------------------------------------------------------------------


def _choice_list_fields() -> list[tuple[type, str]]:
    return [
        (cls, name)
        for cls in _project_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field.widget, forms.RadioSelect)  # CheckboxSelectMultiple too
    ]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, list[str]]] = []  # tag, attrs, classes of the open elements above
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs, list(self._open)))
        if tag not in ("input", "br", "img"):
            self._open.append(attrs.get("class") or "")

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()


def _rendered(form, name: str) -> str:
    """The field as its page draws it: by hand (`intake/_field.html`) for the styled forms, else crispy."""
    from django.template import Context, Template

    if isinstance(form, StyledFormMixin):
        return Template('{% include "intake/_field.html" %}').render(Context({"field": form[name]}))
    return Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}").render(Context({"field": form[name]}))


@pytest.mark.parametrize(
    ("form_class", "name"), _choice_list_fields(), ids=lambda v: v if isinstance(v, str) else v.__qualname__
)
def test_every_list_of_boxes_is_a_vertical_bootstrap_check_list(form_class, name):
    """A list of members (or choices) to tick is one `.form-check` row per choice, its label tied to its
    box; nothing but the boxes is styled as a box (a container classed form-check-input was drawn as one
    16 px square with the names crushed inside it, untickable on a phone)."""
    form = _empty_form(form_class)
    form.is_valid()  # an error marks the boxes invalid: that class must stay on the boxes too
    field = form.fields[name]
    if not list(field.choices):
        field.choices = [("1", "张彦"), ("2", "李宏")]
    values = [str(v) for v, _label in field.choices if str(v)]
    parser = _Tags()
    parser.feed(_rendered(form, name))
    boxes = [(attrs, above) for tag, attrs, above in parser.tags if tag == "input" and attrs.get("name") == name]
    assert sorted(attrs["value"] for attrs, _above in boxes) == sorted(values)
    styled_as_box = [tag for tag, attrs, _above in parser.tags if "form-check-input" in (attrs.get("class") or "")]
    assert styled_as_box == ["input"] * len(boxes)
    labels = {
        attrs.get("for")
        for tag, attrs, _above in parser.tags
        if tag == "label" and "form-check-label" in (attrs.get("class") or "")
    }
    for attrs, above in boxes:
        assert "form-check" in above[-1].split(), attrs  # each box in its own .form-check row
        assert attrs["id"] in labels  # tapping the name ticks the box
    if isinstance(form, StyledFormMixin):
        container = next(attrs for tag, attrs, _above in parser.tags if attrs.get("id") == f"id_{name}")
        assert container["class"] == "check-list"
        assert any(tag == "fieldset" for tag, _attrs, _above in parser.tags)  # one legend names the list


def test_the_grassroots_member_lists_are_among_the_lists_checked():
    checked = {f"{cls.__module__}.{cls.__qualname__}.{name}" for cls, name in _choice_list_fields()}
    assert {
        "grassroots.forms.MicroConsultationForm.members",
        "grassroots.forms.ContactForm.members",
        "grassroots.forms.RosterForm.members",
        "supervision.forms.CompileForm.items",
    } <= checked
