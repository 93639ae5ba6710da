"""Forms for research groups, reports and meetings (validation only; services apply the rules)."""

from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import (
    Attendance,
    GroupMembership,
    InvitationResponse,
    MeetingKind,
    MeetingParticipant,
    ParticipantRole,
    SpeechKind,
)
from core.forms import (
    DateInput,
    DateTimeInput,
    FilterSelect,
    FilterSelectMultiple,
    MultipleFileField,
    RequiredMessagesMixin,
    ReselectFilesMixin,
)
from district.models import TOPIC_LEAD_POSITIONS, Body, Community, Department, Expert, Member

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _dt_field(label):
    return forms.DateTimeField(label=label, input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"], widget=DateTimeInput())


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.short_name or obj.name


class DepartmentMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.short_name or obj.name


def active_departments():
    return Department.objects.filter(is_active=True).order_by("order", "id")


def plan_item_choices() -> list[tuple[str, str]]:
    """Plan items to attach a group to, when the plan app provides them (generic link). An item that already
    has a working group says which: a second one is refused (services.guard_one_working_group)."""
    from consultations.selectors import working_groups_on

    try:
        model = apps.get_model("topics", "PlanItem")
    except LookupError:
        return []
    ct = ContentType.objects.get_for_model(model)
    items = list(model._default_manager.select_related("plan").order_by("-plan__year", "plan_id", "order", "pk")[:300])
    working = working_groups_on(items)
    out = []
    for obj in items:
        year = obj.plan.year
        # The year first: the same topic recurs in several years' plans, and it fixes the group's year.
        label = _("%(year)s年度 · %(item)s") % {"year": year, "item": obj} if year else str(obj)
        group = working.get(obj.pk)
        if group is not None:
            label = _("%(item)s（已有课题组“%(group)s”，%(state)s）") % {
                "item": label,
                "group": group.title,
                "state": group.get_status_display(),
            }
        out.append((f"{ct.pk}:{obj.pk}", label))
    return out


def subject_from_value(value) -> object | None:
    """The record a subject choice ("<content_type_id>:<id>") names, or None when it names nothing."""
    if not value or ":" not in str(value):
        return None
    ct_id, obj_id = str(value).split(":", 1)
    try:
        return ContentType.objects.get_for_id(int(ct_id)).get_object_for_this_type(pk=int(obj_id))
    except (ValueError, ContentType.DoesNotExist, ObjectDoesNotExist):
        return None


class GroupForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("课题名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    lead = forms.ModelChoiceField(
        label=_("牵头领导"),
        queryset=Member.objects.filter(is_active=True, position__in=TOPIC_LEAD_POSITIONS).order_by("position", "id"),
        help_text=_("主席或副主席"),
    )
    body = forms.ModelChoiceField(
        label=_("牵头专委会"), queryset=Body.objects.filter(kind=Body.Kind.SPECIAL), required=False
    )
    subject = forms.ChoiceField(
        label=_("对应的年度协商计划事项"), required=False, help_text=_("课题组的年度须与所选计划事项的年度一致")
    )
    description = forms.CharField(label=_("调研方案"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("（不关联）")), *plan_item_choices()]
        for key, value in self._subject_defaults().items():
            self.initial.setdefault(key, value)
        self.initial.setdefault("year", timezone.localdate().year)

    def _subject_defaults(self) -> dict:
        """What the plan item the page was opened for (?subject=<content_type_id>:<id>) fills in: its year,
        title, lead leader and lead committee."""
        from consultations.selectors import group_defaults

        value = str(self.initial.get("subject") or "")
        if value not in dict(self.fields["subject"].choices):
            return {}
        subject = subject_from_value(value)
        return group_defaults(subject) if subject is not None else {}

    def clean_subject(self):
        value = self.cleaned_data.get("subject")
        return subject_from_value(value) if value else None


class GroupInviteForm(RequiredMessagesMixin, forms.Form):
    member = forms.ModelChoiceField(
        label=_("委员"),
        queryset=Member.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=FilterSelect(),
    )
    expert = forms.ModelChoiceField(
        label=_("特邀研究员/专家"), queryset=Expert.objects.order_by("name"), required=False
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:  # the page offers only who is not in the group yet (its lead neither)
            joined = group.memberships.filter(response=InvitationResponse.ACCEPTED)
            self.fields["member"].queryset = (
                self.fields["member"]
                .queryset.exclude(pk=group.lead_id)
                .exclude(pk__in=joined.exclude(member=None).values("member_id"))
            )
            self.fields["expert"].queryset = self.fields["expert"].queryset.exclude(
                pk__in=joined.exclude(expert=None).values("expert_id")
            )

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool(data.get("expert")):
            raise forms.ValidationError(_("请选择一位委员或一位专家（二选一）。"))
        return data


class GroupRespondForm(RequiredMessagesMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("回复"),
        choices=[("1", _("接受邀请")), ("0", _("谢绝"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("谢绝理由"), max_length=200, required=False)


class VisitForm(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
    visited_on = forms.DateField(label=_("调研日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=200)
    participants = forms.ModelMultipleChoiceField(
        label=_("参加人员"),
        queryset=GroupMembership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    met_with = forms.CharField(label=_("座谈/走访对象"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("调研记录"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("照片和文件"), required=False, help_text=_("可多选；图片、PDF、Word、Excel"))

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["participants"].queryset = group.memberships.filter(response=InvitationResponse.ACCEPTED)
            # The date picker offers the days the service accepts (visit_date_blocker): the group's year to today.
            from consultations.services.research import earliest_visit_date

            first = earliest_visit_date(group)
            self.fields["visited_on"].widget.attrs.update(min=first.isoformat(), max=timezone.localdate().isoformat())
            self.fields["visited_on"].help_text = _("不早于%(first)s（课题组所属年度），不晚于今天。") % {
                "first": first.isoformat()
            }

    def clean_visited_on(self):
        """A visit is recorded after it took place: a date in the future is a typing mistake."""
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value


class TaskForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("任务"), max_length=200)
    assignee = forms.ModelChoiceField(label=_("承担人"), queryset=GroupMembership.objects.none(), required=False)
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["assignee"].queryset = group.memberships.filter(response=InvitationResponse.ACCEPTED)

    def clean_due_date(self):
        value = self.cleaned_data.get("due_date")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("不能早于今天。"))
        return value


class MaterialForm(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("材料名称"), max_length=200, required=False)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    upload = forms.FileField(label=_("文件"))


class MeetingMaterialForm(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("材料名称"), max_length=200, help_text=_("如：协商议政报告（征求意见稿）"))
    upload = forms.FileField(label=_("文件"), help_text=_("PDF、Word、Excel、PPT或图片"))

    def __init__(self, *args, **kwargs):
        # Shares the meeting page with the other forms: its ids must not clash with theirs.
        kwargs.setdefault("auto_id", "material_%s")
        super().__init__(*args, **kwargs)


class ReportAnnexForm(ReselectFilesMixin, RequiredMessagesMixin, forms.Form):
    upload = forms.FileField(
        label=_("附件"), help_text=_("数据表、调查问卷结果、现场照片等：PDF、Word、Excel、PPT或图片")
    )

    def __init__(self, *args, **kwargs):
        # Shares the report page with the editor and the comment form: its ids must not clash with theirs.
        kwargs.setdefault("auto_id", "annex_%s")
        super().__init__(*args, **kwargs)


class ReportEditForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("报告标题"), max_length=200)
    body = forms.CharField(label=_("报告正文"), widget=forms.Textarea(attrs={"rows": 18}))
    note = forms.CharField(label=_("修改说明"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(RequiredMessagesMixin, forms.Form):
    body = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}))
    mandatory = forms.BooleanField(label=_("必须处理（未处理前不能定稿）"), required=False)

    def __init__(self, *args, **kwargs):
        # Shares the page with the report editor, whose `body` would otherwise take the same id.
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)


class ResolveForm(RequiredMessagesMixin, forms.Form):
    # Its length is the service's rule (resolve_comment), refused with a message and the text kept.
    resolution = forms.CharField(label=_("处理说明"), required=False)


CONSULTATION_KINDS = [
    (k.value, k.label)
    for k in (
        MeetingKind.THEMATIC,
        MeetingKind.STANDING,
        MeetingKind.CHAIRS,
        MeetingKind.COUNTERPART,
        MeetingKind.PROPOSAL_HANDLING,
    )
]


class MeetingForm(RequiredMessagesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("协商形式"), choices=CONSULTATION_KINDS)
    title = forms.CharField(label=_("会议名称"), max_length=200)
    starts_at = _dt_field(_("开始时间"))
    ends_at = _dt_field(_("结束时间"))
    place = forms.CharField(label=_("地点"), max_length=200)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    leader_name = forms.CharField(label=_("出席的区领导"), max_length=50, required=False)
    departments = DepartmentMultipleChoice(
        label=_("邀请部门负责人"),
        queryset=active_departments(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("协商会议至少邀请一个部门"),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("邀请委员"),
        queryset=Member.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=FilterSelectMultiple(),
    )


class MicroConsultationForm(RequiredMessagesMixin, forms.Form):
    title = forms.CharField(label=_("协商议题"), max_length=200)
    starts_at = _dt_field(_("开始时间"))
    ends_at = _dt_field(_("结束时间"))
    place = forms.CharField(label=_("地点"), max_length=200)
    community = forms.ModelChoiceField(
        label=_("社区/村"), queryset=Community.objects.select_related("town"), required=False
    )
    department = DepartmentChoice(label=_("参加的部门"), queryset=active_departments(), required=False)
    department_head_name = forms.CharField(label=_("部门负责人姓名"), max_length=50, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("参加委员"),
        queryset=Member.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=FilterSelectMultiple(),
    )
    residents = forms.CharField(
        label=_("居民代表"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一人")
    )
    issue = forms.CharField(label=_("议题说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # A double tap or a resent form carries the same key and gets the same meeting back
    # (intake.services.retry_key_for: signed here, scoped to who sends it).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        from intake.services import issue_retry_key

        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", issue_retry_key())


class ParticipantInviteForm(RequiredMessagesMixin, forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=ParticipantRole.choices, initial=ParticipantRole.MEMBER)
    member = forms.ModelChoiceField(
        label=_("委员"),
        queryset=Member.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=FilterSelect(),
    )
    department = DepartmentChoice(label=_("部门"), queryset=active_departments(), required=False)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)


class RespondForm(RequiredMessagesMixin, forms.Form):
    response = forms.ChoiceField(
        label=_("回复"),
        choices=[("attend", _("参加")), ("deputy", _("委托他人参加")), ("decline", _("请假"))],
        widget=forms.RadioSelect,
    )
    deputy_name = forms.CharField(label=_("代为参加人"), max_length=50, required=False)
    reason = forms.CharField(label=_("事由"), max_length=200, required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        from consultations.selectors import takes_deputies

        super().__init__(*args, **kwargs)
        if meeting is not None and not takes_deputies(meeting):
            # Not offered where the service refuses it: the plan's vote meeting (`selectors.takes_deputies`).
            self.fields["response"].choices = [c for c in self.fields["response"].choices if c[0] != "deputy"]
            del self.fields["deputy_name"]


class ParticipantChoice(forms.ModelChoiceField):
    """A participant by name and, to tell namesakes apart, department or role (not the model's "name @ meeting")."""

    def label_from_instance(self, obj) -> str:
        name = obj.name
        if obj.attendance == Attendance.DEPUTY and obj.deputy_name.strip():
            # The deputy is who will speak: "林晓（代杨文） · 教育局".
            name = _("%(deputy)s（代%(name)s）") % {"deputy": obj.deputy_name.strip(), "name": obj.name}
        if obj.department_id:
            return f"{name} · {obj.department.short_name or obj.department.name}"
        return f"{name} · {obj.role_title}"


class SpeechForm(RequiredMessagesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=SpeechKind.choices, initial=SpeechKind.SPEECH)
    participant = ParticipantChoice(label=_("发言人"), queryset=MeetingParticipant.objects.none(), required=False)
    speaker_name = forms.CharField(label=_("或填写发言人姓名"), max_length=50, required=False)
    on_behalf_of = forms.CharField(label=_("代表"), max_length=100, required=False)
    department = DepartmentChoice(label=_("回应部门"), queryset=active_departments(), required=False)
    summary = forms.CharField(label=_("发言摘要"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            # Who asked for leave or was recorded absent did not speak (`services.record_speech` refuses them).
            self.fields["participant"].queryset = (
                meeting.participants.exclude(attendance__in=(Attendance.DECLINED, Attendance.ABSENT))
                .select_related("department", "member")
                .order_by("role", "id")
            )


class OutcomeForm(RequiredMessagesMixin, forms.Form):
    recommendation = forms.CharField(label=_("意见建议"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_department = DepartmentChoice(label=_("责任部门"), queryset=active_departments(), required=False)
    co_departments = DepartmentMultipleChoice(
        label=_("配合部门"),
        queryset=active_departments(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    agreed_action = forms.CharField(label=_("商定的措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())


class SummaryForm(RequiredMessagesMixin, forms.Form):
    minutes_summary = forms.CharField(label=_("纪要正文"), widget=forms.Textarea(attrs={"rows": 6}))


class RescheduleForm(RequiredMessagesMixin, forms.Form):
    starts_at = _dt_field(_("开始时间"))
    ends_at = _dt_field(_("结束时间"))
    place = forms.CharField(label=_("地点"), max_length=200)
