"""RawBoost (Tak et al., ICASSP 2022): the three waveform noises of the paper.

Hand-written because no maintained augmentation library has it. The
algorithms follow the paper's equations and the authors' published code
(``RawBoost-antispoofing``), whose defaults are this class's defaults.
"""

import numpy as np
import scipy.signal
from audiomentations.core.transforms_interface import BaseWaveformTransform

__all__ = ["RawBoost", "RAWBOOST_ALGORITHMS"]

#: The paper's algorithm numbers and what each applies: "+" in series,
#: "||" in parallel (summed and renormalised).
RAWBOOST_ALGORITHMS = {
    1: "lnl",
    2: "isd",
    3: "ssi",
    4: "lnl+isd+ssi",
    5: "lnl+isd",
    6: "lnl+ssi",
    7: "isd+ssi",
    8: "lnl||isd",
}


def _normalise(x, always):
    peak = np.max(np.abs(x)) if len(x) else 0.0
    if peak > 0 and (always or peak > 1):
        return x / peak
    return x


def _fir_filter(x, b):
    """Zero-phase-aligned FIR filtering: delay of half the filter removed."""
    n = len(b) + 1
    y = scipy.signal.lfilter(b, 1.0, np.pad(x, (0, n)))
    return y[n // 2 : len(y) - n // 2][: len(x)]


class RawBoost(BaseWaveformTransform):
    r"""RawBoost data boosting: convolutive, impulsive and stationary noise.

    Three algorithms of Tak et al. (2022), each modelling a nuisance of
    real channels, applied alone or combined (``algorithm``):

    1. **Linear and non-linear convolutive noise (LnL)**, a Hammerstein
       system of :math:`N_f` orders,

       .. math:: y[n] = \sum_{j=1}^{N_f} \sum_{i} b_{ji}\, x^j[n - i],

       where each :math:`b_j` is a cascade of ``n_bands`` notch (band-stop)
       FIR filters (Hamming-windowed, random centre frequency in
       [``min_freq``, ``max_freq``], bandwidth in [``min_bandwidth``,
       ``max_bandwidth``], order in [``min_coeff``, ``max_coeff``]) scaled to
       a peak gain of :math:`g_j` dB; the gain of orders :math:`j \ge 2` is
       lowered by a bias in [``min_bias``, ``max_bias``] dB. The result is
       centred and scaled back into [-1, 1] if it leaves it.
    2. **Impulsive signal-dependent noise (ISD)**: a random
       :math:`\beta \in [0, P]` percent of the samples become
       :math:`x[n] + g_{sd}\, x[n]\, u_1 u_2`, with :math:`u_1, u_2` uniform
       in [-1, 1].
    3. **Stationary signal-independent noise (SSI)**: white noise coloured
       by one such filter cascade, added at a random SNR in [``min_snr_db``,
       ``max_snr_db``]:
       :math:`y = x + \frac{\lVert x \rVert}{\lVert w \rVert 10^{SNR/20}} w`.

    ``algorithm`` is the paper's number (1-8, :data:`RAWBOOST_ALGORITHMS`)
    or its name: ``"lnl"``, ``"isd"``, ``"ssi"``, the series
    ``"lnl+isd+ssi"``, ``"lnl+isd"``, ``"lnl+ssi"``, ``"isd+ssi"``, or the
    parallel ``"lnl||isd"``. The paper found series 1+2 (``"lnl+isd"``,
    number 5) best on ASVspoof 2021 LA and 3 (``"ssi"``) best on DF.

    An :mod:`audiomentations` transform: it composes with
    ``audiomentations.Compose``/``OneOf``, applies with probability ``p``,
    and draws from NumPy's global generator as audiomentations' transforms
    do (:class:`~skdeepfake.augment.Augmenter` seeds it).

    Parameters
    ----------
    algorithm : int or str, default="lnl+isd"
        Which noises, as above.
    n_orders : int, default=5
        :math:`N_f`, the orders of the Hammerstein system (LnL).
    n_bands : int, default=5
        Band-pass filters per cascade.
    min_freq, max_freq : float, default=20, 8000
        Range of the filters' centre frequencies (Hz).
    min_bandwidth, max_bandwidth : float, default=100, 1000
        Range of their bandwidths (Hz).
    min_coeff, max_coeff : int, default=10, 100
        Range of their numbers of taps (made odd).
    min_gain_db, max_gain_db : float, default=0, 0
        Range of a cascade's peak gain.
    min_bias_db, max_bias_db : float, default=5, 20
        Gain reduction of the non-linear orders (LnL).
    max_impulse_percent : float, default=10
        :math:`P`, the largest percentage of samples hit (ISD).
    impulse_gain : float, default=2
        :math:`g_{sd}` (ISD).
    min_snr_db, max_snr_db : float, default=10, 40
        SNR range of the stationary noise (SSI).
    p : float, default=1.0
        Probability of applying the transform; the paper boosts every
        training utterance.

    References
    ----------
    H. Tak, M. Kamble, J. Patino, M. Todisco, N. Evans, "RawBoost: A Raw
    Data Boosting and Augmentation Method applied to Automatic Speaker
    Verification Anti-Spoofing", Proc. ICASSP 2022, pp. 6382-6386.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import RawBoost
    >>> np.random.seed(0)
    >>> y = (0.5 * np.sin(np.linspace(0, 2000, 16000))).astype(np.float32)
    >>> out = RawBoost("isd")(y, 16000)
    >>> out.shape, bool(np.abs(out).max() <= 1.0), bool((out != y).any())
    ((16000,), True, True)
    """

    supports_multichannel = False

    def __init__(
        self,
        algorithm="lnl+isd",
        n_orders=5,
        n_bands=5,
        min_freq=20.0,
        max_freq=8000.0,
        min_bandwidth=100.0,
        max_bandwidth=1000.0,
        min_coeff=10,
        max_coeff=100,
        min_gain_db=0.0,
        max_gain_db=0.0,
        min_bias_db=5.0,
        max_bias_db=20.0,
        max_impulse_percent=10.0,
        impulse_gain=2.0,
        min_snr_db=10.0,
        max_snr_db=40.0,
        p=1.0,
    ):
        super().__init__(p)
        name = RAWBOOST_ALGORITHMS.get(algorithm, algorithm)
        if name not in RAWBOOST_ALGORITHMS.values():
            raise ValueError(
                f"RawBoost(algorithm={algorithm!r}): choose 1-8 or one of "
                f"{', '.join(RAWBOOST_ALGORITHMS.values())}."
            )
        if not 1 <= min_coeff <= max_coeff:
            raise ValueError(f"RawBoost: need 1 <= min_coeff <= max_coeff, got {min_coeff}, {max_coeff}.")
        self.algorithm = algorithm
        self.n_orders = n_orders
        self.n_bands = n_bands
        self.min_freq, self.max_freq = min_freq, max_freq
        self.min_bandwidth, self.max_bandwidth = min_bandwidth, max_bandwidth
        self.min_coeff, self.max_coeff = min_coeff, max_coeff
        self.min_gain_db, self.max_gain_db = min_gain_db, max_gain_db
        self.min_bias_db, self.max_bias_db = min_bias_db, max_bias_db
        self.max_impulse_percent = max_impulse_percent
        self.impulse_gain = impulse_gain
        self.min_snr_db, self.max_snr_db = min_snr_db, max_snr_db

    def apply(self, samples, sample_rate):
        x = np.asarray(samples, dtype=np.float64)
        name = RAWBOOST_ALGORITHMS.get(self.algorithm, self.algorithm)
        if name == "lnl||isd":
            out = _normalise(self.lnl(x, sample_rate) + self.isd(x), always=False)
        else:
            out = x
            for part in name.split("+"):
                out = getattr(self, part)(out, sample_rate) if part != "isd" else self.isd(out)
        return out.astype(np.float32)

    # -- the three algorithms, public so that each can be checked by itself -------------

    def filter_cascade(self, sample_rate, min_gain_db=None, max_gain_db=None):
        """Coefficients of ``n_bands`` random notch (band-stop) FIR filters in cascade.

        As in the authors' code: ``scipy.signal.firwin`` with two cut-offs and
        its default ``pass_zero=True``.

        Parameters
        ----------
        sample_rate : int
        min_gain_db, max_gain_db : float or None
            Range of the cascade's peak gain; ``None`` uses the parameters.

        Returns
        -------
        ndarray
            FIR coefficients, scaled so that the peak of the magnitude
            response is the drawn gain.
        """
        rand = np.random.uniform
        b = np.ones(1)
        nyquist = sample_rate / 2
        for _ in range(self.n_bands):
            centre = rand(self.min_freq, self.max_freq)
            width = rand(self.min_bandwidth, self.max_bandwidth)
            taps = int(rand(self.min_coeff, self.max_coeff))
            taps += 1 - taps % 2  # odd: a band-stop FIR needs an odd length
            low = max(centre - width / 2, 1e-3)
            high = min(centre + width / 2, nyquist - 1e-3)
            if low >= high:  # a band above this sample rate's Nyquist frequency
                low, high = nyquist / 2, nyquist - 1e-3
            b = np.convolve(scipy.signal.firwin(taps, [low, high], window="hamming", fs=sample_rate), b)
        lo = self.min_gain_db if min_gain_db is None else min_gain_db
        hi = self.max_gain_db if max_gain_db is None else max_gain_db
        _, h = scipy.signal.freqz(b, 1, fs=sample_rate)
        return 10 ** (rand(lo, hi) / 20) * b / np.max(np.abs(h))

    def lnl(self, x, sample_rate):
        """Linear and non-linear convolutive noise (algorithm 1)."""
        y = np.zeros(len(x))
        lo, hi = self.min_gain_db, self.max_gain_db
        for order in range(1, self.n_orders + 1):
            if order == 2:  # the non-linear orders are attenuated by the bias
                lo, hi = lo - self.min_bias_db, hi - self.max_bias_db
            y += _fir_filter(np.power(x, order), self.filter_cascade(sample_rate, lo, hi))
        return _normalise(y - y.mean(), always=False)

    def isd(self, x):
        """Impulsive signal-dependent additive noise (algorithm 2)."""
        beta = np.random.uniform(0, self.max_impulse_percent)
        n = int(len(x) * beta / 100)
        where = np.random.permutation(len(x))[:n]
        factor = (2 * np.random.rand(n) - 1) * (2 * np.random.rand(n) - 1)
        y = x.copy()
        y[where] = x[where] + self.impulse_gain * x[where] * factor
        return _normalise(y, always=False)

    def ssi(self, x, sample_rate):
        """Stationary signal-independent coloured noise (algorithm 3)."""
        noise = np.random.normal(0, 1, len(x))
        noise = _normalise(_fir_filter(noise, self.filter_cascade(sample_rate)), always=True)
        snr = np.random.uniform(self.min_snr_db, self.max_snr_db)
        norm = np.linalg.norm(noise)
        if norm == 0:
            return x
        return x + noise / norm * np.linalg.norm(x) / 10 ** (snr / 20)
