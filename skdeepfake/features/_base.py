"""What every featurizer shares: validation, the batch loop, statistics.

A featurizer turns waveforms into frame-level features, an array of shape
``(n_clips, n_rows, n_frames)``; :class:`FrameFeaturizer` validates the input,
runs the subclass's frame computation batch by batch (in parallel threads
with ``n_jobs``), and either returns the frames or summarises each row over
time with the statistics in ``stats``.

With ``output="stats"`` a featurizer also takes a list of recordings of
different lengths and summarises each over all of its frames: the
whole-recording pooling of the pipelines' ``whole_recording="pooled"``,
where nothing is cut and the length itself is not a feature.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._parallel import map_batches
from ..utils._validation import check_finite
from ._pooling import CHUNK_SAMPLES, pool_recording
from ._spectral import normalise_per_recording

__all__ = ["FrameFeaturizer", "STATISTICS", "DEFAULT_STATS", "summarise", "fits_only_input_length"]

#: Statistics that summarise a frame-level feature over time. The
#: percentiles describe the spread of a feature robustly; the prototype of
#: issue 11 (LFCC + sub-bands + MFCC) used mean, std, p10 and p90.
STATISTICS = {
    "mean": lambda v: np.mean(v, axis=-1),
    "std": lambda v: np.std(v, axis=-1),
    "min": lambda v: np.min(v, axis=-1),
    "max": lambda v: np.max(v, axis=-1),
    "median": lambda v: np.median(v, axis=-1),
    "p10": lambda v: np.percentile(v, 10, axis=-1),
    "p25": lambda v: np.percentile(v, 25, axis=-1),
    "p75": lambda v: np.percentile(v, 75, axis=-1),
    "p90": lambda v: np.percentile(v, 90, axis=-1),
}

#: The statistics the anti-spoofing front-ends summarise with by default.
DEFAULT_STATS = ("mean", "std", "p10", "p90")


def summarise(frames, stats):
    """Each row of ``frames`` (n_clips, n_rows, n_frames) summarised over time.

    Returns an array of shape ``(n_clips, n_rows * len(stats))``, row-major:
    all statistics of row 0, then of row 1, and so on.
    """
    summaries = [STATISTICS[stat](frames) for stat in stats]
    return np.stack(summaries, axis=-1).reshape(len(frames), -1).astype(np.float32, copy=False)


def fits_only_input_length(estimator):
    """Whether fitting ``estimator`` learns nothing but the length of its input.

    True for the loader and every featurizer (their class attribute
    ``_fits_only_input_length``), and for a Pipeline or FeatureUnion made
    only of such steps. Such a step gives the same result fitted on any
    batch of clips of the right length, so it may be fitted on one batch
    (:class:`~skdeepfake.windows.WindowedClassifier`,
    :func:`~skdeepfake.features.featurize_files`) and rebuilt from its
    parameters (:mod:`skdeepfake.persistence`). A step that learns from
    the data, such as a ``StandardScaler``, must see all of it.

    Parameters
    ----------
    estimator : estimator

    Returns
    -------
    bool

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeepfake import AudioLoader
    >>> from skdeepfake.features import LFCC, fits_only_input_length
    >>> fits_only_input_length(make_pipeline(AudioLoader(), LFCC()))
    True
    >>> fits_only_input_length(make_pipeline(LFCC(output="stats"), StandardScaler()))
    False
    """
    from sklearn.pipeline import FeatureUnion, Pipeline

    if isinstance(estimator, Pipeline):
        return all(fits_only_input_length(step) for _, step in estimator.steps if step != "passthrough")
    if isinstance(estimator, FeatureUnion):
        return all(fits_only_input_length(t) for _, t in estimator.transformer_list if t != "drop")
    return bool(getattr(type(estimator), "_fits_only_input_length", False))


class FrameFeaturizer(TransformerMixin, BaseEstimator):
    """Base class of the featurizers (not for direct use).

    Subclasses store their parameters in ``__init__`` (including ``output``,
    ``stats``, ``batch_size``, ``n_jobs`` and ``verbose``) and implement:

    * ``_check_params()``: raise a ValueError naming a bad parameter
      (after the type checks of ``_parameter_constraints``);
    * ``_setup()``: build filterbanks and other fitted attributes;
    * ``_length_requirements()``: ``[(n, reason), ...]``, the shortest usable
      clip, checked in order;
    * ``_frames(X)``: features of a float32 batch ``(n, n_samples)`` as
      ``(n, n_rows, n_frames)``, before any per-recording normalisation
      (a ``cmvn`` parameter, applied here);
    * ``_row_names()``: one name per row, used to name the statistics;
    * ``_chunk_geometry()``: ``(hop, context)`` in samples when frame ``t``
      (centred on sample ``t * hop``) depends only on samples within
      ``context`` of its centre, else None (the default). Long recordings
      are summarised chunk by chunk (:mod:`skdeepfake.features._pooling`):
      with a geometry their statistics equal the whole recording's.
    """

    # Declared once here, read by fits_only_input_length.
    _fits_only_input_length = True

    _parameter_constraints = {
        "output": [StrOptions({"frames", "stats"})],
        "stats": [tuple, list],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "verbose": ["boolean"],
    }

    # -- the subclass's part ------------------------------------------------

    def _check_params(self):
        pass

    def _setup(self):
        raise NotImplementedError

    def _length_requirements(self):
        raise NotImplementedError

    def _frames(self, X):
        raise NotImplementedError

    def _row_names(self):
        raise NotImplementedError

    def _chunk_geometry(self):
        return None

    # -- shared ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and X, and build what the transform needs.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples), or list of 1-D arrays
            Waveforms, for example from :class:`~skdeepfake.AudioLoader`;
            with ``output="stats"`` also recordings of different lengths.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        bad = sorted(set(self.stats) - set(STATISTICS))
        if bad or not self.stats:
            raise ValueError(f"stats={self.stats!r}: unknown or empty; choose from {', '.join(STATISTICS)}.")
        self._check_params()
        X = self._validate_waveforms(X, reset=True)
        if isinstance(X, list):
            # Fitted on recordings of any length: no length to hold later input to.
            self.__dict__.pop("n_features_in_", None)
        self._setup()
        return self

    def transform(self, X):
        """Compute the features of every clip.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples), or list of 1-D arrays
            Waveforms with as many samples as in ``fit``; with
            ``output="stats"``, recordings of any lengths.

        Returns
        -------
        ndarray, float32
            ``(n_clips, n_rows, n_frames)`` with ``output="frames"``, or
            ``(n_clips, n_rows * len(stats))`` with ``output="stats"``.
        """
        check_is_fitted(self)
        X = self._validate_waveforms(X, reset=False)
        if isinstance(X, list):  # recordings of different lengths: one per batch
            work, batch_size = (lambda b: self._recording_stats(X[b.start])), 1
        else:
            work, batch_size = (lambda b: self._transform_batch(X[b])), self.batch_size
        out = None
        for batch, features in map_batches(
            work,
            len(X),
            batch_size,
            n_jobs=self.n_jobs,
            tasks_per_job=4,
            verbose=self.verbose,
            desc=type(self).__name__,
            unit="recordings",
        ):
            if out is None:
                out = np.empty((len(X), *features.shape[1:]), dtype=np.float32)
            out[batch] = features
        return self._finish(out)

    def _transform_batch(self, X):
        frames = normalise_per_recording(self._frames(X), getattr(self, "cmvn", None))
        return summarise(frames, self.stats) if self.output == "stats" else frames

    def _recording_stats(self, x):
        """The statistics of one recording, chunk by chunk when it is long (bounded memory)."""
        if len(x) <= CHUNK_SAMPLES:
            return self._transform_batch(x[np.newaxis])
        return pool_recording([self], [x])[0][np.newaxis]

    def _finish(self, out):
        """Last touch on the whole output (MelSpectrogram flattens here)."""
        return out

    def _validate_waveforms(self, X, reset):
        """A float32 2-D array, or a list of 1-D float32 arrays of several lengths."""
        if _is_recording_list(X):
            if self.output == "stats":
                # Recordings: each is summarised over its own frames, so their
                # lengths may differ and are not part of the fitted state.
                recordings = []
                for i, x in enumerate(X):
                    x = np.ascontiguousarray(x, dtype=np.float32)
                    check_finite(x, f"X[{i}]")
                    self._check_length(len(x), f"X[{i}] has {len(x)} samples")
                    recordings.append(x)
                return recordings
            if len({len(x) for x in X}) > 1:
                raise ValueError(
                    f"{type(self).__name__}(output={self.output!r}) needs clips of one "
                    "length; got recordings of different lengths. Bring them to one "
                    "length with AudioLoader(duration=...), or summarise whole "
                    "recordings with output='stats'."
                )
        X = validate_data(self, X, dtype=np.float32, reset=reset)
        self._check_length(X.shape[1], f"X has {X.shape[1]} samples per clip (n_features = {X.shape[1]})")
        return X

    def _check_length(self, n_samples, what):
        for minimum, reason in self._length_requirements():
            if n_samples < minimum:
                raise ValueError(
                    f"{type(self).__name__} needs clips of at least {minimum} samples "
                    f"({reason}); {what}. Make clips longer with "
                    "AudioLoader(duration=...) or shorten the analysis frame."
                )

    # -- model files (skdeepfake.persistence) -------------------------------------

    def _skdf_export(self):
        """Featurizers learn only the clip length: that is their whole state."""
        fitted = any(k.endswith("_") and not k.startswith("_") for k in vars(self))
        return {"fitted": fitted, "n_features_in": getattr(self, "n_features_in_", None)}, {}

    @classmethod
    def _skdf_import(cls, params, state, blobs):
        featurizer = cls(**params)
        if state.get("fitted"):
            n = state.get("n_features_in")
            if n is None:  # fitted on recordings of any length
                featurizer.fit([np.zeros(max(m for m, _ in featurizer._length_requirements()), np.float32)])
            else:
                featurizer.fit(np.zeros((1, n), np.float32))
        return featurizer

    def _has_feature_names(self):
        """Whether the output is 2-D, so that its columns have names."""
        return self.output == "stats"

    def _feature_names(self):
        return [f"{row}_{stat}" for row in self._row_names() for stat in self.stats]

    @available_if(lambda self: self._has_feature_names())
    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, e.g. ``lfcc_03_mean``.

        Only available when the output is 2-D (``output="stats"``).

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        return np.asarray(self._feature_names(), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _is_recording_list(X):
    """True for a list, tuple or object array of 1-D arrays (recordings of any lengths)."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        return False
    if not isinstance(X, (list, tuple, np.ndarray)) or len(X) == 0:
        return False
    return all(isinstance(x, np.ndarray) and x.ndim == 1 for x in X)
