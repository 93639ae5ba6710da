"""Near-duplicate appeals: fingerprint each appeal, find open ones that look the same, merge on request.

Scaling: each appeal stores a 64-value MinHash signature and 32 LSH band keys (FingerprintBand, indexed
on (band, key)). Finding candidates is one indexed `key IN (32 values)` lookup whatever the number of
appeals; only the few appeals sharing a bucket are compared, signature against signature.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import intake_bridge, lexicon, text
from analytics.models import AppealFingerprint, DuplicateCandidate, DuplicateStatus, FingerprintBand
from core.exceptions import Refused
from core.i18n import recorded

# Estimated Jaccard similarity of shingle sets above which two appeals are shown as the same matter.
DUPLICATE_THRESHOLD = 0.3
MAX_CANDIDATES = 5


@transaction.atomic
def fingerprint_appeal(*, appeal) -> AppealFingerprint:
    """Store the MinHash signature and LSH bucket keys of an appeal's text (replacing older ones)."""
    signature = text.minhash(text.shingles(f"{appeal.title} {appeal.body}", lexicon.tokenizer()))
    fingerprint, _created = AppealFingerprint.objects.update_or_create(appeal=appeal, defaults={"signature": signature})
    fingerprint.bands.all().delete()
    FingerprintBand.objects.bulk_create(
        FingerprintBand(fingerprint=fingerprint, band=band, key=key)
        for band, key in enumerate(text.lsh_bands(signature))
    )
    return fingerprint


def duplicate_threshold() -> float:
    """The district's duplicate cut (constance ANALYTICS_DUPLICATE_MIN_SIMILARITY; default 0.3)."""
    from constance import config

    return float(getattr(config, "ANALYTICS_DUPLICATE_MIN_SIMILARITY", DUPLICATE_THRESHOLD))


def similar_open_appeals(*, appeal, threshold: float | None = None) -> list[tuple[object, float]]:
    """Open appeals (other than this one) whose text is estimated at least `threshold` similar, best first
    (default: the district's configured threshold)."""
    threshold = duplicate_threshold() if threshold is None else threshold
    fingerprint = AppealFingerprint.objects.filter(appeal=appeal).first()
    if fingerprint is None:
        fingerprint = fingerprint_appeal(appeal=appeal)
    keys = list(fingerprint.bands.values_list("key", flat=True))
    open_ids = intake_bridge.open_appeals().values("pk")
    # Fingerprints sharing a band, as a semi-join: a join on the bands repeated each fingerprint once
    # per shared band, and its DISTINCT over every column of the appeal was once planned so badly on
    # PostgreSQL (tables without statistics inside the demo's transaction) that it ran for minutes.
    sharing = FingerprintBand.objects.filter(key__in=keys).values("fingerprint_id")
    candidates = (
        AppealFingerprint.objects.filter(pk__in=sharing, appeal_id__in=open_ids)
        .exclude(appeal_id=appeal.pk)
        .select_related("appeal")
    )
    scored = [(c.appeal, text.signature_similarity(fingerprint.signature, c.signature)) for c in candidates]
    scored = [(a, s) for a, s in scored if s >= threshold]
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:MAX_CANDIDATES]


@transaction.atomic
def record_duplicates(*, appeal) -> list[DuplicateCandidate]:
    """Record the pairs (this appeal, an earlier open one) for staff to judge; known pairs are kept."""
    out = []
    for other, similarity in similar_open_appeals(appeal=appeal, threshold=duplicate_threshold()):
        newer, older = (
            (appeal, other) if (appeal.created_at, appeal.pk) >= (other.created_at, other.pk) else (other, appeal)
        )
        pair, created = DuplicateCandidate.objects.get_or_create(
            appeal=newer, original=older, defaults={"similarity": round(similarity, 3)}
        )
        if not created and pair.status == DuplicateStatus.OPEN:
            pair.similarity = round(similarity, 3)
            pair.save(update_fields=["similarity", "updated_at"])
        out.append(pair)
    return out


def case_of(appeal):
    """The main case an appeal was merged into (intake's merged_into, else analytics' record), or itself."""
    seen = {appeal.pk}
    current = appeal
    while True:
        nxt = getattr(current, "merged_into", None)
        if nxt is None:
            pair = (
                DuplicateCandidate.objects.filter(appeal=current, status=DuplicateStatus.MERGED)
                .select_related("original")
                .first()
            )
            nxt = pair.original if pair else None
        if nxt is None or nxt.pk in seen:
            return current
        seen.add(nxt.pk)
        current = nxt


# Workflow guard and effect (analytics/workflow.py).


def check_merge(pair: DuplicateCandidate, *, actor, note: str, data: dict) -> None:
    open_ids = set(
        intake_bridge.open_appeals().filter(pk__in=[pair.appeal_id, pair.original_id]).values_list("pk", flat=True)
    )
    if pair.appeal_id not in open_ids:
        raise Refused(_("该诉求已办结或已合并，不能再合并。"))
    if pair.original_id not in open_ids:
        raise Refused(_("要合并到的诉求已办结或已合并，请选择仍在办理的主诉求。"))


def on_merge(pair: DuplicateCandidate, *, actor, note: str, data: dict, change) -> None:
    pair.merged_in_intake = intake_bridge.merge_into_case(
        duplicate=pair.appeal,
        into=pair.original,
        actor=actor,
        note=note or recorded(gettext_lazy("疑似重复，合并办理")),
    )
    pair._history_user = actor
    pair.save(update_fields=["merged_in_intake", "updated_at"])


def merge_duplicate(*, pair: DuplicateCandidate, actor, note: str = "") -> DuplicateCandidate:
    """Handle the later appeal as part of the earlier case; each citizen keeps their tracking code."""
    from core.workflow import perform

    return perform(pair, "merge", actor=actor, note=note)
