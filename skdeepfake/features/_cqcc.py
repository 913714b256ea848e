"""Constant-Q cepstral coefficients (Todisco, Delgado & Evans, 2017)."""

import warnings
from numbers import Integral, Real

import librosa
import numpy as np
import scipy.interpolate
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import DEFAULT_STATS, FrameFeaturizer
from ._constant_q import shared_constant_q
from ._spectral import dct_basis, deltas

__all__ = ["CQCC"]

_EPS = np.finfo(np.float64).eps  # MATLAB's eps, the log floor of the reference code


class CQCC(FrameFeaturizer):
    r"""Constant-Q cepstral coefficients (CQCC), with deltas.

    The front-end of the ASVspoof 2017 and 2019 CQCC-GMM baselines (Todisco,
    Delgado & Evans, 2016, 2017). A constant-Q transform (``librosa.cqt``)
    gives geometrically spaced bins :math:`f_k = f_{min} 2^{k/B}`, with time
    resolution that grows with frequency. Its log power spectrum is
    resampled to a uniform frequency grid and decorrelated by a DCT:

    .. math::

        L_t(k) = \log\big(|X^{CQ}_{t,k}|^2 + \epsilon\big), \qquad
        \bar L_t = \mathrm{spline}(L_t)\big(f_{min} + j f_{min}/d\big), \qquad
        c_t(p) = \mathrm{DCT}_{\mathrm{II,ortho}}(\bar L_t)(p),

    with :math:`B` = ``bins_per_octave``, :math:`d` = ``n_uniform`` uniform
    samples in the first octave (the reference code's ``d``; the octave
    :math:`[f_{min}, 2 f_{min}]` gets :math:`d` samples and each higher
    octave twice as many as the one below), a not-a-knot cubic spline as
    MATLAB's ``resample(..., 'spline')`` and :math:`p < n\_cqcc`. Because
    resampling and a truncated DCT are both linear, they are applied as one
    ``(n_cqcc, n_bins)`` matrix. Deltas and delta-deltas follow.

    The defaults are the baseline's: 96 bins per octave over 9 octaves
    below the Nyquist frequency, :math:`d = 16`, 20 coefficients
    (:math:`c_0` to :math:`c_{19}`) with deltas and delta-deltas (60 rows
    per frame). The CQT itself is ``librosa.cqt`` (Schörkhuber & Klapuri's
    algorithm, as the reference's toolbox, but not bit for bit the same
    kernels), with its filters built once in ``fit`` and applied to a whole
    batch at once.

    Parameters
    ----------
    sr : int, default=16000
        Sample rate, in Hz.
    n_octaves : int, default=9
        Octaves below ``fmax``: :math:`f_{min} = f_{max} / 2^{n\_octaves}`.
    fmax : float or None, default=None
        Upper edge of the analysed range; ``None`` means ``sr / 2``.
    bins_per_octave : int, default=96
        CQT bins per octave, :math:`B`.
    hop_length : int, default=256
        Samples between frames (16 ms at 16 kHz). librosa's multirate CQT
        halves the hop with every octave it downsamples, so a hop divisible
        by :math:`2^{n\_octaves - 1}` keeps every octave at a low rate and
        its FFTs short (``benchmarks/bench_frontends.py`` measures it).
    n_uniform : int, default=16
        Uniform samples in the first octave, :math:`d`.
    n_cqcc : int, default=20
        Cepstral coefficients kept, from :math:`c_0`.
    n_deltas : {0, 1, 2}, default=2
        0: static only; 1: and deltas; 2: and delta-deltas.
    delta_width : int, default=3
        Odd number of frames of the delta regression.
    cmvn : {None, "mean", "mean_variance"}, default=None
        Per-recording cepstral mean (and variance) normalisation.
    output : {"frames", "stats"}, default="frames"
        Frames ``(n_clips, n_rows, n_frames)`` or per-clip statistics.
    stats : tuple of str, default=("mean", "std", "p10", "p90")
        Summaries over time with ``output="stats"``.
    batch_size : int, default=16
        Clips transformed at once.
    n_jobs : int or None, default=None
        Batches transformed in parallel threads.
    verbose : bool, default=False
        Show a progress bar.

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit`` (not set for recordings of
        different lengths).
    fmin_ : float
        Frequency of the lowest CQT bin.
    cqt_frequencies_ : ndarray of shape (n_octaves * bins_per_octave,)
        Centre frequencies of the CQT bins.
    cepstral_basis_ : ndarray of shape (n_cqcc, n_octaves * bins_per_octave)
        Uniform resampling followed by the truncated DCT, as one matrix.

    References
    ----------
    .. [1] M. Todisco, H. Delgado and N. Evans, "Constant Q cepstral
       coefficients: A spoofing countermeasure for automatic speaker
       verification", Computer Speech & Language 45, 2017.
    .. [2] C. Schörkhuber and A. Klapuri, "Constant-Q transform toolbox for
       music processing", SMC 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.features import CQCC
    >>> X = np.random.default_rng(0).normal(size=(2, 16000)).astype(np.float32)
    >>> CQCC().fit_transform(X).shape
    (2, 60, 63)
    >>> CQCC(output="stats", n_deltas=0, stats=("mean",)).fit_transform(X).shape
    (2, 20)
    """

    _parameter_constraints = {
        **FrameFeaturizer._parameter_constraints,
        "sr": [Interval(Integral, 1, None, closed="left")],
        "n_octaves": [Interval(Integral, 1, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
        "bins_per_octave": [Interval(Integral, 1, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left")],
        "n_uniform": [Interval(Integral, 1, None, closed="left")],
        "n_cqcc": [Interval(Integral, 1, None, closed="left")],
        "n_deltas": [Interval(Integral, 0, 2, closed="both")],
        "delta_width": [Interval(Integral, 3, None, closed="left")],
        "cmvn": [StrOptions({"mean", "mean_variance"}), None],
    }

    def __init__(
        self,
        sr=16000,
        n_octaves=9,
        fmax=None,
        bins_per_octave=96,
        hop_length=256,
        n_uniform=16,
        n_cqcc=20,
        n_deltas=2,
        delta_width=3,
        cmvn=None,
        output="frames",
        stats=DEFAULT_STATS,
        batch_size=16,
        n_jobs=None,
        verbose=False,
    ):
        self.sr = sr
        self.n_octaves = n_octaves
        self.fmax = fmax
        self.bins_per_octave = bins_per_octave
        self.hop_length = hop_length
        self.n_uniform = n_uniform
        self.n_cqcc = n_cqcc
        self.n_deltas = n_deltas
        self.delta_width = delta_width
        self.cmvn = cmvn
        self.output = output
        self.stats = stats
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    @property
    def _n_bins(self):
        return self.n_octaves * self.bins_per_octave

    def _check_params(self):
        fmax = self.sr / 2 if self.fmax is None else self.fmax
        if fmax > self.sr / 2:
            raise ValueError(
                f"fmax={self.fmax} lies above the Nyquist frequency sr / 2 = {self.sr / 2:g} "
                "Hz: CQT bins would lie beyond Nyquist."
            )
        fmin = fmax / 2**self.n_octaves
        # With fmax at or below Nyquist, the top bin lies one bin below it and its
        # passband (librosa.filters.wavelet_lengths) stays below Nyquist too.
        n_uniform_points = len(self._uniform_grid(fmin))
        if self.n_cqcc > n_uniform_points:
            raise ValueError(
                f"n_cqcc={self.n_cqcc} exceeds the {n_uniform_points} uniform frequency "
                "samples; raise n_uniform or lower n_cqcc."
            )
        if self.delta_width % 2 == 0:
            raise ValueError(f"delta_width={self.delta_width} must be odd.")

    def _uniform_grid(self, fmin):
        top = fmin * 2 ** ((self._n_bins - 1) / self.bins_per_octave)
        step = fmin / self.n_uniform
        return fmin + step * np.arange(int(np.floor((top - fmin) / step + 1e-9)) + 1)

    def _setup(self):
        fmax = self.sr / 2 if self.fmax is None else self.fmax
        self.fmin_ = fmax / 2**self.n_octaves
        self.cqt_frequencies_ = librosa.cqt_frequencies(
            self._n_bins, fmin=self.fmin_, bins_per_octave=self.bins_per_octave
        )
        # Interpolating the identity gives the spline's linear operator.
        spline = scipy.interpolate.CubicSpline(self.cqt_frequencies_, np.eye(self._n_bins), axis=0)
        resample = spline(self._uniform_grid(self.fmin_))  # (n_uniform_points, n_bins)
        dct = dct_basis(self.n_cqcc, len(resample)).astype(np.float64)
        self.cepstral_basis_ = (dct @ resample).astype(np.float32)
        self._cqt = shared_constant_q(
            self.sr, self.hop_length, self.fmin_, self._n_bins, self.bins_per_octave
        )

    def _length_requirements(self):
        return [(self.hop_length, f"one frame, hop_length={self.hop_length}")]

    def _frames(self, X):
        with warnings.catch_warnings():
            # librosa warns for its downsampled octaves, whose signals are
            # shorter than the FFT it zero-pads them to; that is expected.
            warnings.filterwarnings("ignore", message="n_fft=.*is too large", category=UserWarning)
            cq = self._cqt(X)
        log_power = np.log(np.abs(cq) ** 2 + _EPS).astype(np.float32)  # (n, bins, frames)
        ceps = np.matmul(self.cepstral_basis_, log_power)
        return deltas(ceps, self.n_deltas, self.delta_width)

    def _chunk_geometry(self):
        # The CQT's longest filter and resamplers, then the deltas' frames.
        reach = self._cqt.reach + self.n_deltas * (self.delta_width // 2) * self.hop_length
        return self.hop_length, reach

    def _row_names(self):
        kinds = ["cqcc", "cqcc_delta", "cqcc_delta2"][: self.n_deltas + 1]
        return [f"{kind}_{i:02d}" for kind in kinds for i in range(self.n_cqcc)]
