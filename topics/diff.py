"""Side-by-side comparison of two plan versions (pure: works on the versions' JSON snapshots)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from topics.models.plan import shown_item

# Snapshot keys shown in the comparison, with their labels.
FIELDS = [
    ("title", _("协商议题")),
    ("format", _("协商形式")),
    ("timing", _("时间")),
    ("lead_member", _("牵头领导")),
    ("lead_body", _("牵头委处")),
    ("departments", _("参与部门")),
    ("notes", _("备注")),
]


@dataclass
class DiffRow:
    kind: str  # "same", "changed", "added", "removed"
    old: dict | None
    new: dict | None
    changed: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return (self.new or self.old or {}).get("title", "")


def _text(item: dict, key: str) -> str:
    value = item.get(key, "")
    return "、".join(value) if isinstance(value, list) else str(value or "")


def diff_items(old: list[dict], new: list[dict]) -> list[DiffRow]:
    """Rows pairing items by their id: kept items first in the new order, then removed ones. The
    timing is worded in the current language on both sides, whoever froze either version."""
    old_by_id = {i["id"]: shown_item(i) for i in old}
    rows = []
    for item in map(shown_item, new):
        before = old_by_id.pop(item["id"], None)
        if before is None:
            rows.append(DiffRow("added", None, item))
            continue
        changed = [key for key, _label in FIELDS if _text(before, key) != _text(item, key)]
        rows.append(DiffRow("changed" if changed else "same", before, item, changed))
    rows.extend(DiffRow("removed", item, None) for item in old_by_id.values())
    return rows


def as_cells(item: dict | None) -> dict[str, str]:
    """The snapshot item as display strings keyed like FIELDS."""
    if item is None:
        return {}
    return {key: _text(item, key) for key, _label in FIELDS}
