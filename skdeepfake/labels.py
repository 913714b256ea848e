"""Which class is the spoofed one: the library's one rule.

Labels: ``1`` or ``"fake"`` is spoofed, ``0`` or ``"real"`` is bona fide.
The spellings of the ASVspoof, In-the-Wild and FoR corpora are recognised
too, in any case: ``"spoof"``/``"spoofed"`` against ``"bonafide"``,
``"bona-fide"``, ``"bona fide"``, ``"bona_fide"`` or ``"genuine"``. Any
other pair of labels is refused wherever a score must be read as P(fake):
in :class:`~skdeepfake.windows.WindowedClassifier`, the scorers and metrics
(unless ``pos_label`` names the spoofed class), the benchmark, the command
line and model files. Map such labels to 0/1 first (1 = spoofed).

Classifiers order ``predict_proba``'s columns by ``classes_``, as in
scikit-learn; :func:`spoof_column` says which column is P(fake).
"""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

__all__ = [
    "SPOOF_NAMES",
    "BONA_FIDE_NAMES",
    "spoof_label",
    "spoof_column",
    "spoof_scores",
    "log_odds",
    "clipped_log_odds",
    "LOG_ODDS_EPS",
    "proba_columns",
    "LabelOrderWarning",
    "warn_if_spoof_first",
]


class LabelOrderWarning(UserWarning):
    """The spoofed label sorts first, so ``predict_proba(X)[:, 1]`` is P(real), not P(fake)."""


#: Probabilities are clipped to [LOG_ODDS_EPS, 1 - LOG_ODDS_EPS] before their log-odds are taken,
#: so that a score of exactly 0 or 1 (float32 rounds 1 - 1e-8 to 1) gives +-16.1, not infinity.
LOG_ODDS_EPS = 1e-7

#: Label spellings of the spoofed class (compared in lower case).
SPOOF_NAMES = frozenset({"fake", "spoof", "spoofed"})
#: Label spellings of the bona fide class (compared in lower case).
BONA_FIDE_NAMES = frozenset({"real", "bonafide", "bona-fide", "bona fide", "bona_fide", "genuine"})


def _kind(label):
    if isinstance(label, (bool, np.bool_)):
        return None
    if isinstance(label, (int, np.integer, float, np.floating)):
        return {0: "bona fide", 1: "spoof"}.get(label)
    if isinstance(label, str):
        name = label.strip().lower()
        return "spoof" if name in SPOOF_NAMES else "bona fide" if name in BONA_FIDE_NAMES else None
    return None


@validate_params(
    {"labels": ["array-like"], "pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def spoof_label(labels, pos_label=None):
    """The label of the spoofed class among ``labels``.

    Parameters
    ----------
    labels : array-like
        The labels (or the classes) of a binary problem.
    pos_label : label or None, default=None
        Declare the spoofed class explicitly; it must be among ``labels``.

    Returns
    -------
    label
        An element of ``labels``.

    Raises
    ------
    ValueError
        If the labels are not two, or the pair is not one of the library's
        conventions and ``pos_label`` is None; the message names the labels.

    Examples
    --------
    >>> from skdeepfake.labels import spoof_label
    >>> spoof_label([0, 1, 1]), spoof_label(["bonafide", "spoof"]), spoof_label(["Real", "Fake"])
    (1, 'spoof', 'Fake')
    >>> spoof_label(["human", "deepfake"], pos_label="deepfake")
    'deepfake'
    """
    classes = np.unique(np.asarray(labels))
    values = classes.tolist()
    if pos_label is not None:
        if pos_label not in values:
            raise ValueError(f"pos_label={pos_label!r} is not among the labels {values}.")
        return values[values.index(pos_label)]
    if len(classes) != 2:
        raise ValueError(
            f"Expected the two classes bona fide and spoofed; got {len(classes)} label(s): {values[:5]}."
        )
    kinds = [_kind(label) for label in values]
    if sorted(kinds, key=str) != ["bona fide", "spoof"]:
        raise ValueError(
            f"Cannot tell which of the labels {values} is the spoofed class: skdeepfake "
            "reads 1/0, 'fake'/'real' and 'spoof'/'bonafide' (ASVspoof spellings). Map your "
            "labels to 0/1 with 1 = spoofed (e.g. y = (y == 'deepfake').astype(int)), or "
            "pass pos_label= where a function takes it."
        )
    return values[kinds.index("spoof")]


@validate_params(
    {"classes": ["array-like"], "pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def spoof_column(classes, pos_label=None):
    """Index of the spoofed class in ``classes`` (a fitted classifier's ``classes_``).

    Parameters
    ----------
    classes : array-like of shape (2,)
        The classes, in ``predict_proba``'s column order.
    pos_label : label or None, default=None
        See :func:`spoof_label`.

    Returns
    -------
    int

    Examples
    --------
    >>> from skdeepfake.labels import spoof_column
    >>> spoof_column([0, 1]), spoof_column(["fake", "real"])
    (1, 0)
    """
    classes = list(np.asarray(classes).tolist())
    return classes.index(spoof_label(classes, pos_label))


@validate_params(
    {
        "estimator": [HasMethods(["predict_proba"])],
        "X": "no_validation",
        "pos_label": [Real, str, "boolean", None],
    },
    prefer_skip_nested_validation=True,
)
def spoof_scores(estimator, X, pos_label=None):
    """P(fake) of every sample from a fitted classifier, and the spoofed label.

    Parameters
    ----------
    estimator : fitted classifier with ``predict_proba`` and ``classes_``
    X : array-like
        Its input.
    pos_label : label or None, default=None
        See :func:`spoof_label`.

    Returns
    -------
    p_fake : ndarray of shape (n_samples,)
    label : the spoofed class's label

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdeepfake.labels import spoof_scores
    >>> X = np.array([[0.0], [1.0], [0.1], [0.9]])
    >>> clf = LogisticRegression().fit(X, ["real", "fake", "real", "fake"])
    >>> p_fake, label = spoof_scores(clf, X)
    >>> label, bool(p_fake[1] > p_fake[0])
    ('fake', True)
    """
    column = spoof_column(estimator.classes_, pos_label)
    return estimator.predict_proba(X)[:, column], np.asarray(estimator.classes_).tolist()[column]


@validate_params({"p": ["array-like"]}, prefer_skip_nested_validation=True)
def log_odds(p):
    r"""The log-odds :math:`\log p - \log(1 - p)` of probabilities, the library's one clipping rule.

    ``p`` is clipped to ``[LOG_ODDS_EPS, 1 - LOG_ODDS_EPS]`` first (1e-7),
    so that the result is finite: within +-16.1.

    Parameters
    ----------
    p : array-like
        Probabilities, e.g. P(fake) from :func:`spoof_scores`.

    Returns
    -------
    ndarray of float64, the shape of ``p``

    Examples
    --------
    >>> from skdeepfake.labels import log_odds
    >>> log_odds([0.5, 0.9, 1.0]).round(2).tolist()
    [0.0, 2.2, 16.12]
    """
    return clipped_log_odds(p, LOG_ODDS_EPS)


@validate_params(
    {"p": [Real, "array-like"], "eps": [Interval(Real, 0, 0.5, closed="left")]},
    prefer_skip_nested_validation=True,
)
def clipped_log_odds(p, eps):
    """:func:`log_odds` with another margin: ``p`` clipped to ``[eps, 1 - eps]`` (0: not clipped).

    The one computation of log-odds in the library; :func:`log_odds` is it
    at :data:`LOG_ODDS_EPS`. Where a caller exposes the margin as a
    parameter (``LogOdds(eps=)``, ``cllr(eps=)``) it passes it here, and
    ``eps=0`` keeps 0 and 1 as -inf and +inf (``min_cllr`` needs them).

    Parameters
    ----------
    p : float or array-like
        Probabilities.
    eps : float in [0, 0.5)
        The clipping margin.

    Returns
    -------
    ndarray of float64, the shape of ``p``

    Examples
    --------
    >>> from skdeepfake.labels import clipped_log_odds
    >>> clipped_log_odds([0.0, 0.5, 1.0], 0).tolist()
    [-inf, 0.0, inf]
    >>> clipped_log_odds([1.0], 1e-6).round(2).tolist()
    [13.82]
    """
    p = np.asarray(p, dtype=np.float64)
    if eps:
        p = np.clip(p, eps, 1 - eps)
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


@validate_params({"y": ["array-like", None]}, prefer_skip_nested_validation=True)
def warn_if_spoof_first(y):
    """Warn (:class:`LabelOrderWarning`) when the spoofed label of ``y`` sorts first.

    scikit-learn orders ``predict_proba``'s columns by the sorted classes:
    with labels ``"real"``/``"fake"`` the first column is P(fake), and the
    habit of reading column 1 gives P(real), an EER of 1 - EER without a
    word. Called by the first step of every skdeepfake detector
    (:class:`~skdeepfake.AudioLoader`) and by the library's classifiers when
    they are fitted. Labels that do not say which class is spoofed are left
    to the steps that need to know.

    Parameters
    ----------
    y : array-like or None
        Training labels.

    Examples
    --------
    >>> import warnings
    >>> from skdeepfake.labels import warn_if_spoof_first
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_spoof_first(["real", "fake", "real"])
    >>> str(caught[0].message)[:60]
    "classes_ will be ['fake', 'real']: column 0 of predict_proba"
    """
    if y is None:
        return
    classes = np.unique(np.asarray(y))
    if len(classes) != 2:
        return
    try:
        column = spoof_column(classes)
    except ValueError:
        return
    if column == 0:
        import warnings

        warnings.warn(
            f"classes_ will be {classes.tolist()}: column 0 of predict_proba is P(fake) and column 1 "
            "is P(real). Read P(fake) with skdeepfake.labels.spoof_scores(model, X), or train on 0/1 "
            "labels (1 = fake).",
            LabelOrderWarning,
            stacklevel=3,
        )


@validate_params({"p_fake": ["array-like"], "classes": ["array-like"]}, prefer_skip_nested_validation=True)
def proba_columns(p_fake, classes):
    """``predict_proba``'s two columns, in the order of ``classes``, from P(fake).

    The inverse of :func:`spoof_scores` for a detector that computes P(fake)
    itself: the column of the spoofed class holds it, the other its
    complement, whatever the label names.

    Parameters
    ----------
    p_fake : array-like of shape (n_samples,)
    classes : array-like of shape (2,)
        The detector's ``classes_``.

    Returns
    -------
    ndarray of shape (n_samples, 2)

    Examples
    --------
    >>> from skdeepfake.labels import proba_columns
    >>> proba_columns([0.9], ["fake", "real"]).round(2).tolist(), proba_columns([0.9], [0, 1]).round(2).tolist()
    ([[0.9, 0.1]], [[0.1, 0.9]])
    """
    p_fake = np.asarray(p_fake, dtype=np.float64)
    column = spoof_column(classes)
    proba = np.empty((len(p_fake), 2))
    proba[:, column], proba[:, 1 - column] = p_fake, 1 - p_fake
    return proba
