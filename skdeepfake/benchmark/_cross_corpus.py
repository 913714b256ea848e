"""Train on one corpus, test on others: the question in-corpus numbers cannot answer."""

import time
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils._param_validation import validate_params

from ..labels import spoof_label, spoof_scores
from ..metrics import equal_error_rate
from ..utils._validation import as_clip_list
from ._results import SCORE_METRICS, CrossCorpusResults, compute_metrics

__all__ = ["cross_corpus_benchmark"]


def _corpus(data, name):
    """(X, y, attack or None) from a loader's Bunch or an (X, y[, attack]) tuple."""
    if hasattr(data, "filenames") and hasattr(data, "target"):
        return list(data.filenames), np.asarray(data.target), getattr(data, "attack", None)
    if isinstance(data, tuple) and len(data) in (2, 3):
        X, y = data[0], np.asarray(data[1])
        attack = np.asarray(data[2], dtype=object) if len(data) == 3 and data[2] is not None else None
        return X, y, attack
    raise ValueError(
        f"corpus {name!r} must be a loader's Bunch (filenames, target[, attack]) or a tuple "
        f"(X, y) or (X, y, attack); got {type(data).__name__}."
    )


def _fit_and_score(name, estimator, X_train, y_train, tests):
    est = clone(estimator)
    start = time.perf_counter()
    est.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    scores = {corpus: spoof_scores(est, X)[0] for corpus, (X, _, _) in tests.items()}
    return name, fit_seconds, scores


@validate_params(
    {"estimators": [dict], "train": "no_validation", "tests": [dict], "n_jobs": [Integral, None]},
    prefer_skip_nested_validation=True,
)
def cross_corpus_benchmark(estimators, train, tests, *, n_jobs=None):
    """Fit each detector once on a training corpus and score it on other corpora.

    In-corpus numbers flatter: detectors learn the recording conditions,
    vocoders and speakers of their corpus, and lose most of their accuracy
    on another. This runner asks the question that matters: each detector
    is fitted on ``train`` only, and every corpus of ``tests`` is scored
    with it, giving a matrix of EER and minDCF (rows: detectors, columns:
    test corpora) and, where a corpus names its attacks, the EER of each
    attack (the ASVspoof reporting).

    Parameters
    ----------
    estimators : dict of str to estimator
        The detectors, by name; each takes raw audio (paths or waveforms).
    train : Bunch or tuple
        The training corpus: a loader's Bunch (``filenames``, ``target``)
        or ``(X, y)``.
    tests : dict of str to Bunch or tuple
        The test corpora by name: Bunches (with ``attack`` where known) or
        ``(X, y)`` / ``(X, y, attack)`` tuples.
    n_jobs : int or None, default=None
        Detectors fitted in parallel (joblib; a Dask backend works too).

    Returns
    -------
    CrossCorpusResults

    Examples
    --------
    >>> from skdeepfake.benchmark import cross_corpus_benchmark
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> a = make_synthetic_speech(n_samples=30, random_state=0)
    >>> b = make_synthetic_speech(n_samples=20, random_state=1)
    >>> results = cross_corpus_benchmark({"xgb": make_xgb_pipeline(n_estimators=10)},
    ...                                  (a.data, a.target), {"B": (b.data, b.target)})
    >>> results.matrix().shape
    (1, 1)
    """
    X_train, y_train, _ = _corpus(train, "train")
    spoof_label(y_train)
    corpora = {name: _corpus(data, name) for name, data in tests.items()}
    if not corpora:
        raise ValueError("tests is empty: give at least one test corpus.")
    _check_disjoint(X_train, corpora)
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(name, est, X_train, y_train, corpora) for name, est in estimators.items()
    )
    rows, attack_rows, predictions = [], [], {}
    for name, fit_seconds, scores in fitted:
        for corpus, (_, y, attack) in corpora.items():
            p_fake = scores[corpus]
            pos = spoof_label(y)
            predictions[(name, corpus)] = (y, p_fake)
            rows.append(
                {
                    "model": name,
                    "corpus": corpus,
                    **compute_metrics(y, p_fake, pos, names=SCORE_METRICS),
                    "n_bona_fide": int((y != pos).sum()),
                    "n_spoof": int((y == pos).sum()),
                    "fit_seconds": fit_seconds,
                }
            )
            attack_rows += _per_attack(name, corpus, y, p_fake, attack, pos)
    per_attack = pd.DataFrame(attack_rows, columns=["model", "corpus", "attack", "n_spoof", "eer"])
    return CrossCorpusResults(pd.DataFrame(rows), per_attack, predictions)


def _per_attack(name, corpus, y, p_fake, attack, pos):
    if attack is None:
        return []
    attack = np.asarray(attack, dtype=object)
    bona = y != pos
    rows = []
    for a in sorted(set(attack[~bona]) - {"-"}):
        keep = bona | (attack == a)
        rows.append(
            {
                "model": name,
                "corpus": corpus,
                "attack": a,
                "n_spoof": int((attack == a).sum()),
                "eer": equal_error_rate(y[keep], p_fake[keep])[0],
            }
        )
    return rows


def _check_disjoint(X_train, corpora):
    """Refuse a test corpus that shares files with the training corpus."""
    kind, clips = as_clip_list(X_train)
    if kind != "paths":
        return
    train_files = {str(p) for p in clips}
    for name, (X, _, _) in corpora.items():
        kind, test_clips = as_clip_list(X)
        shared = train_files.intersection(str(p) for p in test_clips) if kind == "paths" else set()
        if shared:
            raise ValueError(
                f"test corpus {name!r} shares {len(shared)} file(s) with the training corpus, "
                f"e.g. {sorted(shared)[0]}; a cross-corpus score must not test on training data."
            )
