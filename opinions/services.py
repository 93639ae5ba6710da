"""Writes on public-opinion information reports (社情民意信息)."""

from datetime import date, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.predicates import is_info_office, is_member
from core.documents import DocSpec, Heading, render_docx
from core.exceptions import ActionForbidden, Refused
from core.http import as_int
from core.i18n import record_language, recorded
from core.selectors import current_committee
from core.services import save_versioned
from district.models import Department, Member
from opinions.models import Adoption, AdoptionLevel, Bulletin, Instruction, OpinionReport, Status

# The adoption level a report reaches by being published in the district bulletin.
LOCAL_LEVEL = "district_cppcc"


@transaction.atomic
def draft_report(*, title: str, body: str, author, member=None, source=None, provider=None) -> OpinionReport:
    """Start a report (e.g. from a useful appeal), keeping where it came from and who provides it."""
    report = OpinionReport(
        title=title[:200],
        body=body,
        author=author,
        member=member,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        provider_type=ContentType.objects.get_for_model(provider) if provider is not None else None,
        provider_id=provider.pk if provider is not None else None,
    )
    report._history_user = author
    report.full_clean()
    report.save()
    return report


def _check_text(title: str, body: str) -> None:
    if not (title or "").strip():
        raise Refused(_("请填写标题。"), fields={"title": [_("请填写标题。")]})
    if not (body or "").strip():
        raise Refused(_("请填写正文。"), fields={"body": [_("请填写正文。")]})
    limit = int(config.OPINION_MAX_CHARS)
    if len(body) > limit:
        msg = _("正文不超过%(n)s字（现有%(m)s字），请精简。一篇信息只反映一件事。") % {"n": limit, "m": len(body)}
        raise Refused(msg, fields={"body": [msg]})


@transaction.atomic
def create_report(
    *, actor, title: str, body: str, provider=None, is_urgent: bool = False, member: Member | None = None
) -> OpinionReport:
    """A member drafts a report, or the information office enters a paper one on behalf of a member (it
    counts for them) or a group; the actor stays its author, so the record says who entered it."""
    if not (is_member(actor) or is_info_office(actor)):
        raise ActionForbidden(_("只有政协委员或信息工作人员可以撰写社情民意信息。"))
    if member is not None and not is_info_office(actor):
        raise ActionForbidden(_("只有信息工作人员可以代委员录入社情民意信息。"))
    if member is not None and not member.is_active:
        msg = _("%(name)s已不在任，不能以其名义录入信息。") % {"name": member.name}
        raise Refused(msg, fields={"member": [msg]})
    if not (title or "").strip():
        raise Refused(_("请填写标题。"), fields={"title": [_("请填写标题。")]})
    member = member or Member.objects.filter(user=actor, is_active=True).first()
    if member is None and provider is None:
        msg = _("请选择反映人（委员）或报送单位。")
        raise Refused(msg, fields={"member": [msg]})
    report = draft_report(title=title.strip(), body=body or "", author=actor, member=member, provider=provider)
    if is_urgent:
        report.is_urgent = True
        report.save(update_fields=["is_urgent"])
    return report


def may_edit(report: OpinionReport, actor) -> bool:
    """The author edits a draft; the information office edits a report before sign-off."""
    return (report.author_id == actor.pk and report.status == Status.DRAFT) or bool(
        is_info_office(actor) and report.status in (Status.SUBMITTED, Status.RECEIVED)
    )


@transaction.atomic
def update_report(*, report: OpinionReport, actor, expected_version: int, title: str, body: str) -> OpinionReport:
    """The author edits a draft; the information office edits a received report before sign-off."""
    if not may_edit(report, actor):
        raise Refused(_("当前状态下您不能修改这篇信息。"))
    if not (title or "").strip():
        raise Refused(_("请填写标题。"), fields={"title": [_("请填写标题。")]})
    report.title, report.body = title.strip()[:200], body
    return save_versioned(report, expected_version=expected_version, actor=actor, fields=["title", "body"])


def guard_submit(report: OpinionReport, **kwargs) -> None:
    """One matter, in no more than the configured length."""
    _check_text(report.title, report.body)


def on_submit(report: OpinionReport, **kwargs) -> None:
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at"])


def on_receive(report: OpinionReport, **kwargs) -> None:
    report.received_at = timezone.now()
    report.save(update_fields=["received_at"])


def on_sign_off(report: OpinionReport, *, actor, **kwargs) -> None:
    report.signed_by = actor
    report.signed_at = timezone.now()
    report.save(update_fields=["signed_by", "signed_at"])


def _given_text(data: dict, key: str) -> str:
    """A text value of an action's payload, stripped; anything else (a number, a list, an object sent to the
    API) counts as not given, so it is refused by name rather than stored as its Python spelling."""
    value = (data or {}).get(key)
    return value.strip() if isinstance(value, str) else ""


def _department(data: dict) -> Department:
    raw = str((data or {}).get("department") or "").strip()
    found = Department.objects.filter(pk=as_int(raw), is_active=True).first() if as_int(raw) is not None else None
    if found is None:
        msg = _("请选择转送单位。")
        raise Refused(msg, fields={"department": [msg]})
    return found


def guard_forward(report: OpinionReport, *, data, **kwargs) -> None:
    """A report goes only to a unit with a liaison in post: nobody else there can read or answer it."""
    from accounts.selectors import active_liaisons_of

    department = _department(data)
    if not active_liaisons_of(department.pk).exists():
        msg = _("%(d)s目前没有在岗联络员，转送后无人接收和反馈。请选择其他单位，或请政协办公室先为其添加联络员。") % {
            "d": department
        }
        raise Refused(msg, fields={"department": [msg]})


def on_forward(report: OpinionReport, *, data, **kwargs) -> None:
    report.forwarded_to = _department(data)
    report.save(update_fields=["forwarded_to"])


def next_issue(year: int) -> int:
    return (Bulletin.objects.filter(year=year).aggregate(m=Max("issue"))["m"] or 0) + 1


def _bulletin(data: dict) -> Bulletin | None:
    raw = str((data or {}).get("bulletin") or "").strip()
    if not raw:
        return None
    found = Bulletin.objects.filter(pk=as_int(raw)).first() if as_int(raw) is not None else None
    if found is None:
        msg = _("所选简报不存在。")
        raise Refused(msg, fields={"bulletin": [msg]})
    return found


def _bulletin_title(data: dict) -> str:
    """The title typed for a single issue, checked like the bulletin's own field (a longer one breaks the DOCX)."""
    title = _given_text(data, "bulletin_title")
    try:
        Bulletin._meta.get_field("title").run_validators(title)
    except ValidationError as exc:
        label = Bulletin._meta.get_field("title").verbose_name
        msg = f"{label}{pgettext('label and value', '：')}{exc.messages[0]}"
        raise Refused(msg, fields={"bulletin_title": list(exc.messages)}) from None
    return title


def guard_publish(report: OpinionReport, *, data, **kwargs) -> None:
    if _bulletin(data) is None:
        _bulletin_title(data)


def on_publish(report: OpinionReport, *, actor, data, **kwargs) -> None:
    """Put the report in a bulletin issue (a new single issue unless a combined one is given)."""
    bulletin = _bulletin(data)
    today = timezone.localdate()
    if bulletin is None:
        bulletin = Bulletin.objects.create(
            year=today.year,
            issue=next_issue(today.year),
            title=_bulletin_title(data) or report.title,
            form=Bulletin.Form.SINGLE,
            published_on=today,
            published_by=actor,
        )
    report.bulletin = bulletin
    report.save(update_fields=["bulletin"])
    level = AdoptionLevel.objects.filter(code=LOCAL_LEVEL).first()
    if level is not None:
        Adoption.objects.create(report=report, level=level, adopted_on=bulletin.published_on, recorded_by=actor)


@transaction.atomic
def publish_bulletin(*, reports, actor, title: str, form: str) -> Bulletin:
    """Publish signed reports in one issue of the district bulletin: a single report or a combined edition."""
    from core.workflow import perform

    if not is_info_office(actor):
        raise ActionForbidden(_("只有信息工作人员可以编发简报。"))
    reports = list(reports)
    if form not in Bulletin.Form.values:
        raise Refused(_("请选择编发形式。"))
    if not reports:
        raise Refused(_("请至少选择一篇已签批的信息。"))
    if form == Bulletin.Form.SINGLE and len(reports) != 1:
        raise Refused(_("单篇编发只能选择一篇信息；多篇请选择综合编发。"))
    if form == Bulletin.Form.COMBINED and len(reports) < 2:
        raise Refused(_("综合编发须选择两篇以上信息。"))
    unsigned = [r.title for r in reports if r.status != Status.SIGNED]
    if unsigned:
        raise Refused(_("以下信息尚未签批，不能编发：%(t)s") % {"t": "；".join(unsigned)})
    today = timezone.localdate()
    bulletin = Bulletin(
        year=today.year,
        issue=next_issue(today.year),
        title=(title or "").strip() or reports[0].title,
        form=form,
        published_on=today,
        published_by=actor,
    )
    bulletin.full_clean()
    bulletin.save()
    for report in reports:
        perform(report, "publish", actor=actor, data={"bulletin": bulletin.pk})
    return bulletin


def bulletin_spec(bulletin: Bulletin) -> DocSpec:
    """One bulletin issue in the official layout: a document of the district, worded in its language
    (the issue line, the reporter lines) whatever language the reader downloading it reads the site in."""
    with record_language():
        committee = current_committee()
        blocks: list = []
        reports = bulletin.reports.select_related("member", "author__member").prefetch_related("provider")
        for report in reports.order_by("id"):
            blocks.append(Heading(report.title, level=2))
            blocks.extend(p for p in report.body.splitlines() if p.strip())
            # Signed by the member it counts for, else the group it was given in the name of: never the
            # clerk who keyed in a paper report.
            if report.credited_member is not None:
                blocks.append(_("（反映人：%(name)s）") % {"name": report.credited_member.name})
            elif report.provider is not None:
                blocks.append(_("（报送单位：%(name)s）") % {"name": report.provider})
        return DocSpec(
            title=bulletin.title,
            number=str(bulletin),
            issuer=committee.name if committee else "",
            issued_on=bulletin.published_on,
            blocks=blocks,
        )


def bulletin_docx(bulletin: Bulletin) -> bytes:
    # Rendered in the record's language too: the renderer prints the date of issue.
    with record_language():
        return render_docx(bulletin_spec(bulletin))


def guard_report_up(report: OpinionReport, *, data, **kwargs) -> None:
    if not _given_text(data, "to"):
        msg = _("请填写报送对象（如区委、区政府、市政协）。")
        raise Refused(msg, fields={"to": [msg]})


def on_report_up(report: OpinionReport, *, data, **kwargs) -> None:
    report.reported_to = _given_text(data, "to")[:200]
    report.reported_at = timezone.now()
    report.save(update_fields=["reported_to", "reported_at"])


def _level(data: dict) -> AdoptionLevel:
    code = str((data or {}).get("level") or "").strip()
    found = AdoptionLevel.objects.filter(code=code, is_active=True).first() if code else None
    if found is None:
        msg = _("请选择层级。")
        raise Refused(msg, fields={"level": [msg]})
    return found


def _date(data: dict) -> date:
    raw = str((data or {}).get("date") or "").strip()
    if not raw:
        return timezone.localdate()
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise Refused(_("日期格式有误。"), fields={"date": [_("日期格式有误。")]}) from None
    if value > timezone.localdate():
        raise Refused(_("日期不能晚于今天。"), fields={"date": [_("日期不能晚于今天。")]})
    return value


def is_upper_level(level: AdoptionLevel) -> bool:
    """Whether a level is above the district CPPCC: anything but the level its own bulletin gives a report
    (LOCAL_LEVEL, which the platform records itself on publication). The levels carry no rank of their
    own (`order` only sorts them), so this is the one rule the workflow already knows."""
    return level.code.lower() != LOCAL_LEVEL


def upper_levels():
    """The active levels an upper adoption (登记上级采用) may be recorded at."""
    return AdoptionLevel.objects.filter(is_active=True).exclude(code__iexact=LOCAL_LEVEL)


def _upper_level(data: dict) -> AdoptionLevel:
    level = _level(data)
    if not is_upper_level(level):
        msg = _("“%(level)s”不是上级采用：请选择区政协以上的层级（区委区政府、市级、省级或全国）。") % {"level": level}
        raise Refused(msg, fields={"level": [msg]})
    return level


def guard_adoption(report: OpinionReport, *, data, **kwargs) -> None:
    _upper_level(data)
    _date(data)


def on_adoption(report: OpinionReport, *, actor, data, note, **kwargs) -> None:
    Adoption.objects.create(
        report=report, level=_upper_level(data), adopted_on=_date(data), note=note[:200], recorded_by=actor
    )


def guard_instruction(report: OpinionReport, *, data, **kwargs) -> None:
    """An instruction names its leader, level and text."""
    data = data or {}
    if not _given_text(data, "leader"):
        raise Refused(_("请填写批示领导。"), fields={"leader": [_("请填写批示领导。")]})
    if not _given_text(data, "text"):
        raise Refused(_("请填写批示内容。"), fields={"text": [_("请填写批示内容。")]})
    _level(data)
    _date(data)
    if str(data.get("department") or "").strip():
        _department(data)


def on_instruction(report: OpinionReport, *, actor, data, **kwargs) -> None:
    """Record the instruction and open a supervision task to carry it out (domain.md §5)."""
    from supervision.services import create_task

    department = _department(data) if str(data.get("department") or "").strip() else None
    leader, text = _given_text(data, "leader"), _given_text(data, "text")
    task = create_task(
        source=report,
        title=recorded(gettext_lazy("落实领导批示：%(title)s"), {"title": report.title}),
        actor=actor,
        description=recorded(gettext_lazy("%(leader)s批示：%(text)s"), {"leader": leader, "text": text}),
        lead_department=department,
        due_date=timezone.localdate() + timedelta(days=int(config.SUPERVISION_DEFAULT_DAYS)),
    )
    Instruction.objects.create(
        report=report,
        leader=leader[:60],
        level=_level(data),
        text=text,
        instructed_on=_date(data),
        task=task,
        recorded_by=actor,
    )


# States of a supervision task once its department has replied, and once the task is closed (销号).
_REPLIED = ("feedback", "closed")
_CLOSED = ("closed",)


def _tasks_not_in(report: OpinionReport, states: tuple[str, ...]) -> list:
    from opinions.selectors import instruction_tasks

    return [t for t in instruction_tasks(report) if t.status not in states]


def _task_refusal(message, task) -> Refused:
    return Refused(message % {"task": task.title, "state": task.get_status_display()})


def guard_feedback(report: OpinionReport, **kwargs) -> None:
    """An instructed report is answered by the departments its supervision tasks went to: its feedback
    waits for their replies."""
    if report.status != Status.INSTRUCTED:
        return
    pending = _tasks_not_in(report, _REPLIED)
    if pending:
        raise _task_refusal(
            _(
                "领导批示的督办任务“%(task)s”尚未答复（当前：%(state)s）。落实单位在督办任务中答复后，反馈情况会自动登记。"
            ),
            pending[0],
        )


def guard_archive(report: OpinionReport, **kwargs) -> None:
    """A report whose instruction is still supervised is filed once its supervision task is closed."""
    pending = _tasks_not_in(report, _CLOSED)
    if pending:
        raise _task_refusal(_("领导批示的督办任务“%(task)s”尚未办结（当前：%(state)s），办结后才能归档。"), pending[0])


def on_feedback(report: OpinionReport, *, note, **kwargs) -> None:
    report.feedback = note
    report.save(update_fields=["feedback"])


def _replies_text(report: OpinionReport) -> str:
    """The departments' latest replies to the report's supervision tasks, as its feedback (反馈情况)."""
    from opinions.selectors import instruction_tasks

    parts = []
    for task in instruction_tasks(report):
        reply = task.replies.filter(submitted_at__isnull=False).order_by("-round").first()
        if reply is not None:
            department = task.lead_department.name if task.lead_department_id else ""
            parts.append(recorded(gettext_lazy("%(d)s答复：%(body)s"), {"d": department, "body": reply.body.strip()}))
    return "\n\n".join(parts)


@transaction.atomic
def take_task_reply(*, report: OpinionReport, task, actor) -> None:
    """A department replied on a supervision task opened by the report's instruction: once every such
    task is answered the report moves to 已反馈 with the replies as its feedback (a step of the system,
    telling the information office and the member); a later round's reply updates the feedback."""
    from core.workflow import perform

    report = OpinionReport.objects.select_for_update().get(pk=report.pk)
    text = _replies_text(report)
    if not text:
        return
    if report.status == Status.INSTRUCTED and not _tasks_not_in(report, _REPLIED):
        perform(report, "record_feedback", actor=None, note=text)
    elif report.status == Status.FEEDBACK and report.feedback != text:
        report.feedback = text
        report._history_user = actor
        report.save(update_fields=["feedback", "updated_at"])
