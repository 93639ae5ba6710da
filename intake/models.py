"""Citizens' appeals (群众诉求) from every channel. Owned by the grassroots area."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import EncryptedTextField
from core.models import BilingualNameMixin, TimeStampedModel


class AppealCategory(BilingualNameMixin):
    """A category of appeals (configurable list; the Open311 service list)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    department = models.ForeignKey(
        "district.Department", verbose_name=_("默认承办部门"), null=True, blank=True, on_delete=models.SET_NULL
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
                name="intake_appealcategory_code_ci",
                violation_error_message=_("已有代码相同（不区分大小写）的诉求类别。"),
            )
        ]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "id"]


class Channel(models.TextChoices):
    WEB = "web", _("网上提交")
    WECHAT = "wechat", _("微信公众号")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信来访")
    MAILBOX = "mailbox", _("委员信箱")
    RECEPTION = "reception", _("接待日")
    VISIT = "visit", _("走访")
    OPEN311 = "open311", _("开放接口")


class AppealStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ROUTED = "routed", _("办理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并办理")
    WITHDRAWN = "withdrawn", _("已撤回")


class Route(models.TextChoices):
    """Who handles an appeal once routed."""

    WORKSTATION = "workstation", _("委员工作室")
    DUTY_GROUP = "duty_group", _("界别委员履职小组")
    OFFICE = "office", _("政协办公室")


class Outcome(models.TextChoices):
    """How an appeal is closed (the same three outcomes as a micro-consultation)."""

    ON_THE_SPOT = "on_the_spot", _("当场解决")
    PLAN = "plan", _("制定计划限期解决")
    EXPLANATION = "explanation", _("作出合理解释")


class PlanState(models.TextChoices):
    """Where the plan of an appeal closed with 制定计划限期解决 stands (`Appeal.plan_state`): followed up
    until its handlers record it carried out (计划已落实) or move its date, with a reason."""

    OPEN = "open", _("计划落实中")
    OVERDUE = "overdue", _("计划已逾期")
    DONE = "done", _("计划已落实")


class Appeal(TimeStampedModel):
    # Unique by the constraints below (no second LIKE index, as `unique=True` would add on PostgreSQL).
    tracking_code = models.CharField(_("查询码"), max_length=16)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("诉求内容"))
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    # Category and town are indexed by the (…, created_at) indexes below, which lead with them.
    category = models.ForeignKey(
        AppealCategory,
        verbose_name=_("类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    town = models.ForeignKey(
        "district.Town",
        verbose_name=_("镇街"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    community = models.ForeignKey(
        "district.Community",
        verbose_name=_("社区/村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    address = EncryptedTextField(_("详细地址"), blank=True)
    contact_name = EncryptedTextField(_("联系人"), blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    # Staff or a member who took the appeal down on the citizen's behalf (phone, visit, WeChat):
    # they may open and follow it, with the contact data masked, without handling it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_appeals",
    )
    department = models.ForeignKey(
        "district.Department",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    status = models.CharField(_("状态"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.RECEIVED)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Routing: a workstation, a duty group or the office itself.
    route = models.CharField(_("办理主体"), max_length=20, choices=Route.choices, blank=True)
    workstation = models.ForeignKey(
        "grassroots.Workstation",
        verbose_name=_("委员工作室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    duty_group = models.ForeignKey(
        "grassroots.DutyGroup",
        verbose_name=_("履职小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    answer = models.TextField(_("答复意见"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    plan_due_date = models.DateField(_("计划完成日期"), null=True, blank=True)
    # The plan carried out (the "complete_plan" action on the closed appeal): when it was recorded and
    # what was done, in words the citizen reads on the tracking page. Cleared when it is closed again.
    plan_done_at = models.DateTimeField(_("计划落实时间"), null=True, blank=True)
    plan_done_note = models.TextField(_("计划落实情况"), blank=True)
    # Near-duplicates are handled as one case; each citizen keeps their own tracking code.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    opinion_report = models.ForeignKey(
        "opinions.OpinionReport",
        verbose_name=_("报送的社情民意信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A double-click or a retry carries the same key and gets the same appeal back.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    contact_withdrawn_at = models.DateTimeField(_("个人信息撤回时间"), null=True, blank=True)
    # The history table is read by appeal (`id`), date and user only: its copies of the indexes above
    # would only slow every public submission down (see benchmarks/README.md, intake under load).
    history = HistoricalRecords(
        excluded_fields=["address", "contact_name", "contact_phone"],
        no_db_index=[
            "created_at",
            "tracking_code",
            "category",
            "town",
            "community",
            "citizen",
            "recorded_by",
            "department",
            "workstation",
            "duty_group",
            "merged_into",
            "opinion_report",
            "idempotency_key",
        ],
    )

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["category", "created_at"]),
            models.Index(fields=["town", "created_at"]),
            # The office list filtered by town and state (count and page) on a city-sized table.
            models.Index(fields=["town", "status", "created_at"], name="appeal_town_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="appeal_tracking_code_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="appeal_idempotency_key_unique"),
            models.CheckConstraint(condition=models.Q(status__in=AppealStatus.values), name="appeal_status_valid"),
            models.CheckConstraint(condition=models.Q(outcome__in=["", *Outcome.values]), name="appeal_outcome_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("intake:office-detail", args=[self.pk])

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.address)

    @property
    def latest_rating(self):
        """The citizen's rating of the latest rated round, or None (prefetched by `with_latest_rating`)."""
        rows = getattr(self, "ratings_newest_first", None)
        if rows is None:
            return self.ratings.order_by("-round", "-id").first()
        return rows[0] if rows else None

    @property
    def plan_state(self) -> str:
        """The plan's state (a PlanState value) for an appeal closed with a plan and a date, else ""."""
        if self.status != AppealStatus.CLOSED or self.outcome != Outcome.PLAN or self.plan_due_date is None:
            return ""
        if self.plan_done_at is not None:
            return PlanState.DONE
        return PlanState.OVERDUE if self.plan_due_date < timezone.localdate() else PlanState.OPEN

    @property
    def plan_state_label(self) -> str:
        return str(PlanState(self.plan_state).label) if self.plan_state else ""

    @property
    def handler_label(self) -> str:
        if self.route == Route.WORKSTATION and self.workstation_id:
            return str(self.workstation)
        if self.route == Route.DUTY_GROUP and self.duty_group_id:
            return str(self.duty_group)
        return str(Route(self.route).label) if self.route else ""


class Satisfaction(models.TextChoices):
    """The citizen's rating of how their appeal was handled (群众评价)."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class AppealRating(models.Model):
    """The citizen's rating of one handling round of their appeal (a reopened appeal is rated again).

    Written only by `intake.services.rate_appeal`; the row is its own audit record: who rated (the
    signed-in sender, or nobody for whoever held the tracking code), when, and what they said."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    rating = models.CharField(_("评价"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "round"], name="appeal_rating_once_per_round"),
            models.CheckConstraint(condition=models.Q(rating__in=Satisfaction.values), name="appeal_rating_valid"),
        ]

    def __str__(self) -> str:
        return self.get_rating_display()

    @property
    def rater_label(self) -> str:
        """Who rated, as the audit shows it: the signed-in citizen, or the holder of the tracking code."""
        if self.citizen_id:
            return self.citizen.display
        return str(_("群众（凭查询码）"))


class AppealMessage(models.Model):
    """A message on an appeal: the citizen's follow-up, or the handler's reply shown to the citizen."""

    class Author(models.TextChoices):
        CITIZEN = "citizen", _("诉求人")
        STAFF = "staff", _("办理人员")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("发送方"), max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("诉求留言")
        verbose_name_plural = _("诉求留言")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(author_kind__in=["citizen", "staff"]), name="appeal_msg_author")
        ]

    def __str__(self) -> str:
        return self.body[:40]
