"""Waveform augmentation that cannot leak: applied only when a detector is fitted.

:class:`Augmenter` is an imbalanced-learn sampler: in an
:class:`imblearn.pipeline.Pipeline` (which
:func:`~skdeepfake.pipelines.make_detector` builds with ``augment=...``) it
adds augmented copies of the training recordings when the pipeline is
fitted, and nothing when it predicts, so cross-validation never trains on a
copy of a test recording. The transforms come from :mod:`audiomentations`;
written here are only those the anti-spoofing field uses and no maintained
library has: :class:`RawBoost` and :class:`CodecRoundTrip`.
:class:`VocodedCopies`, a sampler too, adds copy-synthesised versions of
the bona fide training recordings labelled as spoofed
(:class:`GriffinLimVocoder`, :class:`LPCVocoder`).

>>> from audiomentations import AddGaussianSNR, Compose
>>> from skdeepfake.augment import Augmenter, RawBoost
>>> from skdeepfake.pipelines import make_detector
>>> detector = make_detector("linear", augment=Augmenter(
...     Compose([RawBoost(p=0.5), AddGaussianSNR(p=0.5)]), n_copies=1, random_state=0))
>>> [name for name, _ in detector.steps]
['loader', 'augment', 'features', 'scaler', 'model']
"""

from ._codecs import CodecRoundTrip, codec_formats
from ._presets import AUGMENTATION_NAMES, make_augmentation
from ._rawboost import RAWBOOST_ALGORITHMS, RawBoost
from ._sampler import Augmenter
from ._spec import transform_classes
from ._vocoders import GriffinLimVocoder, LPCVocoder, VocodedCopies

__all__ = [
    "Augmenter",
    "RawBoost",
    "RAWBOOST_ALGORITHMS",
    "CodecRoundTrip",
    "codec_formats",
    "make_augmentation",
    "AUGMENTATION_NAMES",
    "transform_classes",
    "VocodedCopies",
    "GriffinLimVocoder",
    "LPCVocoder",
]
