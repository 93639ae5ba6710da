"""Drive 社情民意 reports through the real workflow to a given stage."""

from core.workflow import perform
from opinions.services import draft_report


def draft(cast, *, author=None, **kwargs):
    author = author or cast.member
    return draft_report(
        title=kwargs.pop("title", "关于区燃气公司搬迁的建议"),
        body=kwargs.pop("body", "燃气公司位于居民区，建议尽快搬迁。"),
        author=author,
        member=getattr(author, "member", None),
        **kwargs,
    )


def received(cast, **kwargs):
    report = draft(cast, **kwargs)
    perform(report, "submit", actor=report.author)
    return perform(report, "receive", actor=cast.info)


def signed(cast, **kwargs):
    report = received(cast, **kwargs)
    return perform(report, "sign_off", actor=cast.secgen)


def published(cast, **kwargs):
    report = signed(cast, **kwargs)
    return perform(report, "publish", actor=cast.info)
