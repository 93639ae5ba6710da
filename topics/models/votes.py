"""The standing committee's vote on a plan, members' online ballots and departments' receipts."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class VoteChoice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class PlanVote(models.Model):
    """A standing-committee vote on one plan version, held at a consultations.Meeting."""

    class Method(models.TextChoices):
        HANDS = "hands", _("举手表决（工作人员录入）")
        ONLINE = "online", _("委员在线表决")

    class Result(models.TextChoices):
        PENDING = "", _("未宣布")
        PASSED = "passed", _("通过")
        FAILED = "failed", _("未通过")
        # The meeting lacked its quorum: it was closed without a vote, which is neither passed nor failed.
        NO_QUORUM = "no_quorum", _("未达到法定人数，未表决")

    plan = models.ForeignKey("topics.ConsultationPlan", on_delete=models.CASCADE, related_name="votes")
    version = models.ForeignKey("topics.PlanVersion", on_delete=models.PROTECT, related_name="votes")
    meeting = models.OneToOneField("consultations.Meeting", on_delete=models.PROTECT, related_name="plan_vote")
    method = models.CharField(_("表决方式"), max_length=10, choices=Method.choices, default=Method.HANDS)
    # All standing-committee members when the vote opened: quorum and passing are fractions of this.
    standing_total = models.PositiveSmallIntegerField(_("常委总数"))
    # The rule in force when the vote was opened (STANDING_QUORUM_FRACTION, STANDING_PASS_FRACTION): a
    # later change of the district's rule does not rewrite a vote already taken. Blank on older votes,
    # which read the rule in force now.
    quorum_fraction = models.CharField(_("到会须超过的比例"), max_length=20, blank=True, default="")
    pass_fraction = models.CharField(_("通过须超过的比例"), max_length=20, blank=True, default="")
    votes_for = models.PositiveSmallIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    tally_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("表决结果"), max_length=10, choices=Result.choices, blank=True, default="")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("宣布结果时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("常委会表决")
        verbose_name_plural = _("常委会表决")
        ordering = ["plan", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(closed_at__isnull=True), name="one_open_vote_per_plan"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=["", "passed", "failed", "no_quorum"]), name="vote_result"
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(plan)s 常委会表决") % {"plan": self.plan})

    def get_absolute_url(self) -> str:
        return reverse("topics:vote", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def tally_recorded(self) -> bool:
        return self.votes_for is not None

    @property
    def awaits_meeting(self) -> bool:
        """Open, and its meeting has not begun yet: nothing can be voted (待开会, not 进行中)."""
        from consultations.selectors import meeting_has_begun

        return self.is_open and not meeting_has_begun(self.meeting)

    @property
    def was_voted(self) -> bool:
        """Closed after an actual vote (passed or failed), not for lack of quorum."""
        return self.result in (self.Result.PASSED, self.Result.FAILED)


class Ballot(models.Model):
    """One standing member's own online vote; a member votes once."""

    vote = models.ForeignKey(PlanVote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey("district.Member", on_delete=models.PROTECT, related_name="plan_ballots")
    choice = models.CharField(_("表决意见"), max_length=10, choices=VoteChoice.choices)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(_("投票时间"), auto_now_add=True)
    # A present member without an account who voted on a paper ballot, entered by the office (cast_by).
    on_paper = models.BooleanField(_("书面表决票（工作人员代为录入）"), default=False)

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        constraints = [
            models.UniqueConstraint(fields=["vote", "member"], name="ballot_once_per_member"),
            models.CheckConstraint(condition=models.Q(choice__in=VoteChoice.values), name="ballot_choice"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_choice_display()}"


class DepartmentReceipt(models.Model):
    """A related department's acknowledgement that it received the published plan."""

    plan = models.ForeignKey(
        "topics.ConsultationPlan", verbose_name=_("年度协商计划"), on_delete=models.CASCADE, related_name="receipts"
    )
    department = models.ForeignKey(
        "district.Department", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="plan_receipts"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门签收")
        verbose_name_plural = _("部门签收")
        ordering = ["plan", "department__order", "department_id"]
        constraints = [models.UniqueConstraint(fields=["plan", "department"], name="receipt_once_per_department")]

    def __str__(self) -> str:
        return f"{self.department} · {self.plan}"
