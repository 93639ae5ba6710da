"""Office pages: register Open311 client applications (api_key shown once) and deactivate them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.predicates import is_clerk
from core.exceptions import DomainError
from open311 import selectors, services
from open311.forms import ClientApplicationForm
from open311.models import ClientApplication


def _check(request) -> None:
    if not is_clerk(request.user):
        raise PermissionDenied


@never_cache
@login_required
def client_list(request):
    """List the applications; a POST registers one and shows its key on this response only."""
    _check(request)
    form = ClientApplicationForm(request.POST or None)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            client, key = services.register_client(**form.cleaned_data, actor=request.user)
            issued = {"client": client, "key": key}
            form = ClientApplicationForm()
        else:
            status = 400
    context = {"form": form, "issued": issued, "clients": list(selectors.client_applications())}
    return render(request, "open311/clients.html", context, status=status)


@login_required
@require_POST
def client_deactivate(request, pk: int):
    _check(request)
    client = get_object_or_404(ClientApplication, pk=pk)
    try:
        services.deactivate_client(client=client, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已停用“%(name)s”，其 api_key 不再有效。") % {"name": client.name})
    return redirect("open311:clients")
