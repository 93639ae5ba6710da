"""The district: its 政协 committee, bodies, sectors, parties, places, members and departments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import EncryptedTextField
from core.i18n import parenthesised
from core.models import BilingualNameMixin, BilingualShortNameMixin


class Committee(models.Model):
    """The district committee of the CPPCC (one per deployment)."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30)
    district_name = models.CharField(_("所在区"), max_length=30)
    doc_prefix = models.CharField(_("发文字号前缀"), max_length=10, help_text=_("如“同”"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("政协组织")
        verbose_name_plural = _("政协组织")

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term (届) of the committee, e.g. the 15th, 2021–2026."""

    committee = models.ForeignKey(Committee, verbose_name=_("政协组织"), on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    start_year = models.PositiveSmallIntegerField(_("起始年份"))
    end_year = models.PositiveSmallIntegerField(_("结束年份"))
    is_current = models.BooleanField(_("本届"), default=False)

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = _("届")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="term_unique")]

    def __str__(self) -> str:
        return _("第%(n)s届") % {"n": self.number}


class Session(models.Model):
    """A plenary session (次会议) of a term, held in a given year."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("次"))
    year = models.PositiveSmallIntegerField(_("年份"))
    opens_on = models.DateField(_("开幕日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("全体会议")
        verbose_name_plural = _("全体会议")
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="session_unique")]

    def __str__(self) -> str:
        return _("%(term)s第%(n)s次会议（%(year)s）") % {"term": self.term, "n": self.number, "year": self.year}


class Body(BilingualNameMixin):
    """A body of the committee: the office, the research office and the special committees (委处)."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("办公室")
        RESEARCH = "research", _("研究室")
        SPECIAL = "special", _("专门委员会")

    committee = models.ForeignKey(
        Committee, verbose_name=_("政协组织"), on_delete=models.CASCADE, related_name="bodies"
    )
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    handles_proposals = models.BooleanField(_("负责提案工作"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("委处")
        verbose_name_plural = _("委处")
        ordering = ["order", "id"]


class Sector(BilingualNameMixin):
    """A sector (界别) of members."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("界别")
        verbose_name_plural = _("界别")
        ordering = ["order", "id"]


class Party(BilingualShortNameMixin):
    """A party or group: the CPC, the democratic parties, non-party figures, people's organisations."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党派团体")
        verbose_name_plural = _("党派团体")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.display_short_name


class Town(models.Model):
    """A town or street (镇街)."""

    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        STREET = "street", _("街道")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.TOWN)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("镇街")
        verbose_name_plural = _("镇街")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A community (社区) or village (村) within a town."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("社区")
        VILLAGE = "village", _("村")

    town = models.ForeignKey(Town, verbose_name=_("镇街"), on_delete=models.PROTECT, related_name="communities")
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.COMMUNITY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("社区/村")
        verbose_name_plural = _("社区/村")
        ordering = ["town__order", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="community_unique")]

    def __str__(self) -> str:
        return f"{self.town.name}{self.name}"


class Department(models.Model):
    """A unit on the party/government side: 区委办, 政府办, functional departments, town governments."""

    class Kind(models.TextChoices):
        PARTY_OFFICE = "party_office", _("区委办公室")
        GOV_OFFICE = "gov_office", _("区政府办公室")
        FUNCTIONAL = "functional", _("职能部门")
        TOWN = "town", _("镇街")
        OTHER = "other", _("其他单位")

    name = models.CharField(_("名称"), max_length=60, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.FUNCTIONAL)
    head_name = models.CharField(_("负责人"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A member (委员) of the committee."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Position(models.TextChoices):
        NONE = "", _("委员")
        CHAIR = "chair", _("主席")
        VICE_CHAIR = "vice_chair", _("副主席")
        SECRETARY_GENERAL = "secretary_general", _("秘书长")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=30, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("界别"), on_delete=models.PROTECT, related_name="members")
    party = models.ForeignKey(Party, verbose_name=_("党派"), on_delete=models.PROTECT, related_name="members")
    body = models.ForeignKey(
        Body, verbose_name=_("所属专委会"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    town = models.ForeignKey(
        Town, verbose_name=_("联系镇街"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    workplace = models.CharField(_("工作单位及职务"), max_length=100, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    address = EncryptedTextField(_("通讯地址"), blank=True)
    photo = models.ImageField(_("照片"), upload_to="members/photos/", null=True, blank=True)
    is_standing = models.BooleanField(_("常委"), default=False, db_index=True)
    position = models.CharField(_("职务"), max_length=20, choices=Position.choices, blank=True, default="")
    is_active = models.BooleanField(_("在任"), default=True)
    history = HistoricalRecords(excluded_fields=["photo"])

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["term", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__in=["", "chair", "vice_chair", "secretary_general"]),
                name="member_position_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        if self.position:
            return str(self.get_position_display())
        return str(_("常委")) if self.is_standing else str(_("委员"))


# Who leads a consultation topic (domain.md 调研: the chair or a vice-chair leads the group): one rule for a
# plan item's 牵头领导 and for its research group's, so the plan's lead can always lead the topic's research.
TOPIC_LEAD_POSITIONS = (Member.Position.CHAIR, Member.Position.VICE_CHAIR)


class Expert(models.Model):
    """A part-time researcher or expert invited into research groups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    name = models.CharField(_("姓名"), max_length=30)
    field = models.CharField(_("专业领域"), max_length=60)
    organisation = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True)

    class Meta:
        verbose_name = _("特邀研究员/专家")
        verbose_name_plural = _("特邀研究员/专家")

    def __str__(self) -> str:
        return self.name


class PartyLeader(models.Model):
    """A district party-committee leader who reviews plans and gives instructions (批示)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_leader",
    )
    name = models.CharField(_("姓名"), max_length=30)
    title = models.CharField(_("职务"), max_length=60)

    class Meta:
        verbose_name = _("区委领导")
        verbose_name_plural = _("区委领导")

    def __str__(self) -> str:
        return parenthesised(self.name, self.title)


class CalendarDay(models.Model):
    """A day that departs from the Monday-to-Friday week: a public holiday on a weekday (放假), or a
    weekend day worked in exchange (调休上班). The office enters each year's days from the State
    Council's notice; deadlines counted in working days read them (`district.workdays`)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("上班"), default=False, help_text=_("勾选表示调休上班（周末上班）；不勾选表示放假。")
    )
    name = models.CharField(_("名称"), max_length=30, help_text=_("如“国庆节”"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"
