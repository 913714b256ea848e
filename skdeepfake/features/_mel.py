"""Log-mel spectrograms of a batch of waveforms."""

from numbers import Real

import librosa
import numpy as np
from sklearn.utils._param_validation import Interval

from ..utils._bounds import BANDS, FFT_SIZE, FRAME, SAMPLE_RATE
from ..utils._docstring import BATCHES_DOC, Substitution
from ._base import DEFAULT_STATS, FrameFeaturizer
from ._spectral import BandedFilterbank, hann_window, n_frames, power_spectrogram, power_to_db

__all__ = ["MelSpectrogram"]


@Substitution(batches=BATCHES_DOC)
class MelSpectrogram(FrameFeaturizer):
    """Log-mel spectrogram of each waveform, in dB relative to its maximum.

    The defaults follow the study this library grew from: a 2048-point STFT
    with a Hann window and hop 512, 128 mel bands, power 2, then decibels
    relative to each clip's maximum, floored at ``-top_db``. The output
    equals ``librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=sr),
    ref=np.max)`` for each clip ``x``, computed for a whole batch at once.

    Parameters
    ----------
    sr : int, default=16000
        Sample rate of the waveforms, in Hz.
    n_fft : int, default=2048
        FFT length; also the window length.
    hop_length : int, default=512
        Samples between successive frames.
    n_mels : int, default=128
        Number of mel bands (Slaney-style filterbank, as librosa's default).
    fmin : float, default=0.0
        Lowest frequency of the filterbank, in Hz.
    fmax : float or None, default=None
        Highest frequency; ``None`` means ``sr / 2``.
    top_db : float or None, default=80.0
        Dynamic range kept below each clip's maximum.
    flatten : bool, default=False
        Return a 2-D ``(n_clips, n_mels * n_frames)`` matrix for models that
        need one, instead of ``(n_clips, n_mels, n_frames)``.
    output : {"frames", "stats"}, default="frames"
        ``"stats"`` summarises each mel band over time with ``stats``.
        Before an estimator that takes a table (``StandardScaler``,
        ``LogisticRegression``, XGBoost) use ``output="stats"``: frames are
        3-D, and scikit-learn refuses them with "Found array with dim 3".
    stats : tuple of str, default=("mean", "std", "p10", "p90")
        Summaries over time with ``output="stats"``.
    batch_size : int, default=4
        Clips transformed at once; bounds the working memory. Small batches
        keep the STFT's intermediate arrays in the CPU cache.
    %(batches)s

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit``.
    mel_basis_ : ndarray of shape (n_mels, 1 + n_fft // 2)
        The mel filterbank.
    window_ : ndarray of shape (n_fft,)
        The analysis window.
    n_frames_ : int or None
        Frames per clip: ``1 + n_features_in_ // hop_length`` (None when
        fitted on recordings of different lengths).

    See Also
    --------
    skdeepfake.AudioLoader : Makes the fixed-length waveforms this expects.
    HandcraftedFeatures : Summary features for the DNN and XGBoost.

    References
    ----------
    .. [1] S. S. Stevens, J. Volkmann and E. B. Newman, "A scale for the measurement of the
       psychological magnitude pitch," J. Acoust. Soc. Am. 8(3), 185-190, 1937.
    .. [2] M. Slaney, "Auditory Toolbox, Version 2," Interval Research Corporation, Technical
       Report 1998-010, 1998 (the mel filters librosa builds by default).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake import MelSpectrogram
    >>> X = np.random.default_rng(0).normal(size=(4, 32000)).astype(np.float32)
    >>> mel = MelSpectrogram().fit(X)
    >>> mel.transform(X).shape
    (4, 128, 63)
    >>> MelSpectrogram(flatten=True).fit_transform(X).shape
    (4, 8064)
    """

    _parameter_constraints = {
        **FrameFeaturizer._parameter_constraints,
        "sr": [SAMPLE_RATE],
        "n_fft": [FFT_SIZE],
        "hop_length": [FRAME],
        "n_mels": [BANDS],
        "fmin": [Interval(Real, 0, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
        "top_db": [Interval(Real, 0, None, closed="neither"), None],
        "flatten": ["boolean"],
    }

    def __init__(
        self,
        sr=16000,
        n_fft=2048,
        hop_length=512,
        n_mels=128,
        fmin=0.0,
        fmax=None,
        top_db=80.0,
        flatten=False,
        output="frames",
        stats=DEFAULT_STATS,
        batch_size=4,
        n_jobs=None,
        verbose=False,
    ):
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.top_db = top_db
        self.flatten = flatten
        self.output = output
        self.stats = stats
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _setup(self):
        self.mel_basis_ = librosa.filters.mel(
            sr=self.sr,
            n_fft=self.n_fft,
            n_mels=self.n_mels,
            fmin=self.fmin,
            fmax=self.fmax,
            dtype=np.float32,
        )
        self._filterbank = BandedFilterbank(self.mel_basis_)
        self.window_ = hann_window(self.n_fft)
        n_samples = getattr(self, "n_features_in_", None)
        self.n_frames_ = None if n_samples is None else n_frames(n_samples, self.hop_length)

    def _length_requirements(self):
        return [(self.n_fft, f"one STFT frame, n_fft={self.n_fft}")]

    def _frames(self, X):
        power = power_spectrogram(X, self.n_fft, self.hop_length, self.window_)
        mel = self._filterbank(power).transpose(0, 2, 1)
        return power_to_db(mel, top_db=self.top_db, out=mel)

    def _finish(self, out):
        if self.flatten and self.output == "frames":
            return out.reshape(len(out), -1)
        return out

    def _chunk_geometry(self):
        # Exact but for top_db, whose floor a long recording gets per chunk.
        return self.hop_length, self.n_fft // 2

    def _row_names(self):
        return [f"mel_{m:03d}" for m in range(self.n_mels)]

    def _has_feature_names(self):
        return self.flatten or self.output == "stats"

    def _feature_names(self):
        if self.output == "stats":
            return super()._feature_names()
        return [f"mel_{m:03d}_frame_{t:03d}" for m in range(self.n_mels) for t in range(self.n_frames_)]
