"""Whole-recording detection: train on every window, score by aggregating windows.

:class:`WindowedClassifier` orchestrates; the windowing itself (bounds,
cutting, batches, streams, aggregation) is :mod:`skdeepfake.windows._windowing`,
the library's one implementation of it, which the pipeline factories
(``whole_recording=True``) and :func:`skdeepfake.scoring.score_files` use too.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..base import BinaryDetectorMixin
from ..io import MAX_DURATION, AudioBlocks
from ..labels import spoof_column, spoof_label, spoof_scores
from ..utils._bounds import SAMPLE_RATE, SECONDS
from ..utils._validation import as_clip_list, check_same_length, validate_params_if_changed
from ._windowing import (
    _BATCH_BYTES,
    AGGREGATES,
    HOP_SECONDS,
    MAX_OVERLAP,
    MIN_HOP,
    WINDOW_RANGE,
    WINDOW_SECONDS,
    _aggregate,
    _at_rate,
    _n_front_steps,
    _run_front,
    _weight_kwargs,
    batches,
    check_window_and_hop,
    stream_batches,
    window_bounds,
    windows_frame,
)

__all__ = [
    "WindowedClassifier",
    "window_bounds",
    "AGGREGATES",
    "WINDOW_RANGE",
    "MIN_HOP",
    "MAX_OVERLAP",
    "WINDOW_SECONDS",
    "HOP_SECONDS",
]


class WindowedClassifier(BinaryDetectorMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Classify whole recordings through windows of a fixed length.

    ``fit`` cuts every training recording into windows of ``window``
    seconds every ``hop`` seconds; each window inherits its recording's
    label, and the inner ``estimator`` is fitted on the windows, weighted so
    that every recording counts the same however long it is.
    ``predict_proba`` scores every window and aggregates the scores of each
    recording. Recordings shorter than one window become one repeat-padded
    window.

    Cross-validation over a WindowedClassifier splits recordings (X holds
    recordings), so no fold ever sees another fold's audio.

    Windows are featurised batch by batch (``batch_size``) by the leading
    steps of the inner Pipeline that learn nothing but the input length
    (:func:`~skdeepfake.features.fits_only_input_length`: the featurizers);
    every later step, such as a ``StandardScaler`` and the model, is fitted
    on the features of all windows. A sampler among the leading steps of an
    :class:`imblearn.pipeline.Pipeline`, such as
    :class:`~skdeepfake.augment.Augmenter`, adds its copies of each batch of
    training windows (each copy counts towards its recording's weight) and
    is skipped when predicting.

    Parameters
    ----------
    estimator : estimator
        A window-level classifier taking a 2-D array of waveforms, e.g. a
        featurizer + model pipeline without an AudioLoader. Tunable through
        ``estimator__<param>``.
    window : float, default=2.0
        Window length in seconds, within :data:`WINDOW_RANGE`.
    hop : float, default=1.0
        Seconds between window starts: at least :data:`MIN_HOP` and
        ``window / MAX_OVERLAP``, so that a recording's windows are bounded.
    sr : int, default=16000
        Sample rate: files are resampled to it, arrays are taken to be at it.
    aggregate : {"mean", "max", "median"} or callable, default="mean"
        How the windows' P(fake) combine into a recording's P(fake);
        ``"max"`` flags a recording by its most suspicious window.
    max_windows_per_recording : int or None, default=None
        At most this many windows (drawn at random) of each recording are
        used for training; all are used for prediction.
    weighting : {"recording", "window"}, default="recording"
        ``"recording"`` gives each recording a total weight of 1 spread over
        its windows; ``"window"`` weighs every window 1, so long recordings
        count more.
    batch_size : int, default=256
        Windows featurised and scored at once (fewer when they are long:
        a batch holds at most 64 MiB of waveforms); bounds working memory.
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of windows when ``max_windows_per_recording`` is set.
    max_duration : float or None, default=3600.0
        Files longer than this many seconds are refused
        (:class:`~skdeepfake.AudioLoadError`); ``None``: no limit.

    Attributes
    ----------
    estimator_ : estimator
        The fitted inner estimator.
    classes_ : ndarray of shape (2,)
        The labels.
    n_windows_ : int
        Windows the inner estimator was fitted on.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> data = make_synthetic_speech(n_samples=16, duration=(1.0, 5.0), random_state=0)
    >>> clf = make_xgb_pipeline(whole_recording=True, n_estimators=10, random_state=0)
    >>> clf.fit(data.data, data.target).predict_proba(data.data[:2]).shape
    (2, 2)
    >>> clf.predict_windows(data.data[:1]).columns.tolist()
    ['recording', 'start', 'end', 'p_fake']
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "window": [WINDOW_SECONDS],
        "hop": [HOP_SECONDS],
        "sr": [SAMPLE_RATE],
        "aggregate": [StrOptions(set(AGGREGATES)), callable],
        "max_windows_per_recording": [Interval(Integral, 1, None, closed="left"), None],
        "weighting": [StrOptions({"recording", "window"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "max_duration": [SECONDS, None],
    }

    # The default for instances from model files written before the parameter existed.
    max_duration = MAX_DURATION

    def __init__(
        self,
        estimator,
        window=2.0,
        hop=1.0,
        sr=16000,
        aggregate="mean",
        max_windows_per_recording=None,
        weighting="recording",
        batch_size=256,
        random_state=None,
        max_duration=MAX_DURATION,
    ):
        self.estimator = estimator
        self.window = window
        self.hop = hop
        self.sr = sr
        self.aggregate = aggregate
        self.max_windows_per_recording = max_windows_per_recording
        self.weighting = weighting
        self.batch_size = batch_size
        self.random_state = random_state
        self.max_duration = max_duration

    # -- windowing ---------------------------------------------------------------

    @property
    def _n_window(self):
        return max(int(round(self.window * self.sr)), 1)

    def _recording(self, kind, clip):
        if kind == "paths":
            # AudioBlocks, not load_audio: its checks without validating arguments once per file.
            with AudioBlocks(clip, self.sr, max_duration=self.max_duration) as blocks:
                return blocks.read_all()
        return np.asarray(clip, dtype=np.float32)

    def _validate_params(self):
        # Also run where parameters are checked alone: when a model file is loaded.
        super()._validate_params()
        check_window_and_hop(self.window, self.hop)

    def _iter_windows(self, X, rng=None):
        """Yield (recording index, bounds, y) recording by recording; windows are cut later."""
        kind, clips = as_clip_list(X)
        cap = self.max_windows_per_recording  # in fit only (rng given)
        for i, clip in enumerate(clips):
            y = self._recording(kind, clip)
            bounds = window_bounds(len(y), self.sr, self.window, self.hop)
            if rng is not None and cap and len(bounds) > cap:
                bounds = [bounds[k] for k in np.sort(rng.choice(len(bounds), cap, replace=False))]
            yield i, bounds, y

    def _iter_batches(self, X, rng=None):
        """Yield (recording indices, bounds, windows) in batches: batch_size windows, 64 MiB at most."""
        yield from batches(self._iter_windows(X, rng), self._n_window, self._batch_limit)

    @property
    def _batch_limit(self):
        return max(1, min(self.batch_size, _BATCH_BYTES // (4 * self._n_window)))

    # -- fit -------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the inner estimator on every window of every recording.

        Parameters
        ----------
        X : sequence of paths, list of 1-D arrays or 2-D array
            Recordings of any lengths.
        y : array-like of shape (n_recordings,)
            Labels of the recordings.
        sample_weight : array-like of shape (n_recordings,), default=None
            Weights of the recordings.

        Returns
        -------
        self : WindowedClassifier
            The fitted classifier.
        """
        _, clips = as_clip_list(X)
        check_same_length(clips, y)
        y = np.asarray(y)
        self._fit_classes(y)
        spoof_label(self.classes_)  # the windows' P(fake) must be one class's column
        rec_weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        if rec_weight.shape != y.shape:
            raise ValueError(f"sample_weight has shape {rec_weight.shape}; expected {y.shape}.")
        rng = check_random_state(self.random_state)

        estimator = clone(self.estimator)
        n_front = _n_front_steps(estimator)
        front = estimator[:n_front] if n_front else None
        rest = estimator[n_front:] if n_front else estimator
        owners, features, rngs = [], [], {}
        for batch_owners, _, windows in self._iter_batches(X, rng):
            if front is not None:  # featurise now, batch by batch, and keep only features
                windows, batch_owners = _run_front(front, windows, batch_owners, y, bool(features), rngs)
            owners.append(batch_owners)
            features.append(windows)
        owners = np.concatenate(owners)
        features = np.concatenate(features)
        fit_kwargs = _weight_kwargs(rest, owners, rec_weight, self.weighting)
        # Every step that learns from the data (a scaler, the model) sees all windows.
        rest.fit(features, y[owners], **fit_kwargs)
        self.estimator_ = estimator
        self.n_windows_ = len(owners)
        return self

    # -- predict ------------------------------------------------------------------------

    def predict_windows(self, X, sr=None):
        """The score of every window of every recording.

        Parameters
        ----------
        X : sequence of paths, list of 1-D arrays or 2-D array
            Recordings. Files are resampled to ``self.sr``.
        sr : int or None, default=None
            The sample rate of waveform arrays in X, when it is not
            ``self.sr``: they are resampled (soxr) before windowing. None
            takes them to be at ``self.sr``.

        Returns
        -------
        pandas.DataFrame
            Columns ``recording`` (index into X), ``start`` and ``end``
            (seconds) and ``p_fake`` (the probability of the spoofed class,
            :func:`skdeepfake.labels.spoof_column`).
        """
        check_is_fitted(self)
        validate_params_if_changed(self)  # window and hop may have been set since fit
        X = _at_rate(X, sr, self.sr)
        owners, bounds, scores = [], [], []
        for batch_owners, batch_bounds, windows in self._iter_batches(X):
            owners.append(batch_owners)
            bounds += batch_bounds
            scores.append(spoof_scores(self.estimator_, windows)[0])
        return windows_frame(np.concatenate(owners), bounds, np.concatenate(scores), self.sr)

    def predict_windows_stream(self, blocks):
        """The score of every window of one recording read block by block.

        The same windows and scores as :meth:`predict_windows` gives for the
        whole recording, holding no more than a batch of windows: an
        hour-long file costs what a short one does.

        Parameters
        ----------
        blocks : iterable of 1-D float32 arrays
            The recording's samples at ``sr``, in order (e.g. an
            :class:`~skdeepfake.io.AudioBlocks`).

        Returns
        -------
        pandas.DataFrame
            As :meth:`predict_windows`, for one recording (``recording`` 0).
        """
        check_is_fitted(self)
        validate_params_if_changed(self)
        step = max(int(round(self.hop * self.sr)), 1)
        bounds, scores = [], []
        for part, windows in stream_batches(blocks, self._n_window, step, self._batch_limit):
            bounds += part
            scores.append(spoof_scores(self.estimator_, windows)[0])
        return windows_frame(np.zeros(len(bounds), int), bounds, np.concatenate(scores), self.sr)

    def predict_proba(self, X, sr=None):
        """Per-recording class probabilities, aggregated over windows.

        Parameters
        ----------
        X : sequence of paths, list of 1-D arrays or 2-D array
            Recordings.
        sr : int or None, default=None
            The sample rate of waveform arrays in X (see :meth:`predict_windows`).

        Returns
        -------
        ndarray of shape (n_recordings, 2)
            Columns in ``classes_`` order.
        """
        return self.aggregate_windows(self.predict_windows(X, sr=sr))

    def aggregate_windows(self, windows):
        """Per-recording class probabilities from :meth:`predict_windows` output.

        Parameters
        ----------
        windows : pandas.DataFrame
            As returned by :meth:`predict_windows`.

        Returns
        -------
        ndarray of shape (n_recordings, 2)
            Columns in ``classes_`` order.
        """
        check_is_fitted(self)
        fn = AGGREGATES.get(self.aggregate, self.aggregate)
        # Aggregate the spoofed class's scores ("max" = the most suspicious window).
        spoof = _aggregate(windows["recording"].to_numpy(), windows["p_fake"].to_numpy(), fn)
        proba = np.empty((len(spoof), 2))
        column = spoof_column(self.classes_)
        proba[:, column] = spoof
        proba[:, 1 - column] = 1.0 - spoof
        return proba

    @classmethod
    def from_fitted(cls, estimator, **params):
        """Wrap an already fitted window-level estimator, for prediction.

        Parameters
        ----------
        estimator : fitted estimator
            Takes 2-D arrays of ``window``-second waveforms at ``sr``.
        **params
            Parameters of the WindowedClassifier (``window``, ``hop``,
            ``sr``, ``aggregate``...).

        Returns
        -------
        WindowedClassifier
            Ready to predict; fitting it again refits a clone of
            ``estimator``.
        """
        check_is_fitted(estimator)
        windowed = cls(estimator, **params)
        windowed._validate_params()
        windowed.estimator_ = estimator
        windowed.classes_ = np.asarray(estimator.classes_)
        spoof_label(windowed.classes_)
        return windowed

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
