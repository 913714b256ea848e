"""What the raw-waveform networks share: fixed mel-spaced sinc filters, the two-logit output.

No library offers the filterbank these networks use: SincNet's filters
(Ravanelli & Bengio, 2018) with RawNet2's fixed mel-spaced cut-offs (Tak et
al., 2021). Written here from the papers and checked, through AASIST's
published logits, against the reference implementation
(``tests/test_aasist.py``).
"""

import numpy as np
from sklearn.preprocessing import FunctionTransformer

from ._keras import KerasDetector, keras

__all__ = [
    "sinc_filters",
    "sinc_band_edges",
    "SincFilterbank",
    "TwoClassSigmoid",
    "min_waveform_length",
    "WaveformDetector",
]


def _mel(hz):
    return 2595 * np.log10(1 + hz / 700)


def _hz(mel):
    return 700 * (10 ** (mel / 2595) - 1)


def sinc_band_edges(n_filters, sr):
    """The ``n_filters + 1`` cut-off frequencies (Hz) of :func:`sinc_filters`, equally spaced in mel."""
    bins = sr // 2 * np.linspace(0, 1, 512 // 2 + 1)
    return _hz(np.linspace(_mel(bins).min(), _mel(bins).max(), n_filters + 1))


def sinc_filters(n_filters, kernel_size, sr):
    r"""The band-pass filters of a sinc-convolution front-end, ``(kernel_size, n_filters)``.

    Filter :math:`k` passes :math:`[f_k, f_{k+1}]`, with the
    :math:`f_k` equally spaced on the mel scale
    (:math:`m = 2595 \log_{10}(1 + f / 700)`) between the lowest and the
    highest bin of a 512-point FFT (0 Hz and ``sr / 2``):

    .. math::

        h_k[n] = w[n] \left(\frac{2 f_{k+1}}{sr}
        \operatorname{sinc}\!\left(\frac{2 f_{k+1} n}{sr}\right)
        - \frac{2 f_k}{sr}
        \operatorname{sinc}\!\left(\frac{2 f_k n}{sr}\right)\right),
        \quad n = -\frac{K - 1}{2}, \dots, \frac{K - 1}{2},

    with :math:`w` a Hamming window of :math:`K` taps (an even
    ``kernel_size`` is raised by one, so that the filters are symmetric).

    Parameters
    ----------
    n_filters : int
        Number of bands.
    kernel_size : int
        Taps (made odd).
    sr : int
        Sample rate in Hz.

    Returns
    -------
    ndarray of shape (kernel_size, n_filters), float32

    References
    ----------
    .. [1] M. Ravanelli and Y. Bengio, "Speaker recognition from raw waveform
       with SincNet", IEEE SLT 2018.
    .. [2] H. Tak, J. Patino, M. Todisco, A. Nautsch, N. Evans and A. Larcher,
       "End-to-end anti-spoofing with RawNet2", ICASSP 2021.

    Examples
    --------
    >>> from skdeepfake.models._sinc import sinc_filters
    >>> sinc_filters(70, 128, 16000).shape
    (129, 70)
    """
    kernel_size += 1 - kernel_size % 2
    edges = sinc_band_edges(n_filters, sr)
    n = np.arange(-(kernel_size - 1) / 2, (kernel_size - 1) / 2 + 1)
    high, low = edges[1:, None], edges[:-1, None]
    ideal = 2 * high / sr * np.sinc(2 * high * n / sr) - 2 * low / sr * np.sinc(2 * low * n / sr)
    # float32 before the window, as the reference multiplies two float32 tensors.
    filters = np.hamming(kernel_size).astype(np.float32) * ideal.astype(np.float32)
    return np.ascontiguousarray(filters.T, dtype=np.float32)


@keras.saving.register_keras_serializable(package="skdeepfake")
class SincFilterbank(keras.layers.Layer):
    """A fixed (untrained) sinc filterbank: ``(n, n_samples)`` -> ``(n, n_frames, n_filters)``.

    A valid 1-D convolution with :func:`sinc_filters`; ``n_frames =
    n_samples - kernel_size + 1`` (with the odd ``kernel_size``).

    Parameters
    ----------
    n_filters : int
        Number of bands.
    kernel_size : int
        Taps (an even number is raised by one).
    sr : int
        Sample rate the filters are designed for.
    """

    def __init__(self, n_filters, kernel_size, sr, **kwargs):
        super().__init__(**kwargs)
        self.n_filters = int(n_filters)
        self.kernel_size = int(kernel_size)
        self.sr = int(sr)

    def build(self, input_shape):
        filters = sinc_filters(self.n_filters, self.kernel_size, self.sr)
        self.filters = self.add_weight(
            name="filters",
            shape=(filters.shape[0], 1, self.n_filters),
            initializer=keras.initializers.Constant(filters[:, None, :]),
            trainable=False,
        )

    def call(self, inputs):
        return keras.ops.conv(keras.ops.expand_dims(inputs, -1), self.filters, padding="valid")

    def compute_output_shape(self, input_shape):
        taps = self.kernel_size + 1 - self.kernel_size % 2
        frames = None if input_shape[1] is None else input_shape[1] - taps + 1
        return (input_shape[0], frames, self.n_filters)

    def get_config(self):
        return {
            **super().get_config(),
            "n_filters": self.n_filters,
            "kernel_size": self.kernel_size,
            "sr": self.sr,
        }


#: Max-poolings by 3 along time: one after the sinc filters, one per residual block.
_POOLINGS = 7


def min_waveform_length(first_conv=128, poolings=_POOLINGS):
    """Fewest samples a raw-waveform network takes: one frame left after every pooling.

    Examples
    --------
    >>> from skdeepfake.models._sinc import min_waveform_length
    >>> min_waveform_length()
    2315
    """
    taps = first_conv + 1 - first_conv % 2
    return taps - 1 + 3**poolings


@keras.saving.register_keras_serializable(package="skdeepfake")
class TwoClassSigmoid(keras.layers.Layer):
    """P(``classes_[1]``) from two logits: ``sigmoid(z_1 - z_0)``, the softmax's second column.

    The published networks end in two logits; this keeps them (for the
    conversion of their weights and for comparison with the reference) and
    gives the one sigmoid output every :class:`KerasDetector` has.
    """

    def call(self, z):
        return keras.ops.sigmoid(z[:, 1:2] - z[:, 0:1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)


class WaveformDetector(KerasDetector):
    """A :class:`KerasDetector` that reads the raw waveform: RawNet2 and AASIST.

    The network takes ``(n, n_samples)`` as it is (the identity as input
    encoder) and needs at least :func:`min_waveform_length` samples for its
    sinc filters of ``_first_conv()`` taps; ``_registry_name`` is the
    ``make_detector`` name the error suggests.
    """

    _registry_name = None

    def _first_conv(self):
        raise NotImplementedError

    def _check_input_shape(self, shape):
        shortest = min_waveform_length(self._first_conv())
        if len(shape) != 2 or shape[1] < shortest:
            raise ValueError(
                f"{type(self).__name__} reads raw waveforms, (n, n_samples) with at least {shortest} "
                f"samples (seven poolings by 3 after the sinc filters); got X with shape {shape}. "
                f"Load clips with AudioLoader(duration=...), e.g. make_detector({self._registry_name!r})."
            )

    def _make_input_encoder(self):
        return FunctionTransformer()
