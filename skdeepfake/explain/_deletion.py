"""The deletion curve: does removing the most relevant cells first lower the score fastest?

Samek et al. (2017) and Petsiuk et al. (2018) check that an explanation is
faithful: the cells of an :func:`~skdeepfake.explain.occlusion` map are
removed cumulatively, in order of relevance, and the score must fall faster
than when they are removed in a random order. The cells are masked as
:func:`~skdeepfake.explain.occlusion` masks them.

References
----------
.. [1] W. Samek, A. Binder, G. Montavon, S. Lapuschkin and K.-R. Mueller, "Evaluating the
   visualization of what a deep neural network has learned," IEEE Trans. Neural Netw. Learn.
   Syst. 28(11), 2660-2673, 2017.
.. [2] V. Petsiuk, A. Das and K. Saenko, "RISE: Randomized input sampling for explanation of
   black-box models," BMVC 2018.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ._occlusion import (
    _COMMON,
    MAX_EXPLAIN_SAMPLES,
    _as_recording,
    _batch_for_progress,
    _check_cost,
    _Masker,
    _scores_of,
    _seeds,
)

__all__ = ["deletion_curve"]


@validate_params(
    {
        **_COMMON,
        "explanation": [Bunch],
        "n_steps": [Interval(Integral, 1, None, closed="left"), None],
        "n_random": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def deletion_curve(
    estimator,
    x,
    explanation,
    sr=16000,
    *,
    n_steps=None,
    n_random=5,
    mask="noise",
    attenuation_db=60.0,
    target="p_fake",
    n_jobs=None,
    random_state=0,
    max_samples=MAX_EXPLAIN_SAMPLES,
    verbose=False,
):
    """How fast the score falls as the most relevant cells are removed, against random order.

    Parameters
    ----------
    estimator, x, sr
        As :func:`occlusion`.
    explanation : Bunch
        From :func:`occlusion` on the same recording.
    n_steps : int or None, default=None
        Points of the curve; None: every cell.
    n_random : int, default=5
        Random orders averaged for the reference curve.
    mask, attenuation_db, target, n_jobs, random_state, max_samples, verbose
        As :func:`occlusion` (the cost is ``(n_steps + 1) * (n_random + 1)``
        masked versions).

    Returns
    -------
    Bunch
        ``fraction`` (the share of cells removed), ``by_relevance`` and
        ``at_random`` (the score after removing them), and their areas
        under the curve, ``auc_relevance`` and ``auc_random``: a faithful
        explanation has the smaller area.

    Examples
    --------
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.explain import deletion_curve, occlusion
    >>> from skdeepfake.pipelines import make_linear_pipeline
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> detector = make_linear_pipeline().fit(data.data, data.target)
    >>> result = occlusion(detector, data.data[1], n_segments=4, n_bands=4)
    >>> curve = deletion_curve(detector, data.data[1], result, n_random=2)
    >>> curve.fraction[[0, -1]].tolist()
    [0.0, 1.0]
    """
    x, rate = _as_recording(estimator, x, sr)
    n_bands, n_segments = explanation.relevance.shape
    rng = check_random_state(random_state)
    masker = _Masker(x, rate, n_bands, n_segments, mask, attenuation_db)
    cells = [(b, s) for b in range(n_bands) for s in range(n_segments)]
    n = len(cells)
    counts = np.unique(np.linspace(0, n, (n_steps or n) + 1).round().astype(int))
    _check_cost(len(counts) * (n_random + 1), len(x), rate, max_samples, "deletion_curve")

    def curve(order):
        points = np.column_stack([counts, _seeds(rng, len(counts))])
        return _scores_of(
            estimator,
            lambda point: masker.cells([cells[i] for i in order[: point[0]]], point[1]),
            points,
            len(x),
            target,
            _batch_for_progress(None, len(points), verbose),
            n_jobs,
            verbose,
        )

    by_relevance = curve(np.argsort(-explanation.relevance.ravel(), kind="stable"))
    at_random = np.mean([curve(rng.permutation(n)) for _ in range(n_random)], axis=0)
    fraction = counts / n
    return Bunch(
        fraction=fraction,
        by_relevance=by_relevance,
        at_random=at_random,
        auc_relevance=_area(by_relevance, fraction),
        auc_random=_area(at_random, fraction),
    )


def _area(y, x):
    return float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(x)))
