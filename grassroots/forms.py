import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.forms import MicroConsultationForm as MeetingScheduleForm
from consultations.models import Meeting
from core.forms import DateInput, DateTimeInput, FilterSelectMultiple, StyledFormMixin
from core.validators import PHONE, PHONE_MESSAGE, validate_phone
from district.models import Community, Department, Member
from grassroots.models import Contact
from intake.models import Outcome
from intake.services import issue_retry_key

DATETIME = DateTimeInput()
DATE = DateInput()


def _service_choices() -> list[tuple[str, str]]:
    """The district's services in use (工作室服务类型), read when a form is made, so an edit shows at once."""
    from grassroots.selectors import services_offered

    return [(s.code, str(s)) for s in services_offered()]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BookingForm(StyledFormMixin, forms.Form):
    day = forms.ChoiceField(label=_("接待日"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )
    service = forms.ChoiceField(label=_("服务类型"), choices=_service_choices)
    topic = forms.CharField(label=_("咨询事项"), max_length=200)

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        # A full day is still listed (a place may free up), marked so that nobody picks it by surprise.
        full = str(_("（已约满）"))
        self.fields["day"].choices = [
            (d.pk, f"{d.date:%Y-%m-%d} {d.starts_at:%H:%M}-{d.ends_at:%H:%M}" + ("" if d.places_left else full))
            for d in days
        ]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        validate_phone(phone)
        return phone


class CancelBookingForm(StyledFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("预约号"),
        max_length=20,
        help_text=_("预约成功时显示的预约号，如 YYAB23CD。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("预约时填写的联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        # Matched against the number the booking was made with: one booked before the mobile rule
        # (core.validators.phone_error) may hold a short mobile, and is still cancelled with it.
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(PHONE_MESSAGE, code="invalid_phone")
        return phone


class CancelDayForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        help_text=_("如“台风预警，暂停接待”。预约的群众会听到这个原因，公开的接待日安排也会显示。"),
    )


class RosterForm(StyledFormMixin, forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("值班委员"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("说明"), max_length=200, required=False, help_text=_("如“与李委员调班”，被调整的委员会收到通知。")
    )

    def __init__(self, *args, workstation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workstation is not None:
            self.fields["members"].queryset = workstation.members.order_by("name")


class GenerateDaysForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    months = forms.IntegerField(label=_("月数"), min_value=1, max_value=24, initial=6)


class ContactForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=Contact.Kind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE)
    service = forms.ChoiceField(label=_("服务类型"), choices=_service_choices)
    people_count = forms.IntegerField(label=_("人数"), min_value=1, max_value=500, initial=1)
    place = forms.CharField(label=_("地点"), required=False, max_length=200)
    summary = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}))
    members = forms.ModelMultipleChoiceField(
        label=_("接待/走访的委员"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("计入勾选的委员的履职记录。不勾选时：接待计入当天值班委员，走访计入登记的委员本人。"),
    )

    def __init__(self, *args, workstation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workstation is not None:
            self.fields["members"].queryset = workstation.members.order_by("name")

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("不能登记未来日期的接待走访。"))
        return value


class AttendForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(label=_("接待情况"), widget=forms.Textarea(attrs={"rows": 2}))


class IssueForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("问题"), max_length=200)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea(attrs={"rows": 3}))
    community = forms.ModelChoiceField(
        label=_("社区/村"), queryset=Community.objects.select_related("town"), required=False
    )
    department = forms.ModelChoiceField(
        label=_("相关部门"), queryset=Department.objects.filter(is_active=True), required=False
    )
    appeal_code = forms.CharField(label=_("来源诉求查询码（选填）"), required=False, max_length=20)
    collected_on = forms.DateField(label=_("收集日期"), widget=DATE, initial=date.today)


class MicroConsultationForm(StyledFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("地点"), required=False, max_length=200)
    department = forms.ModelChoiceField(label=_("参加部门"), queryset=Department.objects.filter(is_active=True))
    dept_head_name = forms.CharField(label=_("部门负责人"), max_length=50)
    residents = forms.CharField(
        label=_("参加的居民"), help_text=_("每行一位"), widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(label=_("协商情况"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label=_("协商结果"), choices=Outcome.choices)
    plan_due_date = forms.DateField(label=_("计划完成日期（制定计划时必填）"), required=False, widget=DATE)
    outcome_note = forms.CharField(label=_("结果说明"), widget=forms.Textarea(attrs={"rows": 3}))
    members = forms.ModelMultipleChoiceField(
        label=_("参加的小组委员"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只计入勾选的委员的履职记录"),
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["members"].queryset = group.members.order_by("name")

    def clean_residents(self):
        names = _lines(self.cleaned_data["residents"])
        if not names:
            raise forms.ValidationError(_("请至少填写一位参加的居民。"))
        return names


class MicroOutcomeForm(StyledFormMixin, forms.Form):
    """The outcome of a micro-consultation scheduled ahead, recorded on its own meeting: who came is
    who was signed in on the meeting's page."""

    meeting = forms.ModelChoiceField(label=_("微协商会议"), queryset=Meeting.objects.none(), empty_label=None)
    summary = forms.CharField(label=_("协商情况"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label=_("协商结果"), choices=Outcome.choices)
    plan_due_date = forms.DateField(label=_("计划完成日期（制定计划时必填）"), required=False, widget=DATE)
    outcome_note = forms.CharField(label=_("结果说明"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, auto_id="outcome_%s", **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("starts_at")
        self.fields["meeting"].label_from_instance = lambda m: (
            _("%(when)s %(place)s（%(status)s）")
            % {
                "when": timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M"),
                "place": m.place,
                "status": m.get_status_display(),
            }
        )


class LinkProposalForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("提案标题"), max_length=200)
    submitted_on = forms.DateField(label=_("提交日期"), widget=DATE, initial=date.today)


_SPLIT = re.compile(r"[:：]")


class CommunityConsultationForm(StyledFormMixin, forms.Form):
    community = forms.ModelChoiceField(label=_("主办社区/村"), queryset=Community.objects.select_related("town"))
    matter = forms.CharField(label=_("协商事项"), max_length=200)
    background = forms.CharField(label=_("事项背景"), widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=_("时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("地点"), required=False, max_length=200)
    presiding = forms.CharField(label=_("主持人"), required=False, max_length=50)
    residents = forms.CharField(
        label=_("居民代表"), required=False, help_text=_("每行一位"), widget=forms.Textarea(attrs={"rows": 2})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("参加的委员"),
        queryset=Member.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=FilterSelectMultiple(),
        help_text=_("选择参加协商的政协委员，计入其履职记录"),
    )
    others = forms.CharField(
        label=_("部门和其他参加人员"),
        required=False,
        help_text=_("每行一位；政协委员请在“参加的委员”中选择"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    positions = forms.CharField(
        label=_("各方意见"),
        required=False,
        help_text=_("每行一条，格式：发言方：意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mediation_record = forms.CharField(
        label=_("协商调解记录"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreement_reached = forms.NullBooleanField(
        label=_("是否达成一致"),
        widget=forms.Select(choices=[("unknown", _("尚未结束")), ("true", _("达成一致")), ("false", _("未达成一致"))]),
    )
    agreement = forms.CharField(label=_("协商结果"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    tasks = forms.CharField(
        label=_("后续任务"),
        required=False,
        help_text=_(
            "每行一项，格式：事项；责任方；完成日期（如 2023-06-30，可不填）。"
            "责任方写部门全称或简称的，自动通知该部门联络员。"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A double tap or a resent form carries the same key and gets the same consultation back
    # (intake.services.retry_key_for: signed here, scoped to who sends it).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", issue_retry_key())
        self.meeting = meeting
        if meeting is not None:
            # Recorded on the consultation scheduled ahead: its time and community are the meeting's.
            for name in ("starts_at", "community"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_positions(self):
        return parse_positions(self.cleaned_data["positions"])

    def clean_tasks(self):
        return parse_tasks(self.cleaned_data["tasks"])


def community_record_initial(meeting: Meeting) -> dict:
    """The record form prefilled from a community consultation scheduled ahead: its matter, background,
    time and place, and who was invited (untick or delete who did not come)."""
    from consultations.models import Attendance, ParticipantRole
    from grassroots.services import community_matter_of

    rows = [p for p in meeting.participants.all() if p.attendance not in (Attendance.DECLINED, Attendance.ABSENT)]
    return {
        "community": meeting.community_id,
        "matter": community_matter_of(meeting),
        "background": meeting.agenda,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "members": [p.member_id for p in rows if p.member_id],
        "residents": "\n".join(p.name for p in rows if not p.member_id and p.role == ParticipantRole.RESIDENT),
        "others": "\n".join(p.name for p in rows if not p.member_id and p.role != ParticipantRole.RESIDENT),
    }


class CommunityScheduleForm(MeetingScheduleForm):
    """The calendar's micro-consultation form, worded for a community-affairs consultation scheduled
    ahead: the matter, its host community (required), its background; the department (its liaisons
    are told) is invited if one is concerned."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label = _("协商事项")
        self.fields["community"].label = _("主办社区/村")
        self.fields["community"].required = True
        self.fields["department"].label = _("相关部门（通知其联络员）")
        self.fields["issue"].label = _("事项背景")


def parse_positions(text: str) -> list[tuple[str, str]]:
    """Lines "发言方：意见"; every bad line is explained at once."""
    out, errors = [], []
    for line in _lines(text):
        parts = _SPLIT.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            errors.append(_("这一行格式不对：“%(line)s”。请写成“发言方：意见”。") % {"line": line})
            continue
        out.append((parts[0].strip(), parts[1].strip()))
    if errors:
        raise forms.ValidationError(errors)
    return out


def parse_tasks(text: str) -> list[tuple[str, str, date | None]]:
    """Lines "事项；责任方；完成日期"; every bad line is explained at once."""
    out, errors = [], []
    for line in _lines(text):
        parts = [p.strip() for p in re.split(r"[;；]", line)]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            errors.append(_("这一行格式不对：“%(line)s”。请写成“事项；责任方；日期”。") % {"line": line})
            continue
        due = None
        if len(parts) > 2 and parts[2]:
            try:
                due = date.fromisoformat(parts[2])
            except ValueError:
                errors.append(
                    _("“%(line)s”：日期“%(d)s”无法识别，请写成 2023-06-30 的形式。") % {"line": line, "d": parts[2]}
                )
                continue
        out.append((parts[0][:300], parts[1][:100], due))
    if errors:
        raise forms.ValidationError(errors)
    return out


TASKS_HELP = _(
    "每行一项，格式：事项；责任方；完成日期（如 2023-06-30，可不填）。责任方写部门全称或简称的，自动通知该部门联络员。"
)


class ConcludeCommunityForm(StyledFormMixin, forms.Form):
    """The later outcome of a community consultation recorded as 尚未结束."""

    agreement_reached = forms.TypedChoiceField(
        label=_("协商结果"),
        choices=[("true", _("达成一致")), ("false", _("未达成一致"))],
        coerce=lambda v: v == "true",
    )
    agreement = forms.CharField(
        label=_("结果说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("达成的一致意见，或未能达成一致的原因和下一步安排。"),
    )


class FollowUpTasksForm(StyledFormMixin, forms.Form):
    tasks = forms.CharField(label=_("新增后续任务"), help_text=TASKS_HELP, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_tasks(self):
        tasks = parse_tasks(self.cleaned_data["tasks"])
        if not tasks:
            raise forms.ValidationError(_("请至少填写一项后续任务。"))
        return tasks


class TaskDoneForm(StyledFormMixin, forms.Form):
    """标记完成: what was done (a note is required)."""

    note = forms.CharField(
        label=_("完成情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("做了什么、何时完成，如有佐证材料请注明。"),
    )


class TaskReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("重新打开的原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class VoidCommunityForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：重复登记（保留第N号记录）、登记错误。作废后参加委员不再计入履职，记录保留备查。"),
    )
