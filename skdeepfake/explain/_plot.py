"""Plots of the explanations, in scikit-learn's Display style."""

import numpy as np

from ._importance import feature_importance
from ._occlusion import occlusion

__all__ = ["RelevanceDisplay", "FeatureImportanceDisplay"]


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


class RelevanceDisplay:
    """An occlusion map over the recording's log spectrogram.

    The relevance of each cell (the drop of P(fake) when it is masked) is
    drawn as a translucent colour layer over the log-power spectrogram,
    time in seconds and frequency in Hz, with a colour bar in change of
    P(fake) (or log-odds). Red cells made the recording look fake.

    Parameters
    ----------
    explanation : Bunch
        From :func:`~skdeepfake.explain.occlusion`.
    x : ndarray of shape (n_samples,)
        The recording, at ``explanation.sr``.

    Attributes
    ----------
    ax_, figure_, colorbar_
        Set by :meth:`plot`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.explain import RelevanceDisplay
    >>> from skdeepfake.pipelines import make_linear_pipeline
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> detector = make_linear_pipeline().fit(data.data, data.target)
    >>> display = RelevanceDisplay.from_estimator(detector, data.data[0], n_segments=4, n_bands=4)
    >>> display.ax_.get_xlabel(), display.ax_.get_ylabel()
    ('time (s)', 'frequency (Hz)')
    """

    def __init__(self, explanation, x):
        self.explanation = explanation
        self.x = np.asarray(x, dtype=np.float32)

    @classmethod
    def from_estimator(cls, estimator, x, sr=16000, *, ax=None, **kwargs):
        """Explain ``x`` with :func:`~skdeepfake.explain.occlusion` (``**kwargs``) and plot it."""
        import soxr

        explanation = occlusion(estimator, x, sr, **kwargs)
        x = np.asarray(x, dtype=np.float32)
        if sr != explanation.sr:
            x = soxr.resample(x, sr, explanation.sr, quality="HQ")
        return cls(explanation, x).plot(ax=ax)

    @classmethod
    def from_explanation(cls, explanation, x, *, ax=None):
        """Plot an explanation already computed (``x`` at ``explanation.sr``)."""
        return cls(explanation, x).plot(ax=ax)

    def plot(self, ax=None, *, alpha=0.55, cmap="RdBu_r"):
        """Draw on ``ax`` (a new figure if None); returns ``self``."""
        import librosa

        e = self.explanation
        ax = _axes(ax)
        power = np.abs(librosa.stft(self.x, n_fft=512, hop_length=128)) ** 2
        duration = len(self.x) / e.sr
        ax.imshow(
            librosa.power_to_db(power, ref=np.max),
            origin="lower",
            aspect="auto",
            cmap="gray_r",
            extent=(0, duration, 0, e.sr / 2),
        )
        limit = float(np.abs(e.relevance).max()) or 1.0
        mesh = ax.pcolormesh(
            e.times,
            e.frequencies,
            e.relevance,
            cmap=cmap,
            vmin=-limit,
            vmax=limit,
            alpha=alpha,
            shading="flat",
        )
        unit = "P(fake)" if e.target == "p_fake" else "log-odds of fake"
        self.colorbar_ = ax.figure.colorbar(mesh, ax=ax, label=f"drop of {unit} when masked")
        ax.set_xlabel("time (s)")
        ax.set_ylabel("frequency (Hz)")
        ax.set_title(
            f"What made the detector say fake (P(fake) = {e.score:.2f})" if e.target == "p_fake" else ""
        )
        self.ax_, self.figure_ = ax, ax.figure
        return self


class FeatureImportanceDisplay:
    """The feature families a pooled detector relies on, as horizontal bars with their spread.

    Parameters
    ----------
    importances : pandas.DataFrame
        ``group``, ``mean``, ``std``: from
        :func:`~skdeepfake.explain.feature_importance`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from skdeepfake.explain import FeatureImportanceDisplay
    >>> table = pd.DataFrame({"group": ["lfcc mean", "band p90"], "mean": [0.2, 0.05], "std": [0.02, 0.01]})
    >>> FeatureImportanceDisplay.from_importances(table).ax_.get_xlabel()
    'EER added when the group is permuted'
    """

    def __init__(self, importances):
        self.importances = importances

    @classmethod
    def from_estimator(cls, estimator, X, y, *, ax=None, top=20, **kwargs):
        """Compute :func:`~skdeepfake.explain.feature_importance` (``**kwargs``) and plot it."""
        return cls(feature_importance(estimator, X, y, **kwargs).importances).plot(ax=ax, top=top)

    @classmethod
    def from_importances(cls, importances, *, ax=None, top=20):
        """Plot importances already computed."""
        return cls(importances).plot(ax=ax, top=top)

    def plot(self, ax=None, *, top=20):
        """Draw the ``top`` groups on ``ax`` (a new figure if None); returns ``self``."""
        ax = _axes(ax)
        table = self.importances.head(top).iloc[::-1]
        ax.barh(table["group"], table["mean"], xerr=table["std"], color="tab:red", alpha=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("EER added when the group is permuted")
        self.ax_, self.figure_ = ax, ax.figure
        return self
