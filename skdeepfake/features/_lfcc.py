"""Linear-frequency cepstral coefficients, the ASVspoof baselines' front-end."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._bounds import BANDS, FFT_SIZE, FRAME, SAMPLE_RATE
from ..utils._docstring import BATCHES_DOC, Substitution
from ._base import DEFAULT_STATS, FrameFeaturizer
from ._spectral import (
    BandedFilterbank,
    analysis_window,
    dct_basis,
    deltas,
    power_spectrogram,
    preemphasis,
    triangular_filterbank,
)

__all__ = ["LFCC"]

_EPS = np.finfo(np.float32).eps  # the log floor of the ASVspoof 2021 baseline


@Substitution(batches=BATCHES_DOC)
class LFCC(FrameFeaturizer):
    r"""Linear-frequency cepstral coefficients (LFCC), with deltas.

    The countermeasure front-end of the ASVspoof 2019 and 2021 baselines
    (Sahidullah, Kinnunen & Hanilçi, 2015; the LFCC-LCNN and LFCC-GMM
    baselines of Wang & Yamagishi, 2021). For each frame :math:`t` of the
    pre-emphasised waveform :math:`y[n] = x[n] - \alpha x[n-1]`:

    .. math::

        P_t(k) = |\mathrm{STFT}(y)_{t,k}|^2, \qquad
        E_t(m) = \log_{10}\Big(\sum_k H_m(k) P_t(k) + \epsilon\Big), \qquad
        c_t(i) = \mathrm{DCT}_{\mathrm{II,ortho}}(E_t)(i),

    where :math:`H_m` are ``n_filters`` triangles with peaks equally
    spaced in Hz between ``fmin`` and ``fmax`` (unlike MFCC's mel scale,
    they resolve high frequencies as finely as low ones, where vocoders
    leave their traces), :math:`\epsilon` is float32's machine epsilon and
    :math:`i < n\_lfcc`. Deltas and delta-deltas (regression over
    ``delta_width`` frames) follow the static coefficients.

    The ASVspoof baselines' configurations are named front-ends
    (:func:`skdeepfake.pipelines.make_frontend`, each tested against a
    transcription of the baseline's code):

    ``"lfcc-2019"``
        The ASVspoof 2019 LFCC-GMM baseline (``extract_lfcc.m``): 20 ms
        symmetric Hamming frames every 10 ms, 512-point FFT, 20 filters over
        the whole band, 20 coefficients, pre-emphasis 0.97; with deltas and
        delta-deltas, 60 rows. The defaults, but for the window's symmetry.
    ``"lfcc-2021"``
        The ASVspoof 2021 LFCC-LCNN baseline (``util_frontend.LFCC``): as
        2019 but a 1024-point FFT, 20 filters over 0-4 kHz, and :math:`c_0`
        the log energy of that band. Its deltas are the central difference
        :math:`c_{t+1} - c_{t-1}`, twice the regression slope computed here
        (its delta-deltas four times ours); its filters are evaluated on its own grid (``filter_grid="band"``).
    ``"lfcc-2021-gmm"``
        The ASVspoof 2021 LFCC-GMM baseline (``lfcc_bp.m``): 30 ms frames
        every 15 ms, 1024-point FFT, 70 filters over 0-4 kHz, 19
        coefficients with :math:`c_0`, no pre-emphasis.

    MATLAB's baselines frame without padding from the first sample; here
    frames are centred (frame :math:`t` at sample :math:`t \cdot hop`, the
    first half-padded with zeros), so their frame :math:`t` is this one's
    :math:`t + 1` when ``win_length = 2 * hop_length``.

    Parameters
    ----------
    sr : int, default=16000
        Sample rate of the waveforms, in Hz.
    n_filters : int, default=20
        Triangular filters.
    n_lfcc : int, default=20
        Cepstral coefficients kept (at most ``n_filters``).
    n_fft : int, default=512
        FFT length.
    win_length : int, default=320
        Frame length in samples (20 ms at 16 kHz); the Hamming window is
        centred in the ``n_fft`` points.
    hop_length : int, default=160
        Samples between frames (10 ms at 16 kHz).
    window : str, default="hamming"
        Any window ``scipy.signal.get_window`` knows.
    periodic_window : bool, default=True
        A periodic window (librosa's and PyTorch's, DFT-even), or a
        symmetric one (MATLAB's ``hamming(N)``).
    filter_grid : {"frequencies", "band"}, default="frequencies"
        Where the triangles are evaluated: at the bins' frequencies (the
        MATLAB baselines), or with the band's bins spread evenly from
        ``fmin`` to ``fmax`` (the LFCC-LCNN baseline's grid, about one bin
        wider than the bins when the band ends below Nyquist).
    preemphasis : float, default=0.97
        Pre-emphasis coefficient :math:`\alpha`; 0 disables it.
    fmin : float, default=0.0
        Lowest filter edge, in Hz.
    fmax : float or None, default=None
        Highest filter edge; ``None`` means ``sr / 2``.
    log_energy : bool, default=False
        Replace :math:`c_t(0)` by the log energy of the analysed band,
        :math:`\log_{10}(\sum_{f_{min} \le f_k < f_{max}} P_t(k) / n\_fft +
        \epsilon)` (every bin when ``fmax`` is the Nyquist frequency), as the
        LFCC-LCNN baseline does.
    n_deltas : {0, 1, 2}, default=2
        0: static coefficients only; 1: and deltas; 2: and delta-deltas.
    delta_width : int, default=3
        Odd number of frames of the delta regression (3: half the
        difference of the neighbouring frames).
    cmvn : {None, "mean", "mean_variance"}, default=None
        Per-recording cepstral mean (and variance) normalisation, applied
        to every row after the deltas.
    output : {"frames", "stats"}, default="frames"
        ``"frames"``: ``(n_clips, n_rows, n_frames)`` for frame-level models
        (GMM, LCNN); ``"stats"``: each row summarised by ``stats``, one row
        of named features per clip, for tabular models.
        Before an estimator that takes a table (``StandardScaler``,
        ``LogisticRegression``, XGBoost) use ``output="stats"``: frames are
        3-D, and scikit-learn refuses them with "Found array with dim 3".
    stats : tuple of str, default=("mean", "std", "p10", "p90")
        Summaries over time with ``output="stats"``, from
        :data:`~skdeepfake.features.STATISTICS`.
    batch_size : int, default=8
        Clips transformed at once; bounds the working memory. Small batches
        keep the STFT's intermediate arrays in the CPU cache.
    %(batches)s

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit`` (not set for recordings of
        different lengths).
    filterbank_ : ndarray of shape (n_filters, 1 + n_fft // 2)
        The triangular filters.
    window_ : ndarray of shape (n_fft,)
        The analysis window.
    n_rows_ : int
        Features per frame: ``n_lfcc * (n_deltas + 1)``.

    See Also
    --------
    CQCC : constant-Q cepstra, the other ASVspoof baseline front-end.
    LinearSubbands : log energies of linear sub-bands, before the DCT.
    skdeepfake.models.LCNNClassifier : the ASVspoof 2021 LFCC-LCNN baseline's network.
    skdeepfake.models.GMMClassifier : the ASVspoof 2019 LFCC-GMM baseline's model.

    References
    ----------
    .. [1] M. Sahidullah, T. Kinnunen and C. Hanilçi, "A comparison of
       features for synthetic speech detection", Interspeech 2015.
    .. [2] X. Wang and J. Yamagishi, "A comparative study on recent neural
       spoofing countermeasures for synthetic speech detection",
       Interspeech 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.features import LFCC
    >>> X = np.random.default_rng(0).normal(size=(3, 32000)).astype(np.float32)
    >>> LFCC().fit_transform(X).shape
    (3, 60, 201)
    >>> lfcc = LFCC(output="stats", n_deltas=0).fit(X)
    >>> lfcc.transform(X).shape
    (3, 80)
    >>> lfcc.get_feature_names_out()[:2].tolist()
    ['lfcc_00_mean', 'lfcc_00_std']
    """

    # For instances from model files written before these parameters existed.
    periodic_window, filter_grid = True, "frequencies"

    _parameter_constraints = {
        **FrameFeaturizer._parameter_constraints,
        "sr": [SAMPLE_RATE],
        "n_filters": [BANDS],
        "n_lfcc": [BANDS],
        "n_fft": [FFT_SIZE],
        "win_length": [FRAME],
        "hop_length": [FRAME],
        "window": [str],
        "periodic_window": ["boolean"],
        "filter_grid": [StrOptions({"frequencies", "band"})],
        "preemphasis": [Interval(Real, 0, 1, closed="both")],
        "fmin": [Interval(Real, 0, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
        "log_energy": ["boolean"],
        "n_deltas": [Interval(Integral, 0, 2, closed="both")],
        "delta_width": [Interval(Integral, 3, None, closed="left")],
        "cmvn": [StrOptions({"mean", "mean_variance"}), None],
    }

    def __init__(
        self,
        sr=16000,
        n_filters=20,
        n_lfcc=20,
        n_fft=512,
        win_length=320,
        hop_length=160,
        window="hamming",
        periodic_window=True,
        filter_grid="frequencies",
        preemphasis=0.97,
        fmin=0.0,
        fmax=None,
        log_energy=False,
        n_deltas=2,
        delta_width=3,
        cmvn=None,
        output="frames",
        stats=DEFAULT_STATS,
        batch_size=8,
        n_jobs=None,
        verbose=False,
    ):
        self.sr = sr
        self.n_filters = n_filters
        self.n_lfcc = n_lfcc
        self.n_fft = n_fft
        self.win_length = win_length
        self.hop_length = hop_length
        self.window = window
        self.periodic_window = periodic_window
        self.filter_grid = filter_grid
        self.preemphasis = preemphasis
        self.fmin = fmin
        self.fmax = fmax
        self.log_energy = log_energy
        self.n_deltas = n_deltas
        self.delta_width = delta_width
        self.cmvn = cmvn
        self.output = output
        self.stats = stats
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        check_linear_frames(self)
        if self.n_lfcc > self.n_filters:
            raise ValueError(
                f"n_lfcc={self.n_lfcc} must be at most n_filters={self.n_filters}: the DCT "
                "of n_filters log energies has n_filters coefficients."
            )
        if self.delta_width % 2 == 0:
            raise ValueError(f"delta_width={self.delta_width} must be odd.")

    def _setup(self):
        freqs = np.linspace(0, self.sr / 2, 1 + self.n_fft // 2)
        fmax = self.sr / 2 if self.fmax is None else self.fmax
        # The analysed band, as the LFCC-LCNN baseline takes it: the bins from
        # fmin up to, not including, fmax (every bin when fmax is Nyquist).
        self._band = (freqs >= self.fmin) & ((freqs < fmax) | (fmax >= self.sr / 2))
        if self.filter_grid == "band":  # the band's bins spread evenly over [fmin, fmax]
            self.filterbank_ = np.zeros((self.n_filters, len(freqs)), np.float32)
            grid = np.linspace(self.fmin, fmax, int(self._band.sum()))
            self.filterbank_[:, self._band] = triangular_filterbank(grid, self.n_filters, self.fmin, fmax)
        else:
            self.filterbank_ = triangular_filterbank(freqs, self.n_filters, self.fmin, fmax)
        self.window_ = analysis_window(
            self.window, self.win_length, self.n_fft, periodic=self.periodic_window
        )
        self.n_rows_ = self.n_lfcc * (self.n_deltas + 1)
        self._banded = BandedFilterbank(self.filterbank_)
        self._dct = dct_basis(self.n_lfcc, self.n_filters).T.copy()

    def _length_requirements(self):
        return [(self.win_length, f"one analysis frame, win_length={self.win_length}")]

    def _frames(self, X):
        power = power_spectrogram(preemphasis(X, self.preemphasis), self.n_fft, self.hop_length, self.window_)
        log_fb = self._banded(power)
        log_fb += _EPS
        np.log10(log_fb, out=log_fb)
        ceps = log_fb @ self._dct  # (n, frames, n_lfcc)
        if self.log_energy:
            ceps[..., 0] = np.log10(power[..., self._band].sum(axis=-1) / self.n_fft + _EPS)
        return deltas(ceps.transpose(0, 2, 1), self.n_deltas, self.delta_width)

    def _chunk_geometry(self):
        # An FFT frame either side of the centre, one sample of pre-emphasis, the deltas' frames.
        reach = self.n_fft // 2 + 1 + self.n_deltas * (self.delta_width // 2) * self.hop_length
        return self.hop_length, max(reach, self.win_length)

    def _row_names(self):
        kinds = ["lfcc", "lfcc_delta", "lfcc_delta2"][: self.n_deltas + 1]
        return [f"{kind}_{i:02d}" for kind in kinds for i in range(self.n_lfcc)]


def check_linear_frames(featurizer):
    """Checks shared by the STFT-based linear-frequency featurizers."""
    f = featurizer
    if f.win_length > f.n_fft:
        raise ValueError(f"win_length={f.win_length} must be at most n_fft={f.n_fft}.")
    fmax = f.sr / 2 if f.fmax is None else f.fmax
    if fmax > f.sr / 2:
        raise ValueError(f"fmax={f.fmax} lies above the Nyquist frequency sr / 2 = {f.sr / 2:g} Hz.")
    if f.fmin >= fmax:
        raise ValueError(f"fmin={f.fmin} must be below fmax={fmax:g} Hz.")
