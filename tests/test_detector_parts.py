"""One helper finds a detector's parts: every caller reads steps by what they are, not their names."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdeepfake.augment import Augmenter, RawBoost
from skdeepfake.features import LFCC
from skdeepfake.fusion import make_fused_detector
from skdeepfake.io import AudioLoader
from skdeepfake.pipelines import detector_parts, make_detector
from skdeepfake.scoring import input_rate, min_recording_duration
from skdeepfake.windows import WindowedClassifier


def renamed():
    """A detector built by hand, with step names no factory uses."""
    return Pipeline(
        [
            ("decode", AudioLoader(sr=8000, duration=None)),
            ("copies", Augmenter(RawBoost(), random_state=0)),
            ("front", LFCC(sr=8000, output="stats")),
            ("norm", StandardScaler()),
            ("clf", LogisticRegression()),
        ]
    )


def test_parts_of_a_factory_pipeline():
    parts = detector_parts(make_detector("linear", augment=Augmenter(RawBoost())))
    assert parts.windowed is None
    assert parts.loader[0] == "loader"
    assert [name for name, _ in parts.front] == ["augment", "features"]
    assert [name for name, _ in parts.featurizers] == ["features"]
    assert isinstance(parts.model, LogisticRegression)


def test_parts_are_found_by_what_steps_are_not_by_name():
    detector = renamed()
    parts = detector_parts(detector)
    assert parts.loader == detector.steps[0]
    assert [name for name, _ in parts.front] == ["copies", "front"]
    assert [name for name, _ in parts.featurizers] == ["front"]
    # the callers that read parts: scoring's rate and shortest recording
    assert input_rate(detector) == 8000
    factory = make_detector("linear", sr=8000, features=LFCC(sr=8000, output="stats"))
    assert min_recording_duration(detector) == min_recording_duration(factory) > 0


def test_parts_of_a_windowed_detector_fitted_and_not():
    detector = make_detector("linear", whole_recording="windows")
    assert isinstance(detector, WindowedClassifier)
    parts = detector_parts(detector)
    assert parts.windowed is detector
    assert parts.pipeline is detector.estimator
    assert parts.loader is None  # the windows are cut by the WindowedClassifier itself
    rng = np.random.default_rng(0)
    X, y = rng.normal(scale=0.1, size=(8, 16000)), np.array([0, 1] * 4)
    detector.fit(X, y)
    assert detector_parts(detector).pipeline is detector.estimator_


def test_a_loader_inside_a_wrapper_is_found_with_its_parameter_path():
    search = GridSearchCV(renamed(), {"clf__C": [0.1, 1.0]})
    parts = detector_parts(search)
    assert parts.pipeline is None
    assert parts.loader[0] == "estimator__decode"
    assert input_rate(search) == 8000


def test_fusion_shares_the_front_found_by_the_helper():
    fused = make_fused_detector(["linear", "xgb"], augment=Augmenter(RawBoost()), random_state=0)
    assert [name for name, _ in fused.steps] == ["loader", "augment", "features", "model"]
    assert [name for name, _ in detector_parts(fused).front] == ["augment", "features"]


def test_a_detector_without_audio_has_no_loader():
    parts = detector_parts(LogisticRegression())
    assert parts.pipeline is None
    assert parts.loader is None
    with pytest.raises(ValueError, match="a detector that reads audio is needed"):
        input_rate(LogisticRegression())
