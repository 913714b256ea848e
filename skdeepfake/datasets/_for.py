"""The Fake-or-Real (FoR) corpus, read from a local copy."""

import os
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils._param_validation import validate_params

from ..io import MAX_DURATION
from ._folder import CHECK_CONSTRAINTS, _bunch_from_files, load_audio_folder

__all__ = ["load_for", "load_for_combined", "FOR_VERSIONS", "FOR_SPLITS"]

#: FoR versions and the folder names their archives unpack to.
FOR_VERSIONS = {
    "for-norm": ("for-norm",),
    "for-2sec": ("for-2sec", "for-2seconds"),
    "for-rerec": ("for-rerec", "for-rerecording", "for-rerecorded"),
    "for-original": ("for-original",),
}

#: Splits and the folder names accepted for each.
FOR_SPLITS = {
    "training": ("training", "train"),
    "validation": ("validation", "val", "valid"),
    "testing": ("testing", "test"),
}

_DOWNLOAD_HINT = (
    "FoR (Fake-or-Real, York University APTLY lab) is distributed as "
    "for-norm, for-2seconds, for-rerecording and for-original archives; unpack "
    "them under one folder so that it holds e.g. for-norm/training/real/."
)


def _canonical(name, table, what):
    for key, aliases in table.items():
        if name == key or name in aliases:
            return key
    choices = ", ".join(f"{k!r}" for k in table)
    raise ValueError(f"Unknown FoR {what} {name!r}; choose one of {choices}.")


def _find_version_dir(root, version):
    """Folder of ``version`` below ``root``, or ``root`` itself when it is one."""
    aliases = FOR_VERSIONS[version]
    candidates = []
    for alias in aliases:
        candidates += [root / alias, root / alias / alias]
    if root.name in aliases:
        candidates.insert(0, root)
    for folder in candidates:
        if folder.is_dir() and any((folder / s).is_dir() for a in FOR_SPLITS.values() for s in a):
            return folder
    raise FileNotFoundError(
        f"{root}: no FoR '{version}' folder found (looked for "
        f"{', '.join(str(c) for c in candidates)}). {_DOWNLOAD_HINT}"
    )


@validate_params(
    {
        "root": [str, os.PathLike],
        "version": [str],
        "split": [str],
        **CHECK_CONSTRAINTS,
    },
    prefer_skip_nested_validation=True,
)
def load_for(
    root,
    version="for-norm",
    split="training",
    check=True,
    n_jobs=None,
    *,
    max_duration=MAX_DURATION,
    min_duration=None,
):
    """List the files of one version and split of the Fake-or-Real corpus.

    FoR is not downloaded by this function: point it at a local copy.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding the unpacked versions (``root/for-norm/...``), or
        one version's folder itself. A version folder nested in one of the
        same name (``for-norm/for-norm/``, as some mirrors ship it) is found
        too.
    version : str, default="for-norm"
        ``"for-norm"``, ``"for-2sec"``, ``"for-rerec"`` or
        ``"for-original"``; the archive names ``"for-2seconds"`` and
        ``"for-rerecording"`` are accepted.
    split : str, default="training"
        ``"training"``, ``"validation"`` or ``"testing"`` (or ``"train"``,
        ``"val"``, ``"test"``).
    check : bool, default=True
        Open each file's header and report unreadable files in ``skipped``.
    n_jobs : int or None, default=None
        Parallel jobs for the check.
    max_duration, min_duration : float or None
        As in :func:`~skdeepfake.datasets.load_audio_folder`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``filenames``, ``target`` (1 = fake, 0 = real), ``target_names``,
        ``skipped`` (``(path, reason)`` pairs), ``version``, ``split`` and
        ``DESCR``.

    Raises
    ------
    ValueError
        For an unknown version or split.
    FileNotFoundError
        When the version or split folder is missing; the message says what
        to download and where to put it.

    Examples
    --------
    >>> import numpy as np, soundfile as sf, tempfile, pathlib
    >>> from skdeepfake.datasets import load_for
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for label in ("real", "fake"):
    ...     folder = root / "for-2seconds" / "testing" / label
    ...     folder.mkdir(parents=True)
    ...     sf.write(folder / "clip.wav", np.zeros(32000), 16000)
    >>> data = load_for(root, version="for-2sec", split="testing")
    >>> len(data.filenames), data.version, data.split
    (2, 'for-2sec', 'testing')
    """
    version = _canonical(version, FOR_VERSIONS, "version")
    split = _canonical(split, FOR_SPLITS, "split")
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder. {_DOWNLOAD_HINT}")
    version_dir = _find_version_dir(root, version)
    for alias in FOR_SPLITS[split]:
        if (version_dir / alias).is_dir():
            data = load_audio_folder(
                version_dir / alias,
                check=check,
                n_jobs=n_jobs,
                max_duration=max_duration,
                min_duration=min_duration,
            )
            break
    else:
        raise FileNotFoundError(f"{version_dir}: no '{split}' folder in this FoR copy. {_DOWNLOAD_HINT}")
    data.version = version
    data.split = split
    data.DESCR = f"Fake-or-Real (FoR) {version}, {split} split\n\n" + data.DESCR
    return data


@validate_params(
    {"root": [str, os.PathLike], "split": [str], "check": ["boolean"], "n_jobs": [Integral, None]},
    prefer_skip_nested_validation=True,
)
def load_for_combined(root, split="training", check=True, n_jobs=None):
    """FoR "for-combined": for-norm, for-2sec and for-rerec concatenated.

    This is the union the study trained on. Clips keep their own lengths;
    use :class:`~skdeepfake.AudioLoader` to bring them to one length.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding the unpacked versions.
    split : str, default="training"
        ``"training"``, ``"validation"`` or ``"testing"``.
    check : bool, default=True
        Open each file's header and report unreadable files in ``skipped``.
    n_jobs : int or None, default=None
        Parallel jobs for the check.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_for`, plus ``source`` giving each file's version.

    Examples
    --------
    >>> import numpy as np, soundfile as sf, tempfile, pathlib
    >>> from skdeepfake.datasets import load_for_combined
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for version in ("for-norm", "for-2sec", "for-rerec"):
    ...     for label in ("real", "fake"):
    ...         folder = root / version / "training" / label
    ...         folder.mkdir(parents=True)
    ...         sf.write(folder / "clip.wav", np.zeros(16000), 16000)
    >>> data = load_for_combined(root)
    >>> len(data.filenames), sorted(set(data.source))
    (6, ['for-2sec', 'for-norm', 'for-rerec'])
    """
    parts = [
        load_for(root, version, split, check=check, n_jobs=n_jobs)
        for version in ("for-norm", "for-2sec", "for-rerec")
    ]
    files = [f for part in parts for f in part.filenames]
    target = [t for part in parts for t in part.target]
    data = _bunch_from_files(files, target, Path(root), False, None, "")
    data.skipped = [s for part in parts for s in part.skipped]
    data.source = np.concatenate([np.full(len(part.filenames), part.version, dtype=object) for part in parts])
    data.split = parts[0].split
    data.version = "for-combined"
    data.DESCR = (
        f"Fake-or-Real (FoR) for-combined (norm + 2sec + rerec), {data.split} split\n\n"
        f"{len(files)} files: {int((data.target == 0).sum())} real, "
        f"{int((data.target == 1).sum())} fake; {len(data.skipped)} skipped as "
        "unreadable.\n"
    )
    return data
