"""The shared REST convention: GET/POST <kind>/{id}/transitions/ and GET <kind>/{id}/history/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.exceptions import TransitionNotAllowed
from core.workflow import history_for, perform, workflow_for


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField()
    target_label = serializers.CharField()
    note_required = serializers.BooleanField()
    fields = serializers.ListField(child=serializers.CharField())


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text=_("操作名，见 GET transitions/"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    data = serializers.DictField(required=False, default=dict)


class TransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class HistoryEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField(required=False)
    action_label = serializers.CharField(required=False)
    from_state = serializers.CharField(required=False)
    from_label = serializers.CharField(required=False)
    to_state = serializers.CharField(required=False)
    to_label = serializers.CharField(required=False)
    note = serializers.CharField(required=False)
    attachments = serializers.ListField(child=serializers.DictField(), required=False)
    changes = serializers.ListField(child=serializers.DictField(), required=False)


# A record's own actions (transitions/, history/, ...) answer with the whole list as a bare JSON array and
# find the record by id alone: the list's pagination and filters are not theirs, in the answer or the schema.
RECORD_LIST_ACTION = {"pagination_class": None, "filter_backends": []}


def describe_actions(obj, user) -> list[dict]:
    wf = workflow_for(obj)
    return [
        {
            "action": a.name,
            "label": str(a.label),
            "target": a.target,
            "target_label": wf.state_label(a.target),
            "note_required": a.note_required,
            "fields": list(a.fields),
        }
        for a in wf.available(obj, user)
    ]


class WorkflowViewSetMixin:
    """Add to a ViewSet whose get_object() applies the viewer's visibility."""

    @extend_schema(methods=["GET"], responses=ActionSerializer(many=True), summary=_("可执行的操作"))
    @extend_schema(
        methods=["POST"],
        request=TransitionInputSerializer,
        responses=TransitionResultSerializer,
        summary=_("执行一个操作"),
    )
    @action(detail=True, methods=["get", "post"], url_path="transitions", **RECORD_LIST_ACTION)
    def transitions(self, request, pk=None):
        obj = self.get_object()
        if request.method == "GET":
            return Response(describe_actions(obj, request.user))
        payload = TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            workflow_for(obj).action(payload.validated_data["action"])
        except TransitionNotAllowed as exc:
            # A name that is no action at all is bad input (400); a real one not allowed now is a 409.
            raise ValidationError({"action": [str(exc.message)]}) from exc
        obj = perform(
            obj,
            payload.validated_data["action"],
            actor=request.user,
            note=payload.validated_data["note"],
            data=payload.validated_data["data"],
        )
        wf = workflow_for(obj)
        status_value = getattr(obj, wf.status_field)
        return Response({"id": obj.pk, "status": status_value, "status_label": wf.state_label(status_value)})

    @extend_schema(responses=HistoryEventSerializer(many=True), summary=_("审计时间线"))
    @action(detail=True, methods=["get"], url_path="history", **RECORD_LIST_ACTION)
    def history(self, request, pk=None):
        obj = self.get_object()
        if not self.may_read_history(obj):
            raise NotFound
        return Response(HistoryEventSerializer(history_for(obj, request.user), many=True).data)

    def may_read_history(self, obj) -> bool:
        """Whether the caller may read obj's audit trail (staff names; the notes as `history_for` shows them
        to the caller); a ViewSet narrows it."""
        return True
