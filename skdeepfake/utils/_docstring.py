"""Shared parameter documentation, filled into docstrings (imbalanced-learn's ``Substitution``).

A block written once here is what every class taking that parameter says
about it; ``%(name)s`` in a decorated docstring is replaced by the block.
"""

__all__ = ["Substitution", "BATCHES_DOC", "WAVEFORMS_FIT_DOC"]


class Substitution:
    """Decorator: ``docstring % params``, as ``imblearn.utils.Substitution`` does."""

    def __init__(self, **params):
        self.params = params

    def __call__(self, obj):
        if obj.__doc__:
            obj.__doc__ = obj.__doc__ % self.params
        return obj


#: ``n_jobs`` and ``verbose`` of the featurizers (FrameFeaturizer's batch loop).
BATCHES_DOC = """n_jobs : int or None, default=None
        Batches transformed in parallel threads (joblib's convention: None is
        one, -1 every core); the features do not depend on it.
    verbose : bool, default=False
        Show progress over the batches: a bar on a terminal, a line every few
        seconds in a log."""

#: ``X`` and ``y`` of the samplers' ``fit`` and ``fit_resample``.
WAVEFORMS_FIT_DOC = """X : list of 1-D arrays or 2-D array
            Waveforms at ``sr`` (the sampler follows the loader).
        y : array-like of shape (n_recordings,)
            Labels."""
