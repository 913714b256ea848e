"""The field's metrics: the ASVspoof DET curve, EER, minimum DCF, Cllr and its minimum."""

import warnings
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..labels import clipped_log_odds, spoof_label

__all__ = ["asvspoof_det_curve", "det_curve_asvspoof", "equal_error_rate", "min_dcf", "cllr", "min_cllr"]


def _split_scores(y_true, y_score, pos_label):
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if y_true.shape != y_score.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and y_score must be 1-D of the same length; got shapes "
            f"{y_true.shape} and {y_score.shape}."
        )
    if not np.isfinite(y_score).all():
        raise ValueError("y_score contains NaN or infinite values.")
    if len(np.unique(y_true)) < 2:
        raise ValueError(
            "y_true must hold both classes (spoofed and bona fide) to compute this "
            f"metric; it holds only {np.unique(y_true).tolist()}."
        )
    pos = spoof_label(y_true, pos_label)
    is_pos = y_true == pos
    return y_score[is_pos], y_score[~is_pos]


@validate_params(
    {"y_true": ["array-like"], "y_score": ["array-like"], "pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def asvspoof_det_curve(y_true, y_score, *, pos_label=None):
    """False-alarm and miss rates at every threshold, as ASVspoof computes them.

    Returned in :func:`sklearn.metrics.det_curve`'s order ``(fpr, fnr,
    thresholds)``. Two things differ from scikit-learn's: a clip is flagged
    as positive (spoofed) when its score is strictly *above* the threshold
    (scikit-learn: at or above), and every distinct score is a threshold,
    with one below them all, so that the curve runs from (1, 0) to (0, 1)
    as in the ASVspoof evaluation code (which also makes a point between
    tied scores; here ties are one threshold, so constant scores give an
    EER of 0.5).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,)
        Scores that grow with the evidence for the positive class.
    pos_label : label, default=None
        The positive (spoofed) class; ``None`` means ``"fake"`` or ``1``.

    Returns
    -------
    fpr : ndarray
        Fraction of negatives scored above each threshold (false alarms).
    fnr : ndarray
        Fraction of positives scored at or below each threshold (missed).
    thresholds : ndarray
        Increasing thresholds.

    See Also
    --------
    DETCurveDisplay : plots it on normal-deviate axes.
    equal_error_rate : where the two error rates meet.

    References
    ----------
    .. [1] A. Martin, G. Doddington, T. Kamm, M. Ordowski and M. Przybocki, "The DET curve in
       assessment of detection task performance," Eurospeech 1997.

    Examples
    --------
    >>> from skdeepfake.metrics import asvspoof_det_curve
    >>> fpr, fnr, thr = asvspoof_det_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    >>> fpr.tolist(), fnr.tolist()
    ([1.0, 0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5, 1.0])
    """
    pos_scores, neg_scores = _split_scores(y_true, y_score, pos_label)
    all_scores = np.concatenate([pos_scores, neg_scores])
    labels = np.concatenate([np.ones(len(pos_scores)), np.zeros(len(neg_scores))])
    order = np.argsort(all_scores, kind="mergesort")
    labels, sorted_scores = labels[order], all_scores[order]
    pos_below = np.cumsum(labels)
    neg_above = len(neg_scores) - (np.arange(1, len(all_scores) + 1) - pos_below)
    # Tied scores are one threshold: no threshold separates them, so the
    # curve has a point only after the last of each group (else a detector
    # giving every clip one score would reach an "EER" of 0 or 1 by the
    # order of its labels, not 0.5).
    last = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    fnr = np.concatenate([[0.0], pos_below[last] / len(pos_scores)])
    fpr = np.concatenate([[1.0], neg_above[last] / len(neg_scores)])
    thresholds = np.concatenate([[sorted_scores[0] - 0.001], sorted_scores[last]])
    return fpr, fnr, thresholds


def det_curve_asvspoof(y_true, y_score, *, pos_label=None):
    """Deprecated: use :func:`asvspoof_det_curve`, which returns ``(fpr, fnr, thresholds)``.

    This 0.1 name returns ``(fnr, fpr, thresholds)``, the reverse of
    scikit-learn's ``det_curve``; it is kept, with a ``FutureWarning``, so
    that code written for 0.1 does not silently swap the two rates.

    Parameters
    ----------
    y_true, y_score, pos_label
        As :func:`asvspoof_det_curve`.

    Returns
    -------
    fnr, fpr, thresholds : ndarray

    See Also
    --------
    asvspoof_det_curve : the same curve.
    """
    warnings.warn(
        "det_curve_asvspoof is deprecated and will be removed in 0.3; use asvspoof_det_curve, "
        "which returns (fpr, fnr, thresholds) in scikit-learn's det_curve order.",
        FutureWarning,
        stacklevel=2,
    )
    fpr, fnr, thresholds = asvspoof_det_curve(y_true, y_score, pos_label=pos_label)
    return fnr, fpr, thresholds


@validate_params(
    {"y_true": ["array-like"], "y_score": ["array-like"], "pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def equal_error_rate(y_true, y_score, *, pos_label=None):
    """Equal error rate and its threshold, as the ASVspoof evaluation computes it.

    The EER is where the miss rate (spoofed clips let through) equals the
    false-alarm rate (bona fide clips flagged); on the discrete curve, the
    mean of the two rates at the threshold where they are closest.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,)
        Scores, e.g. P(fake).
    pos_label : label, default=None
        The spoofed class; ``None`` means ``"fake"`` or ``1``.

    Returns
    -------
    eer : float
        The equal error rate, in [0, 1].
    threshold : float
        Flag clips scoring above it as spoofed to operate at the EER.

    See Also
    --------
    min_dcf : the ASVspoof 5 cost.
    asvspoof_det_curve : the error rates at every threshold.
    make_eer_scorer : for cross-validation and grid search.

    References
    ----------
    .. [1] M. Todisco, X. Wang, V. Vestman, Md. Sahidullah, H. Delgado, A. Nautsch, J. Yamagishi, N.
       Evans, T. Kinnunen and K. A. Lee, "ASVspoof 2019: Future horizons in spoofed and fake
       audio detection," Interspeech 2019.

    Examples
    --------
    >>> from skdeepfake.metrics import equal_error_rate
    >>> eer, thr = equal_error_rate([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    >>> float(eer), float(thr)
    (0.5, 0.4)
    >>> eer, _ = equal_error_rate(["real", "fake"], [0.2, 0.8])
    >>> float(eer)
    0.0
    >>> float(equal_error_rate([0, 1, 0, 1], [0.7, 0.7, 0.7, 0.7])[0])  # a collapsed detector
    0.5
    """
    fpr, fnr, thresholds = asvspoof_det_curve(y_true, y_score, pos_label=pos_label)
    i = np.argmin(np.abs(fnr - fpr))
    return float(np.mean([fnr[i], fpr[i]])), float(thresholds[i])


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "pos_label": [Real, str, "boolean", None],
        "p_spoof": [Interval(Real, 0, 1, closed="neither")],
        "c_miss": [Interval(Real, 0, None, closed="neither")],
        "c_fa": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def min_dcf(y_true, y_score, *, pos_label=None, p_spoof=0.05, c_miss=1.0, c_fa=10.0):
    """Normalised minimum detection cost, in the ASVspoof 5 style.

    The cost of a threshold is ``c_miss * (1 - p_spoof) * P_miss + c_fa *
    p_spoof * P_fa``, where ``P_miss`` is the rate of bona fide clips
    rejected (flagged as spoofed) and ``P_fa`` the rate of spoofed clips
    accepted. It is divided by the cost of the best trivial system,
    ``min(c_miss * (1 - p_spoof), c_fa * p_spoof)``, and minimised over
    thresholds. The defaults are the ASVspoof 5 countermeasure parameters:
    ``p_spoof=0.05``, ``c_miss=1``, ``c_fa=10``. 0 is perfect; 1 is no better
    than always accepting (or always rejecting).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,)
        Scores, e.g. P(fake).
    pos_label : label, default=None
        The spoofed class; ``None`` means ``"fake"`` or ``1``.
    p_spoof : float, default=0.05
        Prior probability of a spoofing attack.
    c_miss : float, default=1.0
        Cost of rejecting a bona fide clip.
    c_fa : float, default=10.0
        Cost of accepting a spoofed clip.

    Returns
    -------
    float

    See Also
    --------
    equal_error_rate : the threshold-free error rate.
    cllr : the cost of the scores as likelihood ratios.

    References
    ----------
    .. [1] X. Wang, H. Delgado, H. Tak, J.-w. Jung, H.-j. Shim, M. Todisco, I. Kukanov, X. Liu, Md.
       Sahidullah, T. Kinnunen, N. Evans, K. A. Lee and J. Yamagishi, "ASVspoof 5: Crowdsourced
       speech data, deepfakes, and adversarial attacks at scale," ASVspoof 2024 Workshop.

    Examples
    --------
    >>> from skdeepfake.metrics import min_dcf
    >>> float(min_dcf([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]))
    0.0
    >>> float(min_dcf([0, 1], [0.9, 0.1]))
    1.0
    """
    if not 0 < p_spoof < 1:
        raise ValueError(f"p_spoof must be in (0, 1), got {p_spoof!r}.")
    if c_miss <= 0 or c_fa <= 0:
        raise ValueError(f"c_miss and c_fa must be positive, got {c_miss!r} and {c_fa!r}.")
    # spoof_missed: spoofed accepted (P_fa of the bona fide detector);
    # real_flagged: bona fide rejected (its P_miss).
    real_flagged, spoof_missed, _ = asvspoof_det_curve(y_true, y_score, pos_label=pos_label)
    cost = c_miss * (1 - p_spoof) * real_flagged + c_fa * p_spoof * spoof_missed
    default = min(c_miss * (1 - p_spoof), c_fa * p_spoof)
    return float(np.min(cost) / default)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "pos_label": [Real, str, "boolean", None],
        "scores": [StrOptions({"probability", "llr"})],
        "eps": [Interval(Real, 0, 0.5, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def cllr(y_true, y_score, *, pos_label=None, scores="probability", eps=1e-12):
    """Log-likelihood-ratio cost, a measure of calibration and discrimination.

    ``Cllr = (mean(log2(1 + exp(-llr))) over spoofed + mean(log2(1 +
    exp(llr))) over bona fide) / 2``, where ``llr`` is the log-likelihood
    ratio in favour of the spoofed class. 0 is perfect; 1 is an
    uninformative system that always outputs ``llr = 0`` (P(fake) = 0.5);
    badly calibrated scores cost more than 1.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,)
        P(fake) when ``scores="probability"`` (turned into log-odds, i.e.
        LLRs under equal priors), or LLRs when ``scores="llr"``.
    pos_label : label, default=None
        The spoofed class; ``None`` means ``"fake"`` or ``1``.
    scores : {"probability", "llr"}, default="probability"
        What ``y_score`` holds.
    eps : float, default=1e-12
        Probabilities are clipped to ``[eps, 1 - eps]``.

    Returns
    -------
    float

    See Also
    --------
    min_cllr : the part of it calibration cannot remove.
    skdeepfake.calibration.AbstainingDetector : scores calibrated to likelihood ratios.

    References
    ----------
    .. [1] N. Brümmer and J. du Preez, "Application-independent evaluation of speaker detection,"
       Computer Speech & Language 20(2-3), 230-275, 2006.

    Examples
    --------
    >>> from skdeepfake.metrics import cllr
    >>> float(cllr([0, 1], [0.5, 0.5]))
    1.0
    >>> round(float(cllr([0, 1], [0.01, 0.99])), 4)
    0.0145
    """
    if scores not in ("probability", "llr"):
        raise ValueError(f"scores must be 'probability' or 'llr', got {scores!r}.")
    pos_scores, neg_scores = _split_scores(y_true, y_score, pos_label)
    if scores == "probability":
        if min(pos_scores.min(), neg_scores.min()) < 0 or max(pos_scores.max(), neg_scores.max()) > 1:
            raise ValueError("y_score must hold probabilities in [0, 1] when scores='probability'.")
        pos_scores, neg_scores = (clipped_log_odds(s, eps) for s in (pos_scores, neg_scores))
    return _cllr_of_llrs(pos_scores, neg_scores)


@validate_params(
    {"y_true": ["array-like"], "y_score": ["array-like"], "pos_label": [Real, str, "boolean", None]},
    prefer_skip_nested_validation=True,
)
def min_cllr(y_true, y_score, *, pos_label=None):
    r"""The lowest Cllr any monotone calibration of the scores reaches: their discrimination alone.

    The scores are calibrated optimally by the pool-adjacent-violators
    algorithm (PAV; Brümmer and du Preez, 2006, the Bosaris toolkit's
    ``min_cllr``): the non-decreasing map of scores to posteriors :math:`p`
    that fits the labels best, computed by
    :class:`sklearn.isotonic.IsotonicRegression`. Posteriors become
    log-likelihood ratios by removing the data's prior :math:`\pi` (the
    share of spoofed trials), :math:`\ell = \mathrm{logit}\,p -
    \mathrm{logit}\,\pi`, and their :func:`cllr` is ``min_cllr``.
    ``cllr - min_cllr`` is the calibration loss. Only the order of the
    scores matters: any scores that grow with the evidence for "fake" will do.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,)
        Scores, higher for "fake".
    pos_label : label, default=None
        The spoofed class; ``None`` means ``"fake"`` or ``1``.

    Returns
    -------
    float
        Between 0 (the classes are separated) and 1 (no discrimination).

    See Also
    --------
    cllr : the cost of the scores as given.

    References
    ----------
    .. [1] N. Brümmer and J. du Preez, "Application-independent evaluation of speaker detection,"
       Computer Speech & Language 20(2-3), 230-275, 2006.

    Examples
    --------
    >>> from skdeepfake.metrics import min_cllr
    >>> float(min_cllr([0, 1, 0, 1], [1, 2, 3, 4]))
    0.5
    >>> float(min_cllr([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]))
    0.0
    """
    from sklearn.isotonic import IsotonicRegression

    pos_scores, neg_scores = _split_scores(y_true, y_score, pos_label)
    scores = np.concatenate([pos_scores, neg_scores])
    spoofed = np.r_[np.ones(len(pos_scores)), np.zeros(len(neg_scores))]
    posterior = IsotonicRegression(y_min=0.0, y_max=1.0).fit_transform(scores, spoofed)
    prior = len(pos_scores) / len(scores)
    llr = clipped_log_odds(posterior, 0) - clipped_log_odds(prior, 0)
    # Infinite ratios fall only on the side they are right about (PAV gives a
    # posterior of 0 or 1 only to a block of one class): they cost nothing.
    return _cllr_of_llrs(llr[spoofed == 1], llr[spoofed == 0])


def _cllr_of_llrs(pos_llr, neg_llr):
    """Cllr of the spoofed and bona fide trials' log-likelihood ratios."""
    pos_cost = np.mean(np.logaddexp(0, -pos_llr)) / np.log(2)
    neg_cost = np.mean(np.logaddexp(0, neg_llr)) / np.log(2)
    return float((pos_cost + neg_cost) / 2)
