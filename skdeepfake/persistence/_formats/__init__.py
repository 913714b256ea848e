"""Readers of the model-file formats before version 3 (skdeepfake 0.1 and 0.2 development)."""

from ._v2 import load_v1_or_v2

__all__ = ["load_v1_or_v2"]
