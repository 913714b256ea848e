"""Benchmarks: detectors compared on one dataset or across corpora, datasets audited for shortcuts.

:func:`run_benchmark` (cross-validation or a given split) and
:func:`cross_corpus_benchmark` (fit on one corpus, score others) return
results that write their tables, JSON and figures the same way
(:class:`BenchmarkResults`, :class:`CrossCorpusResults`);
:func:`shortcut_audit` asks whether a dataset can be separated by cues no
detector should use (duration, silence, loudness, bandwidth).
"""

from ._audit import SHORTCUT_AUC_THRESHOLD, ShortcutWarning, audio_cues, shortcut_audit
from ._cross_corpus import cross_corpus_benchmark
from ._results import METRICS, BenchmarkResults, CrossCorpusResults
from ._runner import run_benchmark

__all__ = [
    "run_benchmark",
    "cross_corpus_benchmark",
    "CrossCorpusResults",
    "BenchmarkResults",
    "shortcut_audit",
    "audio_cues",
    "ShortcutWarning",
    "SHORTCUT_AUC_THRESHOLD",
    "METRICS",
]
