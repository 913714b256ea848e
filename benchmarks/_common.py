"""Shared reporting for the benchmark scripts.

Each script measures our code and its reference in the same run and prints
one JSON line per figure, prefixed with ``RESULT``; ``run_all.py`` gathers
them into one table.
"""

import json
import time


def best_time(fn, repeat=3):
    """Best wall time of ``repeat`` calls of ``fn`` (seconds)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(name, ours, reference, unit, goal=None, higher_is_better=True):
    """Print one measured figure, its reference and the ratio."""
    ratio = ours / reference if higher_is_better else reference / ours
    row = {
        "name": name,
        "ours": ours,
        "reference": reference,
        "unit": unit,
        "ratio": ratio,
        "goal": goal,
        "met": None if goal is None else ratio >= goal,
    }
    print("RESULT " + json.dumps(row), flush=True)
    return row


def dev_corpora(root=None):
    """The shared real corpora: file paths, labels (1 = fake) and corpus names.

    ``dev-speech``'s manifest names each clip's corpus; ``vocoder-samples``
    is one corpus of its own. With ``SKDF_DEV_CORPUS`` set to a folder that
    ``scripts/build_dev_corpus.py`` built, that corpus instead (its
    manifest's ``corpus`` column: one source each).
    """
    import os
    from pathlib import Path

    import numpy as np

    from skdeepfake.datasets import load_audio_folder

    built = os.environ.get("SKDF_DEV_CORPUS")
    if built:
        data = load_audio_folder(built)
        return (
            np.asarray([str(f) for f in data.filenames]),
            np.asarray(data.target),
            np.asarray(data.metadata["corpus"]),
        )

    root = Path(root) if root is not None else Path(__file__).resolve().parents[2] / "shared" / "data"
    files, labels, corpora = [], [], []
    for name in ("dev-speech", "vocoder-samples"):
        data = load_audio_folder(root / name)
        files += [str(f) for f in data.filenames]
        labels += list(data.target)
        column = data.metadata["corpus"] if "corpus" in data.metadata else [name] * len(data.target)
        corpora += list(column)
    return np.asarray(files), np.asarray(labels), np.asarray(corpora)
