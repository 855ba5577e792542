"""Form fields shared by every app."""

from datetime import date

from django import forms

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2999: anything a person means, and far enough
    from date.min and date.max that a day more or less can't overflow."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.",
                code="out_of_range",
            )
        return value
