"""The one contract every corpus's list of files passes before a run uses it.

Whatever lists the files (a ``real/`` + ``fake/`` folder, a protocol, a
``meta.csv``), a file is used only if it lies inside the corpus's root
folders, is listed once with one label, and, when checked, decodes, is long
enough for the detector and holds finite samples. Every file left out is
reported with its reason; a run stops only when a class has no file left
(:func:`check_classes`). Recordings that decode but are silent or constant
are kept, with a note (a detector scores them, but the score says nothing
about speech).
"""

import os
import warnings

import numpy as np
from joblib import Parallel, delayed

from ..io import MAX_DURATION, inspect_audio

__all__ = ["screen_files", "screen_corpus", "warn_notes", "SilentRecordingWarning"]


class SilentRecordingWarning(UserWarning):
    """A corpus holds silent or constant recordings, used as they are (their scores say nothing)."""


def _normal(path):
    """The absolute path with ``..`` folded, links not followed (a folder of links stays valid)."""
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def _inside(path, roots):
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def screen_files(
    files, target, *, roots=None, check=False, n_jobs=None, max_duration=MAX_DURATION, min_duration=None
):
    """Which of ``files`` a run may use: ``(keep, skipped, notes)``.

    Parameters
    ----------
    files : sequence of path-like
    target : sequence of int
        Each file's label (1 = spoofed).
    roots : sequence of path-like or None, default=None
        The folders the corpus may name files in; None: anywhere (the files
        were found by listing the folders themselves).
    check : bool, default=False
        Also decode each file (:func:`~skdeepfake.io.inspect_audio`): a file
        that cannot be decoded, is longer than ``max_duration`` or shorter
        than ``min_duration`` seconds is skipped.
    n_jobs : int or None, default=None
        Threads for the decoding check.
    max_duration, min_duration : float or None
        As in :func:`~skdeepfake.io.inspect_audio`.

    Returns
    -------
    keep : ndarray of bool
        One per file.
    skipped : list of (str, str)
        ``(path, reason)`` of each file left out, in the order given.
    notes : list of (str, str)
        ``(path, note)`` of kept files whose signal is silent or constant.
    """
    n = len(files)
    reasons = [None] * n
    normal = [_normal(f) for f in files]
    allowed = None if roots is None else [_normal(r) for r in roots if r is not None]
    labels, first = {}, {}
    for i, (path, label) in enumerate(zip(normal, target)):
        labels.setdefault(path, set()).add(int(label))
        first.setdefault(path, i)
    for i, path in enumerate(normal):
        if allowed is not None and not _inside(path, allowed):
            reasons[i] = f"outside the corpus folder ({', '.join(allowed)})"
        elif len(labels[path]) > 1:
            reasons[i] = "listed as both bona fide and spoofed; used as neither"
        elif first[path] != i:
            reasons[i] = f"listed more than once (first as entry {first[path] + 1}); used once"
    notes = []
    if check:
        todo = [i for i in range(n) if reasons[i] is None]
        found = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(inspect_audio)(files[i], max_duration=max_duration, min_duration=min_duration)
            for i in todo
        )
        for i, (reason, note) in zip(todo, found):
            reasons[i] = reason
            if reason is None and note is not None:
                notes.append((str(files[i]), note))
    keep = np.array([r is None for r in reasons], dtype=bool)
    skipped = [(str(f), r) for f, r in zip(files, reasons) if r is not None]
    return keep, skipped, notes


def warn_notes(notes, title, stacklevel=2):
    """One warning for the silent or constant recordings a corpus keeps."""
    if notes:
        warnings.warn(
            f"{title}: {len(notes)} recording(s) are silent or constant and are used as they are; "
            f"their scores say nothing about speech. First: {notes[0][0]}: {notes[0][1]}",
            SilentRecordingWarning,
            stacklevel=stacklevel + 1,
        )


def screen_corpus(data, *, n_jobs=None, max_duration=MAX_DURATION, min_duration=None):
    """A loader's Bunch with its files decoded once: the unusable ones moved to ``skipped``.

    Every per-file field (``filenames``, ``target``, ``groups``, ``attack``,
    ``split``, ``source``, and the rows of ``frame`` and ``metadata``) is
    filtered alike; ``skipped`` gains ``(path, reason)`` per file left out
    and ``notes`` lists the silent or constant recordings kept.
    """
    files = list(data.filenames)
    keep, skipped, notes = screen_files(
        files, data.target, check=True, n_jobs=n_jobs, max_duration=max_duration, min_duration=min_duration
    )
    n = len(files)
    out = type(data)(**data)
    for key, value in data.items():
        if hasattr(value, "iloc") and len(value) == n:
            out[key] = value.loc[keep].reset_index(drop=True)
        elif isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == n:
            out[key] = value[keep]
    out["skipped"] = list(data.get("skipped", [])) + skipped
    out["notes"] = list(data.get("notes", [])) + notes
    return out
