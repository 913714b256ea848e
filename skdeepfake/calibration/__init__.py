r"""A detector whose score is a calibrated likelihood ratio, and that can say "uncertain".

:class:`AbstainingDetector` wraps a classifier of feature rows (the last
step of a pipeline) and adds what a score needs before anyone acts on it:

**Calibration to a log-likelihood ratio.** The classifier's P(fake) is
turned into log-odds :math:`s = \log p - \log(1 - p)` and mapped to a
log-likelihood ratio by logistic regression (Brümmer & du Preez, 2006;
the linear calibration of the NIST and ASVspoof evaluations),

.. math:: \mathrm{LLR}(x) = a\,s(x) + b,

fitted with balanced class weights on *out-of-fold* scores, so that the
LLR does not depend on the training data's class balance. The slope
:math:`a` is kept non-negative: held-out scores that point the wrong way
(worse than chance on unseen sources) are evidence of nothing, not of the
opposite, and give an LLR of 0. With
``groups`` (the source or corpus of each recording) the folds leave whole
sources out: the calibration then learns how much the detector's scores
are worth on sources it has not seen, which is what a user's recordings
are. The posterior at a stated prior :math:`\pi` (``prior``) is

.. math:: P(\text{fake} \mid x) = \sigma(\mathrm{LLR}(x) + \log\tfrac{\pi}{1 - \pi}).

**Abstention.** A recording is ``"uncertain"`` when

* it lies far from the training recordings: its Mahalanobis distance to
  them (standardised features, Ledoit-Wolf shrunk covariance, a one-class
  Gaussian model of the training data) exceeds the ``ood_quantile`` of the
  distances of held-out training recordings, computed with the same folds;
  or
* the evidence is weak: :math:`|\mathrm{LLR}(x)| <` ``band``.

:meth:`AbstainingDetector.verdict` gives each recording's label
(``"real"``, ``"fake"`` or ``"uncertain"``) with the reason, and
:func:`verdicts` gives them for any fitted detector (a threshold on
P(fake) for those that cannot abstain). Nothing here is a library's:
scikit-learn's :class:`~sklearn.calibration.CalibratedClassifierCV`
calibrates probabilities but neither leaves groups out by default nor
abstains.

References
----------
.. [1] N. Brümmer and J. du Preez, "Application-independent evaluation of
   speaker detection", Computer Speech & Language 20(2-3), 2006.
.. [2] O. Ledoit and M. Wolf, "A well-conditioned estimator for
   large-dimensional covariance matrices", J. Multivariate Analysis 88(2),
   2004.
.. [3] X. Wang and J. Yamagishi, "A Comparative Study on Recent Neural
   Spoofing Countermeasures for Synthetic Speech Detection", Interspeech
   2021 (calibrated countermeasure scores and their use as LLRs).
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.model_selection import cross_val_predict
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..base import BinaryDetectorMixin
from ..features import fits_only_input_length
from ..labels import log_odds, proba_columns, spoof_column, spoof_scores
from ._domain import MAX_GROUP_FOLDS, gaussian, held_out_folds, linear_calibration, mahalanobis
from ._verdicts import abstain_if_band_limited, abstain_if_short, can_abstain, threshold_verdicts, verdicts

__all__ = [
    "AbstainingDetector",
    "verdicts",
    "threshold_verdicts",
    "abstain_if_short",
    "abstain_if_band_limited",
    "can_abstain",
    "linear_calibration",
    "VERDICTS",
    "MAX_GROUP_FOLDS",
]

#: The labels a verdict can take.
VERDICTS = ("real", "fake", "uncertain")


class AbstainingDetector(BinaryDetectorMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Calibrate a detector's score to a log-likelihood ratio and abstain where it cannot know.

    Read more in the module's docstring (:mod:`skdeepfake.calibration`).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        Fitted on feature rows (e.g. :class:`~skdeepfake.models.XGBoostClassifier`
        after LFCC statistics). A classifier fitted elsewhere and wrapped in
        :class:`sklearn.frozen.FrozenEstimator` is kept as it is: only its
        calibration and domain are fitted (the shipped detector is AASIST-L
        so).
    cv : int, default=5
        Stratified folds of the out-of-fold scores the calibration and the
        domain threshold are fitted on. When ``fit`` gets ``groups``, the
        folds leave one group out at a time instead (``GroupKFold(20)``
        beyond 20 groups), and ``cv`` is not used.
    prior : float, default=0.5
        P(fake) before the evidence; ``predict_proba`` is the posterior at
        this prior and ``predict`` the decision that minimises errors at it
        (never "uncertain": see :meth:`verdict`).
    band : float, default=1.0
        Recordings whose ``|LLR|`` is below this (natural log; 1.0 is odds of
        e:1) are ``"uncertain"``: the evidence is weak.
    ood_quantile : float, default=0.99
        Recordings farther from the training data than this quantile of the
        held-out training recordings' distances are ``"uncertain"``: out of
        the detector's domain. 1.0 switches the check off.
    domain : transformer or None, default=None
        Computes, from ``X``, the rows of the one-class domain model (e.g.
        :class:`~skdeepfake.features.LFCC` statistics of waveform rows).
        None: ``X`` itself, which suits feature rows of a few hundred
        columns, not waveforms.
    balance : {"classes", "groups"}, default="classes"
        How the calibration weighs the training recordings: both classes
        the same; with ``"groups"``, also each group (source) the same
        within its class, so that a few large sources do not decide what a
        score is worth. ``"groups"`` needs ``groups`` in ``fit``.
    random_state : int, RandomState instance or None, default=0
        Seeds the stratified folds.
    min_duration : float or None, default=None
        Seconds: a recording shorter than this is ``"uncertain"`` (too
        short to judge), whatever its score. For a detector of a fixed-length
        input (a pipeline whose loader repeats a short recording to that
        length), what it would judge is mostly repetition. It is applied by
        :func:`verdicts` (and so by ``skdeepfake predict``), which sees the
        recordings before the loader pads them; ``fit`` and ``verdict`` on
        feature rows do not use it.
    min_bandwidth : float or None, default=None
        Hz: a recording whose loaded waveform holds (almost) nothing above
        this (:func:`skdeepfake.io.band_limited`: telephone or 8-kHz audio)
        is ``"uncertain"``, whatever its score: for a detector calibrated
        without such recordings, its domain model may not set them apart.
        Applied by :func:`verdicts` in a pipeline that starts with an
        :class:`~skdeepfake.AudioLoader`.

    Attributes
    ----------
    estimator_ : classifier
        ``estimator`` fitted on all the data.
    classes_ : ndarray of shape (2,)
    calibration_ : tuple of float
        ``(a, b)``: LLR = a * log-odds(P(fake)) + b. ``a`` is never
        negative: out-of-fold scores that point the wrong way give
        ``(0, 0)``, an LLR of 0 for every recording (no evidence).
    ood_threshold_ : float
        Distances beyond this are out of domain.
    oof_llr_ : ndarray of shape (n_samples,)
        The calibrated LLR of each training recording, out of fold.
    oof_distance_ : ndarray of shape (n_samples,)
        Each training recording's distance to the others, out of fold.
    domain_ : tuple of ndarray
        The one-class model of the training rows (of ``domain``'s rows when
        given): feature means and scales, and the location and precision of
        the standardised rows.
    domain_transformer_ : transformer or None
        ``domain`` fitted on all the data.
    n_features_in_ : int

    See Also
    --------
    sklearn.calibration.CalibratedClassifierCV : calibration of probabilities, without abstention.
    skdeepfake.metrics.min_cllr : how well calibrated scores could be.
    skdeepfake.fusion.make_fused_detector : fused detectors, whose output is an LLR too.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdeepfake.calibration import AbstainingDetector
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (60, 3)), rng.normal(1.5, 1, (60, 3))]
    >>> y = np.r_[np.zeros(60, int), np.ones(60, int)]
    >>> detector = AbstainingDetector(LogisticRegression()).fit(X, y)
    >>> v = detector.verdict(np.array([[-1.0, -1, -1], [0.75, 0.75, 0.75], [2.5, 2.5, 2.5], [40, 40, 40]]))
    >>> v.label.tolist()
    ['real', 'uncertain', 'fake', 'uncertain']
    >>> v.reason[3][:14]
    'out of domain:'
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "cv": [Interval(Integral, 2, 100, closed="both")],
        "prior": [Interval(Real, 0, 1, closed="neither")],
        "band": [Interval(Real, 0, 100, closed="both")],
        "ood_quantile": [Interval(Real, 0.5, 1, closed="both")],
        "domain": [HasMethods(["fit", "transform"]), None],
        "balance": [StrOptions({"classes", "groups"})],
        "random_state": ["random_state"],
        "min_duration": [Interval(Real, 0, None, closed="neither"), None],
        "min_bandwidth": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        estimator,
        *,
        cv=5,
        prior=0.5,
        band=1.0,
        ood_quantile=0.99,
        domain=None,
        balance="classes",
        random_state=0,
        min_duration=None,
        min_bandwidth=None,
    ):
        self.estimator = estimator
        self.cv = cv
        self.prior = prior
        self.band = band
        self.ood_quantile = ood_quantile
        self.domain = domain
        self.balance = balance
        self.random_state = random_state
        self.min_duration = min_duration
        self.min_bandwidth = min_bandwidth

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, groups=None):
        """Fit the detector, its calibration and its domain on out-of-fold scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Feature rows.
        y : array-like of shape (n_samples,)
            Labels (1 / "fake" = spoofed; see :mod:`skdeepfake.labels`).
        groups : array-like of shape (n_samples,) or None, default=None
            The source of each recording (corpus, speaker, system): the
            calibration folds leave whole sources out.

        Returns
        -------
        self : AbstainingDetector
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        self._fit_classes(y)
        column = spoof_column(self.classes_)  # refuses labels that do not say which class is spoofed
        is_fake = y == self.classes_[column]
        if groups is not None:
            groups = np.asarray(groups)
            if len(groups) != len(y):
                raise ValueError(f"groups has {len(groups)} entries for {len(y)} samples.")
        elif self.balance == "groups":
            raise ValueError("balance='groups' weighs each group the same: fit needs groups.")
        n_min = int(min(is_fake.sum(), (~is_fake).sum()))
        cv = min(self.cv, n_min) if groups is None else self.cv
        if cv < 2:
            raise ValueError(f"each class needs at least 2 samples to calibrate out of fold; got {n_min}.")
        splitter = held_out_folds(cv, groups, self.random_state)
        folds = list(splitter.split(X, y, groups))
        oof = cross_val_predict(clone(self.estimator), X, y, cv=folds, method="predict_proba")[:, column]
        s = log_odds(oof)
        self.calibration_ = linear_calibration(s, is_fake, groups if self.balance == "groups" else None)
        self.oof_llr_ = self._llr_of(s)
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.domain_transformer_ = None if self.domain is None else clone(self.domain).fit(X, y)
        rows = self._domain_rows(X)
        self.oof_distance_ = self._held_out_distances(X, y, folds, rows)
        self.ood_threshold_ = float(
            np.inf if self.ood_quantile >= 1 else np.quantile(self.oof_distance_, self.ood_quantile)
        )
        self.domain_ = gaussian(rows)  # plain arrays: a model file holds data only
        return self

    def _domain_rows(self, X):
        """The rows of the one-class domain model: X itself, or ``domain_transformer_``'s."""
        if self.domain_transformer_ is None:
            return X
        return np.asarray(self.domain_transformer_.transform(X), dtype=np.float64)

    def _held_out_distances(self, X, y, folds, rows):
        """Each row's distance to the domain model of the other folds' rows.

        ``rows`` (all the data's domain rows) serve every fold unless the
        domain transformer learns from its rows beyond their length: it is
        then refitted on each fold's training rows.
        """
        distance = np.empty(len(y))
        per_fold = self.domain is not None and not fits_only_input_length(self.domain)
        for train, test in folds:
            if per_fold:
                fitted = clone(self.domain).fit(X[train], y[train])
                inside, outside = fitted.transform(X[train]), fitted.transform(X[test])
                domain = gaussian(np.asarray(inside, dtype=np.float64))
                distance[test] = mahalanobis(np.asarray(outside, dtype=np.float64), domain)
            else:
                distance[test] = mahalanobis(rows[test], gaussian(rows[train]))
        return distance

    def _llr_of(self, s):
        a, b = self.calibration_
        return a * s + b

    def _posterior(self, llr):
        """P(fake | x) at ``prior``: the LLR plus the prior's log-odds, through the logistic."""
        return expit(llr + log_odds(np.array([self.prior]))[0])

    def _features(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def llr(self, X):
        """The calibrated log-likelihood ratio of "fake" against "real" (natural log), whatever the labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._llr_of_rows(self._features(X))

    def _llr_of_rows(self, X):
        p, _ = spoof_scores(self.estimator_, X)
        return self._llr_of(log_odds(p))

    def predict_proba(self, X):
        """Posterior probabilities at ``prior``, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
        """
        return proba_columns(self._posterior(self.llr(X)), self.classes_)

    def decision_function(self, X):
        """The LLR with scikit-learn's sign convention (positive for ``classes_[1]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        llr = self.llr(X)
        return llr if spoof_column(self.classes_) == 1 else -llr

    def distance(self, X):
        """How far each row lies from the training data (Mahalanobis, standardised features).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return mahalanobis(self._domain_rows(self._features(X)), self.domain_)

    def verdict(self, X):
        """Each row's label, ``"real"``, ``"fake"`` or ``"uncertain"``, with the reason.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Bunch
            ``p_fake`` (posterior at ``prior``), ``llr``, ``distance``,
            ``label`` and ``reason`` (None where the label is not
            ``"uncertain"``), arrays of shape (n_samples,).
        """
        X = self._features(X)  # validated once: it may be a batch of waveforms
        llr, distance = self._llr_of_rows(X), mahalanobis(self._domain_rows(X), self.domain_)
        p_fake = self._posterior(llr)
        label = np.where(p_fake >= 0.5, "fake", "real").astype(object)
        reason = np.full(len(llr), None, dtype=object)
        for i in range(len(llr)):
            if not distance[i] <= self.ood_threshold_:  # NaN counts as out of domain
                label[i] = "uncertain"
                reason[i] = (
                    f"out of domain: {distance[i]:.1f} from the training recordings, farther than "
                    f"{self.ood_quantile:.0%} of held-out ones ({self.ood_threshold_:.1f})"
                )
            elif abs(llr[i]) < self.band:
                label[i] = "uncertain"
                reason[i] = f"weak evidence: LLR {llr[i]:+.2f} within +-{self.band:g}"
        return Bunch(p_fake=p_fake, llr=llr, distance=distance, label=label, reason=reason)
