"""Domain errors with messages a user can read (Chinese msgids, translated by gettext)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class: a refusal the user should see, never a 500."""

    code = "invalid"
    status = 400
    default_message = _("操作无法完成。")

    def __init__(self, message=None, *, fields: dict | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    default_message = _("当前状态下不能执行该操作。")


class ActionForbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("您没有执行该操作的权限。")


class NoteRequired(DomainError):
    code = "note_required"
    status = 400
    default_message = _("请填写说明或理由。")


class ConcurrentEdit(DomainError):
    code = "conflict"
    status = 409
    default_message = _("该内容已被他人修改，请刷新后再编辑。")


class Refused(DomainError):
    """A business rule refused the request (quorum not met, duplicate vote, ...)."""

    code = "refused"
    status = 400


def passes(check, *args, **kwargs) -> bool:
    """Whether `check` (a guard or rule that raises Refused) lets the call through: actions are offered
    by the same rule that refuses them (`Action.offered`), so an offered button never only refuses."""
    try:
        check(*args, **kwargs)
    except Refused:
        return False
    return True
