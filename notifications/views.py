from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_for
from notifications.services import mark_read


@login_required
def inbox(request):
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read_all(request):
    mark_read(user=request.user)
    return redirect("notifications:inbox")
