"""Writes on public-opinion information reports."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from opinions.models import OpinionReport


@transaction.atomic
def draft_report(*, title: str, body: str, author, member=None, source=None, provider=None) -> OpinionReport:
    """Start a report (e.g. from a useful appeal), keeping where it came from and who provides it."""
    report = OpinionReport(
        title=title[:200],
        body=body,
        author=author,
        member=member,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        provider_type=ContentType.objects.get_for_model(provider) if provider is not None else None,
        provider_id=provider.pk if provider is not None else None,
    )
    report._history_user = author
    report.full_clean()
    report.save()
    return report
