"""Datasets: local corpora on disk and the built-in synthetic demo corpus."""

from ._folder import TARGET_NAMES, load_audio_folder
from ._for import FOR_SPLITS, FOR_VERSIONS, load_for, load_for_combined
from ._synthetic import make_synthetic_speech

__all__ = [
    "load_audio_folder",
    "load_for",
    "load_for_combined",
    "make_synthetic_speech",
    "FOR_VERSIONS",
    "FOR_SPLITS",
    "TARGET_NAMES",
]
