"""Featurizers: waveforms in, features for the detectors out."""

from ._handcrafted import FEATURE_GROUPS, STATISTICS, HandcraftedFeatures
from ._mel import MelSpectrogram

__all__ = ["MelSpectrogram", "HandcraftedFeatures", "FEATURE_GROUPS", "STATISTICS"]
