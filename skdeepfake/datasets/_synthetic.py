"""The built-in demo corpus: speech-like real clips and vocoded fake ones."""

import functools
from numbers import Integral, Real

import librosa
import numpy as np
import scipy.signal
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ..utils._bounds import SAMPLE_RATE, SECONDS

__all__ = ["make_synthetic_speech"]

# Formant frequencies (F1, F2, F3) in Hz of a few vowels, adult speakers.
_VOWELS = np.array(
    [
        [730, 1090, 2440],  # a
        [270, 2290, 3010],  # i
        [300, 870, 2240],  # u
        [530, 1840, 2480],  # e
        [570, 840, 2410],  # o
        [660, 1720, 2410],  # ae
    ],
    dtype=float,
)
_BLOCK = 0.010  # seconds per formant-filter update
_VOCODER_MELS = 128  # fewer bands make the vocoder artefact stronger

_DESCR = """\
Synthetic speech for deepfake detection
---------------------------------------

A deterministic, offline stand-in for a deepfake corpus.

* "real" (target 0) clips are source-filter speech: a glottal pulse train with
  a jittered, drifting f0 contour and shimmer, shaped by time-varying formant
  resonators gliding between vowels, with aspiration noise, unvoiced
  fricative bursts, syllable envelopes and pauses.
* "fake" (target 1) clips are made the same way and then passed through a
  vocoder-like resynthesis: a 128-band mel spectrogram is inverted with
  Griffin-Lim. The two classes differ by a vocoder artefact (smeared
  harmonics, phase incoherence), as real TTS deepfakes do.

Every clip then goes through a random recording channel (low-pass filter
between 0.5 and 0.95 of Nyquist, background noise at 15-40 dB SNR). Both
classes share the same duration, loudness and channel distributions, so
neither length, level nor bandwidth separates them.
"""


@validate_params(
    {
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "duration": [SECONDS, tuple, list],
        "sr": [SAMPLE_RATE],
        "weights": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_synthetic_speech(n_samples=200, duration=2.0, sr=16000, weights=0.5, random_state=None):
    """Make the built-in demo corpus of real and vocoded speech-like clips.

    Parameters
    ----------
    n_samples : int, default=200
        Number of clips.
    duration : float or (float, float), default=2.0
        Length of every clip in seconds, or a range ``(low, high)`` from which
        each clip's length is drawn uniformly, the same way for both classes
        (so length is no shortcut).
    sr : int, default=16000
        Sample rate, in Hz.
    weights : float, default=0.5
        Fraction of fake clips.
    random_state : int, RandomState instance or None, default=None
        Seed. The same int gives the same corpus on every machine.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``data`` (float32 array of shape ``(n_samples, round(sr *
        duration))``, or a list of 1-D float32 arrays when ``duration`` is a
        range), ``target`` (int array, 1 = fake, 0 = real), ``target_names``
        (``["real", "fake"]``), ``durations`` (seconds), ``sr`` and
        ``DESCR``.

    Examples
    --------
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> data = make_synthetic_speech(n_samples=4, duration=0.5, random_state=0)
    >>> data.data.shape, data.target.tolist(), data.target_names.tolist()
    ((4, 8000), [0, 1, 0, 1], ['real', 'fake'])
    """
    if not (isinstance(n_samples, (int, np.integer)) and n_samples >= 1):
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}.")
    variable = isinstance(duration, (tuple, list))
    low, high = duration if variable else (duration, duration)
    if not (0 < low <= high):
        raise ValueError(
            f"duration must be positive seconds or a range (low, high) with "
            f"0 < low <= high, got {duration!r}."
        )
    if not (isinstance(sr, (int, np.integer)) and sr >= 4000):
        raise ValueError(f"sr must be an int of at least 4000 Hz, got {sr!r}.")
    if not 0.0 <= weights <= 1.0:
        raise ValueError(f"weights must be a fraction in [0, 1], got {weights!r}.")
    rng = check_random_state(random_state)
    n_fake = int(round(n_samples * weights))
    # Interleave the classes so any prefix of the corpus is balanced.
    target = np.zeros(n_samples, dtype=int)
    fake_positions = np.linspace(1, n_samples - 1, n_fake).round().astype(int)
    if n_fake and n_fake * 2 == n_samples:
        fake_positions = np.arange(1, n_samples, 2)
    target[fake_positions] = 1
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_samples)
    data = []
    for label, seed in zip(target, seeds):
        clip_rng = np.random.RandomState(seed)
        n_out = int(round(sr * (clip_rng.uniform(low, high) if variable else duration)))
        clip = _speech_like(n_out, sr, clip_rng)
        if label == 1:
            clip = _vocode(clip, sr, clip_rng)
        data.append(_normalize(_channel(clip, sr, clip_rng), clip_rng))
    durations = np.array([len(clip) / sr for clip in data])
    return Bunch(
        data=data if variable else np.stack(data),
        durations=durations,
        target=target,
        target_names=np.array(["real", "fake"]),
        sr=sr,
        DESCR=_DESCR,
    )


def _speech_like(n, sr, rng):
    """A source-filter utterance of ``n`` samples."""
    t = np.arange(n) / sr
    # Glottal source: pulse train whose f0 drifts, declines and jitters.
    f0_base = rng.uniform(90, 230)
    f0 = f0_base * (1 + 0.08 * np.sin(2 * np.pi * rng.uniform(0.3, 1.2) * t + rng.uniform(0, 6.3)))
    f0 *= np.linspace(1.05, 0.92, n)
    f0 *= 1 + 0.01 * rng.standard_normal(n).cumsum() / np.sqrt(np.arange(1, n + 1))
    phase = np.cumsum(f0 / sr)
    idx = np.flatnonzero(np.diff(np.floor(phase), prepend=0.0) > 0)
    idx = np.clip(idx + rng.randint(-1, 2, size=len(idx)), 0, n - 1)  # jitter
    pulses = np.zeros(n)
    pulses[idx] = 1 + 0.1 * rng.standard_normal(len(idx))  # shimmer
    # Spectral tilt of the glottal flow derivative (about -12 dB/octave).
    source = scipy.signal.lfilter([1.0], [1.0, -1.9, 0.9025], pulses)
    source = scipy.signal.lfilter([1.0, -1.0], [1.0, -0.995], source)  # remove DC
    source /= np.abs(source).max() + 1e-9
    source += 0.03 * rng.standard_normal(n)  # aspiration noise

    voiced, envelope, fricative = _syllable_plan(n, sr, rng)
    excitation = source * voiced + fricative
    speech = _formant_filter(excitation, sr, rng)
    speech *= envelope
    speech += 1e-4 * rng.standard_normal(n)  # room noise floor
    return speech


def _syllable_plan(n, sr, rng):
    """Voicing mask, amplitude envelope and fricative noise over time."""
    voiced = np.zeros(n)
    envelope = np.zeros(n)
    fricative = np.zeros(n)
    pos = int(rng.uniform(0.0, 0.15) * sr)
    while pos < n:
        kind = rng.rand()
        length = int(rng.uniform(0.12, 0.35) * sr)
        end = min(pos + length, n)
        seg = end - pos
        if kind < 0.75:  # voiced syllable
            voiced[pos:end] = 1.0
            envelope[pos:end] = np.hanning(seg) ** 0.5 * rng.uniform(0.5, 1.0)
        elif kind < 0.9:  # unvoiced fricative, high-pass noise
            noise = rng.standard_normal(seg)
            b, a = scipy.signal.butter(2, rng.uniform(2500, 4500) / (sr / 2), "high")
            fricative[pos:end] = scipy.signal.lfilter(b, a, noise) * 0.3 * np.hanning(seg)
            envelope[pos:end] = 1.0
        pos = end + int(rng.uniform(0.03, 0.2) * sr)  # pause
    return voiced, envelope, fricative


def _formant_filter(x, sr, rng):
    """Cascade of three resonators gliding between random vowels."""
    block = max(int(_BLOCK * sr), 1)
    n_blocks = int(np.ceil(len(x) / block))
    n_targets = max(2, int(len(x) / sr / 0.2) + 2)
    targets = _VOWELS[rng.randint(len(_VOWELS), size=n_targets)]
    targets = targets * rng.uniform(0.9, 1.15)  # vocal tract length
    knots = np.linspace(0, n_blocks, n_targets)
    tracks = np.stack([np.interp(np.arange(n_blocks), knots, targets[:, k]) for k in range(3)], axis=1)
    bandwidths = np.array([80.0, 110.0, 160.0]) * rng.uniform(0.8, 1.3)
    nyquist = sr / 2
    y = np.empty_like(x)
    states = np.zeros((3, 2))
    for b in range(n_blocks):
        seg = slice(b * block, min((b + 1) * block, len(x)))
        out = x[seg]
        for k in range(3):
            freq = min(tracks[b, k], 0.9 * nyquist)
            r = np.exp(-np.pi * bandwidths[k] / sr)
            a = [1.0, -2 * r * np.cos(2 * np.pi * freq / sr), r * r]
            out, states[k] = scipy.signal.lfilter([1 - r], a, out, zi=states[k])
        y[seg] = out
    return y


def _vocode(x, sr, rng):
    """Mel-spectrogram analysis and Griffin-Lim resynthesis, like a neural vocoder's input."""
    n_fft = 1024 if sr >= 16000 else 512
    hop = n_fft // 4
    mel = librosa.feature.melspectrogram(y=x, sr=sr, n_fft=n_fft, hop_length=hop, n_mels=_VOCODER_MELS)
    # A least-squares inversion of the filterbank: fast, and it smears the
    # harmonics as a vocoder fed only the mel spectrogram does.
    stft_mag = np.sqrt(np.maximum(_mel_pinv(sr, n_fft) @ mel, 0.0))
    return librosa.griffinlim(
        stft_mag,
        n_iter=16,
        hop_length=hop,
        n_fft=n_fft,
        length=len(x),
        random_state=rng,
    )


@functools.lru_cache(maxsize=8)
def _mel_pinv(sr, n_fft):
    return np.linalg.pinv(librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=_VOCODER_MELS))


def _channel(x, sr, rng):
    """Recording channel shared by both classes: band limit and background noise."""
    cutoff = rng.uniform(0.5, 0.95) * sr / 2
    b, a = scipy.signal.butter(4, cutoff / (sr / 2), "low")
    x = scipy.signal.lfilter(b, a, x)
    snr_db = rng.uniform(15, 40)
    noise = rng.standard_normal(len(x))
    return x + noise * np.sqrt(np.mean(x**2) / 10 ** (snr_db / 10))


def _normalize(x, rng):
    """Peak-normalise to a random level shared by both classes."""
    peak = np.abs(x).max()
    return (x / (peak + 1e-12) * rng.uniform(0.3, 0.9)).astype(np.float32)
