"""Datasets: local corpora on disk and the built-in synthetic demo corpus.

Every loader returns a Bunch with ``filenames``, ``target`` (1 = spoofed),
and, where the corpus says, ``groups`` (speakers, for speaker-disjoint
splits), ``attack`` (the spoofing system, ``"-"`` for bona fide) and
``split``; files a protocol names but the disk lacks are in ``missing``.
"""

from ._asvspoof import load_asvspoof5, load_asvspoof2019, load_asvspoof2021
from ._corpora import load_in_the_wild, load_mlaad, load_wavefake
from ._folder import TARGET_NAMES, files_below, load_audio_folder, manifest_columns
from ._for import FOR_SPLITS, FOR_VERSIONS, load_for, load_for_combined
from ._protocol import ProtocolError
from ._screen import SilentRecordingWarning
from ._specs import CORPORA, load_corpus
from ._synthetic import make_synthetic_speech

__all__ = [
    "load_audio_folder",
    "files_below",
    "manifest_columns",
    "load_for",
    "load_for_combined",
    "make_synthetic_speech",
    "load_asvspoof2019",
    "load_asvspoof2021",
    "load_asvspoof5",
    "load_in_the_wild",
    "load_wavefake",
    "load_mlaad",
    "ProtocolError",
    "SilentRecordingWarning",
    "load_corpus",
    "CORPORA",
    "FOR_VERSIONS",
    "FOR_SPLITS",
    "TARGET_NAMES",
]
