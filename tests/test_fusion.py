"""Fused detectors: log-odds of out-of-fold member scores into a logistic regression."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from skdeepfake.cli import main
from skdeepfake.fusion import LogOdds, make_fused_detector
from skdeepfake.persistence import load_model, save_model

from .conftest import write_audio


@pytest.fixture(scope="module")
def data(speech):
    return speech.data[:80], speech.target[:80]


@pytest.fixture(scope="module")
def fused(data):
    return make_fused_detector(random_state=0).fit(*data)


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def test_the_fused_score_is_an_affine_function_of_the_members_log_odds(fused, data):
    X, _ = data
    assert [name for name, _ in fused.steps] == ["loader", "features", "model"]
    stack = fused.named_steps["model"]
    features = fused[:-1].transform(X[:10])
    members = np.column_stack([m.predict_proba(features)[:, 1] for m in stack.estimators_])
    fusion = stack.final_estimator_.named_steps["fusion"]
    llr = _logit(members) @ fusion.coef_.ravel() + fusion.intercept_[0]
    np.testing.assert_allclose(_logit(fused.predict_proba(X[:10])[:, 1]), llr, rtol=1e-6, atol=1e-6)
    assert fusion.class_weight == "balanced"  # equal class weights: the log-odds is an LLR


def test_the_fusion_learns_from_out_of_fold_scores_only(fused, data):
    X, y = data
    features = fused[:-1].transform(X)
    folds = StratifiedKFold(5)  # what StackingClassifier(cv=5) uses for a classifier
    stack = fused.named_steps["model"]
    oof = np.column_stack(
        [
            cross_val_predict(clone(member), features, y, cv=folds, method="predict_proba")[:, 1]
            for _, member in stack.estimators
        ]
    )
    by_hand = LogisticRegression(class_weight="balanced", random_state=0).fit(_logit(oof), y)
    fusion = stack.final_estimator_.named_steps["fusion"]
    np.testing.assert_allclose(fusion.coef_, by_hand.coef_, rtol=1e-5)
    np.testing.assert_allclose(fusion.intercept_, by_hand.intercept_, rtol=1e-5, atol=1e-8)


def test_a_fused_detector_saves_and_loads_with_the_same_scores(fused, data, tmp_path):
    path = tmp_path / "fused.skdf"
    save_model(fused, path)
    np.testing.assert_array_equal(
        load_model(path).predict_proba(data[0][:6]), fused.predict_proba(data[0][:6])
    )


@pytest.mark.parametrize(
    "models, message",
    [
        (["linear", "gmm"], "gmm take frames"),
        (["linear"], "two different models"),
        (["linear", "linear"], "named more than once"),
        (["linear", "svm"], "unknown 'svm'"),
    ],
)
def test_what_cannot_be_fused_is_named(models, message):
    with pytest.raises(ValueError, match=message):
        make_fused_detector(models)


def test_log_odds_clips_certain_verdicts():
    out = LogOdds(eps=1e-3).fit_transform(np.array([[0.0, 0.5, 1.0]]))
    np.testing.assert_allclose(out, [[np.log(1e-3 / (1 - 1e-3)), 0.0, np.log((1 - 1e-3) / 1e-3)]])
    assert LogOdds().fit(np.ones((2, 3))).get_feature_names_out().tolist() == ["x0", "x1", "x2"]


def test_cli_trains_a_fused_detector(speech, tmp_path, capsys):
    root = tmp_path / "corpus"
    for i in range(24):
        write_audio(root / speech.target_names[speech.target[i]] / f"c{i:02d}.wav", speech.data[i])
    model = tmp_path / "fused.skdf"
    assert main(["train", "--data", str(root), "--fuse", "linear,xgb", "--out", str(model)]) == 0
    assert "Training fused linear+xgb" in capsys.readouterr().out
    stack = load_model(model).named_steps["model"]
    assert [name for name, _ in stack.estimators] == ["linear", "xgb"]
    assert main(["predict", "--model", str(model), str(root / "fake")]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 12
