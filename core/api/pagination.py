from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from core.http import as_int


class CheckedPageSizeMixin:
    """?page_size= must be a whole number from 1 to max_page_size: anything else is a 400 naming the
    parameter, not quietly the default size (or quietly fewer rows than asked for)."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        size = as_int(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            message = _("每页条数须为1到%(max)s之间的整数。") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1, "maximum": self.max_page_size}
        return parameters


class StandardPagination(CheckedPageSizeMixin, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CheckedPageSizeMixin, CursorPagination):
    """For very long lists: a cursor on (-created_at, -id) stays fast where offsets get slow."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")
