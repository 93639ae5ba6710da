"""Validation of Open311 input (POST requests, GET requests filters) and of the office's forms."""

from datetime import datetime, time

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import RequiredMessagesMixin
from core.validators import validate_phone
from district.models import Community, Town
from open311 import selectors
from open311.models import ClientApplication
from open311.selectors import DESCRIPTION_MAX, RequestQuery
from open311.services import RequestInput


class Ambiguous(Exception):
    """A name several towns or communities share: the caller must give the key (or the town)."""


def _find(model, raw: str, **extra):
    """A town or community given by its key (id) or, for convenience, its exact name; a name shared
    by several rows raises Ambiguous rather than picking one of them."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        found = model.objects.filter(pk=int(raw), **extra).first()
        if found is not None:
            return found
    matches = list(model.objects.filter(name=raw, **extra).order_by("pk")[:2])
    if len(matches) > 1:
        raise Ambiguous(raw)
    return matches[0] if matches else None


def _find_community(raw: str, town: Town | None):
    """A community by its key, its bare name, or the name the service definition lists (town + community,
    as `Community.__str__` and the requests' `address` read)."""
    extra = {"town": town} if town is not None else {}
    found = _find(Community, raw, **extra)
    if found is not None:
        return found
    raw = raw.strip()
    towns = [town] if town is not None else Town.objects.all()
    for candidate in towns:
        if raw.startswith(candidate.name) and len(raw) > len(candidate.name):
            found = Community.objects.filter(town=candidate, name=raw[len(candidate.name) :]).first()
            if found is not None:
                return found
    return None


class HttpUrlField(forms.URLField):
    """A web address (http or https only); one validator, so a bad address is reported once."""

    default_validators = [URLValidator(schemes=["http", "https"])]


DESCRIPTION_REQUIRED = gettext_lazy("请填写诉求内容：发生了什么、在哪里、希望如何解决。")


class ServiceRequestForm(forms.Form):
    """POST requests: the spec's fields plus attribute[town] and attribute[community]."""

    service_code = forms.CharField(max_length=40)
    # The same words as the public form's (intake.forms), for a missing or blank description.
    description = forms.CharField(max_length=DESCRIPTION_MAX, error_messages={"required": DESCRIPTION_REQUIRED})
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=200)
    address_id = forms.CharField(required=False, max_length=100)
    email = forms.EmailField(required=False)
    device_id = forms.CharField(required=False, max_length=100)
    account_id = forms.CharField(required=False, max_length=100)
    first_name = forms.CharField(required=False, max_length=30)
    last_name = forms.CharField(required=False, max_length=30)
    # A phone number as the public form takes it (core.validators.validate_phone), with its message.
    phone = forms.CharField(required=False, max_length=20, validators=[validate_phone])
    media_url = HttpUrlField(required=False, max_length=500, assume_scheme="https")

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        # attribute[town] / attribute[community] arrive with brackets in their names.
        for code in ("town", "community"):
            data[f"attr_{code}"] = data.get(f"attribute[{code}]", "")
        super().__init__(data, *args, **kwargs)

    attr_town = forms.CharField(required=False, max_length=50)
    attr_community = forms.CharField(required=False, max_length=50)

    def clean_service_code(self):
        category = selectors.service_by_code(self.cleaned_data["service_code"].strip())
        if category is None:
            raise forms.ValidationError(_("未知的 service_code，请先调用 services.json 获取可用的服务代码。"))
        return category

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError(DESCRIPTION_REQUIRED)
        return text

    def clean_attr_town(self):
        raw = self.cleaned_data["attr_town"]
        try:
            town = _find(Town, raw)
        except Ambiguous:
            raise forms.ValidationError(
                _("有多个镇街名为“%(name)s”，请使用服务定义中列出的编号。") % {"name": raw.strip()}
            ) from None
        if raw and town is None:
            raise forms.ValidationError(_("未知的镇街，请使用服务定义中列出的编号。"))
        return town

    def clean(self):
        data = super().clean()
        # Only when both were read: a value refused on its own (out of range, not a number) is reported
        # by its field, not as missing.
        both_read = not self.has_error("lat") and not self.has_error("long")
        if both_read and (data.get("lat") is None) != (data.get("long") is None):
            raise forms.ValidationError(_("lat 和 long 须同时提供。"))
        raw = self.data.get("attr_community", "").strip()
        if raw:
            try:
                community = _find_community(raw, data.get("attr_town"))
            except Ambiguous:
                community = None
                self.add_error(
                    "attr_community",
                    _(
                        "有多个社区/村名为“%(name)s”（分属不同镇街），请使用服务定义中列出的编号，"
                        "或同时提供 attribute[town]。"
                    )
                    % {"name": raw},
                )
            else:
                if community is None:
                    self.add_error("attr_community", _("未知的社区/村，或该社区/村不属于所选镇街。"))
            data["attr_community"] = community
        else:
            data["attr_community"] = None
        return data

    def to_input(self) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            category=data["service_code"],
            description=data["description"],
            lat=data["lat"],
            long=data["long"],
            address_string=data["address_string"].strip(),
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"].strip(),
            media_url=data["media_url"],
            town=data.get("attr_town"),
            community=data.get("attr_community"),
        )

    def error_descriptions(self) -> list[str]:
        """One readable line per problem, naming the spec's field."""
        names = {"attr_town": "attribute[town]", "attr_community": "attribute[community]"}
        lines = []
        for field, errors in self.errors.items():
            label = "" if field == "__all__" else names.get(field, field) + ": "
            lines.extend(f"{label}{message}" for message in errors)
        return lines


# Dates a query may name: far enough either way for any record, near enough that the 90-day window and
# the time-zone conversion stay within what datetime can hold.
YEARS = (1900, 2999)


def _parse_moment(raw: str, *, end: bool) -> datetime | None:
    """An ISO 8601 date-time (naive ones read in the district's time zone) or a bare date."""
    raw = raw.strip()
    try:
        moment = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
        if moment is None:
            day = parse_date(raw)
            if day is None:
                raise ValueError(raw)
            moment = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        raise forms.ValidationError(_("日期格式应为 ISO 8601，如 2024-05-01T08:00:00+08:00。")) from None
    if not YEARS[0] <= moment.year <= YEARS[1]:
        message = _("日期超出范围，年份应在%(min)s至%(max)s之间。")
        raise forms.ValidationError(message % {"min": YEARS[0], "max": YEARS[1]})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _comma_list(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


class RequestQueryForm(forms.Form):
    """GET requests filters; service_request_id overrides the others, as the spec says."""

    service_request_id = forms.CharField(required=False, max_length=2000)
    service_code = forms.CharField(required=False, max_length=2000)
    start_date = forms.CharField(required=False, max_length=40)
    end_date = forms.CharField(required=False, max_length=40)
    status = forms.CharField(required=False, max_length=20)

    def clean_service_request_id(self):
        ids = _comma_list(self.cleaned_data["service_request_id"])
        if any(not (part.isascii() and part.isdigit()) or len(part) > 18 for part in ids):
            raise forms.ValidationError(_("service_request_id 应为数字编号，多个编号用逗号分隔。"))
        return [int(part) for part in ids] or None

    def clean_start_date(self):
        raw = self.cleaned_data["start_date"]
        return _parse_moment(raw, end=False) if raw.strip() else None

    def clean_end_date(self):
        raw = self.cleaned_data["end_date"]
        return _parse_moment(raw, end=True) if raw.strip() else None

    def clean_status(self):
        statuses = sorted(set(_comma_list(self.cleaned_data["status"].lower())))
        if any(s not in ("open", "closed") for s in statuses):
            raise forms.ValidationError(_("status 只能是 open 或 closed。"))
        return statuses or None

    def to_query(self) -> RequestQuery:
        data = self.cleaned_data
        return RequestQuery(
            ids=data["service_request_id"],
            service_codes=_comma_list(data["service_code"]) or None,
            start=data["start_date"],
            end=data["end_date"],
            statuses=data["status"],
        )

    def error_descriptions(self) -> list[str]:
        return [f"{field}: {message}" for field, errors in self.errors.items() for message in errors]


class ClientApplicationForm(RequiredMessagesMixin, forms.ModelForm):
    class Meta:
        model = ClientApplication
        fields = ["name", "contact", "rate_limit"]
