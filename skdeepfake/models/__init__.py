"""Detectors: the study's DNN and Custom-CNN, the LCNN (Keras), the GMM baseline and XGBoost.

The Keras detectors are imported on first use, so that ``import skdeepfake``
does not load TensorFlow.
"""

import importlib

from .gmm import GMMClassifier
from .xgb import XGBoostClassifier

__all__ = ["DNNClassifier", "CustomCNNClassifier", "LCNNClassifier", "GMMClassifier", "XGBoostClassifier"]

_LAZY = {"DNNClassifier": ".dnn", "CustomCNNClassifier": ".cnn", "LCNNClassifier": ".lcnn"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
