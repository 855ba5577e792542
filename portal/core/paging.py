"""A paginator that never counts a whole result.

Django's Paginator runs COUNT(*) over every matching row on every page,
which grows with the table. ``CappedPaginator`` counts at most ``cap`` rows
past the page asked for (``LIMIT`` inside the count, ordering dropped), so
pages stay navigable (previous, next, any page number reached by them) and
the count costs the same however large the table grows. Past the cap, the
total is not known: ``capped`` says so and templates show "more than".
"""

from functools import cached_property

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.asked = 1

    def get_page(self, number):
        try:
            self.asked = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.asked = 1
        return super().get_page(number)

    @cached_property
    def window(self) -> int:
        """How many rows are counted at most: the cap, or up to the page asked."""
        return max(self.cap, self.asked * self.per_page)

    @cached_property
    def counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # counting needs no order
        return rows[: self.window + 1].count() if hasattr(rows, "count") else len(rows)

    @cached_property
    def capped(self) -> bool:
        """True when there are more rows than were counted."""
        return self.counted > self.window

    @cached_property
    def count(self) -> int:
        """The total, or (when ``capped``) the rows counted plus one page, so
        the page after the last counted one exists and is offered."""
        if self.capped:
            return self.window + self.per_page
        return self.counted

    @property
    def shown_count(self) -> int:
        """The number to print: the total, or the lower bound when capped."""
        return self.window if self.capped else self.counted


__all__ = ["CappedPaginator", "EmptyPage", "PageNotAnInteger"]
