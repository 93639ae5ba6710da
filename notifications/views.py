from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import local_url
from notifications.selectors import notifications_for
from notifications.services import mark_read


@login_required
def inbox(request):
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def open_notification(request, pk: int):
    """Follow one notification's link, marking it read (someone else's notification is a 404)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    mark_read(user=request.user, ids=[notification.pk])
    return redirect(local_url(request, notification.url, reverse("notifications:inbox")))


@login_required
@require_POST
def read_all(request):
    mark_read(user=request.user)
    return redirect("notifications:inbox")
