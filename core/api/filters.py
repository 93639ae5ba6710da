"""The API's shared list filter backends."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


def _sortable(queryset, name: str) -> bool:
    parts = name.split("__")
    if parts[0] in queryset.query.annotations:
        return True
    model = queryset.model
    for part in parts:
        if part == "pk":
            return True
        if model is None:
            return False
        try:
            model = model._meta.get_field(part).related_model
        except FieldDoesNotExist:
            return False
    return True


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

    def get_default_valid_fields(self, queryset, view, context=None):
        """Without `ordering_fields`, DRF offers every serializer field's source, a method such as
        `get_status_display` included, which the database cannot sort by (a 500): only sources that name
        a model field (through relations) or an annotation of the list's query."""
        fields = super().get_default_valid_fields(queryset, view, context)
        return [(name, label) for name, label in fields if _sortable(queryset, name)]

    def get_schema_operation_parameters(self, view):
        """The parameter names the fields the list accepts (an unknown one is a 400, above)."""
        parameters = super().get_schema_operation_parameters(view)
        try:
            context = {"request": getattr(view, "request", None)}
            allowed = sorted(name for name, _label in self.get_valid_fields(view.get_queryset(), view, context))
        except Exception:  # a view that cannot be introspected keeps the generic text
            return parameters
        for parameter in parameters:
            if parameter.get("name") == self.ordering_param and allowed:
                parameter["description"] = _("排序字段，可用：%(allowed)s（前加“-”为倒序，多个以英文逗号分隔）。") % {
                    "allowed": ", ".join(allowed)
                }
                parameter["schema"] = {"type": "string", "example": allowed[0]}
        return parameters
