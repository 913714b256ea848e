"""Detectors: the study's DNN and Custom-CNN, the LCNN (Keras), the GMM baseline, XGBoost, one-class.

The Keras detectors are imported on first use, so that ``import skdeepfake``
does not load TensorFlow.
"""

import lazy_loader

from ..registry import MODELS
from ._scaling import PerFrequencyScaler
from .gmm import GMMClassifier
from .oneclass import BonaFideOneClass
from .xgb import XGBoostClassifier

# The Keras models, from the registry: module -> class, imported on first use.
_KERAS = {spec.module.rsplit(".", 1)[1]: [spec.cls] for spec in MODELS.values() if spec.keras}
# Their base class, for writing a Keras detector of one's own (and for telling one apart).
_KERAS["_keras"] = ["KerasDetector"]
_KERAS["_backend"] = ["network_gradients"]

__all__ = [
    *(c for classes in _KERAS.values() for c in classes),
    "GMMClassifier",
    "XGBoostClassifier",
    "BonaFideOneClass",
    "PerFrequencyScaler",
]

__getattr__, _lazy_dir, _ = lazy_loader.attach(__name__, submod_attrs=_KERAS)


def __dir__():
    return sorted(set(globals()) | set(_lazy_dir()))
