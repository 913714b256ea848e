"""Plots in scikit-learn's Display style: ``from_estimator``, ``from_predictions``, ``plot(ax)``.

- :class:`DETCurveDisplay`: scikit-learn's DET curve with the equal error
  rate marked where :func:`~skdeepfake.metrics.equal_error_rate` finds it;
- :class:`ScoreHistogramDisplay`: the P(fake) of bona fide and spoofed
  recordings, with the decision threshold;
- :class:`WindowScoresDisplay`: the P(fake) of every window of one long
  recording over time.

Every Display finds P(fake) by :func:`skdeepfake.labels.spoof_scores`.
"""

import numpy as np
import scipy.stats
from sklearn.metrics import DetCurveDisplay as _SklearnDetCurveDisplay

from ..labels import spoof_label, spoof_scores
from ._scores import equal_error_rate

__all__ = ["DETCurveDisplay", "ScoreHistogramDisplay", "WindowScoresDisplay"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


class DETCurveDisplay(_SklearnDetCurveDisplay):
    """scikit-learn's DET curve, with the equal error rate marked on it.

    Parameters
    ----------
    fpr, fnr : ndarray
        False-positive (bona fide flagged) and false-negative (spoof
        missed) rates, as :func:`sklearn.metrics.det_curve` returns them.
    eer : float
        The equal error rate, as :func:`~skdeepfake.metrics.equal_error_rate`.
    estimator_name : str or None, default=None
        Name for the legend.
    pos_label : label or None, default=None
        The spoofed class.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The curve.
    eer_point_ : matplotlib Line2D
        The EER marker.
    ax_, figure_ : matplotlib Axes and Figure

    See Also
    --------
    asvspoof_det_curve : the curve it draws.
    sklearn.metrics.DetCurveDisplay : scikit-learn's Display this one follows.

    References
    ----------
    .. [1] A. Martin, G. Doddington, T. Kamm, M. Ordowski and M. Przybocki, "The DET curve in
       assessment of detection task performance," Eurospeech 1997.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeepfake.metrics import DETCurveDisplay
    >>> display = DETCurveDisplay.from_predictions([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    >>> display.eer
    0.5
    """

    def __init__(self, *, fpr, fnr, eer, estimator_name=None, pos_label=None):
        super().__init__(fpr=fpr, fnr=fnr, estimator_name=estimator_name, pos_label=pos_label)
        self.eer = eer

    @classmethod
    def from_predictions(cls, y_true, y_score, *, pos_label=None, name=None, ax=None, **kwargs):
        """Plot the DET curve of P(fake) scores, the EER marked.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
        y_score : array-like of shape (n_samples,)
            P(fake), or any score that grows with the evidence of spoofing.
        pos_label : label or None, default=None
            The spoofed class; ``None``: by :func:`skdeepfake.labels.spoof_label`.
        name : str or None, default=None
            Legend entry.
        ax : matplotlib Axes or None, default=None
        **kwargs
            Passed to the curve's ``plot``.

        Returns
        -------
        DETCurveDisplay
        """
        from sklearn.metrics import det_curve

        pos = spoof_label(y_true, pos_label)
        fpr, fnr, _ = det_curve(y_true, y_score, pos_label=pos)
        eer, _ = equal_error_rate(y_true, y_score, pos_label=pos)
        display = cls(fpr=fpr, fnr=fnr, eer=eer, estimator_name=name, pos_label=pos)
        return display.plot(ax=ax, name=name, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, pos_label=None, name=None, ax=None, **kwargs):
        """Plot the DET curve of a fitted classifier's P(fake) on (X, y).

        Parameters
        ----------
        estimator : fitted classifier
        X : array-like
        y : array-like of shape (n_samples,)
        pos_label, name, ax, **kwargs
            As in :meth:`from_predictions`; ``name`` defaults to the class name.

        Returns
        -------
        DETCurveDisplay
        """
        p_fake, pos = spoof_scores(estimator, X, pos_label)
        name = type(estimator).__name__ if name is None else name
        return cls.from_predictions(y, p_fake, pos_label=pos, name=name, ax=ax, **kwargs)

    def plot(self, ax=None, *, name=None, **kwargs):
        """Draw the curve and its EER point on ``ax``.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
        name : str or None, default=None
        **kwargs
            Passed to the curve's ``plot``.

        Returns
        -------
        DETCurveDisplay
        """
        super().plot(ax=ax, name=name, **kwargs)
        eer = float(np.clip(self.eer, np.finfo(float).eps, 1 - np.finfo(float).eps))
        (self.eer_point_,) = self.ax_.plot(
            scipy.stats.norm.ppf(eer),
            scipy.stats.norm.ppf(eer),
            "o",
            color=self.line_.get_color(),
            label=f"EER {self.eer:.1%}",
        )
        self.ax_.legend(loc="upper right")
        return self


class ScoreHistogramDisplay:
    """Histograms of P(fake) for bona fide and spoofed recordings, with the threshold.

    Parameters
    ----------
    bona_fide, spoof : ndarray
        The scores of each class.
    threshold : float
        The decision threshold drawn (the EER threshold by default in the
        constructors).
    threshold_name : str, default="threshold"
        How the legend names it: ``"EER threshold"`` when the constructors
        chose it, so that it is not read as a tuned operating point.

    See Also
    --------
    DETCurveDisplay : the error rates these scores give.
    equal_error_rate : the threshold it marks.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeepfake.metrics import ScoreHistogramDisplay
    >>> display = ScoreHistogramDisplay.from_predictions(["real", "fake"], [0.2, 0.9])
    >>> display.spoof.tolist(), display.bona_fide.tolist()
    ([0.9], [0.2])
    """

    def __init__(self, *, bona_fide, spoof, threshold, threshold_name="threshold"):
        self.bona_fide = np.asarray(bona_fide, dtype=float)
        self.spoof = np.asarray(spoof, dtype=float)
        self.threshold = threshold
        self.threshold_name = threshold_name

    @classmethod
    def from_predictions(cls, y_true, y_score, *, pos_label=None, threshold=None, ax=None, bins=30):
        """Histograms of the scores by class; ``threshold=None`` draws the EER threshold."""
        y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
        pos = spoof_label(y_true, pos_label)
        name = "threshold"
        if threshold is None:
            threshold, name = equal_error_rate(y_true, y_score, pos_label=pos)[1], "EER threshold"
        display = cls(
            bona_fide=y_score[y_true != pos],
            spoof=y_score[y_true == pos],
            threshold=threshold,
            threshold_name=name,
        )
        return display.plot(ax=ax, bins=bins)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, pos_label=None, threshold=None, ax=None, bins=30):
        """Histograms of a fitted classifier's P(fake) on (X, y) by class."""
        p_fake, pos = spoof_scores(estimator, X, pos_label)
        return cls.from_predictions(y, p_fake, pos_label=pos, threshold=threshold, ax=ax, bins=bins)

    def plot(self, ax=None, *, bins=30):
        """Draw both histograms and the threshold on ``ax``; returns the Display."""
        self.ax_ = _axes(ax)
        self.figure_ = self.ax_.figure
        edges = np.linspace(
            min(self.bona_fide.min(initial=0), self.spoof.min(initial=0)),
            max(self.bona_fide.max(initial=1), self.spoof.max(initial=1)),
            bins + 1,
        )
        self.ax_.hist(self.bona_fide, bins=edges, alpha=0.6, label=f"bona fide ({len(self.bona_fide)})")
        self.ax_.hist(self.spoof, bins=edges, alpha=0.6, label=f"spoofed ({len(self.spoof)})")
        self.threshold_line_ = self.ax_.axvline(
            self.threshold, color="k", linestyle="--", label=f"{self.threshold_name} {self.threshold:.3g}"
        )
        self.ax_.set(xlabel="P(fake)", ylabel="recordings")
        self.ax_.legend()
        return self


class WindowScoresDisplay:
    """The P(fake) of every window of one recording over time.

    Parameters
    ----------
    start, end, p_fake : ndarray
        Each window's start and end (seconds) and score.
    threshold : float, default=0.5
        Drawn as a horizontal line.

    See Also
    --------
    skdeepfake.windows.WindowedClassifier : scores the windows it draws.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeepfake.metrics import WindowScoresDisplay
    >>> display = WindowScoresDisplay(start=[0.0, 1.0], end=[2.0, 3.0], p_fake=[0.2, 0.8]).plot()
    >>> display.line_.get_xdata().tolist()
    [1.0, 2.0]
    """

    def __init__(self, *, start, end, p_fake, threshold=0.5):
        self.start = np.asarray(start, dtype=float)
        self.end = np.asarray(end, dtype=float)
        self.p_fake = np.asarray(p_fake, dtype=float)
        self.threshold = threshold

    @classmethod
    def from_estimator(cls, windowed, recording, *, threshold=0.5, ax=None):
        """Score every window of ``recording`` (a path or a 1-D waveform) with a WindowedClassifier."""
        windows = windowed.predict_windows([recording])
        display = cls(
            start=windows["start"], end=windows["end"], p_fake=windows["p_fake"], threshold=threshold
        )
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw the scores at the windows' centres on ``ax``; returns the Display."""
        self.ax_ = _axes(ax)
        self.figure_ = self.ax_.figure
        centres = (self.start + self.end) / 2
        (self.line_,) = self.ax_.plot(centres, self.p_fake, marker=".", label="window P(fake)")
        self.ax_.axhline(self.threshold, color="k", linestyle="--", label=f"threshold {self.threshold:g}")
        self.ax_.set(xlabel="time (s, window centre)", ylabel="P(fake)", ylim=(-0.02, 1.02))
        self.ax_.legend(loc="upper right")
        return self
