"""发文: the formal plan document (DOCX and PDF), its issue to departments and their receipts."""

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.documents import DocSpec, Heading, Table, render_docx, render_pdf
from core.exceptions import Refused
from core.i18n import join_list, record_language
from core.models import StatusChange
from core.selectors import current_committee
from core.services import attachments_of, store_attachment
from district.models import Department
from notifications.services import notify
from topics.models import ConsultationPlan, DepartmentReceipt, PlanItem, PlanStatus, PlanVote

DOC_KINDS = {"docx": "plan_docx", "pdf": "plan_pdf"}


def doc_number_for(plan: ConsultationPlan, seq, *, issued_on=None) -> str:
    """A document number in the district's format, e.g. 同委办〔2026〕58号: the year is that of the issue
    (a plan for next year is usually issued in December), not the plan's year."""
    committee = current_committee()
    prefix = committee.doc_prefix if committee else ""
    year = (issued_on or plan.published_on or timezone.localdate()).year
    return str(config.PLAN_DOC_NUMBER_FORMAT).format(prefix=prefix, year=year, seq=seq)


def issuer_name() -> str:
    office = Department.objects.filter(kind=Department.Kind.PARTY_OFFICE, is_active=True).order_by("order").first()
    return office.name if office else ""


def related_departments(plan: ConsultationPlan):
    """Every department named by an item of the plan (they receive the plan)."""
    return Department.objects.filter(plan_items__plan=plan).distinct().order_by("order", "id")


def build_doc_spec(plan: ConsultationPlan) -> DocSpec:
    """The formal document: the approved version's table under the party-committee office's heading,
    worded in the district's language whatever language the acting user reads."""
    with record_language():
        return _doc_spec(plan)


# The approvals the formal document cites, as the plan's timeline records them: the party committee's
# consent and the standing committee's vote; the chairs' meeting only when neither took place (the three
# offices' joint meeting drafts the plan, it does not approve it).
_APPROVAL_WORDS = {
    "chairs_meeting": gettext_lazy("区政协主席会议审议通过"),
    "party_leader": gettext_lazy("区委同意"),
    "standing_vote": gettext_lazy("区政协常委会会议审议通过"),
}


def _intro(plan: ConsultationPlan) -> str:
    """《…》已经区委同意、区政协常委会会议审议通过，现印发给你们 — naming only the steps the plan passed."""
    from topics.selectors import approval_steps_passed

    passed = approval_steps_passed(plan)
    cited = [s for s in passed if s in ("party_leader", "standing_vote")] or [
        s for s in passed if s == "chairs_meeting"
    ]
    if not cited:
        return _("现将《%(title)s》印发给你们，请认真贯彻落实。") % {"title": plan.title}
    return _("《%(title)s》已经%(approvals)s，现印发给你们，请认真贯彻落实。") % {
        "title": plan.title,
        "approvals": join_list(_APPROVAL_WORDS[s] for s in cited),
    }


def _doc_spec(plan: ConsultationPlan) -> DocSpec:
    items = plan.current_version.shown_items if plan.current_version else []
    rows = [
        [
            str(n),
            i["title"],
            i["format"],
            i["timing"],
            i["lead_member"],
            i["lead_body"],
            "、".join(i["departments"]),
        ]
        for n, i in enumerate(items, start=1)
    ]
    departments = "、".join(d.name for d in related_departments(plan))
    intro = _intro(plan)
    blocks = [intro, *[p for p in plan.preamble.splitlines() if p.strip()]]
    blocks += [
        Heading(_("协商议题安排")),
        Table(
            [_("序号"), _("协商议题"), _("协商形式"), _("时间"), _("牵头领导"), _("牵头委处"), _("参与部门")],
            rows,
        ),
    ]
    return DocSpec(
        title=plan.title,
        number=plan.doc_number,
        issuer=issuer_name(),
        issued_on=plan.published_on,
        recipients=(departments + _("：")) if departments else "",
        blocks=blocks,
        footer_note=_("抄送：区委、区人大常委会、区政府、区政协领导。"),
    )


def _number_from(plan: ConsultationPlan, data: dict, issued_on) -> str:
    number = str(data.get("doc_number") or "").strip() or plan.doc_number
    if not number:
        raise Refused(_("请填写发文字号。"), fields={"doc_number": _("请填写发文字号。")})
    if len(number) > 40:
        raise Refused(_("发文字号过长。"), fields={"doc_number": _("发文字号过长。")})
    if number == doc_number_for(plan, "", issued_on=issued_on).strip():
        # The form offers the district's format with the serial left blank; issued as it is, the
        # formal document would carry no number.
        example = doc_number_for(plan, 12, issued_on=issued_on)
        missing = _("发文字号缺少序号，请填写，例如%(example)s。") % {"example": example}
        raise Refused(missing, fields={"doc_number": missing})
    if ConsultationPlan.objects.exclude(pk=plan.pk).filter(doc_number=number).exists():
        raise Refused(_("文号“%(n)s”已被使用。") % {"n": number}, fields={"doc_number": _("文号已被使用。")})
    return number


def guard_publish(plan: ConsultationPlan, *, data: dict, **kwargs) -> None:
    issued_on = None
    if data.get("issued_on"):
        issued_on = parse_date(str(data["issued_on"]))
        if issued_on is None:
            raise Refused(_("印发日期格式不正确。"), fields={"issued_on": _("日期格式应为YYYY-MM-DD。")})
    _number_from(plan, data, issued_on or timezone.localdate())
    if plan.current_version is None:
        raise Refused(_("计划没有定稿版本，不能印发。"))
    if issued_on is not None:
        _check_issue_date(plan, issued_on)


def approved_on(plan: ConsultationPlan):
    """The day the plan was finally approved: the day of the standing-committee meeting whose vote
    passed it (what the formal document cites), or, when the configured chain has no vote, the day it
    last entered ADOPTED."""
    vote = plan.votes.filter(result=PlanVote.Result.PASSED).select_related("meeting").order_by("-closed_at").first()
    if vote is not None:
        return timezone.localdate(vote.meeting.starts_at)
    change = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk, to_state=PlanStatus.ADOPTED
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return timezone.localdate(change.created_at) if change else None


def _check_issue_date(plan: ConsultationPlan, issued_on) -> None:
    """The formal document says the plan was approved before it was issued: an issue date before that
    day, or one still to come, is a typing mistake."""
    approved = approved_on(plan)
    if approved and issued_on < approved:
        message = _("印发日期不能早于计划审定通过的日期（%(date)s）。") % {"date": approved.isoformat()}
        raise Refused(message, fields={"issued_on": message})
    if issued_on > timezone.localdate():
        message = _("印发日期不能晚于今天。")
        raise Refused(message, fields={"issued_on": message})


def on_publish(plan: ConsultationPlan, *, actor, data: dict, change, **kwargs) -> None:
    """Number and date the plan, store its DOCX and PDF, and open a receipt for every related department."""
    issued_on = parse_date(str(data.get("issued_on") or "")) or timezone.localdate()
    plan.doc_number = _number_from(plan, data, issued_on)
    plan.published_on = issued_on
    plan._history_user = actor
    plan.save(update_fields=["doc_number", "published_on", "updated_at"])
    # The formal document is worded (and dated) in the district's language, whoever issues it.
    with record_language():
        spec = build_doc_spec(plan)
        name = _("%(year)s年度协商计划") % {"year": plan.year}
        documents = (("docx", render_docx(spec)), ("pdf", render_pdf(spec)))
    for fmt, content in documents:
        upload = ContentFile(content, name=f"{name}.{fmt}")
        store_attachment(target=plan, upload=upload, actor=actor, kind=DOC_KINDS[fmt], status_change=change)
    DepartmentReceipt.objects.bulk_create(
        [DepartmentReceipt(plan=plan, department=d) for d in related_departments(plan)], ignore_conflicts=True
    )
    _tell_those_concerned(plan, actor=actor, change=change)


_CONCERN_TITLES = {
    "lead": gettext_lazy("%(plan)s已印发（%(number)s），您牵头的议题：%(items)s"),
    "body": gettext_lazy("%(plan)s已印发（%(number)s），%(body)s牵头的议题：%(items)s"),
    "suggester": gettext_lazy("%(plan)s已印发（%(number)s），您提出的议题已列入计划：%(items)s"),
}
_CONCERN_BODIES = {
    "lead": gettext_lazy("请按计划组建课题组，开展调研。"),
    "body": gettext_lazy("请协助牵头领导组建课题组，开展调研。"),
    "suggester": "",
}


def _tell_those_concerned(plan: ConsultationPlan, *, actor, change) -> None:
    """Besides the departments' liaisons (told as the published plan's holders, to sign for it), tell each
    item's lead leader, its lead committee's staff and the suggesters of its topics, each person once,
    with a link to their item (to the plan when several items concern them)."""
    from topics.selectors import concerned_by_plan, plan_holders

    liaisons = set(plan_holders(plan, PlanStatus.PUBLISHED).values_list("pk", flat=True))
    concerns = [c for c in concerned_by_plan(plan) if c.user.pk != actor.pk and c.user.pk not in liaisons]

    def tell() -> None:
        for concern in concerns:
            items = concern.items
            notify(
                recipients=[concern.user],
                event_key=f"plan-published:{change.pk}",
                title=_CONCERN_TITLES[concern.reason],
                params={
                    "plan": plan.title,
                    "number": plan.doc_number,
                    "body": items[0].lead_body.name if concern.reason == "body" else "",
                    "items": "、".join(i.title for i in items),
                },
                body=_CONCERN_BODIES[concern.reason],
                target=items[0] if len(items) == 1 else plan,
            )

    transaction.on_commit(tell)


def plan_document(plan: ConsultationPlan, fmt: str):
    """The stored formal document of a published plan in one format, or None."""
    kind = DOC_KINDS.get(fmt)
    return attachments_of(plan).filter(kind=kind).last() if kind else None


@transaction.atomic
def acknowledge_receipt(*, plan: ConsultationPlan, actor) -> DepartmentReceipt:
    """A department's liaison confirms that the department received the published plan."""
    if not actor.has_role(Role.DEPT_LIAISON) or not actor.department_id:
        raise Refused(_("只有部门联络员可以签收。"))
    receipt = (
        DepartmentReceipt.objects.select_for_update(of=("self",))
        .filter(plan=plan, department_id=actor.department_id)
        .select_related("department")
        .first()
    )
    if receipt is None:
        raise Refused(_("您所在的部门不在本计划的印发范围内。"))
    if receipt.acknowledged_at:
        when = timezone.localtime(receipt.acknowledged_at).strftime("%Y-%m-%d %H:%M")
        raise Refused(_("%(dept)s已于%(when)s签收。") % {"dept": receipt.department, "when": when})
    receipt.acknowledged_by = actor
    receipt.acknowledged_at = timezone.now()
    receipt._history_user = actor
    receipt.save()
    if not DepartmentReceipt.objects.filter(plan=plan, acknowledged_at__isnull=True).exists():
        _tell_clerks_all_received(plan)
    return receipt


def _tell_clerks_all_received(plan: ConsultationPlan) -> None:
    from topics.selectors import users_with_roles

    transaction.on_commit(
        lambda: notify(
            recipients=users_with_roles(Role.CLERK),
            event_key=f"plan-received:{plan.pk}",
            title=gettext_lazy("%(plan)s：相关部门已全部签收"),
            params={"plan": plan},
            target=plan,
        )
    )


def items_for_department(plan: ConsultationPlan, department) -> list[PlanItem]:
    return list(plan.items.filter(departments=department).select_related("format", "lead_member", "lead_body"))
