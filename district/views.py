from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import OpenAccountForm
from accounts.predicates import is_clerk, opens_account_for
from accounts.selectors import PERSON_KINDS, AccountState, account_state, people_for_accounts
from accounts.services import free_username
from core.exceptions import DomainError
from core.forms import refuse_into
from core.services import log_personal_data_access
from district import selectors
from district.models import Party, Sector


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
        log_personal_data_access(user=request.user, target=member, fields=["phone", "address"], purpose="member_detail")
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
    return render(request, "district/activation_issued.html", {"person": person, "kind": kind, "link": link})
