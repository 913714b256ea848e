r"""Fused detectors: several detectors' scores combined into one log-likelihood ratio.

Score-level fusion as the anti-spoofing evaluations practise it (Brümmer
and du Preez, 2006; the Bosaris toolkit; the ASVspoof baselines' fused
systems): each member detector gives a score :math:`s_k` (its P(fake)),
and the fused score is an affine function of the members' log-odds,

.. math:: \ell = b + \sum_k w_k \, \mathrm{logit}(s_k),

with :math:`w, b` fitted by logistic regression with the two classes
weighted equally, so that :math:`\ell` is a log-likelihood ratio in favour
of "fake" (its effective prior is 0.5) and ``logit(predict_proba(X)[:, 1])``
returns it; for a target prior :math:`\pi`, the posterior is
:math:`\sigma(\ell + \mathrm{logit}\,\pi)`. The fusion is trained on
*out-of-fold* scores (scikit-learn's
:class:`~sklearn.ensemble.StackingClassifier` with ``cv`` folds): it never
sees a member's score of a recording that member was fitted on, which
would teach it to trust the member that overfits most.

:func:`make_fused_detector` fuses tabular models that read one front-end,
so that each recording is decoded and featurised once: loader -> features
-> ``StackingClassifier`` of the members. Detectors with different inputs
(a GMM on frames with a linear model on statistics) fuse the same way by
stacking whole pipelines of :func:`~skdeepfake.pipelines.make_detector`
with a :class:`LogOdds` step before the final logistic regression.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, _fit_context
from sklearn.ensemble import StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted, validate_data

from .labels import clipped_log_odds
from .registry import MODELS

__all__ = ["LogOdds", "make_fused_detector"]


class LogOdds(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    r"""Probabilities to log-odds, :math:`\log p - \log(1 - p)`, column by column.

    The input of a linear score fusion: members' P(fake) become log-odds,
    which a logistic regression combines linearly into a log-likelihood
    ratio. Values are clipped to ``[eps, 1 - eps]`` first, so that a member
    certain of its verdict gives a large finite log-odds, not an infinite one.

    Parameters
    ----------
    eps : float, default=1e-6
        The clipping margin.

    Attributes
    ----------
    n_features_in_ : int

    Examples
    --------
    >>> from skdeepfake.fusion import LogOdds
    >>> LogOdds().fit_transform([[0.5], [0.9]]).round(3).tolist()
    [[0.0], [2.197]]
    """

    _parameter_constraints = {"eps": [Interval(Real, 0, 0.5, closed="neither")]}

    def __init__(self, eps=1e-6):
        self.eps = eps

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check X; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Probabilities.
        y : None
            Ignored.

        Returns
        -------
        self : LogOdds
        """
        validate_data(self, X)
        return self

    def transform(self, X):
        """The log-odds of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Probabilities.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        return clipped_log_odds(validate_data(self, X, reset=False, dtype=np.float64), self.eps)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


def _fusion(random_state):
    return Pipeline(
        [
            ("log_odds", LogOdds()),
            ("fusion", LogisticRegression(class_weight="balanced", random_state=random_state)),
        ]
    )


@validate_params(
    {
        "models": ["array-like"],
        "features": [str, tuple, None],
        "whole_recording": ["boolean", StrOptions({"pooled"})],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def make_fused_detector(
    models=("linear", "xgb"),
    *,
    features="lfcc",
    whole_recording="pooled",
    cv=5,
    n_jobs=None,
    random_state=None,
    **detector_params,
):
    """Fuse tabular detectors on one front-end: their log-odds into a logistic regression.

    Parameters
    ----------
    models : sequence of str, default=("linear", "xgb")
        Two or more tabular models of :data:`~skdeepfake.registry.MODELS`
        (those that take statistics: ``"linear"``, ``"xgb"``, ``"dnn"``).
    features : str or tuple of str, default="lfcc"
        Their shared front-end (a name of :data:`~skdeepfake.registry.FRONTENDS`).
    whole_recording : {"pooled", False}, default="pooled"
        Statistics over the whole recording, or over its first ``duration``
        seconds (see :func:`~skdeepfake.pipelines.make_detector`).
    cv : int, default=5
        Folds of the out-of-fold scores the fusion is trained on
        (stratified, not shuffled).
    n_jobs : int or None, default=None
        Parallel jobs for decoding and featurising, and for fitting the
        members' folds.
    random_state : int or None, default=None
        Seeds the members and the fusion.
    **detector_params
        Further arguments of :func:`~skdeepfake.pipelines.make_detector`
        (``sr``, ``duration``, ``stats``, ``memory``...), the same for every
        member; members' own parameters are set afterwards, e.g.
        ``set_params(model__xgb__n_estimators=50)``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``loader`` -> ``features`` -> ``model``, a
        :class:`~sklearn.ensemble.StackingClassifier` whose
        ``final_estimator`` is :class:`LogOdds` -> logistic regression.

    Examples
    --------
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.fusion import make_fused_detector
    >>> data = make_synthetic_speech(n_samples=40, random_state=0)
    >>> fused = make_fused_detector(random_state=0).fit(data.data, data.target)
    >>> [name for name, _ in fused.named_steps["model"].estimators]
    ['linear', 'xgb']
    >>> fused.predict_proba(data.data[:2]).shape
    (2, 2)
    """
    from .pipelines import detector_parts, make_detector, pipeline_of

    models = list(models)
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"models: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(MODELS)}.")
    frames = [m for m in models if MODELS[m].takes != "stats"]
    if frames:
        raise ValueError(
            f"models: {', '.join(frames)} take frames, not statistics; fuse such detectors by "
            "stacking their whole pipelines (see skdeepfake.fusion)."
        )
    twice = sorted({m for m in models if models.count(m) > 1})
    if twice:
        raise ValueError(f"models: {', '.join(map(repr, twice))} named more than once; name each model once.")
    if len(models) < 2:
        raise ValueError(f"models: fusion needs two different models or more; got {models}.")
    common = dict(
        features=features, whole_recording=whole_recording, n_jobs=n_jobs, random_state=random_state
    )
    # The members' pipelines differ only after the shared front-end: the first
    # one's loader (and sampler) and front-end serve them all.
    members, head = [], None
    for name in models:
        detector = make_detector(name, **common, **detector_params)
        steps, k = detector.steps, 1 + len(detector_parts(detector).front)
        head = head or steps[:k]
        tail = steps[k:]
        members.append((name, tail[0][1] if len(tail) == 1 else Pipeline(tail)))
    stack = StackingClassifier(
        members, final_estimator=_fusion(random_state), cv=cv, stack_method="predict_proba", n_jobs=n_jobs
    )
    return pipeline_of([*head, ("model", stack)], memory=detector_params.get("memory"))
