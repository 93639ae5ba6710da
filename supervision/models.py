"""Supervision (督办): special reports, supervision tasks, progress, replies, notes and reminders.

Any record may be the source of a task (an outcome item, a public-opinion report with a leader's
instruction, a key proposal, a workstation appeal): create tasks with supervision.services.create_task.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin, ExtensionRequestBase, ExtensionState, TimeStampedModel
from supervision.choices import Rating, ReplyKind, ReportStatus, TaskStatus


class SupervisionTask(TimeStampedModel):
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("来源类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    title = models.CharField(_("任务"), max_length=300)
    description = models.TextField(_("要求"), blank=True)
    lead_department = models.ForeignKey(
        "district.Department",
        verbose_name=_("牵头部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tasks",
    )
    co_departments = models.ManyToManyField(
        "district.Department", verbose_name=_("协办部门"), blank=True, related_name="co_tasks"
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, default=TaskStatus.CREATED, choices=TaskStatus.choices, db_index=True
    )
    is_public = models.BooleanField(_("在公开页展示"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised from `source` when it is an outcome item, so lists and the public page can join.
    outcome_item = models.ForeignKey(
        "consultations.OutcomeItem",
        verbose_name=_("协商成果事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_tasks",
    )
    special_report = models.ForeignKey(
        "supervision.SpecialReport",
        verbose_name=_("专报件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人（牵头委员/调研组组长）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_to_rate",
    )
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("办理进度（%）"), default=0)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # Once overdue, always counted as late in the ranking, even after the reply.
    was_overdue = models.BooleanField(_("曾逾期"), default=False)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    # The date by which the department promised to have done what a reply classed 正在解决或列入计划
    # planned, while the task is followed up (跟踪落实); the reminders command reminds it then.
    follow_up_date = models.DateField(_("计划落实时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Set when the citizen withdraws the appeal the task was opened from: the task stays as it was
    # (the department may still reply and the supervisors close it), but nobody is chased for it.
    source_withdrawn_at = models.DateTimeField(_("群众撤回诉求时间"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[co_departments])

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["lead_department", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=TaskStatus.values), name="supervision_task_status"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="supervision_task_progress_le_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:task", args=[self.pk])


class ProgressReport(models.Model):
    """A department's progress report on a task: a percentage and what was done (attachments allowed)."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="progress_reports")
    department = models.ForeignKey("district.Department", verbose_name=_("报送部门"), on_delete=models.PROTECT)
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理进展")
        verbose_name_plural = _("办理进展")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="progress_report_percent_le_100")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class TaskReplyClass(BilingualNameMixin):
    """A class a department gives its reply to a supervised task (督办答复类别): the district's own list,
    seeded with the three of domain.md §2 (c). Its kind (ReplyKind) is what the workflow does with it."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    kind = models.CharField(
        _("办理性质"),
        max_length=20,
        choices=ReplyKind.choices,
        help_text=_(
            "决定流程如何处理该类答复：已解决或采纳的，办理进度记为100%；正在解决或列入计划的，须填计划解决时间，"
            "评价满意或基本满意后转入跟踪落实；因条件限制暂不能解决的，须说明原因。"
        ),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Renaming or retiring a row is kept with who, when and the old value (the admin's 历史).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督办答复类别")
        verbose_name_plural = _("督办答复类别")
        ordering = ["order", "code"]
        constraints = [
            # "a" and "A" would be two classes that read as one in every list and export.
            models.UniqueConstraint(
                Lower("code"),
                name="supervision_taskreplyclass_code_ci",
                violation_error_message=_("已有代码相同（不区分大小写）的答复类别。"),
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ReplyKind.values), name="task_reply_class_kind_valid"),
        ]


class TaskReply(TimeStampedModel):
    """The lead department's written reply (答复); kept as a draft until it is submitted.

    Each round of handling has its own reply: a reply rated "not satisfied" reopens the task and the
    department writes the next round.
    """

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    reply_class = models.ForeignKey(
        TaskReplyClass, verbose_name=_("答复类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_date = models.DateField(_("计划解决时间"), null=True, blank=True)
    reason = models.TextField(_("暂不能解决的原因"), blank=True)
    body = models.TextField(_("答复正文"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_note = models.TextField(_("评价意见"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["task", "round"]
        constraints = [
            models.UniqueConstraint(fields=["task", "round"], name="task_reply_one_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.round}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


class SupervisionNote(models.Model):
    """An internal supervision note or instruction; never shown on the public page."""

    class Kind(models.TextChoices):
        NOTE = "note", _("督办记录")
        INSTRUCTION = "instruction", _("督办指示")

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["note", "instruction"]), name="supervision_note_kind")
        ]

    def __str__(self) -> str:
        return self.body[:40]


class TaskExtensionRequest(ExtensionRequestBase):
    """The lead department's request for a later deadline (延期申请), decided by the office that sets it.

    Written only by the workflow effects of the `request_extension*` / `approve_extension*` /
    `refuse_extension*` actions (supervision.services.extension), so each step is also a StatusChange
    on the task's timeline; this row keeps what was asked and what was decided."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.CASCADE, related_name="extension_requests")
    department = models.ForeignKey(
        "district.Department", verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta(ExtensionRequestBase.Meta):
        verbose_name = _("督办任务延期申请")
        verbose_name_plural = _("督办任务延期申请")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ExtensionState.values), name="task_extension_state_valid"
            ),
            # One request at a time per task: a pending one blocks the next.
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(state="pending"), name="task_extension_pending_once"
            ),
        ]


class ReminderLog(models.Model):
    """One reminder of one kind for one deadline of one task: claimed once, sent once.

    The unique key (task, kind, due_date) makes `send_reminders` idempotent: a second run finds
    the row and claims nothing. `sent_at` is set in the same transaction that creates the
    notifications, so a worker killed mid-send leaves the row unsent and the next run re-enqueues it.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("到期前提醒")
        DUE = "due", _("到期提醒")
        OVERDUE = "overdue", _("逾期催办")
        ESCALATE = "escalate", _("逾期上报督办部门")
        FOLLOW_UP = "follow_up", _("计划落实时间提醒")

    task = models.ForeignKey(
        SupervisionTask, verbose_name=_("督办任务"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    due_date = models.DateField(_("针对的办理期限"))
    claimed_at = models.DateTimeField(_("认领时间"))
    enqueued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "due_date"], name="reminder_once_per_deadline"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["before", "due", "overdue", "escalate", "follow_up"]),
                name="reminder_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.due_date}"


class ReportTemplate(models.Model):
    """The wording around a special report's list of outcome items.

    `intro` and `closing` may use $topic, $meeting, $meeting_date and $count.
    """

    name = models.CharField(_("模板名称"), max_length=60, unique=True)
    prefix = models.CharField(_("文号前缀"), max_length=20, blank=True, help_text=_("留空则使用系统配置的专报文号前缀"))
    issuer = models.CharField(_("发文机关"), max_length=100)
    recipients = models.CharField(_("主送"), max_length=200)
    intro = models.TextField(_("导语"))
    closing = models.TextField(_("结束语"), blank=True)
    footer_note = models.CharField(_("抄送"), max_length=200, blank=True)
    is_default = models.BooleanField(_("默认模板"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专报模板")
        verbose_name_plural = _("专报模板")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class ReportCounter(models.Model):
    """The last serial number issued per (prefix, year); locked while a number is taken."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("专报编号计数器")
        verbose_name_plural = _("专报编号计数器")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="report_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class SpecialReport(TimeStampedModel):
    """A special report (专报件) compiled by the research office from a topic's outcome items."""

    title = models.CharField(_("标题"), max_length=200)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("关联对象类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("关联对象编号"), null=True, blank=True)
    # The topic (a plan item) the outcomes belong to, or the meeting itself when it has no topic.
    subject = GenericForeignKey("subject_type", "subject_id")
    topic_title = models.CharField(_("协商议题"), max_length=200)
    meeting = models.ForeignKey(
        "consultations.Meeting", verbose_name=_("协商会议"), on_delete=models.PROTECT, related_name="special_reports"
    )
    items = models.ManyToManyField(
        "consultations.OutcomeItem", verbose_name=_("成果事项"), related_name="special_reports"
    )
    template = models.ForeignKey(ReportTemplate, verbose_name=_("模板"), on_delete=models.PROTECT)
    intro = models.TextField(_("导语"))
    closing = models.TextField(_("结束语"), blank=True)
    recipients = models.CharField(_("主送"), max_length=200)
    prefix = models.CharField(_("文号前缀"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("牵头委员/调研组组长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由其对各部门的答复进行评价"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    is_public = models.BooleanField(_("在成果落实公开页展示"), default=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        verbose_name = _("专报件")
        verbose_name_plural = _("专报件")
        ordering = ["-year", "-serial", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="special_report_status"),
            models.UniqueConstraint(
                fields=["prefix", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="special_report_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:report", args=[self.pk])
