"""The API's shared list filter backends."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class CheckedOrderingFilter(OrderingFilter):
    """?ordering= with a field the list cannot be sorted by is a 400 naming the allowed ones, not the
    default order returned as if the request had been understood."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len([f for f in fields if f]):
            allowed = sorted(name for name, _label in self.get_valid_fields(queryset, view, {"request": request}))
            message = _("不能按“%(value)s”排序。可用的排序字段：%(allowed)s（前加“-”为倒序）。") % {
                "value": ",".join(fields),
                "allowed": ", ".join(allowed) or _("无"),
            }
            raise ValidationError({self.ordering_param: [message]})
        return valid
