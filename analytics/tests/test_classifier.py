"""The routing classifier without the database: train, predict with confidence, round-trip, same vectors."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.class_weight import compute_class_weight

from analytics.classifier import RoutingModel, _class_weights, evaluate, head_of, prepare, train

TEXTS = [
    ("小区电梯经常故障停运，老人上下楼困难", "elevator", "1", "office"),
    ("电梯困人半小时，物业维修不及时", "elevator", "1", "office"),
    ("老旧小区加装电梯补贴申请进度", "elevator", "1", "office"),
    ("电梯年检过期仍在运行，存在安全隐患", "elevator", "1", "office"),
    ("学校门口放学时段交通拥堵严重", "school", "2", "workstation:1"),
    ("孩子入学学位紧张，希望增加学位", "school", "2", "workstation:1"),
    ("校外培训机构违规收费退费难", "school", "2", "workstation:1"),
    ("小学课后服务时间太短家长接送难", "school", "2", "workstation:1"),
    ("夜间工地施工噪音扰民影响休息", "noise", "3", "duty_group:4"),
    ("烧烤店油烟噪音扰民到凌晨", "noise", "3", "duty_group:4"),
    ("广场舞音响声音太大影响居民", "noise", "3", "duty_group:4"),
    ("装修噪音周末早上七点就开始", "noise", "3", "duty_group:4"),
]


def _model() -> RoutingModel:
    return train(
        [t for t, *_ in TEXTS],
        {
            "category": [c for _t, c, _d, _h in TEXTS],
            "department": [d for _t, _c, d, _h in TEXTS],
            "handler": [h for *_x, h in TEXTS],
        },
    )


def test_predicts_each_head_with_a_confidence():
    prediction = _model().predict_one("我家小区的电梯又坏了，困了人")
    assert prediction["category"].label == "elevator"
    assert prediction["department"].label == "1"
    assert prediction["handler"].label == "office"
    assert 1 / 3 < prediction["category"].confidence <= 1


def test_round_trips_through_bytes():
    model = _model()
    again = RoutingModel.loads(model.dumps())
    text = "工地夜里施工太吵"
    assert again.predict_one(text)["category"] == model.predict_one(text)["category"]


def test_evaluate_reports_macro_f1_and_accuracy_per_head():
    model = _model()
    metrics = evaluate(model, ["电梯坏了", "学位不够"], {"category": ["elevator", "school"]})
    assert metrics["category"] == {"macro_f1": 1.0, "accuracy": 1.0, "n": 2}


def test_a_head_with_one_label_predicts_it_with_full_confidence():
    model = train(["甲乙", "丙丁"], {"category": ["a", "b"], "handler": ["office", "office"]})
    assert model.predict_one("甲")["handler"].label == "office"
    assert model.predict_one("甲")["handler"].confidence == 1.0


def test_fast_transform_gives_scikit_learn_tfidf_vectors():
    model = _model()
    prepared = [prepare(t) for t, *_ in TEXTS]
    reference = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, lowercase=False).fit(prepared)
    ours = model.features.transform([t for t, *_ in TEXTS]).toarray()[:, : model.features.n_whole]
    assert np.allclose(ours, reference.transform(prepared).toarray(), atol=1e-6)


def test_head_is_the_title_up_to_punctuation_or_the_opening_of_the_letter():
    assert head_of("小区电梯经常故障，老人上下楼困难") == "小区电梯经常故障"
    assert head_of("学校门口交通拥堵尊敬的领导您好我是家长") == "学校门口交通拥堵"
    assert head_of("烧烤店油烟扰民我们是附近的居民") == "烧烤店油烟扰民"
    assert head_of("您好，工地夜里施工") == "您好，工"  # never shorter than four characters
    assert head_of("噪" * 100) == "噪" * 60


def test_fast_transform_gives_scikit_learn_vectors_for_the_head_too():
    model = _model()
    prepared = [head_of(prepare(t)) for t, *_ in TEXTS]
    reference = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, lowercase=False).fit(prepared)
    ours = model.features.transform([t for t, *_ in TEXTS]).toarray()[:, model.features.n_whole :]
    assert np.allclose(ours, 0.5 * reference.transform(prepared).toarray(), atol=1e-6)


def test_a_model_stored_before_the_title_rule_keeps_its_fixed_head():
    model = train([t for t, *_ in TEXTS], {"category": [c for _t, c, _d, _h in TEXTS]}, cut_title=False)
    old = RoutingModel.loads(model.dumps())
    del old.features.cut_title  # what unpickling a model saved by the previous version gives
    text = "电梯坏了，困了人" * 10
    assert np.allclose(old.features.transform([text]).toarray(), model.features.transform([text]).toarray())
    assert old.features.head(prepare(text)) == prepare(text)[:60]


def test_class_weights_are_the_balanced_ones_raised_to_a_power():
    y = np.array(["a"] * 8 + ["b"] * 2)
    balanced = compute_class_weight("balanced", classes=np.array(["a", "b"]), y=y)
    assert _class_weights(y, 1.0) == pytest.approx(dict(zip("ab", balanced, strict=True)))
    assert _class_weights(y, 1.5) == pytest.approx(dict(zip("ab", balanced**1.5, strict=True)))
    assert _class_weights(y, 1.5)["b"] / _class_weights(y, 1.5)["a"] > balanced[1] / balanced[0]


def test_a_long_list_is_transformed_in_chunks_with_the_same_rows(monkeypatch):
    from analytics import classifier

    model = _model()
    texts = [t for t, *_ in TEXTS]
    whole = model.features.transform(texts).toarray()
    monkeypatch.setattr(classifier, "_MAX_ROWS", 2)
    assert np.allclose(model.features.transform(texts).toarray(), whole)


def test_loading_the_urls_does_not_import_scikit_learn():
    """Every server process loads the URLs on its first request; scikit-learn, SciPy and joblib
    (seconds to import) come in only when something is classified or clustered."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, django; django.setup(); from django.urls import get_resolver; get_resolver().url_patterns; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'joblib'}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
