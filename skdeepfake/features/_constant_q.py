"""librosa's constant-Q transform with its filters built once.

``librosa.cqt`` rebuilds its wavelet filter bank on every call (it caches
only through an optional on-disk joblib cache), and for CQCC's 864 bins the
filters cost more than the transform of a 2-s clip. :class:`ConstantQ`
builds them once, from librosa's public functions (``filters.wavelet``,
``filters.wavelet_lengths``, ``util.sparsify_rows``, ``stft``,
``resample``), and then runs librosa's multirate algorithm (Schörkhuber &
Klapuri, 2010): one FFT-domain filter bank per octave, the signal halved in
rate between octaves. Its output equals ``librosa.vqt(..., tuning=0.0)``
with the same ``gamma`` and ``filter_scale`` (``librosa.cqt`` for the
defaults); a test checks it.
"""

from functools import lru_cache

import librosa
import numpy as np

__all__ = ["ConstantQ", "shared_constant_q"]


@lru_cache(maxsize=8)
def shared_constant_q(sr, hop_length, fmin, n_bins, bins_per_octave, gamma=0.0, filter_scale=1.0):
    """One :class:`ConstantQ` per parameter set and process.

    Its filters are read-only once built, so every CQCC with the same
    parameters (the folds of a cross-validation, the clones of a grid
    search) shares them instead of building them again.
    """
    return ConstantQ(sr, hop_length, fmin, n_bins, bins_per_octave, gamma, filter_scale)


def _relative_bandwidth(freqs):
    """The relative bandwidth of each bin, as librosa computes it for a VQT."""
    logf = np.log2(freqs)
    bpo = np.empty_like(freqs)
    bpo[0] = 1 / (logf[1] - logf[0])
    bpo[-1] = 1 / (logf[-1] - logf[-2])
    bpo[1:-1] = 2 / (logf[2:] - logf[:-2])
    return (2.0 ** (2 / bpo) - 1) / (2.0 ** (2 / bpo) + 1)


def _two_factors(x):
    count = 0
    while x > 0 and x % 2 == 0:
        count += 1
        x //= 2
    return count


class ConstantQ:
    """A ready-to-run ``librosa.cqt`` for one set of parameters.

    Parameters
    ----------
    sr, hop_length, fmin, n_bins, bins_per_octave
        As in ``librosa.cqt``; ``tuning`` is 0, the filters are Hann
        windows with ``norm=1``, ``sparsity=0.01``,
        ``pad_mode="constant"`` and ``res_type="soxr_hq"``, librosa's
        defaults.
    gamma, filter_scale : float, default=0.0 and 1.0
        As in ``librosa.vqt``: the filter of bin k is
        ``filter_scale * sr / (alpha * f_k + gamma)`` samples long. The
        defaults give ``librosa.cqt``.
    """

    _RES_TYPE = "soxr_hq"

    def __init__(self, sr, hop_length, fmin, n_bins, bins_per_octave, gamma=0.0, filter_scale=1.0):
        self.n_bins = n_bins
        freqs = librosa.cqt_frequencies(n_bins, fmin=fmin, bins_per_octave=bins_per_octave)
        alpha = _relative_bandwidth(freqs)
        n_octaves = int(np.ceil(n_bins / bins_per_octave))
        n_filters = min(bins_per_octave, n_bins)
        widths = dict(window="hann", alpha=alpha, gamma=gamma, filter_scale=filter_scale)
        _, cutoff = librosa.filters.wavelet_lengths(freqs=freqs, sr=sr, **widths)
        # Early downsampling: as many halvings as the top filter and the hop allow.
        count = min(
            max(0, int(np.ceil(np.log2(sr / 2.0 / cutoff)) - 1) - 1),
            max(0, _two_factors(hop_length) - n_octaves + 1),
        )
        self.early_factor = 2**count
        original_sr = sr
        sr, hop = sr / self.early_factor, hop_length // self.early_factor
        self.octaves = []
        my_sr, my_hop = sr, hop
        # The samples on either side of a frame's centre that reach it, at the
        # original rate: half the longest filter, and the resamplers' own
        # filters (soxr's, a few dozen samples at each rate).
        self.reach = 0
        for i in range(n_octaves):
            bins = slice(-n_filters, None) if i == 0 else slice(-n_filters * (i + 1), -n_filters * i)
            basis, lengths = librosa.filters.wavelet(
                freqs=freqs[bins],
                sr=my_sr,
                filter_scale=filter_scale,
                gamma=gamma,
                norm=1,
                pad_fft=True,
                window="hann",
                alpha=alpha[bins],
            )
            n_fft = basis.shape[1]
            basis *= lengths[:, np.newaxis] / float(n_fft)
            fft_basis = librosa.get_fftlib().fft(basis, n=n_fft, axis=1)[:, : n_fft // 2 + 1]
            fft_basis = librosa.util.sparsify_rows(fft_basis, quantile=0.01, dtype=np.complex64)
            fft_basis *= np.sqrt(sr / my_sr)
            halve = my_hop % 2 == 0
            self.octaves.append((fft_basis.tocsr(), n_fft, my_hop, halve))
            self.reach = max(self.reach, int(np.ceil((lengths.max() / 2 + 32) * original_sr / my_sr)))
            if halve:
                my_hop //= 2
                my_sr /= 2.0
        lengths, _ = librosa.filters.wavelet_lengths(freqs=freqs, sr=sr, **widths)
        self.scale = (1.0 / np.sqrt(lengths)).astype(np.float32)[:, np.newaxis]

    def __call__(self, y):
        """The CQT of every row of ``y`` (n_clips, n_samples): (n_clips, n_bins, n_frames)."""
        if self.early_factor > 1:
            y = librosa.resample(
                y, orig_sr=self.early_factor, target_sr=1, res_type=self._RES_TYPE, scale=True
            )
        responses = []
        for fft_basis, n_fft, hop, halve in self.octaves:
            D = librosa.stft(
                y, n_fft=n_fft, hop_length=hop, window="ones", pad_mode="constant", dtype=np.complex64
            )
            responses.append(np.stack([fft_basis @ D[i] for i in range(len(D))]))
            if halve:
                y = librosa.resample(y, orig_sr=2, target_sr=1, res_type=self._RES_TYPE, scale=True)
        n_frames = min(r.shape[-1] for r in responses)
        out = np.empty((len(y), self.n_bins, n_frames), dtype=np.complex64)
        end = self.n_bins
        for response in responses:  # octaves from the top down, as librosa stacks them
            n = response.shape[-2]
            if end < n:
                out[:, :end] = response[:, -end:, :n_frames]
            else:
                out[:, end - n : end] = response[:, :, :n_frames]
            end -= n
        out *= self.scale
        return out
