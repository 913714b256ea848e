"""The augmenting sampler: waveform augmentation that acts only in ``fit``."""

import random
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from ..utils._bounds import SAMPLE_RATE
from ..utils._docstring import WAVEFORMS_FIT_DOC, Substitution
from ..utils._state import ExportedState
from ..utils._validation import as_clip_list, check_same_length
from ._spec import transform_from_spec, transform_to_spec

__all__ = ["Augmenter"]


@contextmanager
def _seeded(rng):
    """Seed the global generators audiomentations draws from; restore them after."""
    saved_python, saved_numpy = random.getstate(), np.random.get_state()
    random.seed(int(rng.randint(2**31 - 1)))
    np.random.seed(int(rng.randint(2**31 - 1)))
    try:
        yield
    finally:
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)


def waveform_clips(X, y, who):
    """X's waveforms as a list, checked against y; paths are refused (samplers follow the loader)."""
    kind, clips = as_clip_list(X)
    if kind == "paths":
        raise ValueError(
            f"{who} takes waveforms, not paths: put it after the AudioLoader "
            "(make_detector(..., augment=...) does)."
        )
    check_same_length(clips, y)
    return clips


def like_input(out, X):
    """The resampled recordings as X held them: a 2-D array when X was one, else a list."""
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return np.stack(out) if out else np.empty((0, X.shape[1]), np.float32)
    return out


def _same_length(y, n):
    y = np.asarray(y, dtype=np.float32).ravel()
    if len(y) >= n:
        return y[:n]
    return np.pad(y, (0, n - len(y)))


class BaseWaveformSampler(BaseEstimator, metaclass=ABCMeta):
    """Base of skdeepfake's samplers, laid out as imbalanced-learn's ``BaseSampler``.

    ``fit`` and ``fit_resample`` validate the parameters
    (``_parameter_constraints``, then :meth:`_check_params`) and the
    waveforms; subclasses implement :meth:`_fit_resample` on the checked
    clips only. A sampler acts in ``fit`` only: a Pipeline skips it when
    it predicts.
    """

    def _check_params(self):
        """Checks beyond ``_parameter_constraints`` (none by default)."""

    def _checked_clips(self, X, y):
        self._check_params()
        return waveform_clips(X, y, type(self).__name__)

    @Substitution(waveforms=WAVEFORMS_FIT_DOC)
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Check the parameters and the data; the copies are made in ``fit_resample``.

        Parameters
        ----------
        %(waveforms)s

        Returns
        -------
        self : object
        """
        self._checked_clips(X, y)
        return self

    @Substitution(waveforms=WAVEFORMS_FIT_DOC)
    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """The recordings and the copies made from them, with their labels.

        Parameters
        ----------
        %(waveforms)s

        Returns
        -------
        X_resampled : 2-D array (when X is 2-D) or list of 1-D arrays
            In the order the class describes; every copy keeps its
            recording's length.
        y_resampled : ndarray
            Their labels.
        """
        clips = self._checked_clips(X, y)
        out, labels, sources = self._fit_resample(clips, np.asarray(y))
        self.sample_indices_ = np.asarray(sources, dtype=np.intp)
        return like_input(out, X), labels

    @abstractmethod
    def _fit_resample(self, clips, y):
        """(recordings, labels, index of the input recording each one comes from)."""


class Augmenter(ExportedState, BaseWaveformSampler):
    """Add augmented copies of the training recordings, in ``fit`` only.

    A sampler in imbalanced-learn's sense: ``fit_resample(X, y)`` returns
    the recordings (unless ``include_original=False``) followed by
    ``n_copies`` augmented copies of each, with their labels, and
    :class:`imblearn.pipeline.Pipeline` calls it when the pipeline is
    fitted and skips it when the pipeline predicts. Inside
    cross-validation or a grid search the pipeline is fitted on the
    training fold only, so no copy of a test recording can ever be trained
    on; the parameters are tunable (``augment__n_copies``, or
    ``augment__augmentation`` over a list of chains). :func:`~skdeepfake.pipelines.make_detector`
    places it right after the loader with ``augment=...``, and
    :class:`~skdeepfake.windows.WindowedClassifier` applies it to the
    windows it trains on.

    Why a sampler rather than a meta-estimator: augmentation needs
    waveforms, which exist only after the pipeline's loader, and it must
    change the number of samples, which scikit-learn's transformers may
    not; imbalanced-learn's samplers are the established estimator kind
    for exactly that, and they compose with GridSearchCV unchanged.

    Parameters
    ----------
    augmentation : callable
        ``augmentation(samples, sample_rate) -> samples`` applied to a float32
        waveform: an :mod:`audiomentations` transform or ``Compose`` (each
        transform with its probability ``p``), or :class:`RawBoost`,
        :class:`CodecRoundTrip`.
    n_copies : int, default=1
        Augmented copies of each recording.
    sr : int, default=16000
        Sample rate of the waveforms.
    include_original : bool, default=True
        Keep the original recordings, before the copies.
    random_state : int, RandomState instance or None, default=None
        Seeds the copies: Python's and NumPy's global generators (which
        audiomentations uses) are seeded from it during ``fit_resample``
        and restored afterwards.

    Attributes
    ----------
    sample_indices_ : ndarray of shape (n_output,)
        For each returned recording, the index of the input recording it
        was made from (imbalanced-learn's attribute of the same name).

    Examples
    --------
    >>> import numpy as np
    >>> from audiomentations import AddGaussianSNR
    >>> from skdeepfake.augment import Augmenter
    >>> X = np.full((3, 1600), 0.1, np.float32)
    >>> aug = Augmenter(AddGaussianSNR(min_snr_db=10, max_snr_db=20, p=1.0), n_copies=2,
    ...                 random_state=0)
    >>> X_aug, y_aug = aug.fit_resample(X, [0, 1, 1])
    >>> X_aug.shape, y_aug.tolist(), aug.sample_indices_.tolist()
    ((9, 1600), [0, 1, 1, 0, 1, 1, 0, 1, 1], [0, 1, 2, 0, 1, 2, 0, 1, 2])
    """

    _parameter_constraints = {
        "augmentation": [callable],
        "n_copies": [Interval(Integral, 0, None, closed="left")],
        "sr": [SAMPLE_RATE],
        "include_original": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, augmentation, n_copies=1, sr=16000, include_original=True, random_state=None):
        # Not named "transform": imbalanced-learn's Pipeline tells samplers from
        # transformers by their attributes.
        self.augmentation = augmentation
        self.n_copies = n_copies
        self.sr = sr
        self.include_original = include_original
        self.random_state = random_state

    def _fit_resample(self, clips, y):
        rng = check_random_state(self.random_state)
        sources = list(range(len(clips))) if self.include_original else []
        out = [np.asarray(c, dtype=np.float32) for c in clips] if self.include_original else []
        with _seeded(rng):
            for _ in range(self.n_copies):
                for i, clip in enumerate(clips):
                    clip = np.asarray(clip, dtype=np.float32)
                    out.append(_same_length(self.augmentation(clip.copy(), self.sr), len(clip)))
                    sources.append(i)
        return out, y[np.asarray(sources, dtype=np.intp)], sources

    def _skdf_export(self):
        """The augmentation chain as data, when it is made of known transforms.

        Any other callable stays a plain parameter: it pickles (for parallel
        workers) but a model file refuses it (:mod:`skdeepfake.persistence`).
        """
        try:
            return {"augmentation": transform_to_spec(self.augmentation, "augmentation")}, {}
        except ValueError:
            return {}, {}

    @classmethod
    def _skdf_import(cls, params, state, blobs):
        if "augmentation" in state:
            params = {**params, "augmentation": transform_from_spec(state["augmentation"])}
        return cls(**params)
