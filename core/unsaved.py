"""What a refused workflow action's form had typed (kept in the session by `core.views.transition`),
for the object's page to show again."""

from collections.abc import Iterable


def unsaved_input(request, offered: Iterable[str] | None = None) -> dict:
    """`unsaved_action` (the refused action's name), `unsaved_note` and `unsaved_data` (its
    `data_<name>` fields), for the page to put back into that action's form only; `unsaved_target`,
    the record it was for ("label:pk", for a page with several); and, when the page
    no longer offers that action (someone else moved the record on meanwhile), `unsaved_elsewhere`:
    the note, for the page to show on its own so that nothing typed is lost
    (`core/_unsaved_elsewhere.html`)."""
    session = getattr(request, "session", None)
    if session is None:
        session = {}
    action, note = session.pop("unsaved_action", ""), session.pop("unsaved_note", "")
    data, target = session.pop("unsaved_data", {}), session.pop("unsaved_target", "")
    gone = offered is not None and action not in set(offered)
    return {
        "unsaved_action": action,
        "unsaved_note": note,
        "unsaved_data": data,
        "unsaved_target": target,
        "unsaved_elsewhere": note if gone else "",
    }


def unsaved_extension(request, field: str) -> dict:
    """What a refused extension form (request, approve or refuse) had typed: the action, the note and the
    date (`field`), shown again in that form only. The note of any other refused action stays in the
    session for the workflow panel."""
    if "_extension" not in request.session.get("unsaved_action", ""):
        return {}
    typed = unsaved_input(request)
    return {
        "action": typed["unsaved_action"],
        "note": typed["unsaved_note"],
        "due": typed["unsaved_data"].get(field, ""),
    }
