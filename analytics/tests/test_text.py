"""Pure text functions: segmentation with the user dictionary, keywords, highlighting, MinHash."""

import unicodedata
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import text


def test_user_dictionary_keeps_place_names_and_terms_whole():
    plain = text.tokenizer_for([])
    with_lexicon = text.tokenizer_for(["祥平街道", "委员工作室", "噪音扰民"])
    sentence = "祥平街道委员工作室收到噪音扰民的反映"
    assert "祥平街道" not in text.segment(sentence, plain)
    words = text.segment(sentence, with_lexicon)
    assert {"祥平街道", "委员工作室", "噪音扰民"} <= set(words)


def test_default_lexicon_is_read_from_the_data_folder():
    words = dict(text.default_lexicon())
    assert words["新民镇"] == "place"
    assert words["社情民意"] == "term"
    assert text.segment("报送社情民意信息") == ["报送", "社情民意信息"]


def test_segment_drops_punctuation_and_normalises_width_and_case():
    assert text.segment("ＡＢＣ，停车难！") == ["abc", "停车难"]


def test_search_tokens_include_the_parts_of_long_words():
    tok = text.tokenizer_for(["噪音扰民"])
    tokens = text.search_tokens("夜间噪音扰民", tok)
    assert {"噪音", "扰民", "噪音扰民"} <= set(tokens)


def test_content_words_skip_stopwords_codes_and_single_characters():
    words = text.content_words("尊敬的领导：我们小区3栋的电梯坏了，希望尽快解决")
    assert "电梯" in words and "小区" in words
    assert not {"尊敬", "领导", "希望", "解决", "的", "3"} & set(words)


def test_keywords_prefer_words_shared_by_the_group_and_rare_elsewhere():
    group = [["电梯", "故障", "小区"], ["电梯", "维修", "小区"], ["电梯", "停运"]]
    background = Counter({"小区": 50, "电梯": 3, "故障": 2, "维修": 2, "停运": 1})
    assert text.keywords(group, background, n_background=100, k=2)[0] == "电梯"


def test_snippet_marks_every_hit_and_keeps_the_text_around_it():
    parts = text.snippet("同安区祥平街道凤山路夜间施工噪音严重，施工方未办许可。", ["施工", "噪音"], width=200)
    assert "".join(p for p, _hit in parts) == "同安区祥平街道凤山路夜间施工噪音严重，施工方未办许可。"
    assert [p for p, hit in parts if hit] == ["施工", "噪音", "施工"]


def test_highlight_spans_prefer_the_longest_term():
    assert text.highlight_spans("噪音扰民", ["噪音", "噪音扰民"]) == [(0, 4)]


def test_minhash_estimates_similarity_of_near_duplicates_and_strangers():
    a = text.shingles("西柯镇丙洲社区垃圾中转站臭味严重，夏天居民无法开窗，请求搬迁中转站")
    b = text.shingles("丙洲社区的垃圾中转站臭味很大，夏天居民都不敢开窗，希望把中转站搬走")
    c = text.shingles("新民镇小学放学时段校门口交通拥堵，建议增设护学岗和临时停车位")
    sa, sb, sc = text.minhash(a), text.minhash(b), text.minhash(c)
    assert text.signature_similarity(sa, sb) >= 0.3
    assert text.signature_similarity(sa, sc) < 0.15
    assert abs(text.signature_similarity(sa, sb) - text.jaccard(a, b)) < 0.2


def test_minhash_is_stable_across_calls_and_lsh_bands_agree_for_equal_signatures():
    s1 = text.minhash({"电梯", "故障"})
    assert s1 == text.minhash({"故障", "电梯"})
    assert text.lsh_bands(s1) == text.lsh_bands(list(s1))
    assert len(text.lsh_bands(s1)) == text.LSH_BANDS


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),  # anything, combining marks and compatibility characters included
            st.sampled_from("，。！？：；（）　ＡＢｃ１２３Ａ\u0301ｶﾞ①㍿丽"),
        ),
        max_size=40,
    )
)
def test_fast_nfkc_equals_unicodedata(value):
    assert text.nfkc(value) == unicodedata.normalize("NFKC", value)


def test_fast_nfkc_maps_full_width_punctuation_letters_and_spaces():
    assert text.nfkc("电梯坏了，　ＡＢ１２！") == "电梯坏了, AB12!"
    assert text.nfkc("Ａ\u0301") == "Á"  # a mapped letter still composes with the mark after it


def _letter(place: str, matter: str) -> str:
    """The demo's letter (intake/demo.py): title, then one formula around the place and the matter."""
    formula = "已经持续一段时间，影响日常生活，希望有关部门尽快了解情况并解决。"
    return f"{place}{matter} （演示）我是{place}的居民，{matter}，{formula}"


def test_duplicate_shingles_leave_out_the_place_names_and_the_letter_formula():
    places = ("洪塘镇", "溪美村", "新民镇", "南安社区")
    canteen = text.shingles(_letter("洪塘镇溪美村", "村里缺少老年人食堂"), places=places)
    bus = text.shingles(_letter("洪塘镇溪美村", "村里公交班次太少"), places=places)
    assert not {"洪塘", "溪美", "美村", "居民", "持续", "日常", "生活", "部门", "解决", "情况"} & (canteen | bus)
    assert {"老年人", "食堂"} <= canteen and {"公交", "班次"} <= bus
    assert text.jaccard(canteen, bus) < 0.3  # 0.39 with the formula and the village counted
    # What is left is the matter: the same matter elsewhere is the same text (the place decides).
    assert text.shingles(_letter("新民镇南安社区", "村里缺少老年人食堂"), places=places) == canteen


def test_the_districts_towns_and_communities_are_no_shared_name():
    areas = ["新民镇", "顶厝社区"]
    assert text.entities("新民镇顶厝社区课后托管服务收费不透明", areas=areas) == []
    assert text.entities("新民镇凤栖花园油烟扰民", places=["新民镇"], areas=areas) == ["凤栖花园"]
