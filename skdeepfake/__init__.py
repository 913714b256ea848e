"""skdeepfake: scikit-learn estimators for detecting synthetic speech.

Data flows as: raw audio (paths or waveforms) -> :class:`AudioLoader` ->
features (:mod:`skdeepfake.features`: LFCC, CQCC, linear sub-bands, log-mel,
handcrafted) -> detectors (:mod:`skdeepfake.models`: linear, GMM, XGBoost,
the study's DNN and Custom-CNN, the LCNN), composed by
:mod:`skdeepfake.pipelines` and scored with :mod:`skdeepfake.metrics`.

Labels: 1 or "fake" is spoofed, 0 or "real" is bona fide; scores are P(fake).
TensorFlow is loaded only when a neural detector is first used.
"""

import lazy_loader

from ._version import __version__
from .features import HandcraftedFeatures, MelSpectrogram
from .io import AudioLoader, AudioLoadError

# The Keras detectors and the pipelines are imported on first use (as librosa
# and scikit-image do), so that ``import skdeepfake`` does not load TensorFlow.
_lazy_getattr, _lazy_dir, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "models": [
            "DNNClassifier",
            "CustomCNNClassifier",
            "LCNNClassifier",
            "GMMClassifier",
            "XGBoostClassifier",
        ],
        "pipelines": [
            "make_detector",
            "make_linear_pipeline",
            "make_cnn_pipeline",
            "make_dnn_pipeline",
            "make_xgb_pipeline",
            "make_gmm_pipeline",
            "make_lcnn_pipeline",
        ],
    },
)

__all__ = [
    "__version__",
    "AudioLoader",
    "AudioLoadError",
    "MelSpectrogram",
    "HandcraftedFeatures",
    "DNNClassifier",
    "CustomCNNClassifier",
    "LCNNClassifier",
    "GMMClassifier",
    "XGBoostClassifier",
    "make_detector",
    "make_linear_pipeline",
    "make_cnn_pipeline",
    "make_dnn_pipeline",
    "make_xgb_pipeline",
    "make_gmm_pipeline",
    "make_lcnn_pipeline",
]


def __getattr__(name):
    return _lazy_getattr(name)


def __dir__():
    return sorted(set(globals()) | set(_lazy_dir()))
