r"""Vocoded training data: copy-synthesis of bona fide recordings, labelled as spoofed.

Wang and Yamagishi (ICASSP 2023) trained spoofing countermeasures on bona
fide speech re-synthesised by neural vocoders and found that detectors
lifted across corpora: the copy keeps the speaker, words and channel of
its source, so what separates the two is the vocoder's artefact and
nothing else. :class:`VocodedCopies` adds such copies in ``fit`` only (an
imbalanced-learn sampler, like :class:`~skdeepfake.augment.Augmenter`),
each paired with its source (``source_``) so that folds and pair-aware
weighting can use the pairs. The vocoders here run on a CPU from kept
libraries; they are not neural, and what they teach a detector must be
measured (``benchmarks/bench_generalisation.py``):

:class:`GriffinLimVocoder`
    The recording's mel spectrogram (``n_mels`` bands), inverted to a
    linear-frequency magnitude by non-negative least squares and to a
    waveform by Griffin-Lim phase reconstruction (Griffin and Lim, 1984;
    ``librosa.feature.inverse.mel_to_stft`` and ``librosa.griffinlim``):
    the classic acoustic-feature vocoder of early TTS.
:class:`LPCVocoder`
    Linear-predictive analysis and synthesis (Atal and Hanauer, 1971):
    each frame's all-pole envelope :math:`G / A(z)` (``librosa.lpc`` of
    ``order``, :math:`G` matching the frame's level) excited by a pulse train at the frame's pitch period where
    the frame is voiced (normalised autocorrelation above
    ``voicing_threshold`` between 60 and 400 Hz) and by white noise where it
    is not, overlap-added with Hann windows; poles beyond radius 0.994 are
    pulled inside it, so that every frame's filter is stable. Hand-written: no kept library
    offers an LPC vocoder.

Any callable ``f(samples, sample_rate) -> samples`` serves as well, such as
:class:`~skdeepfake.augment.CodecRoundTrip`.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.signal import lfilter
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_memory

from ..io import MAX_SAMPLE_MAGNITUDE, signal_note
from ..labels import spoof_label
from ..utils._bounds import FRAME, SAMPLE_RATE
from ._sampler import BaseWaveformSampler, _same_length

__all__ = ["GriffinLimVocoder", "LPCVocoder", "VocodedCopies"]


class GriffinLimVocoder(BaseEstimator):
    """Copy-synthesis through a mel spectrogram and Griffin-Lim phase reconstruction.

    Parameters
    ----------
    n_mels : int, default=80
        Mel bands of the spectrogram the waveform is rebuilt from.
    n_fft : int, default=1024
        FFT size (at 16 kHz: 64 ms).
    hop_length : int, default=256
        Hop between frames, in samples.
    n_iter : int, default=32
        Griffin-Lim iterations.
    random_state : int or None, default=0
        Seeds the initial phases.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import GriffinLimVocoder
    >>> x = np.sin(2 * np.pi * 220 * np.arange(8000) / 16000).astype(np.float32)
    >>> GriffinLimVocoder(n_iter=4)(x, 16000).shape
    (8000,)
    """

    _parameter_constraints = {
        "n_mels": [Interval(Integral, 1, 512, closed="both")],
        "n_fft": [Interval(Integral, 16, 2**16, closed="both")],
        "hop_length": [FRAME],
        "n_iter": [Interval(Integral, 1, 1000, closed="both")],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
    }

    def __init__(self, n_mels=80, n_fft=1024, hop_length=256, n_iter=32, random_state=0):
        self.n_mels = n_mels
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_iter = n_iter
        self.random_state = random_state

    def __call__(self, samples, sample_rate):
        import librosa

        self._validate_params()
        y = np.asarray(samples, dtype=np.float32)
        M = librosa.feature.melspectrogram(
            y=y, sr=sample_rate, n_fft=self.n_fft, hop_length=self.hop_length, n_mels=self.n_mels
        )
        S = librosa.feature.inverse.mel_to_stft(M, sr=sample_rate, n_fft=self.n_fft)
        out = librosa.griffinlim(
            S,
            n_iter=self.n_iter,
            hop_length=self.hop_length,
            n_fft=self.n_fft,
            length=len(y),
            random_state=self.random_state,
        )
        return _same_length(out, len(y))


class LPCVocoder(BaseEstimator):
    """Copy-synthesis by linear prediction: each frame's envelope, pulses or noise.

    Parameters
    ----------
    order : int, default=16
        LPC order (poles of each frame's envelope).
    frame_length : float, default=0.025
        Frame seconds (Hann-windowed, half overlapping).
    voicing_threshold : float, default=0.4
        A frame is voiced when its normalised autocorrelation peaks above this
        between 60 and 400 Hz.
    random_state : int or None, default=0
        Seeds the noise excitation.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import LPCVocoder
    >>> x = np.sin(2 * np.pi * 220 * np.arange(8000) / 16000).astype(np.float32)
    >>> LPCVocoder()(x, 16000).shape
    (8000,)
    """

    _parameter_constraints = {
        "order": [Interval(Integral, 1, 100, closed="both")],
        "frame_length": [Interval(Real, 0.005, 0.2, closed="both")],
        "voicing_threshold": [Interval(Real, 0, 1, closed="both")],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
    }

    def __init__(self, order=16, frame_length=0.025, voicing_threshold=0.4, random_state=0):
        self.order = order
        self.frame_length = frame_length
        self.voicing_threshold = voicing_threshold
        self.random_state = random_state

    def __call__(self, samples, sample_rate):
        import librosa

        self._validate_params()
        y = np.asarray(samples, dtype=np.float64)
        n = max(int(round(self.frame_length * sample_rate)), 2 * self.order + 2)
        hop = n // 2
        window = np.hanning(n)
        lags = np.arange(int(sample_rate / 400), int(sample_rate / 60) + 1)
        rng = check_random_state(self.random_state)
        padded = np.pad(y, (0, n + (-len(y)) % hop))
        out = np.zeros_like(padded)
        next_pulse = 0  # keeps the pulse train continuous across frames
        for start in range(0, len(padded) - n + 1, hop):
            raw = padded[start : start + n]
            frame = raw * window
            if not np.any(frame):
                continue
            a = librosa.lpc(frame + 1e-9 * rng.standard_normal(n), order=self.order)
            a = _stable(a)
            period = _pitch_period(frame, lags, self.voicing_threshold)
            if period:
                excitation = np.zeros(n)
                pulses = np.arange(next_pulse - start, n, period)
                excitation[pulses[pulses >= 0]] = 1.0
                next_pulse = start + pulses[-1] + period if len(pulses) else next_pulse
            else:
                excitation = rng.standard_normal(n)
            synthesis = lfilter([1.0], a, excitation)
            # The frame's level is the source frame's (the Hann windows of the
            # synthesis overlap-add to one, so levels are kept).
            gain = np.sqrt(np.mean(raw**2)) / max(np.sqrt(np.mean(synthesis**2)), 1e-12)
            out[start : start + n] += window * gain * synthesis
        return _same_length(out[: len(y)], len(y))


def _stable(a, radius=0.994):
    """``a`` with its roots (the filter's poles) pulled inside ``radius``.

    Burg's method gives a stable filter in exact arithmetic, not always in
    float for a near-pure tone; a pole on or outside the unit circle would
    make the synthesis diverge.
    """
    poles = np.roots(a)
    size = np.abs(poles)
    if len(poles) == 0 or size.max() <= radius:
        return a
    poles = np.where(size > radius, poles / size * radius, poles)
    return np.real(np.poly(poles))


def _pitch_period(frame, lags, threshold):
    """The pitch period in samples when the frame is voiced, else 0."""
    ac = np.correlate(frame, frame, mode="full")[len(frame) - 1 :]
    if ac[0] <= 0 or lags[-1] >= len(ac):
        return 0
    lag = lags[np.argmax(ac[lags])]
    return int(lag) if ac[lag] / ac[0] > threshold else 0


def _vocode(clip, vocoder, sr):
    return _same_length(vocoder(np.asarray(clip, dtype=np.float32).copy(), sr), len(clip))


def _unusable(clip):
    """Why a bona fide recording cannot be vocoded into a meaningful copy, or None."""
    clip = np.asarray(clip, dtype=np.float64)
    if len(clip) < 2:
        return f"{len(clip)} sample(s)"
    if not np.isfinite(clip).all():
        return "NaN or infinite samples"
    if np.abs(clip).max() > MAX_SAMPLE_MAGNITUDE:
        return f"samples beyond +-{MAX_SAMPLE_MAGNITUDE:g}"
    note = signal_note(float(clip.min()), float(clip.max()))
    return None if note is None else note.split(":")[0]


def _copy_problem(copy, clip):
    """Why a vocoder's output is not a usable copy of ``clip``, or None."""
    if not np.isfinite(copy).all():
        return "the vocoder returned NaN or infinite samples"
    peak, source = float(np.abs(copy).max(initial=0.0)), float(np.abs(clip).max(initial=0.0))
    if peak > max(1.0, 10 * source):
        return f"the vocoder's output peaks at {peak:.3g}, far above the recording's {source:.3g}"
    return None


class VocodedCopies(BaseWaveformSampler):
    """Add vocoded copies of the bona fide training recordings, labelled as spoofed, in ``fit`` only.

    An imbalanced-learn sampler: ``fit_resample(X, y)`` returns the
    recordings followed by one copy of each bona fide recording per
    vocoder, labelled with the spoofed class (found by
    :func:`~skdeepfake.labels.spoof_label`). Pass it as
    ``make_detector(..., augment=VocodedCopies(...))``; the pipeline skips
    it when it predicts, and inside cross-validation only training folds
    are vocoded.

    Parameters
    ----------
    vocoders : list of callables
        ``vocoder(samples, sample_rate) -> samples``:
        :class:`GriffinLimVocoder`, :class:`LPCVocoder`,
        :class:`~skdeepfake.augment.CodecRoundTrip`...
    sr : int, default=16000
        Sample rate of the waveforms.
    memory : str, joblib.Memory or None, default=None
        Cache of the copies, so that a grid search vocodes each recording
        once (keyed on the waveform and the vocoder's parameters).

    Attributes
    ----------
    sample_indices_ : ndarray of shape (n_output,)
        For each returned recording, the index of the input recording it was
        made from.
    source_ : ndarray of shape (n_output,)
        The same, as the pair record: a copy and its source share it (use as
        ``groups`` to keep pairs in one fold).
    vocoder_ : ndarray of shape (n_output,)
        Index of the vocoder that made each recording, -1 for the originals.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import LPCVocoder, VocodedCopies
    >>> X = np.random.default_rng(0).standard_normal((3, 1600)).astype(np.float32)
    >>> X_out, y_out = VocodedCopies([LPCVocoder()]).fit_resample(X, [0, 1, 0])
    >>> X_out.shape, y_out.tolist()
    ((5, 1600), [0, 1, 0, 1, 1])
    """

    _parameter_constraints = {
        "vocoders": [list, tuple],
        "sr": [SAMPLE_RATE],
        "memory": [None, str, HasMethods(["cache"])],
    }

    def __init__(self, vocoders, sr=16000, memory=None):
        self.vocoders = vocoders
        self.sr = sr
        self.memory = memory

    def _check_params(self):
        if not self.vocoders or not all(callable(v) for v in self.vocoders):
            raise ValueError(f"vocoders must be a non-empty list of callables; got {self.vocoders!r}.")

    def _fit_resample(self, clips, y):
        fake = spoof_label(np.unique(y))
        bona_fide = np.flatnonzero(y != fake)
        vocode = check_memory(self.memory).cache(_vocode)
        out = [np.asarray(c, dtype=np.float32) for c in clips]
        sources, which, left_out = list(range(len(clips))), [-1] * len(clips), []
        # A silent, constant, damaged or too-short recording makes no meaningful "fake" copy, and a
        # vocoder may fail or blow up on one: its copies are left out, with one warning for all.
        usable = []
        for i in bona_fide:
            reason = _unusable(clips[i])
            if reason is None:
                usable.append(i)
            else:
                left_out.append((i, reason))
        for k, vocoder in enumerate(self.vocoders):
            for i in usable:
                try:
                    copy = vocode(clips[i], vocoder, self.sr)
                except (ValueError, ArithmeticError, RuntimeError) as err:
                    left_out.append((i, f"{type(vocoder).__name__} failed: {err}"))
                    continue
                problem = _copy_problem(copy, clips[i])
                if problem:
                    left_out.append((i, problem))
                    continue
                out.append(copy)
                sources.append(i)
                which.append(k)
        if left_out:
            warnings.warn(
                f"VocodedCopies: left out {len(left_out)} copy(ies) of bona fide recordings that cannot "
                f"make a meaningful one; first: recording {left_out[0][0]}: {left_out[0][1]}.",
                UserWarning,
                stacklevel=4,
            )
        self.source_ = np.asarray(sources, dtype=np.intp)
        self.vocoder_ = np.asarray(which)
        labels = np.concatenate([y, np.full(len(out) - len(y), fake, dtype=y.dtype)])
        return out, labels, sources
