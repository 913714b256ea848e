"""Featurizers: waveforms in, features for the detectors out.

Every featurizer computes frame-level features and returns them as frames
``(n_clips, n_rows, n_frames)`` or, with ``output="stats"``, summarised over
time into one row of named features per clip (see
:class:`~skdeepfake.features.FrameFeaturizer`).
"""

from ._base import DEFAULT_STATS, STATISTICS, FrameFeaturizer, fits_only_input_length
from ._cqcc import CQCC
from ._files import featurize_files
from ._handcrafted import FEATURE_GROUPS, HandcraftedFeatures
from ._lfcc import LFCC
from ._mel import MelSpectrogram

# Re-exported for the pipelines topic, their public home (not in __all__: one documented place).
from ._named import frontend_grid as frontend_grid
from ._named import make_frontend as make_frontend
from ._pooling import CHUNK_SAMPLES, pool_recording
from ._pretrained import SpeechEncoder
from ._subbands import LinearSubbands

__all__ = [
    "MelSpectrogram",
    "HandcraftedFeatures",
    "LFCC",
    "CQCC",
    "LinearSubbands",
    "SpeechEncoder",
    "FrameFeaturizer",
    "featurize_files",
    "pool_recording",
    "CHUNK_SAMPLES",
    "fits_only_input_length",
    "FEATURE_GROUPS",
    "STATISTICS",
    "DEFAULT_STATS",
]
