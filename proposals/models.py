"""Proposals (提案): a member's written suggestion, reviewed, filed, assigned, answered and rated (domain.md §2)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin, ExtensionRequestBase, ExtensionState, TimeStampedModel, VersionedModel


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COSIGNING = "cosigning", _("联名确认中")
    SUBMITTED = "submitted", _("已提交")
    PRE_REVIEWED = "pre_reviewed", _("已初审")
    FILED = "filed", _("已立案")
    REJECTED = "rejected", _("不予立案")
    CONVERTED = "converted", _("已转办")
    MERGED = "merged", _("已并案")
    TO_ASSIGN = "to_assign", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    RETURN_REQUESTED = "return_requested", _("申请调整")
    IN_PROGRESS = "in_progress", _("办理中")
    REVIEW = "review", _("答复审核")
    REPLIED = "replied", _("已答复")
    UNSATISFIED = "unsatisfied", _("不满意")
    REHANDLING = "rehandling", _("重新办理")
    FOLLOW_UP = "follow_up", _("跟踪落实")
    CLOSED = "closed", _("已办结")


# States in which a proposal has been accepted as a filed proposal and carries a number.
FILED_STATES = frozenset(
    {
        Status.FILED,
        Status.TO_ASSIGN,
        Status.ASSIGNED,
        Status.RETURN_REQUESTED,
        Status.IN_PROGRESS,
        Status.REVIEW,
        Status.REPLIED,
        Status.UNSATISFIED,
        Status.REHANDLING,
        Status.FOLLOW_UP,
        Status.CLOSED,
    }
)
# States a handling unit works in (it sees the proposal from the hand-over on).
UNIT_STATES = FILED_STATES - {Status.FILED, Status.TO_ASSIGN}
# Excellent proposals are chosen for their results (domain.md §2): only once the units have
# answered and the answer stood (not while the proposer's "not satisfied" is being re-handled).
EXCELLENT_STATES = frozenset({Status.REPLIED, Status.FOLLOW_UP, Status.CLOSED})
# Drafts: editable by the author only.
EDITABLE_STATES = frozenset({Status.DRAFT})


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("个人提案")
    JOINT = "joint", _("联名提案")
    COLLECTIVE = "collective", _("集体提案")


class HandlingMode(models.TextChoices):
    LEAD = "lead", _("主办、会办")
    SEPARATE = "separate", _("分办")


class RejectGround(models.TextChoices):
    """The national grounds for not filing (domain.md §2, [S3]) plus one-matter-per-proposal."""

    MULTIPLE_SUBJECTS = "multiple_subjects", _("一案多事，不符合一事一案要求")
    SECRETS = "secrets", _("涉及党和国家秘密")
    PROHIBITED = "prohibited", _("涉及法律法规禁止的事项")
    PARTY_INTERNAL = "party_internal", _("中共党员对党内组织和人事问题的意见")
    DEMOCRATIC_PARTY_INTERNAL = "democratic_party_internal", _("民主党派内部事务")
    LITIGATION = "litigation", _("属于诉讼、仲裁案件")
    ACADEMIC = "academic", _("属于学术讨论")
    PERSONAL = "personal", _("涉及个人或家庭私事")
    PROMOTION = "promotion", _("宣传推介产品或作品")
    ACCUSATION = "accusation", _("点名批评、检举揭发")
    NO_SUGGESTION = "no_suggestion", _("内容空泛，没有具体建议")
    OTHER = "other", _("其他原因")


class Conversion(models.TextChoices):
    REPORT = "report", _("转为社情民意信息")
    LETTER = "letter", _("转为委员来信")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("会办")
    SEPARATE = "separate", _("分办")


# The units that write replies and answer for a deadline: a co-unit's opinion goes to the lead unit.
REPLYING_ROLES = (UnitRole.LEAD, UnitRole.SEPARATE)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ContactMethod(models.TextChoices):
    FACE = "face", _("当面沟通")
    PHONE = "phone", _("电话沟通")
    MEETING = "meeting", _("座谈会")
    VISIT = "visit", _("实地走访")
    LETTER = "letter", _("书面沟通")


class ReplyClass(BilingualNameMixin):
    """A reply class (答复类别): the district's own list, seeded with A/B/C (domain.md §2 (c))."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    needs_follow_up = models.BooleanField(
        _("需跟踪落实"), default=False, help_text=_("答复后仍需跟踪落实、解决后再次答复的类别（如列入计划）。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Renaming or retiring a row is kept with who, when and the old value (the admin's 历史).
    history = HistoricalRecords()

    class Meta:
        # "a" and "A" would be two classes that read as one in every list and export.
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="proposals_replyclass_code_ci",
                violation_error_message=_("已有代码相同（不区分大小写）的答复类别。"),
            )
        ]
        verbose_name = _("答复类别")
        verbose_name_plural = _("答复类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return _("%(code)s类（%(name)s）") % {"code": self.code, "name": self.display_name}


class Proposal(TimeStampedModel, VersionedModel):
    kind = models.CharField(_("提案形式"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    title = models.CharField(_("标题"), max_length=200)
    case = models.TextField(_("案由"), blank=True, help_text=_("反映的情况和问题"))
    analysis = models.TextField(_("分析"), blank=True, help_text=_("问题的原因分析"))
    suggestions = models.TextField(_("具体建议"), blank=True)
    suggested_departments = models.ManyToManyField(
        "district.Department", verbose_name=_("建议承办单位"), blank=True, related_name="suggested_proposals"
    )
    is_urgent = models.BooleanField(_("快速通道"), default=False, help_text=_("时效性强，缩短答复期限"))
    consents_to_conversion = models.BooleanField(
        _("同意转为社情民意信息或委员来信"),
        default=False,
        help_text=_("如不予立案，同意提案委员会将内容转为社情民意信息或委员来信处理。"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="proposals"
    )
    member = models.ForeignKey(
        "district.Member",
        verbose_name=_("第一提案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_proposals",
    )
    # Collective proposals (集体提案) are made in the name of one sector, party or special committee.
    org_sector = models.ForeignKey(
        "district.Sector", verbose_name=_("提案界别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_party = models.ForeignKey(
        "district.Party",
        verbose_name=_("提案党派团体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_body = models.ForeignKey(
        "district.Body", verbose_name=_("提案专委会"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        "district.Session",
        verbose_name=_("会次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    serial = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    cosign_deadline = models.DateField(_("联名确认截止日期"), null=True, blank=True)
    # Where it started: a duty-group issue, a citizen's appeal, a workstation visit.
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("来源类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reject_ground = models.CharField(_("不予立案理由类别"), max_length=40, choices=RejectGround.choices, blank=True)
    conversion = models.CharField(_("转办方式"), max_length=10, choices=Conversion.choices, blank=True)
    converted_report = models.ForeignKey(
        "opinions.OpinionReport",
        verbose_name=_("转成的社情民意信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_proposals",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入提案"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    handling_mode = models.CharField(_("办理方式"), max_length=10, choices=HandlingMode.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # The last day to rate the reply, fixed when it is sent (PROPOSAL_RATING_DAYS then): a later change
    # of the rule does not reopen or shorten a window already given. Blank on replies sent before.
    rating_due = models.DateField(_("评价截止日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    is_key = models.BooleanField(_("重点提案"), default=False, db_index=True)
    key_year = models.PositiveSmallIntegerField(_("重点提案年度"), null=True, blank=True)
    key_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_proposals",
    )
    is_excellent = models.BooleanField(_("优秀提案"), default=False, db_index=True)
    excellent_year = models.PositiveSmallIntegerField(_("优秀提案年度"), null=True, blank=True)
    excellent_withdrawn_reason = models.TextField(_("撤销优秀提案的理由"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="proposal_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="proposal_kind_valid"),
            models.UniqueConstraint(
                fields=["session", "serial"], condition=models.Q(serial__isnull=False), name="proposal_serial_unique"
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The filed number, per session and year, e.g. 2022年14届1次第007号."""
        if self.serial is None or self.session is None:
            return ""
        return _("%(year)s年%(term)s届%(session)s次第%(serial)03d号") % {
            "year": self.session.year,
            "term": self.session.term.number,
            "session": self.session.number,
            "serial": self.serial,
        }

    @property
    def cosign_window_open(self) -> bool:
        """Whether co-signers may still answer (no deadline set, or not past it); the queryset form is
        `proposals.selectors.cosign_open`."""
        return self.cosign_deadline is None or timezone.localdate() <= self.cosign_deadline

    @property
    def accepted_signers(self) -> list:
        """The co-signers who confirmed (read from the prefetched `signers` when a list prefetched them)."""
        return [s for s in self.signers.all() if s.accepted]

    @property
    def proposer_label(self) -> str:
        """Who proposes it, as printed: an organisation for collective proposals, else the lead member."""
        org = self.org_sector or self.org_party or self.org_body
        if self.kind == Kind.COLLECTIVE and org is not None:
            return str(org)
        return self.member.name if self.member else self.author.display


class ProposalSigner(models.Model):
    """A co-signer (联名人) invited to a joint proposal; confirms or declines online before the deadline."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="signers")
    member = models.ForeignKey(
        "district.Member", verbose_name=_("联名委员"), on_delete=models.PROTECT, related_name="+"
    )
    # Empty when the office entered a paper co-signature (members without an account cannot confirm online).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cosignatures"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=1)
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    accepted = models.BooleanField(_("是否同意联名"), null=True, blank=True)
    responded_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联名人")
        verbose_name_plural = _("联名人")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="signer_once_per_proposal")]

    def __str__(self) -> str:
        return self.member.name


class ProposalAssignment(TimeStampedModel):
    """One handling unit of a proposal: the lead (主办), a co-unit (会办) or a separate unit (分办)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "district.Department", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="proposal_assignments"
    )
    role = models.CharField(_("办理类型"), max_length=10, choices=UnitRole.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    return_reason = models.TextField(_("申请调整理由"), blank=True)
    return_requested_at = models.DateTimeField(_("申请调整时间"), null=True, blank=True)
    opinion = models.TextField(_("会办意见"), blank=True)
    opinion_at = models.DateTimeField(_("会办意见提交时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["proposal", "role", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=UnitRole.values), name="assignment_role_valid"),
            models.UniqueConstraint(
                fields=["proposal", "department"],
                condition=models.Q(is_active=True),
                name="assignment_active_once",
            ),
        ]
        indexes = [models.Index(fields=["department", "is_active"])]

    def __str__(self) -> str:
        return f"{self.department}（{self.get_role_display()}）"


class ProposalContact(models.Model):
    """A contact between the handling unit and the proposer before the reply (面商/沟通)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="contacts")
    department = models.ForeignKey("district.Department", verbose_name=_("承办单位"), on_delete=models.PROTECT)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    method = models.CharField(_("沟通方式"), max_length=10, choices=ContactMethod.choices)
    contacted_on = models.DateField(_("沟通日期"))
    proposer_name = models.CharField(_("沟通对象"), max_length=60)
    summary = models.TextField(_("沟通情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办前沟通")
        verbose_name_plural = _("办前沟通")
        ordering = ["contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.department} {self.contacted_on}"


class ProposalReply(TimeStampedModel):
    """A handling unit's written reply (答复函) in one handling round, with its class."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey("district.Department", verbose_name=_("答复单位"), on_delete=models.PROTECT)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    reply_class = models.ForeignKey(ReplyClass, verbose_name=_("答复类别"), on_delete=models.PROTECT)
    body = models.TextField(_("答复内容"))
    signed_by = models.CharField(_("签发人"), max_length=30)
    # Printed on the reply letter: the proposer may call the unit's handler (never the other way round).
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "department", "round"], name="reply_once_per_unit_round")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.reply_class.code}"


class ProposalReminder(models.Model):
    """One reminder of one kind, to one unit or proposer, for one day-window of a proposal.

    The unique key (proposal, kind, target, window) makes `send_proposal_reminders` idempotent: a second
    run (or a concurrent one) fails the insert and sends nothing. `sent_at` is set in the transaction
    that creates the notifications, so a worker killed mid-send leaves the row unsent for the next run.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("答复即将到期提醒")
        OVERDUE = "overdue", _("答复逾期催办")
        RATING = "rating", _("评价答复提醒")

    proposal = models.ForeignKey(Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    department = models.ForeignKey(
        "district.Department", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提案者"), null=True, blank=True, on_delete=models.CASCADE
    )
    # "dept:<id>" or "user:<id>": not null, so the unique key holds on every database.
    target = models.CharField(max_length=30)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    due_date = models.DateField(_("针对的期限"))
    window = models.DateField(_("提醒周期起始日"))
    claimed_at = models.DateTimeField(_("认领时间"))
    enqueued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("提案催办提醒")
        verbose_name_plural = _("提案催办提醒")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "kind", "target", "window"], name="proposal_reminder_once_per_window"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["due_soon", "overdue", "rating"]), name="proposal_reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.kind} {self.target} {self.window}"


class ProposalRating(models.Model):
    """A proposer's rating of the reply in one round (满意 / 基本满意 / 不满意)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices)
    reason = models.TextField(_("意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("答复评价")
        verbose_name_plural = _("答复评价")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round", "user"], name="rating_once_per_round"),
            models.CheckConstraint(condition=models.Q(rating__in=Rating.values), name="rating_valid"),
        ]

    def __str__(self) -> str:
        return self.get_rating_display()


class ExtensionRequest(ExtensionRequestBase):
    """A handling unit's request for a later reply deadline (延期申请), decided by the assigning offices.

    Written only by the workflow effects of `request_extension` / `approve_extension` /
    `refuse_extension` (and settled by the office's direct `extend`), so each step is also a
    StatusChange on the proposal's timeline."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="extension_requests")
    current_due = models.DateField(_("原答复期限"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta(ExtensionRequestBase.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            # A proposal's request is never lapsed: the office's direct extension settles it instead.
            models.CheckConstraint(
                condition=models.Q(state__in=[ExtensionState.PENDING, ExtensionState.APPROVED, ExtensionState.REFUSED]),
                name="extension_state_valid",
            ),
            # One request at a time per proposal and round: a pending one blocks the next.
            models.UniqueConstraint(
                fields=["proposal", "round"],
                condition=models.Q(state="pending"),
                name="extension_pending_once",
            ),
        ]
