"""Detectors: the study's DNN and Custom-CNN, the LCNN (Keras), the GMM baseline and XGBoost.

The Keras detectors are imported on first use, so that ``import skdeepfake``
does not load TensorFlow.
"""

import lazy_loader

from .gmm import GMMClassifier
from .xgb import XGBoostClassifier

__all__ = ["DNNClassifier", "CustomCNNClassifier", "LCNNClassifier", "GMMClassifier", "XGBoostClassifier"]

__getattr__, _lazy_dir, _ = lazy_loader.attach(
    __name__,
    submod_attrs={"dnn": ["DNNClassifier"], "cnn": ["CustomCNNClassifier"], "lcnn": ["LCNNClassifier"]},
)


def __dir__():
    return sorted(set(globals()) | set(_lazy_dir()))
