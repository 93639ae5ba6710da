"""OpenAPI generation: operations described only in words written for readers (translatable), and every
operation documents our structured error responses."""

from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import get_view_model

# A summary for the standard operations that `extend_schema(summary=…)` does not name, from the model's
# own (translated) name: an integrator reading the schema sees what each operation does.
STANDARD_SUMMARIES = {
    "list": lambda name: _("列出%(name)s") % {"name": name},
    "retrieve": lambda name: _("查看%(name)s") % {"name": name},
    "create": lambda name: _("新建%(name)s") % {"name": name},
    "update": lambda name: _("修改%(name)s") % {"name": name},
    "partial_update": lambda name: _("修改%(name)s（部分字段）") % {"name": name},
    "destroy": lambda name: _("删除%(name)s") % {"name": name},
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular copies a ViewSet's (English, untranslatable) class docstring onto each of its
    operations, naming internal modules; those are notes for developers of the platform. An operation's
    description is only what `extend_schema(description=_("…"))` gives (that decorator overrides this)."""

    def get_description(self) -> str:
        return ""

    def get_summary(self) -> str | None:
        summary = STANDARD_SUMMARIES.get(getattr(self.view, "action", None) or "")
        if summary is None:
            return None
        # The view's queryset, or (schema generation runs its get_queryset on a fake view) the serializer's.
        model = get_view_model(self.view, emit_warnings=False)
        if model is None:
            serializer = self.get_response_serializers()
            model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is None:
            return None
        meta = model._meta
        return summary(str(meta.verbose_name_plural if self.view.action == "list" else meta.verbose_name))


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    # Each field's messages, always a list (an object of such lists for a nested field); an
                    # integer only for the id of the record a refusal points to (existing_plan).
                    "additionalProperties": {
                        "anyOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "integer"}]
                    },
                },
            },
        }
    },
}
ERRORS = {
    "400": "Invalid input",
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found or not visible to you",
    "405": "Method not allowed",
    "406": "Not acceptable",
    "409": "Conflict with the current state",
    "415": "Unsupported media type",
    "429": "Rate limited",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for name, component in components.items():
        # A serializer's class docstring is a developer's note in English, like the views' (above).
        if name != "Error" and isinstance(component, dict) and "properties" in component:
            component.pop("description", None)
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                responses.setdefault(code, {"description": text, "content": {"application/json": {"schema": ref}}})
    return result
