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
from .registry import MODELS as _MODELS

# Everything is imported on first use (as librosa and scikit-image do), so
# that ``import skdeepfake`` (and ``skdeepfake --help``) loads neither
# scikit-learn nor TensorFlow nor XGBoost until a name is used.
_DETECTORS = [spec.cls for spec in _MODELS.values() if spec.module.startswith("skdeepfake.models")]
_FACTORIES = ["make_detector", *(f"make_{name}_pipeline" for name in _MODELS)]
_FRONT_ENDS = ["HandcraftedFeatures", "MelSpectrogram", "LFCC", "CQCC", "LinearSubbands"]
_FIRST_REACHED = {
    "io": ["AudioLoader", "AudioLoadError"],
    "features": _FRONT_ENDS,
    "persistence": ["load_model", "save_model"],
    "metrics": ["equal_error_rate", "min_dcf", "cllr", "bootstrap_interval"],
    "labels": ["spoof_scores"],
    "calibration": ["AbstainingDetector"],
}
_lazy_getattr, _lazy_dir, _ = lazy_loader.attach(
    __name__, submod_attrs={"models": _DETECTORS, "pipelines": _FACTORIES, **_FIRST_REACHED}
)

__all__ = ["__version__", *(name for names in _FIRST_REACHED.values() for name in names)]
__all__ += _DETECTORS + _FACTORIES


def __getattr__(name):
    return _lazy_getattr(name)


def __dir__():
    return sorted(set(globals()) | set(_lazy_dir()))
