"""Batched short-time Fourier transform shared by the featurizers.

librosa works clip by clip; here one STFT covers a whole batch of
equal-length clips, with the same framing, window and padding as
``librosa.stft(center=True, pad_mode="constant")``.
"""

import numpy as np
import scipy.fft
import scipy.signal


def hann_window(n_fft):
    """The periodic Hann window librosa uses, as float32."""
    return scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)


def n_frames(n_samples, hop_length):
    """Number of STFT frames of a centred STFT over ``n_samples``."""
    return 1 + n_samples // hop_length


def power_spectrogram(X, n_fft, hop_length, window):
    """Power spectrogram of every row of X.

    Parameters
    ----------
    X : ndarray of shape (n_clips, n_samples), float32
    n_fft, hop_length : int
    window : ndarray of shape (n_fft,)

    Returns
    -------
    ndarray of shape (n_clips, n_frames, 1 + n_fft // 2), float32
        Time on the middle axis, so a filterbank applies as one matmul.
    """
    pad = n_fft // 2
    padded = np.pad(X, ((0, 0), (pad, pad)))
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=-1)
    frames = frames[:, ::hop_length] * window
    spec = scipy.fft.rfft(frames, axis=-1, overwrite_x=True)
    power = np.abs(spec)
    power *= power
    return power


def power_to_db(S, top_db=80.0, ref="max", amin=1e-10):
    """``librosa.power_to_db`` applied to each clip on its own.

    Parameters
    ----------
    S : ndarray of shape (n_clips, ...)
        Power values; every axis but the first belongs to one clip.
    top_db : float or None
        Floor each clip at its own maximum minus ``top_db``.
    ref : "max" or float
        ``"max"`` is ``ref=np.max`` per clip; a float is a fixed reference.
    """
    axes = tuple(range(1, S.ndim))
    log_spec = 10.0 * np.log10(np.maximum(S, amin))
    if ref == "max":
        ref_db = 10.0 * np.log10(np.maximum(S.max(axis=axes, keepdims=True), amin))
    else:
        ref_db = 10.0 * np.log10(max(ref, amin))
    log_spec -= ref_db
    if top_db is not None:
        np.maximum(log_spec, log_spec.max(axis=axes, keepdims=True) - top_db, out=log_spec)
    return log_spec


def iter_batches(n, batch_size):
    """Yield slices covering ``range(n)`` in steps of ``batch_size``."""
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))
