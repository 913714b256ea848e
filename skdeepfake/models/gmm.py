"""The GMM baseline of ASVspoof 2019: one Gaussian mixture per class on frames."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..base import BinaryDetectorMixin

__all__ = ["GMMClassifier"]


class GMMClassifier(BinaryDetectorMixin, ClassifierMixin, BaseEstimator):
    r"""Two Gaussian mixtures, bona fide and spoofed, scored by log-likelihood ratio.

    The countermeasure of the ASVspoof 2019 (and 2021) LFCC-GMM and
    CQCC-GMM baselines (Todisco et al., 2019): one GMM is trained by EM on
    all frames of the recordings of each class, and a recording
    :math:`X = (x_1, \dots, x_T)` is scored by the mean per-frame
    log-likelihood ratio

    .. math::

        s(X) = \frac{1}{T} \sum_{t=1}^{T}
        \big[\log p(x_t \mid \lambda_1) - \log p(x_t \mid \lambda_0)\big],

    where :math:`\lambda_1` is the GMM of ``classes_[1]`` and
    :math:`\lambda_0` that of ``classes_[0]``. ``decision_function``
    returns :math:`s(X)`; ``predict_proba`` maps it through a sigmoid
    :math:`\sigma(a\,s(X) + b)` whose :math:`a, b` are fitted by logistic
    regression on the training recordings' scores (Platt scaling). Being
    fitted on training data, those probabilities tend to be
    over-confident; EER and other rank-based metrics do not depend on them.

    Parameters
    ----------
    n_components : int, default=512
        Gaussians per mixture (the baselines' 512).
    covariance_type : {"diag", "full", "tied", "spherical"}, default="diag"
        As in :class:`sklearn.mixture.GaussianMixture`; the baselines use
        diagonal covariances.
    max_iter : int, default=30
        EM iterations at most; EM stops there without a
        ``ConvergenceWarning`` (``converged_`` tells whether it converged
        within ``tol``). The ASVspoof 2021 Python baseline stops after 10;
        ``benchmarks/bench_gmm.py`` found that 10 loses EER against EM run
        to convergence and 30 does not.
    tol : float, default=1e-3
        EM convergence threshold on the lower-bound gain.
    reg_covar : float, default=1e-6
        Added to the covariances' diagonals, for stability.
    init_params : {"k-means++", "kmeans", "random", "random_from_data"}, default="k-means++"
        Initialisation of the components (k-means++ seeding is much faster
        than full k-means with hundreds of components).
    max_frames : int or None, default=20000
        Train each mixture on at most this many frames of its class, drawn
        at random; ``None`` uses all. The baselines subsample too (every
        10th training file); EM's cost grows with frames x components, so
        the default bounds a fit whatever the corpus size
        (``benchmarks/bench_gmm.py`` measures time and EER against all
        frames).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and the frame sampling.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels.
    gmms_ : list of two GaussianMixture
        The mixtures of ``classes_[0]`` and ``classes_[1]``.
    calibration_ : LogisticRegression
        The sigmoid that maps scores to probabilities.
    n_iter_ : ndarray of shape (2,)
        EM iterations of each mixture.
    converged_ : ndarray of shape (2,)
        Whether each mixture's EM converged (within ``tol``) before
        ``max_iter``.
    n_features_in_ : int
        Features per frame.

    See Also
    --------
    skdeepfake.LFCC : the LFCC-GMM baseline's front-end.
    skdeepfake.CQCC : the CQCC-GMM baseline's front-end.
    BonaFideOneClass : a model of bona fide speech alone.

    Notes
    -----
    X is ``(n_recordings, n_features, n_frames)``, the frame output of
    :class:`~skdeepfake.features.LFCC` or :class:`~skdeepfake.features.CQCC`;
    a 2-D X ``(n_samples, n_features)`` is read as one frame per sample.

    References
    ----------
    .. [1] M. Todisco, X. Wang, V. Vestman, Md. Sahidullah, H. Delgado et
       al., "ASVspoof 2019: Future horizons in spoofed and fake audio
       detection", Interspeech 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models import GMMClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 3, 50))
    >>> y = np.repeat([0, 1], 10)
    >>> X[y == 1] += 1.0
    >>> gmm = GMMClassifier(n_components=2, random_state=0).fit(X, y)
    >>> gmm.predict(X[[0, -1]]).tolist(), gmm.predict_proba(X).shape
    ([0, 1], (20, 2))
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions({"diag", "full", "tied", "spherical"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "reg_covar": [Interval(Real, 0, None, closed="left")],
        "init_params": [StrOptions({"k-means++", "kmeans", "random", "random_from_data"})],
        "max_frames": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=512,
        covariance_type="diag",
        max_iter=30,
        tol=1e-3,
        reg_covar=1e-6,
        init_params="k-means++",
        max_frames=20000,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.init_params = init_params
        self.max_frames = max_frames
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit one mixture per class on the frames of its recordings.

        Parameters
        ----------
        X : array-like of shape (n_recordings, n_features, n_frames) or (n_samples, n_features)
            Frame-level features.
        y : array-like of shape (n_recordings,)
            Labels of two classes.

        Returns
        -------
        self : GMMClassifier
            The fitted classifier.
        """
        X, y = validate_data(self, X, y, allow_nd=True, dtype=[np.float64, np.float32])
        frames = _frames(X, type(self).__name__)
        self._fit_classes(y)
        rng = check_random_state(self.random_state)
        self.gmms_ = []
        for label in self.classes_:
            own = frames[y == label].reshape(-1, frames.shape[-1])
            if self.max_frames is not None and len(own) > self.max_frames:
                own = own[np.sort(rng.choice(len(own), self.max_frames, replace=False))]
            # EM's variances are differences of means of squares: in float32 they
            # cancel to <= 0 for near-constant frames (silence) and the fit fails
            own = own.astype(np.float64, copy=False)
            if len(own) < self.n_components:
                raise ValueError(
                    f"GMMClassifier(n_components={self.n_components}) needs at least as many "
                    f"training frames of each class; class {np.asarray(label).tolist()!r} has {len(own)}. Lower "
                    "n_components or give more (or longer) recordings."
                )
            gmm = GaussianMixture(
                n_components=self.n_components,
                covariance_type=self.covariance_type,
                max_iter=self.max_iter,
                tol=self.tol,
                reg_covar=self.reg_covar,
                init_params=self.init_params,
                random_state=rng.randint(np.iinfo(np.int32).max),
            )
            with warnings.catch_warnings():  # stopping at max_iter is the design (see max_iter)
                warnings.simplefilter("ignore", ConvergenceWarning)
                self.gmms_.append(gmm.fit(own))
        self.n_iter_ = np.array([gmm.n_iter_ for gmm in self.gmms_])
        self.converged_ = np.array([gmm.converged_ for gmm in self.gmms_])
        scores = self._llr(frames).reshape(-1, 1)
        self.calibration_ = LogisticRegression().fit(scores, y == self.classes_[1])
        return self

    def _llr(self, frames):
        n, n_frames, n_features = frames.shape
        flat = frames.reshape(-1, n_features)
        per_frame = self.gmms_[1].score_samples(flat) - self.gmms_[0].score_samples(flat)
        return per_frame.reshape(n, n_frames).mean(axis=1)

    def decision_function(self, X):
        """Mean per-frame log-likelihood ratio of ``classes_[1]`` against ``classes_[0]``.

        Parameters
        ----------
        X : array-like of shape (n_recordings, n_features, n_frames) or (n_samples, n_features)
            Frame-level features.

        Returns
        -------
        ndarray of shape (n_recordings,)
            Positive values favour ``classes_[1]``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, allow_nd=True, dtype=[np.float64, np.float32])
        return self._llr(_frames(X, type(self).__name__))

    def predict_proba(self, X):
        """Probabilities of the classes, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_recordings, n_features, n_frames) or (n_samples, n_features)
            Frame-level features.

        Returns
        -------
        ndarray of shape (n_recordings, 2)
        """
        scores = self.decision_function(X).reshape(-1, 1)
        return self.calibration_.predict_proba(scores)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _frames(X, name):
    """(n_recordings, n_frames, n_features) from 3-D frames or a 2-D matrix."""
    if X.ndim == 2:
        return X[:, np.newaxis, :]
    if X.ndim == 3:
        return np.ascontiguousarray(X.transpose(0, 2, 1))
    raise ValueError(
        f"{name} needs frame-level features of shape (n_recordings, n_features, "
        f"n_frames), e.g. LFCC(output='frames'); got X with shape {X.shape}."
    )
