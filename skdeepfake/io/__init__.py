"""Reading audio: files or arrays in, fixed-length mono waveforms out."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..labels import warn_if_spoof_first
from ..utils._bounds import SAMPLE_RATE, SECONDS
from ..utils._parallel import map_batches
from ..utils._validation import as_clip_list, check_same_length, validate_params_if_changed
from ._decode import (
    MAX_DURATION,
    MAX_SAMPLE_MAGNITUDE,
    SAMPLE_RATE_RANGE,
    AudioBlocks,
    AudioLoadError,
    _load_audio,
    load_audio,
)
from ._inspect import band_limited, inspect_audio, signal_note

__all__ = [
    "AudioLoader",
    "AudioLoadError",
    "AudioBlocks",
    "load_audio",
    "inspect_audio",
    "signal_note",
    "band_limited",
    "fix_length",
    "SAMPLE_RATE_RANGE",
    "MAX_DURATION",
    "MAX_SAMPLE_MAGNITUDE",
    "MAX_CLIP_DURATION",
]

_DECODE_BATCH = 16  # files per parallel task
#: Longest fixed clip length, in seconds (``duration``): a batch of clips is
#: held at once, so a clip must not be hours long. Whole recordings:
#: ``duration=None``.
MAX_CLIP_DURATION = 600.0


@validate_params(
    {
        "y": ["array-like"],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "crop": [StrOptions({"start", "center", "random"})],
        "pad_mode": [StrOptions({"repeat", "constant"})],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def fix_length(y, n_samples, crop="start", pad_mode="repeat", random_state=None):
    """Crop or pad a 1-D waveform to exactly ``n_samples``.

    Parameters
    ----------
    y : ndarray of shape (n,)
        The waveform.
    n_samples : int
        The length to return.
    crop : {"start", "center", "random"}, default="start"
        Which excerpt of a longer clip to keep.
    pad_mode : {"repeat", "constant"}, default="repeat"
        How to lengthen a shorter clip. ``"repeat"`` tiles the clip, so the
        result holds no run of digital silence whose length would reveal how
        long the clip was; ``"constant"`` appends zeros.
    random_state : int, RandomState instance or None, default=None
        Used when ``crop="random"``.

    Returns
    -------
    ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.io import fix_length
    >>> fix_length(np.array([1.0, 2.0, 3.0]), 7)
    array([1., 2., 3., 1., 2., 3., 1.])
    >>> fix_length(np.arange(10.0), 4, crop="center")
    array([3., 4., 5., 6.])
    """
    return _fix_length(np.asarray(y), n_samples, crop, pad_mode, random_state)


def _fix_length(y, n_samples, crop, pad_mode, random_state):
    n = len(y)
    if n > n_samples:
        if crop == "start":
            start = 0
        elif crop == "center":
            start = (n - n_samples) // 2
        else:
            start = check_random_state(random_state).randint(0, n - n_samples + 1)
        return y[start : start + n_samples]
    if n < n_samples:
        if pad_mode == "repeat":
            return np.resize(y, n_samples)
        return np.pad(y, (0, n_samples - n))
    return y


class AudioLoader(TransformerMixin, BaseEstimator):
    """Turn audio files or waveforms into fixed-length mono waveforms.

    A stateless transformer, usually the first step of a pipeline. Every clip
    is decoded (for paths), mixed down to mono, resampled to ``sr`` and then
    cropped or padded to ``round(sr * duration)`` samples.

    Parameters
    ----------
    sr : int, default=16000
        Target sample rate in Hz. Files are resampled with soxr (high
        quality), the resampler librosa uses. Waveform arrays are taken to be
        at this rate already.
    duration : float or None, default=2.0
        Length of every output clip, in seconds, at most
        :data:`MAX_CLIP_DURATION` (600). ``None`` keeps every
        recording whole (no cropping, no padding) and returns a list of 1-D
        arrays, for featurizers that summarise whole recordings
        (``output="stats"``; see :ref:`whole_recordings`).
    crop : {"start", "center", "random"}, default="start"
        Which excerpt of a longer clip to keep. ``"random"`` draws the offset
        from ``random_state``.
    pad_mode : {"repeat", "constant"}, default="repeat"
        How to lengthen a shorter clip. ``"repeat"`` tiles it. ``"constant"``
        appends zeros, which leaks the clip's length to the model: on FoR
        for-norm, where fake clips are shorter than real ones, that length
        alone separates the classes.
    random_state : int, RandomState instance or None, default=None
        Seeds ``crop="random"``. With an int, every call to ``transform``
        crops the same way.
    n_jobs : int or None, default=None
        Number of parallel jobs to decode files with (joblib; ``-1`` means all
        cores). Arrays are not decoded and ignore it.
    max_duration : float or None, default=3600.0
        Files longer than this many seconds are refused
        (:class:`AudioLoadError`) when they must be decoded whole
        (``duration=None`` or ``crop`` other than ``"start"``); with
        ``crop="start"`` only the excerpt kept is read, whatever the file's
        length. ``None``: no limit.
    verbose : bool, default=False
        Show a progress bar while decoding files.

    Attributes
    ----------
    n_features_in_ : int
        Number of samples per clip seen in ``fit``; only set when X is a 2-D
        array.

    See Also
    --------
    load_audio : Read one file.
    skdeepfake.features.MelSpectrogram : The usual next step.

    Notes
    -----
    X is one of: a 1-D sequence of file paths, a list of 1-D float arrays of
    any lengths, or a 2-D float array ``(n_clips, n_samples)``. Every format
    libsndfile reads is accepted: WAV (PCM 8/16/24/32 bit, float), FLAC,
    OGG, MP3. Any bad file raises :class:`AudioLoadError` naming it.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake import AudioLoader
    >>> clips = [np.ones(8000, dtype=np.float32), np.ones(40000, dtype=np.float32)]
    >>> AudioLoader(duration=2.0).fit_transform(clips).shape
    (2, 32000)
    """

    # Stateless: see skdeepfake.features.fits_only_input_length.
    _fits_only_input_length = True

    _parameter_constraints = {
        "sr": [SAMPLE_RATE],
        "duration": [Interval(Real, 0, MAX_CLIP_DURATION, closed="right"), None],
        "crop": [StrOptions({"start", "center", "random"})],
        "pad_mode": [StrOptions({"repeat", "constant"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "max_duration": [SECONDS, None],
        "verbose": ["boolean"],
    }

    def __init__(
        self,
        sr=16000,
        duration=2.0,
        crop="start",
        pad_mode="repeat",
        random_state=None,
        n_jobs=None,
        max_duration=MAX_DURATION,
        verbose=False,
    ):
        self.sr = sr
        self.duration = duration
        self.crop = crop
        self.pad_mode = pad_mode
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.max_duration = max_duration
        self.verbose = verbose

    def _validate_all(self):
        validate_params_if_changed(self)
        if self.duration is not None and self.n_samples_out < 1:
            raise ValueError(
                f"duration={self.duration!r} s is shorter than one sample at sr={self.sr}; "
                "AudioLoader needs at least 1 / sr seconds."
            )

    @property
    def n_samples_out(self):
        """Number of samples in every output clip: ``round(sr * duration)``, or None."""
        return None if self.duration is None else int(round(self.sr * self.duration))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and X; nothing is learned.

        Parameters
        ----------
        X : sequence of paths, list of 1-D arrays or 2-D array
            Raw audio.
        y : array-like of shape (n_clips,), default=None
            Ignored, but checked to match X in length.

        Returns
        -------
        self : AudioLoader
            The loader.
        """
        self._validate_all()
        kind, clips = as_clip_list(X)
        check_same_length(clips, y)
        warn_if_spoof_first(y)  # the first step of every detector: say it before the labels mislead
        if kind == "arrays" and isinstance(X, np.ndarray) and X.ndim == 2:
            self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """Load, mix down, resample and crop or pad every clip.

        Parameters
        ----------
        X : sequence of paths, list of 1-D arrays or 2-D array
            Raw audio.

        Returns
        -------
        waveforms : ndarray of shape (n_clips, round(sr * duration)), float32
            One row per clip; with ``duration=None``, a list of 1-D float32
            arrays, each recording whole.
        """
        self._validate_all()
        kind, clips = as_clip_list(X)
        n_out = self.n_samples_out
        if self.crop == "random":
            rng = check_random_state(self.random_state)
            seeds = rng.randint(np.iinfo(np.int32).max, size=len(clips))
        else:  # no randomness needed; skipping it saves latency on single files
            seeds = [None] * len(clips)
        if n_out is None:
            return self._whole_recordings(kind, clips)
        out = np.empty((len(clips), n_out), dtype=np.float32)
        if kind == "paths":
            args = (self.sr, n_out, self.crop, self.pad_mode, self.max_duration)

            def decode(batch):
                for i in range(batch.start, batch.stop):
                    out[i] = _load_fixed(clips[i], *args, seeds[i])

            # Files in batches: one joblib task per file would cost more than
            # decoding a short clip.
            for _ in map_batches(
                decode,
                len(clips),
                _DECODE_BATCH,
                n_jobs=self.n_jobs,
                verbose=self.verbose,
                desc="decoding",
                unit="files",
            ):
                pass
        else:
            for i, (clip, seed) in enumerate(zip(clips, seeds)):
                out[i] = _fix_length(clip, n_out, self.crop, self.pad_mode, seed)
        return out

    def _whole_recordings(self, kind, clips):
        if kind != "paths":
            return [np.asarray(clip, dtype=np.float32) for clip in clips]
        out = [None] * len(clips)

        def decode(batch):
            for i in range(batch.start, batch.stop):
                out[i] = _load_audio(clips[i], self.sr, self.max_duration)[0]

        for _ in map_batches(
            decode,
            len(clips),
            _DECODE_BATCH,
            n_jobs=self.n_jobs,
            verbose=self.verbose,
            desc="decoding",
            unit="files",
        ):
            pass
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the output samples: ``sample_00000``, ``sample_00001``...

        Parameters
        ----------
        input_features : None
            Ignored; the output does not depend on the input's names.

        Returns
        -------
        ndarray of str
        """
        if self.duration is None:
            raise AttributeError(
                "AudioLoader(duration=None) returns whole recordings of different "
                "lengths, whose samples have no names."
            )
        width = len(str(self.n_samples_out - 1))
        return np.array([f"sample_{i:0{width}d}" for i in range(self.n_samples_out)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _load_fixed(path, sr, n_out, crop, pad_mode, max_duration, seed):
    if crop == "start":  # read only the excerpt that is kept
        y, _ = _load_audio(path, sr, first=n_out / sr)
    else:
        y, _ = _load_audio(path, sr, max_duration)
    return _fix_length(y, n_out, crop, pad_mode, seed)
