"""Corpora on disk laid out as ``real/`` and ``fake/`` folders."""

import os
import warnings
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ..io import MAX_DURATION
from ..utils._bounds import SECONDS
from ._screen import screen_files, warn_notes

__all__ = ["load_audio_folder", "TARGET_NAMES"]

#: Class names in label order: index 0 is bona fide, index 1 is spoofed.
TARGET_NAMES = np.array(["real", "fake"])


#: The argument constraints of the folder checks, shared by the corpus loaders.
CHECK_CONSTRAINTS = {
    "check": ["boolean"],
    "n_jobs": [Integral, None],
    "max_duration": [SECONDS, None],
    "min_duration": [SECONDS, None],
}


@validate_params(
    {"root": [str, os.PathLike], **CHECK_CONSTRAINTS},
    prefer_skip_nested_validation=True,
)
def load_audio_folder(root, check=True, n_jobs=None, *, max_duration=MAX_DURATION, min_duration=None):
    """List the audio files of a folder with ``real/`` and ``fake/`` below it.

    Files may sit at any depth below ``real/`` and ``fake/``. Hidden files
    (names starting with ``.``) are ignored. With ``check=True`` every file
    is decoded once, as a pipeline would decode it; any entry that cannot
    be used (not a regular file, a broken or looping link, undecodable,
    empty, truncated, holding NaN or Inf, an unaccepted sample rate) is left
    out of ``filenames`` and listed in ``skipped`` with the reason, and a
    warning says how many. Every entry is either in ``filenames`` or in
    ``skipped``.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding ``real/`` and ``fake/``.
    check : bool, default=True
        Decode each file to find unusable ones up front (a run then never
        stops at a bad file).
    n_jobs : int or None, default=None
        Parallel jobs for the check (joblib).
    max_duration : float or None, default=3600.0
        With ``check``, files longer than this many seconds are skipped.
    min_duration : float or None, default=None
        With ``check``, files shorter than this many seconds (what a
        detector's front-end needs, say) are skipped.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``filenames`` (array of str, sorted), ``target`` (1 = fake,
        0 = real), ``target_names`` (``["real", "fake"]``), ``skipped``
        (list of ``(path, reason)``), ``metadata`` and ``DESCR``.
        ``metadata`` is a DataFrame with one row per file of ``filenames``,
        from a ``manifest.csv`` in ``root`` whose ``file`` column names the
        files relative to ``root`` (its other columns, e.g. ``corpus`` or
        ``speaker``, give groups for cross-validation); None without one.

    Raises
    ------
    FileNotFoundError
        If ``root``, ``root/real`` or ``root/fake`` does not exist.

    Examples
    --------
    >>> import numpy as np, soundfile as sf, tempfile, pathlib
    >>> from skdeepfake.datasets import load_audio_folder
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for label in ("real", "fake"):
    ...     (root / label).mkdir()
    ...     sf.write(root / label / "a.wav", np.zeros(1600), 16000)
    >>> data = load_audio_folder(root)
    >>> data.target.tolist(), data.skipped
    ([0, 1], [])
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder.")
    files, target, unlisted = [], [], []
    for label, name in enumerate(TARGET_NAMES):
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{root}: expected a '{name}/' folder inside it (layout: "
                f"{root}/real/... and {root}/fake/...)."
            )
        found = files_below(folder, unlisted)
        files.extend(found)
        target.extend([label] * len(found))
    limits = {"max_duration": max_duration, "min_duration": min_duration}
    data = _bunch_from_files(files, target, root, check, n_jobs, f"Audio folder {root}", limits, unlisted)
    data.metadata = _manifest(root, data.filenames)
    return data


def _manifest(root, filenames):
    """The rows of ``root/manifest.csv`` for ``filenames``, in their order (None without one)."""
    import pandas as pd

    path = root / "manifest.csv"
    columns = manifest_columns(root)
    if columns is None:
        return None
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot be read as CSV ({err}).") from None
    table.columns = columns
    table.index = [str((root / f).resolve()) for f in table.pop("file")]
    twice = table[table.index.duplicated(keep=False)]
    if len(twice):
        conflicting = twice.groupby(level=0).nunique().gt(1).any(axis=1)
        if conflicting.any():
            name = conflicting[conflicting].index[0]
            raise ValueError(
                f"{path}: lists {name} more than once with different values; list each file once."
            )
    table = table[~table.index.duplicated()]
    return table.reindex([str(Path(f).resolve()) for f in filenames]).reset_index(drop=True)


@validate_params({"root": [str, os.PathLike]}, prefer_skip_nested_validation=True)
def manifest_columns(root):
    """The column names of ``root/manifest.csv``, read without reading its rows.

    A run can then refuse a bad ``--groups`` (a column the manifest lacks)
    before any audio is decoded.

    Parameters
    ----------
    root : str or pathlib.Path
        A folder in the layout of :func:`load_audio_folder`.

    Returns
    -------
    list of str or None
        The header's names, stripped; None when the folder has no manifest.

    Raises
    ------
    ValueError
        Naming the file, when it is not a regular file, cannot be read as
        CSV, names a column twice, or has no ``file`` column.

    See Also
    --------
    load_audio_folder : reads the manifest's rows with the audio.

    Examples
    --------
    >>> import os, tempfile
    >>> from skdeepfake.datasets import manifest_columns
    >>> root = tempfile.mkdtemp()
    >>> manifest_columns(root) is None
    True
    >>> with open(os.path.join(root, "manifest.csv"), "w") as f:
    ...     _ = f.write("file,speaker\\nreal/a.wav,p225\\n")
    >>> manifest_columns(root)
    ['file', 'speaker']
    """
    import csv

    path = Path(root) / "manifest.csv"
    if not path.is_file():
        if path.exists() or path.is_symlink():  # a link to a device, a folder, a broken link
            raise ValueError(f"{path}: is not a regular file; a manifest must be a CSV file.")
        return None
    try:
        with open(path, encoding="utf-8", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"{path}: cannot be read as CSV ({err}).") from None
    header = [c.strip() for c in header]
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise ValueError(f"{path}: names the column(s) {', '.join(map(repr, twice))} more than once.")
    if "file" not in header:
        raise ValueError(f"{path}: has no 'file' column naming the files relative to {root}.")
    return header


@validate_params({"folder": [str, os.PathLike], "unlisted": [list, None]}, prefer_skip_nested_validation=True)
def files_below(folder, unlisted=None):
    """Every entry at any depth below ``folder`` that is not a folder, sorted, hidden names left out.

    This is how the loaders and the command line list a folder of
    recordings. Links that lead nowhere or in a loop, pipes and other
    special files are listed too, so that whoever reads them reports them
    rather than losing them.

    Parameters
    ----------
    folder : str or pathlib.Path
    unlisted : list or None, default=None
        Where a sub-folder that cannot be read (a path longer than the
        system allows, no permission) is appended as ``(path, reason)``,
        the rest being listed. None: such a folder raises.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    OSError
        When a folder cannot be read and ``unlisted`` is None.

    See Also
    --------
    load_audio_folder : lists ``real/`` and ``fake/`` with it, then screens each file.

    Examples
    --------
    >>> import os, tempfile
    >>> from skdeepfake.datasets import files_below
    >>> root = tempfile.mkdtemp()
    >>> os.makedirs(os.path.join(root, "a", "b"))
    >>> for name in ("a/b/x.wav", "a/y.flac", "a/.hidden.wav"):
    ...     open(os.path.join(root, name), "w").close()
    >>> [p.relative_to(root).as_posix() for p in files_below(root)]
    ['a/b/x.wav', 'a/y.flac']
    """
    folder = Path(folder)
    found = []

    def failed(err):
        if unlisted is None:
            raise err
        unlisted.append((str(err.filename or folder), f"cannot be read ({err.strerror})"))

    for here, dirs, names in os.walk(folder, onerror=failed):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(here, name) for name in names if not name.startswith("."))
    return sorted(found)


def _bunch_from_files(files, target, root, check, n_jobs, title, limits=None, unlisted=()):
    keep, skipped, notes = screen_files(files, target, check=check, n_jobs=n_jobs, **(limits or {}))
    skipped = list(unlisted) + skipped
    files = [p for p, k in zip(files, keep) if k]
    target = [t for t, k in zip(target, keep) if k]
    warn_notes(notes, title, stacklevel=3)
    if skipped:
        warnings.warn(
            f"{title}: skipped {len(skipped)} unusable file(s); see the Bunch's "
            f"'skipped' for each path and reason. First: {skipped[0][0]}: "
            f"{skipped[0][1]}",
            UserWarning,
            stacklevel=3,
        )
    target = np.asarray(target, dtype=int)
    descr = (
        f"{title}\n\n{len(files)} files: {int((target == 0).sum())} real, "
        f"{int((target == 1).sum())} fake; {len(skipped)} skipped as unusable.\n"
    )
    return Bunch(
        filenames=np.array([str(p) for p in files], dtype=object),
        target=target,
        target_names=TARGET_NAMES.copy(),
        skipped=skipped,
        notes=notes,
        root=str(root),
        DESCR=descr,
    )
