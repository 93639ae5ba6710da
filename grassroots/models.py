"""Grassroots platforms: members' workstations, reception days, duty groups, community consultations."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import EncryptedTextField
from core.models import BilingualNameMixin, TimeStampedModel
from intake.models import Outcome


class WorkstationService(BilingualNameMixin):
    """A kind of service members' workstations offer (服务类型): the district's own list, seeded with the
    five of the seed workstation (domain.md §0); bookings and contact records are counted by it."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Renaming or retiring a row is kept with who, when and the old value (the admin's 历史).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作室服务类型")
        verbose_name_plural = _("工作室服务类型")
        ordering = ["order", "code"]
        constraints = [
            # "a" and "A" would be two services that read as one in every list and report.
            models.UniqueConstraint(
                Lower("code"),
                name="grassroots_workstationservice_code_ci",
                violation_error_message=_("已有代码相同（不区分大小写）的服务类型。"),
            )
        ]


class Workstation(TimeStampedModel):
    """A members' workstation (委员工作室) where members on duty receive residents."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    host_party = models.ForeignKey(
        "district.Party", verbose_name=_("主办党派团体"), null=True, blank=True, on_delete=models.SET_NULL
    )
    host_name = models.CharField(_("主办单位"), max_length=100, blank=True)
    partner_body = models.CharField(_("共建单位"), max_length=100, blank=True, help_text=_("如：新民镇党委"))
    partner_label = models.CharField(_("共建名称"), max_length=50, blank=True, help_text=_("如：同心基地"))
    town = models.ForeignKey(
        "district.Town", verbose_name=_("所在镇街"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("地址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    description = models.TextField(_("简介"), blank=True)
    # The codes of the services it offers (WorkstationService), in the order shown.
    services = models.JSONField(_("服务项目"), default=list, blank=True)
    members = models.ManyToManyField(
        "district.Member", verbose_name=_("驻室委员"), blank=True, related_name="workstations"
    )
    reception_starts = models.TimeField(_("接待开始时间"), default="09:00")
    reception_ends = models.TimeField(_("接待结束时间"), default="11:30")
    reception_capacity = models.PositiveSmallIntegerField(_("每个接待日预约名额"), default=8)
    is_active = models.BooleanField(_("运行中"), default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("委员工作室")
        verbose_name_plural = _("委员工作室")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("grassroots:workstation", args=[self.pk])

    def service_labels(self, names: dict[str, str]) -> list[str]:
        """The names of the services it offers that the district's list still has in use, given the list's
        names by code (`grassroots.selectors.service_names`, read once for a page of workstations)."""
        return [names[code] for code in self.services if code in names]


class ReceptionDay(models.Model):
    """One reception day (接待日) of a workstation, with its roster and booking capacity."""

    workstation = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="reception_days")
    date = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("预约名额"))
    on_duty = models.ManyToManyField(
        "district.Member", verbose_name=_("值班委员"), blank=True, related_name="reception_duties"
    )
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The calendar feed's SEQUENCE (RFC 5545): bumped when the day is cancelled or re-rostered, so
    # that subscribed calendars replace the event they hold.
    ics_sequence = models.PositiveIntegerField(_("日历版本号"), default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[on_duty])

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["workstation", "date"], name="reception_day_unique")]

    def __str__(self) -> str:
        return f"{self.workstation} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("grassroots:day", args=[self.pk])


class Appointment(TimeStampedModel):
    """A resident's booking on a reception day; its states move only through `grassroots.workflow`."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        ATTENDED = "attended", _("已接待")
        NO_SHOW = "no_show", _("未到场")

    reception_day = models.ForeignKey(ReceptionDay, on_delete=models.CASCADE, related_name="appointments")
    name = EncryptedTextField(_("姓名"))
    phone = EncryptedTextField(_("联系电话"))
    topic = models.CharField(_("咨询事项"), max_length=200)
    service = models.ForeignKey(
        WorkstationService, verbose_name=_("服务类型"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    reference = models.CharField(_("预约号"), max_length=12, unique=True)
    history = HistoricalRecords(excluded_fields=["name", "phone"])

    class Meta:
        verbose_name = _("接待预约")
        verbose_name_plural = _("接待预约")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["booked", "cancelled", "attended", "no_show"]),
                name="appointment_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("grassroots:day", args=[self.reception_day_id])


class Contact(TimeStampedModel):
    """A logged contact with residents: a reception (请进来) or a visit out (走出去)."""

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("请进来（接待）")
        VISIT_OUT = "visit_out", _("走出去（走访）")

    workstation = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("方式"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"), db_index=True)
    reception_day = models.ForeignKey(
        ReceptionDay,
        verbose_name=_("接待日"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    appointment = models.OneToOneField(
        Appointment, verbose_name=_("预约"), null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )
    service = models.ForeignKey(
        WorkstationService, verbose_name=_("服务类型"), on_delete=models.PROTECT, related_name="+"
    )
    people_count = models.PositiveSmallIntegerField(_("接待/走访人数"), default=1)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    summary = models.TextField(_("情况记录"))
    members = models.ManyToManyField("district.Member", verbose_name=_("参与委员"), blank=True, related_name="+")
    appeal = models.ForeignKey(
        "intake.Appeal",
        verbose_name=_("形成的诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workstation_contacts",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("接待走访记录")
        verbose_name_plural = _("接待走访记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(people_count__gte=1), name="contact_people_positive"),
            models.CheckConstraint(condition=models.Q(kind__in=["reception", "visit_out"]), name="contact_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def is_walk_in(self) -> bool:
        return self.kind == self.Kind.RECEPTION and self.appointment_id is None


class DutyGroup(TimeStampedModel):
    """A sector duty group (界别委员履职小组) with its members and room."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    sector = models.ForeignKey("district.Sector", verbose_name=_("界别"), on_delete=models.PROTECT)
    room = models.CharField(_("活动室"), max_length=200, blank=True)
    convenor = models.ForeignKey(
        "district.Member", verbose_name=_("召集人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField("district.Member", verbose_name=_("成员"), related_name="duty_groups")
    description = models.TextField(_("简介"), blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("界别委员履职小组")
        verbose_name_plural = _("界别委员履职小组")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("grassroots:group", args=[self.pk])


class IssueStatus(models.TextChoices):
    COLLECTED = "collected", _("已收集")
    INVESTIGATING = "investigating", _("调查了解中")
    # 制定计划限期解决: open until the plan is recorded carried out (or rescheduled, with a reason).
    FOLLOW_UP = "follow_up", _("计划落实中")
    RESOLVED = "resolved", _("已办结")
    DROPPED = "dropped", _("不予处理")


class DutyIssue(TimeStampedModel):
    """A livelihood issue collected by a duty group, from an appeal or its own field work."""

    class Source(models.TextChoices):
        APPEAL = "appeal", _("群众诉求")
        FIELD = "field", _("实地走访")

    group = models.ForeignKey(DutyGroup, verbose_name=_("履职小组"), on_delete=models.PROTECT, related_name="issues")
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("情况描述"))
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.FIELD)
    appeal = models.ForeignKey(
        "intake.Appeal",
        verbose_name=_("来源诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_issues",
    )
    town = models.ForeignKey("district.Town", verbose_name=_("镇街"), null=True, blank=True, on_delete=models.PROTECT)
    community = models.ForeignKey(
        "district.Community", verbose_name=_("社区/村"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "district.Department", verbose_name=_("相关部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    collected_on = models.DateField(_("收集日期"), db_index=True)
    findings = models.TextField(_("调查情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.COLLECTED, db_index=True
    )
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    plan_due_date = models.DateField(_("计划完成日期"), null=True, blank=True)
    # The proposal this issue became (proposals.Proposal, built in parallel; kept generic).
    proposal_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposal_id = models.PositiveBigIntegerField(null=True, blank=True)
    proposal_title = models.CharField(_("形成的提案"), max_length=200, blank=True)
    proposal_submitted_on = models.DateField(_("提案提交日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("民生问题")
        verbose_name_plural = _("民生问题")
        ordering = ["-collected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=IssueStatus.values), name="duty_issue_status_valid"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["", *Outcome.values]), name="duty_issue_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grassroots:issue", args=[self.pk])

    @property
    def has_proposal(self) -> bool:
        return bool(self.proposal_id or self.proposal_title)


class MicroConsultation(TimeStampedModel):
    """A micro-consultation (微协商): the department head meets the residents who raised an issue."""

    meeting = models.OneToOneField("consultations.Meeting", on_delete=models.PROTECT, related_name="micro")
    issue = models.ForeignKey(DutyIssue, on_delete=models.PROTECT, related_name="micro_consultations")
    department = models.ForeignKey("district.Department", verbose_name=_("参加部门"), on_delete=models.PROTECT)
    summary = models.TextField(_("协商情况"))
    outcome = models.CharField(_("协商结果"), max_length=20, choices=Outcome.choices)
    outcome_note = models.TextField(_("结果说明"))
    plan_due_date = models.DateField(_("计划完成日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("微协商")
        verbose_name_plural = _("微协商")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=Outcome.values), name="micro_outcome_valid")
        ]

    def __str__(self) -> str:
        return str(self.meeting)


class CommunityConsultation(TimeStampedModel):
    """A community-affairs consultation (社区事务协商) hosted by a 居委会/村委会 on a local matter."""

    meeting = models.OneToOneField("consultations.Meeting", on_delete=models.PROTECT, related_name="community_affair")
    community = models.ForeignKey("district.Community", verbose_name=_("主办社区/村"), on_delete=models.PROTECT)
    matter = models.CharField(_("协商事项"), max_length=200)
    background = models.TextField(_("事项背景"))
    mediation_record = models.TextField(_("协商调解记录"), blank=True)
    agreement_reached = models.BooleanField(_("达成一致"), null=True, blank=True)
    agreement = models.TextField(_("协商结果"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A double tap or a resent form carries the same key (intake.services.retry_key_for, scoped to who
    # sends it) and gets the consultation already recorded back instead of a second one.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # Recorded by mistake (a duplicate, a wrong entry): the office voids it with a reason; its meeting is
    # cancelled, so that nobody's duty record counts it, and it leaves the public outcome pages.
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.TextField(_("作废原因"), blank=True)
    history = HistoricalRecords(excluded_fields=["idempotency_key"])

    class Meta:
        verbose_name = _("社区事务协商")
        verbose_name_plural = _("社区事务协商")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="community_consultation_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.matter

    def get_absolute_url(self) -> str:
        return reverse("grassroots:community", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("grassroots:community-outcome", args=[self.pk])

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Position(models.Model):
    """A party's position stated at a community consultation."""

    consultation = models.ForeignKey(CommunityConsultation, on_delete=models.CASCADE, related_name="positions")
    speaker = models.CharField(_("发言方"), max_length=100)
    position = models.TextField(_("意见主张"))
    order = models.PositiveSmallIntegerField(_("序号"), default=1)

    class Meta:
        verbose_name = _("各方意见")
        verbose_name_plural = _("各方意见")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.speaker


class FollowUpTask(TimeStampedModel):
    """A follow-up task agreed at a community consultation."""

    consultation = models.ForeignKey(CommunityConsultation, on_delete=models.CASCADE, related_name="tasks")
    description = models.CharField(_("事项"), max_length=300)
    responsible = models.CharField(_("责任方"), max_length=100)
    # The responsible party when it is a department (its name or short name typed as 责任方): its
    # liaisons are told of the task, see the consultation, and report the task done.
    department = models.ForeignKey(
        "district.Department",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_tasks",
    )
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_note = models.TextField(_("完成情况"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("后续任务")
        verbose_name_plural = _("后续任务")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        """Not done and its date has passed."""
        return self.done_at is None and self.due_date is not None and self.due_date < timezone.localdate()
