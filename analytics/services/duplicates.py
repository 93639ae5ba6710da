"""Near-duplicate appeals: fingerprint each appeal, find open ones that look the same, merge on request.

What is compared is the matter: the fingerprint leaves out the district's place names and the letter
formulas every resident's letter shares (`analytics.text.shingles`), and two appeals of different
towns or communities are never proposed as one case (`different_places`): the same complaint from two
villages is two cases (and, together, a hot topic), not a duplicate.

Scaling: each appeal stores a 64-value MinHash signature and 32 LSH band keys (FingerprintBand, indexed
on (band, key)). Finding candidates is one indexed `key IN (32 values)` lookup, restricted to the
appeal's town and community, whatever the number of appeals; only the few appeals sharing a bucket are
compared, signature against signature. A change to the fingerprint (the letter phrases, the shingles)
takes effect for stored appeals with `manage.py rebuild_fingerprints`; each fingerprint keeps the recipe
it was computed with (`analytics.lexicon.fingerprint_recipe`), so after the office edits the lexicon or
the district's places `rebuild_fingerprints --stale` (nightly) renews only the stale ones.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import intake_bridge, lexicon, text
from analytics.models import AppealFingerprint, DuplicateCandidate, DuplicateStatus, FingerprintBand
from core.exceptions import Refused, passes
from core.i18n import recorded

# Estimated Jaccard similarity of shingle sets above which two appeals are shown as the same matter.
DUPLICATE_THRESHOLD = 0.3
MAX_CANDIDATES = 5


def _text_of(appeal) -> str:
    return f"{appeal.title} {appeal.body}"


@transaction.atomic
def fingerprint_appeal(*, appeal) -> AppealFingerprint:
    """Store the MinHash signature and LSH bucket keys of an appeal's matter (replacing older ones)."""
    places = lexicon.district_places().names
    signature = text.minhash(text.shingles(_text_of(appeal), lexicon.tokenizer(), places=places))
    fingerprint, _created = AppealFingerprint.objects.update_or_create(
        appeal=appeal, defaults={"signature": signature, "recipe": lexicon.fingerprint_recipe()}
    )
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


def _places_of(appeal, places: lexicon.DistrictPlaces) -> tuple[set[str], set[str]]:
    """(towns, communities) an appeal is about: as recorded, else the district's names its text names."""
    said = text.normalize(_text_of(appeal))

    def named(names) -> set[str]:
        return {n for n in set(names) if n and text.normalize(n) in said}

    towns = {places.towns.get(appeal.town_id, "")} if appeal.town_id else named(places.towns.values())
    communities = (
        {places.communities.get(appeal.community_id, "")} if appeal.community_id else named(places.communities.values())
    )
    return towns - {""}, communities - {""}


def different_places(a, b) -> bool:
    """Whether two appeals are about different places, so never one case: recorded in different towns
    or communities or, where either was not recorded, naming none of the other's towns or communities."""
    if a.town_id and b.town_id and a.town_id != b.town_id:
        return True
    if a.community_id and b.community_id:
        return a.community_id != b.community_id
    places = lexicon.district_places()
    (towns_a, communities_a), (towns_b, communities_b) = _places_of(a, places), _places_of(b, places)
    return bool(towns_a and towns_b and not towns_a & towns_b) or bool(
        communities_a and communities_b and not communities_a & communities_b
    )


def similar_open_appeals(*, appeal, threshold: float | None = None) -> list[tuple[object, float]]:
    """Open appeals (other than this one) of the same place whose matter is estimated at least
    `threshold` similar, best first (default: the district's configured threshold)."""
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
    # Only the same town and community (or an appeal whose place was not recorded) can be the same case.
    if appeal.town_id:
        candidates = candidates.filter(Q(appeal__town_id=appeal.town_id) | Q(appeal__town__isnull=True))
    if appeal.community_id:
        candidates = candidates.filter(Q(appeal__community_id=appeal.community_id) | Q(appeal__community__isnull=True))
    scored = [(c.appeal, text.signature_similarity(fingerprint.signature, c.signature)) for c in candidates]
    scored = [(a, s) for a, s in scored if s >= threshold and not different_places(appeal, a)]
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:MAX_CANDIDATES]


@transaction.atomic
def record_duplicates(*, appeal) -> list[DuplicateCandidate]:
    """Record the pairs (this appeal, an earlier open one) for staff to judge; known pairs are kept,
    and the pairs still to be judged that no longer look alike (its text changed) are withdrawn."""
    out = []
    threshold = duplicate_threshold()
    for other, similarity in similar_open_appeals(appeal=appeal, threshold=threshold):
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
    withdraw_stale_pairs(
        DuplicateCandidate.objects.filter(Q(appeal=appeal) | Q(original=appeal), status=DuplicateStatus.OPEN).exclude(
            pk__in=[p.pk for p in out]
        ),
        threshold=threshold,
    )
    return out


def withdraw_stale_pairs(pairs, *, threshold: float | None = None) -> int:
    """Delete the pairs still to be judged whose appeals no longer look alike (their current
    fingerprints below the threshold) or are about different places; refresh the others' similarity.
    A judged pair (merged, dismissed) is a decision and stays. Returns how many were withdrawn."""
    threshold = duplicate_threshold() if threshold is None else threshold
    withdrawn = 0
    pairs = pairs.filter(status=DuplicateStatus.OPEN).select_related("appeal__fingerprint", "original__fingerprint")
    for pair in pairs:
        try:
            a, b = pair.appeal.fingerprint.signature, pair.original.fingerprint.signature
        except AppealFingerprint.DoesNotExist:
            continue  # not fingerprinted yet: judged when it is
        similarity = text.signature_similarity(a, b)
        if similarity < threshold or different_places(pair.appeal, pair.original):
            pair.delete()
            withdrawn += 1
        elif round(similarity, 3) != pair.similarity:
            pair.similarity = round(similarity, 3)
            pair.save(update_fields=["similarity", "updated_at"])
    return withdrawn


def rebuild_fingerprints(*, batch_size: int = 500, stale_only: bool = False) -> dict[str, int]:
    """Fingerprint the appeals again, then withdraw the open pairs that no longer look alike and record
    the pairs that now do. Every appeal after a change to the code (`manage.py rebuild_fingerprints`);
    with `stale_only`, only those fingerprinted under another recipe than today's or not at all (after
    the office edits the lexicon or the district's places: `rebuild_fingerprints --stale`, nightly).
    Batches of `batch_size` appeals, one transaction each, so a killed run keeps what it finished."""
    from analytics.kinds import appeals_for_analysis

    lexicon.forget()  # the current lexicon and place names
    started = timezone.now()
    appeals = appeals_for_analysis()
    if stale_only:
        appeals = appeals.exclude(fingerprint__recipe=lexicon.fingerprint_recipe())
    ids = list(appeals.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for appeal in appeals_for_analysis().filter(pk__in=ids[start : start + batch_size]):
                fingerprint_appeal(appeal=appeal)
    if not ids:
        return {"fingerprinted": 0, "withdrawn": 0, "open_pairs": _open_pairs()}
    pairs, compared = DuplicateCandidate.objects.all(), appeals_for_analysis()
    if stale_only:  # only what this run fingerprinted (a subquery: the ids may be a million)
        renewed = AppealFingerprint.objects.filter(updated_at__gte=started).values("appeal_id")
        pairs = pairs.filter(Q(appeal_id__in=renewed) | Q(original_id__in=renewed))
        compared = compared.filter(pk__in=renewed)
    withdrawn = withdraw_stale_pairs(pairs)
    # An open appeal whose fingerprint changed is compared with every open appeal (both directions).
    for appeal in compared.filter(pk__in=intake_bridge.open_appeals().values("pk")).order_by("created_at", "pk"):
        record_duplicates(appeal=appeal)
    return {"fingerprinted": len(ids), "withdrawn": withdrawn, "open_pairs": _open_pairs()}


def _open_pairs() -> int:
    return DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).count()


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
    if different_places(pair.appeal, pair.original):
        raise Refused(_("两件诉求所在的镇街或社区不同，不是同一件事，不能合并办理，请分别办理。"))


def merge_offered(user, pair: DuplicateCandidate) -> bool:
    """合并办理 is offered only where `check_merge` would take it (a pair of two places, recorded before
    places were compared, is shown with 不是重复 only)."""
    return passes(check_merge, pair, actor=user, note="", data={})


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
