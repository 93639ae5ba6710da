"""core.forms: a public form's choices resolved from a per-process copy; a service refusal put onto a form."""

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
