import hashlib

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline

from skdeepfake import HandcraftedFeatures
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.models import XGBoostClassifier
from skdeepfake.pipelines import make_dnn_pipeline, make_xgb_pipeline
from skdeepfake.windows import WindowedClassifier, window_bounds

from .conftest import write_audio

SR = 16000


class WindowSpy(ClassifierMixin, BaseEstimator):
    """Remembers the windows and weights it was fitted on; scores = mean sample."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.seen_ = {hashlib.sha1(np.ascontiguousarray(w).tobytes()).hexdigest() for w in X}
        self.n_seen_ = len(X)
        self.sample_weight_ = sample_weight
        return self

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-np.asarray(X).mean(axis=1)))
        return np.column_stack([1 - p, p])


def ramp_recordings(lengths):
    """Recordings whose samples encode (recording, position), so windows are unique."""
    return [np.float32(i + 1) + np.arange(n, dtype=np.float32) / 1e6 for i, n in enumerate(lengths)]


def test_windows_times_and_padding():
    X = ramp_recordings([5 * SR, SR // 2])
    clf = WindowedClassifier(WindowSpy(), window=2.0, hop=1.0).fit(X, [0, 1])
    windows = clf.predict_windows(X)
    first = windows[windows.recording == 0]
    assert first[["start", "end"]].to_numpy().tolist() == [[0, 2], [1, 3], [2, 4], [3, 5]]
    short = windows[windows.recording == 1]
    assert short[["start", "end"]].to_numpy().tolist() == [[0.0, 0.5]]
    assert clf.n_windows_ == 5


@pytest.mark.parametrize("aggregate", ["mean", "max", "median", lambda s: np.percentile(s, 90)])
def test_every_aggregation(aggregate):
    X = ramp_recordings([6 * SR, 3 * SR])
    X[0][: 2 * SR] -= 10  # one very different window
    clf = WindowedClassifier(WindowSpy(), window=2.0, hop=2.0, aggregate=aggregate).fit(X, [0, 1])
    windows = clf.predict_windows(X)
    fn = {"mean": np.mean, "max": np.max, "median": np.median}.get(aggregate, aggregate)
    expected = [fn(windows.p_fake[windows.recording == i]) for i in (0, 1)]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expected)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_recordings_weigh_the_same_unless_asked():
    X = ramp_recordings([6 * SR, 2 * SR, 2 * SR])  # 5 windows, 1, 1
    clf = WindowedClassifier(WindowSpy(), window=2.0, hop=1.0).fit(X, [0, 1, 1])
    w = clf.estimator_.sample_weight_
    assert len(w) == 7
    # each recording's windows sum to the same total
    assert w[:5].sum() == pytest.approx(w[5]) == pytest.approx(w[6])
    plain = WindowedClassifier(WindowSpy(), window=2.0, hop=1.0, weighting="window").fit(X, [0, 1, 1])
    assert plain.estimator_.sample_weight_ is None


def test_max_windows_per_recording():
    X = ramp_recordings([20 * SR, 3 * SR])
    clf = WindowedClassifier(
        WindowSpy(), window=2.0, hop=1.0, max_windows_per_recording=3, random_state=0
    ).fit(X, [0, 1])
    assert clf.n_windows_ == 3 + 2
    assert len(clf.predict_windows(X[:1])) == 19  # prediction uses every window


def test_cross_validation_never_leaks_audio_between_folds():
    X = ramp_recordings([int(SR * n) for n in np.linspace(1, 6, 12)])
    y = np.arange(12) % 2
    res = cross_validate(
        WindowedClassifier(WindowSpy(), window=1.0, hop=0.5),
        X,
        y,
        cv=3,
        return_estimator=True,
        return_indices=True,
        scoring="accuracy",
    )
    for est, test in zip(res["estimator"], res["indices"]["test"]):
        probe = WindowedClassifier(WindowSpy(), window=1.0, hop=0.5).fit([X[i] for i in test], y[test])
        assert not (est.estimator_.seen_ & probe.estimator_.seen_)
        assert est.estimator_.seen_  # and the fold did train on something


def test_one_window_per_clip_equals_the_fixed_length_pipeline(speech):
    X, y = speech.data[:60], speech.target[:60]
    study = {"features": "handcrafted", "n_estimators": 20, "random_state": 0}  # the study's XGBoost
    fixed = make_xgb_pipeline(whole_recording=False, **study).fit(X, y)
    windowed = make_xgb_pipeline(whole_recording=True, **study).fit(X, y)
    assert isinstance(windowed, WindowedClassifier)
    assert windowed.n_windows_ == 60
    np.testing.assert_allclose(windowed.predict_proba(X), fixed.predict_proba(X), rtol=1e-6)
    by_hand = WindowedClassifier(
        Pipeline(
            [
                ("features", HandcraftedFeatures()),
                ("model", XGBoostClassifier(n_estimators=20, random_state=0)),
            ]
        ),
        window=2.0,
        hop=0.5,
    ).fit(X, y)
    np.testing.assert_allclose(by_hand.predict_proba(X), fixed.predict_proba(X), rtol=1e-6)


def test_keras_model_one_window_equivalence(speech):
    X, y = speech.data[:40], speech.target[:40]
    fixed = make_dnn_pipeline(epochs=3, random_state=0).fit(X, y)
    windowed = make_dnn_pipeline(epochs=3, random_state=0, whole_recording=True, hop=2.0).fit(X, y)
    np.testing.assert_allclose(windowed.predict_proba(X), fixed.predict_proba(X), rtol=1e-5)


def test_is_a_real_classifier_and_tunes_inner_parameters():
    data = make_synthetic_speech(n_samples=24, duration=(1.0, 4.0), random_state=0)
    clf = make_xgb_pipeline(whole_recording=True, n_estimators=10, random_state=0)
    assert is_classifier(clf)
    assert clone(clf).get_params()["estimator__model__n_estimators"] == 10
    grid = GridSearchCV(clf, {"estimator__model__max_depth": [1, 3]}, cv=2, scoring="roc_auc")
    grid.fit(data.data, data.target)
    assert grid.best_params_["estimator__model__max_depth"] in (1, 3)
    assert grid.predict(data.data[:3]).shape == (3,)


def test_file_paths_and_string_labels(tmp_path):
    data = make_synthetic_speech(n_samples=8, duration=(0.5, 5.0), random_state=1)
    paths = [write_audio(tmp_path / f"{i}.wav", clip, subtype="FLOAT") for i, clip in enumerate(data.data)]
    labels = data.target_names[data.target]
    clf = make_xgb_pipeline(whole_recording=True, n_estimators=5, random_state=0).fit(paths, labels)
    assert clf.classes_.tolist() == ["fake", "real"]
    proba = clf.predict_proba(paths)
    np.testing.assert_allclose(proba, clf.predict_proba(list(data.data)), rtol=1e-5)
    windows = clf.predict_windows(paths[:1])
    assert windows["p_fake"].mean() == pytest.approx(proba[0, 0])  # column 0 is "fake"


def test_bad_arguments():
    X = ramp_recordings([SR, SR])
    with pytest.raises(ValueError, match="'aggregate' parameter"):
        WindowedClassifier(WindowSpy(), aggregate="mode").fit(X, [0, 1])
    with pytest.raises(ValueError, match="X has 2 clips, y has 3 labels"):
        WindowedClassifier(WindowSpy()).fit(X, [0, 1, 1])

    class NoWeights(WindowSpy):
        def fit(self, X, y):
            return super().fit(X, y)

    uneven = ramp_recordings([4 * SR, SR])
    with pytest.raises(ValueError, match="weighting='window'"):
        WindowedClassifier(NoWeights()).fit(uneven, [0, 1])
    WindowedClassifier(NoWeights(), weighting="window").fit(uneven, [0, 1])


def test_variable_length_synthetic_data_has_no_length_shortcut():
    from sklearn.metrics import roc_auc_score

    data = make_synthetic_speech(n_samples=40, duration=(0.5, 8.0), random_state=0)
    assert isinstance(data.data, list)
    assert len({len(c) for c in data.data}) > 30
    assert 0.5 <= data.durations.min()
    assert data.durations.max() <= 8.0
    assert 0.25 < roc_auc_score(data.target, data.durations) < 0.75


def test_window_bounds_cover_every_sample():
    for n in [1, 100, 31999, 32000, 32001, 160000]:
        bounds = window_bounds(n, SR, 2.0, 1.0)
        covered = np.zeros(n, bool)
        for s, e in bounds:
            covered[s:e] = True
        assert covered.all()
        assert bounds[-1][1] == n


def test_front_steps_that_learn_from_data_see_every_window(speech):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from skdeepfake import HandcraftedFeatures
    from skdeepfake.windows import WindowedClassifier

    X = [np.concatenate([a, b]) for a, b in zip(speech.data[:8], speech.data[8:16])]
    y = speech.target[:8]
    inner = Pipeline(
        [
            ("features", HandcraftedFeatures(features=("zcr", "rms"))),
            ("scaler", StandardScaler()),
            ("model", LogisticRegression()),
        ]
    )
    clf = WindowedClassifier(inner, window=2.0, hop=1.0, batch_size=4).fit(X, y)
    scaler = clf.estimator_.named_steps["scaler"]
    assert scaler.n_samples_seen_ == clf.n_windows_ == 8 * 3
    windows = np.stack([x[s:e] for x in X for s, e in [(0, 32000), (16000, 48000), (32000, 64000)]])
    features = clf.estimator_.named_steps["features"].transform(windows)
    np.testing.assert_allclose(scaler.mean_, features.mean(axis=0), rtol=1e-5)


def test_predict_before_fit_is_not_fitted_error(speech):
    from sklearn.exceptions import NotFittedError

    from skdeepfake.pipelines import make_xgb_pipeline

    clf = make_xgb_pipeline(whole_recording=True)
    for method in (clf.predict, clf.predict_proba, clf.predict_windows):
        with pytest.raises(NotFittedError):
            method(speech.data[:2])
