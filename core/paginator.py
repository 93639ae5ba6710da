"""Pagination for very long HTML lists: the count stops at a cap, so a page never counts a million rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` (then `capped` is True and pages end at the cap).

    Counting every match of a broad filter is the slowest part of a list page on a large table;
    people refine a search long before page 50. Use `{{ page.paginator.count_label }}` ("1000+").
    """

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if hasattr(qs, "order_by"):
            # No ORDER BY inside the bounded count: the database stops after cap + 1 rows.
            n = qs.order_by()[: self.cap + 1].count()
        else:
            n = len(qs[: self.cap + 1])
        self._capped = n > self.cap
        return min(n, self.cap)

    @property
    def capped(self) -> bool:
        return self.count >= self.cap and self._capped

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.capped else str(self.count)
