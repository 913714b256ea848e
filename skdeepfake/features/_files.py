"""Featurising audio files end to end, in parallel batches."""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from ..io import AudioLoader, AudioLoadError
from ..utils._parallel import iter_batches, map_batches
from ..utils._validation import as_clip_list
from ._base import fits_only_input_length

__all__ = ["featurize_files"]


@validate_params(
    {
        "X": "no_validation",
        "featurizer": [HasMethods(["transform"])],
        "loader": [HasMethods(["transform"]), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "verbose": ["boolean"],
        "errors": [StrOptions({"raise", "skip"})],
    },
    prefer_skip_nested_validation=True,
)
def featurize_files(X, featurizer, *, loader=None, batch_size=64, n_jobs=None, verbose=False, errors="raise"):
    """Decode, fix the length of and featurise many clips, batch by batch.

    Equivalent to ``featurizer.transform(loader.transform(X))``, but the
    decoded audio never exists all at once: each batch is decoded,
    featurised and written into the output, with ``n_jobs`` batches in
    flight. Peak memory is the output plus a working set of about
    ``n_jobs * batch_size`` clips.

    Parameters
    ----------
    X : sequence of paths, list of 1-D arrays or 2-D array
        Raw audio.
    featurizer : transformer
        For example :class:`~skdeepfake.MelSpectrogram`. An unfitted one is
        fitted on the first batch, which is allowed only when it learns
        nothing but the input length (:func:`fits_only_input_length`); a
        fitted one is used as it is.
    loader : AudioLoader or None, default=None
        How clips are decoded and brought to one length; ``None`` means
        ``AudioLoader()`` (16 kHz, 2 s).
    batch_size : int, default=64
        Clips per batch.
    n_jobs : int or None, default=None
        Batches processed in parallel threads, each with one BLAS thread
        (decoding, FFTs and BLAS release the GIL). Also works under
        ``joblib.parallel_backend``.
    verbose : bool, default=False
        Show a progress bar.
    errors : {"raise", "skip"}, default="raise"
        What an unusable file does: raise its :class:`~skdeepfake.AudioLoadError`,
        or be left out and reported.

    Returns
    -------
    ndarray or Bunch
        The features of every clip, in order. With ``errors="skip"``, a
        :class:`~sklearn.utils.Bunch` with ``features`` (of the usable
        clips, in order), ``index`` (their positions in X, to select the
        labels with) and ``skipped`` (``(path, reason)`` of each other file).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake import MelSpectrogram
    >>> from skdeepfake.features import featurize_files
    >>> X = np.random.default_rng(0).normal(size=(10, 32000)).astype(np.float32)
    >>> featurize_files(X, MelSpectrogram(n_mels=40), batch_size=4).shape
    (10, 40, 63)
    """
    loader = AudioLoader() if loader is None else loader
    _, clips = as_clip_list(X)
    batches = list(iter_batches(len(clips), batch_size))
    try:
        check_is_fitted(featurizer)
    except NotFittedError:
        if not fits_only_input_length(featurizer):
            raise ValueError(
                f"featurize_files fits an unfitted featurizer on its first batch, which is "
                f"right only for steps that learn nothing but the input length; "
                f"{type(featurizer).__name__} learns from the data. Fit it first."
            ) from None
        featurizer = clone(featurizer).fit(_first_waveforms(loader, clips, batches[0], errors))

    usable = np.ones(len(clips), dtype=bool)
    skipped = {}

    def work(batch):
        try:
            return featurizer.transform(loader.transform(clips[batch]))
        except AudioLoadError:
            if errors == "raise":
                raise
        # A bad file in this batch: decode its clips one by one to find it.
        rows = []
        for i in range(batch.start, batch.stop):
            try:
                rows.append(loader.transform(clips[i : i + 1])[0])
            except AudioLoadError as err:
                usable[i] = False
                skipped[i] = (str(clips[i]), str(err))
        return featurizer.transform(np.stack(rows)) if rows else None

    out = None
    for batch, features in map_batches(
        work, len(clips), batch_size, n_jobs=n_jobs, verbose=verbose, desc="featurising", unit="files"
    ):
        if features is None:
            continue
        if out is None:
            out = np.empty((len(clips), *features.shape[1:]), dtype=features.dtype)
        kept = usable[batch]
        # A slice when the whole batch was usable: a fancy-indexed write copies
        # the batch's features again, in the thread that collects them.
        out[batch if kept.all() else np.flatnonzero(kept) + batch.start] = features
    if errors == "raise":
        return out
    index = np.flatnonzero(usable)
    features = out[index] if out is not None else np.empty((0,))
    return Bunch(features=features, index=index, skipped=[skipped[i] for i in sorted(skipped)])


def _first_waveforms(loader, clips, batch, errors):
    """Waveforms to fit a featurizer on: the first batch, or the first usable clip."""
    try:
        return loader.transform(clips[batch])
    except AudioLoadError:
        if errors == "raise":
            raise
    for i in range(len(clips)):
        try:
            return loader.transform(clips[i : i + 1])
        except AudioLoadError:
            continue
    raise AudioLoadError("featurize_files: none of the files is usable audio.")
