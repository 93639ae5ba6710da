from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from consultations.models import Meeting, OutcomeItem
from core.forms import DateInput, RequiredMessagesMixin, StyledFormMixin
from district.models import Department
from supervision.models import SpecialReport, SupervisionNote, TaskReplyClass


def _departments():
    return Department.objects.filter(is_active=True).order_by("order", "id")


def _lead_departments():
    """Departments to lead a task, each flagged whether a liaison is in post (one query)."""
    from accounts.selectors import active_liaisons_of

    return _departments().annotate(staffed=Exists(active_liaisons_of(OuterRef("pk"))))


class LeadDepartmentField(forms.ModelChoiceField):
    """A lead department; one without a liaison in post says so (the transfer would be refused:
    `services.tasks.check_staffed`)."""

    def label_from_instance(self, obj):
        if getattr(obj, "staffed", True):
            return str(obj)
        return _("%(d)s（无在岗联络员）") % {"d": obj}


def _raters():
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.MEMBER, Role.STANDING_MEMBER, Role.VICE_CHAIR, Role.CHAIR]
        )
        .distinct()
        .order_by("full_name", "username")
    )


class ProgressForm(RequiredMessagesMixin, forms.Form):
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("附件（可选）"), required=False)


def _reply_class_choices():
    return [("", _("请选择")), *((c.code, str(c)) for c in TaskReplyClass.objects.filter(is_active=True))]


class ReplyForm(RequiredMessagesMixin, forms.Form):
    """The reply editor; every field is optional so that a half-written draft can be saved."""

    # The district's classes by code, read when the form is shown or checked (a choice field: what was
    # sent is compared with the list, never looked up in the database as it came).
    classification = forms.ChoiceField(label=_("答复类别"), choices=_reply_class_choices, required=False)
    planned_date = forms.DateField(label=_("计划解决时间"), required=False, widget=DateInput)
    reason = forms.CharField(
        label=_("暂不能解决的原因"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("答复正文"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class NoteForm(RequiredMessagesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SupervisionNote.Kind.choices)
    body = forms.CharField(label=_("内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(RequiredMessagesMixin, forms.Form):
    lead_department = LeadDepartmentField(label=_("牵头部门"), queryset=_lead_departments())
    co_departments = forms.ModelMultipleChoiceField(label=_("协办部门"), queryset=_departments(), required=False)
    due_date = forms.DateField(label=_("办理期限"), widget=DateInput)


class ReassignForm(RequiredMessagesMixin, forms.Form):
    lead_department = LeadDepartmentField(label=_("改派至"), queryset=_lead_departments())
    co_departments = forms.ModelMultipleChoiceField(
        label=_("协办部门"),
        queryset=_departments(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    due_date = forms.DateField(label=_("新的办理期限（可选）"), required=False, widget=DateInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CompileForm(StyledFormMixin, forms.Form):
    # Only meetings with at least one outcome item not yet in a special report (each item is compiled once).
    meeting = forms.ModelChoiceField(
        label=_("协商会议"),
        queryset=Meeting.objects.filter(
            Exists(OutcomeItem.objects.filter(meeting=OuterRef("pk"), special_reports__isnull=True))
        ),
    )
    items = forms.ModelMultipleChoiceField(label=_("成果事项"), queryset=None, widget=forms.CheckboxSelectMultiple)
    lead = forms.ModelChoiceField(
        label=_("牵头委员/调研组组长（评价答复）"),
        queryset=_raters(),
    )
    title = forms.CharField(
        label=_("标题（留空自动生成）"),
        required=False,
        max_length=200,
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Items already in a special report are not offered again (each is transferred once).
        qs = (
            OutcomeItem.objects.filter(special_reports__isnull=True)
            .select_related("responsible_department")
            .order_by("order", "id")
        )
        self.fields["items"].queryset = qs.filter(meeting=meeting) if meeting else qs.none()
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.order}. {i.recommendation[:80]}（{i.responsible_department}）"
        )

    def clean(self):
        data = super().clean()
        meeting, items = data.get("meeting"), data.get("items")
        if meeting and items and any(i.meeting_id != meeting.pk for i in items):
            raise forms.ValidationError(_("所选成果事项不属于该次协商会议。"))
        return data


class ReportEditForm(RequiredMessagesMixin, forms.ModelForm):
    class Meta:
        model = SpecialReport
        fields = ["title", "recipients", "intro", "closing", "lead", "is_public"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 4}), "closing": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _raters()


class TransferForm(StyledFormMixin, forms.Form):
    """One row per outcome item of the report: include it, its lead/co departments and deadline."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            n = item.pk
            self.fields[f"include_{n}"] = forms.BooleanField(label=_("转交"), required=False, initial=True)
            self.fields[f"lead_{n}"] = LeadDepartmentField(
                label=_("牵头部门"),
                queryset=_lead_departments(),
                required=False,
                initial=item.responsible_department_id,
            )
            self.fields[f"co_{n}"] = forms.ModelMultipleChoiceField(
                label=_("协办部门"),
                queryset=_departments(),
                required=False,
                initial=[d.pk for d in item.co_departments.all()],
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("办理期限"),
                required=False,
                initial=item.due_date,
                widget=DateInput,
            )

    def clean(self):
        """Check each row to transfer here, so that a missing or past deadline is shown on its own row."""
        data = super().clean()
        today = timezone.localdate()
        for item in self.items:
            n = item.pk
            if not data.get(f"include_{n}"):
                continue
            lead = data.get(f"lead_{n}")
            if not lead and f"lead_{n}" not in self.errors:
                self.add_error(f"lead_{n}", _("请选择牵头部门。"))
            elif lead and not getattr(lead, "staffed", True):
                # The service refuses it too (`check_staffed`); said here on its own row.
                self.add_error(f"lead_{n}", _("该部门目前没有在岗联络员，请选择其他部门。"))
            due = data.get(f"due_{n}")
            if due is None and f"due_{n}" not in self.errors:
                self.add_error(f"due_{n}", _("请填写办理期限。"))
            elif due is not None and due < today:
                self.add_error(f"due_{n}", _("办理期限不能早于今天。"))
        return data

    def rows(self):
        for item in self.items:
            n = item.pk
            yield item, self[f"include_{n}"], self[f"lead_{n}"], self[f"co_{n}"], self[f"due_{n}"]

    def assignments(self):
        from supervision.services.tasks import Assignment

        out = []
        for item in self.items:
            n = item.pk
            if self.cleaned_data.get(f"include_{n}"):
                out.append(
                    Assignment(
                        item=item,
                        lead_department=self.cleaned_data.get(f"lead_{n}"),
                        due_date=self.cleaned_data.get(f"due_{n}"),
                        co_departments=list(self.cleaned_data.get(f"co_{n}") or []),
                    )
                )
        return out
