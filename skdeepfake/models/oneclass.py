r"""A one-class model of bona fide speech: what is unlike real recordings is called fake.

Two-class detectors learn the spoofing systems of their training data and
fail on new ones. A one-class detector models only bona fide speech and
scores a recording by how unlike it is (the idea behind one-class learning
for anti-spoofing, Zhang, Jiang & Ouyang, "One-class learning towards
synthetic voice spoofing detection", IEEE SPL 2021, here with classical
one-class models of feature statistics instead of a network's embedding).

:class:`BonaFideOneClass` fits, on the bona fide rows only, either a
Gaussian mixture (``method="gmm"``; the score is the log-likelihood
:math:`\log p(x)`) or a one-class SVM (``method="svm"``; the score is its
decision function). With :math:`m` the 5th percentile of the bona fide
training rows' scores and :math:`d` their median absolute deviation (times
1.4826),

.. math:: P(\text{fake} \mid x) = \sigma\left(\operatorname{asinh}\frac{m - s(x)}{d}\right),

so that a recording less typical than 95% of the real training recordings
scores above 0.5: at the threshold 0.5, about 5% of recordings like the
training ones are called fake. ``asinh`` grows like a logarithm: recordings
far from real speech differ by orders of magnitude in likelihood, and a
plain logistic would give them all exactly 1.0, losing their order. The scale is not a calibration: use it inside
:class:`~skdeepfake.calibration.AbstainingDetector` or as a member of a
fused detector (:func:`~skdeepfake.fusion.make_fused_detector`), which
calibrate on out-of-fold scores.

Spoofed rows are used only to check that both classes are present; they
never shape the model.

References
----------
.. [1] Y. Zhang, F. Jiang and Z. Duan, "One-class learning towards synthetic
   voice spoofing detection", IEEE Signal Processing Letters 28, 2021.
.. [2] B. Schölkopf, J. Platt, J. Shawe-Taylor, A. Smola and R. Williamson,
   "Estimating the support of a high-dimensional distribution", Neural
   Computation 13(7), 2001 (the one-class SVM).
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.mixture import GaussianMixture
from sklearn.svm import OneClassSVM
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..base import BinaryDetectorMixin
from ..labels import proba_columns, spoof_column

__all__ = ["BonaFideOneClass"]

# The share of bona fide training rows scored above 0.5 (less typical than the rest).
FALSE_ALARM_QUANTILE = 0.05


class BonaFideOneClass(BinaryDetectorMixin, ClassifierMixin, BaseEstimator):
    """Score recordings by how unlike the bona fide training recordings they are.

    Read more in :mod:`skdeepfake.models.oneclass`.

    Parameters
    ----------
    method : {"gmm", "svm"}, default="gmm"
        A Gaussian mixture (diagonal covariances, as the ASVspoof GMM
        baselines use, regularised) or a one-class SVM (RBF kernel) of the
        bona fide rows.
    n_components : int, default=2
        Mixture components with ``method="gmm"``.
    nu : float, default=0.1
        The one-class SVM's bound on the share of training rows outside
        its support, with ``method="svm"``.
    random_state : int, RandomState instance or None, default=None
        Seeds the mixture's initialisation.

    Attributes
    ----------
    model_ : GaussianMixture or OneClassSVM
        Fitted on the bona fide rows.
    center_, scale_ : float
        The 5th percentile and the scaled median absolute deviation of their
        scores.
    classes_ : ndarray of shape (2,)
    n_features_in_ : int

    See Also
    --------
    skdeepfake.calibration.AbstainingDetector : calibrate its scores and abstain.
    skdeepfake.models.GMMClassifier : the two-class GMM baseline.

    References
    ----------
    .. [1] B. Schölkopf, J. C. Platt, J. Shawe-Taylor, A. J. Smola and R. C. Williamson,
       "Estimating the support of a high-dimensional distribution," Neural Computation 13(7),
       1443-1471, 2001.
    .. [2] Y. Zhang, F. Jiang and Z. Duan, "One-class learning towards synthetic voice spoofing
       detection," IEEE Signal Processing Letters 28, 937-941, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models import BonaFideOneClass
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (50, 3)), rng.normal(3, 1, (10, 3))]
    >>> y = np.r_[np.zeros(50, int), np.ones(10, int)]
    >>> detector = BonaFideOneClass(random_state=0).fit(X, y)
    >>> p_fake = detector.predict_proba([[0.0, 0, 0], [6.0, 6, 6]])[:, 1]
    >>> bool(p_fake[0] < 0.5 < p_fake[1])
    True
    """

    _parameter_constraints = {
        "method": [StrOptions({"gmm", "svm"})],
        "n_components": [Interval(Integral, 1, 64, closed="both")],
        "nu": [Interval(Real, 0, 1, closed="right")],
        "random_state": ["random_state"],
    }

    def __init__(self, method="gmm", n_components=2, nu=0.1, random_state=None):
        self.method = method
        self.n_components = n_components
        self.nu = nu
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the one-class model on the bona fide rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels (1 / "fake" = spoofed); the bona fide rows are modelled.

        Returns
        -------
        self : BonaFideOneClass
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        encoded = self._fit_classes(y)
        real = X[encoded != spoof_column(self.classes_)]
        if len(real) < 2:
            raise ValueError(f"BonaFideOneClass needs at least 2 bona fide rows; got {len(real)}.")
        if self.method == "gmm":
            components = min(self.n_components, len(real))
            self.model_ = GaussianMixture(
                components, covariance_type="diag", reg_covar=1e-3, random_state=self.random_state
            ).fit(real)
        else:
            self.model_ = OneClassSVM(nu=self.nu, gamma="scale").fit(real)
        scores = self._raw(real)
        self.center_ = float(np.quantile(scores, FALSE_ALARM_QUANTILE))
        self.scale_ = float(1.4826 * np.median(np.abs(scores - np.median(scores)))) or 1.0
        return self

    def _raw(self, X):
        return self.model_.score_samples(X) if self.method == "gmm" else self.model_.decision_function(X)

    def predict_proba(self, X):
        """P(real) and P(fake) by how unlike the bona fide training rows each row is.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        z = np.arcsinh((self.center_ - self._raw(X)) / self.scale_)  # no ties at 1.0 far from real speech
        return proba_columns(expit(z), self.classes_)
