"""Datasets: local corpora on disk and the built-in synthetic demo corpus."""

from ._synthetic import make_synthetic_speech

__all__ = ["make_synthetic_speech"]
