r"""Model-agnostic time-frequency occlusion.

For a recording :math:`x` and a grid of time segments :math:`s` and
frequency bands :math:`b`, the short-time Fourier transform :math:`X` is
masked in one cell at a time: its coefficients replaced by noise at the
local level (``mask="noise"``, the default: for each frequency bin, the
median magnitude of that bin over the recording's frames outside the
segment, with random phases), or attenuated,
:math:`X^{(s,b)} = X \odot (1 - (1 - g) 1_{s,b})` (``mask="attenuate"``,
:math:`g = 10^{-a/20}`); then resynthesised by the inverse STFT and scored
again. Noise at the local level removes what stands out in the cell (a
burst, a marker) and keeps the band as loud as the rest of the recording;
attenuation leaves a hole, which a detector may find stranger than what
was removed.
The relevance of a cell is the drop of the detector's score,

.. math:: R_{b,s} = f(x) - f(\mathrm{ISTFT}(X^{(s,b)})),

with :math:`f` the P(fake) (``target="p_fake"``) or its log-odds
(``target="logit"``): a cell whose removal makes the recording look less
fake is evidence of the fake (Zeiler & Fergus, 2014, for images; Ge et al.,
ICASSP 2022, for spoofing countermeasures, who found detectors relying on
non-speech intervals). Occlusion needs only ``predict_proba``, so it
explains any detector that takes audio, pooled or windowed, network or not;
it sees what the detector sees at the grid's resolution, and cells are
removed one at a time, so interactions between cells are not seen.

:func:`~skdeepfake.explain.deletion_curve` checks that a map is faithful.

Nothing here is a library's: no audio toolkit occludes spectrogram cells of
a scikit-learn pipeline.
"""

from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from ..io import MAX_CLIP_DURATION
from ..labels import log_odds, spoof_scores
from ..scoring import input_rate
from ..utils._bounds import SAMPLE_RATE
from ..utils._parallel import map_batches

__all__ = ["occlusion", "MAX_EXPLAIN_SAMPLES"]

#: Most samples an explanation may score in all, by default: the masked
#: versions times the recording's length at the detector's rate (a 20 x 16
#: map of a 90-s recording at 16 kHz). The cost is checked before any work.
MAX_EXPLAIN_SAMPLES = 5 * 10**8
_N_FFT, _HOP = 512, 128
_BATCH_BYTES = 2**27  # masked waveforms scored at once


def _stft(x):
    import librosa

    return librosa.stft(x, n_fft=_N_FFT, hop_length=_HOP, window="hann", center=True)


def _istft(S, length):
    import librosa

    return librosa.istft(S, hop_length=_HOP, window="hann", center=True, length=length).astype(np.float32)


def _grid(n_bins, n_frames, sr, n_bands, n_segments, length):
    """Cell edges in bins and frames, and in Hz and seconds."""
    frequencies = np.linspace(0, sr / 2, n_bands + 1)
    times = np.linspace(0, length / sr, n_segments + 1)
    bin_hz = np.arange(n_bins) * sr / _N_FFT
    frame_s = np.arange(n_frames) * _HOP / sr
    band_of = np.minimum(np.searchsorted(frequencies, bin_hz, side="right") - 1, n_bands - 1)
    segment_of = np.minimum(np.searchsorted(times, frame_s, side="right") - 1, n_segments - 1)
    return band_of, segment_of, frequencies, times


class _Masker:
    """Masked versions of one recording, cell by cell, by linearity of the inverse STFT."""

    def __init__(self, x, sr, n_bands, n_segments, mask, attenuation_db):
        self.x, self.length = x, len(x)
        self.S = _stft(x)
        self.base = _istft(self.S, self.length)
        self.band_of, self.segment_of, self.frequencies, self.times = _grid(
            *self.S.shape, sr, n_bands, n_segments, self.length
        )
        self.mask, self.gain = mask, 10 ** (-attenuation_db / 20)

    def cell(self, band, segment, seed):
        """The waveform with cell (band, segment) masked (``seed``: its noise)."""
        rows = np.flatnonzero(self.band_of == band)
        cols = np.flatnonzero(self.segment_of == segment)
        if len(rows) == 0 or len(cols) == 0:
            return self.base.copy()
        block = self.S[np.ix_(rows, cols)]
        if self.mask == "attenuate":
            replacement = self.gain * block
        else:
            replacement = self._noise(rows, cols, np.random.default_rng(seed))
        # The inverse STFT is linear: one inverse of the change, not of the whole.
        change = np.zeros_like(self.S)
        change[np.ix_(rows, cols)] = replacement - block
        return self.base + _istft(change, self.length)

    def cells(self, pairs, seed):
        """The waveform with every cell of ``pairs`` masked at once."""
        keep = np.ones(self.S.shape, dtype=bool)
        for band, segment in pairs:
            keep[np.ix_(self.band_of == band, self.segment_of == segment)] = False
        if self.mask == "attenuate":
            S = np.where(keep, self.S, self.gain * self.S)
        else:
            S, rng = self.S.copy(), np.random.default_rng(seed)
            for band, segment in pairs:
                rows = np.flatnonzero(self.band_of == band)
                cols = np.flatnonzero(self.segment_of == segment)
                if len(rows) and len(cols):
                    S[np.ix_(rows, cols)] = self._noise(rows, cols, rng)
        return _istft(S, self.length)

    def _noise(self, rows, cols, rng):
        """Random phases at each bin's median magnitude outside the cell's segment."""
        outside = np.setdiff1d(np.arange(self.S.shape[1]), cols)
        source = self.S[rows][:, outside] if len(outside) else self.S[rows][:, cols]
        level = np.median(np.abs(source), axis=1, keepdims=True)
        return level * np.exp(2j * np.pi * rng.random((len(rows), len(cols))))


def _score(estimator, waveforms, target):
    p, _ = spoof_scores(estimator, np.asarray(waveforms, dtype=np.float32))
    return log_odds(p) if target == "logit" else p


def _scores_of(estimator, make, items, length, target, batch_size, n_jobs, verbose=False):
    """The score of ``make(item)`` for each item, ``batch_size`` waveforms per predict_proba call.

    Batches run in ``n_jobs`` threads (the STFTs, featurizers and models
    release the GIL); each item's noise has its own seed, so scores do not
    depend on threads or batching. At most ``n_jobs`` batches of masked
    recordings exist at a time: memory is bounded by ``batch_size`` (default:
    as many as ``_BATCH_BYTES`` of float32 hold, shared by the jobs).
    """
    jobs = effective_n_jobs(n_jobs)
    if batch_size is None:
        batch_size = max(1, _BATCH_BYTES // (4 * length * jobs))
    # Several jobs need several batches: split the work at least that finely.
    batch_size = max(1, min(batch_size, -(-len(items) // jobs)))

    def work(batch):
        return _score(estimator, [make(item) for item in items[batch]], target)

    batches = map_batches(
        work,
        len(items),
        batch_size,
        n_jobs=n_jobs,
        verbose=verbose,
        desc="explaining",
        unit="masked versions",
    )
    return np.concatenate([scores for _, scores in batches])


def _check_cost(n_versions, length, rate, max_samples, what):
    """Refuse, before any work, an explanation that would score more than ``max_samples`` samples."""
    cost = n_versions * length
    if cost > max_samples:
        raise ValueError(
            f"{what} would score {n_versions} masked versions of a {length / rate:.1f}-s recording "
            f"({cost:.3g} samples at {rate} Hz), more than max_samples={max_samples:.3g}. Use fewer "
            "cells (n_segments x n_bands; --segments, --bands on the command line), explain an "
            "excerpt (x[start * sr:end * sr]; --first), or raise max_samples."
        )


def _batch_for_progress(batch_size, n, verbose):
    """With progress shown, at least 20 batches, so that the count moves."""
    return max(1, min(batch_size or n, -(-n // 20))) if verbose else batch_size


def _as_recording(estimator, x, sr):
    import soxr

    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(f"x must be one recording, a non-empty 1-D waveform; got shape {x.shape}.")
    if not np.isfinite(x).all():
        raise ValueError("x contains NaN or infinite samples.")
    rate = input_rate(estimator)
    if len(x) > MAX_CLIP_DURATION * sr:  # every cell re-scores the whole recording
        raise ValueError(
            f"x is {len(x) / sr:.0f} s long; explain at most {MAX_CLIP_DURATION:.0f} s at a time "
            "(an excerpt: x[start * sr:end * sr])."
        )
    if sr != rate:  # the model reads arrays at its own rate
        x = soxr.resample(x, sr, rate, quality="HQ").astype(np.float32)
    return x, rate


_COMMON = {
    "estimator": [HasMethods(["predict_proba"])],
    "x": ["array-like"],
    "sr": [SAMPLE_RATE],
    "mask": [StrOptions({"attenuate", "noise"})],
    "attenuation_db": [Interval(Real, 0, None, closed="neither")],
    "target": [StrOptions({"p_fake", "logit"})],
    "n_jobs": [Integral, None],
    "random_state": ["random_state"],
    "max_samples": [Interval(Integral, 1, None, closed="left")],
    "verbose": ["boolean"],
}


@validate_params(
    {
        **_COMMON,
        "n_segments": [Interval(Integral, 1, 1000, closed="both")],
        "n_bands": [Interval(Integral, 1, 256, closed="both")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def occlusion(
    estimator,
    x,
    sr=16000,
    *,
    n_segments=20,
    n_bands=16,
    mask="noise",
    attenuation_db=60.0,
    target="p_fake",
    batch_size=None,
    n_jobs=None,
    random_state=0,
    max_samples=MAX_EXPLAIN_SAMPLES,
    verbose=False,
):
    """Which time-frequency regions of a recording made a detector say "fake".

    Parameters
    ----------
    estimator : fitted detector
        Any that takes waveforms (a pipeline of :mod:`skdeepfake.pipelines`,
        a :class:`~skdeepfake.windows.WindowedClassifier`, a calibrated or
        stacked one...).
    x : array-like of shape (n_samples,)
        The recording.
    sr : int, default=16000
        Its sample rate; it is resampled to the detector's rate if they differ.
    n_segments, n_bands : int, default=20 and 16
        The grid: equal time segments, equal bands from 0 Hz to Nyquist.
    mask : {"noise", "attenuate"}, default="noise"
        Replace a cell by noise at the level of its frequency bins in the
        rest of the recording, or lower it by ``attenuation_db``.
    attenuation_db : float, default=60.0
        How far an attenuated cell is lowered.
    target : {"p_fake", "logit"}, default="p_fake"
        The score whose drop is the relevance.
    batch_size : int or None, default=None
        Masked versions per ``predict_proba`` call; None: as many as 128 MiB
        of waveforms hold (all 320 cells of a 20 x 16 grid for recordings up
        to about 6 minutes at 16 kHz, in one call), divided among the jobs.
    n_jobs : int or None, default=None
        Threads scoring batches of masked versions at once (joblib's
        convention: None is one, -1 every core). The result does not depend
        on it.
    random_state : int, RandomState instance or None, default=0
        Seeds the noise of ``mask="noise"``.
    max_samples : int, default=MAX_EXPLAIN_SAMPLES
        The cost bound: ``(n_bands * n_segments + 1) * len(x)`` (at the
        detector's rate) must not exceed it. Checked before any work; the
        error says how to get under it.
    verbose : bool, default=False
        Show progress over the masked versions.

    Returns
    -------
    Bunch
        ``relevance`` (n_bands, n_segments): the score's drop when the cell
        is masked; ``times`` (n_segments + 1,) and ``frequencies``
        (n_bands + 1,): the cells' edges in seconds and Hz; ``score``: the
        recording's own score; ``masked_scores`` (n_bands, n_segments);
        ``sr``, ``target`` and ``mask``.

    Examples
    --------
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.explain import occlusion
    >>> from skdeepfake.pipelines import make_linear_pipeline
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> detector = make_linear_pipeline().fit(data.data, data.target)
    >>> result = occlusion(detector, data.data[0], n_segments=4, n_bands=4)
    >>> result.relevance.shape, result.times[-1], result.frequencies[-1]
    ((4, 4), np.float64(2.0), np.float64(8000.0))
    """
    x, rate = _as_recording(estimator, x, sr)
    _check_cost(n_bands * n_segments + 1, len(x), rate, max_samples, "occlusion")
    masker = _Masker(x, rate, n_bands, n_segments, mask, attenuation_db)
    score = float(_score(estimator, [masker.base], target)[0])
    seeds = _seeds(random_state, n_bands * n_segments)
    cells = np.array([(b, s, seeds[b * n_segments + s]) for b in range(n_bands) for s in range(n_segments)])
    masked = _scores_of(
        estimator,
        lambda cell: masker.cell(*cell),
        cells,
        masker.length,
        target,
        _batch_for_progress(batch_size, len(cells), verbose),
        n_jobs,
        verbose,
    )
    masked = masked.reshape(n_bands, n_segments)
    return Bunch(
        relevance=score - masked,
        masked_scores=masked,
        score=score,
        times=masker.times,
        frequencies=masker.frequencies,
        sr=rate,
        target=target,
        mask=mask,
    )


def _seeds(random_state, n):
    """One seed per masked version, drawn up front: the same whatever runs them."""
    return check_random_state(random_state).randint(0, 2**31 - 1, size=n)
