"""District rules as configuration (django-constance), with the seed district's values as defaults.

Deadlines, quorum fractions and approval chains differ between districts (domain.md): the office
edits them on the 规则设置 page (/district/rules/; superusers also in the admin under "Config"); code
reads them with `constance.config.NAME`. Rules that must agree with each other are checked together
by `check_rules`, on both pages.
"""

from django.utils.translation import gettext_lazy as _

from core.config_fields import FIELDS as CHECKED_FIELDS

CONSTANCE_CONFIG = {
    # Proposals (domain.md §2)
    "PROPOSAL_REPLY_DAYS": (90, _("提案答复期限（天）"), "days"),
    "PROPOSAL_REPLY_MAX_DAYS": (180, _("提案延期后最长答复期限（天）"), "days"),
    # domain.md §2: hard cases "explain in advance", so by default a unit asks before its deadline.
    "PROPOSAL_EXTENSION_AFTER_DUE": (False, _("答复期限已过后承办单位仍可申请延期"), bool),
    "PROPOSAL_URGENT_REPLY_DAYS": (30, _("快速通道提案答复期限（天）"), "days"),
    "PROPOSAL_RETURN_WINDOW_DAYS": (5, _("承办单位申请退回调整的期限（天）"), "days_or_none"),
    "PROPOSAL_COSIGN_DAYS": (7, _("联名确认期限（天）"), "days"),
    "PROPOSAL_RATING_DAYS": (21, _("提案者评价答复的期限（天）"), "days"),
    "PROPOSAL_REHANDLE_DAYS": (30, _("不满意后重新办理期限（天）"), "days"),
    "PROPOSAL_REMIND_BEFORE_DAYS": (7, _("提案答复到期前提醒承办单位（天）"), "days_or_none"),
    "PROPOSAL_REMIND_EVERY_DAYS": (7, _("提案逾期催办、评价提醒的重复间隔（天）"), "days"),
    "PROPOSAL_REPLY_LETTER_NUMBER": (
        # Data, never translated, written escaped: {unit}提复〔{year}〕{serial}{round_suffix}号.
        "{unit}\u63d0\u590d\u3014{year}\u3015{serial}{round_suffix}\u53f7",
        _(
            "答复函文号格式：{unit}单位简称，{year}年份，{serial}提案编号，{round}办理轮次，"
            "{round_suffix}重新办理轮次后缀（第1轮为空，第2轮为-2）"
        ),
        "reply_letter_number",
    ),
    # Public-opinion information (domain.md §3)
    "OPINION_MAX_CHARS": (1500, _("社情民意信息正文最大字数"), "count"),
    # Consultation (domain.md §4)
    "CONSULT_NOTICE_WORKDAYS": (15, _("协商会议提前通知（工作日）"), "days_or_none"),
    "CONSULT_MATERIALS_WORKDAYS": (10, _("协商材料提前送达（工作日）"), "days_or_none"),
    "CONSULT_MINUTES_WORKDAYS": (7, _("纪要报送期限（工作日）"), "days"),
    "CONSULT_DEPARTMENT_REQUIRED_KINDS": (
        "thematic,counterpart,proposal_handling,micro",
        _("必须邀请部门参加的会议类型（逗号分隔；有课题组的协商会一律须邀请部门）"),
        "meeting_kinds",
    ),
    "PLAN_APPROVAL_CHAIN": (
        "chairs_meeting,joint_offices,party_leader,standing_vote",
        _("年度协商计划审定环节（逗号分隔，按顺序）"),
        "approval_chain",
    ),
    "PLAN_DOC_NUMBER_FORMAT": (
        # Data, never translated, written escaped: {prefix}委办〔{year}〕{seq}号.
        "{prefix}\u59d4\u529e\u3014{year}\u3015{seq}\u53f7",
        _("年度协商计划发文字号格式（{prefix}区简称，{year}印发年份，{seq}序号）"),
        "plan_doc_number",
    ),
    "PLAN_ROUND_REMIND_DAYS": (7, _("议题征集截止前提醒（天）"), "days_or_none"),
    "PLAN_STEP_REMIND_DAYS": (7, _("协商计划在同一环节停留超过该天数时提醒办理人"), "days"),
    "PLAN_RECEIPT_REMIND_GRACE_DAYS": (
        0,
        _("计划年度结束后仍提醒相关部门签收协商计划的天数（0为计划年度结束即停止提醒）"),
        "days_or_none",
    ),
    "STANDING_QUORUM_FRACTION": ("0.5", _("常委会到会须超过全体常委的比例"), "fraction"),
    "STANDING_PASS_FRACTION": ("0.5", _("表决通过须超过全体常委的比例"), "fraction"),
    # Supervision (domain.md §5)
    "SUPERVISION_DEFAULT_DAYS": (60, _("督办任务默认办理期限（天）"), "days"),
    "SUPERVISION_RETURN_WINDOW_DAYS": (5, _("部门申请改派的期限（天）"), "days_or_none"),
    "SUPERVISION_REMIND_BEFORE_DAYS": (7, _("到期前提醒（天）"), "days_or_none"),
    "SUPERVISION_REHANDLE_DAYS": (30, _("答复不满意后重新办理期限（天）"), "days"),
    # 延期申请: the total a round's deadline may be moved by extensions, counted from that round's own deadline.
    "SUPERVISION_EXTENSION_MAX_DAYS": (90, _("督办任务延期最多可超过原办理期限（天）"), "days_or_none"),
    # A department chased for an overdue task often asks then, with a reason the office should hear.
    "SUPERVISION_EXTENSION_AFTER_DUE": (True, _("办理期限已过（逾期）后部门仍可申请延期"), bool),
    # A document-number prefix (data, never translated), written escaped: 同政协专报.
    "SUPERVISION_REPORT_PREFIX": ("\u540c\u653f\u534f\u4e13\u62a5", _("专报件文号前缀（如“同政协专报”）"), "text"),
    # Grassroots (domain.md §0, §5)
    "RECEPTION_WEEK_OF_MONTH": (2, _("接待日所在的周（每月第几个周末）"), "week_of_month"),
    # The members on duty are reminded of their reception day this many days before it (0: not reminded).
    "RECEPTION_REMIND_DAYS_BEFORE": (1, _("接待日前几天提醒值班委员（0为不提醒）"), "days_or_none"),
    "APPEAL_RATE_LIMIT": ("10/h", _("每个客户端提交诉求的频率上限"), "rate"),
    "APPEAL_MAX_CHARS": (5000, _("诉求正文最大字数"), "count"),
    # 12345-style return visit: the citizen rates the handling within this many days of its closing.
    "APPEAL_RATING_DAYS": (15, _("群众评价办理结果的期限（办结后天数）"), "days"),
    # A plan (制定计划限期解决), a duty group's or an appeal's, is reminded on its date, then once per this
    # many days while overdue.
    "ISSUE_PLAN_REMIND_EVERY_DAYS": (7, _("民生问题、群众诉求的解决计划逾期后重复提醒的间隔（天）"), "days"),
    # Accounts the office opens for experts and members (accounts.tokens)
    "ACCOUNT_ACTIVATION_DAYS": (7, _("账号激活链接有效期（天）"), "days"),
    # Statistics and duty records (domain.md §6: Tongcheng pass mark 60; Anqing 90 / 80 / 60)
    "INSIGHT_APPEAL_ANSWER_DAYS": (15, _("群众诉求应答复期限（天），超过即计为逾期"), "days"),
    "DUTY_GRADE_EXCELLENT": (
        90,
        _("履职积分“优秀”分数线（未按年度设定时的默认值；按年度设定见“履职积分规则”页）"),
        "points",
    ),
    "DUTY_GRADE_GOOD": (80, _("履职积分“良好”分数线（默认值）"), "points"),
    "DUTY_GRADE_PASS": (60, _("履职积分“合格”分数线（默认值）"), "points"),
    # Text analytics (docs/analytics.md; values measured in benchmarks/README.md)
    "ANALYTICS_DUPLICATE_MIN_SIMILARITY": (0.3, _("疑似重复诉求的最低相似度（0–1）"), "similarity"),
    "ANALYTICS_CLUSTER_MIN_SIMILARITY": (0.12, _("热点聚类的切分阈值：簇内平均相似度下限（0–1）"), "similarity"),
    "ANALYTICS_CLUSTER_ENTITY_BOOST": (6.0, _("热点聚类中同一小区、学校、单位名称的加权倍数"), "boost"),
}

# The checked field types named above (core.config_fields).
CONSTANCE_ADDITIONAL_FIELDS = CHECKED_FIELDS

CONSTANCE_CONFIG_FIELDSETS = (
    (_("提案"), tuple(k for k in CONSTANCE_CONFIG if k.startswith("PROPOSAL_"))),
    (_("社情民意"), tuple(k for k in CONSTANCE_CONFIG if k.startswith("OPINION_"))),
    (_("协商"), tuple(k for k in CONSTANCE_CONFIG if k.startswith(("CONSULT_", "PLAN_", "STANDING_")))),
    (_("督办"), tuple(k for k in CONSTANCE_CONFIG if k.startswith("SUPERVISION_"))),
    (_("基层平台"), tuple(k for k in CONSTANCE_CONFIG if k.startswith(("RECEPTION_", "APPEAL_", "ISSUE_")))),
    (_("账号"), ("ACCOUNT_ACTIVATION_DAYS",)),
    (_("统计与履职"), tuple(k for k in CONSTANCE_CONFIG if k.startswith(("INSIGHT_", "DUTY_")))),
    (_("文本分析"), tuple(k for k in CONSTANCE_CONFIG if k.startswith("ANALYTICS_"))),
)


# Rules that must agree: (lower, upper, strict, message). The lower rule must be below (strict) or not
# above the upper one; the message is shown beside both, since either may be the one mistyped.
_ORDERED = (
    (
        "DUTY_GRADE_GOOD",
        "DUTY_GRADE_EXCELLENT",
        True,
        _("分数线须依次递减：“良好”分数线（%(low)s分）须低于“优秀”分数线（%(high)s分）。"),
    ),
    (
        "DUTY_GRADE_PASS",
        "DUTY_GRADE_GOOD",
        True,
        _("分数线须依次递减：“合格”分数线（%(low)s分）须低于“良好”分数线（%(high)s分）。"),
    ),
    (
        "PROPOSAL_URGENT_REPLY_DAYS",
        "PROPOSAL_REPLY_DAYS",
        False,
        _("快速通道提案的答复期限（%(low)s天）不能长于一般提案的答复期限（%(high)s天）。"),
    ),
    (
        "PROPOSAL_REPLY_DAYS",
        "PROPOSAL_REPLY_MAX_DAYS",
        False,
        _("提案答复期限（%(low)s天）不能超过延期后的最长答复期限（%(high)s天）。"),
    ),
    # The due-soon reminder counts back from every reply deadline, the fast track's (the shortest:
    # it is not above the ordinary one) and a re-handling's included.
    (
        "PROPOSAL_REMIND_BEFORE_DAYS",
        "PROPOSAL_URGENT_REPLY_DAYS",
        True,
        _("到期前提醒承办单位的天数（%(low)s天）须少于快速通道提案的答复期限（%(high)s天），否则交办当天就会提醒。"),
    ),
    (
        "PROPOSAL_REMIND_BEFORE_DAYS",
        "PROPOSAL_REHANDLE_DAYS",
        True,
        _("到期前提醒承办单位的天数（%(low)s天）须少于重新办理期限（%(high)s天）。"),
    ),
    (
        "PROPOSAL_RETURN_WINDOW_DAYS",
        "PROPOSAL_URGENT_REPLY_DAYS",
        True,
        _("承办单位申请退回调整的期限（%(low)s天）须短于快速通道提案的答复期限（%(high)s天）。"),
    ),
    (
        "SUPERVISION_REMIND_BEFORE_DAYS",
        "SUPERVISION_DEFAULT_DAYS",
        True,
        _("督办任务到期前提醒的天数（%(low)s天）须少于默认办理期限（%(high)s天），否则交办当天就会提醒。"),
    ),
    (
        "SUPERVISION_REMIND_BEFORE_DAYS",
        "SUPERVISION_REHANDLE_DAYS",
        True,
        _("督办任务到期前提醒的天数（%(low)s天）须少于重新办理期限（%(high)s天）。"),
    ),
    (
        "SUPERVISION_RETURN_WINDOW_DAYS",
        "SUPERVISION_DEFAULT_DAYS",
        True,
        _("部门申请改派的期限（%(low)s天）须短于督办任务默认办理期限（%(high)s天）。"),
    ),
    # Materials go out with the notice or after it (domain.md §4: notice 15 working days, materials 10).
    # A notice period of 0 means none is required, so there is nothing to compare with.
    (
        "CONSULT_MATERIALS_WORKDAYS",
        "CONSULT_NOTICE_WORKDAYS",
        False,
        _(
            "协商材料提前送达的工作日数（%(low)s）不能多于会议提前通知的工作日数（%(high)s）：材料随通知或在通知之后送达。"
        ),
    ),
)
# Upper rules whose 0 means "no such period": nothing below them to check.
_ZERO_MEANS_NONE = frozenset({"CONSULT_NOTICE_WORKDAYS"})


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def check_rules(values) -> dict[str, list[str]]:
    """The rules that disagree with another rule: {rule name: [messages]}, empty when all agree.

    `values` maps rule names to values (a form's cleaned data, or the stored rules with the edits laid
    over them); a rule missing or not a number (refused by its own field already) is not compared.
    Used by the 规则设置 page, its service and the admin's Config form alike.
    """
    problems: dict[str, list[str]] = {}
    for low_name, high_name, strict, message in _ORDERED:
        low, high = _number(values.get(low_name)), _number(values.get(high_name))
        if low is None or high is None or (high_name in _ZERO_MEANS_NONE and high == 0):
            continue
        if low < high or (low == high and not strict):
            continue
        text = str(message) % {"low": values[low_name], "high": values[high_name]}
        for name in (low_name, high_name):
            problems.setdefault(name, []).append(text)
    return problems
