"""Gradient-boosted trees, the baseline the study compares with."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..base import BinaryDetectorMixin
from ..utils._state import ExportedState

__all__ = ["XGBoostClassifier"]


class XGBoostClassifier(BinaryDetectorMixin, ExportedState, ClassifierMixin, BaseEstimator):
    """XGBoost on a feature matrix, with any labels (e.g. "real"/"fake").

    ``xgboost.XGBClassifier`` accepts only labels ``0..n_classes-1``; this
    wrapper encodes the labels, so it works with string labels inside
    pipelines, cross-validation and ensembles, and exposes the settings that
    matter for tuning as its own parameters.

    Parameters
    ----------
    n_estimators : int, default=300
        Boosting rounds.
    max_depth : int, default=4
        Depth of each tree.
    learning_rate : float, default=0.1
        Shrinkage of each tree's contribution.
    subsample : float, default=0.8
        Fraction of rows sampled per tree.
    colsample_bytree : float, default=0.8
        Fraction of columns sampled per tree.
    reg_lambda : float, default=1.0
        L2 regularisation of the leaf weights.
    n_jobs : int or None, default=None
        Threads used by XGBoost (``None``: all cores).
    random_state : int or None, default=None
        Seed.
    xgb_params : dict or None, default=None
        Further ``xgboost.XGBClassifier`` keyword arguments.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels; ``predict_proba`` columns follow this order.
    booster_ : xgboost.XGBClassifier
        The fitted XGBoost model (on encoded labels).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_importances_ : ndarray of shape (``n_features_in_``,)
        XGBoost's feature importances.

    See Also
    --------
    DNNClassifier : the study's network on the same features.
    skdeepfake.pipelines.make_detector : the default detector is this model on LFCC statistics.

    References
    ----------
    .. [1] T. Chen and C. Guestrin, "XGBoost: A scalable tree boosting system," KDD 2016, 785-794.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models import XGBoostClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 4))
    >>> y = np.where(X[:, 0] > 0, "fake", "real")
    >>> clf = XGBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), round(clf.score(X, y), 2)
    (['fake', 'real'], 1.0)
    """

    _parameter_constraints = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_depth": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "colsample_bytree": [Interval(Real, 0, 1, closed="right")],
        "reg_lambda": [Interval(Real, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "xgb_params": [dict, None],
    }

    def __init__(
        self,
        n_estimators=300,
        max_depth=4,
        learning_rate=0.1,
        subsample=0.8,
        colsample_bytree=0.8,
        reg_lambda=1.0,
        n_jobs=None,
        random_state=None,
        xgb_params=None,
    ):
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.xgb_params = xgb_params

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the boosted trees.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        Returns
        -------
        self : XGBoostClassifier
            The fitted classifier.
        """
        from xgboost import XGBClassifier

        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64], ensure_all_finite="allow-nan")
        encoded = self._fit_classes(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
            if not sample_weight.any():
                raise ValueError("sample_weight is all zero: no sample would weigh in.")
        self.booster_ = XGBClassifier(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            **(self.xgb_params or {}),
        )
        self.booster_.fit(X, encoded, sample_weight=sample_weight)
        return self

    def predict_proba(self, X):
        """Probability of each class, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            dtype=[np.float32, np.float64],
            ensure_all_finite="allow-nan",
            reset=False,
        )
        return self.booster_.predict_proba(X)

    # -- model files (skdeepfake.persistence) -------------------------------

    def _skdf_export(self):
        """(state, blobs): the labels and the booster in XGBoost's JSON format."""
        if not hasattr(self, "booster_"):
            return {}, {}
        state = {"classes": self.classes_, "n_features_in": int(self.n_features_in_)}
        return state, {"booster.json": bytes(self.booster_.get_booster().save_raw(raw_format="json"))}

    @classmethod
    def _skdf_import(cls, params, state, blobs):
        from xgboost import XGBClassifier

        clf = cls(**params)
        if not state:
            return clf
        if "booster.json" not in blobs:
            raise ValueError("the model file holds no booster for this XGBoostClassifier.")
        clf.booster_ = XGBClassifier()
        clf.booster_.load_model(bytearray(blobs["booster.json"]))
        clf.classes_ = np.asarray(state["classes"])
        clf.n_features_in_ = state["n_features_in"]
        return clf

    @property
    def feature_importances_(self):
        """XGBoost's feature importances."""
        check_is_fitted(self)
        return self.booster_.feature_importances_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
