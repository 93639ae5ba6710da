"""Query lookups the project registers on Django's fields (core.apps.CoreConfig.ready)."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """`__in` on an integer column, leaving out values outside the column's range: they can match no
    row, and SQLite refuses to bind them (OverflowError). A form given 99999999999999999999 as one of
    its choices (a multiple-choice field looks them up with `pk__in`) then says the choice is not
    valid instead of failing with a 500. Django already does this for `exact`, `gt` and the like."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            if internal_type in connection.ops.integer_field_ranges:
                low, high = connection.ops.integer_field_range(internal_type)
                self.rhs = [
                    value
                    for value in self.rhs
                    if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
                ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
