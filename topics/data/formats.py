"""The seed district's four consultation formats (data; the office edits them in the admin)."""

# (code, name, short name, consultations.MeetingKind value)
FORMATS = [
    ("standing", "常委会会议重点协商", "常委会协商", "standing"),
    ("chairs", "主席会议专题协商", "主席会议协商", "chairs"),
    ("counterpart", "委处对口协商", "对口协商", "counterpart"),
    ("proposal_handling", "提案办理协商", "提案办理协商", "proposal_handling"),
]
# code: (English name, English short name), shown to English readers.
ENGLISH_NAMES = {
    "standing": ("Key consultation at a standing committee meeting", "Standing committee consultation"),
    "chairs": ("Thematic consultation at a chairs' meeting", "Chairs' meeting consultation"),
    "counterpart": ("Special committee counterpart consultation", "Counterpart consultation"),
    "proposal_handling": ("Proposal handling consultation", "Proposal handling consultation"),
}


def _bilingual(model) -> bool:
    # Migrations before topics 0004 pass a historical model without the English fields.
    return any(f.name == "name_en" for f in model._meta.get_fields())


def ensure_formats(model) -> None:
    """Create the seed formats that are missing (idempotent; `model` may be a migration's historical model)."""
    for order, (code, name, short, kind) in enumerate(FORMATS):
        model.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "meeting_kind": kind, "order": order}
        )
    if _bilingual(model):
        fill_english_names(model)


def fill_english_names(model) -> None:
    """Give the seed formats their English names, where the office has not renamed the row or set its own."""
    for code, name, short, _kind in FORMATS:
        name_en, short_en = ENGLISH_NAMES[code]
        model.objects.filter(code=code, name=name, name_en="").update(name_en=name_en)
        model.objects.filter(code=code, short_name=short, short_name_en="").update(short_name_en=short_en)
