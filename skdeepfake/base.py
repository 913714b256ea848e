"""The contract every skdeepfake detector keeps.

A detector tells bona fide speech from spoofed speech: it is fitted on
exactly two classes, its ``predict`` is the more probable class of
``predict_proba``, and whoever needs P(fake) reads it with
:func:`skdeepfake.labels.spoof_scores`. :class:`BinaryDetectorMixin` holds
the first two, once, for the GMM, XGBoost, Keras and windowed detectors.
"""

import numpy as np
from sklearn.utils import ClassifierTags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

__all__ = ["BinaryDetectorMixin"]


class BinaryDetectorMixin:
    """Mixin of the two-class detectors: the two-class check and ``predict``.

    Put it first among the bases, as scikit-learn's mixins go before
    ``BaseEstimator``. The class gets ``classifier_tags.multi_class =
    False`` and:

    * ``_fit_classes(y)``: checks that ``y`` holds exactly two classes (the
      error names the detector and the classes found), sets ``classes_``
      and returns ``y`` as indices into it;
    * ``predict(X)``: the class of the larger ``predict_proba`` column.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator, ClassifierMixin
    >>> from skdeepfake.base import BinaryDetectorMixin
    >>> class Loudness(BinaryDetectorMixin, ClassifierMixin, BaseEstimator):
    ...     def fit(self, X, y):
    ...         self._fit_classes(y)
    ...         return self
    ...     def predict_proba(self, X):
    ...         p = 1 / (1 + np.exp(-np.asarray(X)[:, 0]))
    ...         return np.column_stack([1 - p, p])
    >>> Loudness().fit([[0], [1]], ["fake", "real"]).predict([[-3.0], [3.0]]).tolist()
    ['fake', 'real']
    >>> Loudness().fit([[0], [1]], ["a", "a"])
    Traceback (most recent call last):
    ...
    ValueError: Only binary classification is supported: Loudness needs bona fide and spoofed recordings, y with exactly 2 classes; got 1 class(es): ['a'].
    """

    def _fit_classes(self, y):
        check_classification_targets(y)
        classes, encoded = np.unique(y, return_inverse=True)
        if len(classes) != 2:
            raise ValueError(
                f"Only binary classification is supported: {type(self).__name__} needs bona fide "
                f"and spoofed recordings, y with exactly 2 classes; got {len(classes)} class(es): "
                f"{classes[:5].tolist()}."
            )
        self.classes_ = classes
        return encoded

    def predict(self, X):
        """The more probable class of each sample.

        Parameters
        ----------
        X : array-like
            As ``predict_proba`` takes it.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if tags.classifier_tags is None:  # a base that declares no classifier tags (scikeras)
            tags.estimator_type, tags.classifier_tags = "classifier", ClassifierTags()
        tags.classifier_tags.multi_class = False
        return tags
