from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

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
    return render(request, "district/member_detail.html", {"member": member, "full_contact": full})


@login_required
def departments(request):
    return render(request, "district/departments.html", {"departments": selectors.departments_list()})
