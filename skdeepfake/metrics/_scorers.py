"""Scorers for model selection: minus the EER, minDCF or Cllr of P(fake)."""

from numbers import Real

from sklearn.utils._param_validation import Interval, validate_params

from ..labels import spoof_scores
from ._scores import cllr, equal_error_rate, min_dcf

__all__ = [
    "eer_scorer",
    "min_dcf_scorer",
    "cllr_scorer",
    "make_eer_scorer",
    "make_min_dcf_scorer",
    "make_cllr_scorer",
]


_SCORER_DOC = """Scorer for GridSearchCV and cross_validate: minus the {metric}.

    The score is computed from P(fake) given by ``predict_proba``; greater is
    better, as with scikit-learn's ``neg_*`` scorers. The spoofed class is
    found among the estimator's ``classes_`` by
    :func:`skdeepfake.labels.spoof_label`{declared}.

    Parameters
    ----------
    estimator : fitted classifier
    X : array-like
    y_true : array-like of shape (n_samples,)

    Returns
    -------
    float

    See Also
    --------
    {metric} : the metric, from scores.
    """


def _scorer(metric, name, pos_label=None, **costs):
    def scorer(estimator, X, y_true):
        scores, pos = spoof_scores(estimator, X, pos_label)
        value = metric(y_true, scores, pos_label=pos, **costs)
        return -(value[0] if isinstance(value, tuple) else value)

    scorer.__name__ = scorer.__qualname__ = name
    declared = "" if pos_label is None else f" (here declared: {pos_label!r})"
    scorer.__doc__ = _SCORER_DOC.format(metric=metric.__name__, declared=declared)
    return scorer


@validate_params(
    {"pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def make_eer_scorer(*, pos_label=None):
    """A scorer returning minus the equal error rate.

    Parameters
    ----------
    pos_label : label or None, default=None
        The spoofed class, for labels other than the library's conventions
        (see :func:`skdeepfake.labels.spoof_label`).

    Returns
    -------
    callable
        ``scorer(estimator, X, y)``, for ``scoring=`` of scikit-learn's model
        selection tools.

    See Also
    --------
    equal_error_rate : the metric.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from skdeepfake.metrics import make_eer_scorer
    >>> X = np.r_[np.zeros(10), np.ones(10)].reshape(-1, 1)
    >>> y = np.repeat(["human", "deepfake"], 10)
    >>> cross_val_score(LogisticRegression(), X, y, cv=2,
    ...                 scoring=make_eer_scorer(pos_label="deepfake")).tolist()
    [-0.0, -0.0]
    """
    return _scorer(equal_error_rate, "eer_scorer", pos_label)


@validate_params(
    {
        "pos_label": [Real, str, "boolean", None],
        "p_spoof": [Interval(Real, 0, 1, closed="neither")],
        "c_miss": [Interval(Real, 0, None, closed="neither")],
        "c_fa": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def make_min_dcf_scorer(*, pos_label=None, p_spoof=0.05, c_miss=1.0, c_fa=10.0):
    """A scorer returning minus the normalised minimum DCF, with chosen costs.

    Parameters
    ----------
    pos_label : label or None, default=None
        The spoofed class, for labels other than the library's conventions.
    p_spoof, c_miss, c_fa : float
        As in :func:`min_dcf`; the defaults are ASVspoof 5's.

    Returns
    -------
    callable

    See Also
    --------
    min_dcf : the metric.

    Examples
    --------
    >>> from skdeepfake.metrics import make_min_dcf_scorer
    >>> scorer = make_min_dcf_scorer(p_spoof=0.5, c_fa=1.0)
    >>> scorer.__name__
    'min_dcf_scorer'
    """
    return _scorer(min_dcf, "min_dcf_scorer", pos_label, p_spoof=p_spoof, c_miss=c_miss, c_fa=c_fa)


@validate_params(
    {"pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def make_cllr_scorer(*, pos_label=None):
    """A scorer returning minus Cllr of the estimator's P(fake).

    Parameters
    ----------
    pos_label : label or None, default=None
        The spoofed class, for labels other than the library's conventions.

    Returns
    -------
    callable

    See Also
    --------
    cllr : the metric.

    Examples
    --------
    >>> from skdeepfake.metrics import make_cllr_scorer
    >>> make_cllr_scorer().__name__
    'cllr_scorer'
    """
    return _scorer(cllr, "cllr_scorer", pos_label)


#: Scorer returning minus the EER (use as ``scoring=eer_scorer``).
eer_scorer = make_eer_scorer()
#: Scorer returning minus the normalised minimum DCF (ASVspoof 5 costs).
min_dcf_scorer = make_min_dcf_scorer()
#: Scorer returning minus Cllr.
cllr_scorer = make_cllr_scorer()
