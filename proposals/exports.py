"""The Excel list the proposal office files: number, title, proposers, units, class, rating, dates."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Column, build_xlsx, filter_label
from proposals.models import REPLYING_ROLES, Rating, UnitRole


def _proposers(p) -> str:
    names = [p.proposer_label] + [s.member.name for s in p.signers.all() if s.accepted]
    return "、".join(dict.fromkeys(names))


def _units(p, roles) -> str:
    return "、".join(str(a.department) for a in getattr(p, "active_assignments", []) if a.role in roles)


def _last_round(rows, p):
    return [r for r in rows if r.round == p.round]


def _classes(p, reads_reply) -> str:
    return "、".join(r.reply_class.code for r in _last_round(p.replies.all(), p) if reads_reply(r, p))


def _rating(p) -> str:
    """The proposal's rating as the statistics count it (`proposals.statistics.proposal_rating`)."""
    value = getattr(p, "outcome_rating", None)
    return str(Rating(value).label) if value else ""


def _ratings(p, reads_ratings) -> str:
    if not reads_ratings(p):
        return ""
    return "、".join(r.get_rating_display() for r in _last_round(p.ratings.all(), p))


def _date(value):
    return timezone.localtime(value).date() if value else None


def _reads_every_reply(reply, proposal) -> bool:
    return True


def _reads_every_rating(proposal) -> bool:
    return True


def proposal_columns(reads_reply=_reads_every_reply, reads_ratings=_reads_every_rating) -> list[Column]:
    """The columns; reads_reply(reply, proposal) says whose reply class the reader may see (a reply is the
    unit's until the office approves it: `proposals.selectors.reply_reader`), reads_ratings(proposal) whether the
    reader reads each proposer's rating (`proposals.selectors.rating_reader`; else only the overall 评价)."""
    return [
        Column(_("编号"), lambda p: p.number, 22),
        Column(_("标题"), lambda p: p.title, 40),
        Column(_("提案形式"), lambda p: p.get_kind_display(), 10),
        Column(_("提案者"), _proposers, 24),
        Column(_("主办/分办单位"), lambda p: _units(p, REPLYING_ROLES), 24),
        Column(_("会办单位"), lambda p: _units(p, (UnitRole.CO,)), 20),
        Column(_("答复类别"), lambda p: _classes(p, reads_reply), 10),
        Column(_("评价"), _rating, 10),
        Column(_("本轮各提案者评价"), lambda p: _ratings(p, reads_ratings), 16),
        Column(_("状态"), lambda p: p.get_status_display(), 10),
        Column(_("提交日期"), lambda p: _date(p.submitted_at), 12),
        Column(_("立案日期"), lambda p: _date(p.filed_at), 12),
        Column(_("交办日期"), lambda p: _date(p.assigned_at), 12),
        Column(_("答复期限"), lambda p: p.reply_due, 12),
        Column(_("答复日期"), lambda p: _date(p.replied_at), 12),
        Column(_("重点提案"), lambda p: _("是") if p.is_key else "", 8),
    ]


def proposals_xlsx(
    proposals, *, title: str, reads_reply=_reads_every_reply, reads_ratings=_reads_every_rating
) -> bytes:
    columns = proposal_columns(reads_reply, reads_ratings)
    return build_xlsx(title=title, columns=columns, rows=proposals, sheet=_("提案目录"))


def proposal_filter_labels(form) -> list[str]:
    """The list's valid filters (`proposals.forms.ListFilterForm.filters`) as the sheet's title names them,
    in the form's order and with its labels: 状态：已办结 · 年度：2022年 · 承办单位：区教育局 · 答复类别：A类（…）
    · 按第一轮已审核答复统计. A filter the list ignored (invalid) is not named."""
    labels = []
    for name, value in form.filters().items():
        field = form.fields[name]
        if isinstance(field, forms.BooleanField):
            labels.append(str(field.label))
        elif name == "q":
            labels.append(filter_label(_("关键词"), f"“{value}”"))
        elif name == "year":
            labels.append(filter_label(field.label, _("%(y)s年") % {"y": value}))
        elif isinstance(field, forms.ModelChoiceField):
            labels.append(filter_label(field.label, form.cleaned_data[name]))
        else:
            labels.append(filter_label(field.label, dict(field.choices).get(value, value)))
    return labels
