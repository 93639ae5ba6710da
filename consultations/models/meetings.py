"""The shared meeting record: every consultation format, votes and micro-consultations use it.

Owned by the research-and-consultation area; other apps attach their own records to a Meeting
(votes on a plan, a proposal-handling consultation, a duty group's micro-consultation).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("全体会议")
    STANDING = "standing", _("常委会会议")
    CHAIRS = "chairs", _("主席会议")
    JOINT_OFFICES = "joint_offices", _("三办联席会")
    RETREAT = "retreat", _("务虚会")
    THEMATIC = "thematic", _("专题协商会")
    COUNTERPART = "counterpart", _("委处对口协商会")
    PROPOSAL_HANDLING = "proposal_handling", _("提案办理协商会")
    MICRO = "micro", _("微协商")
    COMMUNITY = "community", _("社区事务协商")
    OTHER = "other", _("其他会议")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    INVITED = "invited", _("已发通知")
    HELD = "held", _("已召开")
    MINUTED = "minuted", _("已印发纪要")
    CANCELLED = "cancelled", _("已取消")


class Meeting(TimeStampedModel):
    kind = models.CharField(_("会议类型"), max_length=30, choices=MeetingKind.choices, db_index=True)
    title = models.CharField(_("会议名称"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    # What the meeting is about: a plan, a topic, a proposal, a duty-group issue ...
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("关联对象类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("关联对象编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    town = models.ForeignKey("district.Town", verbose_name=_("镇街"), null=True, blank=True, on_delete=models.SET_NULL)
    community = models.ForeignKey(
        "district.Community", verbose_name=_("社区/村"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    # The research group whose report this consultation discusses (调研 → 协商), if any.
    research_group = models.ForeignKey(
        "consultations.ResearchGroup",
        verbose_name=_("课题组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    conveners = models.CharField(_("召集单位"), max_length=200, blank=True)
    minutes_summary = models.TextField(_("纪要正文"), blank=True)
    # Bumped whenever time or place change, so calendars that imported the ICS update the event.
    ics_sequence = models.PositiveIntegerField(_("日历更新序号"), default=0, editable=False)
    # A double tap or a resent form (登记微协商) carries the same key (intake.services.retry_key_for, scoped
    # to who sends it) and gets the meeting already created back instead of a second one.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["idempotency_key"])

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.UniqueConstraint(fields=["idempotency_key"], name="meeting_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:meeting", args=[self.pk])


class MeetingMaterial(models.Model):
    """A document for a meeting's participants (会议材料), uploaded by who runs the meeting before it is
    held; its file is a `core.Attachment` served only as a download, to whoever may open the meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("材料名称"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")
        ordering = ["meeting", "created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:meeting", args=[self.meeting_id]) + "#materials"


class ParticipantRole(models.TextChoices):
    PRESIDING = "presiding", _("主持人")
    LEADER = "leader", _("区领导")
    MEMBER = "member", _("委员")
    DEPT_HEAD = "dept_head", _("部门负责人")
    EXPERT = "expert", _("专家")
    RESIDENT = "resident", _("居民代表")
    STAFF = "staff", _("工作人员")
    OTHER = "other", _("其他")


class Attendance(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ATTENDING = "attending", _("确认参加")
    DEPUTY = "deputy", _("委托他人参加")
    DECLINED = "declined", _("请假")
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")


class MeetingParticipant(models.Model):
    """Someone invited to a meeting, and whether they came (the duty record counts this)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("身份"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        "district.Member",
        verbose_name=_("委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
    )
    department = models.ForeignKey(
        "district.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    attendance = models.CharField(_("出席情况"), max_length=20, choices=Attendance.choices, default=Attendance.INVITED)
    deputy_name = models.CharField(_("代为参加人"), max_length=50, blank=True)
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=models.Q(member__isnull=False), name="participant_member_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(user__isnull=False), name="participant_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.meeting_id}"

    @property
    def has_replied(self) -> bool:
        return self.attendance != Attendance.INVITED

    @property
    def role_title(self) -> str:
        """How the participant is named at the meeting: a member by title (主席, 副主席, 常委, 委员)."""
        if self.member_id and self.role == ParticipantRole.MEMBER:
            return self.member.title
        return str(self.get_role_display())


class SpeechKind(models.TextChoices):
    BRIEFING = "briefing", _("情况通报")
    SPEECH = "speech", _("委员发言")
    QUESTION = "question", _("提问")
    RESPONSE = "response", _("部门回应")
    LEADER = "leader", _("领导讲话")


class Speech(models.Model):
    """One contribution at a meeting: who spoke, for whom, and what was said (in summary)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    kind = models.CharField(_("类别"), max_length=20, choices=SpeechKind.choices, default=SpeechKind.SPEECH)
    participant = models.ForeignKey(
        MeetingParticipant,
        verbose_name=_("发言人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speeches",
    )
    speaker_name = models.CharField(_("发言人姓名"), max_length=50)
    on_behalf_of = models.CharField(
        _("代表"), max_length=100, blank=True, help_text=_("如：课题组、民建区委会、教育局")
    )
    department = models.ForeignKey(
        "district.Department",
        verbose_name=_("回应部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("发言摘要"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议发言")
        verbose_name_plural = _("会议发言")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return f"{self.speaker_name}: {self.summary[:40]}"


class OutcomeItem(TimeStampedModel):
    """An agreed outcome of a consultation: a recommendation, the responsible department, the action.

    The supervision area turns each item into a supervision task; the public accountability page
    shows its progress.
    """

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="outcome_items")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    recommendation = models.TextField(_("意见建议"))
    responsible_department = models.ForeignKey(
        "district.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="outcome_items"
    )
    co_departments = models.ManyToManyField(
        "district.Department", verbose_name=_("配合部门"), blank=True, related_name="co_outcome_items"
    )
    agreed_action = models.TextField(_("商定的措施"), blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[co_departments])

    class Meta:
        verbose_name = _("协商成果事项")
        verbose_name_plural = _("协商成果事项")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.recommendation[:60]
