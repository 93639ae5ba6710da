"""Public pages: workstations, their reception calendar (with booking) and the ICS feed."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from core.exceptions import DomainError
from core.ics import CalendarEvent, ics_response
from grassroots import selectors, services
from grassroots.forms import BookingForm


def workstations(request):
    return render(request, "grassroots/workstations.html", {"workstations": list(selectors.workstations_public())})


@ratelimit(key="ip", rate="20/h", method="POST", block=False, group="grassroots.book")
def workstation(request, pk: int):
    ws = selectors.get_workstation(pk)
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
                    _("预约成功！预约号 %(ref)s，请于 %(date)s %(time)s 到工作室。")
                    % {
                        "ref": appointment.reference,
                        "date": day.date.isoformat(),
                        "time": day.starts_at.strftime("%H:%M"),
                    },
                )
                return redirect(ws.get_absolute_url())
        else:
            status = 400
    return render(request, "grassroots/workstation.html", {"ws": ws, "days": days, "form": form}, status=status)


def workstation_ics(request, pk: int):
    ws = selectors.get_workstation(pk)
    events = []
    for day in selectors.calendar_days(ws):
        starts, ends = services.reception_window(day)
        duty = "、".join(m.name for m in day.on_duty.all())
        events.append(
            CalendarEvent(
                uid=f"reception-{day.pk}@xieshang",
                title=_("%(ws)s接待日") % {"ws": ws.name},
                starts_at=starts,
                ends_at=ends,
                location=ws.address,
                description=_("值班委员：%(names)s") % {"names": duty} if duty else "",
                url=request.build_absolute_uri(ws.get_absolute_url()),
                organizer_name=ws.name,
                cancelled=day.is_cancelled,
            )
        )
    return ics_response(events, name=ws.name, filename=f"workstation-{ws.pk}.ics")
