import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
    cross_validate,
)
from sklearn.utils._param_validation import InvalidParameterError

from skdeepfake import HandcraftedFeatures, MelSpectrogram
from skdeepfake.models import CustomCNNClassifier, DNNClassifier, PerFrequencyScaler, XGBoostClassifier
from skdeepfake.models._keras import keras
from skdeepfake.models.cnn import min_input_size
from skdeepfake.persistence import ModelFileError, load_model, save_model


@pytest.fixture(scope="module")
def features(speech):
    X = HandcraftedFeatures().fit_transform(speech.data)
    return X, speech.target


@pytest.fixture(scope="module")
def mels(speech):
    X = MelSpectrogram(n_mels=48).fit_transform(speech.data)
    return X, speech.target


def small_dnn(**params):
    defaults = dict(hidden_layer_sizes=(32,), epochs=30, learning_rate=3e-3, random_state=0)
    return DNNClassifier(**{**defaults, **params})


def small_cnn(**params):
    defaults = dict(filters=(4, 8, 8, 8), dense_units=16, epochs=3, learning_rate=1e-3, random_state=0)
    return CustomCNNClassifier(**{**defaults, **params})


# -- the scikeras tag defect, fixed ---------------------------------------------


@pytest.mark.parametrize("est", [DNNClassifier(), CustomCNNClassifier(), XGBoostClassifier()])
def test_is_classifier_and_cv_stratifies(est):
    y = np.array([0] * 70 + [1] * 30)
    assert is_classifier(est)
    assert isinstance(check_cv(5, y, classifier=is_classifier(est)), StratifiedKFold)


def test_cross_validation_folds_are_stratified(features):
    X, y = features
    keep = np.r_[np.flatnonzero(y == 0)[:80], np.flatnonzero(y == 1)[:40]]  # 80 real, 40 fake
    res = cross_validate(small_dnn(epochs=1), X[keep], y[keep], cv=4, return_indices=True)
    for test in res["indices"]["test"]:
        assert y[keep][test].mean() == pytest.approx(1 / 3)


def test_scikeras_itself_still_has_the_defect():
    """Guard: if scikeras ever fixes its tags, our override can be revisited."""
    from scikeras.wrappers import KerasClassifier

    assert not is_classifier(KerasClassifier())


# -- parameters -------------------------------------------------------------------


def test_parameters_are_explicit_and_tunable():
    assert sorted(DNNClassifier().get_params()) == sorted(
        [
            "hidden_layer_sizes",
            "dropout",
            "learning_rate",
            "epochs",
            "batch_size",
            "validation_split",
            "early_stopping",
            "patience",
            "class_weight",
            "random_state",
            "verbose",
            "objective",
            "callbacks",
            "metrics",
        ]
    )
    assert {"filters", "kernel_size", "pool_size", "dense_units"} <= set(CustomCNNClassifier().get_params())


@pytest.mark.parametrize("est", [small_dnn(), small_cnn()])
def test_clone_and_params_round_trip(est):
    params = est.get_params()
    twin = clone(est)
    assert twin is not est
    assert twin.get_params() == params
    est.set_params(epochs=7, dropout=0.25, learning_rate=0.01)
    assert est.get_params()["epochs"] == 7
    assert est.get_params()["dropout"] == 0.25
    assert type(est)(**est.get_params()).get_params() == est.get_params()
    with pytest.raises(ValueError, match="Invalid parameter"):
        est.set_params(not_a_parameter=1)


def test_bad_parameter_value_is_named(features):
    X, y = features
    with pytest.raises(ValueError, match="'dropout' parameter"):
        small_dnn(dropout=1.5).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes must hold positive ints"):
        small_dnn(hidden_layer_sizes=(0,)).fit(X, y)


# -- meta-estimators ------------------------------------------------------------------


def test_dnn_learns_and_cross_val_roc_auc(features):
    X, y = features
    scores = cross_val_score(small_dnn(), X, y, cv=3, scoring="roc_auc")
    assert scores.mean() > 0.85


def test_grid_search_with_two_jobs(features):
    X, y = features
    grid = GridSearchCV(
        small_dnn(epochs=10),
        {"hidden_layer_sizes": [(8,), (32,)], "dropout": [0.0, 0.5]},
        cv=2,
        n_jobs=2,
        scoring="roc_auc",
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_params_["hidden_layer_sizes"] in [(8,), (32,)]
    assert grid.predict_proba(X[:3]).shape == (3, 2)


def test_calibrated_classifier(features):
    X, y = features
    cal = CalibratedClassifierCV(small_dnn(epochs=10), cv=3).fit(X, y)
    proba = cal.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert roc_auc_score(y, proba[:, 1]) > 0.8


def test_voting_and_stacking_with_the_xgboost_baseline(features):
    X, y = features
    labels = np.array(["real", "fake"])[y]
    members = [("dnn", small_dnn(epochs=10)), ("xgb", XGBoostClassifier(n_estimators=30, random_state=0))]
    vote = VotingClassifier(members, voting="soft").fit(X, labels)
    assert vote.predict_proba(X).shape == (len(X), 2)
    assert set(vote.predict(X)) <= {"real", "fake"}
    stack = StackingClassifier(members, final_estimator=LogisticRegression(), cv=2).fit(X, labels)
    assert stack.score(X, labels) > 0.8


# -- labels, persistence, reproducibility ----------------------------------------------


def test_string_labels_and_column_order(features):
    X, y = features
    labels = np.array(["real", "fake"])[y]
    clf = small_dnn().fit(X, labels)
    assert clf.classes_.tolist() == ["fake", "real"]
    proba = clf.predict_proba(X)
    assert roc_auc_score(labels == "fake", proba[:, 0]) > 0.9
    assert set(clf.predict(X)) <= {"real", "fake"}


@pytest.mark.parametrize("make, data", [(small_dnn, "features"), (small_cnn, "mels")])
def test_pickle_and_joblib_round_trip(make, data, request, tmp_path):
    X, y = request.getfixturevalue(data)
    clf = make(epochs=2).fit(X, y)
    expected = clf.predict_proba(X)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    joblib.dump(clf, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "clf.joblib").predict_proba(X), expected)


@pytest.mark.parametrize("make, data", [(small_dnn, "features"), (small_cnn, "mels")])
def test_same_random_state_same_predictions(make, data, request):
    X, y = request.getfixturevalue(data)
    a = make(epochs=3, random_state=7).fit(X, y).predict_proba(X)
    b = make(epochs=3, random_state=7).fit(X, y).predict_proba(X)
    c = make(epochs=3, random_state=8).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("make, data", [(small_dnn, "features"), (small_cnn, "mels")])
def test_predictions_do_not_depend_on_batching(make, data, request):
    # One sample at a time (the low-latency case), everything at once, and
    # Keras' own Model.predict all give the same scores to float32 rounding.
    X, y = request.getfixturevalue(data)
    clf = make(epochs=2).fit(X, y)
    full = clf.predict_proba(X)
    singles = [clf.predict_proba(X[i : i + 1]) for i in range(5)]
    assert all(p.shape == (1, 2) for p in singles)
    assert clf.predict(X[:1]).shape == (1,)
    np.testing.assert_allclose(np.vstack(singles), full[:5], rtol=1e-5, atol=1e-7)
    keras_scores = clf.model_.predict(clf.feature_encoder_.transform(X), verbose=0)[:, 0]
    np.testing.assert_allclose(full[:, 1], keras_scores, rtol=1e-5, atol=1e-7)


def test_predicting_on_differently_shaped_spectrograms_is_refused(mels):
    X, y = mels
    clf = small_cnn(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match=r"fitted on \(48, 63\)"):
        clf.predict_proba(X[:, :, :50])


# -- training options --------------------------------------------------------------------


def test_early_stopping_and_validation_split(features):
    X, y = features
    clf = small_dnn(
        epochs=300, learning_rate=0.05, early_stopping=True, patience=2, validation_split=0.25
    ).fit(X, y)
    assert "val_loss" in clf.history_
    assert len(clf.history_["loss"]) < 300


def test_class_weight_balanced(features):
    X, y = features
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:20]]
    balanced = small_dnn(class_weight="balanced").fit(X[keep], y[keep])
    plain = small_dnn().fit(X[keep], y[keep])
    # Weighting the rare class up moves the scores towards it.
    rare = keep[y[keep] == 1]
    assert balanced.predict_proba(X[rare])[:, 1].mean() > plain.predict_proba(X[rare])[:, 1].mean()


# -- architectures and input checks --------------------------------------------------------


def test_parameter_counts_of_known_architectures():
    cnn = CustomCNNClassifier().initialize(np.zeros((2, 224, 224, 3), np.float32), [0, 1])
    assert cnn.model_.count_params() == 9_679_041
    dnn = DNNClassifier().initialize(np.zeros((2, 128), np.float32), [0, 1])
    assert dnn.model_.count_params() == 128 * 128 + 128 + 128 * 64 + 64 + 64 + 1
    layers = [type(layer).__name__ for layer in cnn.model_.layers]
    assert layers == ["Conv2D", "MaxPooling2D"] * 4 + ["Flatten", "Dense", "Dropout", "Dense"]
    assert all(layer.padding == "valid" for layer in cnn.model_.layers[:8])


def test_study_sized_mel_input():
    cnn = CustomCNNClassifier().initialize(np.zeros((2, 128, 63), np.float32), [0, 1])
    assert cnn.model_.input_shape == (None, 128, 63, 1)


def test_cnn_input_too_small_states_the_minimum():
    assert min_input_size() == 46
    with pytest.raises(ValueError, match="at least 46 x 46; got 40 x 63"):
        small_cnn().fit(np.zeros((4, 40, 63), np.float32), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="at least 22 x 22"):
        small_cnn(filters=(4, 4, 4)).fit(np.zeros((4, 20, 63), np.float32), [0, 1, 0, 1])


def test_wrong_input_ranks_are_explained():
    with pytest.raises(ValueError, match="DNNClassifier needs a 2-D feature matrix"):
        small_dnn().fit(np.zeros((4, 50, 50), np.float32), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="CustomCNNClassifier needs spectrograms"):
        small_cnn().fit(np.zeros((4, 50), np.float32), [0, 1, 0, 1])


def test_multiclass_and_length_mismatch_are_refused(features):
    X, _ = features
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        small_dnn().fit(X[:9], [0, 1, 2] * 3)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        small_dnn().fit(X[:9], [0, 1] * 5)


def test_predict_before_fit_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        small_dnn().predict_proba(np.zeros((2, 3), np.float32))


def test_per_frequency_scaler():
    rng = np.random.default_rng(0)
    S = rng.normal(size=(20, 6, 30)) * np.arange(1, 7)[:, None] + np.arange(6)[:, None]
    scaler = PerFrequencyScaler().fit(S)
    Z = scaler.transform(S)
    assert Z.shape == (20, 6, 30, 1)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=(0, 2)).ravel(), 0, atol=1e-5)
    np.testing.assert_allclose(Z.std(axis=(0, 2)).ravel(), 1, atol=1e-4)
    constant = PerFrequencyScaler().fit_transform(np.ones((3, 4, 5)))
    assert np.isfinite(constant).all()


def test_importing_skdeepfake_does_not_load_tensorflow():
    code = (
        "import sys, skdeepfake, skdeepfake.features, skdeepfake.datasets, "
        "skdeepfake.pipelines, skdeepfake.models;"
        "from skdeepfake.models import XGBoostClassifier;"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported';"
        "assert 'keras' not in sys.modules, 'keras was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_tensorflow_the_tabular_detectors_work_and_networks_name_the_extra(tmp_path):
    """Also the shipped detectors, which are networks: predict without --model names the extra."""
    # A user who installed skdeepfake without the [tensorflow] extra: the
    # import is blocked, as if the package were absent.
    import soundfile as sf

    clip = tmp_path / "clip.wav"
    sf.write(clip, np.random.default_rng(0).normal(scale=0.1, size=16000).astype(np.float32), 16000)
    code = f"""
import sys
sys.modules["tensorflow"] = None
import numpy as np
from skdeepfake.pipelines import make_detector
from skdeepfake.datasets import make_synthetic_speech
data = make_synthetic_speech(n_samples=24, duration=1.0, random_state=0)
for name in ("gmm", "linear", "xgb", "oneclass"):
    p = make_detector(name, random_state=0).fit(data.data, data.target)
    assert p.predict_proba(data.data).shape == (24, 2), name
from skdeepfake.cli import main
from skdeepfake.persistence import save_model
save_model(make_detector("xgb", random_state=0).fit(data.data, data.target), {str(tmp_path / "xgb.skdf")!r})
assert main(["predict", "--model", {str(tmp_path / "xgb.skdf")!r}, {str(clip)!r}]) == 0
# The shipped detectors are networks: the command says what to install, in one line.
assert main(["predict", {str(clip)!r}]) == 2
try:
    make_detector("dnn", epochs=1).fit(data.data, data.target)
except ImportError as error:
    assert "skdeepfake[tensorflow]" in str(error), error
else:
    raise AssertionError("a network fitted without TensorFlow")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = [line for line in proc.stderr.splitlines() if line.startswith("skdeepfake predict: error:")]
    assert len(said) == 1, proc.stderr
    assert "holds a network" in said[0], said
    assert "skdeepfake[tensorflow]" in said[0], said
    assert "Traceback" not in proc.stderr


class _EpochCounter(keras.callbacks.Callback):
    epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        type(self).epochs += 1


def test_keras_callbacks_and_metrics_pass_through_to_fit(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 6)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    counter = _EpochCounter()
    _EpochCounter.epochs = 0
    clf = DNNClassifier(
        epochs=3,
        validation_split=0.25,
        random_state=0,
        verbose="tqdm",
        metrics=["auc", keras.metrics.Precision(name="precision")],
        callbacks=[counter, keras.callbacks.ReduceLROnPlateau(patience=1)],
    )
    clf.fit(X, y)
    assert _EpochCounter.epochs == 3
    assert {"loss", "val_loss", "auc", "val_auc", "precision", "val_precision"} <= set(clf.history_)
    assert all(len(clf.history_[k]) == 3 for k in ("auc", "val_auc", "precision"))
    assert counter.model is None  # a copy was trained with; the parameter stays unbound
    clf.partial_fit(X, y)
    assert len(clf.history_["auc"]) == len(clf.history_["loss"]) == 4
    assert _EpochCounter.epochs == 4
    # clone-safe and picklable: the same seed gives the same network through a clone
    twin = clone(clf).fit(X, y)
    np.testing.assert_allclose(
        twin.predict_proba(X), DNNClassifier(**clf.get_params()).fit(X, y).predict_proba(X)
    )
    assert pickle.loads(pickle.dumps(clf)).predict_proba(X[:3]).shape == (3, 2)
    with pytest.raises(ModelFileError, match="holds .*_EpochCounter.*callbacks act only in fit"):
        save_model(clf, tmp_path / "m.skdf")
    clf.set_params(callbacks=None)
    save_model(clf, tmp_path / "m.skdf")
    loaded = load_model(tmp_path / "m.skdf")
    assert loaded.history_["auc"] == clf.history_["auc"]
    assert loaded.metrics[0] == "auc"
    assert loaded.metrics[1].get_config() == clf.metrics[1].get_config()
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_keras_parameters_are_validated():
    X = np.zeros((10, 3), np.float32)
    with pytest.raises(InvalidParameterError, match="callbacks"):
        DNNClassifier(callbacks=keras.callbacks.EarlyStopping()).fit(X, [0, 1] * 5)


def test_the_one_class_detector_keeps_the_order_of_recordings_far_from_real_speech():
    """Far from the bona fide data the likelihoods differ by orders of magnitude; P(fake) must not tie at 1."""
    from skdeepfake.models import BonaFideOneClass

    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (80, 4)), rng.normal(4, 1, (20, 4))]
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    detector = BonaFideOneClass(random_state=0).fit(X, y)
    far = np.array([[10.0] * 4, [100.0] * 4, [1000.0] * 4])
    p_fake = detector.predict_proba(far)[:, 1]
    assert np.all(np.diff(p_fake) > 0)
    assert np.all(p_fake < 1.0)
    # about 5% of the bona fide training rows score above 0.5
    assert 0.0 < np.mean(detector.predict_proba(X[:80])[:, 1] > 0.5) <= 0.1
    # it never looked at the spoofed rows: moving them changes nothing
    moved = BonaFideOneClass(random_state=0).fit(np.r_[X[:80], X[80:] + 50], y)
    np.testing.assert_allclose(moved.predict_proba(far), detector.predict_proba(far))
