"""Explanations: what in a recording made a detector say "fake".

- :func:`occlusion`: any detector that takes audio; masks one
  time-frequency cell at a time and reports the drop of P(fake);
  :func:`deletion_curve` checks that the map is faithful (removing the most
  relevant cells first must lower the score faster than a random order).
- :func:`gradient_map`: input x gradient, HiResCAM and Grad-CAM for the Keras
  detectors, on TensorFlow, JAX or PyTorch.
- :func:`feature_importance`: grouped permutation importance of a pooled
  detector's feature families (LFCC means, CQCC deltas, sub-band
  percentiles...).
- :class:`RelevanceDisplay`, :class:`FeatureImportanceDisplay`: their plots.

Explanations disagree with each other and a few examples do not
generalise; read the user guide's page on their limits.
"""

from ._deletion import deletion_curve
from ._gradients import gradient_map
from ._importance import feature_groups, feature_importance
from ._occlusion import occlusion
from ._plot import FeatureImportanceDisplay, RelevanceDisplay

__all__ = [
    "occlusion",
    "deletion_curve",
    "gradient_map",
    "feature_importance",
    "feature_groups",
    "RelevanceDisplay",
    "FeatureImportanceDisplay",
]
