"""Each recording's verdict, "real", "fake" or "uncertain", from any fitted detector."""

import os
from numbers import Real

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

from ..io import AudioBlocks, AudioLoader, AudioLoadError, band_limited
from ..labels import spoof_scores

__all__ = ["verdicts", "threshold_verdicts", "abstain_if_short", "abstain_if_band_limited", "can_abstain"]


@validate_params(
    {
        "model": [HasMethods(["predict_proba"])],
        "X": "no_validation",
        "threshold": [Interval(Real, 0, 1, closed="both"), None],
    },
    prefer_skip_nested_validation=True,
)
def verdicts(model, X, threshold=None):
    """Each recording's label (``"real"``, ``"fake"`` or ``"uncertain"``) and reason, from any fitted detector.

    A detector ending in an :class:`AbstainingDetector` (a pipeline's last
    step, or the detector itself; any estimator with a ``verdict`` method)
    gives its own verdicts; any other is
    labelled by ``threshold`` on P(fake) and never abstains. When the
    abstaining step has a ``min_duration`` and ``X`` holds recordings (file
    paths or waveforms at the pipeline loader's ``sr``), shorter recordings
    are ``"uncertain"`` too (:func:`abstain_if_short`); when it has a
    ``min_bandwidth`` and the pipeline starts with an
    :class:`~skdeepfake.AudioLoader`, so are the recordings whose loaded
    waveform holds nothing above it (:func:`abstain_if_band_limited`).

    Parameters
    ----------
    model : fitted detector
    X : its input (file paths, waveforms or feature rows)
    threshold : float or None, default=None
        Label as fake when P(fake) >= threshold (0.5 when None). Given
        explicitly, it replaces an abstaining detector's own decision
        between real and fake; the detector still abstains.

    Returns
    -------
    Bunch
        ``p_fake``, ``label`` and ``reason``, arrays of shape (n_samples,).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdeepfake.calibration import verdicts
    >>> X, y = np.array([[0.0], [1.0], [0.2], [0.8]]), np.array([0, 1, 0, 1])
    >>> verdicts(LogisticRegression().fit(X, y), X).label.tolist()
    ['real', 'fake', 'real', 'fake']
    """
    last, head = _last_step(model)
    if can_abstain(model):
        loader = head[0] if head is not None and isinstance(head[0], AudioLoader) else None
        # Decoded once: the loader's waveforms feed both the rest of the head and the bandwidth rule.
        waveforms = None if loader is None else loader.transform(X)
        if head is None:
            Xt = X
        elif loader is None:
            Xt = head.transform(X)
        else:
            Xt = waveforms if len(head) == 1 else head[1:].transform(waveforms)
        found = last.verdict(Xt)
        if threshold is not None:
            decided = found.label != "uncertain"
            found.label[decided] = np.where(found.p_fake[decided] >= threshold, "fake", "real")
        found = Bunch(p_fake=found.p_fake, label=found.label, reason=found.reason)
        if getattr(last, "min_bandwidth", None) is not None and loader is not None:
            limited = band_limited(waveforms, sr=loader.sr, cutoff=last.min_bandwidth)
            found = abstain_if_band_limited(found, limited, last.min_bandwidth)
        if getattr(last, "min_duration", None) is not None and head is not None:
            found = abstain_if_short(found, _durations(X, getattr(head[0], "sr", None)), last.min_duration)
        return found
    return threshold_verdicts(spoof_scores(model, X)[0], threshold)


@validate_params(
    {"p_fake": ["array-like"], "threshold": [Interval(Real, 0, 1, closed="both"), None]},
    prefer_skip_nested_validation=True,
)
def threshold_verdicts(p_fake, threshold=None):
    """Verdicts of scores that cannot abstain: "fake" at P(fake) >= threshold (0.5 when None), else "real".

    Parameters
    ----------
    p_fake : array-like of shape (n_samples,)
    threshold : float or None, default=None

    Returns
    -------
    Bunch
        ``p_fake``, ``label`` and ``reason`` (all None), as :func:`verdicts`.

    Examples
    --------
    >>> from skdeepfake.calibration import threshold_verdicts
    >>> threshold_verdicts([0.2, 0.7], threshold=0.6).label.tolist()
    ['real', 'fake']
    """
    p_fake = np.asarray(p_fake, dtype=np.float64)
    cut = 0.5 if threshold is None else threshold
    label = np.where(p_fake >= cut, "fake", "real").astype(object)
    return Bunch(p_fake=p_fake, label=label, reason=np.full(len(p_fake), None, dtype=object))


@validate_params({"model": [HasMethods(["predict_proba"])]}, prefer_skip_nested_validation=True)
def can_abstain(model):
    """Whether ``model`` gives its own verdicts, ``"uncertain"`` included, rather than a threshold's.

    True when it, or a pipeline's last step, has a ``verdict`` method (an
    :class:`AbstainingDetector`): :func:`verdicts` then asks it, and scoring
    judges each recording whole with it instead of averaging windows.

    Parameters
    ----------
    model : fitted detector

    Returns
    -------
    bool

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdeepfake.calibration import AbstainingDetector, can_abstain
    >>> can_abstain(LogisticRegression()), can_abstain(AbstainingDetector(LogisticRegression()))
    (False, True)
    """
    return callable(getattr(_last_step(model)[0], "verdict", None))


def _last_step(model):
    """(final estimator, the steps before it as a pipeline or None)."""
    steps = getattr(model, "steps", None)
    if steps:
        return steps[-1][1], model[:-1]
    return model, None


@validate_params(
    {
        "found": [Bunch],
        "durations": ["array-like"],
        "min_duration": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def abstain_if_short(found, durations, min_duration):
    """Verdicts with every recording shorter than ``min_duration`` seconds made ``"uncertain"``.

    The rule of :class:`AbstainingDetector`'s ``min_duration``, in one
    place: :func:`verdicts` applies it, and so can a benchmark that has the
    verdicts and the durations apart. A NaN duration (unknown) is left as it is.

    Parameters
    ----------
    found : Bunch
        ``p_fake``, ``label`` and ``reason``, as :func:`verdicts` returns.
    durations : array-like of shape (n_samples,)
        Seconds of audio in each recording.
    min_duration : float

    Returns
    -------
    Bunch
        The same fields, labels and reasons replaced where too short.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.calibration import abstain_if_short, threshold_verdicts
    >>> found = abstain_if_short(threshold_verdicts([0.9, 0.9]), [0.8, 3.0], min_duration=2.0)
    >>> found.label.tolist()
    ['uncertain', 'fake']
    >>> found.reason[0]
    'too short: 0.80 s of audio, under the 2 s this detector judges'
    """
    durations = np.asarray(durations, dtype=np.float64)
    short = np.flatnonzero(durations < min_duration)
    return _abstain(
        found,
        short,
        [
            f"too short: {durations[i]:.2f} s of audio, under the {min_duration:g} s this detector judges"
            for i in short
        ],
    )


@validate_params(
    {
        "found": [Bunch],
        "limited": ["array-like"],
        "min_bandwidth": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def abstain_if_band_limited(found, limited, min_bandwidth):
    """Verdicts with every band-limited recording made ``"uncertain"``.

    The rule of :class:`AbstainingDetector`'s ``min_bandwidth``:
    :func:`verdicts` applies it with ``limited`` from
    :func:`skdeepfake.io.band_limited` (``cutoff=min_bandwidth``) on the
    waveforms the pipeline's loader gives; a benchmark that has the verdicts
    and that mask apart applies it the same way.

    Parameters
    ----------
    found : Bunch
        ``p_fake``, ``label`` and ``reason``, as :func:`verdicts` returns.
    limited : array-like of bool, shape (n_samples,)
        Which recordings hold (almost) nothing above ``min_bandwidth`` Hz.
    min_bandwidth : float
        Hz, for the reason.

    Returns
    -------
    Bunch
        The same fields, labels and reasons replaced where band-limited.

    Examples
    --------
    >>> from skdeepfake.calibration import abstain_if_band_limited, threshold_verdicts
    >>> found = abstain_if_band_limited(threshold_verdicts([0.9, 0.9]), [True, False], 4000)
    >>> found.label.tolist()
    ['uncertain', 'fake']
    >>> found.reason[0]
    'band-limited: nothing above 4000 Hz (telephone or 8-kHz audio), which this detector was not calibrated on'
    """
    where = np.flatnonzero(np.asarray(limited, dtype=bool))
    reason = (
        f"band-limited: nothing above {min_bandwidth:g} Hz (telephone or 8-kHz audio), "
        "which this detector was not calibrated on"
    )
    return _abstain(found, where, [reason] * len(where))


def _abstain(found, where, reasons):
    """``found`` with the recordings at ``where`` made "uncertain" for ``reasons``."""
    label, reason = found.label.copy(), found.reason.copy()
    label[where] = "uncertain"
    for i, why in zip(where, reasons):
        reason[i] = why
    return Bunch(p_fake=found.p_fake, label=label, reason=reason)


def _durations(X, sr):
    """Seconds of each recording: waveforms at ``sr``, or files (from their headers); NaN where unknown."""
    if not (isinstance(X, (list, tuple)) or getattr(X, "ndim", 0) == 1):
        return np.full(len(X), np.nan)  # a 2-D array of fixed-length rows: no recording lengths to see
    return np.array([_duration(x, sr) for x in X])


def _duration(x, sr):
    if isinstance(x, (str, os.PathLike)):
        try:  # the header only, through io's checks of what a file may be
            with AudioBlocks(x) as blocks:
                return blocks.n_read / blocks.orig_sr
        except AudioLoadError:
            return np.nan
    if sr is not None and np.ndim(x) == 1:
        return len(x) / sr
    return np.nan
