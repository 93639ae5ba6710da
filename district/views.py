from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import LiaisonForm, LiaisonLeaveForm, LiaisonReinstateForm, OpenAccountForm
from accounts.predicates import is_clerk, opens_account_for
from accounts.selectors import (
    PERSON_KINDS,
    AccountState,
    LiaisonState,
    account_state,
    active_liaisons_of,
    departments_with_liaisons,
    liaison_accounts,
    liaison_state,
    open_items_waiting_on,
    people_for_accounts,
)
from accounts.services import free_username
from core.exceptions import DomainError
from core.forms import refuse_into, submit
from core.revealed import remember_revealed, take_revealed
from core.services import log_personal_data_access
from district import selectors
from district import services as district_services
from district.forms import CalendarDaysForm, DistrictRulesPageForm
from district.models import CalendarDay, Department, Party, Sector
from district.predicates import edits_district_rules, reads_district_rules


@login_required
def members(request):
    sector = request.GET.get("sector") or None
    party = request.GET.get("party") or None
    qs = selectors.members_list(sector=sector, party=party, q=request.GET.get("q", "").strip())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "district/members.html",
        {
            "page": page,
            "sectors": Sector.objects.all(),
            "parties": Party.objects.all(),
        },
    )


@login_required
def member_detail(request, pk: int):
    member = get_object_or_404(selectors.members_list(), pk=pk)
    full = selectors.may_see_contact(request.user, member)
    if full and member.user_id != request.user.pk:
        log_personal_data_access(
            user=request.user, target=member, fields=["phone", "address"], purpose=gettext_lazy("查看委员联系方式")
        )
    context = {"member": member, "full_contact": full}
    if is_clerk(request.user):
        context.update(account_state=account_state(member.user), may_open=opens_account_for(request.user, member))
    return render(request, "district/member_detail.html", context)


@login_required
def departments(request):
    return render(request, "district/departments.html", {"departments": selectors.departments_list()})


def _person_or_404(request, kind: str, pk: int):
    """The expert or member the clerk acts on; any other viewer gets 403 before anything is looked up."""
    if not is_clerk(request.user):
        raise PermissionDenied
    if kind not in PERSON_KINDS:
        raise Http404
    return get_object_or_404(people_for_accounts(kind), pk=pk)


@login_required
def person_accounts(request):
    """人员账号: experts and members with their account state; the clerk opens accounts and issues links."""
    if not is_clerk(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind") if request.GET.get("kind") in PERSON_KINDS else "expert"
    state = request.GET.get("state") if request.GET.get("state") in AccountState.values else ""
    q = request.GET.get("q", "").strip()[:30]
    page = Paginator(people_for_accounts(kind, q=q, state=state), 50).get_page(request.GET.get("page"))
    for person in page:
        person.account_state = account_state(person.user)
        person.may_open = opens_account_for(request.user, person)
    context = {"page": page, "kind": kind, "state": state, "q": q, "states": AccountState.choices}
    return render(request, "district/person_accounts.html", context)


@never_cache
@login_required
def person_account_open(request, kind: str, pk: int):
    """Open an account for one person: the activation link is shown on this response only."""
    person = _person_or_404(request, kind, pk)
    form = OpenAccountForm(request.POST or None, initial={"username": free_username(f"{kind}{person.pk}")})
    if request.method == "POST" and form.is_valid():
        try:
            link = services.open_account(person=person, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            return _issued(request, kind, person, link)
    status = 400 if form.errors else 200
    context = {"person": person, "kind": kind, "form": form, "state": account_state(person.user)}
    return render(request, "district/person_account_open.html", context, status=status)


@never_cache
@login_required
@require_POST
def person_account_reissue(request, kind: str, pk: int):
    """A new activation link for an account never activated; the earlier link stops working."""
    person = _person_or_404(request, kind, pk)
    try:
        link = services.reissue_activation(person=person, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('district:accounts')}?kind={kind}")
    return _issued(request, kind, person, link)


def _issued(request, kind: str, person, link):
    back = reverse("district:liaisons") if kind == "liaison" else f"{reverse('district:accounts')}?kind={kind}"
    context = {"person": person, "kind": kind, "link": link, "back_url": back}
    return render(request, "district/activation_issued.html", context)


# Department liaisons (部门联络员): the office adds them, re-issues their links and records who leaves.


def _clerk_only(request) -> None:
    if not is_clerk(request.user):
        raise PermissionDenied


def _liaison_or_404(request, pk: int):
    _clerk_only(request)
    return get_object_or_404(liaison_accounts().select_related("department"), pk=pk)


@never_cache
@login_required
def liaisons(request):
    """Departments with their liaisons; those with none in post cannot receive work, and say so."""
    _clerk_only(request)
    # A phone appears in full once, right after the clerk asked for it (and it was logged).
    revealed = take_revealed(request, "accounts.liaison")
    unstaffed = request.GET.get("unstaffed") == "1"
    page = Paginator(departments_with_liaisons(unstaffed_only=unstaffed), 50).get_page(request.GET.get("page"))
    for department in page:
        for liaison in department.liaisons:
            liaison.state = liaison_state(liaison)
            liaison.revealed_phone = liaison.phone if liaison.pk == revealed else ""
    context = {
        "page": page,
        "unstaffed": unstaffed,
        "unstaffed_count": departments_with_liaisons(unstaffed_only=True).count(),
        "states": LiaisonState,
    }
    return render(request, "district/liaisons.html", context)


@login_required
@require_POST
def liaison_phone(request, pk: int):
    """Reveal one liaison's phone to the clerk (audited), back on the list as it was."""
    liaison = _liaison_or_404(request, pk)
    services.reveal_liaison_phone(user=liaison, viewer=request.user)
    remember_revealed(request, "accounts.liaison", liaison.pk)
    query = request.GET.urlencode()
    return redirect(reverse("district:liaisons") + (f"?{query}" if query else ""))


@never_cache
@login_required
def liaison_add(request, pk: int):
    """Add a liaison to a department: their account and its one-time activation link (shown once)."""
    _clerk_only(request)
    department = get_object_or_404(Department.objects.filter(is_active=True), pk=pk)
    form = LiaisonForm(request.POST or None, initial={"username": free_username(f"liaison_{department.pk}")})
    if request.method == "POST" and form.is_valid():
        try:
            link = services.add_liaison(department=department, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            return _issued(request, "liaison", {"name": link.user.display}, link)
    status = 400 if form.errors else 200
    return render(request, "district/liaison_add.html", {"department": department, "form": form}, status=status)


@never_cache
@login_required
@require_POST
def liaison_reissue(request, pk: int):
    """A new activation link for a liaison who never activated; the earlier link stops working."""
    liaison = _liaison_or_404(request, pk)
    try:
        link = services.reissue_liaison_activation(user=liaison, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("district:liaisons")
    return _issued(request, "liaison", {"name": liaison.display}, link)


@login_required
def liaison_leave(request, pk: int):
    """A liaison leaves: what waits on the department, a warning if none would remain, and the reason."""
    liaison = _liaison_or_404(request, pk)
    serving = liaison.is_active
    last_one = serving and not active_liaisons_of(liaison.department_id).exclude(pk=liaison.pk).exists()
    form = LiaisonLeaveForm(request.POST or None, last_one=last_one)
    if request.method == "POST" and serving:
        done = submit(
            request,
            form,
            lambda data: services.deactivate_liaison(user=liaison, actor=request.user, **data),
            success=_("已登记%(name)s离岗：账号已停用，登录已失效。") % {"name": liaison.display},
            redirect_to=reverse("district:liaisons"),
        )
        if done:
            return done
    context = {
        "liaison": liaison,
        "form": form,
        "serving": serving,
        "last_one": last_one,
        "open_items": open_items_waiting_on(liaison) if serving else 0,
    }
    status = 400 if form.errors or (request.method == "POST" and not serving) else 200
    return render(request, "district/liaison_leave.html", context, status=status)


@never_cache
@login_required
def liaison_reinstate(request, pk: int):
    """A liaison who left returns to post (恢复在岗), with the reason; without a password, a fresh activation link."""
    liaison = _liaison_or_404(request, pk)
    left = not liaison.is_active
    form = LiaisonReinstateForm(request.POST or None)
    if request.method == "POST" and left and form.is_valid():
        try:
            link = services.reinstate_liaison(user=liaison, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            if link:
                messages.success(
                    request, _("已恢复%(name)s在岗，请将激活链接转交本人设置密码。") % {"name": liaison.display}
                )
                return _issued(request, "liaison", {"name": liaison.display}, link)
            messages.success(
                request, _("已恢复%(name)s在岗：账号已启用，本人可用原密码登录。") % {"name": liaison.display}
            )
            return redirect("district:liaisons")
    status = 400 if form.errors or (request.method == "POST" and not left) else 200
    context = {"liaison": liaison, "form": form, "left": left}
    return render(request, "district/liaison_reinstate.html", context, status=status)


# The holiday calendar (节假日安排): working-day deadlines count around the days entered here.


def _calendar_year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@never_cache
@login_required
def calendar(request):
    """A year's holidays and make-up working days, and the form that enters the next line of the notice."""
    _clerk_only(request)
    year = _calendar_year(request)
    form = CalendarDaysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            written = district_services.enter_calendar_days(**form.service_kwargs(), actor=request.user)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已录入%(n)s天。") % {"n": len(written)})
            return redirect(reverse("district:calendar") + f"?year={written[0].date.year}")
    days = list(selectors.calendar_days(year))
    context = {
        "form": form,
        "year": year,
        "years": selectors.calendar_years(timezone.localdate().year),
        "days": days,
        "holidays": sum(not d.is_workday for d in days),
        "workdays": sum(d.is_workday for d in days),
    }
    return render(request, "district/calendar.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def calendar_remove(request, pk: int):
    _clerk_only(request)
    day = get_object_or_404(CalendarDay, pk=pk)
    district_services.remove_calendar_day(day=day, actor=request.user)
    messages.success(request, _("已删除%(d)s的安排。") % {"d": day.date.isoformat()})
    return redirect(reverse("district:calendar") + f"?year={day.date.year}")


# The district rules (规则设置, django-constance): the office edits them here, the leaders read them.


@never_cache
@login_required
def rules(request):
    """Every rule by section with its default; a change needs a reason and rules that agree with each other."""
    if not reads_district_rules(request.user):
        raise PermissionDenied
    editable = bool(edits_district_rules(request.user))
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = DistrictRulesPageForm(initial=selectors.district_rules(), data=request.POST or None, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            changed = district_services.change_district_rules(**form.service_kwargs(), actor=request.user)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            done = _("已保存%(n)s项规则的修改，即时生效。") % {"n": len(changed)} if changed else _("规则没有改动。")
            messages.success(request, done)
            return redirect("district:rules")
    context = {"form": form, "editable": editable, "changes": selectors.rule_changes()}
    return render(request, "district/rules.html", context, status=400 if form.errors else 200)
