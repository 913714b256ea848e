"""Log power in equal-width linear-frequency sub-bands."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ..utils._bounds import BANDS, FFT_SIZE, FRAME, SAMPLE_RATE
from ..utils._docstring import BATCHES_DOC, Substitution
from ._base import DEFAULT_STATS, FrameFeaturizer
from ._lfcc import check_linear_frames
from ._spectral import BandedFilterbank, analysis_window, power_spectrogram

__all__ = ["LinearSubbands"]

_EPS = np.finfo(np.float32).eps


@Substitution(batches=BATCHES_DOC)
class LinearSubbands(FrameFeaturizer):
    r"""Log power of equal-width linear-frequency bands, frame by frame.

    The spectrum between ``fmin`` and ``fmax`` is cut into ``n_bands``
    bands of equal width in Hz, and each frame's mean power in each band
    is taken in :math:`\log_{10}`:

    .. math::

        B_t(b) = \log_{10}\Big(\frac{1}{|K_b|}\sum_{k \in K_b} |X_{t,k}|^2 + \epsilon\Big),

    where :math:`K_b` are the FFT bins whose centre frequency falls in band
    :math:`b`. Unlike a cepstrum, nothing is smoothed away: sub-band energy
    (Tak et al., 2020, found the spoofing artefacts of ASVspoof 2019 LA
    concentrated in particular sub-bands, above all the highest) is
    where vocoders and codecs leave their traces. The linear filterbank
    (LFB) features of Chen et al. (2020) are the triangular-filter variant.

    Parameters
    ----------
    sr : int, default=16000
        Sample rate, in Hz.
    n_bands : int, default=32
        Number of bands.
    n_fft : int, default=512
        FFT length.
    win_length : int, default=320
        Frame length (20 ms at 16 kHz), Hamming-windowed.
    hop_length : int, default=160
        Samples between frames (10 ms at 16 kHz).
    window : str, default="hamming"
        Analysis window.
    fmin : float, default=0.0
        Lower edge of the first band, in Hz.
    fmax : float or None, default=None
        Upper edge of the last band; ``None`` means ``sr / 2``.
    output : {"frames", "stats"}, default="stats"
        Frames ``(n_clips, n_bands, n_frames)`` or per-clip statistics.
    stats : tuple of str, default=("mean", "std", "p10", "p90")
        Summaries over time with ``output="stats"``.
    batch_size : int, default=8
        Clips transformed at once. Small batches keep the STFT's
        intermediate arrays in the CPU cache.
    %(batches)s

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit`` (not set for recordings of
        different lengths).
    band_edges_ : ndarray of shape (n_bands + 1,)
        Band edges in Hz.
    filterbank_ : ndarray of shape (n_bands, 1 + n_fft // 2)
        Averaging weights of the bins of each band.

    See Also
    --------
    LFCC : the cepstra of these bands.
    CQCC : constant-Q cepstra.

    References
    ----------
    .. [1] H. Tak, J. Patino, A. Nautsch, N. Evans and M. Todisco,
       "Spoofing attack detection using the non-linear fusion of sub-band
       classifiers", Interspeech 2020.
    .. [2] T. Chen, A. Kumar, P. Nagarsheth, G. Sivaraman and E. Khoury,
       "Generalization of audio deepfake detection", Odyssey 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.features import LinearSubbands
    >>> X = np.random.default_rng(0).normal(size=(2, 16000)).astype(np.float32)
    >>> bands = LinearSubbands(n_bands=8).fit(X)
    >>> bands.transform(X).shape
    (2, 32)
    >>> bands.band_edges_[:3].tolist()
    [0.0, 1000.0, 2000.0]
    """

    _parameter_constraints = {
        **FrameFeaturizer._parameter_constraints,
        "sr": [SAMPLE_RATE],
        "n_bands": [BANDS],
        "n_fft": [FFT_SIZE],
        "win_length": [FRAME],
        "hop_length": [FRAME],
        "window": [str],
        "fmin": [Interval(Real, 0, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        sr=16000,
        n_bands=32,
        n_fft=512,
        win_length=320,
        hop_length=160,
        window="hamming",
        fmin=0.0,
        fmax=None,
        output="stats",
        stats=DEFAULT_STATS,
        batch_size=8,
        n_jobs=None,
        verbose=False,
    ):
        self.sr = sr
        self.n_bands = n_bands
        self.n_fft = n_fft
        self.win_length = win_length
        self.hop_length = hop_length
        self.window = window
        self.fmin = fmin
        self.fmax = fmax
        self.output = output
        self.stats = stats
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        check_linear_frames(self)
        fmax = self.sr / 2 if self.fmax is None else self.fmax
        freqs = np.linspace(0, self.sr / 2, 1 + self.n_fft // 2)
        counts = np.histogram(freqs, bins=np.linspace(self.fmin, fmax, self.n_bands + 1))[0]
        if (counts == 0).any():
            raise ValueError(
                f"n_bands={self.n_bands} is too many for n_fft={self.n_fft}: band(s) "
                f"{np.flatnonzero(counts == 0)[:5].tolist()} hold no FFT bin. Use fewer "
                "bands or a longer n_fft."
            )

    def _setup(self):
        fmax = self.sr / 2 if self.fmax is None else self.fmax
        freqs = np.linspace(0, self.sr / 2, 1 + self.n_fft // 2)
        self.band_edges_ = np.linspace(self.fmin, fmax, self.n_bands + 1)
        # np.histogram's rule: bins are half-open, the last one closed.
        band = np.searchsorted(self.band_edges_, freqs, side="right") - 1
        band[freqs == fmax] = self.n_bands - 1
        inside = (band >= 0) & (band < self.n_bands)
        weights = np.zeros((self.n_bands, len(freqs)), dtype=np.float32)
        weights[band[inside], np.flatnonzero(inside)] = 1.0
        weights /= weights.sum(axis=1, keepdims=True)
        self.filterbank_ = weights
        self.window_ = analysis_window(self.window, self.win_length, self.n_fft)
        self._banded = BandedFilterbank(self.filterbank_)

    def _length_requirements(self):
        return [(self.win_length, f"one analysis frame, win_length={self.win_length}")]

    def _frames(self, X):
        power = power_spectrogram(X, self.n_fft, self.hop_length, self.window_)
        bands = self._banded(power)
        bands += _EPS
        np.log10(bands, out=bands)
        return bands.transpose(0, 2, 1)

    def _chunk_geometry(self):
        return self.hop_length, max(self.n_fft // 2, self.win_length)

    def _row_names(self):
        return [f"band_{b:02d}" for b in range(self.n_bands)]
