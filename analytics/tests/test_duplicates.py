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


# The demo's letters (intake/demo.py): one formula around the place and the matter. The formula and
# the place name used to carry the similarity (80–95 % between different matters or different towns).
def _letter(place: str, matter: str) -> tuple[str, str]:
    body = f"（演示）我是{place}的居民，{matter}，已经持续一段时间，影响日常生活，希望有关部门尽快了解情况并解决。"
    return f"{place}{matter}", body


@pytest.fixture
def district(db):
    """The demo's places: one community name (南安社区) in two towns, as in the demo district."""
    from district.tests.factories import CommitteeFactory, CommunityFactory, TownFactory

    CommitteeFactory(district_name="同安区")
    towns = {name: TownFactory(name=name) for name in ("洪塘镇", "新民镇", "祥平街道", "莲花镇", "汀溪镇")}
    places = {
        ("洪塘镇", "溪美村"): None,
        ("新民镇", "南安社区"): None,
        ("祥平街道", "南安社区"): None,
        ("莲花镇", "后埔社区"): None,
        ("汀溪镇", "后埔村"): None,
    }
    for town, community in places:
        places[town, community] = CommunityFactory(town=towns[town], name=community)
    return places


def _in(district, town: str, community: str, matter: str, **extra):
    return _appeal(
        _letter(f"{town}{community}", matter),
        town=district[town, community].town,
        community=district[town, community],
        **extra,
    )


def test_different_matters_of_one_village_are_not_duplicates(cast, district):
    threshold = duplicates.duplicate_threshold()
    bus = _in(district, "洪塘镇", "溪美村", "村里公交班次太少")
    others = [
        _in(district, "洪塘镇", "溪美村", matter)
        for matter in ("村里缺少老年人食堂", "村文化活动中心长期闲置", "居家养老服务上门次数少")
    ]
    # Every candidate the band index offers scores below the district's cut (was 80–86 %).
    scored = duplicates.similar_open_appeals(appeal=bus, threshold=0.0)
    assert all(similarity < threshold for _a, similarity in scored), scored
    for appeal in [bus, *others]:
        assert duplicates.record_duplicates(appeal=appeal) == []
    assert not DuplicateCandidate.objects.exists()


def test_the_same_matter_in_two_towns_is_not_proposed_as_one_case(cast, district):
    first = _in(district, "新民镇", "南安社区", "返乡青年就业培训信息不畅")
    second = _in(district, "祥平街道", "南安社区", "返乡青年就业培训信息不畅")
    third = _in(district, "莲花镇", "后埔社区", "溪流有养殖污水排入")
    fourth = _in(district, "汀溪镇", "后埔村", "溪流有养殖污水排入")
    assert duplicates.record_duplicates(appeal=second) == []
    assert duplicates.record_duplicates(appeal=fourth) == []
    assert duplicates.different_places(first, second) and duplicates.different_places(third, fourth)
    # Without a recorded town, the places the letters name decide.
    unplaced = _appeal(_letter("祥平街道南安社区", "返乡青年就业培训信息不畅"))
    assert duplicates.different_places(first, unplaced)
    assert {p.original for p in duplicates.record_duplicates(appeal=unplaced)} == {second}


def test_a_reworded_letter_about_the_same_matter_and_place_is_still_found(cast, district):
    first = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    _in(district, "洪塘镇", "溪美村", "村里公交班次太少")
    place = district["洪塘镇", "溪美村"]
    again = _appeal(
        ("溪美村没有老年人食堂", "洪塘镇溪美村老人吃饭不方便，村里一直缺少老年人食堂，希望尽快办一个长者食堂。"),
        town=place.town,
        community=place,
    )
    [pair] = duplicates.record_duplicates(appeal=again)
    assert (pair.appeal, pair.original) == (again, first)
    assert pair.similarity >= duplicates.duplicate_threshold()
    # The place need not be recorded: the text names the same village.
    unplaced = _appeal(("溪美村缺少老年人食堂", "我是溪美村的村民，村里缺少老年人食堂，老人吃饭不方便。"))
    assert first in {p.original for p in duplicates.record_duplicates(appeal=unplaced)}


def test_a_pair_of_different_places_cannot_be_merged(cast, district):
    first = _in(district, "新民镇", "南安社区", "返乡青年就业培训信息不畅")
    second = _in(district, "祥平街道", "南安社区", "返乡青年就业培训信息不畅")
    pair = DuplicateCandidate.objects.create(appeal=second, original=first, similarity=0.95)  # recorded before
    with pytest.raises(Refused) as err:
        duplicates.merge_duplicate(pair=pair, actor=cast.clerk)
    assert "镇街或社区不同" in str(err.value.message)
    second.refresh_from_db()
    assert second.status != "merged"
    # Not offered either: the clerk sees 不是重复 only.
    from core.workflow import workflow_for

    offered = [a.name for a in workflow_for(pair).available(pair, cast.clerk)]
    assert "merge" not in offered and "dismiss" in offered


def test_rebuilding_fingerprints_withdraws_stale_pairs_and_keeps_decisions(cast, district):
    from django.core.management import call_command

    canteen = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    bus = _in(district, "洪塘镇", "溪美村", "村里公交班次太少")
    hall = _in(district, "洪塘镇", "溪美村", "村文化活动中心长期闲置")
    canteen_again = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    # Pairs the old fingerprint recorded: two still to judge, one the office already dismissed.
    stale = DuplicateCandidate.objects.create(appeal=bus, original=canteen, similarity=0.86)
    dismissed = DuplicateCandidate.objects.create(
        appeal=hall, original=bus, similarity=0.8, status=DuplicateStatus.DISMISSED
    )
    call_command("rebuild_fingerprints")
    assert not DuplicateCandidate.objects.filter(pk=stale.pk).exists()
    assert DuplicateCandidate.objects.filter(pk=dismissed.pk, status=DuplicateStatus.DISMISSED).exists()
    assert list(DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).values_list("appeal", "original")) == [
        (canteen_again.pk, canteen.pk)
    ]


def test_a_fingerprint_keeps_its_recipe_and_a_new_place_makes_it_stale(cast, district):
    from analytics import lexicon
    from analytics.models import AppealFingerprint
    from district.tests.factories import CommunityFactory

    canteen = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    bus = _in(district, "洪塘镇", "溪美村", "村里公交班次太少")
    before = lexicon.fingerprint_recipe()
    assert set(AppealFingerprint.objects.values_list("recipe", flat=True)) == {before}
    assert duplicates.rebuild_fingerprints(stale_only=True)["fingerprinted"] == 0

    # The office adds a village: its name is a place from now on, not part of any appeal's matter.
    CommunityFactory(town=canteen.town, name="大同村")
    lexicon.forget()
    after = lexicon.fingerprint_recipe()
    assert after != before
    assert duplicates.rebuild_fingerprints(stale_only=True)["fingerprinted"] == 2
    assert set(AppealFingerprint.objects.filter(appeal__in=[canteen, bus]).values_list("recipe", flat=True)) == {after}
    assert duplicates.rebuild_fingerprints(stale_only=True)["fingerprinted"] == 0


def test_the_nightly_run_renews_only_stale_fingerprints_and_their_pairs(cast, district):
    from django.core.management import call_command

    from analytics.models import AppealFingerprint

    canteen = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    bus = _in(district, "洪塘镇", "溪美村", "村里公交班次太少")
    hall = _in(district, "洪塘镇", "溪美村", "村文化活动中心长期闲置")
    canteen_again = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    # canteen and bus were fingerprinted under an older recipe, which paired them; the pair of hall
    # and bus is the office's own business: neither of them is stale.
    AppealFingerprint.objects.filter(appeal__in=[canteen, bus]).update(recipe="0ld")
    stale = DuplicateCandidate.objects.create(appeal=bus, original=canteen, similarity=0.86)
    current = DuplicateCandidate.objects.create(appeal=hall, original=canteen_again, similarity=0.5)

    call_command("rebuild_fingerprints", "--stale")

    assert not DuplicateCandidate.objects.filter(pk=stale.pk).exists()
    assert DuplicateCandidate.objects.filter(pk=current.pk, status=DuplicateStatus.OPEN).exists()
    found = DuplicateCandidate.objects.filter(appeal=canteen_again, original=canteen, status=DuplicateStatus.OPEN)
    assert found.exists()
    assert "0ld" not in AppealFingerprint.objects.values_list("recipe", flat=True)


def test_an_appeal_never_fingerprinted_is_stale(cast, district):
    from analytics.models import AppealFingerprint

    canteen = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    AppealFingerprint.objects.filter(appeal=canteen).delete()
    assert duplicates.rebuild_fingerprints(stale_only=True)["fingerprinted"] == 1
    assert AppealFingerprint.objects.filter(appeal=canteen).exists()


def test_the_office_edits_the_lexicon_in_the_admin_and_fingerprints_know_it(
    client, cast, district, django_capture_on_commit_callbacks
):
    """The lexicon had no admin page (docs/analytics.md said the office edits it there): an entry added
    in the admin is used from the next text on, and stored fingerprints become stale."""
    from analytics import lexicon
    from analytics.models import LexiconEntry

    canteen = _in(district, "洪塘镇", "溪美村", "村里缺少老年人食堂")
    before = lexicon.fingerprint_recipe()
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        entry = {"word": " 老年人食堂 ", "kind": "term", "is_active": "on", "note": ""}
        response = client.post("/admin/analytics/lexiconentry/add/", entry)
    assert response.status_code == 302, response.content.decode()[:300]
    assert LexiconEntry.objects.get().word == "老年人食堂"
    assert "老年人食堂" in lexicon.lexicon_words() and lexicon.fingerprint_recipe() != before
    assert duplicates.rebuild_fingerprints(stale_only=True)["fingerprinted"] == 1
    canteen.fingerprint.refresh_from_db()
    assert canteen.fingerprint.recipe == lexicon.fingerprint_recipe()
