"""The pieces of an abstaining detector: the folds of its held-out scores, a one-class Gaussian domain model and
the linear calibration."""

import numpy as np
from sklearn.covariance import LedoitWolf
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedKFold
from sklearn.utils._param_validation import validate_params

__all__ = [
    "held_out_folds",
    "MAX_GROUP_FOLDS",
    "gaussian",
    "mahalanobis",
    "linear_calibration",
    "balanced_weights",
]


#: With groups, each is left out in turn up to this many; beyond, GroupKFold with this many folds.
MAX_GROUP_FOLDS = 20


def held_out_folds(cv, groups, random_state):
    """Folds that leave whole groups out when there are groups, else stratified folds."""
    if groups is None:
        return StratifiedKFold(cv, shuffle=True, random_state=random_state)
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise ValueError(f"groups: {n_groups} group given; leaving groups out needs at least two.")
    # Leaving one source out at a time scores each source by a model that saw all the others: the
    # situation of a user's recordings. Holding out several at once would make it look worse.
    return LeaveOneGroupOut() if n_groups <= MAX_GROUP_FOLDS else GroupKFold(MAX_GROUP_FOLDS)


def gaussian(X):
    """A one-class Gaussian model of feature rows: means and scales, then Ledoit-Wolf on the standardised rows."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    cov = LedoitWolf().fit((X - mean) / scale)
    return mean, scale, cov.location_, cov.precision_


def mahalanobis(X, domain):
    """Each row's Mahalanobis distance to a :func:`gaussian` model."""
    mean, scale, location, precision = domain
    Z = (X - mean) / scale - location
    return np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", Z, precision, Z), 0.0))


def balanced_weights(is_fake, groups=None):
    """Sample weights under which both classes weigh the same, and, with ``groups``, each group within its class.

    Without groups this is scikit-learn's ``class_weight="balanced"``. With
    them, a source of 300 clips counts as much as one of 10 of the same
    class: the calibration then describes what a score is worth on a
    source, not on the largest sources' clips.
    """
    weights = np.empty(len(is_fake))
    for cls in (False, True):
        inside = is_fake == cls
        if groups is None:
            weights[inside] = 1.0 / inside.sum()
            continue
        names, index, counts = np.unique(groups[inside], return_inverse=True, return_counts=True)
        weights[inside] = 1.0 / (counts[index] * len(names))
    return weights * len(is_fake) / weights.sum()


@validate_params(
    {"scores": ["array-like"], "is_fake": ["array-like"], "groups": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def linear_calibration(scores, is_fake, groups=None):
    r"""The linear calibration of log-odds scores to a log-likelihood ratio.

    Fits :math:`\mathrm{LLR}(x) = a\,s(x) + b` by weighted logistic
    regression (Brümmer & du Preez, 2006) with :math:`a \ge 0`. The weights
    make both classes weigh the same (scikit-learn's
    ``class_weight="balanced"``), and, with ``groups``, each group the same
    within its class, so that the intercept describes the evidence, not the
    training data's class balance nor its largest sources.

    A negative slope would mean that the scores point the wrong way (held-out
    sources scored worse than chance, as happens when a detector has learned
    its corpora rather than the artefact); flipping them would be trusting
    the mistake. The evidence is then taken as none: ``a = 0`` and ``b = 0``.

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        Log-odds of "fake" (:func:`skdeepfake.labels.log_odds` of P(fake)),
        best out of fold.
    is_fake : array-like of shape (n_samples,)
        True for spoofed recordings.
    groups : array-like of shape (n_samples,) or None, default=None
        The source of each recording.

    Returns
    -------
    a, b : float
        Slope and offset of the LLR (natural log).

    See Also
    --------
    AbstainingDetector : fits this calibration on out-of-fold scores.

    References
    ----------
    .. [1] N. Brümmer and J. du Preez, "Application-independent evaluation of
       speaker detection", Computer Speech & Language 20(2-3), 2006.
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    is_fake = np.asarray(is_fake).astype(bool).ravel()
    if len(s) != len(is_fake):
        raise ValueError(f"scores has {len(s)} entries and is_fake {len(is_fake)}; they must match.")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite log-odds; clip P(fake) before taking log-odds.")
    if is_fake.all() or not is_fake.any():
        raise ValueError("is_fake must hold both spoofed and bona fide recordings.")
    if groups is not None:
        groups = np.asarray(groups).ravel()
        if len(groups) != len(s):
            raise ValueError(f"groups has {len(groups)} entries for {len(s)} scores.")
    weights = balanced_weights(is_fake, groups)
    calibrator = LogisticRegression(C=1e4).fit(s[:, None], is_fake, sample_weight=weights)
    a, b = float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])
    if a <= 0:
        return 0.0, 0.0
    return a, b
