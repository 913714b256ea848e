"""Scoring recordings longer than a model's input, window by window."""

import numpy as np
import pandas as pd

__all__ = ["window_bounds", "predict_windows", "predict_recording", "AGGREGATES"]

#: How window scores combine into one score per recording.
AGGREGATES = {"mean": np.mean, "max": np.max, "median": np.median}


def window_bounds(n_samples, sr, window, hop):
    """Start and end sample of each analysis window of a recording.

    Windows of ``window`` seconds start every ``hop`` seconds; a last window
    is aligned to the end of the recording so that no tail goes unscored. A
    recording shorter than one window is one (short) window.

    Parameters
    ----------
    n_samples : int
        Length of the recording in samples.
    sr : int
        Sample rate.
    window, hop : float
        Window length and hop, in seconds.

    Returns
    -------
    list of (int, int)

    Examples
    --------
    >>> from skdeepfake.windows import window_bounds
    >>> window_bounds(50, 10, window=2.0, hop=1.0)
    [(0, 20), (10, 30), (20, 40), (30, 50)]
    >>> window_bounds(45, 10, window=2.0, hop=1.0)
    [(0, 20), (10, 30), (20, 40), (25, 45)]
    >>> window_bounds(5, 10, window=2.0, hop=1.0)
    [(0, 5)]
    """
    if window <= 0 or hop <= 0:
        raise ValueError(f"window and hop must be positive seconds, got {window!r} and {hop!r}.")
    win = max(int(round(window * sr)), 1)
    step = max(int(round(hop * sr)), 1)
    if n_samples <= win:
        return [(0, n_samples)]
    starts = list(range(0, n_samples - win + 1, step))
    if starts[-1] + win < n_samples:
        starts.append(n_samples - win)
    return [(s, s + win) for s in starts]


def _fake_column(pipeline):
    from .metrics import _positive_label

    classes = list(pipeline.classes_)
    return classes.index(_positive_label(classes, None))


def predict_windows(pipeline, y, window=None, hop=None, batch_size=64):
    """P(fake) of every window of one recording.

    Parameters
    ----------
    pipeline : fitted Pipeline
        A skdeepfake pipeline whose first step is an
        :class:`~skdeepfake.AudioLoader`; its ``sr`` and ``duration`` are the
        rate of ``y`` and the default window.
    y : ndarray of shape (n_samples,)
        The recording, mono, at the loader's sample rate.
    window : float or None, default=None
        Window length in seconds; ``None`` means the loader's ``duration``.
    hop : float or None, default=None
        Hop in seconds; ``None`` means half a window.
    batch_size : int, default=64
        Windows scored at once.

    Returns
    -------
    pandas.DataFrame
        Columns ``start`` and ``end`` (seconds) and ``p_fake``.
    """
    loader = pipeline.steps[0][1]
    sr = loader.sr
    window = loader.duration if window is None else window
    hop = window / 2 if hop is None else hop
    bounds = window_bounds(len(y), sr, window, hop)
    column = _fake_column(pipeline)
    scores = []
    for i in range(0, len(bounds), batch_size):
        chunk = [y[s:e] for s, e in bounds[i : i + batch_size]]
        scores.append(pipeline.predict_proba(chunk)[:, column])
    bounds = np.asarray(bounds, dtype=float)
    return pd.DataFrame(
        {"start": bounds[:, 0] / sr, "end": bounds[:, 1] / sr, "p_fake": np.concatenate(scores)}
    )


def predict_recording(pipeline, y, window=None, hop=None, aggregate="mean"):
    """One P(fake) for a whole recording, aggregated over its windows.

    Parameters
    ----------
    pipeline : fitted Pipeline
        See :func:`predict_windows`.
    y : ndarray of shape (n_samples,)
        The recording at the loader's sample rate.
    window, hop : float or None
        See :func:`predict_windows`.
    aggregate : {"mean", "max", "median"} or callable, default="mean"
        How window scores combine.

    Returns
    -------
    p_fake : float
    windows : pandas.DataFrame
        The per-window scores.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> from skdeepfake.windows import predict_recording
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> pipe = make_xgb_pipeline(n_estimators=10, random_state=0).fit(data.data, data.target)
    >>> long = np.concatenate(data.data[:5])  # 10 s
    >>> p, windows = predict_recording(pipe, long, window=2.0, hop=1.0)
    >>> len(windows), 0.0 <= p <= 1.0
    (9, True)
    """
    fn = AGGREGATES.get(aggregate, aggregate)
    if not callable(fn):
        raise ValueError(f"aggregate must be one of {sorted(AGGREGATES)} or a callable, got {aggregate!r}.")
    windows = predict_windows(pipeline, y, window=window, hop=hop)
    return float(fn(windows["p_fake"].to_numpy())), windows
