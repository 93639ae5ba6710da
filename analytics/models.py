"""Text intelligence: the lexicon, routing models and suggestions, duplicates, hot topics, the search index."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class LexiconEntry(TimeStampedModel):
    """A word of the user dictionary (place name or government term), kept whole by segmentation."""

    class Kind(models.TextChoices):
        PLACE = "place", _("地名")
        TERM = "term", _("政务术语")

    word = models.CharField(_("词语"), max_length=30, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.TERM)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分词词典词条")
        verbose_name_plural = _("分词词典词条")
        ordering = ["kind", "word"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["place", "term"]), name="lexicon_kind_valid")
        ]

    def __str__(self) -> str:
        return self.word


class ClassifierVersion(models.Model):
    """One trained routing model: its metrics on the held-out part and the stored artefact."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    source = models.CharField(_("训练数据"), max_length=200)
    n_train = models.PositiveIntegerField(_("训练样本数"), default=0)
    n_holdout = models.PositiveIntegerField(_("留出样本数"), default=0)
    # {"category": {"macro_f1": .., "accuracy": .., "labels": n}, "department": {...}, "handler": {...}}
    metrics = models.JSONField(_("指标"), default=dict)
    # The metrics of the model in use, measured on the same held-out part (what this one had to match).
    baseline_metrics = models.JSONField(_("对比指标"), default=dict, blank=True)
    train_seconds = models.FloatField(_("训练耗时（秒）"), default=0)
    artefact = models.FileField(_("模型文件"), upload_to="analytics/models/", max_length=200)
    is_active = models.BooleanField(_("使用中"), default=False, db_index=True)
    decision = models.CharField(_("启用结论"), max_length=200, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("分派模型版本")
        verbose_name_plural = _("分派模型版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_model")
        ]

    def __str__(self) -> str:
        return _("分派模型 v%(n)s") % {"n": self.number}


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已采纳")
    CORRECTED = "corrected", _("已更正")


class RoutingSuggestion(TimeStampedModel):
    """What the model proposes for one appeal: category, department and handler, each with a confidence."""

    appeal = models.OneToOneField("intake.Appeal", on_delete=models.CASCADE, related_name="routing_suggestion")
    model_version = models.ForeignKey(ClassifierVersion, on_delete=models.PROTECT, related_name="suggestions")
    category = models.ForeignKey(
        "intake.AppealCategory", verbose_name=_("建议类别"), null=True, blank=True, on_delete=models.SET_NULL
    )
    category_confidence = models.FloatField(_("类别置信度"), default=0)
    department = models.ForeignKey(
        "district.Department",
        verbose_name=_("建议承办部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department_confidence = models.FloatField(_("部门置信度"), default=0)
    # "office", "workstation:<pk>" or "duty_group:<pk>" (see analytics.routing.handler_choices).
    handler = models.CharField(_("建议办理主体"), max_length=40, blank=True)
    handler_confidence = models.FloatField(_("办理主体置信度"), default=0)
    predict_ms = models.FloatField(_("预测耗时（毫秒）"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING, db_index=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分派建议")
        verbose_name_plural = _("分派建议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SuggestionStatus.values), name="routing_suggestion_status_valid"
            )
        ]

    def __str__(self) -> str:
        return _("“%(appeal)s”的分派建议") % {"appeal": self.appeal}

    def get_absolute_url(self) -> str:
        return reverse("analytics:suggestion", args=[self.pk])


class RoutingLabel(TimeStampedModel):
    """The routing staff confirmed for an appeal: the label the next training learns from."""

    class Source(models.TextChoices):
        ACCEPTED = "accepted", _("采纳建议")
        CORRECTED = "corrected", _("人工更正")

    appeal = models.OneToOneField("intake.Appeal", on_delete=models.CASCADE, related_name="routing_label")
    category = models.ForeignKey(
        "intake.AppealCategory", verbose_name=_("类别"), null=True, blank=True, on_delete=models.SET_NULL
    )
    department = models.ForeignKey(
        "district.Department", verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.SET_NULL
    )
    handler = models.CharField(_("办理主体"), max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分派标注")
        verbose_name_plural = _("分派标注")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("“%(appeal)s”的分派标注") % {"appeal": self.appeal}


class AppealFingerprint(models.Model):
    """The MinHash signature of an appeal, for near-duplicate lookups."""

    appeal = models.OneToOneField("intake.Appeal", on_delete=models.CASCADE, related_name="fingerprint")
    signature = models.JSONField(default=list)
    # `analytics.lexicon.fingerprint_recipe()` when it was computed: a fingerprint of another recipe is
    # stale (the lexicon, the place names or the shingling changed) until `rebuild_fingerprints --stale`.
    recipe = models.CharField(_("计算口径"), max_length=16, blank=True, default="", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("诉求指纹")
        verbose_name_plural = _("诉求指纹")

    def __str__(self) -> str:
        return str(self.appeal_id)


class FingerprintBand(models.Model):
    """One LSH bucket of an appeal's signature: the blocking index (an indexed equality lookup per band)."""

    fingerprint = models.ForeignKey(AppealFingerprint, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("文本指纹分段")
        verbose_name_plural = _("文本指纹分段")
        indexes = [models.Index(fields=["band", "key"])]
        constraints = [models.UniqueConstraint(fields=["fingerprint", "band"], name="fingerprint_band_once")]

    def __str__(self) -> str:
        return f"{self.band}:{self.key}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("待判断")
    MERGED = "merged", _("已合并办理")
    DISMISSED = "dismissed", _("不是重复")


class DuplicateCandidate(TimeStampedModel):
    """A pair of appeals that look like the same matter: `appeal` arrived later than `original`."""

    appeal = models.ForeignKey("intake.Appeal", on_delete=models.CASCADE, related_name="duplicate_candidates")
    original = models.ForeignKey("intake.Appeal", on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(_("相似度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN, db_index=True
    )
    # True when intake's own merge (Appeal.merged_into) recorded the merge too.
    merged_in_intake = models.BooleanField(_("已同步至诉求办理"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("疑似重复诉求")
        verbose_name_plural = _("疑似重复诉求")
        ordering = ["-similarity", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "original"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=~models.Q(appeal=models.F("original")), name="duplicate_not_self"),
            models.CheckConstraint(
                condition=models.Q(status__in=DuplicateStatus.values), name="duplicate_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return _("“%(a)s”疑似重复“%(b)s”") % {"a": self.appeal, "b": self.original}

    def get_absolute_url(self) -> str:
        return reverse("analytics:duplicate", args=[self.pk])


class HotTopicRun(models.Model):
    """One run of hot-topic mining over a time window."""

    started_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    since = models.DateTimeField(_("起始时间"))
    until = models.DateTimeField(_("截止时间"))
    n_documents = models.PositiveIntegerField(_("文本数"), default=0)
    n_topics = models.PositiveIntegerField(_("热点数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("热点挖掘记录")
        verbose_name_plural = _("热点挖掘记录")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.since:%Y-%m-%d} – {self.until:%Y-%m-%d}"

    @property
    def middle(self):
        """Where the window's second half (近期) begins; the first half (前期) is before it."""
        return self.since + (self.until - self.since) / 2


class TopicStatus(models.TextChoices):
    NEW = "new", _("待研判")
    SENT = "sent", _("已送拟题征集")
    DISMISSED = "dismissed", _("暂不采用")


# How a topic's second half compares with its first (较前期增长 / 与前期持平 / 较前期下降).
CHANGE_LABELS = {"up": _("较前期增长"), "flat": _("与前期持平"), "down": _("较前期下降")}


class HotTopic(TimeStampedModel):
    """A cluster of recent appeals and reports: a candidate consultation topic (拟题候选)."""

    run = models.ForeignKey(HotTopicRun, on_delete=models.CASCADE, related_name="topics")
    rank = models.PositiveSmallIntegerField(_("排名"))
    title = models.CharField(_("代表标题"), max_length=200)
    keywords = models.JSONField(_("关键词"), default=list)
    score = models.FloatField(_("热度"))
    volume = models.PositiveIntegerField(_("数量"))
    # Members dated in the second half of the run's window (近期); the rest are the first half (前期).
    recent = models.PositiveIntegerField(_("近期数量"), default=0)
    # (recent + 1) / (earlier + 1): a smoothed ratio for the ranking only, never shown as a growth.
    growth = models.FloatField(_("增长指数（排序用）"))
    spread = models.PositiveIntegerField(_("涉及社区/镇街数"))
    support = models.PositiveIntegerField(_("群众支持数"))
    # Counts per day over the window, for the trend chart: [["2024-05-01", 3], ...].
    trend = models.JSONField(_("趋势"), default=list)
    status = models.CharField(
        _("状态"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.NEW, db_index=True
    )
    # The topic suggestion this candidate became (topics.TopicSuggestion, when that app has it). The link
    # is audited by the send step (its data names the suggestion), not as raw field edits in the history.
    suggestion_type = models.ForeignKey(
        ContentType,
        verbose_name=_("议题建议类型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestion_id = models.PositiveBigIntegerField(_("议题建议编号"), null=True, blank=True)
    suggestion = GenericForeignKey("suggestion_type", "suggestion_id")
    history = HistoricalRecords(excluded_fields=["suggestion_type", "suggestion_id"])

    class Meta:
        verbose_name = _("热点议题")
        verbose_name_plural = _("热点议题")
        ordering = ["run", "rank"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=TopicStatus.values), name="hot_topic_status_valid"),
            models.UniqueConstraint(fields=["run", "rank"], name="hot_topic_rank_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("analytics:topic", args=[self.pk])

    @property
    def earlier(self) -> int:
        """Members dated in the first half of the window (前期)."""
        return max(self.volume - self.recent, 0)

    @property
    def change(self) -> str:
        """ "up", "flat" or "down": the second half of the window against the first, by the plain counts."""
        if self.recent == self.earlier:
            return "flat"
        return "up" if self.recent > self.earlier else "down"

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS[self.change])


class HotTopicItem(models.Model):
    """One appeal or report in a hot topic: the evidence."""

    topic = models.ForeignKey(HotTopic, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("标题"), max_length=200)
    created_at = models.DateTimeField(_("时间"))
    similarity = models.FloatField(_("与主题的相似度"), default=0)

    class Meta:
        verbose_name = _("热点证据")
        verbose_name_plural = _("热点证据")
        ordering = ["-similarity", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title


class SearchDocument(models.Model):
    """One searchable record, its text segmented by jieba (words separated by spaces) for the FTS index.

    SQLite indexes `tokens` with an FTS5 table (analytics_search_fts); PostgreSQL with a GIN index on
    to_tsvector('simple', tokens). Both see the same words, so both find the same records.
    """

    kind = models.CharField(_("类型"), max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    tokens = models.TextField(blank=True)
    town = models.ForeignKey("district.Town", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索索引条目")
        verbose_name_plural = _("检索索引条目")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="search_document_once")]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return self.title
