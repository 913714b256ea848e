"""The shortcut audit: how well trivial properties of the recordings alone separate the classes."""

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import Interval, validate_params

from ..labels import spoof_label, spoof_scores
from ..utils._bounds import SAMPLE_RATE
from ..utils._validation import as_clip_list

__all__ = ["shortcut_audit", "audio_cues", "ShortcutWarning", "SHORTCUT_AUC_THRESHOLD"]


#: A cue whose ROC AUC reaches this separates the classes by itself.
SHORTCUT_AUC_THRESHOLD = 0.75


class ShortcutWarning(UserWarning):
    """A trivial property of the recordings separates real from fake.

    Raised by :func:`shortcut_audit` for every cue with ROC AUC of at least
    :data:`SHORTCUT_AUC_THRESHOLD`.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skdeepfake.benchmark import ShortcutWarning, shortcut_audit
    >>> X = [np.ones(8000 if i % 2 else 16000) for i in range(20)]  # length gives the class away
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", ShortcutWarning)  # make shortcuts fatal
    ...     try:
    ...         shortcut_audit(X, np.arange(20) % 2, cv=2)
    ...     except ShortcutWarning as w:
    ...         print(str(w)[:36])
    Shortcut: 'duration' alone separates
    """


# -- shortcut cues ---------------------------------------------------------------


def _cues_of_clip(y, sr, silence_db):
    n = len(y)
    rms = float(np.sqrt(np.mean(np.square(y, dtype=np.float64))))
    peak = float(np.max(np.abs(y))) if n else 0.0
    loud = np.flatnonzero(np.abs(y) > peak * 10 ** (silence_db / 20)) if peak > 0 else np.array([], int)
    lead = loud[0] if len(loud) else n
    trail = n - 1 - loud[-1] if len(loud) else n
    return {
        "duration": n / sr,
        "rms_db": 20 * np.log10(max(rms, 1e-10)),
        "leading_silence": lead / sr,
        "trailing_silence": trail / sr,
        "sample_rate": float(sr),
    }


def _cues_of_file(path, silence_db):
    from ..io import load_audio

    y, sr = load_audio(path)
    return _cues_of_clip(y, sr, silence_db)


@validate_params(
    {
        "X": "no_validation",
        "sr": [SAMPLE_RATE],
        "silence_db": [Interval(Real, None, 0, closed="right")],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def audio_cues(X, sr=16000, silence_db=-40.0, n_jobs=None):
    """Trivial properties of each recording, measured before any cropping.

    Parameters
    ----------
    X : sequence of paths, list of 1-D arrays or 2-D array
        Raw audio, as given to a pipeline.
    sr : int, default=16000
        Sample rate of waveform arrays (files carry their own).
    silence_db : float, default=-40.0
        Samples quieter than this, relative to the clip's peak, count as
        silence.
    n_jobs : int or None, default=None
        Parallel jobs for decoding files.

    Returns
    -------
    pandas.DataFrame
        Columns ``duration``, ``rms_db``, ``leading_silence``,
        ``trailing_silence`` (seconds) and ``sample_rate`` (Hz).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.benchmark import audio_cues
    >>> clip = np.r_[np.zeros(1600), np.ones(1600), np.zeros(800)]
    >>> audio_cues([clip]).round(2).iloc[0].tolist()
    [0.25, -3.98, 0.1, 0.05, 16000.0]
    """
    kind, clips = as_clip_list(X)
    if kind == "paths":
        rows = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(_cues_of_file)(p, silence_db) for p in clips)
    else:
        rows = [_cues_of_clip(np.asarray(c), sr, silence_db) for c in clips]
    return pd.DataFrame(rows)


def _cue_auc(values, y, train, test, pos):
    if np.ptp(values[train]) == 0:  # a constant cue cannot separate anything
        return 0.5
    tree = DecisionTreeClassifier(max_depth=3, random_state=0)
    tree.fit(values[train].reshape(-1, 1), y[train])
    scores, _ = spoof_scores(tree, values[test].reshape(-1, 1), pos_label=pos)
    return roc_auc_score(y[test] == pos, scores)


@validate_params(
    {
        "X": "no_validation",
        "y": ["array-like"],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "sr": [SAMPLE_RATE],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def shortcut_audit(X, y, *, cues=None, splits=None, cv=5, sr=16000, random_state=0, n_jobs=None):
    """How well each trivial cue alone separates real from fake.

    Each cue (clip duration, loudness, leading and trailing silence, sample
    rate) is given to a depth-3 decision tree under the same protocol as the
    models: the same train/test splits or the same stratified folds. A cue
    with a held-out ROC AUC of :data:`SHORTCUT_AUC_THRESHOLD` (0.75) or more
    is a shortcut: a model can score well by learning it instead of the
    voice. On FoR for-norm, clip duration is such a cue.

    Parameters
    ----------
    X : sequence of paths, list of 1-D arrays or 2-D array
        Raw audio.
    y : array-like of shape (n_samples,)
        Labels.
    cues : pandas.DataFrame or None, default=None
        Precomputed :func:`audio_cues`.
    splits : list of (train, test) index arrays or None, default=None
        The protocol's splits; ``None`` means stratified ``cv``-fold.
    cv : int, default=5
        Folds when ``splits`` is None.
    sr : int, default=16000
        Sample rate of waveform arrays.
    random_state : int, default=0
        Seeds the folds.
    n_jobs : int or None, default=None
        Parallel jobs for decoding files.

    Returns
    -------
    pandas.DataFrame
        One row per cue: ``roc_auc`` (mean over splits, folded so that 0.5
        is chance and 1 is perfect separation) and ``shortcut`` (bool).
        A :class:`ShortcutWarning` names every shortcut.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.benchmark import shortcut_audit
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=16000 if i % 2 else 8000) for i in range(40)]
    >>> y = np.arange(40) % 2
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     audit = shortcut_audit(X, y, cv=4)
    >>> bool(audit.loc["duration", "shortcut"]), bool(audit.loc["rms_db", "shortcut"])
    (True, False)
    """
    y = np.asarray(y)
    if cues is None:
        cues = audio_cues(X, sr=sr, n_jobs=n_jobs)
    if splits is None:
        folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        splits = list(folds.split(np.zeros(len(y)), y))
    pos = spoof_label(y)
    rows = {}
    for cue in cues.columns:
        values = cues[cue].to_numpy(dtype=float)
        aucs = [_cue_auc(values, y, train, test, pos) for train, test in splits]
        auc = float(np.mean(aucs))
        auc = max(auc, 1 - auc)
        rows[cue] = {"roc_auc": auc, "shortcut": auc >= SHORTCUT_AUC_THRESHOLD}
    audit = pd.DataFrame.from_dict(rows, orient="index")
    audit.index.name = "cue"
    for cue in audit.index[audit["shortcut"]]:
        warnings.warn(
            f"Shortcut: '{cue}' alone separates real from fake with ROC AUC "
            f"{audit.loc[cue, 'roc_auc']:.2f} (>= {SHORTCUT_AUC_THRESHOLD}). Models "
            "can score well by learning it instead of the voice; fix the data or "
            "load clips at a fixed length (AudioLoader(duration=...); on the command "
            "line --input excerpt) and check this cue's influence.",
            ShortcutWarning,
            stacklevel=2,
        )
    return audit


# -- results ------------------------------------------------------------------------
