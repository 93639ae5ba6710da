"""Public pages: workstations, their reception calendar (with booking) and the ICS feed."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from core.exceptions import DomainError
from core.i18n import join_list
from core.ics import CalendarEvent, ics_response
from grassroots import selectors, services
from grassroots.forms import BookingForm, CancelBookingForm


def workstations(request):
    return render(
        request,
        "grassroots/workstations.html",
        {
            "workstations": selectors.with_service_labels(selectors.workstations_public()),
            "weekend": selectors.reception_weekend_words(),
        },
    )


@ratelimit(key="ip", rate="20/h", method="POST", block=False, group="grassroots.book")
def workstation(request, pk: int):
    ws = selectors.get_workstation(pk)
    selectors.with_service_labels([ws])
    days = selectors.upcoming_days(ws)
    form = BookingForm(request.POST or None, days=days)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("您提交得太频繁了，请稍后再试。您填写的内容仍保留在下方。"))
            status = 429
        elif form.is_valid():
            day = get_object_or_404(ws.reception_days, pk=form.cleaned_data["day"])
            try:
                appointment = services.book_appointment(
                    day=day,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    topic=form.cleaned_data["topic"],
                    service=form.cleaned_data["service"],
                )
            except DomainError as exc:
                form.add_error("day", exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "预约成功！预约号 %(ref)s，请于 %(date)s %(time)s 到工作室。"
                        "请记下预约号：如不能到场，可凭预约号和联系电话在本页“取消预约”。"
                    )
                    % {
                        "ref": appointment.reference,
                        "date": day.date.isoformat(),
                        "time": day.starts_at.strftime("%H:%M"),
                    },
                )
                return redirect(ws.get_absolute_url())
        else:
            status = 400
    context = {"ws": ws, "days": days, "cancelled_days": selectors.cancelled_days(ws), "form": form}
    return render(request, "grassroots/workstation.html", context, status=status)


def _booking_reference(group, request) -> str:
    """The rate-limit key of a cancellation: the reference tried, however it was typed."""
    return services.normalize_reference(request.POST.get("reference", ""))


# Per address, and per reference so that guessing a booking's phone number from many addresses is
# slow too (as 忘记密码 limits per address and per e-mail).
@ratelimit(key="ip", rate="10/h", method="POST", block=False, group="grassroots.cancel")
@ratelimit(key=_booking_reference, rate="5/h", method="POST", block=False, group="grassroots.cancel-ref")
def cancel_booking(request):
    """取消预约: the resident gives the booking's reference and the phone number it was made with."""
    initial = {"reference": request.GET.get("ref", "")[:20]}
    form = CancelBookingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("尝试次数太多，请稍后再试。如急需取消，请致电工作室。"))
            status = 429
        elif form.is_valid():
            try:
                appointment = services.cancel_appointment(**form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                day = appointment.reception_day
                messages.success(
                    request,
                    _("预约 %(ref)s（%(date)s %(time)s）已取消，名额已释放。感谢您告知。")
                    % {
                        "ref": appointment.reference,
                        "date": day.date.isoformat(),
                        "time": day.starts_at.strftime("%H:%M"),
                    },
                )
                ws = day.workstation
                return redirect(ws.get_absolute_url() if ws.is_active else "grassroots:workstations")
    return render(request, "grassroots/cancel_booking.html", {"form": form}, status=status)


def workstation_ics(request, pk: int):
    ws = selectors.get_workstation(pk)
    events = []
    for day in selectors.calendar_days(ws):
        starts, ends = services.reception_window(day)
        duty = join_list(m.name for m in day.on_duty.all())
        lines = []
        if day.is_cancelled:
            lines.append(_("本次接待已取消：%(reason)s") % {"reason": day.cancel_reason or _("未说明原因")})
        if duty:
            lines.append(_("值班委员：%(names)s") % {"names": duty})
        events.append(
            CalendarEvent(
                uid=f"reception-{day.pk}@xieshang",
                title=_("%(ws)s接待日") % {"ws": ws.name},
                starts_at=starts,
                ends_at=ends,
                location=ws.address,
                description="\n".join(lines),
                url=request.build_absolute_uri(ws.get_absolute_url()),
                organizer_name=ws.name,
                sequence=day.ics_sequence,
                cancelled=day.is_cancelled,
            )
        )
    return ics_response(events, name=ws.name, filename=f"workstation-{ws.pk}.ics")


def community_outcomes(request):
    """社区事务协商结果: what the communities consulted on and how it ended, for residents (no names)."""
    return render(
        request, "grassroots/community_outcomes.html", {"items": list(selectors.public_community_outcomes()[:100])}
    )


def community_outcome(request, pk: int):
    """One community consultation's outcome for residents: the matter, its background, the result and
    the follow-up tasks with their completion; never who took part, what each party said, nor who
    recorded a task done."""
    item = selectors.get_public_community_outcome(pk)
    return render(request, "grassroots/community_outcome.html", {"item": item, "tasks": list(item.tasks.all())})
