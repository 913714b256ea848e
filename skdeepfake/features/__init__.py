"""Featurizers: waveforms in, features for the detectors out."""

from ._files import featurize_files
from ._handcrafted import FEATURE_GROUPS, STATISTICS, HandcraftedFeatures
from ._mel import MelSpectrogram

__all__ = [
    "MelSpectrogram",
    "HandcraftedFeatures",
    "featurize_files",
    "FEATURE_GROUPS",
    "STATISTICS",
]
