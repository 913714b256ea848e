"""Metrics of the anti-spoofing field, their scorers, and plots.

Scores are P(fake) (or any score that grows with the evidence for the
positive class); the positive class is the spoofed one, found by
:func:`skdeepfake.labels.spoof_label` (1, "fake", "spoof"...) unless
``pos_label`` says otherwise.

- the ASVspoof DET curve, the equal error rate, the minimum detection cost
  (ASVspoof 5 costs), Cllr and its minimum over calibrations (PAV);
- bootstrap intervals of any of them, resampled within corpora or
  speakers, paired for comparisons (:func:`bootstrap_interval`);
- scorers of each for ``GridSearchCV`` and ``cross_validate``;
- plots in scikit-learn's Display style (``from_estimator``,
  ``from_predictions``, ``plot(ax)``): :class:`DETCurveDisplay` (the EER
  marked), :class:`ScoreHistogramDisplay` (P(fake) by class, with the
  threshold), :class:`WindowScoresDisplay` (a long recording's windows
  over time).
"""

from ._bootstrap import bootstrap_interval
from ._plot import DETCurveDisplay, ScoreHistogramDisplay, WindowScoresDisplay
from ._scorers import (
    cllr_scorer,
    eer_scorer,
    make_cllr_scorer,
    make_eer_scorer,
    make_min_dcf_scorer,
    min_dcf_scorer,
)
from ._scores import asvspoof_det_curve, cllr, det_curve_asvspoof, equal_error_rate, min_cllr, min_dcf

__all__ = [
    "asvspoof_det_curve",
    "det_curve_asvspoof",
    "equal_error_rate",
    "min_dcf",
    "cllr",
    "min_cllr",
    "bootstrap_interval",
    "eer_scorer",
    "min_dcf_scorer",
    "cllr_scorer",
    "make_eer_scorer",
    "make_min_dcf_scorer",
    "make_cllr_scorer",
    "DETCurveDisplay",
    "ScoreHistogramDisplay",
    "WindowScoresDisplay",
]
