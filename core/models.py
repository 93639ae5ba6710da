from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.i18n import in_reader_language, reads_english


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """An editable document guarded by optimistic locking (see core.services.save_versioned)."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class BilingualNameMixin(models.Model):
    """A row of a district's configurable list (reply classes, adoption levels, categories, formats,
    sectors...) named in the district's language, with an optional English name for English readers.

    `display_name` (and `str()`, so every select, list and template that prints the row) follows the
    reader's language; what the platform prints as a record is composed inside
    `core.i18n.record_language()` and keeps `name`. Lookups and stored text use `name`."""

    name_en = models.CharField(
        _("英文名称"), max_length=100, blank=True, help_text=_("英文界面显示的名称；不填则显示中文名称。")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return in_reader_language(self.name, self.name_en)


class BilingualShortNameMixin(BilingualNameMixin):
    """A bilingual list row that also has a short name (简称), e.g. a consultation format or a party."""

    short_name_en = models.CharField(
        _("英文简称"), max_length=40, blank=True, help_text=_("英文界面显示的简称；不填则显示英文名称。")
    )

    class Meta:
        abstract = True

    @property
    def display_short_name(self) -> str:
        """The short name as the reader reads it, falling back to the full name in the same language."""
        if reads_english():
            return self.short_name_en or self.name_en or self.short_name or self.name
        return self.short_name or self.name


class ExtensionState(models.TextChoices):
    """Where a request for a later deadline (延期申请) stands."""

    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")
    # The department replied before anyone decided: nothing is left to decide (supervision tasks only;
    # a proposal's check constraint keeps it out).
    LAPSED = "lapsed", _("已答复，不再审批")


class ExtensionRequestBase(TimeStampedModel):
    """A department's request for a later deadline (延期申请) and the office's decision on it.

    Concrete models add the record asked about, their constraints (named per table) and
    `history = HistoricalRecords()`; a model whose labels differ overrides the field (proposals:
    原答复期限, supervision: 申请部门)."""

    department = models.ForeignKey(
        "district.Department", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    # The handling round (an unsatisfactory reply starts the next): the limit counts from the round's
    # own deadline.
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    current_due = models.DateField(_("原办理期限"), null=True, blank=True)
    requested_due = models.DateField(_("申请延至"))
    reason = models.TextField(_("申请理由"))
    state = models.CharField(
        _("审批结果"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    granted_due = models.DateField(_("同意延至"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.department} {self.requested_due}"


class StatusChange(models.Model):
    """One fired workflow action: the public accountability record of who did what, when, why."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("操作"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=64)
    to_state = models.CharField(_("新状态"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never reuses the uploader's name: it is only kept for the download header.
    return f"attachments/{instance.created_at:%Y/%m}/{instance.token}"


class Attachment(models.Model):
    """An uploaded file attached to any record; served only as a download, never inline."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    target = GenericForeignKey("content_type", "object_id")
    status_change = models.ForeignKey(
        StatusChange,
        verbose_name=_("状态变更"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    token = models.CharField(_("下载令牌"), max_length=40, unique=True, editable=False)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type_detected = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    kind = models.CharField(_("用途"), max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name


class PersonalDataAccess(models.Model):
    """Audit row written whenever someone views unmasked personal data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    # The model's field names, comma-separated (`phone,address`); shown by their labels (`field_labels`).
    fields = models.CharField(_("查看的字段"), max_length=200)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("查看时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")

    def __str__(self) -> str:
        return f"{self.user} · {self.content_type} #{self.object_id} · {'、'.join(self.field_labels())}"

    def field_labels(self) -> list[str]:
        """The fields seen, by their labels in the reader's language (手机号, 通讯地址); a name the model no
        longer has is shown as stored."""
        model = self.content_type.model_class() if self.content_type_id else None
        labels = []
        for name in filter(None, self.fields.split(",")):
            try:
                labels.append(str(model._meta.get_field(name).verbose_name) if model else name)
            except FieldDoesNotExist:
                labels.append(name)
        return labels


class DemoMarker(models.Model):
    """Marks a demo-data loader as done, so `load_demo` is idempotent."""

    name = models.CharField(max_length=100, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据标记")
        verbose_name_plural = _("演示数据标记")

    def __str__(self) -> str:
        return self.name
