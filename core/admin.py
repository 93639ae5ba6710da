from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.models import Attachment, PersonalDataAccess, StatusChange
from core.services import log_personal_data_access


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The admin's history of a record says that personal data (phone, ID number, address) changed, never
    what it was or became (the fields marked `sensitive`)."""

    def prepare_delta_change_value(self, change, value):
        if getattr(self.model._meta.get_field(change.field), "sensitive", False):
            return "***"
        return super().prepare_delta_change_value(change, value)


class PersonalDataAuditMixin:
    """An admin change page shows personal data in full (to correct it): opening one is recorded like
    every other unmasked view of it (`PersonalDataAccess`), with the fields it held."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            # The object Django rendered (the change page's `original`); fetched only if it is not there.
            context = getattr(response, "context_data", None) or {}
            obj = context.get("original") or self.get_object(request, unquote(object_id))
            shown = [
                f.name
                for f in (obj._meta.concrete_fields if obj is not None else ())
                if getattr(f, "sensitive", False) and getattr(obj, f.attname)
            ]
            if shown:
                log_personal_data_access(user=request.user, target=obj, fields=shown, purpose=_("管理后台查看"))
        return response


class PersonalDataAdmin(PersonalDataAuditMixin, admin.ModelAdmin):
    """A plain admin for a model holding personal data."""


class HistoryAdmin(PersonalDataAuditMixin, SimpleHistoryAdmin):
    """simple-history's admin whose history pages mask personal data: every admin with a history uses it."""

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)


class CodeListForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("修改理由"),
        max_length=100,
        required=False,
        help_text=_("记入历史，如“按区政协办公室通知停用”。"),
    )


class CodeListAdmin(HistoryAdmin):
    """A district's configurable list (答复类别, 诉求类别, 采用层级, 协商形式): every edit, also 排序 and 启用
    changed on the list page, is kept in the row's 历史 with who, when and old → new, and the reason
    given on the change page."""

    form = CodeListForm

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)


class ReadOnlyMixin:
    """Rows read in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAuditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Audit rows can be read in the admin but never changed or deleted from the application."""


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "content_type", "object_id", "action", "from_state", "to_state", "actor")
    list_filter = ("content_type", "action")
    list_select_related = ("content_type", "actor")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAuditAdmin):
    list_display = ("created_at", "user", "content_type", "object_id", "fields_seen", "purpose")
    list_select_related = ("user", "content_type")
    # The detail page too names the fields by their labels, not the stored field names.
    fields = ("created_at", "user", "content_type", "object_id", "fields_seen", "purpose")
    readonly_fields = fields

    @admin.display(description=_("查看的字段"))
    def fields_seen(self, obj) -> str:
        return "、".join(obj.field_labels())


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAuditAdmin):
    list_display = ("original_name", "content_type_detected", "size", "uploaded_by", "created_at")
    list_select_related = ("uploaded_by",)


# The sign-in log (who signed in, when, from where) is an audit record too: readable, never deleted from
# the application. Lock-outs (AccessAttempt) stay deletable: deleting one is how an administrator unlocks.
def _read_only_axes_logs() -> None:
    from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessFailureLog, AccessLog

    for model, base in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(f"ReadOnly{base.__name__}", (base,), {"has_delete_permission": _never}))


def _never(self, request, obj=None) -> bool:
    return False


_read_only_axes_logs()


# The district rules' page (django-constance) for superusers: the same form as the office's 规则设置 page
# (core.config_forms: a reason is required, rules that disagree are refused) and the same record of each
# change, "修改提案答复期限（天）：90 → 60" with its reason, in the Config page's history.
def _audited_config_admin() -> None:
    from constance.admin import Config, ConstanceAdmin
    from constance.utils import get_values

    from core.config_forms import DistrictRulesForm
    from core.services import log_rule_changes

    class AuditedConstanceAdmin(ConstanceAdmin):
        change_list_form = DistrictRulesForm
        change_list_template = "admin/constance/change_list_with_reason.html"

        def changelist_view(self, request, extra_context=None):
            request._config_before = get_values()
            return super().changelist_view(request, extra_context)

        def _log_config_change(self, request, changed_fields):
            before, after = getattr(request, "_config_before", {}), get_values()
            changes = [(name, before.get(name), after.get(name)) for name in changed_fields]
            log_rule_changes(user=request.user, changes=changes, reason=request.POST.get("reason", "").strip())

    if admin.site.is_registered(Config):
        admin.site.unregister([Config])
    admin.site.register([Config], AuditedConstanceAdmin)


_audited_config_admin()
