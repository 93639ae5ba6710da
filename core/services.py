"""Shared writes: attachments, optimistic-locking saves, personal-data access audit, district-rule changes."""

import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ConcurrentEdit
from core.i18n import join_clauses, record_language, recorded
from core.models import Attachment, PersonalDataAccess, StatusChange
from core.uploads import check_upload


@transaction.atomic
def store_attachment(
    *,
    target,
    upload,
    actor,
    kind: str = "",
    status_change: StatusChange | None = None,
    allowed: set[str] | None = None,
) -> Attachment:
    """Check an upload by size and content and attach it to target."""
    from core.visibility import visibility_for

    if visibility_for(type(target)) is None:
        # `core.views.attachment_download` serves a file only to who may see its record: without a
        # declared visibility nobody, not even the uploader, could download it again.
        raise ImproperlyConfigured(f"{type(target)._meta.label} declares no visibility (core.visibility)")
    mime, digest = check_upload(upload, allowed=allowed)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        status_change=status_change,
        token=secrets.token_urlsafe(24),
        original_name=upload.name[-255:],
        content_type_detected=mime,
        size=upload.size,
        sha256=digest,
        kind=kind,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment


def attachments_of(target):
    """Attachments of one record, newest last."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).order_by("created_at", "id")


def discard_attachment(attachment: Attachment) -> None:
    """Delete an attachment: its row now, its stored file once that is committed (a rolled-back removal
    keeps both, so a row never points at a missing file)."""
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachments_by_record(records, *, kind: str | None = None) -> dict[int, list[Attachment]]:
    """The attachments of several records of one model in one query: {record pk: [attachment, ...]}."""
    records = list(records)
    if not records:
        return {}
    qs = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(records[0]), object_id__in=[r.pk for r in records]
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    found: dict[int, list[Attachment]] = {}
    for att in qs.order_by("created_at", "id"):
        found.setdefault(att.object_id, []).append(att)
    return found


def record_status_change(target, action: str, from_state: str, to_state: str, *, actor, note: str = "", data=None):
    """An audited step that is not a workflow transition (an account opened, a draft deleted): the same
    StatusChange row `core.workflow.perform` writes, so it shows on the record's timeline."""
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        note=note,
        data=data or {},
        created_at=timezone.now(),
    )


@transaction.atomic
def save_versioned(obj, *, expected_version: int, actor, fields: list[str]):
    """Save edits to a VersionedModel unless someone saved a newer version since it was read."""
    model = type(obj)
    current = model._default_manager.select_for_update().get(pk=obj.pk)
    if current.version != expected_version:
        raise ConcurrentEdit(_last_editor_message(current))
    obj.version = current.version + 1
    obj._history_user = actor
    obj.save(update_fields=[*fields, "version", *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    return obj


def _last_editor_message(current) -> str:
    history = getattr(current, "history", None)
    last = history.select_related("history_user").first() if history is not None else None
    if last is None:
        return str(ConcurrentEdit.default_message)
    who = last.history_user.display if last.history_user else _("系统")
    when = timezone.localtime(last.history_date).strftime("%Y-%m-%d %H:%M")
    return _("该内容已被%(who)s于%(when)s修改，您的修改尚未保存。请复制您的内容后刷新页面再编辑。") % {
        "who": who,
        "when": when,
    }


def log_personal_data_access(*, user, target, fields: list[str], purpose="") -> None:
    """Record that user saw unmasked personal data of target. A purpose of the platform's own wording
    is passed lazily (gettext_lazy) and stored in the record's language (core.i18n)."""
    purpose = recorded(purpose) if isinstance(purpose, Promise) else str(purpose)
    PersonalDataAccess.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        fields=",".join(fields),
        purpose=purpose[:200],
    )


def district_rules_content_type() -> ContentType:
    """The content type the admin files the district rules' history under (constance's Config)."""
    return ContentType.objects.get_or_create(app_label="constance", model="config")[0]


def _rule_value(value) -> str:
    if isinstance(value, bool):
        return recorded(gettext_lazy("是") if value else gettext_lazy("否"))
    return str(value)


def _rule_label(name: str) -> str:
    """A district rule as the 规则设置 page labels it (core.config), in the record's language; the
    constance key itself only for a rule no longer configured."""
    from django.conf import settings

    rule = settings.CONSTANCE_CONFIG.get(name)
    return recorded(rule[1]) if rule else name


def log_rule_changes(*, user, changes: list[tuple[str, object, object]], reason: str):
    """Record who changed which district rules, from what to what, and why: one row of the Config
    history (the admin's, read on the 规则设置 page too), whichever page the change was made on.

    `changes` is [(rule name, before, after)]; the text is worded in the record's language, each rule
    named by its label on the form: 修改提案答复期限（天）：90 → 60。理由：…
    """
    from django.contrib.admin.models import CHANGE, LogEntry

    with record_language():
        described = join_clauses(
            _("%(rule)s：%(before)s → %(after)s")
            % {"rule": _rule_label(name), "before": _rule_value(before), "after": _rule_value(after)}
            for name, before, after in changes
        )
    return LogEntry.objects.create(
        user_id=user.pk,
        content_type=district_rules_content_type(),
        object_id="Config",
        object_repr="Config",
        action_flag=CHANGE,
        change_message=recorded(
            gettext_lazy("修改%(changes)s。理由：%(reason)s"), {"changes": described, "reason": reason}
        ),
    )
