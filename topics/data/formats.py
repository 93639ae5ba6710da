"""The seed district's four consultation formats (data; the office edits them in the admin)."""

# (code, name, short name, consultations.MeetingKind value)
FORMATS = [
    ("standing", "常委会会议重点协商", "常委会协商", "standing"),
    ("chairs", "主席会议专题协商", "主席会议协商", "chairs"),
    ("counterpart", "委处对口协商", "对口协商", "counterpart"),
    ("proposal_handling", "提案办理协商", "提案办理协商", "proposal_handling"),
]


def ensure_formats(model) -> None:
    """Create the seed formats that are missing (idempotent; `model` may be a migration's historical model)."""
    for order, (code, name, short, kind) in enumerate(FORMATS):
        model.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "meeting_kind": kind, "order": order}
        )
