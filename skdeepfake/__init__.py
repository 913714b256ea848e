"""skdeepfake: scikit-learn estimators for detecting synthetic speech.

Data flows as: raw audio (paths or waveforms) -> :class:`AudioLoader` ->
features (:class:`MelSpectrogram`, :class:`HandcraftedFeatures`) ->
detectors (:class:`CustomCNNClassifier`, :class:`DNNClassifier`,
:class:`~skdeepfake.models.XGBoostClassifier`), composed by
:mod:`skdeepfake.pipelines` and scored with :mod:`skdeepfake.metrics`.

Labels: 1 or "fake" is spoofed, 0 or "real" is bona fide; scores are P(fake).
TensorFlow is loaded only when a neural detector is first used.
"""

import importlib

from ._version import __version__
from .features import HandcraftedFeatures, MelSpectrogram
from .io import AudioLoader, AudioLoadError

__all__ = [
    "__version__",
    "AudioLoader",
    "AudioLoadError",
    "MelSpectrogram",
    "HandcraftedFeatures",
    "DNNClassifier",
    "CustomCNNClassifier",
    "XGBoostClassifier",
    "make_cnn_pipeline",
    "make_dnn_pipeline",
    "make_xgb_pipeline",
]

_LAZY = {
    "DNNClassifier": ".models",
    "CustomCNNClassifier": ".models",
    "XGBoostClassifier": ".models",
    "make_cnn_pipeline": ".pipelines",
    "make_dnn_pipeline": ".pipelines",
    "make_xgb_pipeline": ".pipelines",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
