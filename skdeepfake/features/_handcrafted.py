"""Handcrafted spectral features summarised over time, one row per clip."""

import librosa
import numpy as np

from ..utils._bounds import BANDS, FFT_SIZE, FRAME, SAMPLE_RATE
from ..utils._docstring import BATCHES_DOC, Substitution
from ._base import FrameFeaturizer
from ._spectral import BandedFilterbank, hann_window, power_spectrogram, power_to_db

__all__ = ["HandcraftedFeatures", "FEATURE_GROUPS"]

_DELTA_WIDTH = 9  # librosa.feature.delta's default


class _Spectra:
    """The spectra of one batch, computed once and shared by the groups."""

    def __init__(self, featurizer, X):
        self.f, self.X = featurizer, X
        power_by_frame = power_spectrogram(X, featurizer.n_fft, featurizer.hop_length, featurizer.window_)
        self.power_by_frame = power_by_frame
        self.power = power_by_frame.transpose(0, 2, 1)  # librosa takes (..., freq, time)
        self.magnitude = np.sqrt(self.power)
        self.done = {}

    def __getitem__(self, group):
        if group not in self.done:
            self.done[group] = FEATURE_GROUPS[group][1](self)
        return self.done[group]

    @property
    def spectral(self):
        f = self.f
        return dict(S=self.magnitude, sr=f.sr, n_fft=f.n_fft, hop_length=f.hop_length)


def _mfcc(s):
    log_mel = power_to_db(s.f._filterbank(s.power_by_frame).transpose(0, 2, 1), ref=1.0)
    return librosa.feature.mfcc(S=log_mel, n_mfcc=s.f.n_mfcc)


#: Feature groups, in output order: name -> (rows per frame, computation).
#: The first four are the study's DNN inputs. Adding a group is one entry.
FEATURE_GROUPS = {
    "mfcc": (lambda f: f.n_mfcc, _mfcc),
    "mfcc_delta": (lambda f: f.n_mfcc, lambda s: librosa.feature.delta(s["mfcc"])),
    "spectral_contrast": (
        lambda f: f.n_contrast_bands_ + 1,
        lambda s: librosa.feature.spectral_contrast(**s.spectral, n_bands=s.f.n_contrast_bands_),
    ),
    "zcr": (
        lambda f: 1,
        lambda s: librosa.feature.zero_crossing_rate(s.X, frame_length=s.f.n_fft, hop_length=s.f.hop_length),
    ),
    "spectral_centroid": (lambda f: 1, lambda s: librosa.feature.spectral_centroid(**s.spectral)),
    "spectral_bandwidth": (
        lambda f: 1,
        lambda s: librosa.feature.spectral_bandwidth(**s.spectral, centroid=s["spectral_centroid"]),
    ),
    "spectral_rolloff": (lambda f: 1, lambda s: librosa.feature.spectral_rolloff(**s.spectral)),
    "spectral_flatness": (
        lambda f: 1,
        lambda s: librosa.feature.spectral_flatness(
            S=s.magnitude, n_fft=s.f.n_fft, hop_length=s.f.hop_length
        ),
    ),
    "rms": (
        lambda f: 1,
        lambda s: librosa.feature.rms(y=s.X, frame_length=s.f.n_fft, hop_length=s.f.hop_length),
    ),
    "chroma": (
        lambda f: 12,
        lambda s: librosa.feature.chroma_stft(
            S=s.power, sr=s.f.sr, n_fft=s.f.n_fft, hop_length=s.f.hop_length, tuning=0.0
        ),
    ),
}


@Substitution(batches=BATCHES_DOC)
class HandcraftedFeatures(FrameFeaturizer):
    """MFCC, spectral contrast, zero-crossing rate and other spectral features.

    Each frame-level feature is summarised over the clip by ``stats``, giving
    one row of named features per clip: the inputs of the study's DNN and of
    the XGBoost baseline. All groups share one STFT over the whole batch;
    each feature is computed by librosa's own function on that STFT.

    Parameters
    ----------
    sr : int, default=16000
        Sample rate of the waveforms, in Hz.
    features : tuple of str or None, default=None
        Groups to compute, from :data:`FEATURE_GROUPS`: ``"mfcc"``,
        ``"mfcc_delta"``, ``"spectral_contrast"``, ``"zcr"``,
        ``"spectral_centroid"``, ``"spectral_bandwidth"``,
        ``"spectral_rolloff"``, ``"spectral_flatness"``, ``"rms"``,
        ``"chroma"``. ``None`` means all of them.
    n_mfcc : int, default=20
        MFCC coefficients (from a 128-band log-mel spectrogram, as librosa).
    stats : tuple of str, default=("mean", "std")
        Summaries over time, from :data:`~skdeepfake.features.STATISTICS`
        (``"mean"``, ``"std"``, ``"min"``, ``"max"``, ``"median"`` and the
        percentiles ``"p10"``, ``"p25"``, ``"p75"``, ``"p90"``).
    n_fft : int, default=2048
        FFT length.
    hop_length : int, default=512
        Samples between frames.
    output : {"stats", "frames"}, default="stats"
        ``"stats"``: one row of summaries per clip; ``"frames"``: every
        group's rows stacked, ``(n_clips, n_rows, n_frames)``.
    batch_size : int, default=32
        Clips transformed at once; bounds the working memory.
    %(batches)s

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit`` (not set for recordings of
        different lengths).
    features_ : tuple of str
        The groups computed.
    n_contrast_bands_ : int
        Spectral-contrast bands: librosa's six, fewer when the top band
        would pass the Nyquist frequency (five at 16 kHz).
    feature_names_out_ : ndarray of str
        Output column names, such as ``mfcc_03_mean``.

    See Also
    --------
    LFCC : the anti-spoofing front-end of linear-frequency cepstra.
    MelSpectrogram : the study's CNN input.
    skdeepfake.models.DNNClassifier : the study's network for these features.

    References
    ----------
    .. [1] Audio Deepfake Detection using Deep Neural Network and Custom Convolutional Neural
       Networks (the study skdeepfake grew out of).
    .. [2] S. Davis and P. Mermelstein, "Comparison of parametric representations for monosyllabic
       word recognition in continuously spoken sentences," IEEE Trans. Acoust., Speech, Signal
       Process. 28(4), 357-366, 1980 (MFCC).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake import HandcraftedFeatures
    >>> X = np.random.default_rng(0).normal(size=(3, 32000)).astype(np.float32)
    >>> hf = HandcraftedFeatures(features=("mfcc", "zcr"), n_mfcc=13).fit(X)
    >>> hf.transform(X).shape
    (3, 28)
    >>> hf.get_feature_names_out()[[0, -1]].tolist()
    ['mfcc_00_mean', 'zcr_std']
    """

    _parameter_constraints = {
        **FrameFeaturizer._parameter_constraints,
        "sr": [SAMPLE_RATE],
        "features": [tuple, list, None],
        "n_mfcc": [BANDS],
        "n_fft": [FFT_SIZE],
        "hop_length": [FRAME],
    }

    def __init__(
        self,
        sr=16000,
        features=None,
        n_mfcc=20,
        stats=("mean", "std"),
        n_fft=2048,
        hop_length=512,
        output="stats",
        batch_size=32,
        n_jobs=None,
        verbose=False,
    ):
        self.sr = sr
        self.features = features
        self.n_mfcc = n_mfcc
        self.stats = stats
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.output = output
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _groups(self):
        return tuple(FEATURE_GROUPS) if self.features is None else tuple(self.features)

    def _check_params(self):
        features = self._groups()
        unknown = sorted(set(features) - set(FEATURE_GROUPS))
        if unknown or not features:
            raise ValueError(
                f"features={self.features!r}: unknown or empty; choose from {', '.join(FEATURE_GROUPS)}."
            )

    def _length_requirements(self):
        requirements = [(self.n_fft, f"one STFT frame, n_fft={self.n_fft}")]
        if "mfcc_delta" in self._groups():
            # librosa.feature.delta needs as many frames as its window.
            requirements.append(
                (
                    (_DELTA_WIDTH - 1) * self.hop_length,
                    f"'mfcc_delta' needs at least {_DELTA_WIDTH} frames at hop_length={self.hop_length}",
                )
            )
        return requirements

    def _setup(self):
        features = self._groups()
        self.features_ = tuple(g for g in FEATURE_GROUPS if g in features)
        self.n_contrast_bands_ = _n_contrast_bands(self.sr)
        if {"mfcc", "mfcc_delta"} & set(self.features_):
            self.mel_basis_ = _mel_basis(self.sr, self.n_fft, self.n_mfcc)
            self._filterbank = BandedFilterbank(self.mel_basis_)
        self.window_ = hann_window(self.n_fft)
        self.feature_names_out_ = np.asarray(self._feature_names(), dtype=object)

    def _frames(self, X):
        spectra = _Spectra(self, X)
        return np.concatenate([spectra[g] for g in self.features_], axis=1).astype(np.float32, copy=False)

    def _chunk_geometry(self):
        # An FFT frame either side, and librosa's 9-frame deltas; exact but for
        # the MFCCs' 80-dB floor, which a long recording gets per chunk.
        return self.hop_length, self.n_fft // 2 + 4 * self.hop_length

    def _row_names(self):
        names = []
        for group in self.features_:
            n_rows = FEATURE_GROUPS[group][0](self)
            names += [group] if n_rows == 1 else [f"{group}_{i:02d}" for i in range(n_rows)]
        return names


def _mel_basis(sr, n_fft, n_mfcc, n_mels=128):
    """librosa's mel basis for the MFCCs, with as many of its 128 bands as the FFT resolves.

    At low rates or short FFTs some of 128 bands fall between two FFT bins
    and are empty (always at the log floor); fewer, wider bands then cover
    the same range with none empty (at least ``n_mfcc``).
    """
    import warnings

    for n in range(n_mels, n_mfcc - 1, -1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Empty filters detected": what is tried here
            basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n, dtype=np.float32)
        if (basis.max(axis=1) > 0).all():
            return basis
    return librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mfcc, dtype=np.float32)  # and librosa's warning


def _n_contrast_bands(sr, fmin=200.0, max_bands=6):
    """Largest number of octave bands above ``fmin`` below Nyquist (librosa's rule)."""
    n_bands = max_bands
    while n_bands > 1 and fmin * 2.0**n_bands >= sr / 2.0:
        n_bands -= 1
    return n_bands
