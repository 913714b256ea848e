"""Deprecated: the Displays moved to :mod:`skdeepfake.metrics`, as scikit-learn's live in sklearn.metrics.

This module is kept for one release (0.3 removes it).
"""

import warnings

from .metrics import DETCurveDisplay, ScoreHistogramDisplay, WindowScoresDisplay

__all__ = ["DETCurveDisplay", "ScoreHistogramDisplay", "WindowScoresDisplay"]

warnings.warn(
    "skdeepfake.displays is deprecated and will be removed in 0.3; import the Displays from "
    "skdeepfake.metrics.",
    FutureWarning,
    stacklevel=2,
)
