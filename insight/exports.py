"""Excel exports of every list, as filtered, in the column layout an office files.

Each export reads the list's own query string with the owning app's filters and visibility
selector, so the workbook holds exactly the rows the list page shows to that user (all pages).
Appeals never carry the citizen's name, phone or address.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.models import Attendance
from consultations.selectors import meetings_visible_to
from core.exceptions import Refused
from core.exports import Column
from core.exports import filter_label as _filter
from core.exports import titled as _titled
from core.http import as_int
from intake import selectors as appeal_selectors
from intake.models import Satisfaction
from opinions import selectors as opinion_selectors
from supervision import selectors as task_selectors
from topics import selectors as topic_selectors


@dataclass
class Export:
    title: str
    sheet: str
    filename: str
    columns: list[Column]
    rows: object


def _date(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def _int(params, key):
    value = params.get(key, "")
    return as_int(value)


def _stamp() -> str:
    return timezone.localdate().isoformat()


def _period(label: str, start, end) -> list[str]:
    """A date range filter (either end may be open) as the title names it; none when not filtered."""
    if start and end:
        return [_filter(label, _("%(s)s至%(e)s") % {"s": start.isoformat(), "e": end.isoformat()})]
    if start:
        return [_filter(label, _("%(s)s起") % {"s": start.isoformat()})]
    if end:
        return [_filter(label, _("截至%(e)s") % {"e": end.isoformat()})]
    return []


def _record(label: str, model, pk) -> list[str]:
    """A filter by a record (a town, a department…) named as the record; 0 or none is no filter."""
    return [_filter(label, model.objects.filter(pk=pk).first() or pk)] if pk else []


def _year(value) -> list[str]:
    return [_filter(_("年度"), _("%(y)s年") % {"y": value})] if value else []


def _words(q) -> list[str]:
    return [_filter(_("关键词"), f"“{q}”")] if q else []


def _days_between(a, b):
    return round((b - a).total_seconds() / 86400, 1) if a and b else None


# ---- appeals -----------------------------------------------------------------------------------


def _rating_label(appeal) -> str:
    """The citizen's rating of the latest rated round, as the list filter and the statistics count it."""
    value = appeal.latest_rating_value
    return str(Satisfaction(value).label) if value in Satisfaction.values else ""


def appeal_filter_labels(filters: dict) -> list[str]:
    """The appeal list's filters (`intake.views.office.list_filters`) as the sheet's title names them."""
    from district.models import Town
    from intake.models import AppealCategory, AppealStatus, Channel
    from intake.views.office import PLAN_FILTERS, RATING_FILTERS

    labels = _period(_("受理日期"), filters.get("start"), filters.get("end"))
    if status := filters.get("status"):
        statuses = {"open": _("未办结"), **dict(AppealStatus.choices), **dict(PLAN_FILTERS)}
        labels.append(_filter(_("状态"), statuses.get(status, status)))
    if channel := filters.get("channel"):
        labels.append(_filter(_("来源渠道"), dict(Channel.choices).get(channel, channel)))
    labels += _record(_("镇街"), Town, filters.get("town"))
    labels += _record(pgettext("appeal or issue", "类别"), AppealCategory, filters.get("category"))
    if rating := filters.get("rating"):
        labels.append(_filter(_("群众评价"), dict(RATING_FILTERS).get(rating, rating)))
    if filters.get("waiting"):  # the viewer's own queue, as the home page counts it
        labels.append(_("待我处理"))
    return labels + _words(filters.get("q"))


def appeals_export(viewer, params) -> Export:
    from intake.views.office import list_filters

    filters = list_filters(params)
    rows = appeal_selectors.annotate_latest_rating(appeal_selectors.appeals_list(viewer, **filters))
    # The tracking code (the citizen's key to the tracking page) only where the list shows it.
    rows = appeal_selectors.with_tracking_code_shown(rows, viewer)
    columns = [
        Column(_("查询码"), lambda a: a.tracking_code if a.tracking_code_shown else "", 12),
        Column(_("标题"), lambda a: a.title, 36),
        Column(pgettext("appeal or issue", "类别"), lambda a: str(a.category or ""), 12),
        Column(_("镇街"), lambda a: str(a.town or ""), 12),
        Column(_("社区/村"), lambda a: a.community.name if a.community else "", 14),
        Column(_("来源渠道"), lambda a: a.get_channel_display(), 12),
        Column(_("办理主体"), lambda a: a.handler_label, 18),
        Column(_("承办部门"), lambda a: str(a.department or ""), 16),
        Column(_("状态"), lambda a: a.get_status_display(), 10),
        Column(_("受理日期"), lambda a: _date(a.created_at), 12),
        Column(_("答复日期"), lambda a: _date(a.answered_at), 12),
        Column(_("办结日期"), lambda a: _date(a.closed_at), 12),
        Column(_("办理结果"), lambda a: a.get_outcome_display(), 16),
        # A plan (制定计划限期解决) followed up: its date, where it stands, and when and how it was carried
        # out, as the appeal's page and the tracking page show them (the reason for a moved date stays
        # on the audited step, not here).
        Column(_("计划完成日期"), lambda a: a.plan_due_date, 12),
        Column(_("计划状态"), lambda a: a.plan_state_label, 12),
        Column(_("计划落实日期"), lambda a: _date(a.plan_done_at), 12),
        Column(_("计划落实情况"), lambda a: a.plan_done_note, 30),
        Column(_("受理至办结（天）"), lambda a: _days_between(a.created_at, a.closed_at), 10),
        Column(_("群众评价"), _rating_label, 10),
        Column(_("评价意见"), lambda a: a.latest_rating_comment or "", 30),
    ]
    title = _titled(_("群众诉求办理情况一览表"), appeal_filter_labels(filters))
    return Export(title, _("群众诉求"), _("群众诉求"), columns, rows)


# ---- supervision tasks -------------------------------------------------------------------------


def task_filter_labels(filters: dict) -> list[str]:
    """The task list's filters (`supervision.views.office.list_filters`) as the sheet's title names them."""
    from district.models import Department
    from supervision.choices import Rating, TaskStatus

    labels = []
    if status := filters.get("status"):
        labels.append(_filter(_("状态"), {"open": _("未办结"), **dict(TaskStatus.choices)}.get(status, status)))
    labels += _record(_("牵头部门"), Department, filters.get("department"))
    if rating := filters.get("rating"):
        labels.append(_filter(_("评价"), dict(Rating.choices).get(rating, rating)))
    if filters.get("overdue"):
        labels.append(_("已超过办理期限"))
    if filters.get("extension_pending"):
        labels.append(_("延期申请待审批"))
    return labels + _period(_("创建日期"), filters.get("start"), filters.get("end"))


def tasks_export(viewer, params) -> Export:
    from supervision.views.office import list_filters

    filters = list_filters(params)
    rows = task_selectors.task_list(viewer, **filters)
    columns = [
        Column(_("专报件文号"), lambda t: t.special_report.number if t.special_report else "", 22),
        Column(_("督办事项"), lambda t: t.title, 40),
        Column(_("牵头部门"), lambda t: str(t.lead_department or ""), 16),
        Column(_("协办部门"), lambda t: "、".join(str(d) for d in t.co_departments.all()), 20),
        Column(_("交办日期"), lambda t: _date(t.assigned_at), 12),
        Column(_("办理期限"), lambda t: t.due_date, 12),
        Column(_("进度（%）"), lambda t: t.progress, 8),
        Column(_("状态"), lambda t: t.get_status_display(), 12),
        Column(_("曾逾期"), lambda t: _("是") if t.was_overdue else "", 8),
        Column(_("答复日期"), lambda t: _date(t.replied_at), 12),
        Column(_("评价"), lambda t: t.get_rating_display(), 10),
        Column(_("办结日期"), lambda t: _date(t.closed_at), 12),
    ]
    title = _titled(_("督办任务台账"), task_filter_labels(filters))
    return Export(title, _("督办任务"), _("督办任务台账"), columns, rows)


# ---- the annual plan -------------------------------------------------------------------------


def plan_item_filter_labels(filters: dict) -> list[str]:
    """The plan items list's filters (`topics.selectors.item_list`) as the sheet's title names them."""
    from district.models import Body, Department
    from topics.models import ConsultationFormat

    return [
        *_year(filters.get("year")),
        *_record(_("协商形式"), ConsultationFormat, filters.get("fmt")),
        *_record(_("牵头委处"), Body, filters.get("body")),
        *_record(_("参与部门"), Department, filters.get("department")),
    ]


def plan_items_export(viewer, params) -> Export:
    filters = {
        "year": _int(params, "year"),
        "fmt": _int(params, "format"),
        "body": _int(params, "body"),
        "department": _int(params, "department"),
    }
    rows = topic_selectors.item_list(viewer, **filters)
    columns = [
        Column(_("年度"), lambda i: i.plan.year, 8),
        Column(_("序号"), lambda i: i.order, 6),
        Column(_("协商议题"), lambda i: i.title, 36),
        Column(_("协商形式"), lambda i: str(i.format), 18),
        Column(_("时间安排"), lambda i: i.timing, 10),
        Column(_("牵头领导"), lambda i: str(i.lead_member or ""), 12),
        Column(_("牵头委处"), lambda i: str(i.lead_body or ""), 14),
        Column(_("参与部门"), lambda i: "、".join(str(d) for d in i.departments.all()), 30),
        Column(_("计划状态"), lambda i: i.plan.get_status_display(), 14),
    ]
    title = _titled(_("年度协商计划议题表"), plan_item_filter_labels(filters))
    return Export(title, _("计划议题"), _("计划议题"), columns, rows)


def suggestion_filter_labels(filters: dict) -> list[str]:
    """The suggestion list's filters (`topics.selectors.suggestion_list`) as the sheet's title names them."""
    from topics.models import CollectionRound, ConsultationFormat, SuggestionStatus

    labels = []
    if pk := filters.get("round"):  # the list offers each round by its year
        rnd = CollectionRound.objects.filter(pk=pk).first()
        labels.append(_filter(_("征集年度"), _("%(y)s年") % {"y": rnd.year} if rnd else pk))
    if status := filters.get("status"):
        labels.append(_filter(_("状态"), dict(SuggestionStatus.choices).get(status, status)))
    labels += _record(_("协商形式"), ConsultationFormat, filters.get("fmt"))
    return labels + _words(filters.get("q"))


def suggestions_export(viewer, params) -> Export:
    from topics.models import SuggestionStatus

    status = params.get("status") if params.get("status") in SuggestionStatus.values else None
    filters = {
        "round": _int(params, "round"),
        "status": status,
        "fmt": _int(params, "format"),
        "q": params.get("q", "").strip()[:50],
    }
    rows = topic_selectors.suggestion_list(viewer, **filters)
    columns = [
        Column(_("征集年度"), lambda s: s.round.year, 8),
        Column(_("议题名称"), lambda s: s.title, 36),
        Column(_("建议单位或个人"), lambda s: s.proposer_label, 18),
        Column(_("建议形式"), lambda s: str(s.suggested_format or ""), 18),
        Column(_("相关部门"), lambda s: "、".join(str(d) for d in s.departments.all()), 26),
        Column(_("状态"), lambda s: s.get_status_display(), 10),
        Column(_("提交日期"), lambda s: _date(s.submitted_at), 12),
        Column(_("列入计划"), lambda s: "、".join(i.title for i in s.plan_items.all()), 26),
        Column(_("未采纳理由"), lambda s: s.rejection_reason, 30),
    ]
    title = _titled(_("协商议题建议汇总表"), suggestion_filter_labels(filters))
    return Export(title, _("议题建议"), _("议题建议"), columns, rows)


# ---- meetings ------------------------------------------------------------------------------------


def _meeting_range(params) -> tuple[datetime, datetime, str]:
    """A month (?month=2022-06, as the calendar) or a whole year (?year=2022); this month by default."""
    today = timezone.localdate()
    year, month = today.year, today.month
    label = ""
    try:
        if as_int(params.get("year")) is not None and not params.get("month"):
            year = int(params["year"])
            if not 2000 <= year <= 2100:
                raise ValueError
            start, end = date(year, 1, 1), date(year + 1, 1, 1)
            label = _("%(y)s年") % {"y": year}
        else:
            if params.get("month"):
                year, month = (int(x) for x in params["month"].split("-"))
                if not (1 <= month <= 12 and 2000 <= year <= 2100):
                    raise ValueError
            start, end = date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)
    except ValueError:
        start, end = date(today.year, today.month, 1), date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    if not label:
        label = _("%(y)s年%(m)s月") % {"y": start.year, "m": start.month}

    def aware(d):
        return timezone.make_aware(datetime.combine(d, time.min))

    return aware(start), aware(end), label


def meetings_export(viewer, params) -> Export:
    start, end, label = _meeting_range(params)
    rows = (
        meetings_visible_to(viewer)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(
            n_invited=Count("participants", distinct=True),
            n_present=Count("participants", filter=Q(participants__attendance=Attendance.PRESENT), distinct=True),
            n_speeches=Count("speeches", distinct=True),
            n_outcomes=Count("outcome_items", distinct=True),
        )
        .order_by("starts_at", "id")
    )
    columns = [
        Column(_("日期"), lambda m: _date(m.starts_at), 12),
        Column(_("时间"), lambda m: timezone.localtime(m.starts_at).strftime("%H:%M"), 8),
        Column(_("会议名称"), lambda m: m.title, 36),
        Column(_("会议类型"), lambda m: m.get_kind_display(), 14),
        Column(_("地点"), lambda m: m.place, 20),
        Column(_("召集单位"), lambda m: m.conveners, 18),
        Column(_("状态"), lambda m: m.get_status_display(), 10),
        Column(_("邀请人数"), lambda m: m.n_invited, 8),
        Column(_("出席人数"), lambda m: m.n_present, 8),
        Column(_("发言"), lambda m: m.n_speeches, 6),
        Column(_("成果事项"), lambda m: m.n_outcomes, 8),
    ]
    return Export(_("会议活动一览表（%(p)s）") % {"p": label}, _("会议"), _("会议一览表"), columns, rows)


# ---- public-opinion reports -------------------------------------------------------------------


def opinions_export(viewer, params) -> Export:
    filters = {k: params.get(k) for k in ("q", "status", "year", "mine") if params.get(k)}
    if filters.get("year") and opinion_selectors.valid_year(filters["year"]) is None:
        filters.pop("year")  # as the list: a year that is not one is ignored
    rows = opinion_selectors.report_list(viewer, filters=filters).prefetch_related("adoptions__level")
    columns = [
        Column(_("标题"), lambda r: r.title, 40),
        # As the report's page: the member it counts for, else the group it was given in the name of; the
        # clerk who keyed in a paper report is its 录入人, never its reporter.
        Column(_("报送人"), lambda r: r.reported_by, 12),
        Column(_("报送名义"), lambda r: str(r.provider or ""), 18),
        Column(_("录入人"), lambda r: r.entered_by.display if r.entered_by else "", 12),
        Column(_("状态"), lambda r: r.get_status_display(), 10),
        Column(_("报送日期"), lambda r: _date(r.submitted_at), 12),
        Column(_("编发简报"), lambda r: str(r.bulletin or ""), 20),
        Column(_("采用情况"), lambda r: "、".join(str(a.level) for a in r.adoptions.all()), 20),
        Column(_("转送单位"), lambda r: str(r.forwarded_to or ""), 14),
        Column(_("紧急"), lambda r: _("是") if r.is_urgent else "", 6),
    ]
    title = _titled(_("社情民意信息报送情况表"), opinion_filter_labels(filters))
    return Export(title, _("社情民意信息"), _("社情民意信息"), columns, rows)


def opinion_filter_labels(filters: dict) -> list[str]:
    """The 社情民意 list's filters (`opinions.selectors.report_list`) as the sheet's title names them."""
    from opinions.models import Status

    labels = _year(opinion_selectors.valid_year(filters.get("year")))
    if status := filters.get("status"):
        labels.append(_filter(_("状态"), dict(Status.choices).get(status, status)))
    if q := filters.get("q"):
        labels.append(_filter(_("关键词"), f"“{q}”"))
    if filters.get("mine"):
        labels.append(_("我的信息"))
    return labels


def opinion_stats_export(viewer, params) -> Export | None:
    """The 信息统计 page's two tables for the year (or every year), one row per member, then one per
    submitting unit: reports submitted in the year, adopted in it (by the day of publication) and, of
    those submitted, instructed on (`opinions.selectors.counts_per_member` / `counts_per_provider`, the
    counts of the page, of the duty records and of the annual report's top ten)."""
    from district.models import Member
    from opinions.predicates import reads_statistics

    if not reads_statistics(viewer):
        return None
    raw = str(params.get("year", "")).strip()
    year = opinion_selectors.valid_year(raw)
    if raw and year is None:
        raise Refused(_("未导出Excel。“%(y)s”不是有效的年度，请在信息统计页修改年度后再导出。") % {"y": raw})
    members = opinion_selectors.counts_per_member(year)
    sectors = {
        m.pk: str(m.sector)
        for m in Member.objects.filter(pk__in=[r["member"] for r in members]).select_related("sector")
    }
    providers = opinion_selectors.counts_per_provider(year)
    by_member, by_unit = _("按委员"), _("按报送单位")
    rows = [{**r, "table": by_member, "kind": sectors.get(r["member"], "")} for r in members]
    rows += [{**r, "table": by_unit} for r in providers]
    columns = [
        Column(_("统计口径"), lambda r: r["table"], 12),
        Column(_("委员或报送单位"), lambda r: r["name"], 28),
        Column(_("界别或单位类型"), lambda r: r["kind"], 16),
        Column(_("报送"), lambda r: r["submitted"], 8),
        Column(_("采用"), lambda r: r["adopted"], 8),
        Column(_("获批示"), lambda r: r["instructed"], 8),
    ]
    rule = _("报送按报送日期、采用按编发日期统计")
    if year:
        title = _("%(y)s年度社情民意信息报送采用统计表（%(rule)s；%(d)s）") % {"y": year, "rule": rule, "d": _stamp()}
        filename = _("社情民意报送采用统计-%(y)s") % {"y": year}
    else:
        title = _("社情民意信息报送采用统计表 · 全部年度（%(d)s）") % {"d": _stamp()}
        filename = _("社情民意报送采用统计-全部年度")
    return Export(title, _("报送采用统计"), filename, columns, rows)


# ---- duty records ------------------------------------------------------------------------------


def duty_export(viewer, params) -> Export | None:
    from insight.forms import RankingForm
    from insight.models import ACTIVITIES, activity_label
    from insight.selectors import duty

    if not duty.sees_all_records(viewer):
        return None
    # The page's filters, read as the page reads them: a sheet never holds another year or everyone
    # when a filter was refused (the page shows the rest and says which; the export refuses).
    form = RankingForm.from_query(params)
    if refused := form.refused():
        raise Refused(
            _("未导出Excel。%(errors)s请在履职积分排名页修改筛选条件后再导出。") % {"errors": "".join(refused)}
        )
    filters = form.filters()
    records = duty.ranking(viewer, **filters)
    # A filtered sheet names its filter and keeps the district-wide rank, as the page does: passed
    # around, "1st" must not read as the district's first when it is a committee's list.
    filtered = duty.filter_label(**filters)
    columns = [
        Column(_("全区名次") if filtered else _("名次"), lambda r: r.rank, 8 if filtered else 6),
        Column(_("姓名"), lambda r: r.member.name, 10),
        Column(_("界别"), lambda r: str(r.member.sector), 14),
        Column(_("专委会"), lambda r: str(r.member.body or ""), 14),
        Column(_("党派"), lambda r: str(r.member.party), 10),
    ]
    for index, (item, variant) in enumerate(ACTIVITIES):
        columns.append(Column(activity_label(item, variant), lambda r, i=index: r.lines[i].count, 10))
    columns += [
        Column(_("办公室调整"), lambda r: float(r.adjusted), 10),
        Column(_("积分"), lambda r: float(r.total), 8),
        Column(_("等次"), lambda r: r.grade_label, 8),
    ]
    year = filters["year"]
    if filtered:
        title = _("%(y)s年度委员履职情况统计表 · %(filter)s（%(scale)s；%(rank)s）") % {
            "y": year,
            "filter": filtered,
            "scale": duty.SCALE_LABEL,
            "rank": duty.FILTERED_RANK_NOTE,
        }
    else:
        title = _("%(y)s年度委员履职情况统计表（%(scale)s）") % {"y": year, "scale": duty.SCALE_LABEL}
    return Export(title, _("履职档案"), _("委员履职档案-%(y)s") % {"y": year}, columns, records)


EXPORTS = {
    "appeals": appeals_export,
    "tasks": tasks_export,
    "plan-items": plan_items_export,
    "suggestions": suggestions_export,
    "meetings": meetings_export,
    "opinions": opinions_export,
    "opinion-stats": opinion_stats_export,
    "duty": duty_export,
}
