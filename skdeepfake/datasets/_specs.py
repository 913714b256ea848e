"""Corpora named on the command line: ``NAME:PATH``, or a folder of real/ and fake/."""

import os
from numbers import Integral
from pathlib import Path

from sklearn.utils._param_validation import StrOptions, validate_params

from ..io import MAX_DURATION
from ..utils._bounds import SECONDS
from ._asvspoof import load_asvspoof5, load_asvspoof2019, load_asvspoof2021
from ._corpora import load_in_the_wild, load_mlaad, load_wavefake
from ._folder import load_audio_folder
from ._for import load_for
from ._screen import screen_corpus

__all__ = ["load_corpus", "CORPORA"]

#: Corpus names for :func:`load_corpus`: name -> (load(path, role), description).
#: ``role`` is "train" or "test": corpora with splits give their training
#: split to train on and their evaluation split to test on.
CORPORA = {
    "folder": (lambda p, role: load_audio_folder(p, check=False), "PATH/real/ and PATH/fake/"),
    "for": (
        lambda p, role: load_for(p, "for-norm", "training" if role == "train" else "testing", check=False),
        "FoR for-norm (training / testing)",
    ),
    "asvspoof2019": (
        lambda p, role: load_asvspoof2019(p, "LA", "train" if role == "train" else "eval"),
        "ASVspoof 2019 LA (train / eval)",
    ),
    "asvspoof2019-pa": (
        lambda p, role: load_asvspoof2019(p, "PA", "train" if role == "train" else "eval"),
        "ASVspoof 2019 PA (train / eval)",
    ),
    "asvspoof2021-la": (lambda p, role: load_asvspoof2021(p, "LA"), "ASVspoof 2021 LA evaluation"),
    "asvspoof2021-df": (lambda p, role: load_asvspoof2021(p, "DF"), "ASVspoof 2021 DF evaluation"),
    "asvspoof5": (
        lambda p, role: load_asvspoof5(p, "train" if role == "train" else "eval"),
        "ASVspoof 5 (train / eval)",
    ),
    "in_the_wild": (lambda p, role: load_in_the_wild(p), "In-the-Wild"),
    "wavefake": (lambda p, role: load_wavefake(p), "WaveFake generated audio (spoofed side only)"),
    "mlaad": (lambda p, role: load_mlaad(p), "MLAAD (spoofed side only)"),
}


@validate_params(
    {
        "spec": [str, os.PathLike],
        "role": [StrOptions({"train", "test"})],
        "check": ["boolean"],
        "n_jobs": [Integral, None],
        "max_duration": [SECONDS, None],
        "min_duration": [SECONDS, None],
    },
    prefer_skip_nested_validation=True,
)
def load_corpus(spec, role="test", *, check=False, n_jobs=None, max_duration=MAX_DURATION, min_duration=None):
    """Load the corpus that ``spec`` names: ``NAME:PATH`` (see :data:`CORPORA`) or a folder.

    Whatever the corpus, its files pass one contract
    (:func:`~skdeepfake.datasets._screen.screen_files`): inside the corpus
    folder, listed once with one label and, with ``check``, decodable,
    finite and of a usable length. Files that fail it are in ``skipped``
    with the reason.

    Parameters
    ----------
    spec : str
        ``"asvspoof2019:/data/ASVspoof2019"``, ``"in_the_wild:/data/release_in_the_wild"``,
        ... or a path to a folder with ``real/`` and ``fake/``.
    role : {"train", "test"}, default="test"
        Which split of a corpus that has splits.
    check : bool, default=False
        Decode every file once and leave out (in ``skipped``) those that
        cannot be used, so that a run over the corpus never stops at one.
    n_jobs : int or None, default=None
        Threads for the check.
    max_duration, min_duration : float or None
        With ``check``: recordings longer or shorter than this many seconds
        are skipped (``min_duration``: what a detector's front-end needs).

    Returns
    -------
    name : str
        A short name for tables (the spec's name, or the folder's name).
    data : :class:`~sklearn.utils.Bunch`

    Examples
    --------
    >>> from skdeepfake.datasets import load_corpus
    >>> try:
    ...     load_corpus("asvspoof2099:/x")
    ... except ValueError as err:
    ...     print(str(err)[:44])
    unknown corpus 'asvspoof2099' in 'asvspoof20
    """
    name, sep, path = str(spec).partition(":")
    if sep and name in CORPORA:
        label, data = name, CORPORA[name][0](Path(path), role)
    elif sep and not Path(spec).exists() and "/" not in name:
        raise ValueError(
            f"unknown corpus {name!r} in {spec!r}; use NAME:PATH with NAME one of "
            f"{', '.join(CORPORA)}, or a folder holding real/ and fake/."
        )
    else:
        label, data = Path(spec).name, load_audio_folder(spec, check=False)
    if check:
        data = screen_corpus(data, n_jobs=n_jobs, max_duration=max_duration, min_duration=min_duration)
    return label, data
