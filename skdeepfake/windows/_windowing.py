"""Windows of a recording: their bounds, cutting, batching and the aggregation of their scores.

The one implementation of windowing; :class:`~skdeepfake.windows.WindowedClassifier`
orchestrates, these functions do the work (as scikit-learn's
``calibration.py`` splits a meta-estimator from its helpers).
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import has_fit_parameter

from ..io import fix_length
from ..utils._bounds import MAX_SECONDS, SAMPLE_RATE
from ..utils._validation import as_clip_list

__all__ = [
    "window_bounds",
    "AGGREGATES",
    "WINDOW_RANGE",
    "MIN_HOP",
    "MAX_OVERLAP",
    "WINDOW_SECONDS",
    "HOP_SECONDS",
]

#: How window scores combine into one score per recording.
AGGREGATES = {"mean": np.mean, "max": np.max, "median": np.median}
#: Shortest and longest window, in seconds.
WINDOW_RANGE = (0.01, 600.0)
#: Shortest hop, in seconds: at most 100 windows start each second.
MIN_HOP = 0.01
#: At most this many windows overlap at any instant (hop >= window / MAX_OVERLAP).
MAX_OVERLAP = 100
_BATCH_BYTES = 2**26  # waveform bytes of a batch of windows, whatever batch_size says
#: The constraint on a window length (seconds), for validate_params.
WINDOW_SECONDS = Interval(Real, WINDOW_RANGE[0], WINDOW_RANGE[1], closed="both")
#: The constraint on a hop (seconds), for validate_params.
HOP_SECONDS = Interval(Real, MIN_HOP, MAX_SECONDS, closed="both")


def check_window_and_hop(window, hop, what="WindowedClassifier"):
    """Raise a ValueError naming both unless ``hop`` is at least ``window / MAX_OVERLAP``.

    Together with the ranges of ``window`` and ``hop`` this bounds the
    number of windows a recording gives, and so the work and memory of
    scoring it, whatever file or model file asks for more.
    """
    if hop < window / MAX_OVERLAP:
        raise ValueError(
            f"{what}: hop={hop:g} s is too short for window={window:g} s: at most {MAX_OVERLAP} "
            f"windows may overlap, so hop must be at least window / {MAX_OVERLAP} = "
            f"{window / MAX_OVERLAP:g} s."
        )


@validate_params(
    {
        "n_samples": [Interval(Integral, 0, None, closed="left")],
        "sr": [SAMPLE_RATE],
        "window": [WINDOW_SECONDS],
        "hop": [HOP_SECONDS],
    },
    prefer_skip_nested_validation=True,
)
def window_bounds(n_samples, sr, window, hop):
    """Start and end sample of each analysis window of a recording.

    Windows of ``window`` seconds start every ``hop`` seconds; a last window
    is aligned to the end of the recording so that no tail goes unscored. A
    recording shorter than one window is one window (repeat-padded later).

    Parameters
    ----------
    n_samples : int
        Length of the recording in samples.
    sr : int
        Sample rate.
    window : float
        Window length in seconds, within :data:`WINDOW_RANGE`.
    hop : float
        Seconds between window starts, at least :data:`MIN_HOP` and
        ``window / MAX_OVERLAP``.

    Returns
    -------
    list of (int, int)

    Examples
    --------
    >>> from skdeepfake.windows import window_bounds
    >>> window_bounds(50, 1000, window=0.02, hop=0.01)
    [(0, 20), (10, 30), (20, 40), (30, 50)]
    >>> window_bounds(45, 1000, window=0.02, hop=0.01)
    [(0, 20), (10, 30), (20, 40), (25, 45)]
    >>> window_bounds(5, 1000, window=0.02, hop=0.01)
    [(0, 5)]
    """
    check_window_and_hop(window, hop, "window_bounds")
    win = max(int(round(window * sr)), 1)
    step = max(int(round(hop * sr)), 1)
    if n_samples <= win:
        return [(0, n_samples)]
    starts = list(range(0, n_samples - win + 1, step))
    if starts[-1] + win < n_samples:
        starts.append(n_samples - win)
    return [(s, s + win) for s in starts]


def _aggregate(recording, scores, fn):
    """``fn`` of the scores of each recording, recordings in increasing order."""
    order = np.argsort(recording, kind="stable")
    recording, scores = recording[order], scores[order]
    starts = np.flatnonzero(np.r_[True, recording[1:] != recording[:-1]])
    # The named aggregates as one numpy call each: this runs for every batch
    # of the command line's predict.
    if fn is np.mean:
        return np.add.reduceat(scores, starts) / np.diff(np.r_[starts, len(scores)])
    if fn is np.max:
        return np.maximum.reduceat(scores, starts)
    return np.array([fn(part) for part in np.split(scores, starts[1:])], dtype=float)


def windows_frame(owners, bounds, scores, sr):
    """The table of window scores: ``recording`` (owner), ``start`` and ``end`` (seconds), ``p_fake``."""
    bounds = np.asarray(bounds, float).reshape(-1, 2)
    return pd.DataFrame(
        {"recording": owners, "start": bounds[:, 0] / sr, "end": bounds[:, 1] / sr, "p_fake": scores}
    )


def _n_front_steps(estimator):
    """Leading steps of a Pipeline that may run batch by batch (never the last).

    Those that learn only the input length (featurizers) and samplers such as
    :class:`~skdeepfake.augment.Augmenter`, which learn nothing: the ``front``
    of :func:`~skdeepfake.pipelines.detector_parts`.
    """
    from ..pipelines import detector_parts

    if not isinstance(estimator, Pipeline):
        return 0
    parts = detector_parts(estimator)
    return len(parts.front) + (parts.loader is not None and parts.loader == estimator.steps[0])


def _run_front(front, windows, owners, labels, fitted, rngs):
    """One training batch through the leading steps; samplers add their copies.

    A sampler is cloned for each batch and drawn from one generator per
    sampler (``rngs``), so that batches get different copies; its
    ``sample_indices_`` say which window each copy comes from.
    """
    from ..pipelines import is_sampler

    for name, step in front.steps:
        if is_sampler(step):
            sampler = clone(step).set_params(
                random_state=rngs.setdefault(name, check_random_state(step.get_params().get("random_state")))
            )
            windows, _ = sampler.fit_resample(windows, labels[owners])
            if not hasattr(sampler, "sample_indices_"):
                raise ValueError(
                    f"WindowedClassifier: the sampler {name!r} does not say which window "
                    "each of its samples comes from (no sample_indices_)."
                )
            owners = owners[sampler.sample_indices_]
            continue
        if not fitted:
            step.fit(windows)  # it learns nothing but the window length
        windows = step.transform(windows)
    return windows, owners


def _cut(y, bounds, n_window):
    """The windows of ``y`` as a 2-D array; a short recording is repeat-padded."""
    # Only a recording shorter than a window gives a short one; fix_length validates, so only then.
    windows = [y[s:e] if e - s == n_window else fix_length(y[s:e], n_window) for s, e in bounds]
    return np.stack(windows).astype(np.float32, copy=False)


def batches(recordings, n_window, limit):
    """Batches of at most ``limit`` windows from ``(index, bounds, y)`` of each recording.

    Yields ``(owners, bounds, windows)``. A long recording's windows are cut
    batch by batch, so that memory does not grow with its length or the
    windows' overlap.
    """
    owners, bounds, chunks, size = [], [], [], 0
    for i, b, y in recordings:
        pos = 0
        while pos < len(b):
            part = b[pos : pos + limit - size]
            pos += len(part)
            owners += [i] * len(part)
            bounds += part
            chunks.append(_cut(y, part, n_window))
            size += len(part)
            if size >= limit:
                yield np.asarray(owners), bounds, np.concatenate(chunks)
                owners, bounds, chunks, size = [], [], [], 0
    if chunks:
        yield np.asarray(owners), bounds, np.concatenate(chunks)


def stream_batches(blocks, n_window, step, limit):
    """Batches ``(bounds, windows)`` of one recording read block by block.

    The windows and bounds of :func:`window_bounds` for the whole
    recording, while holding only the samples of the windows not yet cut.
    """
    buffer, offset, next_start, pending, any_yielded = np.empty(0, np.float32), 0, 0, [], False

    def cut(starts, ends):
        return list(zip(starts, ends)), _cut(
            buffer, [(a - offset, b - offset) for a, b in zip(starts, ends)], n_window
        )

    for block in blocks:
        buffer = np.concatenate([buffer, np.asarray(block, dtype=np.float32)])
        while next_start + n_window <= offset + len(buffer):
            pending.append(next_start)
            next_start += step
            if len(pending) == limit:
                yield cut(pending, [a + n_window for a in pending])
                any_yielded, last_start, pending = True, pending[-1], []
        keep = min(pending[0] if pending else next_start, offset + len(buffer) - n_window)
        if keep > offset:  # the last window's samples stay, for the end-aligned window
            buffer, offset = buffer[keep - offset :], keep
    n = offset + len(buffer)
    if n <= n_window and not (pending or any_yielded):  # shorter than a window: one, repeat-padded
        yield cut([0], [n])
        return
    last = pending[-1] if pending else last_start
    if last + n_window < n:  # a last window aligned to the end, as window_bounds does
        pending.append(n - n_window)
    if pending:
        yield cut(pending, [a + n_window for a in pending])


def _weight_kwargs(rest, owners, rec_weight, weighting):
    """The fit keyword giving each window its recording's weight (shared among its windows)."""
    weights = rec_weight[owners]
    if weighting == "recording":
        weights = weights / np.bincount(owners, minlength=len(rec_weight))[owners]
    if np.allclose(weights, weights[0]):
        return {}
    final = rest.steps[-1][1] if isinstance(rest, Pipeline) else rest
    if not has_fit_parameter(final, "sample_weight"):
        raise ValueError(
            f"{type(final).__name__}.fit takes no sample_weight, which "
            "weighting='recording' needs for recordings with different numbers of "
            "windows; use weighting='window'."
        )
    key = f"{rest.steps[-1][0]}__sample_weight" if isinstance(rest, Pipeline) else "sample_weight"
    return {key: weights / weights.mean()}


def _at_rate(X, sr, target):
    """X with its waveform arrays resampled from ``sr`` to ``target`` (files as they are)."""
    if sr is None or sr == target:
        return X
    import soxr

    kind, clips = as_clip_list(X)
    if kind == "paths":
        return X
    return [
        soxr.resample(np.asarray(c, np.float32), sr, target, quality="HQ").astype(np.float32) for c in clips
    ]
