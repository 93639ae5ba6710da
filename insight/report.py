"""The annual work report (年度工作统计报告): one DocSpec rendered as DOCX and PDF, with tables and charts.

Every number comes from the same selectors as the dashboard and the duty records, so the report,
the dashboard and the lists agree.
"""

from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.models import Meeting, MeetingStatus
from core.documents import DocSpec, Heading, Image, Table
from core.i18n import join_list, join_sentences
from core.selectors import current_committee
from insight.charts import Bar, bar_chart
from insight.selectors import duty, stats
from insight.selectors.scope import ALL, Period, Scope
from opinions.models import OpinionReport, adopted
from opinions.models import Status as OpinionStatus
from opinions.selectors import adoption_day
from proposals.statistics import annual_statistics

TOP = 10


def _chart(figure: stats.Figure, limit: int = 12) -> Image:
    bars = [Bar(str(r.label), r.value) for r in figure.rows[:limit]]
    return Image(bar_chart(str(figure.title), bars, unit=str(figure.unit)), width_cm=15.5, caption=str(figure.title))


def _table(figure: stats.Figure, header: str) -> Table:
    total = figure.total
    rows = [[str(r.label), f"{r.value:g}", f"{100 * r.value / total:.1f}%" if total else "—"] for r in figure.rows]
    return Table([header, _("数量"), _("占比")], rows, caption=str(figure.title))


def _fmt_days(value) -> str:
    return "—" if value is None else f"{value:g}"


def build_annual_report(year: int) -> DocSpec:
    """The report of one year, for the whole district."""
    scope, period = Scope(ALL), Period.for_year(year)
    committee = current_committee()
    blocks: list = []
    blocks += _overview(scope, period)
    blocks += _appeals(scope, period)
    blocks += _proposals(year)
    blocks += _supervision(scope, period)
    blocks += _opinions(year)
    blocks += _duty(year)
    blocks += _topics(year)
    return DocSpec(
        title=_("%(y)s年度工作统计报告") % {"y": year},
        issuer=committee.name if committee else "",
        issued_on=timezone.localdate(),
        blocks=blocks,
        footer_note=_("本报告由协商平台根据系统记录自动生成，数据截至%(d)s。")
        % {"d": timezone.localdate().isoformat()},
    )


def _overview(scope: Scope, period: Period) -> list:
    a = stats.appeal_outcomes(scope, period)
    p = annual_statistics(period.year)["totals"]
    meetings = (
        Meeting.objects.filter(starts_at__gte=period.start_dt, starts_at__lt=period.end_dt)
        .filter(status__in=(MeetingStatus.HELD, MeetingStatus.MINUTED))
        .count()
    )
    # Submitted in the period; adopted in the period by the day of publication (编发), whenever submitted:
    # the rule of the table per member and of the duty records (`opinions.selectors.adoption_day`).
    submitted = Q(submitted_at__gte=period.start_dt, submitted_at__lt=period.end_dt)
    adopted_then = adopted() & Q(adopted_on__gte=period.start, adopted_on__lte=period.end)
    reports = (
        OpinionReport.objects.exclude(status=OpinionStatus.DRAFT)
        .annotate(adopted_on=adoption_day())
        .filter(submitted | adopted_then)
    )
    r = reports.aggregate(total=Count("id", filter=submitted), adopted=Count("id", filter=adopted_then))
    # One msgid per sentence (the i18n check reads each literal as its own message).
    text = _("%(y)s年，平台共受理群众诉求%(a)s件") + (_("（其中群众撤回%(aw)s件）") if a["withdrawn"] else "")
    text += _("，办结%(ac)s件；收到提案%(p)s件，立案%(pf)s件") + (_("（其中重点提案%(pk)s件）") if p["key"] else "")
    text += _("；召开各类会议%(m)s次；报送社情民意信息%(r)s篇，采用%(ra)s篇。")
    text = text % {
        "y": period.year,
        "a": a["total"],
        "aw": a["withdrawn"],
        "ac": a["closed"],
        "p": p["submitted"],
        "pf": p["filed"],
        "pk": p["key"],
        "m": meetings,
        "r": r["total"],
        "ra": r["adopted"],
    }
    return [Heading(_("一、总体情况")), text]


def _appeals(scope: Scope, period: Period) -> list:
    counts = stats.appeal_counts(scope, period)
    by_category = stats.appeals_by_category(scope, period, counts)
    by_town = stats.appeals_by_town(scope, period, counts)
    by_month = stats.appeals_by_month(scope, period)
    by_channel = stats.appeals_by_channel(scope, period, counts)
    times = stats.appeal_timeliness(scope, period)
    timeliness = Table(
        [_("环节"), _("件数"), _("平均（天）"), _("中位数（天）")],
        [
            [str(stats.TIMELINESS_LABELS[key]), str(v["count"]), _fmt_days(v["avg_days"]), _fmt_days(v["median_days"])]
            for key, v in (("appeal_answer", times["first_answer"]), ("appeal_close", times["close"]))
        ],
        caption=_("群众诉求办理时效"),
    )
    outcomes = stats.appeal_outcomes(scope, period)
    ratings = stats.appeal_ratings(scope, period, outcomes["ratings"])
    return [
        Heading(_("二、群众诉求")),
        _appeal_summary(outcomes),
        _chart(by_category),
        _table(by_category, pgettext("appeal or issue", "类别")),
        _chart(by_month),
        _table(by_town, _("镇街")),
        _table(by_channel, _("渠道")),
        timeliness,
        *([_table(ratings, _("群众评价")), str(ratings.note)] if outcomes["rated"] else []),
    ]


def _appeal_summary(a: dict) -> str:
    """Received, withdrawn, merged, answered (with the rate over those left to answer) and closed."""
    text = _("受理群众诉求%(n)s件") % {"n": a["total"]}
    values = {"w": a["withdrawn"], "m": a["merged"]}
    if a["withdrawn"] and a["merged"]:
        text += _("，其中群众撤回%(w)s件、与相同问题合并办理%(m)s件") % values
    elif a["withdrawn"]:
        text += _("，其中群众撤回%(w)s件") % values
    elif a["merged"]:
        text += _("，其中与相同问题合并办理%(m)s件") % values
    if a["answer_rate"] is None:
        return text + _("；没有需要答复的诉求。")
    text += _("；需答复%(k)s件（不含撤回和合并办理的诉求），已答复%(ans)s件，答复率%(r)s%%；办结%(c)s件。") % {
        "k": a["to_answer"],
        "ans": a["answered"],
        "r": a["answer_rate"],
        "c": a["closed"],
    }
    if a["satisfaction"] is None:
        return text + _("尚无群众评价办理结果。")
    return text + _("群众评价办理结果%(n)s件，满意率（满意和基本满意的诉求 ÷ 已评价的诉求）为%(s)s%%。") % {
        "n": a["rated"],
        "s": a["satisfaction"],
    }


def _proposals(year: int) -> list:
    s = annual_statistics(year)
    t = s["totals"]
    ratings = s["ratings"]
    # The review outcomes of the stats page (`annual_statistics`), which add up to 收到提案; the proposals
    # still under review and the key proposals are named when there are any.
    summary = _(
        "收到提案%(n)s件，立案%(f)s件（立案率%(r)s%%），不予立案%(j)s件，转社情民意或委员来信%(v)s件，并案%(m)s件"
    )
    if t["under_review"]:
        summary += _("，尚在审查%(u)s件")
    if t["key"]:
        summary += _("；立案提案中确定重点提案%(k)s件")
    summary += _("；已答复%(a)s件，已办结%(c)s件；")
    if ratings["satisfaction"] is None:
        summary += _("尚无提案者评价答复。")
    else:
        summary += _("提案者已评价%(rated)s件，提案答复满意率（满意和基本满意）为%(s)s%%。")
    summary = summary % {
        "n": t["submitted"],
        "f": t["filed"],
        "r": s["filing_rate"],
        "j": t["rejected"],
        "v": t["converted"],
        "m": t["merged"],
        "u": t["under_review"],
        "k": t["key"],
        "a": t["replied"],
        "c": t["closed"],
        "rated": ratings["total"],
        "s": ratings["satisfaction"],
    }
    rating_table = Table(
        [_("评价"), _("件数"), _("占比")],
        [[str(r["label"]), str(r["count"]), f"{r['pct']}%"] for r in ratings["rows"]],
        caption=_("提案者评价（%(note)s）") % {"note": ratings["note"]},
    )
    classes = Table(
        [_("答复类别"), _("件数"), _("占比")],
        [[c["label"], str(c["count"]), f"{c['pct']}%"] for c in s["by_class"]],
        caption=_("提案答复类别（第一轮答复）"),
    )
    units = Table(
        [_("承办单位"), _("主办"), _("会办"), _("分办"), _("已答复"), _("按期答复")],
        [
            [u["name"], str(u["lead"]), str(u["co"]), str(u["separate"]), str(u["replied"]), str(u["on_time"])]
            for u in s["units"]
        ],
        caption=_("承办单位办理情况"),
    )
    chart = bar_chart(
        _("%(y)s年提案承办单位（主办、分办件数）") % {"y": year},
        [Bar(u["name"], u["lead"] + u["separate"]) for u in s["units"][:TOP]],
        unit=_("件"),
    )
    return [Heading(_("三、提案工作")), summary, classes, rating_table, Image(chart, width_cm=15.5), units]


def _supervision(scope: Scope, period: Period) -> list:
    """The year's tasks (created in it, as the dashboard's 督办任务 figures count them: `stats.task_base`) by
    state and per lead department. The overdue items are a snapshot as of today: printed for the year
    still running, left out of a past year's report (today's backlog is not that year's)."""
    states = stats.task_status(scope, period)
    if states.rows:
        by_state = join_list(_("%(state)s%(n)s件") % {"state": row.label, "n": f"{row.value:g}"} for row in states.rows)
        summary = _("%(y)s年生成督办任务%(n)s件，其中%(states)s。") % {
            "y": period.year,
            "n": f"{states.total:g}",
            "states": by_state,
        }
    else:
        summary = _("%(y)s年没有生成督办任务。") % {"y": period.year}
    rows = [
        [
            d.name,
            str(d.total),
            str(d.closed),
            str(d.overdue),
            f"{d.timeliness:.1f}%" if d.timeliness is not None else "—",
            f"{d.satisfaction:.1f}%" if d.satisfaction is not None else "—",
        ]
        for d in stats.task_departments(scope, period)
    ]
    blocks = [
        Heading(_("四、督办落实")),
        summary,
        Table(
            [_("牵头部门"), _("交办任务"), _("已办结"), _("曾逾期"), _("按期率"), _("满意率")],
            rows or [["—"] * 6],
            caption=_("部门办理督办任务情况（%(y)s年生成的督办任务）") % {"y": period.year},
        ),
    ]
    if period.end >= timezone.localdate():
        blocks.append(_table(stats.overdue_counts(scope), _("事项")))
    return blocks


def _opinions(year: int) -> list:
    from opinions.selectors import counts_per_member

    rows = counts_per_member(year)[:TOP]
    return [
        Heading(_("五、社情民意信息")),
        Table(
            [_("委员"), _("报送"), _("采用"), _("获批示")],
            [[r["name"], str(r["submitted"]), str(r["adopted"]), str(r["instructed"])] for r in rows] or [["—"] * 4],
            caption=_("委员报送社情民意信息情况（前%(n)s名）") % {"n": TOP},
        ),
    ]


def _duty(year: int) -> list:
    records = _all_records(year)
    grades = Counter(r.grade for r in records)
    grade_rows = [[str(label), str(grades.get(key, 0))] for key, label in duty.GRADES.items()]
    top = [[str(r.rank), r.member.name, str(r.member.sector), f"{r.total}", r.grade_label] for r in records[:TOP]]
    sectors = duty.group_summary(records, lambda m: m.sector)
    chart = bar_chart(
        _("%(y)s年各界别委员平均履职积分") % {"y": year},
        [Bar(row["name"], float(row["average"])) for row in sectors[:12]],
        unit=_("分"),
    )
    return [
        Heading(_("六、委员履职")),
        join_sentences(
            _("履职积分按%(y)s年适用的积分规则自动计算。") % {"y": year}, duty.scale_note(duty.grade_thresholds(year))
        ),
        Table([_("等次"), _("人数")], grade_rows, caption=_("履职等次分布")),
        Table(
            [_("名次"), _("姓名"), _("界别"), _("积分"), _("等次")],
            top or [["—"] * 5],
            caption=_("履职积分前%(n)s名") % {"n": TOP},
        ),
        Image(chart, width_cm=15.5),
    ]


def _all_records(year: int) -> list:
    """Every active member's record, ranked (the whole committee, as the office sees it)."""
    return duty.rank(duty.all_members().filter(is_active=True), year)


def _topics(year: int) -> list:
    stages = stats.plan_item_stages(year)
    return [
        Heading(_("七、年度协商计划")),
        _table(stages, _("进展阶段")),
    ]
