"""One rule for the spoofed class, used by every part that reads P(fake)."""

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold, cross_val_score

from skdeepfake.labels import spoof_column, spoof_label, spoof_scores
from skdeepfake.metrics import (
    eer_scorer,
    equal_error_rate,
    make_cllr_scorer,
    make_eer_scorer,
    make_min_dcf_scorer,
    min_dcf,
)
from skdeepfake.pipelines import make_xgb_pipeline

SPELLINGS = [
    (0, 1),
    ("real", "fake"),
    ("Real", "Fake"),
    ("bonafide", "spoof"),
    ("bona-fide", "spoof"),
    ("bona fide", "spoofed"),
    ("genuine", "spoof"),
]


@pytest.fixture(scope="module")
def data(speech):
    return speech.data[:60], speech.target[:60]


@pytest.mark.parametrize("bona_fide, spoofed", SPELLINGS)
def test_every_supported_spelling_gives_the_same_p_fake(data, bona_fide, spoofed):
    X, y01 = data
    reference = make_xgb_pipeline(n_estimators=20, random_state=0).fit(X, y01)
    expected = reference.predict_proba(X)[:, 1]
    y = np.where(y01 == 1, spoofed, bona_fide)
    model = make_xgb_pipeline(n_estimators=20, random_state=0).fit(X, y)
    p_fake, label = spoof_scores(model, X)
    assert label == spoofed
    np.testing.assert_allclose(p_fake, expected, atol=1e-6)  # XGBoost computes in float32
    assert spoof_column(model.classes_) == list(model.classes_).index(spoofed)


@pytest.mark.parametrize("labels", [("human", "deepfake"), ("a", "b"), (0, 2), (True, False)])
def test_other_pairs_are_refused_with_the_labels_named(labels):
    with pytest.raises(ValueError, match=r"Cannot tell which of the labels .* is the spoofed class.*0/1"):
        spoof_label(list(labels))
    assert spoof_label(list(labels), pos_label=labels[1]) == labels[1]


def test_spoof_label_needs_two_classes():
    with pytest.raises(ValueError, match="got 3 label"):
        spoof_label([0, 1, 2])
    with pytest.raises(ValueError, match="pos_label='x' is not among"):
        spoof_label(["real", "fake"], pos_label="x")


def test_scorers_work_with_asvspoof_labels_and_take_pos_label_and_costs(data):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y01 = (X[:, 0] + 0.5 * rng.normal(size=80) > 0).astype(int)
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    base = cross_val_score(LogisticRegression(), X, y01, cv=cv, scoring=eer_scorer)
    asv = cross_val_score(
        LogisticRegression(), X, np.where(y01, "spoof", "bonafide"), cv=cv, scoring=eer_scorer
    )
    assert np.isfinite(asv).all()
    np.testing.assert_allclose(asv, base)
    custom = np.where(y01, "deepfake", "human")
    with pytest.raises(ValueError, match="Cannot tell which"):
        cross_val_score(LogisticRegression(), X, custom, cv=cv, scoring=eer_scorer, error_score="raise")
    declared = cross_val_score(
        LogisticRegression(), X, custom, cv=cv, scoring=make_eer_scorer(pos_label="deepfake")
    )
    np.testing.assert_allclose(declared, base)
    # minDCF with other costs is another number than with the default costs.
    clf = LogisticRegression().fit(X, y01)
    p = clf.predict_proba(X)[:, 1]
    assert make_min_dcf_scorer(p_spoof=0.5, c_fa=1.0)(clf, X, y01) == pytest.approx(
        -min_dcf(y01, p, p_spoof=0.5, c_fa=1.0)
    )
    assert make_min_dcf_scorer(p_spoof=0.5, c_fa=1.0)(clf, X, y01) != make_min_dcf_scorer()(clf, X, y01)
    assert make_cllr_scorer()(clf, X, y01) < 0
    assert make_eer_scorer()(clf, X, y01) == pytest.approx(-equal_error_rate(y01, p)[0])


def test_windowed_classifier_refuses_unknown_labels_at_fit(speech):
    X, y = speech.data[:8], np.where(speech.target[:8] == 1, "deepfake", "human")
    clf = make_xgb_pipeline(n_estimators=5, whole_recording=True)
    with pytest.raises(ValueError, match="Cannot tell which of the labels"):
        clf.fit(X, y)


def test_windowed_p_fake_follows_the_rule_for_capitalised_labels(speech):
    X, y01 = speech.data[:30], speech.target[:30]
    y = np.where(y01 == 1, "Fake", "Real")
    clf = make_xgb_pipeline(n_estimators=10, random_state=0, whole_recording=True).fit(X, y)
    windows = clf.predict_windows(X)
    p_fake = clf.predict_proba(X)[:, spoof_column(clf.classes_)]
    # The spoofed class is "Fake", column 0 of ["Fake", "Real"]: P(fake) is high for fakes.
    assert p_fake[y01 == 1].mean() > p_fake[y01 == 0].mean()
    np.testing.assert_allclose(windows.groupby("recording")["p_fake"].mean(), p_fake)


def test_save_model_refuses_labels_without_a_spoofed_class(speech, tmp_path):
    from skdeepfake.persistence import ModelFileError, save_model

    X, y = speech.data[:20], np.where(speech.target[:20] == 1, "deepfake", "human")
    model = make_xgb_pipeline(n_estimators=5).fit(X, y)
    with pytest.raises(ModelFileError, match="Cannot tell which of the labels"):
        save_model(model, tmp_path / "m.skdf")


def test_fitting_on_labels_that_put_fake_first_warns_once_naming_the_column(speech):
    import warnings

    from skdeepfake.labels import LabelOrderWarning, spoof_scores
    from skdeepfake.pipelines import make_linear_pipeline

    X, y = speech.data[:20], speech.target[:20]
    with pytest.warns(
        LabelOrderWarning, match=r"classes_ will be \['fake', 'real'\]: column 0 .*spoof_scores"
    ):
        named = make_linear_pipeline().fit(X, np.where(y == 1, "fake", "real"))
    assert named.classes_.tolist() == ["fake", "real"]
    numeric = make_linear_pipeline().fit(X, y)
    np.testing.assert_allclose(spoof_scores(named, X)[0], spoof_scores(numeric, X)[0], rtol=1e-3, atol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LabelOrderWarning)
        make_linear_pipeline().fit(X, y)  # 0/1: column 1 is P(fake)
        make_linear_pipeline().fit(X, np.where(y == 1, "spoof", "bonafide"))  # "spoof" sorts second
