"""Handcrafted spectral features summarised over time, one row per clip."""

from numbers import Integral

import librosa
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from .._progress import progress
from ._spectral import BandedFilterbank, hann_window, iter_batches, n_frames, power_spectrogram, power_to_db
from ._validation import check_waveform_batch

__all__ = ["HandcraftedFeatures", "FEATURE_GROUPS", "STATISTICS"]

#: Feature groups, in output order. The first four are the study's DNN inputs.
FEATURE_GROUPS = (
    "mfcc",
    "mfcc_delta",
    "spectral_contrast",
    "zcr",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "rms",
    "chroma",
)

#: Statistics that summarise each feature over time.
STATISTICS = {
    "mean": np.mean,
    "std": np.std,
    "min": np.min,
    "max": np.max,
    "median": np.median,
}

_DELTA_WIDTH = 9  # librosa.feature.delta's default


class HandcraftedFeatures(TransformerMixin, BaseEstimator):
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
        Summaries over time, from ``"mean"``, ``"std"``, ``"min"``,
        ``"max"``, ``"median"``.
    n_fft : int, default=2048
        FFT length.
    hop_length : int, default=512
        Samples between frames.
    batch_size : int, default=32
        Clips transformed at once; bounds the working memory.
    verbose : bool, default=False
        Show a progress bar over the batches.

    Attributes
    ----------
    n_features_in_ : int
        Samples per clip seen in ``fit``.
    features_ : tuple of str
        The groups computed.
    n_contrast_bands_ : int
        Spectral-contrast bands: librosa's six, fewer when the top band
        would pass the Nyquist frequency (five at 16 kHz).
    feature_names_out_ : ndarray of str
        Output column names, such as ``mfcc_03_mean``.

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
        "sr": [Interval(Integral, 1, None, closed="left")],
        "features": [tuple, list, None],
        "n_mfcc": [Interval(Integral, 1, None, closed="left")],
        "stats": [tuple, list],
        "n_fft": [Interval(Integral, 2, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["boolean"],
    }

    def __init__(
        self,
        sr=16000,
        features=None,
        n_mfcc=20,
        stats=("mean", "std"),
        n_fft=2048,
        hop_length=512,
        batch_size=32,
        verbose=False,
    ):
        self.sr = sr
        self.features = features
        self.n_mfcc = n_mfcc
        self.stats = stats
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.batch_size = batch_size
        self.verbose = verbose

    def fit(self, X, y=None):
        """Check X and the parameters and fix the output columns.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples)
            Waveforms, for example from :class:`~skdeepfake.AudioLoader`.
        y : None
            Ignored.

        Returns
        -------
        self : HandcraftedFeatures
            The fitted transformer.
        """
        self._validate_params()
        features = FEATURE_GROUPS if self.features is None else tuple(self.features)
        unknown = sorted(set(features) - set(FEATURE_GROUPS))
        if unknown or not features:
            raise ValueError(
                f"features={self.features!r}: unknown or empty; choose from "
                f"{', '.join(FEATURE_GROUPS)}."
            )
        bad_stats = sorted(set(self.stats) - set(STATISTICS))
        if bad_stats or not self.stats:
            raise ValueError(
                f"stats={self.stats!r}: unknown or empty; choose from "
                f"{', '.join(STATISTICS)}."
            )
        X = validate_data(self, X, dtype=[np.float32, np.float64])
        self._check_length(X)
        self.features_ = tuple(g for g in FEATURE_GROUPS if g in features)
        self.n_contrast_bands_ = _n_contrast_bands(self.sr)
        self.mel_basis_ = librosa.filters.mel(
            sr=self.sr, n_fft=self.n_fft, dtype=np.float32
        )
        self._filterbank = BandedFilterbank(self.mel_basis_)
        self.window_ = hann_window(self.n_fft)
        rows = {
            "mfcc": self.n_mfcc,
            "mfcc_delta": self.n_mfcc,
            "spectral_contrast": self.n_contrast_bands_ + 1,
            "chroma": 12,
        }
        names = []
        for group in self.features_:
            n_rows = rows.get(group, 1)
            for i in range(n_rows):
                prefix = group if n_rows == 1 else f"{group}_{i:02d}"
                names.extend(f"{prefix}_{stat}" for stat in self.stats)
        self.feature_names_out_ = np.asarray(names, dtype=object)
        return self

    def transform(self, X):
        """Compute the summarised features of every clip.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples)
            Waveforms with as many samples as in ``fit``.

        Returns
        -------
        ndarray of shape (n_clips, n_features_out), float32
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        self._check_length(X)
        out = np.empty((len(X), len(self.feature_names_out_)), dtype=np.float32)
        for batch in progress(iter_batches(len(X), self.batch_size), self.verbose,
                              total=-(-len(X) // self.batch_size), desc=type(self).__name__):
            out[batch] = self._transform_batch(X[batch])
        return out

    def _check_length(self, X):
        check_waveform_batch(X, self.n_fft, type(self).__name__)
        features = FEATURE_GROUPS if self.features is None else self.features
        if "mfcc_delta" in features and n_frames(X.shape[1], self.hop_length) < _DELTA_WIDTH:
            min_samples = (_DELTA_WIDTH - 1) * self.hop_length
            raise ValueError(
                f"HandcraftedFeatures: 'mfcc_delta' needs at least {_DELTA_WIDTH} "
                f"frames, i.e. clips of at least {min_samples} samples at "
                f"hop_length={self.hop_length}; X has {X.shape[1]} samples per clip."
            )

    def _transform_batch(self, X):
        sr, n_fft, hop = self.sr, self.n_fft, self.hop_length
        # librosa's spectral functions take (..., freq, time).
        power_by_frame = power_spectrogram(X, n_fft, hop, self.window_)
        power = power_by_frame.transpose(0, 2, 1)
        magnitude = np.sqrt(power)
        frame_features = {}
        if "mfcc" in self.features_ or "mfcc_delta" in self.features_:
            log_mel = power_to_db(self._filterbank(power_by_frame).transpose(0, 2, 1), ref=1.0)
            mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=self.n_mfcc)
            frame_features["mfcc"] = mfcc
            if "mfcc_delta" in self.features_:
                frame_features["mfcc_delta"] = librosa.feature.delta(mfcc)
        compute = {
            "spectral_contrast": lambda: librosa.feature.spectral_contrast(
                S=magnitude, sr=sr, n_fft=n_fft, hop_length=hop,
                n_bands=self.n_contrast_bands_,
            ),
            "zcr": lambda: librosa.feature.zero_crossing_rate(
                X, frame_length=n_fft, hop_length=hop
            ),
            "spectral_centroid": lambda: librosa.feature.spectral_centroid(
                S=magnitude, sr=sr, n_fft=n_fft, hop_length=hop
            ),
            "spectral_bandwidth": lambda: librosa.feature.spectral_bandwidth(
                S=magnitude, sr=sr, n_fft=n_fft, hop_length=hop,
                centroid=frame_features.get("spectral_centroid"),
            ),
            "spectral_rolloff": lambda: librosa.feature.spectral_rolloff(
                S=magnitude, sr=sr, n_fft=n_fft, hop_length=hop
            ),
            "spectral_flatness": lambda: librosa.feature.spectral_flatness(
                S=magnitude, n_fft=n_fft, hop_length=hop
            ),
            "rms": lambda: librosa.feature.rms(y=X, frame_length=n_fft, hop_length=hop),
            "chroma": lambda: librosa.feature.chroma_stft(
                S=power, sr=sr, n_fft=n_fft, hop_length=hop, tuning=0.0
            ),
        }
        for group in self.features_:
            if group not in frame_features:
                frame_features[group] = compute[group]()
        columns = []
        for group in self.features_:
            values = frame_features[group]  # (n_clips, n_rows, n_frames)
            summaries = [STATISTICS[stat](values, axis=-1) for stat in self.stats]
            columns.append(np.stack(summaries, axis=-1).reshape(len(X), -1))
        return np.concatenate(columns, axis=1)

    def get_feature_names_out(self, input_features=None):
        """Output column names, such as ``mfcc_03_mean`` or ``zcr_std``.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _n_contrast_bands(sr, fmin=200.0, max_bands=6):
    """Largest number of octave bands above ``fmin`` below Nyquist (librosa's rule)."""
    n_bands = max_bands
    while n_bands > 1 and fmin * 2.0**n_bands >= sr / 2.0:
        n_bands -= 1
    return n_bands
