"""Near-duplicates: found among open appeals on arrival, shown to staff, merged into one case."""

import pytest

from analytics.models import DuplicateCandidate, DuplicateStatus
from analytics.services import duplicates
from analytics.tests.factories import AppealFactory
from core.exceptions import ActionForbidden, Refused, TransitionNotAllowed
from core.workflow import perform

pytestmark = pytest.mark.django_db

FIRST = ("丙洲社区垃圾中转站臭味严重", "西柯镇丙洲社区的垃圾中转站臭味严重，夏天居民无法开窗，请求搬迁中转站。")
SAME_MATTER = ("丙洲社区垃圾中转站太臭了", "丙洲社区垃圾中转站臭味很大，夏天居民都不敢开窗，希望把中转站搬走。")
OTHER = ("新民镇小学门口交通拥堵", "新民镇小学放学时段校门口交通拥堵，建议增设护学岗和临时停车位。")


def _appeal(pair, **extra):
    """An appeal with its fingerprint, as analyse_appeal stores it after commit."""
    appeal = AppealFactory(title=pair[0], body=pair[1], **extra)
    duplicates.fingerprint_appeal(appeal=appeal)
    return appeal


def test_a_same_matter_in_other_words_is_found_and_recorded(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _appeal(FIRST)
        _appeal(OTHER)
        second = _appeal(SAME_MATTER)
    pair = DuplicateCandidate.objects.get()
    assert (pair.appeal, pair.original, pair.status) == (second, first, DuplicateStatus.OPEN)
    assert pair.similarity >= duplicates.DUPLICATE_THRESHOLD


def test_closed_appeals_are_not_duplicate_candidates(cast):
    _appeal(FIRST, status="closed")
    new = _appeal(SAME_MATTER)
    assert duplicates.record_duplicates(appeal=new) == []


def test_lookup_uses_the_band_index_not_every_appeal(cast, django_assert_max_num_queries):
    for i in range(30):
        _appeal((f"道路{i}号路灯不亮", f"第{i}条道路的路灯坏了很久，晚上很黑。"))
    first = _appeal(FIRST)
    duplicates.fingerprint_appeal(appeal=first)
    new = _appeal(SAME_MATTER)
    duplicates.fingerprint_appeal(appeal=new)
    threshold = duplicates.duplicate_threshold()  # one configuration read, outside the lookup's cost
    with django_assert_max_num_queries(4):
        found = duplicates.similar_open_appeals(appeal=new, threshold=threshold)
    assert [a for a, _s in found] == [first]


def test_merging_makes_one_case_and_each_keeps_its_tracking_code(cast):
    first, second = _appeal(FIRST), _appeal(SAME_MATTER)
    [pair] = duplicates.record_duplicates(appeal=second)
    duplicates.merge_duplicate(pair=pair, actor=cast.clerk, note="同一事项")
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    assert duplicates.case_of(second) == first
    assert duplicates.case_of(first) == first
    second.refresh_from_db()
    assert second.tracking_code != first.tracking_code and second.tracking_code
    # Intake records the merge in its own workflow too (Appeal.merged_into, status "merged").
    assert pair.merged_in_intake and second.merged_into == first and second.status == "merged"
    # A merged appeal is no longer open: a third report of the matter pairs with the main case only.
    third = _appeal(("丙洲垃圾中转站臭味", "丙洲社区垃圾中转站臭味严重，居民夏天不敢开窗，请搬迁中转站。"))
    assert {p.original for p in duplicates.record_duplicates(appeal=third)} == {first}


def test_merge_is_refused_once_the_main_case_is_closed(cast):
    first, second = _appeal(FIRST), _appeal(SAME_MATTER)
    [pair] = duplicates.record_duplicates(appeal=second)
    first.status = "closed"
    first.save()
    with pytest.raises(Refused):
        duplicates.merge_duplicate(pair=pair, actor=cast.clerk)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_staff_may_dismiss_a_pair_and_only_the_office_merges(cast):
    [pair] = duplicates.record_duplicates(appeal=(_appeal(FIRST), _appeal(SAME_MATTER))[1])
    with pytest.raises(ActionForbidden):
        duplicates.merge_duplicate(pair=pair, actor=cast.member)
    perform(pair, "dismiss", actor=cast.clerk)
    with pytest.raises(TransitionNotAllowed):
        duplicates.merge_duplicate(pair=pair, actor=cast.clerk)


def test_the_duplicate_threshold_is_district_configuration(cast):
    from constance.test import override_config

    first = _appeal(FIRST)
    new = _appeal(SAME_MATTER)
    with override_config(ANALYTICS_DUPLICATE_MIN_SIMILARITY=0.99):
        assert duplicates.similar_open_appeals(appeal=new) == []
    assert [a for a, _s in duplicates.similar_open_appeals(appeal=new)] == [first]
