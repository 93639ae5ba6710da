"""Research (调研): a group per plan item, its visits, tasks, materials and the consultation report."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, VersionedModel


class GroupStatus(models.TextChoices):
    FORMING = "forming", _("组建中")
    RESEARCHING = "researching", _("调研中")
    CONCLUDED = "concluded", _("调研结束")
    CANCELLED = "cancelled", _("已撤销")


class ResearchGroup(TimeStampedModel):
    """A research group (课题组) formed by the office for one plan item, led by the chair or a vice-chair."""

    # The plan item (topics.PlanItem) or any other record the research is about.
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("关联对象类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("关联对象编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("课题名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    description = models.TextField(_("调研方案"), blank=True)
    lead = models.ForeignKey(
        "district.Member", verbose_name=_("牵头领导"), on_delete=models.PROTECT, related_name="led_research_groups"
    )
    body = models.ForeignKey(
        "district.Body",
        verbose_name=_("牵头专委会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_groups",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=GroupStatus.choices, default=GroupStatus.FORMING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("课题组")
        verbose_name_plural = _("课题组")
        ordering = ["-year", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=GroupStatus.values), name="research_group_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:group", args=[self.pk])


class GroupRole(models.TextChoices):
    LEAD = "lead", _("组长")
    MEMBER = "member", _("成员")
    EXPERT = "expert", _("特邀研究员/专家")
    STAFF = "staff", _("联络员")


class InvitationResponse(models.TextChoices):
    INVITED = "invited", _("待回复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")


class GroupMembership(models.Model):
    """Someone invited into a research group; only those who accepted reach its material."""

    group = models.ForeignKey(
        ResearchGroup, verbose_name=_("课题组"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("组内身份"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER)
    member = models.ForeignKey(
        "district.Member",
        verbose_name=_("委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="research_memberships",
    )
    expert = models.ForeignKey(
        "district.Expert",
        verbose_name=_("特邀研究员/专家"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="research_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="research_memberships",
    )
    name = models.CharField(_("姓名"), max_length=50)
    response = models.CharField(
        _("回复"), max_length=20, choices=InvitationResponse.choices, default=InvitationResponse.INVITED
    )
    reason = models.CharField(_("谢绝理由"), max_length=200, blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("课题组成员")
        verbose_name_plural = _("课题组成员")
        ordering = ["group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"], condition=models.Q(member__isnull=False), name="group_member_once"
            ),
            models.UniqueConstraint(
                fields=["group", "expert"], condition=models.Q(expert__isnull=False), name="group_expert_once"
            ),
            models.CheckConstraint(
                condition=models.Q(response__in=InvitationResponse.values), name="group_membership_response_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FieldVisit(models.Model):
    """A field visit (实地调研): when, where, who went, whom they met, what they found."""

    group = models.ForeignKey(ResearchGroup, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("调研日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200)
    participants = models.ManyToManyField(GroupMembership, verbose_name=_("参加人员"), related_name="visits")
    met_with = models.TextField(_("座谈/走访对象"), blank=True)
    notes = models.TextField(_("调研记录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("实地调研")
        verbose_name_plural = _("实地调研")
        ordering = ["group", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:group", args=[self.group_id]) + f"#visit-{self.pk}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")


class ResearchTask(TimeStampedModel):
    """A piece of research work given to one member of the group."""

    group = models.ForeignKey(ResearchGroup, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=200)
    assignee = models.ForeignKey(
        GroupMembership,
        verbose_name=_("承担人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调研任务")
        verbose_name_plural = _("调研任务")
        ordering = ["group", "status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=TaskStatus.values), name="research_task_status_valid")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:group", args=[self.group_id]) + f"#task-{self.pk}"


class SharedMaterial(models.Model):
    """A file shared within the group (policy texts, statistics, survey forms); served only as a download."""

    group = models.ForeignKey(ResearchGroup, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("材料名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("共享材料")
        verbose_name_plural = _("共享材料")
        ordering = ["group", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:group", args=[self.group_id]) + "#materials"


class ReportStatus(models.TextChoices):
    DRAFTING = "drafting", _("起草中")
    REVIEW = "review", _("征求意见")
    FINALISED = "finalised", _("已定稿")
    ADOPTED = "adopted", _("已采用")


class ConsultationReport(TimeStampedModel, VersionedModel):
    """The group's consultation report (协商议政报告): the current draft, saved with optimistic locking."""

    group = models.OneToOneField(
        ResearchGroup, verbose_name=_("课题组"), on_delete=models.CASCADE, related_name="report"
    )
    title = models.CharField(_("报告标题"), max_length=200)
    body = models.TextField(_("报告正文"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFTING, db_index=True
    )
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协商议政报告")
        verbose_name_plural = _("协商议政报告")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="report_status_valid")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:report", args=[self.pk])


class ReportVersion(models.Model):
    """A saved version of the report (immutable): version 1, 2, 3 …"""

    report = models.ForeignKey(ConsultationReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("报告标题"), max_length=200)
    body = models.TextField(_("报告正文"))
    note = models.CharField(_("修改说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class ReportComment(models.Model):
    """A comment on a report version; a mandatory one must be resolved before the lead finalises."""

    report = models.ForeignKey(ConsultationReport, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(
        ReportVersion, verbose_name=_("针对版本"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("意见"))
    mandatory = models.BooleanField(_("必须处理"), default=False)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("处理说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报告意见")
        verbose_name_plural = _("报告意见")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
