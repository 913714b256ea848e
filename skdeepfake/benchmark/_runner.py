"""Compare detectors on one dataset: cross-validated or on a given split, with a shortcut audit."""

import sys
import time
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold, StratifiedKFold
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from tqdm.auto import tqdm

from ..labels import LabelOrderWarning, spoof_label, spoof_scores
from ..metrics import eer_scorer
from ..utils._bounds import SAMPLE_RATE
from ..utils._validation import as_clip_list
from ._audit import shortcut_audit
from ._results import BenchmarkResults, compute_metrics

__all__ = ["run_benchmark"]


# -- runner ------------------------------------------------------------------------------


def _subset(X, idx):
    if isinstance(X, np.ndarray):
        return X[idx]
    return [X[i] for i in idx]


def _evaluate(name, estimator, X, y, train, test, split, grid, pos):
    est = clone(estimator)
    if grid:
        est = GridSearchCV(est, grid, scoring=eer_scorer, cv=3, refit=True)
    X_train, X_test = _subset(X, train), _subset(X, test)
    start = time.perf_counter()
    with warnings.catch_warnings():  # P(fake) is read by spoof_scores here, whatever the label order
        warnings.simplefilter("ignore", LabelOrderWarning)
        est.fit(X_train, y[train])
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    score, _ = spoof_scores(est, X_test)
    predict_seconds = time.perf_counter() - start
    other = [c for c in est.classes_ if c != pos][0]
    y_pred = np.where(score >= 0.5, pos, other)  # the more probable class
    y_test = y[test]
    row = {
        "model": name,
        "split": split,
        **compute_metrics(y_test, score, pos, y_pred=y_pred),
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
    }
    final = est.best_estimator_ if grid else est
    final = getattr(final, "estimator_", final)  # inside a WindowedClassifier
    model = final[-1] if hasattr(final, "steps") else final
    history = dict(getattr(model, "history_", {}) or {})
    best = est.best_params_ if grid else None
    return row, (y_test, score), history, best


@validate_params(
    {
        "estimators": [dict],
        "X": "no_validation",
        "y": ["array-like"],
        "cv": [Interval(Integral, 2, None, closed="left"), HasMethods(["split"])],
        "param_grids": [dict, None],
        "audit": ["boolean"],
        "sr": [SAMPLE_RATE],
        "progress": ["boolean"],
        "n_jobs": [Integral, None],
        "groups": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def run_benchmark(
    estimators,
    X,
    y,
    *,
    X_test=None,
    y_test=None,
    cv=5,
    param_grids=None,
    audit=True,
    sr=16000,
    random_state=0,
    progress=True,
    n_jobs=None,
    groups=None,
):
    """Fit and score several detectors under one protocol.

    With ``X_test`` the protocol is the given split (train on X, test on
    ``X_test``, as FoR ships its training and testing folders); otherwise
    stratified ``cv``-fold cross-validation on X. Every estimator takes raw
    audio (paths or waveforms), e.g. the ready-made pipelines.

    Parameters
    ----------
    estimators : dict of str to estimator
        The detectors, by name.
    X : sequence of paths, list of 1-D arrays or 2-D array
        Raw audio (the training part when ``X_test`` is given).
    y : array-like of shape (n_samples,)
        Labels.
    X_test, y_test : optional
        A held-out test set.
    cv : int or cross-validation splitter, default=5
        Folds when no test set is given: stratified (and grouped with
        ``groups``), or a splitter such as
        :class:`~sklearn.model_selection.LeaveOneGroupOut`, which with
        ``groups`` holding each recording's corpus gives the
        leave-one-corpus-out evaluation (each split named by the group it
        holds out).
    param_grids : dict of str to dict or None, default=None
        Optional ``{name: param_grid}``: that model is tuned by
        :class:`~sklearn.model_selection.GridSearchCV` (3-fold, EER) inside
        each training split.
    audit : bool, default=True
        Run :func:`~skdeepfake.benchmark.shortcut_audit` under the same protocol.
    sr : int, default=16000
        Sample rate of waveform arrays, for the audit.
    random_state : int, default=0
        Seeds the folds.
    progress : bool, default=True
        Show a progress bar.
    n_jobs : int or None, default=None
        (model, split) fits run in parallel. Inside
        ``joblib.parallel_backend("dask")`` they run on a Dask cluster.
    groups : array-like of shape (n_samples,) or None, default=None
        Speakers (or any source) of the recordings, e.g. a loader's
        ``groups``: the folds are then speaker-disjoint
        (:class:`~sklearn.model_selection.StratifiedGroupKFold`), as the
        field reports, so that no speaker is both trained and tested on.

    Returns
    -------
    BenchmarkResults

    Examples
    --------
    >>> from skdeepfake.benchmark import run_benchmark
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> data = make_synthetic_speech(n_samples=30, duration=0.5, random_state=0)
    >>> results = run_benchmark({"xgb": make_xgb_pipeline(n_estimators=10)},
    ...                         data.data, data.target, cv=3, progress=False)
    >>> results.to_frame().columns[:5].tolist()
    ['accuracy', 'balanced_accuracy', 'roc_auc', 'eer', 'min_dcf']
    """
    y = np.asarray(y)
    param_grids = param_grids or {}
    unknown = set(param_grids) - set(estimators)
    if unknown:
        raise ValueError(f"param_grids names unknown models: {sorted(unknown)}.")
    if (X_test is None) != (y_test is None):
        raise ValueError("Pass both X_test and y_test, or neither.")
    if X_test is not None:
        y_test = np.asarray(y_test)
        n_train = len(y)
        _, train_clips = as_clip_list(X)
        _, test_clips = as_clip_list(X_test)
        X_all = train_clips + test_clips
        y_all = np.concatenate([y, y_test])
        splits = [(np.arange(n_train), np.arange(n_train, len(y_all)))]
        split_names = ["test"]
    else:
        X_all, y_all = X, y
        if hasattr(cv, "split"):
            folds = cv
        elif groups is None:
            folds = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        else:
            n_groups = len(set(np.asarray(groups).tolist()))
            if n_groups < cv:
                raise ValueError(
                    f"groups: {n_groups} group(s) for {cv} folds; grouped folds need at least as many "
                    f"groups as folds (on the command line: another --groups, --cv {max(n_groups, 2)} or "
                    "--leave-one-group-out)."
                )
            folds = StratifiedGroupKFold(cv, shuffle=True, random_state=random_state)
        splits = list(folds.split(np.zeros(len(y)), y, groups))
        split_names = [f"fold{i}" for i in range(len(splits))]
        if groups is not None and all(len(set(np.asarray(groups)[test])) == 1 for _, test in splits):
            split_names = [f"held out: {np.asarray(groups)[test][0]}" for _, test in splits]
        for (train, test), name in zip(splits, split_names):
            if len(set(y[test])) < 2 or len(set(y[train])) < 2:
                raise ValueError(
                    f"split {name!r} has only one class in its {'test' if len(set(y[test])) < 2 else 'training'} "
                    "part; EER needs both. Use fewer folds, or groups that each hold both classes."
                )
    pos = spoof_label(y_all)

    audit_frame = None
    if audit:
        audit_frame = shortcut_audit(X_all, y_all, splits=splits, sr=sr, random_state=random_state)

    rows, predictions, histories, best_params = [], {}, {}, {}
    jobs = [(name, est, split) for name, est in estimators.items() for split in range(len(splits))]
    # One joblib task per (model, split): n_jobs or an active joblib backend
    # (e.g. "dask", to run on a cluster) spreads them out.
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_evaluate)(
            name, est, X_all, y_all, *splits[split], split_names[split], param_grids.get(name), pos
        )
        for name, est, split in jobs
    )
    terminal = sys.stderr.isatty()
    bar = tqdm(results, total=len(jobs), desc="benchmark", disable=not (progress and terminal), unit="fit")
    for k, ((name, _, _), (row, pred, history, best)) in enumerate(zip(jobs, bar), 1):
        bar.set_postfix_str(f"{name} {row['split']}")
        if progress and not terminal:  # a log: one line per fit
            print(
                f"benchmark: {name}, {row['split']}: EER {row['eer']:.3f}, fitted in "
                f"{row['fit_seconds']:.0f} s ({k}/{len(jobs)})",
                file=sys.stderr,
                flush=True,
            )
        rows.append(row)
        y_true, score = predictions.get(name, (np.array([], dtype=y_all.dtype), np.array([])))
        predictions[name] = (np.concatenate([y_true, pred[0]]), np.concatenate([score, pred[1]]))
        if history:
            histories.setdefault(name, []).append(history)
        if best is not None:
            best_params.setdefault(name, []).append(best)
    return BenchmarkResults(
        pd.DataFrame(rows), audit_frame, predictions, histories, best_params, pos_label=pos
    )
