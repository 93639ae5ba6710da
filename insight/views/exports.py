"""/insight/export/<kind>.xlsx?<the list's own filters>: the filtered list as a workbook."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import build_xlsx, xlsx_response
from insight.exports import EXPORTS


@login_required
def export(request, kind: str):
    builder = EXPORTS.get(kind)
    if builder is None:
        raise Http404
    spec = builder(request.user, request.GET)
    if spec is None:
        raise Http404
    content = build_xlsx(title=spec.title, columns=spec.columns, rows=spec.rows, sheet=spec.sheet)
    stamp = timezone.localdate().isoformat()
    return xlsx_response(content, _("%(name)s-%(d)s.xlsx") % {"name": spec.filename, "d": stamp})
