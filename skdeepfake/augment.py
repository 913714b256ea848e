"""Waveform augmentations that keep their labels, to enlarge training sets.

The study enlarged its "for-combined" set with augmented copies. Each
augmentation here is a small callable object ``aug(y, sr, rng) -> y`` whose
parameters are ranges drawn per clip; :func:`augment` applies a list of
them to every clip to make reproducible, labelled copies:

>>> import numpy as np
>>> from skdeepfake.augment import AddNoise, Gain, augment
>>> X = np.zeros((4, 16000), np.float32) + 0.1
>>> X_aug, y_aug = augment(X, [0, 1, 0, 1], [AddNoise(snr_db=(10, 20)), Gain()],
...                        n_copies=2, random_state=0)
>>> X_aug.shape, y_aug.tolist()
((12, 16000), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
"""

import io

import numpy as np
import scipy.signal
import soundfile as sf
import soxr
from sklearn.utils import check_random_state

from ._validation import as_clip_list, check_same_length

__all__ = [
    "AddNoise",
    "Gain",
    "TimeShift",
    "BandLimit",
    "Resample",
    "Reencode",
    "augment",
    "reencoding_formats",
]


def _draw(value, rng):
    """A number from a (low, high) range, or the number itself."""
    if isinstance(value, (tuple, list)):
        low, high = value
        return rng.uniform(low, high)
    return value


class _Augmentation:
    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class AddNoise(_Augmentation):
    """Add white Gaussian noise at a signal-to-noise ratio.

    Parameters
    ----------
    snr_db : float or (float, float), default=(10, 40)
        SNR in dB, or a range to draw it from per clip.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import AddNoise
    >>> y = np.sin(np.linspace(0, 100, 16000))
    >>> noisy = AddNoise(snr_db=20)(y, 16000, np.random.RandomState(0))
    >>> round(float(10 * np.log10(np.mean(y**2) / np.mean((noisy - y)**2))))
    20
    """

    def __init__(self, snr_db=(10.0, 40.0)):
        self.snr_db = snr_db

    def __call__(self, y, sr, rng):
        power = np.mean(np.square(y, dtype=np.float64))
        noise = rng.standard_normal(len(y))
        noise *= np.sqrt(power / 10 ** (_draw(self.snr_db, rng) / 10) / max(np.mean(noise**2), 1e-20))
        return y + noise


class Gain(_Augmentation):
    """Scale the level, clipping at full scale.

    Parameters
    ----------
    db : float or (float, float), default=(-6, 6)
        Gain in dB, or a range to draw it from per clip.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import Gain
    >>> rng = np.random.RandomState(0)
    >>> Gain(db=-6.0206)(np.full(4, 0.5), 16000, rng).round(3).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """

    def __init__(self, db=(-6.0, 6.0)):
        self.db = db

    def __call__(self, y, sr, rng):
        return np.clip(y * 10 ** (_draw(self.db, rng) / 20), -1.0, 1.0)


class TimeShift(_Augmentation):
    """Shift the clip in time, circularly (nothing is lost or zero-padded).

    Parameters
    ----------
    max_seconds : float, default=0.5
        Shifts are drawn uniformly from ``[-max_seconds, max_seconds]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import TimeShift
    >>> rng = np.random.RandomState(0)
    >>> sorted(TimeShift(max_seconds=2 / 16000)(np.arange(4.0), 16000, rng).tolist())
    [0.0, 1.0, 2.0, 3.0]
    """

    def __init__(self, max_seconds=0.5):
        self.max_seconds = max_seconds

    def __call__(self, y, sr, rng):
        limit = int(self.max_seconds * sr)
        return np.roll(y, rng.randint(-limit, limit + 1)) if limit else y


class BandLimit(_Augmentation):
    """Low-pass filter, as a telephone or cheap microphone does.

    Parameters
    ----------
    cutoff_hz : float or (float, float), default=(3000, 7000)
        Cut-off frequency, or a range to draw it from per clip; capped below
        the Nyquist frequency.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import BandLimit
    >>> rng = np.random.RandomState(0)
    >>> tone = np.sin(2 * np.pi * 5000 * np.arange(16000) / 16000)  # 5 kHz
    >>> out = BandLimit(cutoff_hz=1000)(tone, 16000, rng)
    >>> bool(np.abs(out[4000:-4000]).max() < 0.01)
    True
    """

    def __init__(self, cutoff_hz=(3000.0, 7000.0)):
        self.cutoff_hz = cutoff_hz

    def __call__(self, y, sr, rng):
        cutoff = min(_draw(self.cutoff_hz, rng), 0.95 * sr / 2)
        sos = scipy.signal.butter(6, cutoff, "low", fs=sr, output="sos")
        return scipy.signal.sosfiltfilt(sos, y)


class Resample(_Augmentation):
    """Resample down to a lower rate and back (with soxr).

    Parameters
    ----------
    rates : sequence of int, default=(8000, 11025)
        Intermediate sample rates; one is chosen per clip.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import Resample
    >>> rng = np.random.RandomState(0)
    >>> Resample(rates=(8000,))(np.zeros(16000), 16000, rng).shape
    (16000,)
    """

    def __init__(self, rates=(8000, 11025)):
        self.rates = rates

    def __call__(self, y, sr, rng):
        rate = self.rates[rng.randint(len(self.rates))]
        down = soxr.resample(y, sr, rate, quality="HQ")
        up = soxr.resample(down, rate, sr, quality="HQ")
        return np.resize(up, len(y)) if len(up) != len(y) else up


def reencoding_formats():
    """Lossy formats this libsndfile can encode: a subset of ``("mp3", "ogg")``.

    Examples
    --------
    >>> from skdeepfake.augment import reencoding_formats
    >>> set(reencoding_formats()) <= {"mp3", "ogg"}
    True
    """
    available = []
    if "MPEG_LAYER_III" in sf.available_subtypes("MP3"):
        available.append("mp3")
    if "VORBIS" in sf.available_subtypes("OGG"):
        available.append("ogg")
    return tuple(available)


class Reencode(_Augmentation):
    """Encode with a lossy codec and decode again, in memory.

    Parameters
    ----------
    format : {"mp3", "ogg"}, default="mp3"
        The codec: MP3 (MPEG layer III) or OGG Vorbis, where this
        libsndfile supports it (see :func:`reencoding_formats`).
    quality : float or (float, float), default=(0.3, 0.9)
        libsndfile's compression level in [0, 1] (1 is smallest, worst).

    Raises
    ------
    ValueError
        If this libsndfile cannot encode ``format``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import Reencode, reencoding_formats
    >>> set(reencoding_formats()) <= {"mp3", "ogg"}
    True
    >>> fmt = (reencoding_formats() or ["ogg"])[0]
    >>> y = np.sin(np.linspace(0, 800, 16000)).astype(np.float32)
    >>> out = Reencode(fmt)(y, 16000, np.random.RandomState(0)) if reencoding_formats() else y
    >>> out.shape == y.shape
    True
    """

    _SETTINGS = {"mp3": ("MP3", "MPEG_LAYER_III"), "ogg": ("OGG", "VORBIS")}

    def __init__(self, format="mp3", quality=(0.3, 0.9)):
        self.format = format
        self.quality = quality

    def __call__(self, y, sr, rng):
        if self.format not in reencoding_formats():
            raise ValueError(
                f"Reencode(format={self.format!r}): this libsndfile cannot encode it; "
                f"available: {reencoding_formats() or 'none'}."
            )
        container, subtype = self._SETTINGS[self.format]
        buffer = io.BytesIO()
        level = float(np.clip(_draw(self.quality, rng), 0.0, 1.0))
        with sf.SoundFile(
            buffer, "w", samplerate=sr, channels=1, format=container, subtype=subtype,
            compression_level=level,
        ) as f:
            f.write(np.clip(y, -1.0, 1.0))
        buffer.seek(0)
        decoded, _ = sf.read(buffer, dtype="float32")
        if len(decoded) >= len(y):
            return decoded[: len(y)]
        return np.pad(decoded, (0, len(y) - len(decoded)))


def augment(X, y, augmentations, *, n_copies=1, sr=16000, include_original=True, random_state=None):
    """Make labelled, augmented copies of a set of clips.

    Each copy of each clip passes through every augmentation in order, with
    parameters drawn per clip. Labels are kept.

    Parameters
    ----------
    X : list of 1-D arrays or 2-D array
        Waveforms at ``sr`` (load files with :class:`~skdeepfake.AudioLoader`
        first).
    y : array-like of shape (n_clips,)
        Labels.
    augmentations : list of callables
        Each ``aug(y, sr, rng) -> y``, e.g. :class:`AddNoise`.
    n_copies : int, default=1
        Augmented copies per clip.
    sr : int, default=16000
        Sample rate of X.
    include_original : bool, default=True
        Return the originals first, then the copies.
    random_state : int, RandomState instance or None, default=None
        Seed: the same int gives the same copies.

    Returns
    -------
    X_aug : ndarray of shape (n, n_samples) or list of arrays
        2-D when X is 2-D, else a list. float32.
    y_aug : ndarray of shape (n,)
        The labels of X_aug.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import TimeShift, augment
    >>> X_aug, y_aug = augment(np.ones((2, 100)), ["real", "fake"], [TimeShift(0.001)],
    ...                        n_copies=1, random_state=0)
    >>> X_aug.shape, y_aug.tolist()
    ((4, 100), ['real', 'fake', 'real', 'fake'])
    """
    if n_copies < 0:
        raise ValueError(f"n_copies must be >= 0, got {n_copies!r}.")
    kind, clips = as_clip_list(X)
    if kind == "paths":
        raise ValueError("augment takes waveforms; load the files with AudioLoader first.")
    check_same_length(clips, y)
    y = np.asarray(y)
    rng = check_random_state(random_state)
    out_X = list(clips) if include_original else []
    out_y = [y] if include_original else []
    for _ in range(n_copies):
        for clip in clips:
            new = np.asarray(clip, dtype=np.float64)
            for aug in augmentations:
                new = aug(new, sr, rng)
            out_X.append(new.astype(np.float32))
        out_y.append(y)
    y_aug = np.concatenate(out_y) if out_y else y[:0]
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return np.asarray(out_X, dtype=np.float32).reshape(len(out_X), X.shape[1]), y_aug
    return out_X, y_aug
