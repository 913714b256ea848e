"""Constant-Q cepstral coefficients (Todisco, Delgado & Evans, 2017)."""

import warnings
from numbers import Integral, Real

import librosa
import numpy as np
import scipy.interpolate
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._bounds import BANDS, FRAME, SAMPLE_RATE
from ..utils._docstring import BATCHES_DOC, Substitution
from ._base import DEFAULT_STATS, FrameFeaturizer
from ._constant_q import _relative_bandwidth, shared_constant_q
from ._spectral import dct_basis, deltas

__all__ = ["CQCC"]

_EPS = np.finfo(np.float64).eps  # MATLAB's eps, the log floor of the reference code


@Substitution(batches=BATCHES_DOC)
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

    The defaults are the baseline's (``cqcc.m``): 96 bins per octave from
    :math:`f_{min} = f_{max} / 2^9`, :math:`d = 16`, 20 coefficients
    (:math:`c_0` to :math:`c_{19}`) with deltas and delta-deltas over
    :math:`\pm 3` frames (60 rows per frame).

    The filters (``filters="toolbox"``, the default) are those of the CQT
    toolbox that ``cqcc.m`` calls (Schörkhuber, Klapuri, Holighaus &
    Dörfler, 2014): bin :math:`k` is a Hann window in frequency of full
    width

    .. math:: \Delta f_k = Q f_k + \gamma, \qquad
              Q = 2^{1/B} - 2^{-1/B}, \qquad \gamma = 228.7\, Q

    (``cqcc.m``'s :math:`\gamma`, after Glasberg & Moore's ERB scale, which
    bounds the lowest filters' length), and the bins are :math:`f_k =
    f_{min} 2^{k/B}` up to :math:`f_{max}`, keeping those whose window ends
    below the Nyquist frequency. The transform is librosa's variable-Q
    transform (``librosa.vqt``, Schörkhuber & Klapuri's multirate algorithm,
    with its filters built once in ``fit`` and applied to a whole batch at
    once) with time-domain Hann windows of the same equivalent bandwidth:
    a window of :math:`L` samples has a main lobe :math:`4 sr / L` Hz wide,
    so :math:`L_k = 4 sr / \Delta f_k`, i.e. librosa's ``filter_scale``
    :math:`= 4\alpha / Q` (about 2) and ``gamma`` :math:`= \gamma \alpha /
    Q`, with :math:`\alpha` librosa's relative bandwidth. The toolbox's own
    frame rate is set by its widest window (about 117 frames per second
    for the defaults at 16 kHz); here frames are ``hop_length`` apart. A
    test checks the cepstra against a transcription of ``cqcc.m`` and the
    toolbox. ``filters="librosa"`` is ``librosa.cqt``'s filter bank
    (``filter_scale=1``, no :math:`\gamma`, :math:`9B` bins below
    :math:`f_{max}`): twice as wide, its lowest filter seconds long; the
    behaviour of skdeepfake 0.2 before the toolbox's filters.

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
    delta_width : int, default=7
        Odd number of frames of the delta regression (``cqcc.m``: 7, i.e.
        :math:`\pm 3` frames).
    filters : {"toolbox", "librosa"}, default="toolbox"
        The CQT filter bank: the CQT toolbox's (see above) or
        ``librosa.cqt``'s.
    cmvn : {None, "mean", "mean_variance"}, default=None
        Per-recording cepstral mean (and variance) normalisation.
    output : {"frames", "stats"}, default="frames"
        Frames ``(n_clips, n_rows, n_frames)`` or per-clip statistics.
        Before an estimator that takes a table (``StandardScaler``,
        ``LogisticRegression``, XGBoost) use ``output="stats"``: frames are
        3-D, and scikit-learn refuses them with "Found array with dim 3".
    stats : tuple of str, default=("mean", "std", "p10", "p90")
        Summaries over time with ``output="stats"``.
    batch_size : int, default=16
        Clips transformed at once.
    %(batches)s

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit`` (not set for recordings of
        different lengths).
    fmin_ : float
        Frequency of the lowest CQT bin.
    cqt_frequencies_ : ndarray of shape (n_bins,)
        Centre frequencies of the CQT bins (863 for the defaults at 16 kHz).
    gamma_, filter_scale_ : float
        The filters as ``librosa.vqt``'s ``gamma`` and ``filter_scale``
        (0 and 1 with ``filters="librosa"``).
    cepstral_basis_ : ndarray of shape (n_cqcc, n_bins)
        Uniform resampling followed by the truncated DCT, as one matrix.

    See Also
    --------
    LFCC : linear-frequency cepstra.
    skdeepfake.models.GMMClassifier : the ASVspoof CQCC-GMM baseline's model.

    References
    ----------
    .. [1] M. Todisco, H. Delgado and N. Evans, "Constant Q cepstral
       coefficients: A spoofing countermeasure for automatic speaker
       verification", Computer Speech & Language 45, 2017.
    .. [2] C. Schörkhuber and A. Klapuri, "Constant-Q transform toolbox for
       music processing", SMC 2010.
    .. [3] C. Schörkhuber, A. Klapuri, N. Holighaus and M. Dörfler, "A
       Matlab toolbox for efficient perfect reconstruction time-frequency
       transforms with log-frequency resolution", AES 53rd Conference, 2014.

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
        "sr": [SAMPLE_RATE],
        "n_octaves": [Interval(Integral, 1, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
        "bins_per_octave": [BANDS],
        "hop_length": [FRAME],
        "n_uniform": [BANDS],
        "n_cqcc": [BANDS],
        "n_deltas": [Interval(Integral, 0, 2, closed="both")],
        "delta_width": [Interval(Integral, 3, None, closed="left")],
        "cmvn": [StrOptions({"mean", "mean_variance"}), None],
        "filters": [StrOptions({"toolbox", "librosa"})],
    }

    # For instances from model files written before this parameter existed.
    filters = "librosa"

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
        delta_width=7,
        cmvn=None,
        filters="toolbox",
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
        self.filters = filters
        self.output = output
        self.stats = stats
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _fmax(self):
        return self.sr / 2 if self.fmax is None else self.fmax

    def _toolbox_widths(self):
        """(Q, gamma) of the CQT toolbox's windows for ``bins_per_octave``."""
        Q = 2 ** (1 / self.bins_per_octave) - 2 ** (-1 / self.bins_per_octave)
        return Q, 228.7 * Q

    def _bin_frequencies(self):
        """Centre frequencies of the bins, by the rule of ``filters``."""
        B = self.bins_per_octave
        fmin = self._fmax() / 2**self.n_octaves
        if self.filters == "librosa":
            return librosa.cqt_frequencies(self.n_octaves * B, fmin=fmin, bins_per_octave=B)
        # nsgcqwin.m: every f_k up to fmax, then only windows that end below Nyquist
        freqs = fmin * 2.0 ** (np.arange(int(np.floor(B * np.log2(self._fmax() / fmin) + 1e-9)) + 1) / B)
        Q, gamma = self._toolbox_widths()
        return freqs[freqs + (Q * freqs + gamma) / 2 <= self.sr / 2]

    def _check_params(self):
        if self._fmax() > self.sr / 2:
            raise ValueError(
                f"fmax={self.fmax} lies above the Nyquist frequency sr / 2 = {self.sr / 2:g} "
                "Hz: CQT bins would lie beyond Nyquist."
            )
        freqs = self._bin_frequencies()
        if len(freqs) < 2:
            raise ValueError(
                f"n_octaves={self.n_octaves} and bins_per_octave={self.bins_per_octave} leave "
                f"{len(freqs)} CQT bin(s) below the Nyquist frequency; at least 2 are needed."
            )
        n_uniform_points = len(self._uniform_grid(freqs))
        if self.n_cqcc > n_uniform_points:
            raise ValueError(
                f"n_cqcc={self.n_cqcc} exceeds the {n_uniform_points} uniform frequency "
                "samples; raise n_uniform or lower n_cqcc."
            )
        if self.delta_width % 2 == 0:
            raise ValueError(f"delta_width={self.delta_width} must be odd.")

    def _uniform_grid(self, freqs):
        step = freqs[0] / self.n_uniform
        return freqs[0] + step * np.arange(int(np.floor((freqs[-1] - freqs[0]) / step + 1e-9)) + 1)

    def _setup(self):
        self.cqt_frequencies_ = self._bin_frequencies()
        self.fmin_ = float(self.cqt_frequencies_[0])
        n_bins = len(self.cqt_frequencies_)
        # Interpolating the identity gives the spline's linear operator.
        spline = scipy.interpolate.CubicSpline(self.cqt_frequencies_, np.eye(n_bins), axis=0)
        resample = spline(self._uniform_grid(self.cqt_frequencies_))  # (n_uniform_points, n_bins)
        dct = dct_basis(self.n_cqcc, len(resample)).astype(np.float64)
        self.cepstral_basis_ = (dct @ resample).astype(np.float32)
        self.gamma_, self.filter_scale_ = 0.0, 1.0
        if self.filters == "toolbox":  # time-domain Hann windows of the toolbox's bandwidths
            Q, toolbox_gamma = self._toolbox_widths()
            alpha = float(_relative_bandwidth(self.cqt_frequencies_)[0])
            self.gamma_, self.filter_scale_ = toolbox_gamma * alpha / Q, 4 * alpha / Q
        self._cqt = shared_constant_q(
            self.sr,
            self.hop_length,
            self.fmin_,
            n_bins,
            self.bins_per_octave,
            self.gamma_,
            self.filter_scale_,
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
