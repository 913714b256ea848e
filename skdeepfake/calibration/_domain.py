"""The pieces of an abstaining detector: a one-class Gaussian domain model and the linear calibration."""

import numpy as np
from sklearn.covariance import LedoitWolf
from sklearn.linear_model import LogisticRegression

__all__ = ["gaussian", "mahalanobis", "calibrate", "balanced_weights"]


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


def calibrate(s, is_fake, sample_weight):
    """``(a, b)`` of LLR = a * s + b by weighted logistic regression, with ``a >= 0``.

    ``sample_weight`` balances the classes (:func:`balanced_weights`), so
    that the intercept describes the evidence, not the training data's class
    balance. A negative slope would mean that the out-of-fold scores point
    the wrong way (held-out sources scored worse than chance, as happens
    when a detector has learned its corpora rather than the artefact);
    flipping them would be trusting the mistake. The evidence is then taken
    as none: ``a = 0`` and ``b = 0``.
    """
    calibrator = LogisticRegression(C=1e4).fit(s[:, None], is_fake, sample_weight=sample_weight)
    a, b = float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])
    if a <= 0:
        return 0.0, 0.0
    return a, b
