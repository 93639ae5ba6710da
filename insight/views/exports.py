"""/insight/export/<kind>.xlsx?<the list's own filters>: the filtered list as a workbook."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.exports import build_xlsx, xlsx_response
from insight.exports import EXPORTS


@login_required
def export(request, kind: str):
    builder = EXPORTS.get(kind)
    if builder is None:
        raise Http404
    try:
        spec = builder(request.user, request.GET)
    except Refused as exc:
        # A filter the list refused (the list page names it): no workbook of some other list instead.
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = ""
        return render(request, "insight/export_refused.html", {"message": exc.message, "back": back}, status=400)
    if spec is None:
        raise Http404
    content = build_xlsx(title=spec.title, columns=spec.columns, rows=spec.rows, sheet=spec.sheet)
    stamp = timezone.localdate().isoformat()
    return xlsx_response(content, _("%(name)s-%(d)s.xlsx") % {"name": spec.filename, "d": stamp})
