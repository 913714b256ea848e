"""Bootstrap intervals of any statistic of scored recordings, resampled within their sources.

Anti-spoofing results on a few hundred recordings move by several EER
points from one sample of recordings to another; a difference between two
detectors means something only if its interval excludes zero. The
percentile bootstrap (Efron & Tibshirani, 1993) resamples the recordings
with replacement and recomputes the statistic; resampling *within* each
group (corpus, speaker or attack) keeps every group's share of the data,
so that a per-group mean stays defined, as in the ASVspoof evaluations'
per-attack reporting. For a comparison, pass both detectors' scores to
one statistic: the pairs are resampled together (a paired bootstrap).

No library computes this stratified, paired percentile interval for an
arbitrary statistic of several arrays (``scipy.stats.bootstrap`` resamples
without strata), so it is written here.

References
----------
.. [1] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*,
   Chapman & Hall, 1993, chapter 13 (percentile intervals).
.. [2] N. Poh and S. Bengio, "Estimating the confidence interval of
   expected performance curve in biometric authentication using joint
   bootstrap", ICASSP 2007.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["bootstrap_interval"]


@validate_params(
    {
        "statistic": [callable],
        "groups": ["array-like", None],
        "n_resamples": [Interval(Integral, 10, 100_000, closed="both")],
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def bootstrap_interval(statistic, *arrays, groups=None, n_resamples=1000, confidence=0.9, random_state=0):
    r"""Percentile bootstrap interval of ``statistic(*arrays)``, resampling within ``groups``.

    Each resample draws, within every group, as many recordings as the
    group holds, with replacement, and applies ``statistic`` to the
    resampled rows of every array together. The interval is the
    :math:`(1 - c)/2` and :math:`(1 + c)/2` quantiles of the resampled
    statistics (:math:`c` = ``confidence``). A resample on which the
    statistic is undefined (it raises ValueError, e.g. an EER without one
    class) is drawn again, at most ``n_resamples`` times over.

    Parameters
    ----------
    statistic : callable
        ``statistic(*arrays) -> float``, e.g. ``lambda y, s: equal_error_rate(y, s)[0]``,
        or the difference of two detectors' EERs on the same recordings.
    *arrays : array-like of shape (n_samples, ...)
        Resampled along their first axis, together.
    groups : array-like of shape (n_samples,) or None, default=None
        Resample within each group (corpus, speaker, attack); None: all the
        recordings as one group.
    n_resamples : int, default=1000
    confidence : float, default=0.9
    random_state : int, RandomState instance or None, default=0

    Returns
    -------
    Bunch
        ``estimate`` (the statistic on the data as given), ``low`` and
        ``high`` (the interval), ``confidence`` and ``resamples`` (the
        resampled statistics).

    See Also
    --------
    equal_error_rate, min_dcf, cllr : statistics to bootstrap.

    References
    ----------
    .. [1] B. Efron and R. J. Tibshirani, "An Introduction to the Bootstrap," Chapman & Hall, 1993
       (the percentile interval).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.metrics import bootstrap_interval, equal_error_rate
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(100, int), np.ones(100, int)]
    >>> s = y + rng.normal(0, 0.8, 200)
    >>> ci = bootstrap_interval(lambda y, s: equal_error_rate(y, s)[0], y, s, n_resamples=200)
    >>> bool(ci.low < ci.estimate < ci.high), round(ci.high - ci.low, 2)
    (True, 0.11)
    """
    if not arrays:
        raise ValueError("arrays: give at least one array to resample.")
    arrays = [np.asarray(a) for a in arrays]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays) or n == 0:
        raise ValueError(f"arrays: all must have the same, non-zero length; got {[len(a) for a in arrays]}.")
    groups = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} entries for {n} samples.")
    members = [np.flatnonzero(groups == g) for g in np.unique(groups)]
    rng = check_random_state(random_state)
    estimate = float(statistic(*arrays))
    values, tries = [], 0
    while len(values) < n_resamples:
        tries += 1
        if tries > 2 * n_resamples:
            raise ValueError(
                f"the statistic was undefined on {tries - len(values)} of {tries} resamples; "
                "the groups are too small for it."
            )
        index = np.concatenate([rng.choice(m, size=len(m), replace=True) for m in members])
        try:
            values.append(float(statistic(*(a[index] for a in arrays))))
        except ValueError:
            continue
    values = np.asarray(values)
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return Bunch(estimate=estimate, low=float(low), high=float(high), confidence=confidence, resamples=values)
