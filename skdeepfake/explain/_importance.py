"""Which feature families a pooled detector relies on: grouped permutation importance.

A pooled detector sees rows of named statistics (``lfcc_03_mean``,
``cqcc_delta_12_std``, ``band_12_p90``). Permuting one column at a time
underestimates correlated families (the other coefficients stand in for
the permuted one), so the columns are permuted by group: every coefficient
of a family and statistic at once (Breiman, 2001; grouped as in Gregorutti
et al., 2017). scikit-learn's :func:`~sklearn.inspection.permutation_importance`
does the permuting: it shuffles a matrix of row indices, one column per
group, and a thin wrapper rebuilds the features from them.
"""

import re
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..labels import spoof_label
from ..metrics import eer_scorer
from ..pipelines import detector_parts

__all__ = ["feature_importance", "feature_groups"]

_STAT = r"(mean|std|min|max|median|p\d+)"


@validate_params(
    {"names": ["array-like"], "by": [StrOptions({"family", "family+statistic", "feature"})]},
    prefer_skip_nested_validation=True,
)
def feature_groups(names, by="family+statistic"):
    """The group of each feature name: ``lfcc_03_mean`` is family ``lfcc``, statistic ``mean``.

    Parameters
    ----------
    names : array-like of str
        As ``get_feature_names_out`` gives them (a FeatureUnion prefixes
        its parts: ``lfcc__lfcc_03_mean``).
    by : {"family", "family+statistic", "feature"}, default="family+statistic"
        ``"family"``: ``lfcc``, ``lfcc_delta``, ``cqcc``, ``band``, ``mfcc``...;
        ``"family+statistic"``: ``lfcc mean``...; ``"feature"``: each column.

    Returns
    -------
    ndarray of str

    Examples
    --------
    >>> from skdeepfake.explain import feature_groups
    >>> feature_groups(["lfcc__lfcc_03_mean", "lfcc__lfcc_delta_03_std", "subbands__band_12_p90"]).tolist()
    ['lfcc mean', 'lfcc_delta std', 'band p90']
    >>> feature_groups(["mfcc_02_mean", "zcr_std"], by="family").tolist()
    ['mfcc', 'zcr']
    """
    out = []
    for name in np.asarray(names, dtype=str):
        name = name.split("__")[-1]
        match = re.fullmatch(rf"(.+?)(?:_\d+)?_{_STAT}", name)
        family, stat = (match.group(1), match.group(2)) if match else (name, "")
        out.append(name if by == "feature" else family if by == "family" else f"{family} {stat}".strip())
    return np.asarray(out, dtype=object)


class _GroupedModel(ClassifierMixin, BaseEstimator):
    """Rebuilds features from a matrix of row indices, one column per group."""

    def __init__(self, model, features, columns):
        self.model, self.features, self.columns = model, features, columns

    def fit(self, X, y=None):
        return self

    def _rebuild(self, index):
        index = np.asarray(index, dtype=int)
        out = np.empty_like(self.features[index[:, 0]])
        for g, cols in enumerate(self.columns):
            out[:, cols] = self.features[index[:, g]][:, cols]
        return out

    def predict_proba(self, index):
        return self.model.predict_proba(self._rebuild(index))

    def predict(self, index):
        return self.model.predict(self._rebuild(index))

    @property
    def classes_(self):
        return self.model.classes_


@validate_params(
    {
        "estimator": [Pipeline],
        "X": ["array-like", list],
        "y": ["array-like"],
        "by": [StrOptions({"family", "family+statistic", "feature"})],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "scoring": [None, callable, str],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def feature_importance(
    estimator, X, y, *, by="family+statistic", n_repeats=10, scoring=None, n_jobs=None, random_state=0
):
    """How much worse a fitted pooled detector gets when a feature family is scrambled.

    Parameters
    ----------
    estimator : fitted Pipeline
        A detector whose last step takes a row of named features (its
        front-end has ``get_feature_names_out``), e.g.
        :func:`~skdeepfake.pipelines.make_linear_pipeline`.
    X : sequence of paths or waveforms
        Held-out recordings (importances on the training data measure
        memorisation).
    y : array-like of shape (n_recordings,)
    by : {"family", "family+statistic", "feature"}, default="family+statistic"
        The groups permuted together (:func:`feature_groups`).
    n_repeats : int, default=10
        Permutations per group.
    scoring : scorer or None, default=None
        None: :data:`~skdeepfake.metrics.eer_scorer`, so that an importance is
        the EER it adds.
    n_jobs, random_state
        As :func:`sklearn.inspection.permutation_importance`.

    Returns
    -------
    Bunch
        ``importances`` (a DataFrame: group, mean, std, n_features; sorted,
        most important first), ``raw`` (n_groups, n_repeats) and ``groups``.

    Examples
    --------
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.explain import feature_importance
    >>> from skdeepfake.pipelines import make_detector
    >>> data = make_synthetic_speech(n_samples=40, random_state=0)
    >>> detector = make_detector("linear", features="lfcc+subbands+mfcc").fit(data.data[:30], data.target[:30])
    >>> result = feature_importance(detector, data.data[30:], data.target[30:], by="family", n_repeats=2)
    >>> sorted(result.importances["group"])
    ['band', 'lfcc', 'lfcc_delta', 'lfcc_delta2', 'mfcc']
    """
    spoof_label(np.unique(y))
    front, model = estimator[:-1], estimator[-1]
    names = None
    featurizers = detector_parts(estimator).featurizers
    if featurizers:  # the front-end's names (a scaler after it keeps the columns)
        try:
            names = featurizers[-1][1].get_feature_names_out()
        except AttributeError:  # a front-end of frames
            pass
    features = np.asarray(front.transform(X))
    if names is None or len(names) != features.shape[1]:
        raise ValueError(
            "feature_importance needs a pipeline whose features have names (a front-end with "
            "output='stats' and get_feature_names_out); use explain.occlusion for others."
        )
    groups = feature_groups(names, by=by)
    labels = list(dict.fromkeys(groups))
    columns = [np.flatnonzero(groups == g) for g in labels]
    index = np.repeat(np.arange(len(features))[:, None], len(labels), axis=1)
    wrapped = _GroupedModel(model, features, columns)
    result = permutation_importance(
        wrapped,
        index,
        np.asarray(y),
        scoring=eer_scorer if scoring is None else scoring,
        n_repeats=n_repeats,
        n_jobs=n_jobs,
        random_state=random_state,
    )
    table = pd.DataFrame(
        {
            "group": [str(g) for g in labels],
            "mean": result.importances_mean,
            "std": result.importances_std,
            "n_features": [len(c) for c in columns],
        }
    )
    order = np.argsort(-table["mean"].to_numpy(), kind="stable")
    return Bunch(
        importances=table.iloc[order].reset_index(drop=True), raw=result.importances[order], groups=groups
    )
