"""Chinese date formats with ISO first: a form field renders its value in the first input format, and an
HTML date input (<input type="date">) shows only an ISO value ("2027/05/01" leaves it empty)."""

from django.conf.locale.zh_Hans import formats as django_formats

DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in django_formats.DATE_INPUT_FORMATS if f != "%Y-%m-%d")]
