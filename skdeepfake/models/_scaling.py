"""Per-band standardisation of spectrograms, the input encoder of the CNN and the LCNN.

In a module of its own, so that the LCNN (and anyone scaling spectrograms)
does not import the Custom-CNN.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["PerFrequencyScaler"]


class PerFrequencyScaler(TransformerMixin, BaseEstimator):
    """Standardise spectrograms per frequency band (and channel).

    Means and standard deviations are learned in ``fit`` over clips and
    frames, one per row (band) and channel. Input of shape ``(n, bands,
    frames)`` gains a channel axis; the output is always
    ``(n, bands, frames, channels)``, float32.

    Attributes
    ----------
    mean_ : ndarray of shape (bands, 1, channels)
    scale_ : ndarray of shape (bands, 1, channels)

    See Also
    --------
    LCNNClassifier : scales its inputs with it.
    sklearn.preprocessing.StandardScaler : the same for a table.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models import PerFrequencyScaler
    >>> S = np.random.default_rng(0).normal(3.0, 2.0, size=(5, 4, 6))
    >>> Z = PerFrequencyScaler().fit_transform(S)
    >>> Z.shape, bool(abs(Z.mean()) < 1e-6)
    ((5, 4, 6, 1), True)
    """

    # No parameters; declared so that _fit_context runs here as on every fit.
    _parameter_constraints: dict = {}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn per-band means and standard deviations.

        Parameters
        ----------
        X : array-like of shape (n, bands, frames) or (n, bands, frames, channels)
        y : None
            Ignored.

        Returns
        -------
        self : PerFrequencyScaler
        """
        X = self._as_4d(validate_data(self, X, allow_nd=True, dtype=[np.float32, np.float64]))
        self.mean_ = X.mean(axis=(0, 2), keepdims=True)[0].astype(np.float32)
        std = X.std(axis=(0, 2), keepdims=True)[0]
        self.scale_ = np.where(std > 1e-8, std, 1.0).astype(np.float32)
        return self

    def transform(self, X):
        """Standardise X with the learned statistics.

        Parameters
        ----------
        X : array-like of shape (n, bands, frames) or (n, bands, frames, channels)

        Returns
        -------
        ndarray of shape (n, bands, frames, channels), float32
        """
        check_is_fitted(self)
        X = self._as_4d(validate_data(self, X, allow_nd=True, dtype=np.float32, reset=False))
        return ((X - self.mean_) / self.scale_).astype(np.float32, copy=False)

    @staticmethod
    def _as_4d(X):
        if X.ndim == 3:
            return X[..., np.newaxis]
        if X.ndim != 4:
            raise ValueError(
                f"Expected spectrograms of shape (n, bands, frames) or (n, bands, "
                f"frames, channels); got X with shape {X.shape}."
            )
        return X
