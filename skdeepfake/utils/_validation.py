"""Input conventions shared by every estimator that takes raw audio.

X for raw audio is one of

* a 1-D sequence of file paths (``str`` or :class:`pathlib.Path`);
* a list of 1-D float arrays of any lengths;
* a 2-D float array ``(n_clips, n_samples)`` of equal-length waveforms.
"""

import os
import weakref
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse
from sklearn.utils.validation import _num_samples


def _is_path(item):
    return isinstance(item, (str, os.PathLike))


def as_clip_list(X, name="X"):
    """Split raw-audio X into ``("paths", list)`` or ``("arrays", list)``.

    Raises a ValueError that says which convention was broken and how.
    """
    if _is_path(X):
        raise ValueError(
            f"{name} must be a sequence of audio files or waveforms, got a single "
            f"path {str(X)!r}; wrap it in a list: [{str(X)!r}]."
        )
    if scipy.sparse.issparse(X):
        raise TypeError(
            f"{name} is a sparse matrix; sparse input is not supported: pass dense waveforms or file paths."
        )
    if hasattr(X, "to_numpy") and getattr(X, "ndim", 1) == 1:  # pandas Series
        X = X.to_numpy()
    if not isinstance(X, (np.ndarray, list, tuple)) and hasattr(X, "__array__"):
        X = np.asarray(X)
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 2:
        X = X.astype(np.float64)  # a non-number raises TypeError naming it
    if isinstance(X, np.ndarray):
        if X.dtype.kind in "fc" or X.dtype.kind in "iub":
            return "arrays", _rows_of_numeric_array(X, name)
        if X.ndim != 1:
            raise ValueError(
                f"{name} with dtype {X.dtype} must be 1-D (a list of file paths), got shape {X.shape}."
            )
        X = list(X)
    try:
        items = list(X)
    except TypeError:
        raise ValueError(
            f"{name} must be a sequence of file paths, a list of 1-D waveforms or a "
            f"2-D array of waveforms; got {type(X).__name__}."
        ) from None
    if len(items) == 0:
        raise ValueError(f"{name} is empty: it must hold at least one clip.")
    n_paths = sum(_is_path(item) for item in items)
    if n_paths == len(items):
        return "paths", [Path(item) for item in items]
    if n_paths:
        raise ValueError(f"{name} mixes file paths and waveforms; pass either paths only or waveforms only.")
    arrays = []
    for i, item in enumerate(items):
        arr = np.asarray(item)
        if arr.ndim != 1:
            raise ValueError(
                f"{name}[{i}] must be a 1-D waveform, got an array of shape "
                f"{arr.shape}. Mix multichannel audio down to mono first."
            )
        arrays.append(_check_float_waveform(arr, f"{name}[{i}]"))
    return "arrays", arrays


def _rows_of_numeric_array(X, name):
    if X.ndim == 1:
        raise ValueError(
            f"{name} is a 1-D array of numbers, which reads as one waveform. Reshape "
            f"your data: pass a 2-D array (n_clips, n_samples) such as "
            f"{name}[np.newaxis], or a list of waveforms."
        )
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (n_clips, n_samples) of waveforms, got "
            f"{X.ndim} dimensions with shape {X.shape}."
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: it must hold at least one clip.")
    if X.shape[1] == 0:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={X.shape}) while a minimum of 1 is "
            "required: its clips hold no samples."
        )
    X = _check_float_waveform(X, name)
    return list(X)


def _check_float_waveform(arr, name):
    if arr.dtype.kind not in "f":
        if arr.dtype.kind in "iub":
            raise ValueError(
                f"{name} has integer dtype {arr.dtype}; waveforms must be floats in "
                "[-1, 1] (for 16-bit PCM divide by 32768)."
            )
        if arr.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} has dtype {arr.dtype}.")
        raise ValueError(f"{name} must hold float samples, got dtype {arr.dtype}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (0 samples).")
    check_finite(arr, name)
    return arr


def check_finite(arr, name):
    """Raise a ValueError naming ``name`` when ``arr`` holds NaN or Inf."""
    if not np.isfinite(arr).all():
        if arr.ndim == 2:
            bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
            raise ValueError(
                f"{name} contains NaN or infinite samples in clip(s) "
                f"{bad[:10].tolist()}{' ...' if len(bad) > 10 else ''}."
            )
        raise ValueError(f"{name} contains NaN or infinite samples.")


def check_same_length(X, y):
    """Raise a ValueError when X and y hold different numbers of clips."""
    if y is not None and len(X) != _num_samples(y):
        raise ValueError(
            f"X and y have different lengths: X has {len(X)} clips, y has {_num_samples(y)} labels."
        )


@cache
def _param_names(cls):
    return tuple(cls._get_param_names())


# The parameter values each estimator last passed _validate_params with, by identity.
_VALIDATED = weakref.WeakKeyDictionary()


def validate_params_if_changed(estimator):
    """``estimator._validate_params()``, skipped when no parameter was set since it last passed.

    For estimators that check their parameters on every call, not only in
    ``fit`` (a transformer that may be used unfitted; a model whose window may
    be set after fit): scikit-learn's check reads the constructor's signature
    each time, which costs as much as decoding a short file. A parameter
    counts as changed when its attribute holds another object than the one
    validated, so any ``set_params`` or assignment is checked again.
    """
    values = tuple(getattr(estimator, name) for name in _param_names(type(estimator)))
    last = _VALIDATED.get(estimator)
    if last is not None and len(last) == len(values) and all(a is b for a, b in zip(last, values)):
        return
    estimator._validate_params()
    _VALIDATED[estimator] = values
