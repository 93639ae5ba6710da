"""Office page: register webhook receivers (secret shown once), list them, deactivate them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.predicates import is_clerk
from core.exceptions import DomainError
from webhooks import services
from webhooks.forms import WebhookEndpointForm
from webhooks.models import WebhookEndpoint


def _check(request) -> None:
    if not is_clerk(request.user):
        raise PermissionDenied


@never_cache
@login_required
def endpoint_list(request):
    _check(request)
    form = WebhookEndpointForm(request.POST or None)
    issued, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            endpoint, secret = services.register_endpoint(**form.cleaned_data, actor=request.user)
            issued = {"endpoint": endpoint, "secret": secret}
            form = WebhookEndpointForm()
        else:
            status = 400
    labels = dict(services.event_choices())
    endpoints = [
        {"obj": e, "events": [labels.get(label, label) for label in e.events]}
        for e in WebhookEndpoint.objects.select_related("created_by").order_by("-is_active", "name")
    ]
    context = {"form": form, "issued": issued, "endpoints": endpoints}
    return render(request, "webhooks/endpoints.html", context, status=status)


@login_required
@require_POST
def endpoint_deactivate(request, pk: int):
    _check(request)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    try:
        services.deactivate_endpoint(endpoint=endpoint, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用“%(name)s”，不再向其发送通知。") % {"name": endpoint.name})
    return redirect("webhooks:endpoints")
